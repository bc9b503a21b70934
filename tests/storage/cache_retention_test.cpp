// Retention per document type against real PostgreSQL: one definition of a
// cached copy's expiry (schema 010) used by the janitor's recomputation, the
// --retention parser, and the janitor's stored run reports.
#define CAF_SUITE storage_cache_retention
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "pg_fixture.hpp"
#include "storage/retention.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;

namespace {

struct fixture {
  pg_database db{"retention"};

  fixture() { db.sql("INSERT INTO daemon_clients (client_id, client_name) VALUES ('office', 'Office')"); }

  /// A cached copy of type `tipo` with the event date `evento` (SQL, or NULL),
  /// cached at `cached_at` (SQL).
  std::int64_t cached(int n, const std::string& tipo, const std::string& evento, const std::string& cached_at) {
    return std::stoll(db.scalar(
      "INSERT INTO pdf_cache (file_hash, filename, file_size, client_id, tipo, data_evento, status, file_path,"
      " cached_at, expires_at) VALUES ('" + hex_hash(n) + "', 'doc.pdf', 5, 'office', '" + tipo + "', " + evento +
      ", 'cached', '/x/" + std::to_string(n) + ".pdf', " + cached_at + ", now() + interval '1 year') RETURNING id"));
  }

  std::string expiry(std::int64_t id) {
    return db.scalar("SELECT to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM pdf_cache WHERE id = " +
                     std::to_string(id));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(cache_retention_tests, fixture)

CAF_TEST(a run recomputes expiries per type from the event date or from when the copy was cached) {
  auto o = db.options(15);
  o.retention_by_tipo = {{"orcamento", 30}, {"os", 5}};
  metadata_store store{o};
  auto orcamento = cached(1, "orcamento", "'2026-01-10'", "'2026-01-01 12:00+00'");
  auto os = cached(2, "os", "'2026-01-10'", "'2026-01-01 12:00+00'");
  auto montagem = cached(3, "montagem", "'2026-01-10'", "'2026-01-01 12:00+00'");
  auto undated = cached(4, "os", "NULL", "'2026-01-01 12:00+00'");
  // Asked for long after its event: kept --min-keep-h (24) after it was cached.
  auto late = cached(5, "os", "'2025-06-01'", "'2026-01-01 12:00+00'");
  // An event date 5 years ahead counts as cached_at + 730 days.
  auto far = cached(6, "montagem", "'2031-01-01'", "'2026-01-01 12:00+00'");
  CAF_CHECK_EQUAL(store.recompute_expiry(), 6);
  CAF_CHECK_EQUAL(expiry(orcamento), "2026-02-09 00:00");
  CAF_CHECK_EQUAL(expiry(os), "2026-01-15 00:00");
  CAF_CHECK_EQUAL(expiry(montagem), "2026-01-25 00:00"); // --retention-days
  CAF_CHECK_EQUAL(expiry(undated), "2026-01-06 12:00");
  CAF_CHECK_EQUAL(expiry(late), "2026-01-02 12:00");
  CAF_CHECK_EQUAL(expiry(far), "2028-01-16 00:00");
  CAF_CHECK_EQUAL(store.recompute_expiry(), 0); // nothing changed: nothing written

  // The retention changes: the next run applies it to the rows already cached.
  auto longer = db.options(15);
  longer.retention_by_tipo = {{"orcamento", 60}};
  metadata_store changed{longer};
  CAF_CHECK_EQUAL(changed.recompute_expiry(), 3); // orcamento, os, undated os; late stays at its minimum keep
  CAF_CHECK_EQUAL(expiry(orcamento), "2026-03-11 00:00");
  CAF_CHECK_EQUAL(expiry(os), "2026-01-25 00:00");
  CAF_CHECK_EQUAL(expiry(undated), "2026-01-16 12:00");
  CAF_CHECK_EQUAL(expiry(late), "2026-01-02 12:00");
}

CAF_TEST(only cached copies are recomputed) {
  auto o = db.options(15);
  metadata_store store{o};
  db.sql("INSERT INTO pdf_cache (file_hash, filename, file_size, client_id, data_evento, status, expires_at)"
         " VALUES ('" + hex_hash(9) + "', 'x.pdf', 5, 'office', '2026-01-10', 'expired', '2000-01-01')");
  CAF_CHECK_EQUAL(store.recompute_expiry(), 0);
  CAF_CHECK_EQUAL(db.scalar("SELECT to_char(expires_at, 'YYYY') FROM pdf_cache"), "2000");
}

CAF_TEST(the retention flag is read per type and refuses what it cannot use) {
  auto ok = parse_retention_by_tipo("orcamento=30,os=15,montagem=15");
  CAF_REQUIRE(std::holds_alternative<std::map<std::string, int>>(ok));
  auto m = std::get<0>(ok);
  CAF_CHECK_EQUAL(m.size(), 3u);
  CAF_CHECK_EQUAL(m["orcamento"], 30);
  for (auto bad : {"orcamento", "fatura=3", "os=-1", "os=abc", "os=4000", "os=1,os=2", "os="})
    CAF_CHECK(std::holds_alternative<std::string>(parse_retention_by_tipo(bad)));
}

CAF_TEST(run reports are stored and listed newest first within the limit) {
  metadata_store store{db.options()};
  auto first = store.record_cleanup_report(
    {{"trigger", "scheduled"}, {"startedAt", "2026-03-08T07:00:00.000Z"}, {"finishedAt", "2026-03-08T07:00:01.250Z"},
     {"filesRemoved", 3}, {"bytesFreed", 4096}, {"expiredRows", 4}, {"staleTempFilesRemoved", 1},
     {"errors", {"delete /x: Permission denied"}}, {"details", {{"copiesLost", 0}}}});
  CAF_CHECK_EQUAL(first["durationMs"].get<std::int64_t>(), 1250);
  CAF_CHECK_EQUAL(first["startedAt"], "2026-03-08T07:00:00Z");
  store.record_cleanup_report({{"trigger", "on_demand"}, {"startedAt", "2026-03-09T10:00:00.000Z"},
                               {"finishedAt", "2026-03-09T10:00:00.100Z"}});
  auto list = store.cleanup_reports(10);
  CAF_REQUIRE_EQUAL(list.size(), 2u);
  CAF_CHECK_EQUAL(list[0]["trigger"], "on_demand");
  CAF_CHECK_EQUAL(list[1]["filesRemoved"], 3);
  CAF_CHECK_EQUAL(list[1]["bytesFreed"], 4096);
  CAF_CHECK_EQUAL(list[1]["errors"][0], "delete /x: Permission denied");
  CAF_CHECK_EQUAL(store.cleanup_reports(1).size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
