#define CAF_SUITE storage_daemons
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "pg_fixture.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;
using nlohmann::json;

namespace {

json heartbeat() {
  return json{{"publicAddr", "198.51.100.4"}, {"localAddr", "192.168.0.10"}, {"version", "1.4.0"},
              {"runtime", "node v20.11.0"}, {"platform", "win32"}, {"hostname", "ESCRITORIO-PC"},
              {"uptimeSeconds", 3600}, {"memoryBytes", 52428800},
              {"counters", {{"indexed", 10}, {"uploaded", 2}}}};
}

/// Heartbeats as the daemon sessions hand them over.
std::vector<daemon_heartbeat> beats(const std::vector<std::pair<std::string, json>>& sent) {
  std::vector<daemon_heartbeat> out;
  for (const auto& [client_id, payload] : sent)
    out.push_back(daemon_heartbeat::from(client_id, payload));
  return out;
}

struct fixture {
  pg_database db{"dmn"};
  metadata_store store{db.options()};
  std::string token;

  fixture() {
    token = store.create_daemon_token("Escritorio", std::string("office")).token;
    store.create_daemon_token("Filial", std::string("branch"));
  }

  std::string office(const std::string& col) {
    return db.scalar("SELECT " + col + " FROM daemon_clients WHERE client_id = 'office'");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(daemon_tests, fixture)

CAF_TEST(heartbeats of several daemons fill the typed columns) {
  auto branch = heartbeat();
  branch["hostname"] = "FILIAL";
  store.store_heartbeats(beats({{"office", heartbeat()}, {"branch", branch}, {"nobody", heartbeat()}}));
  CAF_CHECK_EQUAL(office("remote_addr"), "198.51.100.4");
  CAF_CHECK_EQUAL(office("local_addr"), "192.168.0.10");
  CAF_CHECK_EQUAL(office("daemon_version"), "1.4.0");
  CAF_CHECK_EQUAL(office("runtime"), "node v20.11.0");
  CAF_CHECK_EQUAL(office("platform"), "win32");
  CAF_CHECK_EQUAL(office("hostname"), "ESCRITORIO-PC");
  CAF_CHECK_EQUAL(office("uptime_seconds"), "3600");
  CAF_CHECK_EQUAL(office("memory_bytes"), "52428800");
  CAF_CHECK_EQUAL(office("metadata->'counters'->>'uploaded'"), "2");
  CAF_CHECK_EQUAL(office("last_heartbeat > now() - interval '1 minute' AND last_seen = last_heartbeat"), "t");
  CAF_CHECK_EQUAL(db.scalar("SELECT hostname FROM daemon_clients WHERE client_id = 'branch'"), "FILIAL");
}

CAF_TEST(bad heartbeat fields are ignored not fatal) {
  store.store_heartbeats(beats({{"office", heartbeat()}}));
  auto bad = heartbeat();
  bad["hostname"] = std::string(300, 'h');
  bad["uptimeSeconds"] = -5;
  bad["memoryBytes"] = "lots";
  bad["platform"] = 42;
  bad["version"] = std::string("1.5\0x", 5);
  bad["localAddr"] = "10.0.0.2";
  store.store_heartbeats(beats({{"office", bad}}));
  CAF_CHECK_EQUAL(office("hostname"), "ESCRITORIO-PC");
  CAF_CHECK_EQUAL(office("uptime_seconds"), "3600");
  CAF_CHECK_EQUAL(office("memory_bytes"), "52428800");
  CAF_CHECK_EQUAL(office("platform"), "win32");
  CAF_CHECK_EQUAL(office("daemon_version"), "1.4.0");
  CAF_CHECK_EQUAL(office("local_addr"), "10.0.0.2");
  // a heartbeat that is not an object still counts as a sign of life
  store.store_heartbeats(beats({{"office", json("alive")}, {"office", json::array()}}));
  CAF_CHECK_EQUAL(office("hostname"), "ESCRITORIO-PC");
  store.store_heartbeats({});
}

CAF_TEST(the latest of two beats from one daemon wins) {
  auto older = heartbeat();
  auto newer = heartbeat();
  newer["uptimeSeconds"] = 3630;
  store.store_heartbeats(beats({{"office", older}, {"office", newer}}));
  CAF_CHECK_EQUAL(office("uptime_seconds"), "3630");
}

CAF_TEST(a heartbeat that cannot be stored whole keeps its typed fields) {
  auto big = heartbeat();
  big["counters"]["log"] = std::string(20000, 'x');
  store.store_heartbeats(beats({{"office", big}}));
  CAF_CHECK_EQUAL(office("metadata::text"), R"({"truncated": true})");
  CAF_CHECK_EQUAL(office("hostname"), "ESCRITORIO-PC");
  auto nul = heartbeat();
  nul["hostname"] = "PC2";
  nul["note"] = std::string("a\0b", 3);
  store.store_heartbeats(beats({{"office", nul}}));
  CAF_CHECK_EQUAL(office("metadata::text"), R"({"truncated": true})");
  CAF_CHECK_EQUAL(office("hostname"), "PC2");
}

CAF_TEST(a thousand daemons beating at once are all written) {
  std::vector<std::pair<std::string, json>> sent;
  for (int i = 0; i < 1000; ++i) {
    auto id = "many-" + std::to_string(i);
    store.create_daemon_token("Loja " + std::to_string(i), id);
    auto b = heartbeat();
    b["uptimeSeconds"] = i;
    sent.emplace_back(id, b);
  }
  store.store_heartbeats(beats(sent));
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM daemon_clients WHERE client_id LIKE 'many-%'"
                            " AND last_heartbeat IS NOT NULL AND uptime_seconds = substr(client_id, 6)::bigint"),
                  "1000");
}

CAF_TEST(daemon events keep the newest two hundred) {
  for (int i = 0; i < 230; ++i)
    store.store_daemon_event("office", "error", json{{"message", "falha " + std::to_string(i)}});
  store.store_daemon_event("branch", "warn", json{{"message", "disco cheio"}});
  store.store_daemon_event("nobody", "error", json{{"message", "ignored"}});
  auto office_id = office("id");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM daemon_events WHERE daemon_id = " + office_id), "200");
  CAF_CHECK_EQUAL(db.scalar("SELECT min(event->>'message') FILTER (WHERE id = (SELECT min(id) FROM daemon_events"
                            " WHERE daemon_id = " + office_id + ")) FROM daemon_events"),
                  "falha 30");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM daemon_events"), "201");
  CAF_CHECK_EQUAL(db.scalar("SELECT level FROM daemon_events WHERE event->>'message' = 'disco cheio'"), "warn");
}

CAF_TEST(list_daemons uses the admin views keys) {
  CAF_REQUIRE(store.authenticate_daemon(token, "office", "1.4.0", "203.0.113.5").status == auth_status::ok);
  store.store_heartbeats(beats({{"office", heartbeat()}}));
  auto list = store.list_daemons();
  CAF_REQUIRE(list.is_array());
  CAF_REQUIRE_EQUAL(list.size(), 2u);
  std::vector<std::string> keys = {"id", "clientId", "name", "status", "blocked", "lastSeen", "lastHeartbeat",
                                   "connectedAt", "disconnectedAt", "remoteAddr", "localAddr", "version",
                                   "runtime", "platform", "hostname", "pdfsIndexed", "pdfsUploaded",
                                   "lastPdfIndexed", "lastSyncAt", "uptimeSeconds", "memoryBytes", "latencyMs"};
  for (const auto& d : list) {
    CAF_CHECK_EQUAL(d.size(), keys.size());
    for (const auto& k : keys)
      CAF_CHECK(d.contains(k));
  }
  const auto& o = list[0];
  CAF_CHECK_EQUAL(o["clientId"], "office");
  CAF_CHECK_EQUAL(o["name"], "Escritorio");
  CAF_CHECK_EQUAL(o["status"], "online");
  CAF_CHECK_EQUAL(o["blocked"], false);
  CAF_CHECK_EQUAL(o["hostname"], "ESCRITORIO-PC");
  CAF_CHECK_EQUAL(o["remoteAddr"], "198.51.100.4");
  CAF_CHECK_EQUAL(o["pdfsIndexed"], 0);
  CAF_CHECK_EQUAL(o["uptimeSeconds"], 3600);
  CAF_CHECK(o["disconnectedAt"].is_null());
  CAF_CHECK(o["lastSyncAt"].is_null());
  auto seen = o["lastSeen"].get<std::string>();
  CAF_CHECK_EQUAL(seen.size(), 20u);
  CAF_CHECK_EQUAL(seen.back(), 'Z');
  CAF_CHECK_EQUAL(seen[10], 'T');
  CAF_CHECK_EQUAL(list[1]["status"], "offline");
  CAF_CHECK(list[1]["lastSeen"].is_null());
}

CAF_TEST(offline marking and the restart reset) {
  CAF_REQUIRE(store.authenticate_daemon(token, "office", "1", "::1").status == auth_status::ok);
  store.mark_offline("office");
  CAF_CHECK_EQUAL(office("status"), "offline");
  CAF_CHECK_EQUAL(office("disconnected_at IS NOT NULL"), "t");
  CAF_REQUIRE(store.authenticate_daemon(token, "office", "1", "::1").status == auth_status::ok);
  store.reset_online_daemons();
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM daemon_clients WHERE status = 'online'"), "0");
  CAF_CHECK_EQUAL(office("disconnected_at >= connected_at"), "t");
}

CAF_TEST(a late offline from an earlier connection leaves a reconnected daemon online) {
  auto first = store.authenticate_daemon(token, "office", "1", "::1");
  CAF_REQUIRE(first.status == auth_status::ok);
  CAF_CHECK(!first.daemon.connected_at.empty());
  CAF_CHECK(first.daemon.token_id > 0);
  auto second = store.authenticate_daemon(token, "office", "1", "::1");
  CAF_REQUIRE(second.status == auth_status::ok);
  CAF_REQUIRE_NOT_EQUAL(first.daemon.connected_at, second.daemon.connected_at);
  store.mark_offline("office", first.daemon.connected_at);
  CAF_CHECK_EQUAL(office("status"), "online");
  store.mark_offline("office", second.daemon.connected_at);
  CAF_CHECK_EQUAL(office("status"), "offline");
}

CAF_TEST(database stats count cached and total pdfs) {
  auto stats = store.database_stats();
  CAF_CHECK_EQUAL(stats, (json{{"connected", true}, {"pdfs_cached", 0}, {"pdfs_total", 0}}));
  std::vector<std::pair<std::string, pdf_document>> batch;
  for (int i = 1; i <= 3; ++i) {
    pdf_document d;
    d.file_hash = hex_hash(i);
    d.filename = "f.pdf";
    d.file_path = "/docs/f.pdf";
    d.tipo = "desconhecido";
    batch.emplace_back("office", d);
  }
  store.ingest(batch);
  db.sql("UPDATE pdf_cache SET status = 'cached' WHERE file_hash = '" + hex_hash(2) + "'");
  stats = store.database_stats();
  CAF_CHECK_EQUAL(stats, (json{{"connected", true}, {"pdfs_cached", 1}, {"pdfs_total", 3}}));
}

CAF_TEST_FIXTURE_SCOPE_END()
