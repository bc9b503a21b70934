// login_guard: free failures, then a doubling wait per (account, address)
// and per address, forgotten after a quiet hour; a guesser elsewhere never
// locks the real user out; IPv6 addresses count by their /64.
#define CAF_SUITE login_guard
#include "caf/test/dsl.hpp"

#include "actors/login_guard.hpp"

using siberius::actors::login_guard;
using namespace std::chrono_literals;

namespace {

struct fixture {
  login_guard guard;
  login_guard::clock::time_point t0 = login_guard::clock::now();

  long wait(const std::string& account, const std::string& ip, std::chrono::milliseconds after) {
    return static_cast<long>(guard.retry_after(account, ip, t0 + after).count());
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(login_guard_tests, fixture)

CAF_TEST(five failures are free then each one doubles the wait) {
  for (int i = 0; i < 5; ++i) {
    CAF_CHECK_EQUAL(wait("ana", "10.0.0.1", 0ms), 0);
    guard.failed("ana", "10.0.0.1", t0);
  }
  CAF_CHECK_EQUAL(wait("ana", "10.0.0.1", 0ms), 0);
  guard.failed("ana", "10.0.0.1", t0); // 6th: 1 s
  CAF_CHECK_EQUAL(wait("ana", "10.0.0.1", 0ms), 1);
  CAF_CHECK_EQUAL(wait("ANA", "10.0.0.1", 0ms), 1);   // the login in any case
  CAF_CHECK_EQUAL(wait("ana", "10.9.9.9", 0ms), 0);   // the real user elsewhere is served
  CAF_CHECK_EQUAL(wait("bruno", "10.0.0.1", 0ms), 0); // the address is not locked yet
  CAF_CHECK_EQUAL(wait("ana", "10.0.0.1", 1000ms), 0);
  guard.failed("ana", "10.0.0.1", t0 + 1s); // 7th: 2 s
  CAF_CHECK_EQUAL(wait("ana", "10.0.0.1", 1000ms), 2);
  guard.failed("ana", "10.0.0.1", t0 + 3s); // 8th: 4 s
  CAF_CHECK_EQUAL(wait("ana", "10.0.0.1", 3500ms), 4); // 3.5 s left, rounded up
}

CAF_TEST(the wait stops growing at the cap) {
  for (int i = 0; i < 40; ++i)
    guard.failed("ana", "10.0.0.1", t0);
  CAF_CHECK_EQUAL(wait("ana", "10.0.0.1", 0ms), 15 * 60);
}

CAF_TEST(an address guessing many accounts is locked too) {
  for (int i = 0; i < 20; ++i)
    guard.failed("user" + std::to_string(i), "10.0.0.7", t0);
  CAF_CHECK_EQUAL(wait("someone-else", "10.0.0.7", 0ms), 0);
  guard.failed("user21", "10.0.0.7", t0);
  CAF_CHECK_EQUAL(wait("someone-else", "10.0.0.7", 0ms), 1);
  CAF_CHECK_EQUAL(wait("someone-else", "10.0.0.8", 0ms), 0);
}

CAF_TEST(a guesser on many addresses never locks the real user out) {
  // Thousands of failures on one account from addresses all over the place.
  for (int i = 0; i < 3000; ++i)
    guard.failed("ana", "10." + std::to_string(i / 250) + ".0." + std::to_string(i % 250), t0 + std::chrono::milliseconds(i));
  // The user's own address, which never failed, is checked at once.
  CAF_CHECK_EQUAL(wait("ana", "192.168.1.20", 3000ms), 0);
  guard.failed("ana", "192.168.1.20", t0 + 3s); // a typo
  // Past the global bound an address gets no free failure any more: 1 s.
  CAF_CHECK_EQUAL(wait("ana", "192.168.1.20", 3000ms), 1);
  CAF_CHECK_EQUAL(wait("ana", "192.168.1.20", 4000ms), 0);
  guard.succeeded("ana", "192.168.1.20", t0 + 4s);
  CAF_CHECK_EQUAL(wait("ana", "192.168.1.20", 4000ms), 0);
}

CAF_TEST(below the global bound each address keeps its free failures) {
  for (int i = 0; i < 10; ++i)
    guard.failed("ana", "10.0.0." + std::to_string(i), t0); // 10 in all: at the bound
  guard.failed("ana", "10.0.1.1", t0);                     // 11th: past it, this pair locks at once
  CAF_CHECK_EQUAL(wait("ana", "10.0.1.1", 0ms), 1);
  CAF_CHECK_EQUAL(wait("ana", "10.0.0.3", 0ms), 0); // one failure, counted before the bound was passed
  CAF_CHECK_EQUAL(wait("ana", "10.0.2.2", 0ms), 0); // an address with none
  // A success clears the account's count: addresses get their free failures back.
  guard.succeeded("ana", "10.0.2.2", t0);
  guard.failed("ana", "10.0.3.3", t0);
  CAF_CHECK_EQUAL(wait("ana", "10.0.3.3", 0ms), 0);
}

CAF_TEST(ipv6 addresses count by their 64 bit prefix) {
  // A subscriber holds a whole /64: a fresh address per guess is one address.
  for (int i = 1; i <= 20; ++i)
    guard.failed("user" + std::to_string(i), "2001:db8:1:2::" + std::to_string(i), t0);
  CAF_CHECK_EQUAL(wait("someone", "2001:db8:1:2::ffff", 0ms), 0);
  guard.failed("user21", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", t0);
  CAF_CHECK_EQUAL(wait("someone", "2001:db8:1:2::ffff", 0ms), 1);
  CAF_CHECK_EQUAL(wait("someone", "2001:DB8:1:2:0::9", 0ms), 1); // written another way
  CAF_CHECK_EQUAL(wait("someone", "2001:db8:1:3::1", 0ms), 0);   // the next /64
  for (int i = 0; i < 6; ++i)
    guard.failed("ana", "2001:db8:9:9::" + std::to_string(i + 1), t0);
  CAF_CHECK_EQUAL(wait("ana", "2001:db8:9:9::77", 0ms), 1); // the pair too
}

CAF_TEST(a success clears the pair and a quiet hour clears everything) {
  for (int i = 0; i < 6; ++i)
    guard.failed("ana", "10.0.0.1", t0);
  CAF_CHECK_EQUAL(wait("ana", "10.0.0.1", 0ms), 1);
  guard.succeeded("ana", "10.0.0.1", t0 + 2s);
  guard.failed("ana", "10.0.0.1", t0 + 2s); // counted from one again: free
  CAF_CHECK_EQUAL(wait("ana", "10.0.0.1", 2000ms), 0);
  for (int i = 0; i < 7; ++i)
    guard.failed("bruno", "10.0.0.1", t0);
  CAF_CHECK_GREATER(wait("bruno", "10.0.0.1", 0ms), 0);
  CAF_CHECK_EQUAL(wait("bruno", "10.0.0.1", 3601000ms), 0);
  guard.failed("bruno", "10.0.0.1", t0 + 3601s); // counted from one again: free
  CAF_CHECK_EQUAL(wait("bruno", "10.0.0.1", 3601000ms), 0);
}

CAF_TEST(memory stays bounded under a flood of logins) {
  login_guard::config small;
  small.max_keys = 1000;
  login_guard g(small);
  for (int i = 0; i < 5000; ++i)
    g.failed("user" + std::to_string(i), "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250), t0);
  CAF_CHECK_LESS_OR_EQUAL(g.tracked(), 1000u);
}

CAF_TEST_FIXTURE_SCOPE_END()
