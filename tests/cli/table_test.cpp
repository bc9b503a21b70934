#define CAF_SUITE cli_table
#include "caf/test/unit_test.hpp"

#include "cli/table.hpp"

using namespace siberius::cli;

CAF_TEST(display width counts columns not bytes) {
  CAF_CHECK_EQUAL(display_width(""), 0u);
  CAF_CHECK_EQUAL(display_width("office"), 6u);
  // "São João": 10 bytes, 8 columns.
  CAF_CHECK_EQUAL(std::string("São João").size(), 10u);
  CAF_CHECK_EQUAL(display_width("São João"), 8u);
  // Decomposed "ã" (a + combining tilde) is still one column.
  CAF_CHECK_EQUAL(display_width("Sa\xCC\x83o"), 3u);
  // CJK ideographs take two columns each.
  CAF_CHECK_EQUAL(display_width("\xE6\x9D\xB1\xE4\xBA\xAC"), 4u);
  // A stray continuation byte and a truncated sequence count as one each.
  CAF_CHECK_EQUAL(display_width("a\x80" "b"), 3u);
  CAF_CHECK_EQUAL(display_width("ab\xC3"), 3u);
}

CAF_TEST(printable neutralises terminal control sequences) {
  CAF_CHECK_EQUAL(printable("ok"), "ok");
  CAF_CHECK_EQUAL(printable("\x1b[31mred"), "?[31mred");
  CAF_CHECK_EQUAL(printable("two\nlines\ttab"), "two?lines?tab");
  CAF_CHECK_EQUAL(printable("São"), "São");
  // Invalid UTF-8 becomes U+FFFD; C1 controls (U+009B, CSI) become '?'.
  CAF_CHECK_EQUAL(printable("x\xFFy"), "x\xEF\xBF\xBDy");
  CAF_CHECK_EQUAL(printable("\xC2\x9B" "2J"), "?2J");
  // Overlong encoding of '/' is not decoded as '/'.
  CAF_CHECK_EQUAL(printable("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

CAF_TEST(columns line up with UTF-8 names) {
  text_table t({{"NAME"}, {"STATUS"}, {"PDFS", alignment::right}});
  t.add_row({"Construtora São João", "online", "1234"});
  t.add_row({"Loja Centro", "offline", "7"});
  t.add_row({"Açaí", "online", "0"});
  std::string expected =
      "NAME                  STATUS   PDFS\n"
      "Construtora São João  online   1234\n"
      "Loja Centro           offline     7\n"
      "Açaí                  online      0\n";
  CAF_CHECK_EQUAL(t.render(), expected);
}

CAF_TEST(no trailing spaces and the last left column is not padded) {
  text_table t({{"A"}, {"LONG HEADER"}});
  t.add_row({"x", "y"});
  t.add_row({"wider", ""});
  std::string expected =
      "A      LONG HEADER\n"
      "x      y\n"
      "wider\n";
  CAF_CHECK_EQUAL(t.render(), expected);
}

CAF_TEST(cells are sanitised before measuring) {
  text_table t({{"NAME"}, {"X"}});
  t.add_row({"evil\x1b[2J", "1"});
  CAF_CHECK_EQUAL(t.render(), "NAME      X\nevil?[2J  1\n");
}

CAF_TEST(a row of the wrong size is refused) {
  text_table t({{"A"}, {"B"}});
  bool thrown = false;
  try {
    t.add_row({"only one"});
  } catch (const std::invalid_argument& e) {
    thrown = true;
    CAF_CHECK_EQUAL(std::string(e.what()), "table row has 1 cells, expected 2");
  }
  CAF_CHECK(thrown);
  CAF_CHECK_EQUAL(t.row_count(), 0u);
}
