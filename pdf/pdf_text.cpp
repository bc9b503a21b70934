#include "pdf/pdf_text.hpp"

#include <algorithm>
#include <cmath>

#include <poppler-page.h>

namespace siberius::daemon {

namespace {

bool is_letter_byte(unsigned char c) {
  // Bytes of multi-byte UTF-8 sequences count as letters: accented labels.
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
}

/// "Cliente:Ana" → "Cliente:" + "Ana". Times ("10:30") and URLs with digits
/// before the colon stay whole because the part before must be letters.
void split_glued_label(const word& w, std::vector<word>& out) {
  auto colon = w.text.find(':');
  bool glued = colon != std::string::npos && colon >= 2 && colon + 1 < w.text.size()
               && std::all_of(w.text.begin(), w.text.begin() + colon,
                              [](char c) { return is_letter_byte(static_cast<unsigned char>(c)); });
  if (!glued) {
    out.push_back(w);
    return;
  }
  // Split the box in proportion to the bytes: close enough for column tests.
  double cut = w.x0 + (w.x1 - w.x0) * double(colon + 1) / double(w.text.size());
  word label = w, value = w;
  label.text = w.text.substr(0, colon + 1);
  label.x1 = cut;
  label.space_after = true;
  value.text = w.text.substr(colon + 1);
  value.x0 = cut;
  out.push_back(std::move(label));
  out.push_back(std::move(value));
}

double center_y(const word& w) { return (w.y0 + w.y1) / 2; }

text_segment make_segment(std::vector<word> words) {
  text_segment s;
  s.x0 = words.front().x0;
  s.x1 = words.back().x1;
  s.y0 = words.front().y0;
  s.y1 = words.front().y1;
  for (auto& w : words) {
    s.x0 = std::min(s.x0, w.x0);
    s.x1 = std::max(s.x1, w.x1);
    s.y0 = std::min(s.y0, w.y0);
    s.y1 = std::max(s.y1, w.y1);
  }
  s.words = std::move(words);
  return s;
}

text_line make_line(std::vector<word> words, std::size_t page_index) {
  std::sort(words.begin(), words.end(), [](const word& a, const word& b) { return a.x0 < b.x0; });
  text_line line;
  line.page = page_index;
  line.y0 = words.front().y0;
  line.y1 = words.front().y1;
  std::vector<word> cell;
  for (auto& w : words) {
    line.y0 = std::min(line.y0, w.y0);
    line.y1 = std::max(line.y1, w.y1);
    if (!cell.empty()) {
      double gap = w.x0 - cell.back().x1;
      double height = std::max(cell.back().height(), w.height());
      if (gap > column_gap_in_line_heights * height) {
        line.segments.push_back(make_segment(std::move(cell)));
        cell.clear();
      }
    }
    cell.push_back(std::move(w));
  }
  line.segments.push_back(make_segment(std::move(cell)));
  return line;
}

bool near(double a, double b, double tolerance) { return std::abs(a - b) <= tolerance; }

bool overlaps(double a0, double a1, double b0, double b1) { return a0 < b1 && b0 < a1; }

double height_of(const text_segment& s) { return s.y1 - s.y0; }

bool starts_in_column(const text_segment& s, const wrap_column& column, double tolerance) {
  return near(s.x0, column.x0, tolerance) || near(s.x0, column.text_x0, tolerance);
}

/// The right end of the widest line of the column around `at`: its block's
/// lines (none further than column_block_gap from the next) whose segment
/// starts at the column's left edge in the same size. A line broken for want
/// of room was at least that wide, so the first word of its next line would
/// not have fitted after it.
double column_right_edge(const std::vector<text_line>& lines, segment_ref at, const wrap_column& column) {
  auto& start = lines[at.line].segments[at.segment];
  auto page = lines[at.line].page;
  double height = height_of(start);
  double reach = column_block_gap * height;
  auto in_column = [&](const text_line& line) -> const text_segment* {
    for (auto& s : line.segments)
      if (starts_in_column(s, column, wrap_align_tolerance * height)
          && near(height_of(s), height, wrap_size_tolerance * height))
        return &s;
    return nullptr;
  };
  // A page of thousands of packed lines must not make every value walk it.
  auto last = std::min(lines.size(), at.line + 1 + column_block_max_lines);
  auto first = at.line > column_block_max_lines ? at.line - column_block_max_lines : 0;
  double right = start.x1;
  double edge = start.y1;
  for (auto l = at.line + 1; l < last && lines[l].page == page && lines[l].y0 - edge <= reach; ++l)
    if (auto s = in_column(lines[l])) {
      right = std::max(right, s->x1);
      edge = s->y1;
    }
  edge = start.y0;
  for (auto l = at.line; l-- > first && lines[l].page == page && edge - lines[l].y1 <= reach;)
    if (auto s = in_column(lines[l])) {
      right = std::max(right, s->x1);
      edge = s->y0;
    }
  return right;
}

bool is_word_byte(unsigned char c) { return is_letter_byte(c) || (c >= '0' && c <= '9'); }

} // namespace

std::string text_segment::text() const {
  std::string out;
  for (auto& w : words) {
    if (!out.empty())
      out += ' ';
    out += w.text;
  }
  return out;
}

std::vector<text_line> group_lines(const page_words& page, std::size_t page_index) {
  std::vector<word> words;
  words.reserve(page.words.size());
  for (auto& w : page.words) {
    // Hostile files can carry empty, inverted or non-finite boxes.
    if (w.text.empty() || !std::isfinite(w.x0) || !std::isfinite(w.x1) || !std::isfinite(w.y0)
        || !std::isfinite(w.y1))
      continue;
    word fixed = w;
    if (fixed.x1 < fixed.x0)
      std::swap(fixed.x0, fixed.x1);
    if (fixed.y1 < fixed.y0)
      std::swap(fixed.y0, fixed.y1);
    split_glued_label(fixed, words);
  }
  std::stable_sort(words.begin(), words.end(),
                   [](const word& a, const word& b) { return center_y(a) < center_y(b); });

  // Words whose vertical centres lie within half a word height of the line's
  // first word share its baseline, whatever their font size.
  std::vector<text_line> lines;
  std::vector<word> current;
  double line_center = 0, line_height = 0;
  for (auto& w : words) {
    if (!current.empty()) {
      double tolerance = 0.5 * std::min(line_height, w.height());
      if (std::abs(center_y(w) - line_center) > tolerance) {
        lines.push_back(make_line(std::move(current), page_index));
        current.clear();
      }
    }
    if (current.empty()) {
      line_center = center_y(w);
      line_height = w.height();
    }
    current.push_back(std::move(w));
  }
  if (!current.empty())
    lines.push_back(make_line(std::move(current), page_index));
  return lines;
}

std::vector<text_line> group_lines(const std::vector<page_words>& pages) {
  std::vector<text_line> all;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    auto lines = group_lines(pages[i], i);
    all.insert(all.end(), std::make_move_iterator(lines.begin()), std::make_move_iterator(lines.end()));
  }
  return all;
}

std::optional<wrap_step> next_wrapped_segment(const std::vector<text_line>& lines, segment_ref at,
                                              const wrap_column& column) {
  if (at.line >= lines.size() || at.segment >= lines[at.line].segments.size())
    return std::nullopt;
  auto& above = lines[at.line].segments[at.segment];
  double height = height_of(above);
  if (!(height > 0))
    return std::nullopt;
  double tolerance = wrap_align_tolerance * height;
  for (auto l = at.line + 1; l < lines.size(); ++l) {
    auto& line = lines[l];
    if (line.page != lines[at.line].page || line.y0 - above.y1 > wrap_max_gap * height)
      return std::nullopt;
    std::size_t inside = 0, found = 0;
    for (std::size_t s = 0; s < line.segments.size(); ++s)
      if (overlaps(line.segments[s].x0, line.segments[s].x1, column.x0, column.x1)) {
        ++inside;
        found = s;
      }
    if (inside == 0)
      continue; // a line of another column between two of ours
    if (inside != 1)
      return std::nullopt; // a table row, or a label with its value
    auto& below = line.segments[found];
    if (below.y0 - above.y1 > wrap_max_gap * height || !near(height_of(below), height, wrap_size_tolerance * height))
      return std::nullopt;
    bool aligned = starts_in_column(below, column, tolerance);
    if (column.alignment == wrap_alignment::any)
      aligned = aligned || near(below.x0 + below.x1, column.x0 + column.x1, 2 * tolerance)
                || near(below.x1, column.x1, tolerance)
                || (below.x0 >= column.x0 - tolerance && below.x1 <= column.x1 + tolerance);
    if (!aligned)
      return std::nullopt;
    auto& first = below.words.front();
    wrap_step step{{l, found}, false};
    step.previous_full = above.x1 + (first.x1 - first.x0) > column_right_edge(lines, at, column);
    return step;
  }
  return std::nullopt;
}

bool cut_inside_token(std::string_view word) {
  return word.size() >= 2 && (word.back() == '-' || word.back() == '/')
         && is_word_byte(static_cast<unsigned char>(word[word.size() - 2]));
}

std::string join_wrapped(std::string_view first, std::string_view next) {
  while (!next.empty() && next.front() == ' ')
    next.remove_prefix(1);
  std::string out(first);
  if (out.empty() || next.empty())
    return out.append(next);
  auto last_space = out.rfind(' ');
  auto last = std::string_view(out).substr(last_space == std::string::npos ? 0 : last_space + 1);
  if (!cut_inside_token(last))
    out += ' ';
  return out.append(next);
}

page_words read_page_words(const poppler::page& page) {
  page_words out;
  auto boxes = page.text_list();
  out.words.reserve(boxes.size());
  for (auto& box : boxes) {
    auto utf8 = box.text().to_utf8();
    auto rect = box.bbox();
    word w;
    w.text.assign(utf8.data(), utf8.size());
    w.x0 = rect.left();
    w.x1 = rect.right();
    w.y0 = rect.top();
    w.y1 = rect.bottom();
    w.space_after = box.has_space_after();
    out.words.push_back(std::move(w));
  }
  return out;
}

} // namespace siberius::daemon
