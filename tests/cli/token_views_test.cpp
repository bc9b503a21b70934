#define CAF_SUITE cli_token_views
#include "caf/test/unit_test.hpp"

#include <functional>

#include "cli/token_views.hpp"
#include "cli_runner.hpp"

using namespace siberius::cli;
using siberius::testing::scoped_tz;
using nlohmann::json;

namespace {

bool throws_runtime_error(const std::function<void()>& f, const std::string& message) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what() == message;
  }
  return false;
}

} // namespace

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

CAF_TEST(daemon tokens table) {
  scoped_tz utc("UTC0");
  auto reply = json::parse(R"({"tokens":[
    {"id":1,"daemonId":1,"clientId":"demo-office","name":"demo office daemon","publicId":"0123456789abcdef",
     "state":"expiring","createdAt":"2024-05-01T09:00:00Z","expiresAt":"2024-05-02T09:00:00Z","revokedAt":null},
    {"id":12,"daemonId":3,"clientId":null,"name":"Loja Centro","publicId":"fedcba9876543210",
     "state":"active","createdAt":"2024-05-01T10:30:00Z","expiresAt":null,"revokedAt":null}]})");
  CAF_CHECK_EQUAL(render_daemon_tokens(reply),
                  "ID  DAEMON  CLIENT ID    NAME                PUBLIC ID         STATE     CREATED           EXPIRES\n"
                  " 1       1  demo-office  demo office daemon  0123456789abcdef  expiring  2024-05-01 09:00  "
                  "2024-05-02 09:00\n"
                  "12       3  -            Loja Centro         fedcba9876543210  active    2024-05-01 10:30  -\n");
  CAF_CHECK_EQUAL(render_daemon_tokens(json::parse(R"({"tokens":[]})")),
                  "No daemon tokens yet. Create one with:\n  siberius-admin daemon-token create NAME\n");
  CAF_CHECK(throws_runtime_error([] { render_daemon_tokens(json::parse(R"({"daemons":[]})")); },
                                 "unexpected reply from the server: no \"tokens\" list"));
  CAF_CHECK(throws_runtime_error([] { render_daemon_tokens(json::parse(R"({"tokens":[1]})")); },
                                 "unexpected reply from the server: a token is not an object"));
}

CAF_TEST(rotated token with its env lines and when the old ones stop) {
  scoped_tz sao_paulo("<-03>3");
  auto out = render_rotated_daemon_token(json::parse(R"({"daemonId":3,"clientId":"office-sp","tokenId":13,
    "token":"aaaa.bbbb","previousTokensExpireAt":"2024-05-02T12:00:00Z"})"));
  CAF_CHECK_EQUAL(out, "New token for daemon 3 (office-sp) (token id 13).\n"
                       "It is shown only this once: the server keeps only its hash.\n\n"
                       "  aaaa.bbbb\n\n"
                       "Put it in the daemon's .env file:\n\n"
                       "  DAEMON_TOKEN=aaaa.bbbb\n"
                       "  CLIENT_ID=office-sp\n\n"
                       "Its previous tokens stop working at 2024-05-02 09:00: give the daemon the new one before "
                       "then.\n");
  auto first = render_rotated_daemon_token(
      json::parse(R"({"daemonId":4,"clientId":null,"tokenId":14,"token":"c.d","previousTokensExpireAt":null})"));
  CAF_CHECK(first.find("New token for daemon 4 (token id 14).\n") == 0);
  CAF_CHECK(first.find("bound to the CLIENT_ID of the first daemon that connects") != std::string::npos);
  CAF_CHECK(first.find("It had no other live token.\n") != std::string::npos);
  CAF_CHECK(throws_runtime_error([] { render_rotated_daemon_token(json::parse(R"({"daemonId":4})")); },
                                 "unexpected reply from the server: no token in it"));
}

CAF_TEST(revoked daemon token says whether a daemon was disconnected) {
  CAF_CHECK_EQUAL(
      render_revoked_daemon_token(json::parse(R"({"tokenId":12,"daemonId":3,"clientId":"office-sp","disconnected":true})")),
      "Revoked daemon token 12 of daemon 3 (office-sp); the daemon connected with it was disconnected.\n");
  CAF_CHECK_EQUAL(
      render_revoked_daemon_token(json::parse(R"({"tokenId":12,"daemonId":3,"clientId":null,"disconnected":false})")),
      "Revoked daemon token 12 of daemon 3.\n");
}

CAF_TEST(api tokens table) {
  scoped_tz utc("UTC0");
  auto reply = json::parse(R"({"tokens":[
    {"id":1,"name":"bootstrap admin","role":"admin","publicId":"0123456789abcdef","createdAt":"2024-05-01T09:00:00Z",
     "lastUsedAt":"2024-05-01T11:00:00Z","revokedAt":null},
    {"id":2,"name":"backup script","role":"tecnico","publicId":"fedcba9876543210","createdAt":"2024-05-01T10:00:00Z",
     "lastUsedAt":null,"revokedAt":"2024-05-01T10:05:00Z"}]})");
  CAF_CHECK_EQUAL(render_api_tokens(reply),
                  "ID  NAME             ROLE     PUBLIC ID         STATE    CREATED           LAST USED\n"
                  " 1  bootstrap admin  admin    0123456789abcdef  active   2024-05-01 09:00  2024-05-01 11:00\n"
                  " 2  backup script    tecnico  fedcba9876543210  revoked  2024-05-01 10:00  never\n");
  CAF_CHECK_EQUAL(render_api_tokens(json::parse(R"({"tokens":[]})")),
                  "No API tokens. Create one with:\n  siberius-admin api-token create NAME\n");
}

CAF_TEST(created and revoked api token) {
  CAF_CHECK_EQUAL(render_created_api_token(json::parse(R"({"id":5,"name":"nightly report","role":"admin",
                                                           "token":"0123456789abcdef.ff"})")),
                  "API token created: \"nightly report\" (admin, id 5).\n"
                  "It is shown only this once: the server keeps only its hash.\n\n"
                  "  0123456789abcdef.ff\n\n"
                  "Send it as `Authorization: Bearer TOKEN`; siberius-admin takes it with --token or "
                  "SIBERIUS_TOKEN.\n");
  CAF_CHECK(throws_runtime_error([] { render_created_api_token(json::parse(R"({"id":5,"token":""})")); },
                                 "unexpected reply from the server: no token in it"));
  CAF_CHECK_EQUAL(render_revoked_api_token(json::parse(R"({"id":5,"revoked":true})")),
                  "Revoked API token 5: requests with it are refused from now on.\n");
}
