// daemon-token list / rotate / revoke and api-token list / create / revoke
// against the scripted server.
#define CAF_SUITE cli_token_commands
#include "caf/test/unit_test.hpp"

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "fake_server.hpp"

using namespace siberius::testing;
using nlohmann::json;

namespace {

const std::string daemons_body = R"({"daemons":[{"id":3,"clientId":"office-sp","name":"Sede","status":"online"}]})";

const std::string daemon_tokens_body = R"({"tokens":[{"id":1,"daemonId":3,"clientId":"office-sp","name":"Sede",
  "publicId":"0123456789abcdef","state":"active","createdAt":"2024-05-01T09:00:00Z","expiresAt":null,
  "revokedAt":null}]})";

const std::string rotated_body = R"({"daemonId":3,"clientId":"office-sp","tokenId":9,"token":"abcd.ef01",
  "previousTokensExpireAt":"2024-05-02T09:00:00Z"})";

const std::string api_tokens_body = R"({"tokens":[{"id":1,"name":"bootstrap admin","role":"admin",
  "publicId":"0123456789abcdef","createdAt":"2024-05-01T09:00:00Z","lastUsedAt":null,"revokedAt":null}]})";

std::map<std::string, std::string> env_for(const fake_http_server& server) {
  return {{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_TOKEN", "admin-token"}};
}

} // namespace

CAF_TEST(daemon token list as a table and as json) {
  scoped_tz utc("UTC0");
  fake_http_server server({{200, daemon_tokens_body}, {200, daemon_tokens_body}});
  auto o = run({"daemon-token", "list"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "ID  DAEMON  CLIENT ID  NAME  PUBLIC ID         STATE   CREATED           EXPIRES\n"
                         " 1       3  office-sp  Sede  0123456789abcdef  active  2024-05-01 09:00  -\n");
  auto j = run({"daemon-token", "list", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(json::parse(j.out), json::parse(daemon_tokens_body));
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].method, "GET");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/daemon-tokens");
}

CAF_TEST(rotate sends the overlap and prints the new token once) {
  scoped_tz utc("UTC0");
  fake_http_server server({{201, rotated_body}, {200, daemons_body}, {201, rotated_body}});
  auto o = run({"daemon-token", "rotate", "3"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("New token for daemon 3 (office-sp) (token id 9).\n") == 0);
  CAF_CHECK(o.out.find("\n  DAEMON_TOKEN=abcd.ef01\n  CLIENT_ID=office-sp\n") != std::string::npos);
  CAF_CHECK(o.out.find("Its previous tokens stop working at 2024-05-02 09:00") != std::string::npos);
  auto j = run({"daemon-token", "rotate", "office-sp", "--overlap-hours", "0", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(j.code, 0);
  CAF_CHECK_EQUAL(json::parse(j.out), json::parse(rotated_body));
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 3u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/daemons/3/rotate-token");
  CAF_CHECK_EQUAL(json::parse(reqs[0].body), (json{{"overlapHours", 24}}));
  CAF_CHECK_EQUAL(reqs[1].target, "/api/admin/daemons");
  CAF_CHECK_EQUAL(reqs[2].target, "/api/admin/daemons/3/rotate-token");
  CAF_CHECK_EQUAL(json::parse(reqs[2].body), (json{{"overlapHours", 0}}));
}

CAF_TEST(revoke deletes the token and 404 exits 4) {
  fake_http_server server(
      {{200, R"({"tokenId":1,"daemonId":3,"clientId":"office-sp","disconnected":true})"},
       {404, R"({"error":"no live daemon token with id 1","code":"not_found"})"}});
  auto o = run({"daemon-token", "revoke", "1"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Revoked daemon token 1 of daemon 3 (office-sp); the daemon connected with it was "
                         "disconnected.\n");
  o = run({"daemon-token", "revoke", "1"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 4);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: no live daemon token with id 1 (HTTP 404)\n");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].method, "DELETE");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/daemon-tokens/1");
  CAF_CHECK_EQUAL(reqs[0].body, "");
}

CAF_TEST(daemon token argument errors exit 2) {
  fake_http_server server({});
  auto env = env_for(server);
  CAF_CHECK_EQUAL(run({"daemon-token", "rotate"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemon-token", "rotate", "3", "--overlap-hours", "721"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemon-token", "rotate", "3", "--overlap-hours", "-1"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemon-token", "rotate", "3", "--overlap-hours", "soon"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemon-token", "revoke"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemon-token", "revoke", "0"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemon-token", "revoke", "abc"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"daemon-token", "list", "extra"}, env).code, 2);
  CAF_CHECK(server.requests().empty());
}

CAF_TEST(api token list create and revoke) {
  scoped_tz utc("UTC0");
  fake_http_server server({{200, api_tokens_body},
                           {201, R"({"id":2,"name":"nightly","role":"admin","token":"0123.abcd"})"},
                           {201, R"({"id":3,"name":"agenda","role":"tecnico","token":"4567.ef01"})"},
                           {200, R"({"id":2,"revoked":true})"}});
  auto o = run({"api-token", "list"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "ID  NAME             ROLE   PUBLIC ID         STATE   CREATED           LAST USED\n"
                         " 1  bootstrap admin  admin  0123456789abcdef  active  2024-05-01 09:00  never\n");
  o = run({"api-token", "create", "nightly"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("API token created: \"nightly\" (admin, id 2).\n") == 0);
  CAF_CHECK(o.out.find("\n  0123.abcd\n") != std::string::npos);
  auto j = run({"api-token", "create", "agenda", "--role", "tecnico", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(json::parse(j.out), json::parse(R"({"id":3,"name":"agenda","role":"tecnico","token":"4567.ef01"})"));
  o = run({"api-token", "revoke", "2"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Revoked API token 2: requests with it are refused from now on.\n");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 4u);
  CAF_CHECK_EQUAL(reqs[0].method, "GET");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/api-tokens");
  CAF_CHECK_EQUAL(reqs[1].method, "POST");
  CAF_CHECK_EQUAL(reqs[1].target, "/api/admin/api-tokens");
  CAF_CHECK_EQUAL(json::parse(reqs[1].body), (json{{"name", "nightly"}, {"role", "admin"}}));
  CAF_CHECK_EQUAL(json::parse(reqs[2].body), (json{{"name", "agenda"}, {"role", "tecnico"}}));
  CAF_CHECK_EQUAL(reqs[3].method, "DELETE");
  CAF_CHECK_EQUAL(reqs[3].target, "/api/admin/api-tokens/2");
}

CAF_TEST(api token errors) {
  fake_http_server server({{404, R"({"error":"no live API token with id 9","code":"not_found"})"},
                           {403, R"({"error":"admin role required","code":"forbidden"})"},
                           {401, R"({"error":"invalid or expired token","code":"unauthorized"})"}});
  auto env = env_for(server);
  CAF_CHECK_EQUAL(run({"api-token"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"api-token", "create"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"api-token", "create", ""}, env).code, 2);
  CAF_CHECK_EQUAL(run({"api-token", "create", "x", "--role", "root"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"api-token", "revoke", "-3"}, env).code, 2);
  auto o = run({"api-token", "revoke", "9"}, env);
  CAF_CHECK_EQUAL(o.code, 4);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: no live API token with id 9 (HTTP 404)\n");
  CAF_CHECK_EQUAL(run({"api-token", "list"}, env).code, 3);
  CAF_CHECK_EQUAL(run({"api-token", "create", "x"}, env).code, 3);
  CAF_CHECK_EQUAL(server.requests().size(), 3u);
}
