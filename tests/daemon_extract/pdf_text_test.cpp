// Grouping positioned words into lines and column cells (pure, no PDF).
#define CAF_SUITE daemon_pdf_text
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <limits>

#include "pdf/pdf_text.hpp"
#include "tests/daemon_extract/page_builder.hpp"

using namespace siberius::daemon;
using siberius::daemon::test::page_builder;

namespace {

std::vector<std::string> cells_of(const text_line& line) {
  std::vector<std::string> out;
  for (auto& s : line.segments)
    out.push_back(s.text());
  return out;
}

using cells = std::vector<std::string>;

} // namespace

CAF_TEST(words on one baseline form a line and big gaps split it into cells) {
  auto page = page_builder()
                .line(100, {{70, "Cliente: Ana Lima"}, {330, "Data do Evento: 15/01/2026"}})
                .line(113, {{70, "Local: Rua XV"}})
                .build();
  auto lines = group_lines(page);
  CAF_REQUIRE_EQUAL(lines.size(), 2u);
  CAF_CHECK_EQUAL(cells_of(lines[0]), (cells{"Cliente: Ana Lima", "Data do Evento: 15/01/2026"}));
  CAF_CHECK_EQUAL(cells_of(lines[1]), (cells{"Local: Rua XV"}));
}

CAF_TEST(lines come out top to bottom and words left to right whatever the input order) {
  page_words page = page_builder().line(200, {{70, "segunda"}}).line(100, {{70, "primeira linha"}}).build();
  std::swap(page.words[1], page.words[2]); // "linha" before "primeira"
  auto lines = group_lines(page);
  CAF_REQUIRE_EQUAL(lines.size(), 2u);
  CAF_CHECK_EQUAL(cells_of(lines[0]), (cells{"primeira linha"}));
  CAF_CHECK_EQUAL(cells_of(lines[1]), (cells{"segunda"}));
}

CAF_TEST(a larger word on the same baseline stays on the line) {
  page_builder b;
  b.line(100, {{70, "TOTAL"}}, 12).line(101, {{107, "GERAL R$ 10,00"}}, 10);
  auto lines = group_lines(b.build());
  CAF_REQUIRE_EQUAL(lines.size(), 1u);
  CAF_CHECK_EQUAL(cells_of(lines[0]), (cells{"TOTAL GERAL R$ 10,00"}));
}

CAF_TEST(a line right under another is a line of its own) {
  auto lines = group_lines(page_builder().line(100, {{70, "Cliente: Ana"}}).line(110, {{70, "Lima"}}).build());
  CAF_CHECK_EQUAL(lines.size(), 2u);
}

CAF_TEST(a value glued to its label is split after the colon but a time is not) {
  auto lines = group_lines(page_builder().line(100, {{70, "Cliente:Ana às 10:30"}}).build());
  CAF_REQUIRE_EQUAL(lines.size(), 1u);
  auto& words = lines[0].segments.at(0).words;
  CAF_REQUIRE_EQUAL(words.size(), 4u);
  CAF_CHECK_EQUAL(words[0].text, "Cliente:");
  CAF_CHECK_EQUAL(words[1].text, "Ana");
  CAF_CHECK_EQUAL(words[3].text, "10:30");
  CAF_CHECK(words[0].x1 <= words[1].x0);
}

CAF_TEST(empty words and boxes with no finite position are dropped) {
  page_words page = page_builder().line(100, {{70, "Ana"}}).build();
  page.words.push_back({"", 80, 100, 90, 110, false});
  page.words.push_back({"nan", std::numeric_limits<double>::quiet_NaN(), 100, 90, 110, false});
  page.words.push_back({"inf", 80, 100, std::numeric_limits<double>::infinity(), 110, false});
  auto lines = group_lines(page);
  CAF_REQUIRE_EQUAL(lines.size(), 1u);
  CAF_CHECK_EQUAL(cells_of(lines[0]), (cells{"Ana"}));
  CAF_CHECK(group_lines(page_words{}).empty());
}

CAF_TEST(pages follow each other and every line knows its page) {
  std::vector<page_words> pages{page_builder().line(700, {{70, "fim da primeira"}}).build(), page_words{},
                                page_builder().line(50, {{70, "terceira"}}).build()};
  auto lines = group_lines(pages);
  CAF_REQUIRE_EQUAL(lines.size(), 2u);
  CAF_CHECK_EQUAL(lines[0].page, 0u);
  CAF_CHECK_EQUAL(lines[1].page, 2u);
  CAF_CHECK_EQUAL(cells_of(lines[1]), (cells{"terceira"}));
}

// Wrapped text (issue 13). page_builder's words are 5.5 pt per letter and a
// 2.8 pt space at 10 pt, so "Contratante: Maria Aparecida" from x 70 ends at
// 218.6 and "dos" is 16.5 wide.

namespace {

/// The column of a "Label: value" cell starting at x0: a continuation may
/// start under the label or under the value.
wrap_column column_of(const text_segment& cell, std::size_t label_words = 1) {
  return {cell.x0, cell.words.at(label_words).x0, cell.x1};
}

std::string next_text(const std::vector<text_line>& lines, segment_ref at, const wrap_column& column) {
  auto step = next_wrapped_segment(lines, at, column);
  return step ? lines[step->next.line].segments[step->next.segment].text() : "(none)";
}

} // namespace

CAF_TEST(a wrapped line continues in its own column and the other column is passed over) {
  // The right column's third line sits between two lines of the left one.
  auto lines = group_lines(page_builder()
                             .line(100, {{70, "Contratante: Maria Aparecida"}, {330, "Número: OS-"}})
                             .line(111, {{70, "dos Santos"}, {330, "1234"}})
                             .line(117, {{330, "Evento em: 15/01/2026"}})
                             .line(123, {{70, "Local: Rua XV"}})
                             .build());
  CAF_REQUIRE_EQUAL(lines.size(), 4u);
  auto& left = lines[0].segments.at(0);
  auto& right = lines[0].segments.at(1);
  CAF_CHECK_EQUAL(next_text(lines, {0, 0}, column_of(left)), "dos Santos");
  CAF_CHECK_EQUAL(next_text(lines, {0, 1}, column_of(right)), "1234");
  // Geometry alone would go on to "Local: Rua XV"; that it is a label is the
  // rules' call.
  CAF_CHECK_EQUAL(next_text(lines, {1, 0}, column_of(left)), "Local: Rua XV");
  CAF_CHECK_EQUAL(next_text(lines, {2, 0}, column_of(lines[2].segments.at(0), 2)), "(none)");
}

CAF_TEST(a line is full when the first word under it would not have fitted in its column) {
  // The column is as wide as its widest line, "Local: Rua das Acácias, 120 - Centro" (to 265.3).
  auto lines = group_lines(page_builder()
                             .line(100, {{70, "Contratante: Maria Aparecida"}})
                             .line(111, {{70, "Conceição Santos"}})
                             .line(122, {{70, "Local: Rua das Acácias, 120 - Centro"}})
                             .build());
  auto step = next_wrapped_segment(lines, {0, 0}, column_of(lines[0].segments.at(0)));
  CAF_REQUIRE(step);
  CAF_CHECK(step->previous_full); // 218.6 + 49.5 for "Conceição" > 265.3
  auto short_line = group_lines(page_builder()
                                  .line(100, {{70, "Contratante: Maria Aparecida"}})
                                  .line(111, {{70, "dos Santos"}})
                                  .line(122, {{70, "Local: Rua das Acácias, 120 - Centro"}})
                                  .build());
  step = next_wrapped_segment(short_line, {0, 0}, column_of(short_line[0].segments.at(0)));
  CAF_REQUIRE(step);
  CAF_CHECK(!step->previous_full); // 218.6 + 16.5 for "dos" fits
}

CAF_TEST(no continuation after a gap or in another size or off the column edge or in a table row) {
  struct layout_case {
    const char* name;
    double next_y, next_x, next_size;
    std::vector<std::string> next_cells; // at next_x, then 130 further right
  };
  const layout_case cases[] = {
    {"gap of a line", 120, 70, 10, {"dos Santos"}},
    {"smaller print", 111, 70, 7, {"dos Santos"}},
    {"larger print", 111, 70, 14, {"dos Santos"}},
    {"indented", 111, 100, 10, {"dos Santos"}},
    {"label and value row", 111, 70, 10, {"Local:", "Rua XV"}},
  };
  for (auto& c : cases) {
    page_builder b;
    b.line(100, {{70, "Contratante: Maria Aparecida"}});
    std::vector<test::placed_text> cells;
    for (std::size_t i = 0; i < c.next_cells.size(); ++i)
      cells.push_back({c.next_x + 130 * double(i), c.next_cells[i]});
    b.line(c.next_y, cells, c.next_size);
    auto lines = group_lines(b.build());
    CAF_REQUIRE_EQUAL(lines.size(), 2u);
    CAF_CHECK_EQUAL(std::string(c.name) + ": " + next_text(lines, {0, 0}, column_of(lines[0].segments.at(0))),
                    std::string(c.name) + ": (none)");
  }
}

CAF_TEST(a centred title continues on a centred line but a value only flush left) {
  // "PROPOSTA COMERCIAL /" (18 pt) spans 200-408.1; "ORÇAMENTO" is centred under it.
  auto lines = group_lines(
    page_builder().line(70, {{200, "PROPOSTA COMERCIAL /"}}, 18).line(90, {{259.5, "ORÇAMENTO"}}, 18).build());
  CAF_REQUIRE_EQUAL(lines.size(), 2u);
  auto& title = lines[0].segments.at(0);
  wrap_column flush_left{title.x0, title.x0, title.x1};
  wrap_column any = flush_left;
  any.alignment = wrap_alignment::any;
  CAF_CHECK_EQUAL(next_text(lines, {0, 0}, any), "ORÇAMENTO");
  CAF_CHECK_EQUAL(next_text(lines, {0, 0}, flush_left), "(none)");
}

CAF_TEST(wrapped text joins a cut token without a space and words with one) {
  CAF_CHECK_EQUAL(join_wrapped("OS-", "1234"), "OS-1234");
  CAF_CHECK_EQUAL(join_wrapped("Nº 2026/", "0456"), "Nº 2026/0456");
  CAF_CHECK_EQUAL(join_wrapped("Maria Aparecida", "dos Santos"), "Maria Aparecida dos Santos");
  CAF_CHECK_EQUAL(join_wrapped("Estrada Municipal km 12 -", "Itu/SP"), "Estrada Municipal km 12 - Itu/SP");
  CAF_CHECK_EQUAL(join_wrapped("", "Santos"), "Santos");
  CAF_CHECK(cut_inside_token("OS-"));
  CAF_CHECK(!cut_inside_token("-"));
  CAF_CHECK(!cut_inside_token("1234"));
}
