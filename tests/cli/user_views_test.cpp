#define CAF_SUITE cli_user_views
#include "caf/test/unit_test.hpp"

#include "cli/user_views.hpp"
#include "cli_runner.hpp"

using namespace siberius::cli;
using nlohmann::json;
using siberius::testing::scoped_tz;

CAF_TEST(login line) {
  scoped_tz utc("UTC0");
  auto reply = json::parse(R"({"token":"t","expiresAt":"2024-05-02T12:00:00Z",
    "user":{"id":1,"login":"ana","nome":"Ana Lima","role":"admin"}})");
  CAF_CHECK_EQUAL(render_login(reply), "logged in as ana (admin) until 2024-05-02 12:00\n");
}

CAF_TEST(whoami fields) {
  auto reply = json::parse(R"({"id":3,"login":"bia","nome":"Beatriz São","role":"tecnico","via":"session"})");
  CAF_CHECK_EQUAL(render_me(reply), "login  bia\n"
                                    "name   Beatriz São\n"
                                    "role   tecnico\n"
                                    "id     3\n"
                                    "via    session\n");
}

CAF_TEST(users table) {
  scoped_tz utc("UTC0");
  auto reply = json::parse(R"({"users":[
    {"id":1,"login":"admin","nome":"","role":"admin","disabled":false,"createdAt":"2024-05-01T09:00:00Z"},
    {"id":12,"login":"joão","nome":"João Pereira","role":"tecnico","disabled":true,"createdAt":"2024-05-02T10:30:00Z"}]})");
  std::string expected =
      "ID  LOGIN  NAME          ROLE     STATUS    CREATED\n"
      " 1  admin  -             admin    active    2024-05-01 09:00\n"
      "12  joão   João Pereira  tecnico  disabled  2024-05-02 10:30\n";
  CAF_CHECK_EQUAL(render_users(reply), expected);
  CAF_CHECK(render_users(json::parse(R"({"users":[]})")).find("users add LOGIN --role") != std::string::npos);
  bool thrown = false;
  try {
    render_users(json::parse(R"({"items":[]})"));
  } catch (const std::runtime_error& e) {
    thrown = true;
    CAF_CHECK_EQUAL(std::string(e.what()), "unexpected reply from the server: no \"users\" list");
  }
  CAF_CHECK(thrown);
}

CAF_TEST(a generated password is shown once and a chosen one never) {
  auto created = json::parse(R"({"id":7,"login":"bob","nome":"","role":"tecnico","disabled":false,
    "createdAt":"2024-05-01T09:00:00Z","password":"k3y-Fr0m-S3rver"})");
  CAF_CHECK_EQUAL(render_created_user(created), "Created user bob (tecnico, id 7).\n"
                                                "Its password is shown only this once:\n"
                                                "\n  k3y-Fr0m-S3rver\n");
  created.erase("password");
  CAF_CHECK_EQUAL(render_created_user(created), "Created user bob (tecnico, id 7).\n");
  CAF_CHECK_EQUAL(render_password_changed(json::parse(R"({"id":7,"password":"n3w"})"), "bob"),
                  "New password for bob (id 7), shown only this once:\n\n  n3w\n");
  CAF_CHECK_EQUAL(render_password_changed(json::parse(R"({"id":7})"), "bob"), "Password changed for bob (id 7).\n");
}

CAF_TEST(user state) {
  auto user = json::parse(R"({"id":7,"login":"bob","role":"tecnico","disabled":true})");
  CAF_CHECK_EQUAL(render_user_state(user), "User bob (tecnico, id 7) is disabled.\n");
  user["disabled"] = false;
  CAF_CHECK_EQUAL(render_user_state(user), "User bob (tecnico, id 7) is active.\n");
}
