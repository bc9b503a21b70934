#define CAF_SUITE cli_daemon_detail_view
#include "caf/test/unit_test.hpp"

#include "cli/daemon_detail_view.hpp"
#include "cli_runner.hpp"

using namespace siberius::cli;
using siberius::testing::scoped_tz;
using nlohmann::json;

namespace {

wall_clock::time_point now() { return *parse_iso8601("2024-05-01T12:00:00Z"); }

json office() {
  return json::parse(R"({"id":3,"clientId":"office-sp","name":"Construtora São João","status":"online",
    "blocked":false,"lastSeen":"2024-05-01T11:59:55Z","lastHeartbeat":"2024-05-01T11:59:30Z",
    "connectedAt":"2024-05-01T09:00:00Z","disconnectedAt":null,"remoteAddr":"203.0.113.7",
    "localAddr":"192.168.0.10","version":"1.4.0","runtime":"node 20.11.1","platform":"win32 x64",
    "hostname":"ESCRITORIO-01","pdfsIndexed":120,"pdfsUploaded":4,"lastPdfIndexed":"2024-05-01T11:00:00Z",
    "lastSyncAt":"2024-05-01T09:00:05Z","uptimeSeconds":86400,"memoryBytes":73400320,
    "config":{"logLevel":"debug"},"createdAt":"2024-04-01T10:00:00Z",
    "heartbeat":{"version":"1.4.0","counters":{"indexed":120,"uploaded":4,"errors":1,"queued":0,
                 "reconnections":2,"uploadsFailed":1,"avgUploadBytesPerSecond":2621440,"avgParseMs":42.5},
                 "config":{"scanIntervalSeconds":300,"logLevel":"debug","autoUpload":false}},
    "tokens":[{"id":1,"daemonId":3,"clientId":"office-sp","name":"Construtora São João","publicId":"0123456789abcdef",
               "state":"expiring","createdAt":"2024-04-01T10:00:00Z","expiresAt":"2024-05-02T12:00:00Z","revokedAt":null},
              {"id":7,"daemonId":3,"clientId":"office-sp","name":"Construtora São João","publicId":"fedcba9876543210",
               "state":"active","createdAt":"2024-05-01T12:00:00Z","expiresAt":null,"revokedAt":null}],
    "pdfs":{"total":120,"availableLocal":110,"uploading":1,"cached":6,"expired":2,"missing":1},
    "recentEvents":[
      {"at":"2024-05-01T11:58:00Z","level":"warn","event":{"ts":"2024-05-01T11:57:59.900Z","level":"warn",
       "event":"pdf:broken","problem":"encrypted","source":"daemon:log"}},
      {"at":"2024-05-01T11:30:00Z","level":"error","event":{"code":"file_missing","message":"no file with that hash",
       "requestId":"req-1"}},
      {"at":"2024-05-01T11:00:00Z","level":"info","event":{"count":2}}]})");
}

} // namespace

CAF_TEST(daemon detail shows fields pdfs tokens and events) {
  scoped_tz utc("UTC0");
  std::string expected =
      "id                     3\n"
      "name                   Construtora São João\n"
      "client id              office-sp\n"
      "status                 online\n"
      "blocked                no\n"
      "last seen              5s ago (2024-05-01 11:59)\n"
      "last heartbeat         30s ago (2024-05-01 11:59)\n"
      "connected at           2024-05-01 09:00\n"
      "disconnected at        -\n"
      "remote addr            203.0.113.7\n"
      "local addr             192.168.0.10\n"
      "hostname               ESCRITORIO-01\n"
      "version                1.4.0\n"
      "runtime                node 20.11.1\n"
      "platform               win32 x64\n"
      "uptime                 1d 0h\n"
      "memory                 70.0 MiB\n"
      "counters               errors 1, indexed 120, queued 0, uploaded 4\n"
      "reconnections          2\n"
      "uploads failed         1\n"
      "avg upload speed       2.5 MiB/s\n"
      "avg read time          42.5 ms\n"
      "PDFs indexed           120\n"
      "PDFs uploaded          4\n"
      "last PDF indexed       2024-05-01 11:00\n"
      "last sync              2024-05-01 09:00\n"
      "settings in use        autoUpload=false logLevel=debug scanIntervalSeconds=300\n"
      "settings set by admin  logLevel=debug\n"
      "created                2024-04-01 10:00\n"
      "\n"
      "PDFs: 120 in all: 110 only in the office, 1 uploading, 6 cached on the server, 2 expired, 1 missing\n"
      "\n"
      "Tokens:\n"
      "TOKEN ID  PUBLIC ID         STATE     CREATED           EXPIRES           REVOKED\n"
      "       1  0123456789abcdef  expiring  2024-04-01 10:00  2024-05-02 12:00  -\n"
      "       7  fedcba9876543210  active    2024-05-01 12:00  -                 -\n"
      "\n"
      "Recent events, newest first:\n"
      "TIME              LEVEL  EVENT                   DETAILS\n"
      "2024-05-01 11:58  warn   pdf:broken              "
      "{\"problem\":\"encrypted\",\"source\":\"daemon:log\",\"ts\":\"2024-05-01T11:57:59.900Z\"}\n"
      "2024-05-01 11:30  error  no file with that hash  {\"code\":\"file_missing\",\"requestId\":\"req-1\"}\n"
      "2024-05-01 11:00  info   -                       {\"count\":2}\n";
  CAF_CHECK_EQUAL(render_daemon_detail(office(), now()), expected);
}

CAF_TEST(daemon detail shows the newest 20 events) {
  scoped_tz utc("UTC0");
  auto d = office();
  d["recentEvents"] = json::array();
  for (int i = 0; i < 50; ++i)
    d["recentEvents"].push_back({{"at", "2024-05-01T11:00:00Z"}, {"level", "warn"},
                                 {"event", {{"event", "e" + std::to_string(i)}}}});
  auto out = render_daemon_detail(d, now());
  CAF_CHECK(out.find("Recent events, newest first (20 of 50; all of them with --json):\n") != std::string::npos);
  CAF_CHECK(out.find("  e19\n") != std::string::npos);
  CAF_CHECK(out.find("  e20\n") == std::string::npos);
}

CAF_TEST(a daemon never connected has no tokens or events to show) {
  auto d = json::parse(R"({"id":4,"clientId":null,"name":"Nova","status":"offline","blocked":true,"config":{},
    "heartbeat":null,"tokens":[],"pdfs":{"total":0,"availableLocal":0,"uploading":0,"cached":0,"expired":0,
    "missing":0},"recentEvents":[],"createdAt":"2024-05-01T10:00:00Z"})");
  auto out = render_daemon_detail(d, now());
  CAF_CHECK(out.find("client id              -\n") != std::string::npos);
  CAF_CHECK(out.find("blocked                yes\n") != std::string::npos);
  CAF_CHECK(out.find("last seen              never\n") != std::string::npos);
  CAF_CHECK(out.find("settings in use        -\n") != std::string::npos);
  CAF_CHECK(out.find("reconnections          -\n") != std::string::npos);
  CAF_CHECK(out.find("avg upload speed       -\n") != std::string::npos);
  CAF_CHECK(out.find("Tokens: none. Give it one with `siberius-admin daemon-token rotate DAEMON`.\n") !=
            std::string::npos);
  CAF_CHECK(out.find("Recent events: none.\n") != std::string::npos);
}

CAF_TEST(a reply that is not a daemon is an error) {
  for (const char* body : {"{}", "[]", "null", R"({"daemons":[]})"}) {
    bool thrown = false;
    try {
      render_daemon_detail(json::parse(body), now());
    } catch (const std::runtime_error& e) {
      thrown = std::string(e.what()) == "unexpected reply from the server: not a daemon";
    }
    CAF_CHECK(thrown);
  }
}
