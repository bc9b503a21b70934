// rate_limiter: a burst, then a steady rate, per address (IPv6 by /64);
// bounded memory that keeps the busy addresses.
#define CAF_SUITE rate_limiter
#include "caf/test/dsl.hpp"

#include "actors/rate_limiter.hpp"

using siberius::actors::address_key;
using siberius::actors::rate_limiter;
using namespace std::chrono_literals;

CAF_TEST(a burst then the steady rate per address) {
  rate_limiter limiter({2, 5, 1000});
  auto t0 = rate_limiter::clock::now();
  for (int i = 0; i < 5; ++i)
    CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0).count(), 0);
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0).count(), 1);
  CAF_CHECK_EQUAL(limiter.take("10.0.0.2", t0).count(), 0); // another address has its own bucket
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 500ms).count(), 0); // one token back after 0.5 s at 2/s
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 500ms).count(), 1);
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 10s).count(), 0); // refilled, but never past the burst
  for (int i = 0; i < 4; ++i)
    CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 10s).count(), 0);
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 10s).count(), 1);
}

CAF_TEST(a slow rate asks for a longer wait) {
  rate_limiter limiter({0.1, 1, 1000});
  auto t0 = rate_limiter::clock::now();
  CAF_CHECK_EQUAL(limiter.take("a", t0).count(), 0);
  CAF_CHECK_EQUAL(limiter.take("a", t0).count(), 10);
}

CAF_TEST(idle addresses are forgotten when memory is tight) {
  rate_limiter limiter({10, 10, 100});
  auto t0 = rate_limiter::clock::now();
  for (int i = 0; i < 1000; ++i)
    limiter.take("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250), t0 + std::chrono::seconds(i));
  CAF_CHECK_LESS_OR_EQUAL(limiter.tracked(), 100u);
}

CAF_TEST(address keys group ipv6 by its 64 bit prefix) {
  CAF_CHECK_EQUAL(address_key("10.0.0.1"), "10.0.0.1");
  CAF_CHECK_EQUAL(address_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  CAF_CHECK_EQUAL(address_key("2001:DB8:1:2::ffff"), "2001:db8:1:2::/64");
  CAF_CHECK_EQUAL(address_key("::1"), "::/64");
  CAF_CHECK_EQUAL(address_key("::ffff:192.0.2.7"), "192.0.2.7"); // IPv4-mapped: the IPv4 address
  CAF_CHECK_EQUAL(address_key("not an address"), "not an address");
  CAF_CHECK_EQUAL(address_key(std::string(300, 'x')).size(), 64u);
}

CAF_TEST(one ipv6 subscriber shares one bucket however many addresses it takes) {
  rate_limiter limiter({1, 3, 1000});
  auto t0 = rate_limiter::clock::now();
  for (int i = 1; i <= 3; ++i)
    CAF_CHECK_EQUAL(limiter.take("2001:db8:5:6::" + std::to_string(i), t0).count(), 0);
  CAF_CHECK_EQUAL(limiter.take("2001:db8:5:6:ffff::1", t0).count(), 1);
  CAF_CHECK_EQUAL(limiter.take("2001:db8:5:7::1", t0).count(), 0); // another /64
}

CAF_TEST(a full table forgets idle addresses before a busy one) {
  rate_limiter limiter({1, 2, 3});
  auto t0 = rate_limiter::clock::now();
  limiter.take("10.0.0.1", t0);
  limiter.take("10.0.0.1", t0); // drained: busy for the next 2 s
  limiter.take("10.0.0.2", t0 + 1ms);
  limiter.take("10.0.0.3", t0 + 2ms);
  // Both others have refilled by now; the table is full.
  limiter.take("10.0.0.4", t0 + 1500ms);
  limiter.take("10.0.0.5", t0 + 1500ms);
  CAF_CHECK_LESS_OR_EQUAL(limiter.tracked(), 3u);
  // Still remembered as drained: 1.5 tokens back, not a fresh burst of 2.
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 1500ms).count(), 0);
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 1500ms).count(), 1);
}
