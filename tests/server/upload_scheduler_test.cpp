#define CAF_SUITE upload_scheduler
#include "caf/test/unit_test.hpp"

#include "actors/upload_scheduler.hpp"

using namespace siberius::actors;
using ids = std::vector<std::int64_t>;

CAF_TEST(at most three uploads of a daemon run and the rest wait in order) {
  upload_scheduler s(3);
  for (std::int64_t id = 1; id <= 5; ++id)
    s.enqueue("office", id, upload_priority::normal);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{1, 2, 3}));
  CAF_CHECK_EQUAL(s.running("office"), 3u);
  CAF_CHECK_EQUAL(s.waiting("office"), 2u);
  CAF_CHECK(s.take_startable("office").empty());
  CAF_CHECK_EQUAL(s.place("office", 4), 1u);
  CAF_CHECK_EQUAL(s.place("office", 5), 2u);
  s.remove("office", 2);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{4}));
  CAF_CHECK(s.is_running("office", 4));
}

CAF_TEST(high priority goes first and a raised request moves up) {
  upload_scheduler s(1);
  s.enqueue("office", 1, upload_priority::normal);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{1}));
  s.enqueue("office", 2, upload_priority::normal);
  s.enqueue("office", 3, upload_priority::normal);
  s.enqueue("office", 4, upload_priority::high);
  CAF_CHECK(s.raise("office", 3));
  CAF_CHECK(!s.raise("office", 3)); // already high
  // Both high now: 3 was asked for before 4 and keeps that place.
  s.remove("office", 1);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{3}));
  s.remove("office", 3);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{4}));
  s.remove("office", 4);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{2}));
}

CAF_TEST(daemons do not share their slots) {
  upload_scheduler s(3);
  for (std::int64_t id = 1; id <= 4; ++id) {
    s.enqueue("a", id, upload_priority::normal);
    s.enqueue("b", 100 + id, upload_priority::normal);
  }
  CAF_CHECK_EQUAL(s.take_startable("a").size(), 3u);
  CAF_CHECK_EQUAL(s.take_startable("b").size(), 3u);
  CAF_CHECK_EQUAL(s.waiting("a"), 1u);
  CAF_CHECK_EQUAL(s.waiting("b"), 1u);
}

CAF_TEST(uploads paused by a disconnect start first once the daemon is back) {
  upload_scheduler s(2);
  s.enqueue("office", 1, upload_priority::normal);
  s.enqueue("office", 2, upload_priority::high);
  s.enqueue("office", 3, upload_priority::normal);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{2, 1}));
  auto paused = s.pause_running("office");
  CAF_CHECK_EQUAL(paused.size(), 2u);
  CAF_CHECK_EQUAL(s.running("office"), 0u);
  CAF_CHECK_EQUAL(s.waiting("office"), 3u);
  // The high one first, then the normal one that was running before 3.
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{2, 1}));
}

CAF_TEST(removing a waiting upload frees its place) {
  upload_scheduler s(1);
  s.enqueue("office", 1, upload_priority::normal);
  s.enqueue("office", 2, upload_priority::normal);
  s.take_startable("office");
  s.remove("office", 2);
  CAF_CHECK_EQUAL(s.waiting("office"), 0u);
  s.remove("office", 1);
  CAF_CHECK_EQUAL(s.running("office"), 0u);
  s.enqueue("office", 1, upload_priority::normal);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{1}));
}

CAF_TEST(priorities parse from the API words only) {
  CAF_CHECK(parse_upload_priority("high") == upload_priority::high);
  CAF_CHECK(parse_upload_priority("normal") == upload_priority::normal);
  CAF_CHECK(!parse_upload_priority("urgent"));
  CAF_CHECK(!parse_upload_priority(""));
  CAF_CHECK(!parse_upload_priority("low")); // the server's own, never a person's
  CAF_CHECK_EQUAL(std::string(to_string(upload_priority::low)), "low");
}

CAF_TEST(low priority takes one place and only when no person waits) {
  upload_scheduler s(3, 1);
  CAF_CHECK(s.low_would_start("office"));
  s.enqueue("office", 10, upload_priority::low);
  s.enqueue("office", 11, upload_priority::low);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{10})); // one low place
  CAF_CHECK_EQUAL(s.low("office"), 2u);
  CAF_CHECK(!s.low_would_start("office"));
  s.enqueue("office", 1, upload_priority::normal);
  s.enqueue("office", 2, upload_priority::normal);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{1, 2}));
  s.remove("office", 10);
  // A place is free, but 11 stays behind while a person waits.
  s.enqueue("office", 3, upload_priority::normal);
  s.enqueue("office", 4, upload_priority::normal);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{3}));
  CAF_CHECK(s.take_startable("office").empty());
  s.remove("office", 1);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{4}));
  s.remove("office", 2);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{11}));
}

CAF_TEST(a person waiting takes the place of a running low priority upload) {
  upload_scheduler s(3, 1);
  s.enqueue("office", 10, upload_priority::low);
  s.enqueue("office", 11, upload_priority::low);
  s.enqueue("office", 1, upload_priority::normal);
  s.enqueue("office", 2, upload_priority::normal);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{1, 2, 10}));
  CAF_CHECK(s.preempt("office").empty()); // nobody waits
  s.enqueue("office", 3, upload_priority::high);
  CAF_CHECK_EQUAL(s.preempt("office"), (ids{10}));
  CAF_CHECK(!s.is_running("office", 10));
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{3}));
  // Preempted, 10 goes back ahead of 11 and starts first once a place frees.
  s.remove("office", 1);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{10}));
  // People's uploads are never preempted.
  s.enqueue("office", 4, upload_priority::high);
  s.enqueue("office", 5, upload_priority::high);
  CAF_CHECK_EQUAL(s.preempt("office"), (ids{10}));
  CAF_CHECK(s.preempt("office").empty());
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{4}));
  CAF_CHECK_EQUAL(s.running("office"), 3u);
  CAF_CHECK_EQUAL(s.place("office", 5), 1u);
  CAF_CHECK_EQUAL(s.place("office", 10), 2u);
}

CAF_TEST(a low priority upload raised by a person counts as theirs) {
  upload_scheduler s(3, 1);
  s.enqueue("office", 10, upload_priority::low);
  s.enqueue("office", 11, upload_priority::low);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{10}));
  CAF_CHECK(s.raise("office", 10, upload_priority::normal)); // running
  CAF_CHECK(!s.raise("office", 10, upload_priority::normal));
  // 10 is a person's now: the low place is free for 11, and 10 is not preempted.
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{11}));
  s.enqueue("office", 1, upload_priority::normal);
  s.enqueue("office", 2, upload_priority::normal);
  CAF_CHECK_EQUAL(s.take_startable("office"), (ids{1}));
  CAF_CHECK_EQUAL(s.preempt("office"), (ids{11}));
  CAF_CHECK(s.is_running("office", 10));
  CAF_CHECK(s.raise("office", 11, upload_priority::high)); // waiting: moves ahead of 2
  CAF_CHECK_EQUAL(s.place("office", 11), 1u);
}

CAF_TEST(the rate window refuses past its limit and says how long to wait) {
  using namespace std::chrono;
  rate_window r(3, seconds(900));
  auto t0 = rate_window::clock::time_point{} + hours(1);
  CAF_CHECK(!r.admit("office", t0));
  CAF_CHECK(!r.admit("office", t0 + seconds(10)));
  CAF_CHECK(!r.admit("office", t0 + seconds(20)));
  auto wait = r.admit("office", t0 + seconds(30));
  CAF_REQUIRE(wait.has_value());
  CAF_CHECK_EQUAL(wait->count(), 871); // 900 - 30, plus the second it is rounded up by
  CAF_CHECK(!r.admit("other", t0 + seconds(30))); // per daemon
  CAF_CHECK(!r.admit("office", t0 + seconds(900)));  // the first one left the window
  CAF_CHECK(r.admit("office", t0 + seconds(901)).has_value());
}
