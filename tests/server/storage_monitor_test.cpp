#define CAF_SUITE storage_gate
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "actors/messages.hpp"
#include "actors/storage_monitor.hpp"

using namespace siberius;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

constexpr std::uint64_t mib = 1024 * 1024;

/// Answers the cache's totals (a db_run job) with `bytes`.
struct totals_state {
  std::uint64_t bytes = 0;
};

caf::behavior totals_db(caf::stateful_actor<totals_state>* self) {
  return {
    [=](atom::db_run, const actors::db_job&) -> actors::json_reply {
      return {{{"bytes", self->state.bytes}, {"files", 3}}};
    },
  };
}

/// What reached the alert_center and the janitor.
struct heard_state {
  std::vector<actors::alert_condition> raised;
  std::vector<std::string> cleared; // kind/subject
  std::vector<std::string> cleanups;
};

caf::behavior listener(caf::stateful_actor<heard_state>* self) {
  return {
    [=](atom::alert_raise, const actors::alert_condition& c) { self->state.raised.push_back(c); },
    [=](atom::alert_clear, const std::string& kind, const std::string& subject) {
      self->state.cleared.push_back(kind + "/" + subject);
    },
    [=](atom::cleanup_now, const std::string& reason) { self->state.cleanups.push_back(reason); },
  };
}

struct fixture : test_coordinator_fixture<> {
  caf::actor db = sys.spawn(totals_db);
  caf::actor alerts = sys.spawn(listener);
  caf::actor janitor = sys.spawn(listener);
  actors::storage_gate_ptr gate = std::make_shared<actors::storage_gate>();
  std::shared_ptr<std::uint64_t> free_bytes = std::make_shared<std::uint64_t>(10000 * mib);
  caf::actor monitor;

  void start(std::optional<std::uint64_t> capacity) {
    actors::storage_monitor_options opts;
    opts.limits.capacity_bytes = capacity;
    opts.limits.min_free_bytes = 1024 * mib;
    opts.interval = 60s;
    auto free = free_bytes;
    opts.disk = [free](const std::string&, std::uint64_t& f, std::uint64_t& total) {
      f = *free;
      total = 20000 * mib;
      return true;
    };
    monitor = sys.spawn(actors::storage_monitor, db, alerts, janitor, gate, opts);
    sched.run();
  }

  ~fixture() {
    if (monitor)
      self->send_exit(monitor, caf::exit_reason::user_shutdown);
    sched.run();
  }

  std::uint64_t& cache_bytes() { return deref<caf::stateful_actor<totals_state>>(db).state.bytes; }
  heard_state& heard(const caf::actor& a) { return deref<caf::stateful_actor<heard_state>>(a).state; }

  void wait(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }
};

} // namespace

CAF_TEST(judge_storage warns at eighty percent and is full at the capacity) {
  actors::storage_limits limits;
  limits.capacity_bytes = 1000;
  limits.min_free_bytes = 100;
  actors::storage_reading r;
  r.disk_known = true;
  r.disk_free_bytes = 5000;
  r.cache_bytes = 799;
  auto v = actors::judge_storage(r, limits);
  CAF_CHECK(v.conditions.empty());
  CAF_CHECK(!v.full);
  r.cache_bytes = 800;
  v = actors::judge_storage(r, limits);
  CAF_REQUIRE_EQUAL(v.conditions.size(), 1u);
  CAF_CHECK_EQUAL(v.conditions[0].kind, "cache_capacity");
  CAF_CHECK_EQUAL(v.conditions[0].severity, "warning");
  CAF_CHECK(!v.full);
  CAF_CHECK(v.cleanup_wanted);
  r.cache_bytes = 1000;
  v = actors::judge_storage(r, limits);
  CAF_CHECK(v.full);
  CAF_CHECK_EQUAL(v.conditions[0].severity, "critical");
  r.cache_bytes = 10;
  r.disk_free_bytes = 99;
  v = actors::judge_storage(r, limits);
  CAF_CHECK(v.full);
  CAF_REQUIRE_EQUAL(v.conditions.size(), 1u);
  CAF_CHECK_EQUAL(v.conditions[0].kind, "disk_floor");
}

CAF_TEST(without a capacity only the disk floor counts) {
  actors::storage_limits limits;
  limits.min_free_bytes = 100;
  actors::storage_reading r;
  r.disk_known = true;
  r.disk_free_bytes = 100;
  r.cache_bytes = 1ull << 40;
  auto v = actors::judge_storage(r, limits);
  CAF_CHECK(!v.full);
  CAF_CHECK(v.conditions.empty());
}

CAF_TEST_FIXTURE_SCOPE(storage_monitor_tests, fixture)

CAF_TEST(below the floor the gate closes and the janitor is asked to run early) {
  start(std::nullopt);
  CAF_CHECK(!gate->refusal());
  CAF_CHECK(heard(alerts).raised.empty());
  *free_bytes = 500 * mib;
  wait(60s);
  CAF_REQUIRE(gate->refusal().has_value());
  CAF_CHECK(gate->refusal()->find("disk") != std::string::npos);
  CAF_REQUIRE_EQUAL(heard(alerts).raised.size(), 1u);
  CAF_CHECK_EQUAL(heard(alerts).raised[0].kind, "disk_floor");
  CAF_REQUIRE_EQUAL(heard(janitor).cleanups.size(), 1u);
  CAF_CHECK_EQUAL(heard(janitor).cleanups[0], "disk_floor");
  // Still full a minute later: the janitor is not asked again so soon.
  wait(60s);
  CAF_CHECK_EQUAL(heard(janitor).cleanups.size(), 1u);
  *free_bytes = 5000 * mib;
  wait(60s);
  CAF_CHECK(!gate->refusal());
  CAF_REQUIRE_EQUAL(heard(alerts).cleared.size(), 1u);
  CAF_CHECK_EQUAL(heard(alerts).cleared[0], "disk_floor/disk");
}

CAF_TEST(the cache near its capacity warns and at the capacity refuses) {
  start(1000 * mib);
  cache_bytes() = 850 * mib;
  wait(60s);
  CAF_CHECK(!gate->refusal());
  CAF_REQUIRE(!heard(alerts).raised.empty());
  CAF_CHECK_EQUAL(heard(alerts).raised.back().kind, "cache_capacity");
  CAF_CHECK_EQUAL(heard(alerts).raised.back().details["percent"], 85);
  CAF_CHECK_EQUAL(heard(janitor).cleanups.size(), 1u);
  cache_bytes() = 1000 * mib;
  wait(60s);
  CAF_CHECK(gate->refusal().has_value());
  cache_bytes() = 100 * mib;
  wait(60s);
  CAF_CHECK(!gate->refusal());
  CAF_CHECK_EQUAL(heard(alerts).cleared.size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
