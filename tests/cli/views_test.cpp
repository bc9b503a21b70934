#define CAF_SUITE cli_views
#include "caf/test/unit_test.hpp"

#include "cli/daemon_views.hpp"

using namespace siberius::cli;
using nlohmann::json;

namespace {

wall_clock::time_point now() { return *parse_iso8601("2024-05-01T12:00:00Z"); }

json two_daemons() {
  return json::parse(R"({"daemons":[
    {"id":1,"clientId":"office-sp","name":"Construtora São João","status":"online","blocked":false,
     "lastSeen":"2024-05-01T11:59:55Z","remoteAddr":"203.0.113.7","version":"1.2.0","pdfsIndexed":1234},
    {"id":2,"clientId":"office-rj","name":"Loja Centro","status":"offline","blocked":true,
     "lastSeen":null,"lastHeartbeat":"2024-05-01T09:30:00.5+00:00","remoteAddr":null,"version":null,
     "pdfsIndexed":0},
    {"id":3,"clientId":null,"name":"Nova","status":"offline","blocked":false}
  ]})");
}

} // namespace

CAF_TEST(daemons table) {
  std::string expected =
      "ID  NAME                  CLIENT ID  STATUS   REMOTE ADDR  VERSION  LAST SEEN  PDFS\n"
      " 1  Construtora São João  office-sp  online   203.0.113.7  1.2.0    5s ago     1234\n"
      " 2  Loja Centro           office-rj  blocked  -            -        2h ago        0\n"
      " 3  Nova                  -          offline  -            -        never         -\n";
  CAF_CHECK_EQUAL(render_daemons(two_daemons(), now()), expected);
}

CAF_TEST(no daemons gives a hint instead of an empty table) {
  CAF_CHECK_EQUAL(render_daemons(json::parse(R"({"daemons":[]})"), now()),
                  "No daemons registered yet. Create a token for one with:\n"
                  "  siberius-admin daemon-token create NAME\n");
}

CAF_TEST(a reply without daemons is an error not a crash) {
  for (const char* body : {R"({})", R"({"daemons":5})", R"([])", "null"}) {
    bool thrown = false;
    try {
      render_daemons(json::parse(body), now());
    } catch (const std::runtime_error& e) {
      thrown = true;
      CAF_CHECK_EQUAL(std::string(e.what()), "unexpected reply from the server: no \"daemons\" list");
    }
    CAF_CHECK(thrown);
  }
}

CAF_TEST(a daemon entry that is not an object is an error) {
  bool thrown = false;
  try {
    render_daemons(json::parse(R"({"daemons":[[{"name":"wrapped once too often"}]]})"), now());
  } catch (const std::runtime_error& e) {
    thrown = true;
    CAF_CHECK_EQUAL(std::string(e.what()), "unexpected reply from the server: daemon 0 is not an object");
  }
  CAF_CHECK(thrown);
}

CAF_TEST(health summary) {
  auto reply = json::parse(R"({
    "server":{"status":"ok","version":"0.1.0","uptime":7380,"memory":{"rssBytes":12897484},"timestamp":"2024-05-01T12:00:00Z"},
    "database":{"connected":true,"pdfs_cached":3,"pdfs_total":120},
    "daemons":{"total":1,"online":1,"offline":0,"list":[
      {"id":1,"clientId":"office-sp","name":"Sede","status":"online","blocked":false,"lastSeen":"2024-05-01T11:59:00Z",
       "remoteAddr":"127.0.0.1","version":"1.0.0","pdfsIndexed":120}]}})");
  std::string expected =
      "SERVICE   STATE\n"
      "server    ok, version 0.1.0, up 2h 3m, RSS 12.3 MiB\n"
      "database  connected, 120 PDFs indexed, 3 cached on the server\n"
      "daemons   1 online, 0 offline, 1 total\n"
      "\n"
      "ID  NAME  CLIENT ID  STATUS  REMOTE ADDR  VERSION  LAST SEEN  PDFS\n"
      " 1  Sede  office-sp  online  127.0.0.1    1.0.0    1m ago      120\n";
  CAF_CHECK_EQUAL(render_health(reply, now()), expected);
  CAF_CHECK(health_is_ok(reply));
  reply["server"]["status"] = "healthy";
  CAF_CHECK(health_is_ok(reply));
  reply["server"]["status"] = "degraded";
  CAF_CHECK(!health_is_ok(reply));
  reply["server"]["status"] = "healthy";
  reply["database"]["connected"] = false;
  CAF_CHECK(!health_is_ok(reply));
  CAF_CHECK(render_health(reply, now()).find("database  NOT CONNECTED\n") != std::string::npos);
  CAF_CHECK(!health_is_ok(json::parse("{}")));
}

CAF_TEST(daemon named by id and client id) {
  CAF_CHECK_EQUAL(describe_daemon(json::parse(R"({"id":3,"clientId":"office-sp"})")), "daemon 3 (office-sp)");
  CAF_CHECK_EQUAL(describe_daemon(json::parse(R"({"id":4,"clientId":null})")), "daemon 4");
  CAF_CHECK_EQUAL(compact_settings(json::parse(R"({"autoUpload":false,"logLevel":"debug","scanIntervalSeconds":60})")),
                  "autoUpload=false logLevel=debug scanIntervalSeconds=60");
  CAF_CHECK_EQUAL(compact_settings(json::object()), "-");
  CAF_CHECK_EQUAL(compact_settings(json()), "-");
}

CAF_TEST(resync disconnect block and unblock confirmations) {
  CAF_CHECK_EQUAL(render_resync_started(json::parse(R"({"id":3,"clientId":"office-sp","ack":{"ok":true}})")),
                  "Resync acknowledged by daemon 3 (office-sp): it sends the server the list of every PDF in its "
                  "folder now.\n");
  CAF_CHECK_EQUAL(render_daemon_disconnected(json::parse(R"({"id":3,"clientId":"office-sp","disconnected":true})")),
                  "Disconnected daemon 3 (office-sp). It connects again by itself unless its token is revoked or the "
                  "daemon is blocked.\n");
  CAF_CHECK_EQUAL(render_daemon_blocked(json::parse(R"({"id":3,"clientId":"office-sp","blocked":true})")),
                  "Blocked daemon 3 (office-sp): it is disconnected and cannot connect until `siberius-admin daemons "
                  "unblock 3`.\n");
  CAF_CHECK_EQUAL(render_daemon_blocked(json::parse(R"({"id":3,"clientId":"office-sp","blocked":false})")),
                  "Unblocked daemon 3 (office-sp): it may connect again.\n");
}

CAF_TEST(config applied by the daemon or stored until it connects) {
  auto applied = json::parse(R"({"id":3,"clientId":"office-sp","config":{"logLevel":"debug","scanIntervalSeconds":60},
    "delivered":true,"ack":{"ok":true,"applied":{"logLevel":"debug"},"rejected":{"autoUpload":"expected true or false"}}})");
  CAF_CHECK_EQUAL(render_daemon_config(applied),
                  "Sent to daemon 3 (office-sp). It applied: logLevel=debug\n"
                  "It rejected: autoUpload=expected true or false\n"
                  "Settings the server sends it on connecting: logLevel=debug scanIntervalSeconds=60\n");
  auto stored = json::parse(R"({"id":3,"clientId":"office-sp","config":{"logLevel":"debug"},"delivered":false})");
  CAF_CHECK_EQUAL(render_daemon_config(stored),
                  "Stored for daemon 3 (office-sp), which is not connected: it gets the settings when it connects.\n"
                  "Settings the server sends it on connecting: logLevel=debug\n");
}
