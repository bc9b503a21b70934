// login, logout, whoami against the scripted server: what is sent, what is
// stored, and the exit code of each failure.
#define CAF_SUITE cli_session_commands
#include "caf/test/unit_test.hpp"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "cli/session_file.hpp"
#include "cli_runner.hpp"
#include "fake_server.hpp"
#include "../support/temp_dir.hpp"

using namespace siberius::cli;
using namespace siberius::testing;
using nlohmann::json;

namespace {

const std::string login_reply = R"({"token":"sess-123","expiresAt":"2099-05-02T12:00:00Z",
  "user":{"id":1,"login":"ana","nome":"Ana Lima","role":"admin"}})";

struct fixture {
  temp_dir dir;
  std::string session = dir.path() + "/cfg/siberius/session.json";
  scoped_tz utc{"UTC0"};

  std::map<std::string, std::string> env(const fake_http_server& server) const {
    return {{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_SESSION_FILE", session}};
  }
};

std::shared_ptr<scripted_console> terminal_with(std::vector<std::string> lines) {
  auto c = std::make_shared<scripted_console>();
  c->terminal = true;
  c->lines = std::move(lines);
  return c;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(session_command_tests, fixture)

CAF_TEST(login stores a private session and later commands use it) {
  fake_http_server server({{200, login_reply},
                           {200, R"({"id":1,"login":"ana","nome":"Ana Lima","role":"admin","via":"session"})"}});
  auto o = run({"login", "--user", "ana", "--password", "s3nha"}, env(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.err, "");
  CAF_CHECK_EQUAL(o.out, "logged in as ana (admin) until 2099-05-02 12:00\n");
  struct stat st {};
  CAF_REQUIRE_EQUAL(::stat(session.c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0600u);
  auto stored = read_session_file(session);
  CAF_REQUIRE(stored);
  CAF_CHECK_EQUAL(stored->server, server.url());
  CAF_CHECK_EQUAL(stored->token, "sess-123");
  CAF_CHECK_EQUAL(stored->login, "ana");
  CAF_CHECK_EQUAL(stored->role, "admin");
  CAF_CHECK_EQUAL(stored->expires_at, "2099-05-02T12:00:00Z");

  auto me = run({"whoami"}, env(server));
  CAF_CHECK_EQUAL(me.code, 0);
  CAF_CHECK(me.out.find("via    session\n") != std::string::npos);

  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/auth/login");
  CAF_CHECK_EQUAL(reqs[0].authorization, ""); // nothing to leak before logging in
  CAF_CHECK_EQUAL(json::parse(reqs[0].body), (json{{"login", "ana"}, {"password", "s3nha"}}));
  CAF_CHECK_EQUAL(reqs[1].target, "/api/me");
  CAF_CHECK_EQUAL(reqs[1].authorization, "Bearer sess-123");
}

CAF_TEST(login json leaves the token out) {
  fake_http_server server({{200, login_reply}});
  auto o = run({"login", "--user", "ana", "--password", "x", "--json"}, env(server));
  CAF_CHECK_EQUAL(o.code, 0);
  auto j = json::parse(o.out);
  CAF_CHECK(!j.contains("token"));
  CAF_CHECK_EQUAL(j["user"]["login"], "ana");
  CAF_CHECK_EQUAL(j["sessionFile"], session);
  CAF_CHECK_EQUAL(j["server"], server.url());
}

CAF_TEST(password from stdin or from a prompt without echo) {
  fake_http_server server({{200, login_reply}, {200, login_reply}, {200, login_reply}});
  auto piped = std::make_shared<scripted_console>();
  piped->lines = {"from-stdin"};
  CAF_CHECK_EQUAL(run({"login", "--user", "ana", "--password-stdin"}, env(server), piped).code, 0);
  CAF_CHECK(piped->prompts.empty());

  auto tty = terminal_with({"typed"});
  CAF_CHECK_EQUAL(run({"login", "--user", "ana"}, env(server), tty).code, 0);
  CAF_REQUIRE_EQUAL(tty->prompts.size(), 1u);
  CAF_CHECK_EQUAL(tty->prompts[0].first, "Password for ana: ");
  CAF_CHECK(tty->prompts[0].second); // echo off

  auto both = terminal_with({"ana", "typed-too"});
  CAF_CHECK_EQUAL(run({"login"}, env(server), both).code, 0);
  CAF_REQUIRE_EQUAL(both->prompts.size(), 2u);
  CAF_CHECK_EQUAL(both->prompts[0].first, "Login: ");
  CAF_CHECK(!both->prompts[0].second);

  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 3u);
  CAF_CHECK_EQUAL(json(json::parse(reqs[0].body)["password"]), "from-stdin");
  CAF_CHECK_EQUAL(json(json::parse(reqs[1].body)["password"]), "typed");
  CAF_CHECK_EQUAL(json::parse(reqs[2].body), (json{{"login", "ana"}, {"password", "typed-too"}}));
}

CAF_TEST(login usage errors exit 2 before any request) {
  fake_http_server server({});
  // Not a terminal and no password given.
  auto o = run({"login", "--user", "ana"}, env(server));
  CAF_CHECK_EQUAL(o.code, 2);
  CAF_CHECK(o.err.find("no password") != std::string::npos);
  CAF_CHECK_EQUAL(run({"login", "--password", "x"}, env(server)).code, 2); // no --user, no terminal
  CAF_CHECK_EQUAL(run({"login", "--user", "ana", "--password", "x", "--password-stdin"}, env(server)).code, 2);
  CAF_CHECK_EQUAL(run({"login", "--user", "ana", "--password-stdin"}, env(server)).code, 2); // empty stdin
  auto nowhere = run({"login", "--user", "ana", "--password", "x"}, {{"SIBERIUS_SERVER", server.url()}});
  CAF_CHECK_EQUAL(nowhere.code, 2);
  CAF_CHECK(nowhere.err.find("nowhere to keep the session") != std::string::npos);
  CAF_CHECK(server.requests().empty());
}

CAF_TEST(wrong password exits 3 and rate limiting exits 7 and nothing is stored) {
  fake_http_server server(
      {{401, R"({"error":"invalid login or password","code":"invalid_credentials"})"},
       {429, R"({"error":"too many attempts; wait","code":"too_many_attempts"})", "application/json",
        {{"Retry-After", "60"}}}});
  // A session already there is neither sent, blamed, nor replaced.
  write_session_file(session, {server.url(), "earlier", "bia", "tecnico", "2099-01-01T00:00:00Z"});
  auto o = run({"login", "--user", "ana", "--password", "bad"}, env(server));
  CAF_CHECK_EQUAL(o.code, 3);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: invalid login or password (HTTP 401)\n");
  o = run({"login", "--user", "ana", "--password", "bad"}, env(server));
  CAF_CHECK_EQUAL(o.code, 7);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: too many attempts; wait (HTTP 429, retry after 60 s)\n");
  CAF_CHECK_EQUAL(read_session_file(session).value_or(stored_session{}).token, "earlier");
  for (const auto& r : server.requests())
    CAF_CHECK_EQUAL(r.authorization, "");
}

CAF_TEST(a session is sent only to its own server) {
  fake_http_server server({{200, R"({"id":9,"login":"root","role":"admin","via":"api_token"})"}});
  write_session_file(session, {"http://127.0.0.1:1", "other-server-token", "ana", "admin", "2099-01-01T00:00:00Z"});
  auto o = run({"whoami", "--token", "api-token"}, env(server));
  CAF_CHECK_EQUAL(o.code, 0);
  auto none = run({"whoami"}, env(server));
  CAF_CHECK_EQUAL(none.code, 3);
  CAF_CHECK(none.err.find("no token") != std::string::npos);
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 1u);
  CAF_CHECK_EQUAL(reqs[0].authorization, "Bearer api-token");
}

CAF_TEST(an ended session says so instead of being sent) {
  fake_http_server server({});
  write_session_file(session, {server.url(), "old", "ana", "admin", "2001-01-01T00:00:00Z"});
  auto o = run({"users", "list"}, env(server));
  CAF_CHECK_EQUAL(o.code, 3);
  CAF_CHECK(o.err.find("the session from `login` ended at 2001-01-01T00:00:00Z") != std::string::npos);
  CAF_CHECK(server.requests().empty());
}

CAF_TEST(a session the server no longer accepts asks for a new login) {
  fake_http_server server({{401, R"({"error":"session expired","code":"unauthorized"})"}});
  write_session_file(session, {server.url(), "revoked", "ana", "admin", "2099-01-01T00:00:00Z"});
  auto o = run({"whoami"}, env(server));
  CAF_CHECK_EQUAL(o.code, 3);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: session expired; the session in " + session +
                             " is no longer valid: run `siberius-admin login` again (HTTP 401)\n");
}

CAF_TEST(logout ends the session on its server and deletes the file) {
  fake_http_server server({{204, ""}});
  write_session_file(session, {server.url(), "sess-123", "ana", "admin", "2099-01-01T00:00:00Z"});
  // --server elsewhere does not matter: the token goes only where it came from.
  auto o = run({"logout", "--server", "http://127.0.0.1:1"}, env(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "logged out ana from " + server.url() + "\n");
  CAF_CHECK(!read_session_file(session));
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 1u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/auth/logout");
  CAF_CHECK_EQUAL(reqs[0].authorization, "Bearer sess-123");
  CAF_CHECK_EQUAL(reqs[0].body, "");
  // Again: nothing to do, still success.
  auto again = run({"logout"}, env(server));
  CAF_CHECK_EQUAL(again.code, 0);
  CAF_CHECK(again.err.find("not logged in") != std::string::npos);
}

CAF_TEST(logout keeps the file when the server cannot be told) {
  fake_http_server server({{401, R"({"error":"invalid token","code":"unauthorized"})"},
                           {503, R"({"error":"database unavailable","code":"database_unavailable"})"}});
  write_session_file(session, {server.url(), "gone", "ana", "admin", "2099-01-01T00:00:00Z"});
  auto ended = run({"logout"}, env(server));
  CAF_CHECK_EQUAL(ended.code, 0); // already over on the server: only the file was left
  CAF_CHECK(ended.out.find("had already ended") != std::string::npos);
  CAF_CHECK(!read_session_file(session));
  write_session_file(session, {server.url(), "live", "ana", "admin", "2099-01-01T00:00:00Z"});
  auto down = run({"logout"}, env(server));
  CAF_CHECK_EQUAL(down.code, 5);
  CAF_CHECK(read_session_file(session)); // the token may still be valid: keep it to retry
}

CAF_TEST(whoami errors map to exit codes) {
  fake_http_server server({{403, R"({"error":"forbidden","code":"forbidden"})"},
                           {404, R"({"error":"no such endpoint: /api/me","code":"not_found"})"}});
  CAF_CHECK_EQUAL(run({"whoami", "--token", "t"}, env(server)).code, 3);
  CAF_CHECK_EQUAL(run({"whoami", "--token", "t"}, env(server)).code, 4);
}

CAF_TEST_FIXTURE_SCOPE_END()
