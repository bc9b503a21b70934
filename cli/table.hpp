// Aligned plain-text tables for people. Widths are measured in terminal
// columns, not bytes, so "Construtora São João" lines up with ASCII names.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace siberius::cli {

/// Columns a UTF-8 string takes on a terminal: combining marks take none,
/// East Asian wide characters and emoji take two, an invalid byte takes one.
std::size_t display_width(std::string_view utf8);

/// The text with control characters (which could move the cursor or recolour
/// the terminal) shown as '?' and invalid UTF-8 as U+FFFD. Values come from
/// daemons, so they are never printed raw.
std::string printable(std::string_view utf8);

enum class alignment { left, right };

struct table_column {
  std::string header;
  alignment align = alignment::left;
};

class text_table {
public:
  explicit text_table(std::vector<table_column> columns);

  /// Throws std::invalid_argument when the row has the wrong number of cells.
  void add_row(std::vector<std::string> cells);
  std::size_t row_count() const { return rows_.size(); }

  /// Header and rows, two spaces between columns, one line each, no
  /// trailing spaces.
  std::string render() const;

private:
  std::vector<table_column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

/// One record as "label  value" lines, values aligned, sanitised like table
/// cells; for `show`-style views of a single object.
std::string render_fields(const std::vector<std::pair<std::string, std::string>>& fields);

} // namespace siberius::cli
