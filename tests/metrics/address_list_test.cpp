// address_list: the --metrics-allow networks, IPv4 and IPv6.
#define CAF_SUITE address_list
#include "caf/test/dsl.hpp"

#include "net/address_list.hpp"

using siberius::net::address_list;

namespace {
address_list parse(const std::string& text) {
  std::string error;
  auto l = address_list::parse(text, error);
  CAF_REQUIRE(l.has_value());
  return *l;
}
} // namespace

CAF_TEST(addresses and IPv4 networks) {
  auto l = parse("127.0.0.1,10.0.0.0/8");
  CAF_CHECK(l.contains("127.0.0.1"));
  CAF_CHECK(!l.contains("127.0.0.2"));
  CAF_CHECK(l.contains("10.1.2.3"));
  CAF_CHECK(l.contains("10.255.255.255"));
  CAF_CHECK(!l.contains("11.0.0.1"));
  CAF_CHECK(l.contains("::ffff:10.9.8.7")); // how a dual-stack socket reports an IPv4 client
  CAF_CHECK(!l.contains("::1"));
  CAF_CHECK(!l.contains("not an address"));
}

CAF_TEST(IPv6 addresses and networks) {
  auto l = parse("::1 fd00::/8, 2001:db8:1::/48");
  CAF_CHECK(l.contains("::1"));
  CAF_CHECK(l.contains("fd12:3456::1"));
  CAF_CHECK(!l.contains("fe80::1"));
  CAF_CHECK(l.contains("2001:db8:1:ffff::9"));
  CAF_CHECK(!l.contains("2001:db8:2::1"));
  CAF_CHECK(!l.contains("127.0.0.1"));
}

CAF_TEST(odd prefixes) {
  auto l = parse("192.168.0.0/23,0.0.0.0/0");
  CAF_CHECK(l.contains("8.8.8.8")); // /0 is everything IPv4
  auto m = parse("192.168.0.0/23");
  CAF_CHECK(m.contains("192.168.1.200"));
  CAF_CHECK(!m.contains("192.168.2.1"));
}

CAF_TEST(the empty list allows no one) {
  auto l = parse("");
  CAF_CHECK(l.empty());
  CAF_CHECK(!l.contains("127.0.0.1"));
}

CAF_TEST(bad entries are named) {
  std::string error;
  CAF_CHECK(!address_list::parse("127.0.0.1,10.0.0/8", error));
  CAF_CHECK_NOT_EQUAL(error.find("10.0.0/8"), std::string::npos);
  CAF_CHECK(!address_list::parse("10.0.0.0/33", error));
  CAF_CHECK_NOT_EQUAL(error.find("0 to 32"), std::string::npos);
  CAF_CHECK(!address_list::parse("::/129", error));
  CAF_CHECK(!address_list::parse("10.0.0.0/x", error));
}
