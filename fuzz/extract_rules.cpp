// The daemon's metadata rules on any extracted text. The input is a page as
// text, laid out the way `pdftotext -layout` prints it: one line per text
// line, a character 5 pt wide, a line 12 pt below the one above; a form feed
// starts a new page; a line that begins with '#' and a digit d has words
// (6 + 2d) pt high (a title, a small print). The words with those positions
// go through the same grouping and rules as a PDF's, and the result must be
// well formed and survive siberius-pdf-reader's JSON.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "pdf/extract_rules.hpp"
#include "pdf/pdf_metadata.hpp"
#include "pdf/pdf_text.hpp"

using namespace siberius::daemon;

namespace {

constexpr double char_width = 5, line_pitch = 12, base_height = 10;

std::vector<page_words> layout(std::string_view text) {
  std::vector<page_words> pages(1);
  double y = 40;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    auto line = text.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && line.front() == '\f') {
      pages.emplace_back();
      y = 40;
      line.remove_prefix(1);
    }
    double height = base_height;
    if (line.size() >= 2 && line[0] == '#' && line[1] >= '0' && line[1] <= '9') {
      height = 6 + 2 * (line[1] - '0');
      line.remove_prefix(2);
    }
    std::size_t i = 0;
    while (i < line.size()) {
      if (line[i] == ' ') {
        ++i;
        continue;
      }
      auto w = line.find(' ', i);
      if (w == std::string_view::npos)
        w = line.size();
      word wd;
      wd.text = std::string(line.substr(i, w - i));
      wd.x0 = 30 + double(i) * char_width;
      wd.x1 = 30 + double(w) * char_width;
      wd.y0 = y;
      wd.y1 = y + height;
      wd.space_after = w < line.size();
      pages.back().words.push_back(std::move(wd));
      i = w;
    }
    y += std::max(line_pitch, height + 2);
    if (end == text.size())
      break;
  }
  return pages;
}

bool iso_date_shape(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  // The single-value parsers on every line of the input.
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = std::min(text.find('\n', start), text.size());
    auto line = text.substr(start, end - start);
    start = end + 1;
    if (auto date = parse_event_date(line))
      FUZZ_CHECK(iso_date_shape(*date));
    if (auto amount = parse_brl_amount(line))
      FUZZ_CHECK(std::isfinite(*amount) && *amount >= 0);
    if (auto tipo = tipo_of_title(line))
      FUZZ_CHECK(*tipo == "orcamento" || *tipo == "os" || *tipo == "montagem");
    fold_for_matching(line);
  }

  auto pages = layout(text);
  auto m = extract_metadata(pages);
  FUZZ_CHECK(m.tipo == "orcamento" || m.tipo == "os" || m.tipo == "montagem" || m.tipo == "desconhecido");
  if (m.data_evento)
    FUZZ_CHECK(iso_date_shape(*m.data_evento));
  if (m.valor_total)
    FUZZ_CHECK(std::isfinite(*m.valor_total) && *m.valor_total >= 0);
  if (m.numero)
    FUZZ_CHECK(!m.numero->empty());
  if (m.cliente)
    FUZZ_CHECK(!m.cliente->empty());

  // What siberius-pdf-reader sends the daemon reads back as it was sent.
  pdf_facts facts;
  facts.sha256 = std::string(64, 'a');
  facts.size = static_cast<std::int64_t>(size);
  facts.metadata = m;
  auto json = facts_to_json(facts);
  FUZZ_CHECK(facts_to_json(facts_from_json(json)) == json);
  return 0;
}
