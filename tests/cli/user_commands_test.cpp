// users list / add / passwd / disable / enable against the scripted server.
#define CAF_SUITE cli_user_commands
#include "caf/test/unit_test.hpp"

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "fake_server.hpp"

using namespace siberius::testing;
using nlohmann::json;

namespace {

const std::string users_body = R"({"users":[
  {"id":1,"login":"admin","nome":"","role":"admin","disabled":false,"createdAt":"2024-05-01T09:00:00Z"},
  {"id":7,"login":"bob","nome":"Roberto","role":"tecnico","disabled":false,"createdAt":"2024-05-02T09:00:00Z"},
  {"id":8,"login":"1","nome":"A digit login","role":"tecnico","disabled":false,"createdAt":"2024-05-02T09:00:00Z"}]})";

std::map<std::string, std::string> env_for(const fake_http_server& server) {
  return {{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_TOKEN", "admin-token"}};
}

} // namespace

CAF_TEST(users list as a table and as json) {
  scoped_tz utc("UTC0");
  fake_http_server server({{200, users_body}, {200, users_body}});
  auto o = run({"users", "list"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find(" 7  bob    Roberto        tecnico  active  2024-05-02 09:00\n") != std::string::npos);
  auto j = run({"users", "list", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(json::parse(j.out), json::parse(users_body));
  CAF_CHECK_EQUAL(std::string(server.requests()[0].target), "/api/admin/users");
}

CAF_TEST(users add sends the fields given and shows the generated password once) {
  fake_http_server server({{201, R"({"id":9,"login":"caio","nome":"Caio","role":"tecnico","disabled":false,
                                   "createdAt":"2024-05-03T09:00:00Z","password":"Gen-3rated"})"},
                           {201, R"({"id":10,"login":"dani","nome":"","role":"admin","disabled":false,
                                   "createdAt":"2024-05-03T09:00:00Z"})"}});
  auto o = run({"users", "add", "caio", "--role", "tecnico", "--nome", "Caio"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Created user caio (tecnico, id 9).\nIts password is shown only this once:\n\n  Gen-3rated\n");
  o = run({"users", "add", "dani", "--role", "admin", "--password", "chosen"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Created user dani (admin, id 10).\n");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/users");
  CAF_CHECK_EQUAL(json::parse(reqs[0].body), (json{{"login", "caio"}, {"role", "tecnico"}, {"nome", "Caio"}}));
  CAF_CHECK_EQUAL(json::parse(reqs[1].body), (json{{"login", "dani"}, {"role", "admin"}, {"password", "chosen"}}));
}

CAF_TEST(users add argument errors exit 2) {
  fake_http_server server({});
  CAF_CHECK_EQUAL(run({"users", "add", "eva"}, env_for(server)).code, 2);                       // no --role
  CAF_CHECK_EQUAL(run({"users", "add", "eva", "--role", "root"}, env_for(server)).code, 2);     // bad role
  CAF_CHECK_EQUAL(run({"users", "add", "", "--role", "admin"}, env_for(server)).code, 2);       // empty login
  CAF_CHECK_EQUAL(run({"users", "add", "eva", "--role", "admin", "--password", ""}, env_for(server)).code, 2);
  CAF_CHECK_EQUAL(run({"users"}, env_for(server)).code, 2);
  CAF_CHECK_EQUAL(run({"users", "passwd"}, env_for(server)).code, 2);
  CAF_CHECK(server.requests().empty());
}

CAF_TEST(an existing login is a conflict and exits 6) {
  fake_http_server server({{409, R"({"error":"login already exists","code":"conflict"})"}});
  auto o = run({"users", "add", "bob", "--role", "tecnico"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 6);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: login already exists (HTTP 409)\n");
}

CAF_TEST(passwd finds the user by login then by id) {
  fake_http_server server({{200, users_body},
                           {200, R"({"id":7,"password":"N3w-One"})"},
                           {200, users_body},
                           {200, R"({"id":7})"},
                           {200, users_body},
                           {200, R"({"id":8})"}});
  auto o = run({"users", "passwd", "bob"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "New password for bob (id 7), shown only this once:\n\n  N3w-One\n");
  o = run({"users", "passwd", "7", "--password", "mine"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Password changed for bob (id 7).\n");
  // A login made of digits means that login, not the user with that id.
  o = run({"users", "passwd", "1", "--password", "x"}, env_for(server));
  CAF_CHECK_EQUAL(o.out, "Password changed for 1 (id 8).\n");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 6u);
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/users");
  CAF_CHECK_EQUAL(reqs[1].method, "PUT");
  CAF_CHECK_EQUAL(reqs[1].target, "/api/admin/users/7/password");
  CAF_CHECK_EQUAL(json::parse(reqs[1].body), json::object());
  CAF_CHECK_EQUAL(json::parse(reqs[3].body), (json{{"password", "mine"}}));
  CAF_CHECK_EQUAL(reqs[5].target, "/api/admin/users/8/password");
}

CAF_TEST(an unknown user exits 4 without changing anything) {
  fake_http_server server({{200, users_body}, {200, users_body}});
  auto o = run({"users", "disable", "nobody"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 4);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: no user with login or id \"nobody\"; see `siberius-admin users list`\n");
  CAF_CHECK_EQUAL(run({"users", "enable", "99"}, env_for(server)).code, 4);
  CAF_CHECK_EQUAL(server.requests().size(), 2u);
}

CAF_TEST(disable and enable post to the user by id) {
  fake_http_server server({{200, users_body},
                           {200, R"({"id":7,"login":"bob","role":"tecnico","disabled":true})"},
                           {200, users_body},
                           {200, R"({"id":7,"login":"bob","role":"tecnico","disabled":false})"}});
  auto o = run({"users", "disable", "bob"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "User bob (tecnico, id 7) is disabled.\n");
  o = run({"users", "enable", "bob", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(json(json::parse(o.out)["disabled"]), false);
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 4u);
  CAF_CHECK_EQUAL(reqs[1].method, "POST");
  CAF_CHECK_EQUAL(reqs[1].target, "/api/admin/users/7/disable");
  CAF_CHECK_EQUAL(reqs[1].body, "");
  CAF_CHECK_EQUAL(reqs[3].target, "/api/admin/users/7/enable");
}

CAF_TEST(a technician may not manage users and gets exit 3) {
  fake_http_server server({{403, R"({"error":"admin role required","code":"forbidden"})"},
                           {401, R"({"error":"invalid token","code":"unauthorized"})"}});
  auto o = run({"users", "list"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 3);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: admin role required (HTTP 403)\n");
  CAF_CHECK_EQUAL(run({"users", "disable", "bob"}, env_for(server)).code, 3);
}
