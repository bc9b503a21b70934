// The cache janitor against a real PostgreSQL (a real db_worker) and real
// files, on caf-test's deterministic clock: what it expires and deletes, and
// its daily pass (reconcile files and rows, prune) at start and a day later.
#define CAF_SUITE cache_janitor
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

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
};

caf::behavior published(caf::stateful_actor<published_state>* self) {
  return {
    [=](atom::publish, const std::string& event, const nlohmann::json& payload, std::int64_t) {
      if (event == "pdf:expired")
        self->state.expired.push_back(payload);
    },
  };
}

struct fixture : test_coordinator_fixture<> {
  storage::testing::pg_database db{"janitor"};
  testing::temp_dir cache;
  caf::actor worker;
  caf::actor hub = sys.spawn(published);
  caf::actor janitor;

  fixture() { db.sql("INSERT INTO daemon_clients (client_id, client_name) VALUES ('office', 'Office')"); }

  ~fixture() {
    for (auto& a : {janitor, worker, hub})
      if (a)
        self->send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start() {
    worker = sys.spawn(actors::db_worker, db.options());
    actors::janitor_options o;
    o.storage_dir = cache.path();
    janitor = sys.spawn(actors::cache_janitor, worker, hub, o);
    sched.run(); // messages only: the janitor re-arms its timers for ever
  }

  void wait(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }

  /// A file of `size` bytes in the cache, written two hours ago.
  std::string file(const std::string& name, std::size_t size) {
    auto path = fs::path(cache.path()) / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << std::string(size, 'x');
    fs::last_write_time(path, fs::file_time_type::clock::now() - 2h);
    return path.string();
  }

  /// A cached PDF of 5 bytes whose copy is `path`, expiring `expires` (SQL).
  std::int64_t cached(int n, const std::string& path, const std::string& expires = "now() + interval '5 days'") {
    return std::stoll(db.scalar(
      "INSERT INTO pdf_cache (file_hash, filename, file_size, client_id, status, file_path, cached_at, expires_at)"
      " VALUES ('" + hex_hash(n) + "', 'doc.pdf', 5, 'office', 'cached', '" + path + "', now(), " + expires +
      ") RETURNING id"));
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
  auto due = cached(1, mine, "now() - interval '1 minute'");
  auto due_shared = cached(2, shared, "now() - interval '1 minute'");
  auto keeper = cached(3, shared);
  start();
  CAF_CHECK_EQUAL(status_of(due), "expired");
  CAF_CHECK_EQUAL(status_of(due_shared), "expired");
  CAF_CHECK_EQUAL(status_of(keeper), "cached");
  CAF_CHECK(!exists(mine));
  CAF_CHECK(exists(shared));
  CAF_CHECK_EQUAL(expired_events().size(), 2u);
}

CAF_TEST(at start and every day rows and files are reconciled and old rows pruned) {
  auto intact = cached(1, file("2026/12/intact.pdf", 5));
  auto gone = cached(2, fs::path(cache.path()).string() + "/2026/12/gone.pdf");
  auto orphan = file("2026/12/orphan.pdf", 9);
  auto part = file("tmp/abc.part", 1); // an hour-old partial upload: the sweep's business
  db.sql("INSERT INTO audit_log (at, action, outcome) VALUES (now() - interval '400 days', 'user.create', 'ok'),"
         " (now(), 'user.create', 'ok')");
  start();
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

  // The next day: a copy truncated meanwhile, and a new stray file.
  std::ofstream(fs::path(cache.path()) / "2026/12/intact.pdf", std::ios::trunc) << "xy";
  auto stray = file("2026/12/stray.pdf", 3);
  wait(23h);
  CAF_CHECK_EQUAL(status_of(intact), "cached"); // not yet a day
  wait(1h);
  CAF_CHECK_EQUAL(status_of(intact), "available_local");
  CAF_CHECK(!exists(stray));
  CAF_CHECK(exists(cache.path() + "/quarantine/2026/12/stray.pdf"));
}

CAF_TEST_FIXTURE_SCOPE_END()
