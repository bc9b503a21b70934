#define CAF_SUITE sio_client_url
#include "caf/test/unit_test.hpp"

#include "net/client/sio_client.hpp"

using siberius::net::parse_client_url;

namespace {

struct good_case {
  const char* text;
  bool tls;
  const char* host;
  int port;
  const char* target;
  const char* host_header;
};

// A bad URL must name what is wrong, so the daemon's config error is useful.
struct bad_case {
  const char* text;
  const char* reason_part;
};

} // namespace

CAF_TEST(accepted urls) {
  const good_case cases[] = {
    {"http://localhost:3000", false, "localhost", 3000, "/socket.io/?EIO=4&transport=websocket", "localhost:3000"},
    {"ws://127.0.0.1:8080/", false, "127.0.0.1", 8080, "/socket.io/?EIO=4&transport=websocket", "127.0.0.1:8080"},
    {"https://siberius.example.com", true, "siberius.example.com", 443, "/socket.io/?EIO=4&transport=websocket",
     "siberius.example.com"},
    {"wss://siberius.example.com:8443/app", true, "siberius.example.com", 8443,
     "/app/socket.io/?EIO=4&transport=websocket", "siberius.example.com:8443"},
    {"HTTP://Example.com/siberius/", false, "Example.com", 80, "/siberius/socket.io/?EIO=4&transport=websocket",
     "Example.com"},
    {"http://[::1]:3000/a/b", false, "::1", 3000, "/a/b/socket.io/?EIO=4&transport=websocket", "[::1]:3000"},
    {"wss://[fe80::1]", true, "fe80::1", 443, "/socket.io/?EIO=4&transport=websocket", "[fe80::1]"},
    {"ws://host:65535", false, "host", 65535, "/socket.io/?EIO=4&transport=websocket", "host:65535"},
    {"http://host:80", false, "host", 80, "/socket.io/?EIO=4&transport=websocket", "host"},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE("url: " << c.text);
    auto r = parse_client_url(c.text);
    CAF_REQUIRE(static_cast<bool>(r));
    CAF_CHECK_EQUAL(r.url->tls, c.tls);
    CAF_CHECK_EQUAL(r.url->host, c.host);
    CAF_CHECK_EQUAL(static_cast<int>(r.url->port), c.port);
    CAF_CHECK_EQUAL(r.url->target(), c.target);
    CAF_CHECK_EQUAL(r.url->host_header(), c.host_header);
  }
}

CAF_TEST(refused urls) {
  const bad_case cases[] = {
    {"", "must start with"},
    {"ftp://host", "must start with"},
    {"localhost:3000", "must start with"},
    {"http://", "no host"},
    {"http:///path", "no host"},
    {"http://host:", "empty port"},
    {"http://host:0", "port"},
    {"http://host:65536", "port"},
    {"http://host:99999999999999999999", "port"},
    {"http://host:12ab", "port"},
    {"http://user:pw@host", "user info"},
    {"http://host/?EIO=4", "query"},
    {"http://host/#x", "fragment"},
    {"http://[::1", "IPv6"},
    {"http://[::1]x", "IPv6"},
    {"http://[zz::1]:3000", "IPv6"},
    {"http://ho st", "invalid character"},
    {"http://host/a b", "spaces"},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE("url: " << c.text);
    auto r = parse_client_url(c.text);
    CAF_CHECK(!r);
    CAF_CHECK(r.error.find(c.reason_part) != std::string::npos);
  }
}
