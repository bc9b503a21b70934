// Durability of the PDF cache against real PostgreSQL and real files: the
// minimum keep of a copy of an old PDF, the replaced copy of a re-upload, the
// janitor's guard for a file another row names, the reconciliation of rows
// and files, and the pruning of old audit rows and dead sessions.
#define CAF_SUITE storage_cache_reconcile
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "../support/temp_dir.hpp"
#include "pg_fixture.hpp"

using namespace siberius::storage;
using namespace siberius::cache;
using namespace siberius::storage::testing;
namespace fs = std::filesystem;

namespace {

struct fixture {
  pg_database db{"reconcile"};
  metadata_store store{db.options()};
  siberius::testing::temp_dir cache;

  fixture() { db.sql("INSERT INTO daemon_clients (client_id, client_name) VALUES ('office', 'Office')"); }

  /// A PDF indexed by the office, with an event `days_ago` days ago (none when negative).
  std::int64_t indexed(int n, int days_ago, std::int64_t size = 5) {
    auto evento = days_ago < 0 ? std::string("NULL") : "current_date - " + std::to_string(days_ago);
    return std::stoll(db.scalar("INSERT INTO pdf_cache (file_hash, filename, file_size, client_id, data_evento)"
                                " VALUES ('" + hex_hash(n) + "', 'doc" + std::to_string(n) + ".pdf', " +
                                std::to_string(size) + ", 'office', " + evento + ") RETURNING id"));
  }

  /// A file of `size` bytes in the cache at `name`, written `age` ago.
  std::string file(const std::string& name, std::size_t size, std::chrono::hours age = std::chrono::hours(2)) {
    auto path = fs::path(cache.path()) / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << std::string(size, 'x');
    fs::last_write_time(path, fs::file_time_type::clock::now() - age);
    return path.string();
  }

  std::string uploaded(std::int64_t id, const std::string& path, std::int64_t bytes = 5) {
    stored_upload u;
    u.pdf_id = id;
    u.client_id = "office";
    u.request_id = "req-" + std::to_string(id);
    u.file_path = path;
    u.bytes = bytes;
    return store.record_upload(u);
  }

  std::string status_of(std::int64_t id) {
    return db.scalar("SELECT status || ' ' || coalesce(file_path, '-') FROM pdf_cache WHERE id = " +
                     std::to_string(id));
  }

  /// Hours from now to the PDF's expires_at, rounded.
  long hours_left(std::int64_t id) {
    return std::stol(db.scalar("SELECT round(extract(epoch FROM expires_at - now()) / 3600) FROM pdf_cache"
                               " WHERE id = " + std::to_string(id)));
  }
};

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(cache_reconcile_tests, fixture)

CAF_TEST(a re-requested old PDF is kept for the minimum time instead of expiring at the next sweep) {
  auto old_pdf = indexed(1, 30);   // event 30 days ago: event + 15 days is long past
  auto recent = indexed(2, 1);     // event yesterday: event + 15 days is two weeks away
  auto undated = indexed(3, -1);
  uploaded(old_pdf, file("2026/12/a.pdf", 5));
  uploaded(recent, file("2026/12/b.pdf", 5));
  uploaded(undated, file("2026/12/c.pdf", 5));
  CAF_CHECK_EQUAL(hours_left(old_pdf), 24);
  CAF_CHECK(hours_left(recent) > 24 * 13);
  CAF_CHECK_EQUAL(hours_left(undated), 24 * 15);
  CAF_CHECK(store.expire_due(500).empty());
  CAF_CHECK_EQUAL(status_of(old_pdf).substr(0, 6), "cached");
}

CAF_TEST(the minimum keep is a setting) {
  auto o = db.options();
  o.min_keep_hours = 72;
  metadata_store longer(o);
  auto id = indexed(1, 30);
  stored_upload u;
  u.pdf_id = id;
  u.client_id = "office";
  u.request_id = "r1";
  u.file_path = file("2026/12/a.pdf", 5);
  u.bytes = 5;
  longer.record_upload(u);
  CAF_CHECK_EQUAL(hours_left(id), 72);
}

CAF_TEST(an upload that replaces a cached copy deletes the old file and only that one) {
  auto id = indexed(1, 1);
  auto first = file("2026/12/" + hex_hash(1) + "-aaaa_doc1.pdf", 5);
  auto second = file("2026/12/" + hex_hash(1) + "-bbbb_doc1.pdf", 5);
  uploaded(id, first);
  uploaded(id, second);
  CAF_CHECK(!exists(first));
  CAF_CHECK(exists(second));
  CAF_CHECK_EQUAL(status_of(id), "cached " + second);
}

CAF_TEST(the janitor is never told to delete a file another row still names) {
  auto a = indexed(1, 40);
  auto b = indexed(2, 1);
  auto shared = file("2026/12/shared.pdf", 5);
  db.sql("UPDATE pdf_cache SET status = 'cached', file_path = '" + shared + "', expires_at = now() - interval '1 hour'"
         " WHERE id = " + std::to_string(a));
  db.sql("UPDATE pdf_cache SET status = 'cached', file_path = '" + shared + "', expires_at = now() + interval '9 days'"
         " WHERE id = " + std::to_string(b));
  auto due = store.expire_due(500);
  CAF_REQUIRE_EQUAL(due.size(), 1u);
  CAF_CHECK_EQUAL(due[0].pdf_id, a);
  CAF_CHECK_EQUAL(due[0].file_path, "");
  // Once no other row names it, the expired row's exact file is handed over.
  db.sql("UPDATE pdf_cache SET expires_at = now() - interval '1 hour' WHERE id = " + std::to_string(b));
  due = store.expire_due(500);
  CAF_REQUIRE_EQUAL(due.size(), 1u);
  CAF_CHECK_EQUAL(due[0].file_path, shared);
}

CAF_TEST(cached rows whose file is gone or has the wrong size go back to available_local) {
  auto intact = indexed(1, 1, 5);
  auto gone = indexed(2, 1, 5);
  auto truncated = indexed(3, 1, 5);
  uploaded(intact, file("2026/12/intact.pdf", 5));
  auto gone_path = file("2026/12/gone.pdf", 5);
  uploaded(gone, gone_path);
  fs::remove(gone_path);
  auto short_path = file("2026/12/short.pdf", 3);
  uploaded(truncated, short_path, 3);
  auto rows = store.recorded_copies();
  CAF_CHECK_EQUAL(rows.size(), 3u);
  auto lost = lost_copies(rows);
  CAF_REQUIRE_EQUAL(lost.size(), 2u);
  auto reverted = store.revert_lost_copies(lost);
  std::sort(reverted.begin(), reverted.end());
  CAF_CHECK_EQUAL(reverted, (std::vector<std::int64_t>{gone, truncated}));
  CAF_CHECK_EQUAL(status_of(gone), "available_local -");
  CAF_CHECK_EQUAL(status_of(truncated), "available_local -");
  CAF_CHECK_EQUAL(status_of(intact).substr(0, 7), "cached ");
  // The short file no row names any more: the next step quarantines it.
  auto report = quarantine_orphans(cache.path(), store.recorded_copies(), std::chrono::hours(1));
  CAF_CHECK_EQUAL(report.quarantined, std::vector<std::string>{short_path});
  CAF_CHECK(exists(cache.path() + "/quarantine/2026/12/short.pdf"));
}

CAF_TEST(a row changed since it was checked is not reverted) {
  auto id = indexed(1, 1, 5);
  auto old_path = file("2026/12/old.pdf", 5);
  uploaded(id, old_path);
  auto lost = store.recorded_copies();
  // Meanwhile a new copy was uploaded under another name.
  auto new_path = file("2026/12/new.pdf", 5);
  uploaded(id, new_path);
  CAF_CHECK(store.revert_lost_copies(lost).empty());
  CAF_CHECK_EQUAL(status_of(id), "cached " + new_path);
}

CAF_TEST(files no row names are quarantined unless young or partial or named) {
  auto id = indexed(1, 1, 5);
  auto named = file("2026/11/named.pdf", 5);
  uploaded(id, named);
  auto orphan = file("2026/11/orphan.pdf", 7);
  auto young = file("2026/12/young.pdf", 7, std::chrono::hours(0));
  auto part = file("tmp/upload.part", 7);
  // A file already in quarantine under that name: the new one gets another.
  file("quarantine/2026/11/orphan.pdf", 1);
  auto report = quarantine_orphans(cache.path(), store.recorded_copies(), std::chrono::hours(1));
  CAF_CHECK_EQUAL(report.quarantined, std::vector<std::string>{orphan});
  CAF_CHECK(report.failed.empty());
  CAF_CHECK_EQUAL(report.too_young, 1u);
  CAF_CHECK(exists(named) && exists(young) && exists(part) && !exists(orphan));
  CAF_CHECK_EQUAL(fs::file_size(cache.path() + "/quarantine/2026/11/orphan.pdf.1"), 7u);
  // The same folder named another way (relative, with ..) finds the same files.
  auto relative = fs::relative(cache.path()).string() + "/../" + fs::path(cache.path()).filename().string();
  auto again = quarantine_orphans(relative, store.recorded_copies(), std::chrono::hours(1));
  CAF_CHECK(again.quarantined.empty());
  CAF_CHECK(exists(named));
}

CAF_TEST(quarantined files are deleted once kept long enough) {
  auto kept = file("quarantine/2026/11/recent.pdf", 1, std::chrono::hours(24));
  auto old = file("quarantine/2026/10/old.pdf", 1, std::chrono::hours(24 * 8));
  CAF_CHECK_EQUAL(purge_quarantine(cache.path(), std::chrono::hours(24 * 7)), 1u);
  CAF_CHECK(exists(kept));
  CAF_CHECK(!exists(old));
  // Quarantining resets the clock: an old orphan is not purged the same day.
  auto orphan = file("2026/01/ancient.pdf", 1, std::chrono::hours(24 * 300));
  quarantine_orphans(cache.path(), {}, std::chrono::hours(1));
  CAF_CHECK(!exists(orphan));
  CAF_CHECK_EQUAL(purge_quarantine(cache.path(), std::chrono::hours(24 * 7)), 0u);
  CAF_CHECK(exists(cache.path() + "/quarantine/2026/01/ancient.pdf"));
}

CAF_TEST(old audit rows and dead sessions are pruned and the rest kept) {
  db.sql("INSERT INTO audit_log (at, action, outcome) VALUES (now() - interval '400 days', 'auth.login_failed',"
         " 'denied'), (now() - interval '364 days', 'user.create', 'ok'), (now(), 'user.create', 'ok')");
  auto user = db.scalar("INSERT INTO usuarios (login, role) VALUES ('ana', 'tecnico') RETURNING id");
  auto session = [&](const std::string& pid, const std::string& expires, const std::string& revoked) {
    db.sql("INSERT INTO sessions (usuario_id, public_id, token_hash, expires_at, revoked_at) VALUES (" + user +
           ", '" + pid + "', repeat('0', 64), " + expires + ", " + revoked + ")");
  };
  session("0000000000000001", "now() + interval '11 hours'", "NULL");              // live
  session("0000000000000002", "now() - interval '2 days'", "NULL");                // expired long ago
  session("0000000000000003", "now() - interval '1 hour'", "NULL");                // within the margin
  session("0000000000000004", "now() + interval '5 hours'", "now() - interval '2 days'"); // logged out long ago
  auto n = store.prune(prune_policy{});
  CAF_CHECK_EQUAL(n.audit_rows, 1);
  CAF_CHECK_EQUAL(n.sessions, 2);
  CAF_CHECK_EQUAL(db.scalar("SELECT string_agg(public_id, ',' ORDER BY public_id) FROM sessions"),
                  "0000000000000001,0000000000000003");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM audit_log"), "2");
  // audit_days 0 keeps the audit log whatever its age.
  db.sql("INSERT INTO audit_log (at, action, outcome) VALUES (now() - interval '4000 days', 'x', 'ok')");
  CAF_CHECK_EQUAL(store.prune(prune_policy{0, 24}).audit_rows, 0);
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM audit_log"), "3");
}

CAF_TEST(cleanup reports and cleared alerts are kept as long as the audit log) {
  db.sql("INSERT INTO cache_cleanup_reports (trigger, started_at, finished_at) VALUES"
         " ('scheduled', now() - interval '400 days', now() - interval '400 days'),"
         " ('scheduled', now() - interval '10 days', now() - interval '10 days')");
  db.sql("INSERT INTO alerts (id, kind, subject, severity, message, raised_at, cleared_at) VALUES"
         " ('a1', 'daemon_offline', 'office', 'warning', 'old', now() - interval '500 days', now() - interval '400 days'),"
         " ('a2', 'daemon_offline', 'branch', 'warning', 'recent', now() - interval '20 days', now() - interval '10 days'),"
         " ('a3', 'cache_capacity', '', 'warning', 'still on', now() - interval '500 days', NULL)");
  // audit_days 0 keeps everything.
  auto kept = store.prune(prune_policy{0, 24});
  CAF_CHECK_EQUAL(kept.cleanup_reports, 0);
  CAF_CHECK_EQUAL(kept.alerts, 0);
  auto n = store.prune(prune_policy{});
  CAF_CHECK_EQUAL(n.cleanup_reports, 1);
  CAF_CHECK_EQUAL(n.alerts, 1);
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM cache_cleanup_reports"), "1");
  // An alert still active stays, however old.
  CAF_CHECK_EQUAL(db.scalar("SELECT string_agg(id, ',' ORDER BY id) FROM alerts"), "a2,a3");
}

CAF_TEST_FIXTURE_SCOPE_END()
