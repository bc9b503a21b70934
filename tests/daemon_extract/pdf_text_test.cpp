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
