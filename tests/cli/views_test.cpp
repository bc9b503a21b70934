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
      "NAME                  CLIENT ID  STATUS   REMOTE ADDR  VERSION  LAST SEEN  PDFS\n"
      "Construtora São João  office-sp  online   203.0.113.7  1.2.0    5s ago     1234\n"
      "Loja Centro           office-rj  blocked  -            -        2h ago        0\n"
      "Nova                  -          offline  -            -        never         -\n";
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

CAF_TEST(created token bound to a client id) {
  auto out = render_created_daemon_token(
      json::parse(R"({"id":7,"name":"Escritório","clientId":"office-sp","token":"0123456789abcdef.)" +
                  std::string(64, 'a') + R"("})"));
  std::string token = "0123456789abcdef." + std::string(64, 'a');
  std::string expected = "Daemon token created for \"Escritório\" (id 7).\n"
                         "It is shown only this once: the server keeps only its hash.\n\n"
                         "  " + token + "\n\n"
                         "Put it in the daemon's .env file:\n\n"
                         "  DAEMON_TOKEN=" + token + "\n"
                         "  CLIENT_ID=office-sp\n";
  CAF_CHECK_EQUAL(out, expected);
}

CAF_TEST(created token not yet bound) {
  auto out = render_created_daemon_token(json::parse(R"({"id":8,"name":"x","clientId":null,"token":"t.s"})"));
  CAF_CHECK(out.find("  DAEMON_TOKEN=t.s\n") != std::string::npos);
  CAF_CHECK(out.find("CLIENT_ID=") == std::string::npos);
  CAF_CHECK(out.find("bound to the CLIENT_ID of the first daemon that connects") != std::string::npos);
  bool thrown = false;
  try {
    render_created_daemon_token(json::parse(R"({"id":8,"name":"x"})"));
  } catch (const std::runtime_error&) {
    thrown = true;
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
      "NAME  CLIENT ID  STATUS  REMOTE ADDR  VERSION  LAST SEEN  PDFS\n"
      "Sede  office-sp  online  127.0.0.1    1.0.0    1m ago      120\n";
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
