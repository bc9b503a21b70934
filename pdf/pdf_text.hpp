// The words of a PDF page with their positions, and their grouping into
// lines and column cells. Reading from poppler is one function; the grouping
// is pure so that layouts can be tested without any PDF.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
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

/// A segment by its place: lines[line].segments[segment].
struct segment_ref {
  std::size_t line = 0, segment = 0;
};

/// How the lines of one wrapped text line up: flush left (values, body text),
/// or flush left, centred, flush right or inside the first line (titles).
enum class wrap_alignment { left, any };

/// The column a wrapped text flows in: from x0 (where a label starts) to x1.
/// Its next lines start under x0 or under text_x0 (where the value after the
/// label starts, or the value's own cell).
struct wrap_column {
  double x0 = 0, text_x0 = 0, x1 = 0;
  wrap_alignment alignment = wrap_alignment::left;
};

/// A segment that may carry on the text of the one above it.
struct wrap_step {
  segment_ref next;
  /// The first word of `next` would not have fitted after the text above
  /// within the column's widest line: the line was broken for want of room.
  bool previous_full = false;
};

/// Tolerances of next_wrapped_segment, in heights of the segment above.
inline constexpr double wrap_max_gap = 0.5;         // blank space between the two lines (leading up to 1.5)
inline constexpr double wrap_size_tolerance = 0.2;  // the two heights (font sizes) differ by at most this
inline constexpr double wrap_align_tolerance = 0.5; // how far from its column's edge a next line may start
inline constexpr double column_block_gap = 1.0;     // the column's lines further apart are another block
inline constexpr std::size_t column_block_max_lines = 40; // lines looked at above and below for its widest line

/// The segment that continues `at` on the next line of its column, judged by
/// geometry alone: it lies directly under `at` (other columns' lines in
/// between are passed over), it is the only segment of its line inside the
/// column, its height is the same, and it starts at the column's left edge
/// (or, with wrap_alignment::any, shares its centre or right edge or lies
/// inside the column). Whether its words make it a field of its own, and
/// whether a line that was not full may go on, is for the caller to decide.
std::optional<wrap_step> next_wrapped_segment(const std::vector<text_line>& lines, segment_ref at,
                                              const wrap_column& column);

/// Whether a line that ends with `word` was cut inside a token: "OS-",
/// "2026/" (a lone "-" between two parts of an address is not).
bool cut_inside_token(std::string_view word);

/// The text of a line and of its continuation as one: a token cut after a
/// hyphen or slash is joined without a space ("OS-" + "1234" = "OS-1234"),
/// words with one.
std::string join_wrapped(std::string_view first, std::string_view next);

/// The words of one poppler page (poppler's text boxes are words).
page_words read_page_words(const poppler::page& page);

} // namespace siberius::daemon
