#define CAF_SUITE cli_url
#include "caf/test/unit_test.hpp"

#include <stdexcept>

#include "cli/url.hpp"

using namespace siberius::cli;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_server_url(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

} // namespace

CAF_TEST(plain and tls urls with default ports) {
  auto u = parse_server_url("http://127.0.0.1:8080");
  CAF_CHECK_EQUAL(u.scheme, "http");
  CAF_CHECK_EQUAL(u.host, "127.0.0.1");
  CAF_CHECK_EQUAL(u.port, 8080);
  CAF_CHECK_EQUAL(u.base_path, "");
  CAF_CHECK(!u.tls());
  CAF_CHECK_EQUAL(u.host_header(), "127.0.0.1:8080");
  CAF_CHECK_EQUAL(u.target("/health"), "/health");

  auto s = parse_server_url("HTTPS://Siberius.example.com");
  CAF_CHECK_EQUAL(s.scheme, "https");
  CAF_CHECK_EQUAL(s.port, 443);
  CAF_CHECK(s.tls());
  CAF_CHECK_EQUAL(s.host_header(), "Siberius.example.com");

  CAF_CHECK_EQUAL(parse_server_url("http://example.com").port, 80);
  CAF_CHECK_EQUAL(parse_server_url("http://example.com:443").host_header(), "example.com:443");
}

CAF_TEST(ipv6 literals and path prefixes) {
  auto u = parse_server_url("http://[::1]:9000/siberius/");
  CAF_CHECK_EQUAL(u.host, "::1");
  CAF_CHECK_EQUAL(u.port, 9000);
  CAF_CHECK_EQUAL(u.base_path, "/siberius");
  CAF_CHECK_EQUAL(u.host_header(), "[::1]:9000");
  CAF_CHECK_EQUAL(u.target("/api/admin/daemons"), "/siberius/api/admin/daemons");
  CAF_CHECK_EQUAL(parse_server_url("https://[::1]").host_header(), "[::1]");
  CAF_CHECK_EQUAL(parse_server_url("http://h/").base_path, "");
}

CAF_TEST(bad urls say what is wrong) {
  CAF_CHECK_EQUAL(error_of("127.0.0.1:8080"),
                  "invalid server URL \"127.0.0.1:8080\": expected http://HOST[:PORT] or https://HOST[:PORT]");
  CAF_CHECK_EQUAL(error_of("ftp://host"), "invalid server URL \"ftp://host\": scheme must be http or https");
  CAF_CHECK_EQUAL(error_of("http://"), "invalid server URL \"http://\": missing host");
  CAF_CHECK_EQUAL(error_of("http://:80"), "invalid server URL \"http://:80\": missing host");
  for (const char* bad_port : {"http://h:0", "http://h:65536", "http://h:", "http://h:8o", "http://h:123456"})
    CAF_CHECK_EQUAL(error_of(bad_port),
                    "invalid server URL \"" + std::string(bad_port) + "\": port must be a number from 1 to 65535");
  CAF_CHECK_EQUAL(error_of("http://[::1"), "invalid server URL \"http://[::1\": unterminated IPv6 address");
  CAF_CHECK_EQUAL(error_of("http://user:pw@h"),
                  "invalid server URL \"http://user:pw@h\": credentials in the URL are not supported; use --token");
  CAF_CHECK_EQUAL(error_of("http://h/x?y=1"), "invalid server URL \"http://h/x?y=1\": a query or fragment is not allowed");
  CAF_CHECK_EQUAL(error_of("http://h o"), "invalid server URL \"http://h o\": host contains whitespace or control characters");
  CAF_CHECK_EQUAL(parse_server_url("http://h:65535").port, 65535);
}
