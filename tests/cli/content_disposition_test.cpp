#define CAF_SUITE cli_content_disposition
#include "caf/test/unit_test.hpp"

#include "cli/content_disposition.hpp"

using namespace siberius::cli;

CAF_TEST(the UTF-8 filename wins over the ASCII one) {
  auto name = filename_from_content_disposition(
      R"(attachment; filename="Orcamento Sao Joao.pdf"; filename*=UTF-8''Or%C3%A7amento%20S%C3%A3o%20Jo%C3%A3o.pdf)");
  CAF_CHECK_EQUAL(*name, "Orçamento São João.pdf");
  // The order of the parameters does not matter; the charset is any case.
  name = filename_from_content_disposition(R"(attachment; filename*=utf-8''a%20b.pdf; filename="a b.pdf")");
  CAF_CHECK_EQUAL(*name, "a b.pdf");
}

namespace {

// value_or: a reference into the temporary optional would dangle in CAF_CHECK_EQUAL.
std::string name_in(std::string_view header) { return filename_from_content_disposition(header).value_or(""); }

} // namespace

CAF_TEST(quoted and token filenames) {
  CAF_CHECK_EQUAL(name_in(R"(attachment; filename="os_89331_html.pdf")"), "os_89331_html.pdf");
  CAF_CHECK_EQUAL(name_in(R"(attachment;filename="say \"hi\".pdf")"), "say \"hi\".pdf");
  CAF_CHECK_EQUAL(name_in("attachment; filename=plain.pdf"), "plain.pdf");
  CAF_CHECK_EQUAL(name_in("attachment; FileName = spaced.pdf ; size=3"), "spaced.pdf");
}

CAF_TEST(no usable filename) {
  CAF_CHECK(!filename_from_content_disposition("attachment"));
  CAF_CHECK(!filename_from_content_disposition(""));
  CAF_CHECK(!filename_from_content_disposition(R"(attachment; filename="")"));
  // A charset other than UTF-8 or a broken escape falls back to filename.
  CAF_CHECK_EQUAL(name_in(R"(attachment; filename*=ISO-8859-1''caf%E9.pdf; filename="cafe.pdf")"), "cafe.pdf");
  CAF_CHECK_EQUAL(name_in(R"(attachment; filename*=UTF-8''bad%G1.pdf; filename="ok.pdf")"), "ok.pdf");
  CAF_CHECK(!filename_from_content_disposition("attachment; filename*=UTF-8''cut%2"));
}

CAF_TEST(names from the network stay in the current folder) {
  const std::string fallback = "pdf-17.pdf";
  CAF_CHECK_EQUAL(safe_download_name(std::string("os_1.pdf"), fallback), "os_1.pdf");
  CAF_CHECK_EQUAL(safe_download_name(std::string("../../etc/passwd"), fallback), "passwd");
  CAF_CHECK_EQUAL(safe_download_name(std::string("/tmp/x.pdf"), fallback), "x.pdf");
  CAF_CHECK_EQUAL(safe_download_name(std::string("C:\\Users\\a\\y.pdf"), fallback), "y.pdf");
  CAF_CHECK_EQUAL(safe_download_name(std::string(".bashrc"), fallback), "bashrc");
  CAF_CHECK_EQUAL(safe_download_name(std::string(".."), fallback), fallback);
  CAF_CHECK_EQUAL(safe_download_name(std::string("dir/"), fallback), fallback);
  CAF_CHECK_EQUAL(safe_download_name(std::string("a\nb\x1b[2J.pdf"), fallback), "ab[2J.pdf");
  CAF_CHECK_EQUAL(safe_download_name(std::nullopt, fallback), fallback);
  CAF_CHECK_EQUAL(safe_download_name(std::string("São João.pdf"), fallback), "São João.pdf");
}
