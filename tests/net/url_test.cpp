// net/url.hpp: percent-escapes and query strings as the REST handlers read
// them (server base URLs: tests/client/url_parsing.cpp, tests/cli/url_test.cpp).
#define CAF_SUITE net_url
#include "caf/test/unit_test.hpp"

#include "net/url.hpp"

using namespace siberius::net;

namespace {

std::string fields_of(std::string_view target) {
  auto q = parse_query_fields(target);
  if (q.malformed)
    return "malformed " + *q.malformed;
  std::string out;
  for (const auto& f : q.fields)
    out += "[" + f.name + "=" + f.value + "]";
  return out;
}

} // namespace

CAF_TEST(escapes decode and encode) {
  CAF_CHECK_EQUAL(percent_decode("%41na+Lima").value_or("?"), "Ana Lima");
  CAF_CHECK_EQUAL(percent_decode("a+b%2B", false).value_or("?"), "a+b+");
  CAF_CHECK(!percent_decode("%zz"));
  CAF_CHECK(!percent_decode("%4"));
  CAF_CHECK(!percent_decode("abc%"));
  CAF_CHECK_EQUAL(percent_encode("Bericht \"Q3\" \\ M\xC3\xBCller.pdf"), "Bericht%20%22Q3%22%20%5C%20M%C3%BCller.pdf");
  CAF_CHECK_EQUAL(percent_encode("a-b_c.d~e/f"), "a-b_c.d~e%2Ff");
}

CAF_TEST(query strings become decoded fields in order) {
  CAF_CHECK_EQUAL(fields_of("/api/pdfs?cliente=Ana%20Lima&clientId=office+1&&x"),
                  "[cliente=Ana Lima][clientId=office 1][x=]");
  CAF_CHECK_EQUAL(fields_of("/api/pdfs"), "");
  CAF_CHECK_EQUAL(fields_of("/api/pdfs?"), "");
  CAF_CHECK_EQUAL(fields_of("/api/pdfs?x=1&cliente=%zz"), "malformed cliente");
  CAF_CHECK_EQUAL(fields_of("/api/pdfs?cliente=%4&x=1"), "malformed cliente");
  CAF_CHECK_EQUAL(fields_of("/api/pdfs?a=b|c"), "malformed a");
  auto q = parse_query_fields("/x?from=1&to=2&from=3");
  CAF_CHECK_EQUAL(q.find("from").value_or("?"), "1");
  CAF_CHECK(!q.find("daemonId"));
}

CAF_TEST(a query that is not the end of its buffer is read to its end only) {
  // A request target is a view into the header buffer: what follows must not leak in.
  std::string buffer = "/socket.io/?EIO=4&transport=polling HTTP/1.1\r\n";
  std::string_view target(buffer.data(), buffer.find(' '));
  CAF_CHECK_EQUAL(query_param(target, "transport").value_or("?"), "polling");
  CAF_CHECK_EQUAL(query_param(target, "EIO").value_or("?"), "4");
  CAF_CHECK(!query_param(target, "sid"));
  CAF_CHECK_EQUAL(query_param("/x?sid=a%2Bb", "sid").value_or("?"), "a%2Bb"); // raw
}
