// The reconnect schedule and the bounded outbound queue.
#define CAF_SUITE daemon_backoff
#include "caf/test/unit_test.hpp"

#include "daemon/outbound_queue.hpp"
#include "daemon/reconnect_backoff.hpp"

#include <set>

using namespace siberius::daemon;
using namespace std::chrono_literals;

CAF_TEST(schedule 5 10 20 40 60 with bounded jitter) {
  for (unsigned seed = 0; seed < 50; ++seed) {
    reconnect_backoff b(5000ms, seed);
    long long expected[] = {5000, 10000, 20000, 40000, 60000, 60000, 60000};
    for (auto base : expected) {
      auto d = b.next_delay().count();
      CAF_CHECK_GREATER_OR_EQUAL(d, base);
      CAF_CHECK_LESS_OR_EQUAL(d, base + base / 5);
    }
    b.reset();
    CAF_CHECK_LESS_OR_EQUAL(b.next_delay().count(), 6000);
  }
}

CAF_TEST(jitter spreads) {
  reconnect_backoff b(5000ms, 1);
  std::set<long long> seen;
  for (int i = 0; i < 20; ++i) {
    b.reset();
    seen.insert(b.next_delay().count());
  }
  CAF_CHECK_GREATER(seen.size(), 5u);
}

#undef CAF_SUITE
#define CAF_SUITE daemon_queue
#include "caf/test/unit_test.hpp"

namespace {
outbound_event doc(const std::string& hash) {
  outbound_event ev;
  ev.file_hash = hash;
  ev.file_path = "/p/" + hash;
  return ev;
}
outbound_event report(const std::string& key) {
  outbound_event ev;
  ev.kind = event_kind::error_report;
  ev.report_key = key;
  return ev;
}
} // namespace

CAF_TEST(bounded and overflow owes a resync) {
  outbound_queue q(3);
  CAF_CHECK(q.push(doc("a")));
  CAF_CHECK(q.push(doc("b")));
  CAF_CHECK(q.push(doc("c")));
  CAF_CHECK(!q.resync_needed());
  CAF_CHECK(!q.push(doc("d")));
  CAF_CHECK(q.resync_needed());
  CAF_CHECK_EQUAL(q.size(), 0u);
  CAF_CHECK_EQUAL(q.overflows(), 1u);
  q.clear_resync_needed();
  CAF_CHECK(q.push(doc("e")));
  CAF_CHECK_EQUAL(q.size(), 1u);
}

CAF_TEST(dropped only after ack) {
  outbound_queue q(100);
  for (int i = 0; i < 25; ++i)
    q.push(doc(std::to_string(i)));
  auto first = q.take_batch(10);
  CAF_CHECK_EQUAL(first.size(), 10u);
  CAF_CHECK_EQUAL(first.front().file_hash, "0");
  auto second = q.take_batch(10);
  CAF_CHECK_EQUAL(second.front().file_hash, "10");
  CAF_CHECK_EQUAL(q.size(), 25u);
  CAF_CHECK_EQUAL(q.waiting(), 5u);
  std::vector<std::uint64_t> ids;
  for (auto& e : first)
    ids.push_back(e.id);
  q.acked(ids);
  CAF_CHECK_EQUAL(q.size(), 15u);
  ids.clear();
  for (auto& e : second)
    ids.push_back(e.id);
  q.release(ids); // no usable ack: they go out again, first in line
  auto again = q.take_batch(10);
  CAF_CHECK_EQUAL(again.front().file_hash, "10");
  q.release_all();
  CAF_CHECK_EQUAL(q.waiting(), 15u);
}

CAF_TEST(error reports travel alone) {
  outbound_queue q(100);
  q.push(report("x"));
  q.push(doc("a"));
  q.push(doc("b"));
  auto b1 = q.take_batch(10);
  CAF_REQUIRE_EQUAL(b1.size(), 1u);
  CAF_CHECK(b1[0].kind == event_kind::error_report);
  auto b2 = q.take_batch(10);
  CAF_CHECK_EQUAL(b2.size(), 2u);
}

CAF_TEST(covered events are dropped and in flight ones kept) {
  outbound_queue q(100);
  q.push(doc("a"));
  q.push(doc("b"));
  q.push(doc("c"));
  auto inflight = q.take_batch(1);
  auto dropped = q.drop_if([](const outbound_event& e) { return e.file_hash != "c"; });
  CAF_CHECK_EQUAL(dropped, 1u); // "b"; "a" is in flight and waits for its ack
  CAF_CHECK_EQUAL(q.size(), 2u);
}
