// login_guard: free failures, then a doubling wait per account and per
// address, forgotten after a quiet hour; a success clears the account.
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
  CAF_CHECK_EQUAL(wait("ANA", "10.9.9.9", 0ms), 1); // the account, from anywhere, in any case
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

CAF_TEST(a success clears the account and a quiet hour clears everything) {
  for (int i = 0; i < 6; ++i)
    guard.failed("ana", "10.0.0.1", t0);
  guard.succeeded("ana", t0 + 2s);
  CAF_CHECK_EQUAL(wait("ana", "10.0.0.2", 2000ms), 0);
  for (int i = 0; i < 7; ++i)
    guard.failed("bruno", "10.0.0.1", t0);
  CAF_CHECK_GREATER(wait("bruno", "10.0.0.1", 0ms), 0);
  CAF_CHECK_EQUAL(wait("bruno", "10.0.0.1", 3601000ms), 0);
  guard.failed("bruno", "10.0.0.1", t0 + 3601s); // counted from one again: free
  CAF_CHECK_EQUAL(wait("bruno", "10.0.0.1", 3601000ms), 0);
}

CAF_TEST(memory stays bounded under a flood of logins) {
  login_guard small({5, 20, 1s, 900s, 3600s, 1000});
  for (int i = 0; i < 5000; ++i)
    small.failed("user" + std::to_string(i), "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250), t0);
  CAF_CHECK_LESS_OR_EQUAL(small.tracked(), 1000u);
}

CAF_TEST_FIXTURE_SCOPE_END()
