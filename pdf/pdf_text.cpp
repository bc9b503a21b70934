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
