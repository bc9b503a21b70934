#define CAF_SUITE storage_alerts
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "pg_fixture.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;
using nlohmann::json;

namespace {

struct fixture {
  pg_database db{"alerts"};
  metadata_store store{db.options()};

  alert_record alert(const std::string& id, const std::string& kind, std::int64_t raised_ms) {
    alert_record a;
    a.id = id;
    a.kind = kind;
    a.subject = "disk";
    a.severity = "critical";
    a.message = "free disk space below the floor";
    a.details = {{"freeBytes", 12}};
    a.raised_at_ms = raised_ms;
    return a;
  }

  void pdf(int n, const std::string& status, std::int64_t size) {
    store.create_daemon_token("Escritorio " + std::to_string(n), "office-" + std::to_string(n));
    db.sql("INSERT INTO pdf_cache (file_hash, filename, file_size, client_id, status) VALUES ('" + hex_hash(n) +
           "', 'f.pdf', " + std::to_string(size) + ", 'office-" + std::to_string(n) + "', '" + status + "')");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(storage_alerts_tests, fixture)

CAF_TEST(an alert is written once and its clear updates the same row) {
  auto a = alert("al-1", "disk_floor", 1777000000123);
  store.write_alerts({a});
  store.write_alerts({a}); // written again after a lost answer: still one row
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM alerts"), "1");
  CAF_CHECK_EQUAL(db.scalar("SELECT details->>'freeBytes' FROM alerts"), "12");
  CAF_CHECK_EQUAL(db.scalar("SELECT cleared_at IS NULL FROM alerts"), "t");
  a.cleared_at_ms = 1777000060456;
  store.write_alerts({a});
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM alerts"), "1");
  auto rows = store.recent_alerts(10);
  CAF_REQUIRE_EQUAL(rows.size(), 1u);
  CAF_CHECK_EQUAL(rows[0].raised_at_ms, 1777000000123);
  CAF_REQUIRE(rows[0].cleared_at_ms.has_value());
  CAF_CHECK_EQUAL(*rows[0].cleared_at_ms, 1777000060456);
  auto j = to_json(rows[0]);
  CAF_CHECK_EQUAL(j["raisedAt"], "2026-04-24T03:06:40.123Z");
  CAF_CHECK_EQUAL(j["kind"], "disk_floor");
}

CAF_TEST(recent alerts come newest first and start closes the open ones) {
  store.write_alerts({alert("al-a", "disk_floor", 1000), alert("al-b", "db_unreachable", 3000),
                      alert("al-c", "cache_capacity", 2000)});
  auto rows = store.recent_alerts(2);
  CAF_REQUIRE_EQUAL(rows.size(), 2u);
  CAF_CHECK_EQUAL(rows[0].id, "al-b");
  CAF_CHECK_EQUAL(rows[1].id, "al-c");
  CAF_CHECK_EQUAL(store.close_open_alerts(5000), 3);
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM alerts WHERE cleared_at IS NULL"), "0");
  CAF_CHECK_EQUAL(store.close_open_alerts(6000), 0);
}

CAF_TEST(cache totals count only cached copies) {
  CAF_CHECK_EQUAL(store.cache_totals(), json({{"bytes", 0}, {"files", 0}}));
  pdf(1, "cached", 1500);
  pdf(2, "cached", 500);
  pdf(3, "available_local", 9000);
  CAF_CHECK_EQUAL(store.cache_totals(), json({{"bytes", 2000}, {"files", 2}}));
  // Nothing is recorded: the monitor's samples stay the sampler's.
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM cache_usage_samples"), "0");
}

CAF_TEST_FIXTURE_SCOPE_END()
