#define CAF_SUITE cli_app
#include "caf/test/unit_test.hpp"

#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli_runner.hpp"
#include "fake_server.hpp"
#include "../support/temp_dir.hpp"

using namespace siberius::cli;
using siberius::testing::canned_reply;
using siberius::testing::closed_port;
using siberius::testing::fake_http_server;
using siberius::testing::run;
using siberius::testing::temp_dir;

namespace {

const std::string daemons_body = R"({"daemons":[{"id":1,"clientId":"office-sp","name":"Construtora São João",
  "status":"online","blocked":false,"lastSeen":null,"remoteAddr":"127.0.0.1","version":"1.0.0","pdfsIndexed":3}]})";

} // namespace

CAF_TEST(help on every command exits 0) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"--help"}, {"daemons", "--help"}, {"daemons", "list", "--help"}, {"daemon-token", "--help"},
           {"daemon-token", "create", "--help"}, {"health", "--help"}, {"login", "--help"}, {"logout", "--help"},
           {"whoami", "--help"}, {"users", "--help"}, {"users", "list", "--help"}, {"users", "add", "--help"},
           {"users", "passwd", "--help"}, {"users", "disable", "--help"}, {"users", "enable", "--help"},
           {"pdf", "--help"}, {"pdf", "search", "--help"}, {"pdf", "status", "--help"}, {"pdf", "request", "--help"},
           {"pdf", "download", "--help"}, {"atendimentos", "--help"}, {"atendimentos", "list", "--help"},
           {"atendimentos", "show", "--help"}, {"atendimentos", "create", "--help"},
           {"atendimentos", "assign", "--help"}, {"atendimentos", "escalar", "--help"},
           {"daemon-token", "list", "--help"}, {"daemon-token", "rotate", "--help"},
           {"daemon-token", "revoke", "--help"}, {"daemons", "show", "--help"}, {"daemons", "resync", "--help"},
           {"daemons", "disconnect", "--help"}, {"daemons", "block", "--help"}, {"daemons", "unblock", "--help"},
           {"daemons", "config", "--help"}, {"api-token", "--help"}, {"api-token", "list", "--help"},
           {"api-token", "create", "--help"}, {"api-token", "revoke", "--help"}}) {
    auto o = run(args);
    CAF_CHECK_EQUAL(o.code, 0);
    CAF_CHECK(o.out.find("Usage: siberius-admin") != std::string::npos);
  }
  auto top = run({"--help"});
  CAF_CHECK(top.out.find("Exit codes: 0 ok") != std::string::npos);
  CAF_CHECK(top.out.find("6 conflict (HTTP 409") != std::string::npos);
  CAF_CHECK(top.out.find("7 rate limited (HTTP 429") != std::string::npos);
  CAF_CHECK(top.out.find("--session-file") != std::string::npos);
  CAF_CHECK(run({"daemon-token", "create", "--help"}).out.find("--client-id") != std::string::npos);
}

CAF_TEST(usage errors exit 2) {
  auto none = run({});
  CAF_CHECK_EQUAL(none.code, 2);
  CAF_CHECK_EQUAL(none.err, "siberius-admin: no command given; see --help\n");
  auto typo = run({"deamons"});
  CAF_CHECK_EQUAL(typo.code, 2);
  CAF_CHECK(typo.err.find("deamons") != std::string::npos);
  CAF_CHECK_EQUAL(run({"daemon-token"}).code, 2);
  CAF_CHECK_EQUAL(run({"daemon-token", "create"}).code, 2);
  CAF_CHECK_EQUAL(run({"daemon-token", "create", ""}).code, 2);
  CAF_CHECK_EQUAL(run({"daemons", "--timeout", "soon"}).code, 2);
  auto bad_url = run({"daemons", "--server", "localhost:8080", "--token", "t"});
  CAF_CHECK_EQUAL(bad_url.code, 2);
  CAF_CHECK_EQUAL(bad_url.err, "siberius-admin: invalid server URL \"localhost:8080\": expected "
                               "http://HOST[:PORT] or https://HOST[:PORT]\n");
  temp_dir dir;
  auto missing = run({"daemons", "--credentials", dir.path() + "/nope.json"});
  CAF_CHECK_EQUAL(missing.code, 2);
  CAF_CHECK(missing.err.find("cannot read credentials file") != std::string::npos);
}

CAF_TEST(no token exits 3 before any request) {
  temp_dir dir;
  auto o = run({"daemons", "--server", "http://127.0.0.1:1", "--credentials",
                dir.write("c.json", R"({"url":"http://127.0.0.1:1"})")});
  CAF_CHECK_EQUAL(o.code, 3);
  CAF_CHECK(o.err.find("siberius-admin: no token: run `siberius-admin login`") == 0);
}

CAF_TEST(unreachable server exits 5) {
  auto port = closed_port();
  auto o = run({"daemons", "--server", "http://127.0.0.1:" + std::to_string(port), "--token", "t"});
  CAF_CHECK_EQUAL(o.code, 5);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: cannot connect to http://127.0.0.1:" + std::to_string(port) +
                             ": Connection refused\n");
}

CAF_TEST(daemons lists with the bearer token from the environment) {
  fake_http_server server({{200, daemons_body}, {200, daemons_body}});
  auto o = run({"daemons"}, {{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_TOKEN", "env-token"}});
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.err, "");
  CAF_CHECK(o.out.find("Construtora São João  office-sp  online") != std::string::npos);
  auto j = run({"daemons", "list", "--json"}, {{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_TOKEN", "env-token"}});
  CAF_CHECK_EQUAL(j.code, 0);
  CAF_CHECK_EQUAL(nlohmann::json::parse(j.out), nlohmann::json::parse(daemons_body));
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  for (const auto& r : reqs) {
    CAF_CHECK_EQUAL(r.method, "GET");
    CAF_CHECK_EQUAL(r.target, "/api/admin/daemons");
    CAF_CHECK_EQUAL(r.authorization, "Bearer env-token");
    CAF_CHECK_EQUAL(r.host, "127.0.0.1:" + std::to_string(server.port()));
  }
}

CAF_TEST(daemon token create posts name and client id) {
  std::string token = "0123456789abcdef." + std::string(64, 'f');
  fake_http_server server({{201, R"({"id":4,"name":"Sede","clientId":"office-sp","token":")" + token + "\"}"},
                           {201, R"({"id":5,"name":"Filial","clientId":null,"token":"x.y"})"}});
  auto o = run({"--server", server.url(), "--token", "admin", "daemon-token", "create", "Sede", "--client-id",
                "office-sp"});
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("DAEMON_TOKEN=" + token + "\n") != std::string::npos);
  CAF_CHECK(o.out.find("CLIENT_ID=office-sp\n") != std::string::npos);
  CAF_CHECK(o.out.find("shown only this once") != std::string::npos);
  auto j = run({"--server", server.url(), "--token", "admin", "--json", "daemon-token", "create", "Filial"});
  CAF_CHECK_EQUAL(j.code, 0);
  auto created = nlohmann::json::parse(j.out);
  CAF_CHECK_EQUAL(created["token"], "x.y");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/daemon-tokens");
  CAF_CHECK_EQUAL(reqs[0].content_type, "application/json");
  CAF_CHECK_EQUAL(nlohmann::json::parse(reqs[0].body), (nlohmann::json{{"name", "Sede"}, {"clientId", "office-sp"}}));
  CAF_CHECK_EQUAL(nlohmann::json::parse(reqs[1].body), (nlohmann::json{{"name", "Filial"}}));
}

CAF_TEST(server errors map to messages and exit codes) {
  fake_http_server server({{401, R"({"error":"invalid or missing token","code":"unauthorized"})"},
                           {403, R"({"error":"admin role required","code":"forbidden"})"},
                           {404, R"({"error":"no such route","code":"not_found"})"},
                           {503, R"({"error":"database unavailable","code":"database_unavailable"})"},
                           {413, R"({"error":"body too large","code":"payload_too_large"})"},
                           {200, "<html>a proxy page</html>", "text/html"}});
  std::map<std::string, std::string> env{{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_TOKEN", "wrong"}};
  auto o = run({"daemons"}, env);
  CAF_CHECK_EQUAL(o.code, 3);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: invalid or missing token (HTTP 401)\n");
  CAF_CHECK_EQUAL(o.out, "");
  o = run({"daemons"}, env);
  CAF_CHECK_EQUAL(o.code, 3);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: admin role required (HTTP 403)\n");
  o = run({"daemons"}, env);
  CAF_CHECK_EQUAL(o.code, 4);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: no such route (HTTP 404)\n");
  o = run({"daemons"}, env);
  CAF_CHECK_EQUAL(o.code, 5);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: database unavailable (HTTP 503)\n");
  o = run({"daemon-token", "create", "x"}, env);
  CAF_CHECK_EQUAL(o.code, 1);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: body too large (HTTP 413)\n");
  o = run({"daemons"}, env);
  CAF_CHECK_EQUAL(o.code, 5);
  CAF_CHECK(o.err.find("not JSON") != std::string::npos);
}

CAF_TEST(health exit code follows the database) {
  std::string healthy = R"({"server":{"status":"ok","version":"0.1.0","uptime":5,"memory":{"rssBytes":1000}},
    "database":{"connected":true,"pdfs_cached":0,"pdfs_total":0},"daemons":{"total":0,"online":0,"offline":0,"list":[]}})";
  auto degraded = nlohmann::json::parse(healthy);
  degraded["database"]["connected"] = false;
  fake_http_server server({{200, healthy}, {200, degraded.dump()}, {503, degraded.dump()}});
  std::map<std::string, std::string> env{{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_TOKEN", "t"}};
  auto o = run({"health"}, env);
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("server    ok, version 0.1.0, up 5s") != std::string::npos);
  o = run({"health"}, env);
  CAF_CHECK_EQUAL(o.code, 5);
  CAF_CHECK(o.out.find("database  NOT CONNECTED") != std::string::npos);
  o = run({"health", "--json"}, env);
  CAF_CHECK_EQUAL(o.code, 5);
  CAF_CHECK_EQUAL(nlohmann::json::parse(o.out), degraded);
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 3u);
  CAF_CHECK_EQUAL(reqs[0].target, "/health/detailed");
}

CAF_TEST(timeout bounds a silent server) {
  // Accepts but never answers: the listen backlog completes the TCP handshake.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto started = std::chrono::steady_clock::now();
  auto o = run({"daemons", "--timeout", "0.3", "--token", "t", "--server",
                "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port())});
  auto took = std::chrono::steady_clock::now() - started;
  CAF_CHECK_EQUAL(o.code, 5);
  CAF_CHECK(o.err.find("timed out (see --timeout)") != std::string::npos);
  CAF_CHECK(took < std::chrono::seconds(3));
}
