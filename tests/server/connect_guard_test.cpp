// connect_guard: a refused Socket.IO CONNECT costs the socket's next one a
// doubling wait, the address's after its free refusals; lookups under way
// are bounded per address and overall; the database being away counts for
// nothing.
#define CAF_SUITE connect_guard
#include "caf/test/dsl.hpp"

#include "actors/connect_guard.hpp"

using siberius::actors::connect_guard;
using namespace std::chrono_literals;

namespace {

using verdict = connect_guard::verdict;
using outcome = connect_guard::outcome;

struct fixture {
  connect_guard guard;
  connect_guard::clock::time_point t0 = connect_guard::clock::now();

  /// One CONNECT answered with `result`; what the guard said first.
  connect_guard::admission attempt(const std::string& ip, const std::string& sid, outcome result,
                                   std::chrono::milliseconds at = 0ms) {
    auto a = guard.admit(ip, sid, t0 + at);
    if (a.what == verdict::go)
      guard.finish(ip, sid, result, t0 + at);
    return a;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(connect_guard_tests, fixture)

CAF_TEST(a refused connect makes the sockets next one wait longer each time) {
  CAF_CHECK(attempt("10.0.0.1", "sid-a", outcome::refused).what == verdict::go);
  auto next = guard.admit("10.0.0.1", "sid-a", t0);
  CAF_CHECK(next.what == verdict::wait);
  CAF_CHECK_EQUAL(next.retry_after.count(), 1);
  CAF_CHECK(attempt("10.0.0.1", "sid-b", outcome::accepted).what == verdict::go); // another socket
  CAF_CHECK(attempt("10.0.0.1", "sid-a", outcome::refused, 1000ms).what == verdict::go);
  CAF_CHECK_EQUAL(guard.admit("10.0.0.1", "sid-a", t0 + 1000ms).retry_after.count(), 2);
  CAF_CHECK(attempt("10.0.0.1", "sid-a", outcome::refused, 3000ms).what == verdict::go);
  CAF_CHECK_EQUAL(guard.admit("10.0.0.1", "sid-a", t0 + 3000ms).retry_after.count(), 4);
  // An accepted one clears the socket.
  CAF_CHECK(attempt("10.0.0.1", "sid-a", outcome::accepted, 7000ms).what == verdict::go);
  CAF_CHECK(guard.admit("10.0.0.1", "sid-a", t0 + 7000ms).what == verdict::go);
}

CAF_TEST(an address gets free refusals then waits for all its sockets) {
  for (int i = 0; i < 20; ++i)
    CAF_CHECK(attempt("10.0.0.9", "s" + std::to_string(i), outcome::refused).what == verdict::go);
  CAF_CHECK(attempt("10.0.0.9", "fresh-1", outcome::refused).what == verdict::go); // 21st: locks
  auto a = guard.admit("10.0.0.9", "fresh-2", t0);
  CAF_CHECK(a.what == verdict::wait);
  CAF_CHECK_EQUAL(a.retry_after.count(), 1);
  CAF_CHECK(guard.admit("10.0.0.10", "fresh-3", t0).what == verdict::go);
  // IPv6: one /64 is one address.
  for (int i = 0; i < 21; ++i)
    attempt("2001:db8:7:7::" + std::to_string(i + 1), "v6-" + std::to_string(i), outcome::refused);
  CAF_CHECK(guard.admit("2001:db8:7:7::abcd", "v6-new", t0).what == verdict::wait);
}

CAF_TEST(the database being away costs nobody a wait) {
  for (int i = 0; i < 30; ++i)
    CAF_CHECK(attempt("10.0.0.2", "sid", outcome::unavailable).what == verdict::go);
  CAF_CHECK(guard.admit("10.0.0.2", "sid", t0).what == verdict::go);
}

CAF_TEST(lookups under way are bounded per address and overall) {
  connect_guard::config c;
  c.max_in_flight_per_address = 2;
  c.max_in_flight = 3;
  connect_guard g(c);
  CAF_CHECK(g.admit("10.0.0.1", "a", t0).what == verdict::go);
  CAF_CHECK(g.admit("10.0.0.1", "b", t0).what == verdict::go);
  auto busy = g.admit("10.0.0.1", "c", t0);
  CAF_CHECK(busy.what == verdict::busy);
  CAF_CHECK_EQUAL(busy.retry_after.count(), 1);
  CAF_CHECK(g.admit("10.0.0.2", "d", t0).what == verdict::go);
  CAF_CHECK(g.admit("10.0.0.3", "e", t0).what == verdict::busy); // three under way in all
  CAF_CHECK_EQUAL(g.in_flight(), 3);
  g.finish("10.0.0.1", "a", outcome::accepted, t0);
  CAF_CHECK(g.admit("10.0.0.3", "e", t0).what == verdict::go);
  for (auto [ip, sid] : {std::pair{"10.0.0.1", "b"}, {"10.0.0.2", "d"}, {"10.0.0.3", "e"}})
    g.finish(ip, sid, outcome::unavailable, t0);
  CAF_CHECK_EQUAL(g.in_flight(), 0);
}

CAF_TEST(memory stays bounded under a flood of refused sockets) {
  connect_guard::config c;
  c.max_keys = 500;
  connect_guard g(c);
  for (int i = 0; i < 5000; ++i) {
    auto ip = "10.2." + std::to_string(i / 250) + "." + std::to_string(i % 250);
    auto sid = "sid-" + std::to_string(i);
    if (g.admit(ip, sid, t0).what == verdict::go)
      g.finish(ip, sid, outcome::refused, t0);
  }
  CAF_CHECK_LESS_OR_EQUAL(g.tracked(), 500u);
}

CAF_TEST_FIXTURE_SCOPE_END()
