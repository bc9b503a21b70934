// The cache janitor against a real PostgreSQL (a real db_worker) and real
// files, on caf-test's deterministic clock (the janitor's wall clock follows
// it): what it expires and deletes, its run at start and at 02:00 local time
// every day (across DST changes both ways), the repair of a crash midway, an
// admin's run while the scheduled one is under way, and the reports.
#define CAF_SUITE cache_janitor
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "../storage/pg_fixture.hpp"
#include "../support/temp_dir.hpp"
#include "actors/cache_janitor.hpp"
#include "actors/db_worker.hpp"
#include "actors/messages.hpp"

using namespace siberius;
using namespace std::chrono_literals;
using storage::testing::hex_hash;
namespace fs = std::filesystem;

namespace {

/// Stands where the client hub would be: keeps the events it was asked to publish.
struct published_state {
  std::vector<nlohmann::json> expired; // pdf:expired payloads
  std::vector<nlohmann::json> reports; // cache:cleanup_report payloads (to admins)
};

caf::behavior published(caf::stateful_actor<published_state>* self) {
  return {
    [=](atom::publish, const std::string& event, const nlohmann::json& payload, std::int64_t) {
      if (event == "pdf:expired")
        self->state.expired.push_back(payload);
    },
    [=](atom::broadcast, const std::string& event, const nlohmann::json& payload) {
      if (event == "cache:cleanup_report")
        self->state.reports.push_back(payload);
    },
  };
}

/// An instant given in UTC, "2026-03-08 07:00".
std::chrono::system_clock::time_point utc(const std::string& text) {
  std::tm tm{};
  ::strptime(text.c_str(), "%Y-%m-%d %H:%M", &tm);
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

/// The process's zone for one test (the server sets it once with --janitor-tz).
struct zone_guard {
  explicit zone_guard(const char* zone) {
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~zone_guard() {
    ::unsetenv("TZ");
    ::tzset();
  }
};

struct fixture : test_coordinator_fixture<> {
  storage::testing::pg_database db{"janitor"};
  testing::temp_dir cache;
  caf::actor worker;
  caf::actor hub = sys.spawn(published);
  caf::actor janitor;
  /// The wall clock the janitor reads: `wall0` when the test starts, then
  /// moving with caf-test's clock.
  std::chrono::system_clock::time_point wall0 = std::chrono::system_clock::now();
  caf::actor_clock::time_point clock0 = sched.clock().now();
  actors::janitor_options o;

  fixture() { db.sql("INSERT INTO daemon_clients (client_id, client_name) VALUES ('office', 'Office')"); }

  ~fixture() {
    for (auto& a : {janitor, worker, hub})
      if (a)
        self->send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start(std::chrono::system_clock::time_point wall = std::chrono::system_clock::now()) {
    wall0 = wall;
    clock0 = sched.clock().now();
    worker = sys.spawn(actors::db_worker, db.options());
    o.storage_dir = cache.path();
    o.wall_now = [this] { return wall0 + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                           sched.clock().now() - clock0); };
    janitor = sys.spawn(actors::cache_janitor, worker, hub, o);
    sched.run(); // messages only: the janitor re-arms its timers for ever
  }

  /// Moves the clock by `d`, firing each timer at its own instant and
  /// delivering what it causes before the next one.
  void wait(caf::timespan d) {
    auto& clk = sched.clock();
    auto until = clk.now() + d;
    while (!clk.schedule().empty() && clk.schedule().begin()->first <= until) {
      clk.trigger_timeout();
      sched.run();
    }
    clk.advance_time(until - clk.now());
    sched.run();
  }

  std::vector<nlohmann::json>& reports() {
    return deref<caf::stateful_actor<published_state>>(hub).state.reports;
  }

  /// startedAt of the scheduled runs reported so far, to the minute.
  std::vector<std::string> scheduled_runs() {
    std::vector<std::string> out;
    for (auto& r : reports())
      if (r["trigger"] == "scheduled")
        out.push_back(r["startedAt"].get<std::string>().substr(0, 16));
    return out;
  }

  /// A file of `size` bytes in the cache, written two hours ago.
  std::string file(const std::string& name, std::size_t size) {
    auto path = fs::path(cache.path()) / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << std::string(size, 'x');
    fs::last_write_time(path, fs::file_time_type::clock::now() - 2h);
    return path.string();
  }

  /// A cached, undated PDF of 5 bytes whose copy is `path`: cached now, or
  /// 20 days ago when `due` (past the default 15 days' retention).
  std::int64_t cached(int n, const std::string& path, bool due = false) {
    std::string at = due ? "now() - interval '20 days'" : "now()";
    return std::stoll(db.scalar(
      "INSERT INTO pdf_cache (file_hash, filename, file_size, client_id, status, file_path, cached_at, expires_at)"
      " VALUES ('" + hex_hash(n) + "', 'doc.pdf', 5, 'office', 'cached', '" + path + "', " + at + ", " + at +
      " + interval '15 days') RETURNING id"));
  }

  std::string status_of(std::int64_t id) {
    return db.scalar("SELECT status FROM pdf_cache WHERE id = " + std::to_string(id));
  }

  std::vector<nlohmann::json>& expired_events() {
    return deref<caf::stateful_actor<published_state>>(hub).state.expired;
  }
};

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(cache_janitor_tests, fixture)

CAF_TEST(an expired copy loses exactly its own file and a copy another row names stays) {
  auto mine = file("2026/11/mine.pdf", 5);
  auto shared = file("2026/11/shared.pdf", 5);
  auto due = cached(1, mine, true);
  auto due_shared = cached(2, shared, true);
  auto keeper = cached(3, shared);
  start();
  CAF_CHECK_EQUAL(status_of(due), "expired");
  CAF_CHECK_EQUAL(status_of(due_shared), "expired");
  CAF_CHECK_EQUAL(status_of(keeper), "cached");
  CAF_CHECK(!exists(mine));
  CAF_CHECK(exists(shared));
  CAF_CHECK_EQUAL(expired_events().size(), 2u);
  // The run at start reported it, to the admins and in the table.
  CAF_REQUIRE_EQUAL(reports().size(), 1u);
  auto& r = reports()[0];
  CAF_CHECK_EQUAL(r["trigger"], "early");
  CAF_CHECK_EQUAL(r["expiredRows"], 2);
  CAF_CHECK_EQUAL(r["filesRemoved"], 1);
  CAF_CHECK_EQUAL(r["bytesFreed"], 5);
  CAF_CHECK(r["errors"].empty());
  CAF_CHECK(r["id"].is_number());
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) || ' ' || min(trigger) || ' ' || min(files_removed) FROM cache_cleanup_reports"),
                  "1 early 1");
}

CAF_TEST(at start and every day at two rows and files are reconciled and old rows pruned) {
  zone_guard zone("America/Sao_Paulo");
  auto intact = cached(1, file("2026/12/intact.pdf", 5));
  auto gone = cached(2, fs::path(cache.path()).string() + "/2026/12/gone.pdf");
  auto orphan = file("2026/12/orphan.pdf", 9);
  auto part = file("tmp/abc.part", 1); // an hour-old partial upload: the sweep's business
  db.sql("INSERT INTO audit_log (at, action, outcome) VALUES (now() - interval '400 days', 'user.create', 'ok'),"
         " (now(), 'user.create', 'ok')");
  start(utc("2026-12-01 13:00")); // 10:00 in Sao Paulo
  CAF_CHECK_EQUAL(status_of(intact), "cached");
  CAF_CHECK_EQUAL(status_of(gone), "available_local");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM pdf_cache WHERE file_path IS NULL"), "1");
  CAF_CHECK(!exists(orphan));
  CAF_CHECK(exists(cache.path() + "/quarantine/2026/12/orphan.pdf"));
  CAF_CHECK(!exists(part));
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM audit_log"), "1");
  CAF_REQUIRE_EQUAL(expired_events().size(), 1u);
  CAF_CHECK_EQUAL(expired_events()[0]["pdfId"].get<std::int64_t>(), gone);
  CAF_CHECK_EQUAL(expired_events()[0].value("reason", ""), "lost");

  // The next day at 02:00: a copy truncated meanwhile, and a new stray file.
  std::ofstream(fs::path(cache.path()) / "2026/12/intact.pdf", std::ios::trunc) << "xy";
  auto stray = file("2026/12/stray.pdf", 3);
  wait(15h + 59min);
  CAF_CHECK_EQUAL(status_of(intact), "cached"); // 01:59: not yet
  wait(1min);
  CAF_CHECK_EQUAL(status_of(intact), "available_local");
  CAF_CHECK(!exists(stray));
  CAF_CHECK(exists(cache.path() + "/quarantine/2026/12/stray.pdf"));
}

CAF_TEST(the daily run is at two local time once a day across the spring forward change) {
  zone_guard zone("America/New_York"); // 2026-03-08 02:00 EST -> 03:00 EDT
  start(utc("2026-03-06 17:00"));       // 12:00 EST
  wait(4 * 24h);
  std::vector<std::string> expected{"2026-03-07T07:00", // 02:00 EST
                                    "2026-03-08T07:00", // 02:00 does not exist: 03:00 EDT, the first instant after
                                    "2026-03-09T06:00", // 02:00 EDT
                                    "2026-03-10T06:00"};
  CAF_CHECK_EQUAL(scheduled_runs(), expected);
}

CAF_TEST(the daily run is at its local time once when that time happens twice) {
  zone_guard zone("America/New_York"); // 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice
  o.daily_at = {1, 30};
  start(utc("2026-10-30 16:00")); // 12:00 EDT
  wait(4 * 24h);
  std::vector<std::string> expected{"2026-10-31T05:30", // 01:30 EDT
                                    "2026-11-01T05:30", // the first 01:30 (EDT), not the second at 06:30Z
                                    "2026-11-02T06:30", // 01:30 EST
                                    "2026-11-03T06:30"};
  CAF_CHECK_EQUAL(scheduled_runs(), expected);
}

CAF_TEST(the schedule follows the tz database in Berlin both ways) {
  zone_guard zone("Europe/Berlin");
  using actors::next_daily_run;
  // 2026-03-29 02:00 CET -> 03:00 CEST: 02:30 does not exist, the run is at 03:00 CEST.
  CAF_CHECK(next_daily_run(utc("2026-03-28 12:00"), {2, 30}) == utc("2026-03-29 01:00"));
  CAF_CHECK(next_daily_run(utc("2026-03-29 01:00"), {2, 30}) == utc("2026-03-30 00:30"));
  // 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 happens twice, the run only at the first.
  CAF_CHECK(next_daily_run(utc("2026-10-24 12:00"), {2, 30}) == utc("2026-10-25 00:30"));
  CAF_CHECK(next_daily_run(utc("2026-10-25 00:30"), {2, 30}) == utc("2026-10-26 01:30"));
  CAF_CHECK(!actors::parse_time_of_day("24:00"));
  CAF_CHECK(!actors::parse_time_of_day("2:00"));
  CAF_CHECK_EQUAL(actors::parse_time_of_day("23:59")->minute, 59);
}

CAF_TEST(a crash between the file and the row is repaired by the next run) {
  // Crashed after deleting the file, before its row said so: still cached, past due.
  auto deleted = cached(1, fs::path(cache.path()).string() + "/2026/10/deleted.pdf", true);
  // Crashed after the row said expired, before the file was deleted.
  auto left = file("2026/10/left.pdf", 5);
  db.sql("INSERT INTO pdf_cache (file_hash, filename, file_size, client_id, status, cached_at)"
         " VALUES ('" + hex_hash(2) + "', 'doc.pdf', 5, 'office', 'expired', now() - interval '20 days')");
  start();
  CAF_CHECK_EQUAL(status_of(deleted), "expired");
  CAF_CHECK(!exists(left));
  CAF_CHECK(exists(cache.path() + "/quarantine/2026/10/left.pdf"));
  CAF_REQUIRE_EQUAL(reports().size(), 1u);
  auto& r = reports()[0];
  CAF_CHECK_EQUAL(r["expiredRows"], 1);
  CAF_CHECK_EQUAL(r["filesRemoved"], 0); // it was gone already: nothing freed, and no error
  CAF_CHECK(r["errors"].empty());
  CAF_CHECK_EQUAL(r["details"]["filesQuarantined"], 1);
  CAF_REQUIRE_EQUAL(expired_events().size(), 1u);
  CAF_CHECK_EQUAL(expired_events()[0]["pdfId"].get<std::int64_t>(), deleted);
}

CAF_TEST(an admin asking while the scheduled run is under way gets that run and no second one) {
  zone_guard zone("America/New_York");
  o.interval = std::chrono::hours(24); // no sweep in the way of the 02:00 timer
  start(utc("2026-06-01 05:30"));     // 01:30 EDT
  CAF_REQUIRE_EQUAL(reports().size(), 1u); // the run at start
  auto due = cached(1, file("2026/06/due.pdf", 7), true);
  // 02:00: the scheduled run starts and waits for its first database answer.
  sched.clock().advance_time(30min);
  CAF_REQUIRE(sched.try_run_once()); // the janitor takes its timer
  auto& st = deref<caf::stateful_actor<actors::cache_janitor_state>>(janitor).state;
  CAF_REQUIRE(st.running);
  nlohmann::json answer;
  auto asked = self->request(janitor, caf::infinite, atom::cache_cleanup_v, std::string("on_demand"));
  sched.run();
  asked.receive([&](const actors::json_reply& r) { answer = r.value; },
                [&](const caf::error& err) { CAF_FAIL("no report: " << sys.render(err)); });
  CAF_CHECK_EQUAL(answer["joined"], true);
  CAF_CHECK_EQUAL(answer["report"]["trigger"], "scheduled");
  CAF_CHECK_EQUAL(answer["report"]["filesRemoved"], 1);
  CAF_CHECK_EQUAL(answer["report"]["bytesFreed"], 7);
  CAF_CHECK_EQUAL(status_of(due), "expired");
  CAF_CHECK_EQUAL(reports().size(), 2u);
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM cache_cleanup_reports"), "2");

  // Asked when nothing runs: a run of its own.
  asked = self->request(janitor, caf::infinite, atom::cache_cleanup_v, std::string("on_demand"));
  sched.run();
  asked.receive([&](const actors::json_reply& r) { answer = r.value; },
                [&](const caf::error& err) { CAF_FAIL("no report: " << sys.render(err)); });
  CAF_CHECK_EQUAL(answer["joined"], false);
  CAF_CHECK_EQUAL(answer["report"]["trigger"], "on_demand");
  CAF_CHECK_EQUAL(db.scalar("SELECT string_agg(trigger, ',' ORDER BY id) FROM cache_cleanup_reports"),
                  "early,scheduled,on_demand");
}

CAF_TEST(a run with errors raises the janitor alert and a clean one clears it and the storage monitor can start one) {
  auto alerts = sys.spawn([](caf::stateful_actor<std::vector<std::string>>* a) -> caf::behavior {
    return {
      [a](atom::janitor_failed, const std::string& why) { a->state.push_back("failed: " + why); },
      [a](atom::janitor_ok) { a->state.push_back("ok"); },
    };
  });
  o.alerts = alerts;
  o.interval = std::chrono::hours(24);
  start();
  auto& heard = deref<caf::stateful_actor<std::vector<std::string>>>(alerts).state;
  CAF_REQUIRE_EQUAL(heard.size(), 1u); // the run at start, clean
  CAF_CHECK_EQUAL(heard[0], "ok");
  // A copy the janitor cannot delete (its path is a folder).
  auto stuck = fs::path(cache.path()) / "2026/01/stuck.pdf";
  fs::create_directories(stuck / "inside");
  cached(1, stuck.string(), true);
  self->send(janitor, atom::cleanup_now_v, std::string("disk_floor"));
  sched.run();
  CAF_REQUIRE_EQUAL(reports().size(), 2u);
  CAF_CHECK_EQUAL(reports()[1]["trigger"], "early");
  CAF_REQUIRE_EQUAL(heard.size(), 2u);
  CAF_CHECK(heard[1].rfind("failed: 1 error(s), the first: delete " + stuck.string(), 0) == 0);
  // Fixed: the next run is clean and says so.
  fs::remove_all(stuck);
  self->send(janitor, atom::cleanup_now_v, std::string("cache_capacity"));
  sched.run();
  CAF_REQUIRE_EQUAL(heard.size(), 3u);
  CAF_CHECK_EQUAL(heard[2], "ok");
  self->send_exit(alerts, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
