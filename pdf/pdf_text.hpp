// The words of a PDF page with their positions, and their grouping into
// lines and column cells. Reading from poppler is one function; the grouping
// is pure so that layouts can be tested without any PDF.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace poppler {
class page;
}

namespace siberius::daemon {

/// One word as poppler places it: UTF-8 text and its box in points, with y
/// growing down the page (0 = top edge).
struct word {
  std::string text;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool space_after = false;

  double height() const { return y1 - y0; }
};

struct page_words {
  std::vector<word> words;
};

/// A run of words on one line with no column gap inside: one cell of a table
/// row, one side of a two-column header, or a whole plain line.
struct text_segment {
  std::vector<word> words;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;

  std::string text() const; // the words joined by single spaces
};

/// Words sharing a baseline, split into segments from left to right.
struct text_line {
  std::size_t page = 0;
  double y0 = 0, y1 = 0;
  std::vector<text_segment> segments;

  double height() const { return y1 - y0; }
};

/// A horizontal gap wider than this many line heights separates two columns;
/// a space between words is about a third of one.
inline constexpr double column_gap_in_line_heights = 1.2;

/// Groups a page's words into lines (top to bottom) and each line into
/// segments (left to right). Words of empty text are dropped; a word glued to
/// its label ("Cliente:Ana") is split after the colon.
std::vector<text_line> group_lines(const page_words& page, std::size_t page_index = 0);

/// All pages' lines in reading order: page by page, top to bottom.
std::vector<text_line> group_lines(const std::vector<page_words>& pages);

/// The words of one poppler page (poppler's text boxes are words).
page_words read_page_words(const poppler::page& page);

} // namespace siberius::daemon
