// daemons show / resync / disconnect / block / unblock / config against the
// scripted server: the requests sent, the output and the exit codes.
#define CAF_SUITE cli_daemon_commands
#include "caf/test/unit_test.hpp"

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "fake_server.hpp"

using namespace siberius::testing;
using nlohmann::json;

namespace {

const std::string daemons_body = R"({"daemons":[
  {"id":1,"clientId":"demo-office","name":"demo office daemon","status":"offline","blocked":false},
  {"id":3,"clientId":"office-sp","name":"Construtora São João","status":"online","blocked":false}]})";

const std::string detail_body = R"({"id":3,"clientId":"office-sp","name":"Construtora São João","status":"online",
  "blocked":false,"config":{},"heartbeat":null,"tokens":[],"recentEvents":[],"createdAt":"2024-05-01T10:00:00Z",
  "pdfs":{"total":0,"availableLocal":0,"uploading":0,"cached":0,"expired":0,"missing":0}})";

const std::string not_connected = R"({"error":"daemon 3 is not connected","code":"not_connected"})";

std::map<std::string, std::string> env_for(const fake_http_server& server) {
  return {{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_TOKEN", "admin-token"}};
}

} // namespace

CAF_TEST(show takes a numeric id as it is) {
  fake_http_server server({{200, detail_body}, {200, detail_body}});
  auto o = run({"daemons", "show", "3"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.err, "");
  CAF_CHECK_EQUAL(o.out.find("id                     3\n"), 0u);
  CAF_CHECK(o.out.find("name                   Construtora São João\n") != std::string::npos);
  CAF_CHECK(o.out.find("PDFs: 0 in all") != std::string::npos);
  auto j = run({"daemons", "show", "3", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(j.code, 0);
  CAF_CHECK_EQUAL(json::parse(j.out), json::parse(detail_body));
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].method, "GET");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/daemons/3");
  CAF_CHECK_EQUAL(reqs[0].authorization, "Bearer admin-token");
}

CAF_TEST(show looks a client id up in the daemon list) {
  fake_http_server server({{200, daemons_body}, {200, detail_body}});
  auto o = run({"daemons", "show", "office-sp"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/daemons");
  CAF_CHECK_EQUAL(reqs[1].target, "/api/admin/daemons/3");
}

CAF_TEST(an unknown client id exits 4 without sending anything) {
  fake_http_server server({{200, daemons_body}, {200, daemons_body}, {200, daemons_body}, {200, daemons_body}});
  auto o = run({"daemons", "resync", "office-rj"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 4);
  CAF_CHECK_EQUAL(o.out, "");
  CAF_CHECK_EQUAL(o.err, "siberius-admin: no daemon with client id \"office-rj\"; see `siberius-admin daemons list`\n");
  CAF_CHECK_EQUAL(run({"daemons", "block", "office-rj"}, env_for(server)).code, 4);
  CAF_CHECK_EQUAL(run({"daemons", "config", "office-rj", "--log-level", "info"}, env_for(server)).code, 4);
  CAF_CHECK_EQUAL(run({"daemon-token", "rotate", "office-rj"}, env_for(server)).code, 4);
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 4u);
  for (const auto& r : reqs) {
    CAF_CHECK_EQUAL(r.method, "GET");
    CAF_CHECK_EQUAL(r.target, "/api/admin/daemons");
  }
}

CAF_TEST(an unknown daemon id is the server 404) {
  fake_http_server server({{404, R"({"error":"no daemon with id 99","code":"not_found"})"}});
  auto o = run({"daemons", "show", "99"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 4);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: no daemon with id 99 (HTTP 404)\n");
}

CAF_TEST(resync sends the reason when given) {
  fake_http_server server({{200, R"({"id":3,"clientId":"office-sp","ack":{"ok":true}})"},
                           {200, daemons_body},
                           {200, R"({"id":3,"clientId":"office-sp","ack":{"ok":true}})"}});
  auto o = run({"daemons", "resync", "3", "--reason", "restored a backup"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Resync acknowledged by daemon 3 (office-sp): it sends the server the list of every PDF in "
                         "its folder now.\n");
  auto j = run({"daemons", "resync", "office-sp", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(j.code, 0);
  CAF_CHECK_EQUAL(json::parse(j.out), json::parse(R"({"id":3,"clientId":"office-sp","ack":{"ok":true}})"));
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 3u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/daemons/3/resync");
  CAF_CHECK_EQUAL(json::parse(reqs[0].body), (json{{"reason", "restored a backup"}}));
  CAF_CHECK_EQUAL(reqs[2].target, "/api/admin/daemons/3/resync");
  CAF_CHECK_EQUAL(json::parse(reqs[2].body), json::object());
}

CAF_TEST(resync of an offline daemon exits 6 and says so) {
  fake_http_server server({{409, not_connected}, {200, daemons_body}, {409, not_connected}});
  auto o = run({"daemons", "resync", "3"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 6);
  CAF_CHECK_EQUAL(o.out, "");
  CAF_CHECK_EQUAL(o.err, "siberius-admin: daemon 3 is not connected (offline): it reconciles with the server by "
                         "itself when it connects (HTTP 409)\n");
  o = run({"daemons", "resync", "office-sp"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 6);
  CAF_CHECK(o.err.find("daemon office-sp is not connected (offline)") != std::string::npos);
}

CAF_TEST(a daemon that does not answer in time exits 5) {
  fake_http_server server(
      {{504, R"({"error":"daemon 3 did not answer daemon:resync in 10 s","code":"daemon_timeout"})"},
       {504, R"({"error":"daemon 3 did not answer daemon:config_update in 10 s","code":"daemon_timeout"})"}});
  auto o = run({"daemons", "resync", "3"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 5);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: daemon 3 did not answer daemon:resync in 10 s (HTTP 504)\n");
  CAF_CHECK_EQUAL(run({"daemons", "config", "3", "--auto-upload", "true"}, env_for(server)).code, 5);
}

CAF_TEST(a daemon that refuses the command exits 1) {
  const std::string refused_config = R"({"id":3,"clientId":"office-sp","config":{"logLevel":"debug"},
    "delivered":true,"ack":{"ok":false,"applied":{},"rejected":{"logLevel":"not a setting the server can change"}}})";
  fake_http_server server(
      {{200, R"({"id":3,"clientId":"office-sp","ack":{"ok":false,"error":"not supported by this daemon"}})"},
       {200, refused_config},
       {200, refused_config}});
  auto o = run({"daemons", "resync", "3"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 1);
  CAF_CHECK_EQUAL(o.out, "");
  CAF_CHECK_EQUAL(o.err, "siberius-admin: daemon 3 refused the resync: not supported by this daemon\n");
  o = run({"daemons", "config", "3", "--log-level", "debug"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 1);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: daemon 3 applied none of the settings: {\"logLevel\":\"not a setting the "
                         "server can change\"} (the server keeps them and sends them again when the daemon "
                         "connects)\n");
  // Scripts still get the reply, ack included.
  o = run({"daemons", "config", "3", "--log-level", "debug", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 1);
  CAF_CHECK_EQUAL(json::parse(o.out), json::parse(refused_config));
}

CAF_TEST(disconnect posts without a body and 409 says the daemon is offline) {
  fake_http_server server({{200, R"({"id":3,"clientId":"office-sp","disconnected":true})"}, {409, not_connected}});
  auto o = run({"daemons", "disconnect", "3"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Disconnected daemon 3 (office-sp). It connects again by itself unless its token is revoked "
                         "or the daemon is blocked.\n");
  o = run({"daemons", "disconnect", "3"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 6);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: daemon 3 is not connected (offline): there is no connection to close "
                         "(HTTP 409)\n");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/daemons/3/disconnect");
  CAF_CHECK_EQUAL(reqs[0].body, "");
}

CAF_TEST(block and unblock post to the daemon) {
  fake_http_server server({{200, R"({"id":3,"clientId":"office-sp","status":"offline","blocked":true})"},
                           {200, daemons_body},
                           {200, R"({"id":3,"clientId":"office-sp","status":"offline","blocked":false})"}});
  auto o = run({"daemons", "block", "3"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Blocked daemon 3 (office-sp): it is disconnected and cannot connect until "
                         "`siberius-admin daemons unblock 3`.\n");
  o = run({"daemons", "unblock", "office-sp", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  auto unblocked = json::parse(o.out);
  CAF_CHECK_EQUAL(unblocked, json::parse(R"({"id":3,"clientId":"office-sp","status":"offline","blocked":false})"));
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 3u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/daemons/3/block");
  CAF_CHECK_EQUAL(reqs[2].target, "/api/admin/daemons/3/unblock");
}

CAF_TEST(config sends only the settings given) {
  fake_http_server server(
      {{200, R"({"id":3,"clientId":"office-sp","config":{"logLevel":"warn","scanIntervalSeconds":600},
                 "delivered":true,"ack":{"ok":true,"applied":{"logLevel":"warn","scanIntervalSeconds":600},
                 "rejected":{}}})"},
       {202, R"({"id":1,"clientId":"demo-office","config":{"autoUpload":false},"delivered":false})"}});
  auto o = run({"daemons", "config", "3", "--scan-interval", "600", "--log-level", "warn"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Sent to daemon 3 (office-sp). It applied: logLevel=warn scanIntervalSeconds=600\n"
                         "Settings the server sends it on connecting: logLevel=warn scanIntervalSeconds=600\n");
  o = run({"daemons", "config", "1", "--auto-upload", "false"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Stored for daemon 1 (demo-office), which is not connected: it gets the settings when it "
                         "connects.\nSettings the server sends it on connecting: autoUpload=false\n");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].method, "PUT");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/daemons/3/config");
  CAF_CHECK_EQUAL(json::parse(reqs[0].body), (json{{"scanIntervalSeconds", 600}, {"logLevel", "warn"}}));
  CAF_CHECK_EQUAL(json::parse(reqs[1].body), (json{{"autoUpload", false}}));
}

CAF_TEST(daemon argument errors exit 2 before any request) {
  fake_http_server server({});
  auto env = env_for(server);
  CAF_CHECK_EQUAL(run({"daemons", "show"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemons", "show", ""}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemons", "resync"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemons", "block"}, env).code, 2);
  auto nothing = run({"daemons", "config", "3"}, env);
  CAF_CHECK_EQUAL(nothing.code, 2);
  CAF_CHECK_EQUAL(nothing.err,
                  "siberius-admin: nothing to change: give --scan-interval, --log-level or --auto-upload\n");
  CAF_CHECK_EQUAL(run({"daemons", "config", "3", "--scan-interval", "4"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemons", "config", "3", "--scan-interval", "86401"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemons", "config", "3", "--log-level", "trace"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemons", "config", "3", "--auto-upload", "yes"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemons", "show", "3", "4"}, env).code, 2);
  CAF_CHECK(server.requests().empty());
}

CAF_TEST(daemon commands need an admin) {
  fake_http_server server({{403, R"({"error":"admin role required","code":"forbidden"})"},
                           {401, R"({"error":"invalid or expired token","code":"unauthorized"})"},
                           {403, R"({"error":"admin role required","code":"forbidden"})"}});
  auto o = run({"daemons", "show", "3"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 3);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: admin role required (HTTP 403)\n");
  CAF_CHECK_EQUAL(run({"daemons", "config", "3", "--log-level", "info"}, env_for(server)).code, 3);
  // The lookup of a client id is refused the same way.
  CAF_CHECK_EQUAL(run({"daemons", "disconnect", "office-sp"}, env_for(server)).code, 3);
}

CAF_TEST(an explicit timeout holds for commands that wait for the daemon) {
  // Accepts but never answers: the listen backlog completes the TCP handshake.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto started = std::chrono::steady_clock::now();
  auto o = run({"daemons", "resync", "3", "--timeout", "0.3", "--token", "t", "--server",
                "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port())});
  CAF_CHECK_EQUAL(o.code, 5);
  CAF_CHECK(o.err.find("timed out (see --timeout)") != std::string::npos);
  CAF_CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
}
