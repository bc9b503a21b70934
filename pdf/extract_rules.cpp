#include "pdf/extract_rules.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <tuple>

#include <date/date.h>

namespace siberius::daemon {

namespace {

// ============================================================================
// THE RULES. Everything a document layout decides lives in this block; the
// code below it only applies the tables. Labels and patterns are written
// folded (see fold_for_matching): upper case, no accents, "Nº" as "NO".
// A label matches at the start of a cell (a run of words without a column
// gap), with or without a colon after its last word.
// ============================================================================

/// How a document names its tipo, matched at the start of its title. A line
/// counts as the title when it also carries the document number or is printed
/// larger than the body text, so an item called "Montagem ..." is not a title.
struct title_rule {
  const char* tipo;
  const char* starts_with;
};
const title_rule title_rules[] = {
  {"orcamento", "PROPOSTA COMERCIAL / ORCAMENTO"},
  {"orcamento", "PROPOSTA COMERCIAL"},
  {"orcamento", "ORCAMENTO"},
  {"os", "O.S. - ORDEM DE SERVICO"},
  {"os", "ORDEM DE SERVICO"},
  {"os", "O.S."},
  {"montagem", "ORDEM DE MONTAGEM"},
  {"montagem", "FICHA DE MONTAGEM"},
  {"montagem", "MONTAGEM"},
};

/// Words that introduce the number in a title: "Nº 8038", "N° 2026/0456",
/// "No. 914", "Número: 6380". The number is the next word, kept as written.
const char* const number_labels[] = {"NO", "NO.", "N.", "N.O", "NRO", "NRO.", "NUMERO"};

enum class field { numero, cliente, data_evento, valor_total };

/// What a value must look like to be accepted.
enum class value_kind {
  token,  // one word holding a digit: "2026/0456", "OS-4404" (or "OS-" over "4404")
  name,   // free text; a long one may wrap onto the next line of its column
  date,   // parse_event_date
  amount, // parse_brl_amount; under its label only with "R$"
};

/// Which of several labelled values of one field wins. Values whose label is
/// explicit (a colon, several words, or the value in its own cell) always
/// beat bare one-word labels such as "Cliente declara ...".
enum class pick {
  earliest,    // the first in reading order
  latest,      // the last: the grand total follows subtotals and ends multi-page documents
  label_order, // the earliest label row of label_rules, then reading order
};

struct field_rule {
  field what;
  value_kind kind;
  pick choose;
};
const field_rule field_rules[] = {
  {field::numero, value_kind::token, pick::earliest}, // used only when the title has no number
  {field::cliente, value_kind::name, pick::earliest},
  {field::data_evento, value_kind::date, pick::label_order},
  {field::valor_total, value_kind::amount, pick::latest},
};

struct label_rule {
  field what;
  const char* label;
  const char* only_for_tipo = nullptr; // nullptr: every tipo, desconhecido included
};
const label_rule label_rules[] = {
  {field::cliente, "CLIENTE"},
  {field::cliente, "CONTRATANTE"},
  {field::data_evento, "DATA DO EVENTO"},
  {field::data_evento, "EVENTO EM"},
  // The set-up day is what a montagem is about; on an OS or an orçamento the
  // montagem happens before the event and is not its date.
  {field::data_evento, "DATA DA MONTAGEM", "montagem"},
  {field::valor_total, "VALOR TOTAL"},
  {field::valor_total, "TOTAL GERAL"},
  {field::valor_total, "TOTAL"},
  {field::numero, "NUMERO"},
  {field::numero, "NO"},
  {field::numero, "NO."},
};

/// Labels of no field. They end a value printed on the same line ("Cliente:
/// Ana   Telefone: ...") and are never read: "Data de emissão" is not the
/// event date, "Subtotal" and "Desconto" are not the total.
const char* const other_labels[] = {
  "DATA DE EMISSAO", "SUBTOTAL", "DESCONTO", "LOCAL", "TELEFONE", "EQUIPE", "VALIDADE", "CNPJ",
  "CPF", "ENDERECO", "E-MAIL", "EMAIL", "OBS", "OBSERVACOES", "PAGAMENTO", "DATA",
};

/// Month names as written in "15 de março de 2026", and their abbreviations.
const char* const month_names[12][2] = {
  {"JANEIRO", "JAN"}, {"FEVEREIRO", "FEV"}, {"MARCO", "MAR"},    {"ABRIL", "ABR"},
  {"MAIO", "MAI"},    {"JUNHO", "JUN"},     {"JULHO", "JUL"},    {"AGOSTO", "AGO"},
  {"SETEMBRO", "SET"}, {"OUTUBRO", "OUT"},  {"NOVEMBRO", "NOV"}, {"DEZEMBRO", "DEZ"},
};

/// Words after which a value or a title cannot end: the line below carries
/// it on even when it was not full ("Associação dos" / "Médicos de
/// Campinas", "16 de junho de" / "2026", "Ordem de" / "Serviço"). A token cut
/// after a hyphen or a slash ("OS-" / "1234") counts too (cut_inside_token).
const char* const unfinished_endings[] = {"DE", "DA", "DO", "DAS", "DOS", "E", "&", "-"};

/// Layout tolerances, in line heights. When a line below continues another
/// is pdf_text's geometry (next_wrapped_segment): directly under it, same
/// size, at the column's left edge.
constexpr double title_height_ratio = 1.25; // a title's words are this much taller than the median word
constexpr double value_below_reach = 2.5;   // a value printed under its label starts within this
constexpr std::size_t max_wrapped_lines = 2; // lines a value may take after its first
constexpr std::size_t max_title_lines = 3;

// ============================================================================
// Text helpers.
// ============================================================================

/// Latin-1 letters U+00C0..U+00FF folded to their base capital; '*' = kept.
constexpr char latin1_fold[] = "AAAAAA*CEEEEIIIIDNOOOOO*OUUUUY**AAAAAA*CEEEEIIIIDNOOOOO*OUUUUY*Y";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool has_digit(std::string_view s) { return std::any_of(s.begin(), s.end(), is_digit); }

bool has_letter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
  });
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ')
      ++i;
    auto start = i;
    while (i < s.size() && s[i] != ' ')
      ++i;
    if (i > start)
      out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

std::string join(const std::vector<std::string>& words, std::size_t from = 0) {
  std::string out;
  for (auto i = from; i < words.size(); ++i) {
    if (!out.empty())
      out += ' ';
    out += words[i];
  }
  return out;
}

std::string trim_token(std::string s) {
  while (!s.empty() && std::string_view(".,;:").find(s.back()) != std::string_view::npos)
    s.pop_back();
  while (!s.empty() && (s.front() == '#' || s.front() == ':'))
    s.erase(s.begin());
  return s;
}

/// Reads 1..max_digits digits at s[i]; advances i.
std::optional<int> read_number(std::string_view s, std::size_t& i, std::size_t max_digits) {
  std::size_t start = i;
  int value = 0;
  while (i < s.size() && is_digit(s[i]) && i - start < max_digits)
    value = value * 10 + (s[i++] - '0');
  if (i == start || (i < s.size() && is_digit(s[i])))
    return std::nullopt;
  return value;
}

std::optional<std::string> iso_date(int year, int month, int day) {
  if (year < 100)
    year += 2000;
  // date::day and date::month keep one byte: out-of-range numbers stop here.
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1 || day > 31 ||
      !date::year_month_day(date::year(year), date::month(static_cast<unsigned>(month)),
                            date::day(static_cast<unsigned>(day)))
           .ok())
    return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return std::string(buf);
}

/// "15/01/2026", "15-01-26", "15.01.2026", "2026-01-15" at the start of s.
std::optional<std::string> parse_numeric_date(std::string_view s) {
  std::size_t i = 0;
  auto first = read_number(s, i, 4);
  if (!first || i >= s.size())
    return std::nullopt;
  char sep = s[i];
  if (sep != '/' && sep != '-' && sep != '.')
    return std::nullopt;
  bool year_first = i == 4;
  ++i;
  auto second = read_number(s, i, 2);
  if (!second || i >= s.size() || s[i] != sep)
    return std::nullopt;
  ++i;
  auto digits_start = i;
  auto third = read_number(s, i, 4);
  if (!third)
    return std::nullopt;
  auto third_digits = i - digits_start;
  if (i < s.size() && std::string_view(".,;)").find(s[i]) == std::string_view::npos)
    return std::nullopt; // "15/01/2026x" is no date
  if (year_first)
    return third_digits <= 2 ? iso_date(*first, *second, *third) : std::nullopt;
  if (third_digits != 2 && third_digits != 4)
    return std::nullopt;
  return iso_date(*third, *second, *first);
}

/// "15 de março de 2026", "1º de março de 2026", "15 mar. 2026", "15 março, 2026".
std::optional<std::string> parse_written_date(const std::vector<std::string>& tokens) {
  std::size_t t = 0;
  if (tokens.empty())
    return std::nullopt;
  std::string day_text = tokens[t++];
  if (day_text.size() > 1 && day_text.back() == 'O') // "1º" folds to "1O"
    day_text.pop_back();
  std::size_t i = 0;
  auto day = read_number(day_text, i, 2);
  if (!day || i != day_text.size())
    return std::nullopt;
  if (t < tokens.size() && tokens[t] == "DE")
    ++t;
  if (t >= tokens.size())
    return std::nullopt;
  auto month_text = tokens[t++];
  while (!month_text.empty() && (month_text.back() == '.' || month_text.back() == ','))
    month_text.pop_back();
  int month = 0;
  for (int m = 0; m < 12 && month == 0; ++m)
    if (month_text == month_names[m][0] || month_text == month_names[m][1])
      month = m + 1;
  if (month == 0)
    return std::nullopt;
  if (t < tokens.size() && tokens[t] == "DE")
    ++t;
  if (t >= tokens.size())
    return std::nullopt;
  const auto& year_text = tokens[t];
  i = 0;
  auto year = read_number(year_text, i, 4);
  if (!year || (i != 2 && i != 4))
    return std::nullopt;
  if (i < year_text.size() && std::string_view(".,;)").find(year_text[i]) == std::string_view::npos)
    return std::nullopt;
  return iso_date(*year, month, *day);
}

// ============================================================================
// The document as the rules see it: lines of cells of folded words.
// ============================================================================

using cell_ref = segment_ref;

class document_view {
public:
  explicit document_view(const std::vector<text_line>& lines) : lines_(lines) {
    folded_.resize(lines.size());
    for (std::size_t l = 0; l < lines.size(); ++l)
      for (auto& seg : lines[l].segments) {
        std::vector<std::string> words;
        words.reserve(seg.words.size());
        for (auto& w : seg.words)
          words.push_back(fold_for_matching(w.text));
        folded_[l].push_back(std::move(words));
      }
  }

  const std::vector<text_line>& lines() const { return lines_; }
  const text_segment& segment(cell_ref c) const { return lines_[c.line].segments[c.segment]; }
  const std::vector<std::string>& folded(cell_ref c) const { return folded_[c.line][c.segment]; }

  std::vector<std::string> original(cell_ref c, std::size_t from, std::size_t to) const {
    std::vector<std::string> out;
    auto& words = segment(c).words;
    for (auto i = from; i < to && i < words.size(); ++i)
      out.push_back(words[i].text);
    return out;
  }

private:
  const std::vector<text_line>& lines_;
  std::vector<std::vector<std::vector<std::string>>> folded_;
};

struct label_match {
  std::size_t words = 0; // words the label takes, its colon included
  bool colon = false;
};

/// The next space-separated token of `rest`, consumed from it.
std::string_view next_token(std::string_view& rest) {
  while (!rest.empty() && rest.front() == ' ')
    rest.remove_prefix(1);
  auto end = std::min(rest.find(' '), rest.size());
  auto token = rest.substr(0, end);
  rest.remove_prefix(end);
  return token;
}

/// Does `label` (folded, words separated by spaces) start at words[at]? Its
/// last word may carry the colon or be followed by a lone ":". Runs for every
/// cell and rule, so it walks the label in place instead of splitting it.
std::optional<label_match> match_label(const std::vector<std::string>& words, std::size_t at,
                                       std::string_view label) {
  label_match m;
  std::string_view rest = label;
  for (auto token = next_token(rest); !token.empty(); token = next_token(rest)) {
    if (at + m.words >= words.size())
      return std::nullopt;
    std::string_view w = words[at + m.words];
    bool last = rest.find_first_not_of(' ') == std::string_view::npos;
    ++m.words;
    if (w == token)
      continue;
    if (last && w.size() == token.size() + 1 && w.back() == ':' && w.substr(0, token.size()) == token) {
      m.colon = true;
      continue;
    }
    return std::nullopt;
  }
  if (m.words == 0)
    return std::nullopt;
  if (!m.colon && at + m.words < words.size() && words[at + m.words] == ":") {
    m.colon = true;
    ++m.words;
  }
  return m;
}

/// "Telefone:" — a word of letters ending in a colon reads as a label.
bool is_colon_word(std::string_view w) {
  return w.size() >= 2 && w.back() == ':' && !has_digit(w);
}

/// Is there a label with a colon at words[at]? Ends a value on the same line.
bool label_with_colon_at(const std::vector<std::string>& words, std::size_t at) {
  if (is_colon_word(words[at]))
    return true;
  for (auto& rule : label_rules)
    if (auto m = match_label(words, at, rule.label); m && m.value().colon)
      return true;
  for (auto* label : other_labels)
    if (auto m = match_label(words, at, label); m && m.value().colon)
      return true;
  return false;
}

/// A cell that opens with a label (known, or any "Word:" among its first
/// words) is a field of its own, never the continuation of another value.
bool starts_like_label(const std::vector<std::string>& words) {
  if (words.empty())
    return false;
  for (auto& rule : label_rules)
    if (match_label(words, 0, rule.label))
      return true;
  for (auto* label : other_labels)
    if (match_label(words, 0, label))
      return true;
  for (std::size_t i = 0; i < words.size() && i < 4; ++i)
    if (is_colon_word(words[i]))
      return true;
  return false;
}

bool overlaps(double a0, double a1, double b0, double b1) { return a0 < b1 && b0 < a1; }

/// Does a cell's text stop short of its end ("... dos", "16 de junho de",
/// "OS-")? Then the next line of its column carries it on.
bool ends_unfinished(const std::vector<std::string>& folded) {
  if (folded.empty())
    return false;
  auto& last = folded.back();
  return cut_inside_token(last) || last.back() == ','
         || std::find(std::begin(unfinished_endings), std::end(unfinished_endings), last)
              != std::end(unfinished_endings);
}

/// The lines that carry on a value whose first line is cell `at`, in
/// `column`. Each lies where a wrapped line would (next_wrapped_segment),
/// is not a field of its own, and follows a line that was full or stopped
/// unfinished: a short line ends its value however close the next one is.
std::vector<std::string> wrapped_lines(const document_view& doc, cell_ref at, const wrap_column& column) {
  std::vector<std::string> out;
  while (out.size() < max_wrapped_lines) {
    auto step = next_wrapped_segment(doc.lines(), at, column);
    if (!step || starts_like_label(doc.folded(step->next)))
      break;
    if (!step->previous_full && !ends_unfinished(doc.folded(at)))
      break;
    out.push_back(doc.segment(step->next).text());
    at = step->next;
  }
  return out;
}

/// Where a label's value was found, and the lines that may continue it.
struct labelled_value {
  std::string text;
  std::vector<std::string> wrapped;
  bool own_cell = false; // in a cell of its own, right of or under the label
  bool below = false;
};

/// The value of the label that takes words [0, label_words) of cell `at`:
/// the rest of the cell up to the next label; else the next cell to the
/// right; else the first cell under the label.
std::optional<labelled_value> value_of_label(const document_view& doc, cell_ref at, std::size_t label_words) {
  auto& words = doc.folded(at);
  auto& seg = doc.segment(at);
  auto end = label_words;
  while (end < words.size() && !label_with_colon_at(words, end))
    ++end;
  labelled_value v;
  if (end > label_words) {
    v.text = join(doc.original(at, label_words, end));
    // Only a value that runs to the end of its cell can go on below it.
    if (end == words.size())
      v.wrapped = wrapped_lines(doc, at, {seg.x0, seg.words[label_words].x0, seg.x1});
    return v;
  }
  auto& line = doc.lines()[at.line];
  if (at.segment + 1 < line.segments.size()) {
    cell_ref right{at.line, at.segment + 1};
    if (starts_like_label(doc.folded(right)))
      return std::nullopt;
    auto& cell = doc.segment(right);
    v.text = cell.text();
    v.wrapped = wrapped_lines(doc, right, {seg.x0, cell.x0, cell.x1});
    v.own_cell = true;
    return v;
  }
  auto& lines = doc.lines();
  for (auto l = at.line + 1; l < lines.size(); ++l) {
    if (lines[l].page != line.page || lines[l].y0 - line.y1 > value_below_reach * line.height())
      break;
    for (std::size_t s = 0; s < lines[l].segments.size(); ++s) {
      auto& under = lines[l].segments[s];
      if (!overlaps(under.x0, under.x1, seg.x0, seg.x1))
        continue;
      if (starts_like_label(doc.folded({l, s})))
        return std::nullopt;
      v.text = under.text();
      v.wrapped = wrapped_lines(doc, {l, s}, {under.x0, under.x0, under.x1});
      v.own_cell = v.below = true;
      return v;
    }
  }
  return std::nullopt;
}

/// The value with the lines that carry it on, joined as wrapped text.
std::string joined(const labelled_value& v) {
  std::string text = v.text;
  for (auto& more : v.wrapped)
    text = join_wrapped(text, more);
  return text;
}

/// The value as the field's kind reads it, or nullopt when it does not fit.
struct field_value {
  std::optional<std::string> text;
  std::optional<double> amount;
};

std::optional<field_value> read_value(value_kind kind, const labelled_value& v) {
  field_value out;
  switch (kind) {
    case value_kind::token: {
      auto words = split_words(joined(v)); // "OS-" over "1234"
      if (words.empty())
        return std::nullopt;
      auto token = trim_token(words.front());
      if (!has_digit(token))
        return std::nullopt;
      out.text = token;
      return out;
    }
    case value_kind::name: {
      if (!has_letter(v.text))
        return std::nullopt;
      out.text = joined(v);
      return out;
    }
    case value_kind::date: {
      out.text = parse_event_date(v.text);
      if (!out.text && !v.wrapped.empty())
        out.text = parse_event_date(joined(v));
      if (!out.text)
        return std::nullopt;
      return out;
    }
    case value_kind::amount: {
      // Under a label only with the currency: a table's "Total" column
      // header has plain numbers under it.
      if (v.below && v.text.find("R$") == std::string::npos)
        return std::nullopt;
      out.amount = parse_brl_amount(v.text);
      if (!out.amount)
        return std::nullopt;
      return out;
    }
  }
  return std::nullopt;
}

struct candidate {
  bool explicit_label = false;
  std::size_t label_rank = 0;
  std::size_t order = 0; // reading order of the label
  field_value value;
};

/// Every labelled value of `rule.what` the document holds, in reading order.
std::vector<candidate> find_candidates(const document_view& doc, const field_rule& rule, const std::string& tipo) {
  std::vector<candidate> found;
  std::size_t order = 0;
  auto& lines = doc.lines();
  for (std::size_t l = 0; l < lines.size(); ++l)
    for (std::size_t s = 0; s < lines[l].segments.size(); ++s, ++order) {
      cell_ref at{l, s};
      auto& words = doc.folded(at);
      for (std::size_t r = 0; r < std::size(label_rules); ++r) {
        auto& label = label_rules[r];
        if (label.what != rule.what || (label.only_for_tipo && tipo != label.only_for_tipo))
          continue;
        auto m = match_label(words, 0, label.label);
        if (!m)
          continue;
        auto v = value_of_label(doc, at, m->words);
        auto value = v ? read_value(rule.kind, *v) : std::nullopt;
        bool several_words = std::string_view(label.label).find(' ') != std::string_view::npos;
        if (value)
          found.push_back({m->colon || v->own_cell || several_words, r, order, *value});
        break; // one label per cell: "TOTAL GERAL" is not also "TOTAL"
      }
    }
  return found;
}

std::optional<field_value> choose(std::vector<candidate> found, pick policy) {
  if (found.empty())
    return std::nullopt;
  bool any_explicit = std::any_of(found.begin(), found.end(), [](auto& c) { return c.explicit_label; });
  if (any_explicit)
    found.erase(std::remove_if(found.begin(), found.end(), [](auto& c) { return !c.explicit_label; }), found.end());
  auto best = found.begin();
  for (auto it = found.begin(); it != found.end(); ++it) {
    bool better = false;
    switch (policy) {
      case pick::earliest: better = it->order < best->order; break;
      case pick::latest: better = it->order > best->order; break;
      case pick::label_order:
        better = std::tie(it->label_rank, it->order) < std::tie(best->label_rank, best->order);
        break;
    }
    if (better)
      best = it;
  }
  return best->value;
}

// ============================================================================
// The title: tipo and numero.
// ============================================================================

struct title_found {
  std::string tipo;
  std::optional<std::string> numero;
};

bool is_number_label(std::string_view w) {
  if (!w.empty() && w.back() == ':')
    w.remove_suffix(1);
  return std::find(std::begin(number_labels), std::end(number_labels), w) != std::end(number_labels);
}

/// "Nº8038" / "N°2026/0456" written without a space: the number after the sign.
std::optional<std::string> glued_number(std::string_view original) {
  for (std::string_view sign : {"\xC2\xBA", "\xC2\xB0"}) // º °
    if (original.size() > 1 + sign.size() && (original[0] == 'N' || original[0] == 'n')
        && original.substr(1, sign.size()) == sign && is_digit(original[1 + sign.size()]))
      return trim_token(std::string(original.substr(1 + sign.size())));
  return std::nullopt;
}

/// Index of the first word after a title pattern matched at words[0], or 0.
std::pair<const title_rule*, std::size_t> match_title(const std::vector<std::string>& folded) {
  for (auto& rule : title_rules) {
    std::string_view rest = rule.starts_with;
    std::size_t matched = 0;
    for (auto token = next_token(rest); !token.empty(); token = next_token(rest), ++matched)
      if (matched >= folded.size() || folded[matched] != token) {
        matched = 0;
        break;
      }
    if (matched > 0)
      return {&rule, matched};
  }
  return {nullptr, 0};
}

/// Are the words the first words of a title pattern, short of its end
/// ("Ordem de" of "ORDEM DE SERVICO")?
bool starts_a_title(const std::vector<std::string>& folded) {
  for (auto& rule : title_rules) {
    std::string_view rest = rule.starts_with;
    std::size_t matched = 0;
    while (matched < folded.size() && next_token(rest) == folded[matched])
      ++matched;
    if (matched == folded.size() && !next_token(rest).empty())
      return true;
  }
  return false;
}

/// A title line printed at body size stops short when it is the start of a
/// title pattern, ends with "Nº" or ends unfinished ("OS-").
bool title_unfinished(const std::vector<std::string>& folded) {
  return starts_a_title(folded) || is_number_label(folded.back()) || ends_unfinished(folded);
}

/// Appends a title's next line, word by word, gluing a cut token back
/// together ("OS-" + "1234").
void append_title_line(std::vector<std::string>& folded, std::vector<std::string>& original,
                       const std::vector<std::string>& more_folded, const std::vector<std::string>& more_original) {
  std::size_t from = 0;
  if (!original.empty() && !more_original.empty() && cut_inside_token(original.back())) {
    original.back() += more_original.front();
    folded.back() += more_folded.front();
    from = 1;
  }
  folded.insert(folded.end(), more_folded.begin() + from, more_folded.end());
  original.insert(original.end(), more_original.begin() + from, more_original.end());
}

double median_word_height(const std::vector<text_line>& lines, std::size_t page) {
  std::vector<double> heights;
  for (auto& line : lines)
    if (line.page == page)
      for (auto& seg : line.segments)
        for (auto& w : seg.words)
          heights.push_back(w.height());
  if (heights.empty())
    return 0;
  auto mid = heights.begin() + heights.size() / 2;
  std::nth_element(heights.begin(), mid, heights.end());
  return *mid;
}

/// The first cell of the first page that opens with a title pattern and
/// either is printed large or carries a number. The title is read across its
/// wrapped lines (next_wrapped_segment, flush left, centred or flush right):
/// a large title takes them all ("PROPOSTA COMERCIAL /" over "ORÇAMENTO Nº
/// 2236", "Ordem de" over "Serviço"); one at body size only while it stops
/// short ("Ordem de" over "Serviço Nº 12", "Nº" over "2026/0456"), so that an
/// item such as "Montagem de palco" never takes the line under it.
std::optional<title_found> find_title(const document_view& doc) {
  auto& lines = doc.lines();
  if (lines.empty())
    return std::nullopt;
  auto page = lines.front().page;
  double body_height = median_word_height(lines, page);
  for (std::size_t l = 0; l < lines.size() && lines[l].page == page; ++l)
    for (std::size_t s = 0; s < lines[l].segments.size(); ++s) {
      cell_ref at{l, s};
      auto& seg = doc.segment(at);
      auto folded = doc.folded(at);
      auto original = doc.original(at, 0, folded.size());
      double height = seg.y1 - seg.y0;
      bool large = height >= title_height_ratio * body_height;
      if (!large && !match_title(folded).first && !starts_a_title(folded))
        continue;
      wrap_column column{seg.x0, seg.x0, seg.x1, wrap_alignment::any};
      cell_ref last = at;
      for (std::size_t taken = 1; taken < max_title_lines && (large || title_unfinished(folded)); ++taken) {
        auto step = next_wrapped_segment(lines, last, column);
        // "Nº 2236" under "ORÇAMENTO" is the title's number, not a field.
        if (!step || (starts_like_label(doc.folded(step->next)) && !is_number_label(doc.folded(step->next).front())))
          break;
        auto& more = doc.folded(step->next);
        append_title_line(folded, original, more, doc.original(step->next, 0, more.size()));
        last = step->next;
      }
      auto [rule, after] = match_title(folded);
      if (!rule)
        continue;
      title_found title{rule->tipo, std::nullopt};
      for (auto i = after; i < folded.size() && !title.numero; ++i) {
        if (auto glued = glued_number(original[i]); glued) {
          title.numero = glued;
        } else if (is_number_label(folded[i])) {
          if (i + 1 < folded.size() && has_digit(original[i + 1]))
            title.numero = trim_token(original[i + 1]);
          break;
        } else if (i == after && has_digit(original[i])) {
          title.numero = trim_token(original[i]); // "ORÇAMENTO 2236"
        } else {
          break; // the number follows the title or it is not a title number
        }
      }
      if (title.numero && title.numero->empty())
        title.numero.reset();
      if (large || title.numero)
        return title;
    }
  return std::nullopt;
}

} // namespace

// ============================================================================
// Public functions.
// ============================================================================

std::string fold_for_matching(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : char(c);
      ++i;
      continue;
    }
    std::size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    std::uint32_t cp = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    bool valid = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; valid && k < len; ++k) {
      auto cont = static_cast<unsigned char>(s[i + k]);
      valid = (cont & 0xC0) == 0x80;
      cp = (cp << 6) | (cont & 0x3F);
    }
    if (!valid) {
      out += '?';
      ++i;
      continue;
    }
    char folded = 0;
    if (cp >= 0xC0 && cp <= 0xFF && latin1_fold[cp - 0xC0] != '*')
      folded = latin1_fold[cp - 0xC0];
    else if (cp == 0xBA || cp == 0xB0) // º °
      folded = 'O';
    else if (cp == 0xAA) // ª
      folded = 'A';
    else if (cp == 0xA0) // no-break space
      folded = ' ';
    else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212) // hyphens, dashes, minus
      folded = '-';
    else if (cp == 0x2018 || cp == 0x2019)
      folded = '\'';
    else if (cp == 0x201C || cp == 0x201D)
      folded = '"';
    if (folded)
      out += folded;
    else
      out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

std::optional<std::string> parse_event_date(std::string_view text) {
  auto folded = fold_for_matching(text);
  auto tokens = split_words(folded);
  if (tokens.empty())
    return std::nullopt;
  if (auto numeric = parse_numeric_date(tokens.front()))
    return numeric;
  return parse_written_date(tokens);
}

std::optional<double> parse_brl_amount(std::string_view text) {
  std::size_t i = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
      ++i;
  };
  skip_spaces();
  if (text.compare(i, 2, "R$") == 0) {
    i += 2;
    skip_spaces();
  }
  // Whole part: plain digits, or 1-3 digits then groups of ".ddd".
  std::int64_t whole = 0;
  std::size_t start = i, first_group = 0;
  while (i < text.size() && is_digit(text[i]) && i - start < 15)
    whole = whole * 10 + (text[i++] - '0');
  first_group = i - start;
  if (first_group == 0)
    return std::nullopt;
  if (i < text.size() && text[i] == '.' && first_group <= 3) {
    while (i + 3 < text.size() + 0 && text[i] == '.' && is_digit(text[i + 1]) && is_digit(text[i + 2])
           && is_digit(text[i + 3]) && (i + 4 == text.size() || !is_digit(text[i + 4]))) {
      whole = whole * 1000 + (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
      i += 4;
      if (whole > 999'999'999'999'999LL)
        return std::nullopt;
    }
  }
  std::int64_t cents = 0;
  if (i < text.size() && text[i] == ',') {
    ++i;
    if (i < text.size() && is_digit(text[i])) {
      cents = (text[i++] - '0') * 10;
      if (i < text.size() && is_digit(text[i]))
        cents += text[i++] - '0';
    } else {
      return std::nullopt;
    }
  }
  // What follows must not continue the number: "1.23" or "12,345" are not
  // Brazilian amounts.
  if (i < text.size() && (is_digit(text[i]) || text[i] == '.' || text[i] == ','))
    return std::nullopt;
  return double(whole * 100 + cents) / 100.0;
}

std::optional<std::string> tipo_of_title(std::string_view title) {
  auto [rule, after] = match_title(split_words(fold_for_matching(title)));
  if (!rule)
    return std::nullopt;
  return std::string(rule->tipo);
}

pdf_metadata extract_metadata_from_lines(const std::vector<text_line>& lines) {
  document_view doc(lines);
  pdf_metadata meta;
  auto title = find_title(doc);
  if (title) {
    meta.tipo = title->tipo;
    meta.numero = title->numero;
  }
  for (auto& rule : field_rules) {
    if (rule.what == field::numero && meta.numero)
      continue;
    auto value = choose(find_candidates(doc, rule, meta.tipo), rule.choose);
    if (!value)
      continue;
    switch (rule.what) {
      case field::numero: meta.numero = value->text; break;
      case field::cliente: meta.cliente = value->text; break;
      case field::data_evento: meta.data_evento = value->text; break;
      case field::valor_total: meta.valor_total = value->amount; break;
    }
  }
  return meta;
}

pdf_metadata extract_metadata(const std::vector<page_words>& pages) {
  return extract_metadata_from_lines(group_lines(pages));
}

} // namespace siberius::daemon
