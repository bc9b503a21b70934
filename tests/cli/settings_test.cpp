#define CAF_SUITE cli_settings
#include "caf/test/unit_test.hpp"

#include <map>

#include <sys/stat.h>

#include "cli/errors.hpp"
#include "cli/session_file.hpp"
#include "cli/settings.hpp"
#include "../support/temp_dir.hpp"

using namespace siberius::cli;
using siberius::testing::scoped_cwd;
using siberius::testing::temp_dir;

namespace {

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty())
      return std::nullopt;
    return it->second;
  };
}

const char* credentials_json = R"({"url":"http://127.0.0.1:9001","adminToken":"file-token","daemonToken":"d","clientId":"c"})";

struct fixture {
  temp_dir dir;
  std::string credentials = dir.write("credentials.json", credentials_json);
};

std::string usage_error_of(const global_flags& flags, const env_lookup& env) {
  try {
    resolve_settings(flags, env);
  } catch (const usage_error& e) {
    return e.what();
  }
  return "no error";
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(settings_tests, fixture)

CAF_TEST(flag beats environment beats credentials file) {
  global_flags flags;
  flags.server = "http://flag:1";
  flags.token = "flag-token";
  flags.credentials_file = credentials;
  auto env = env_of({{"SIBERIUS_SERVER", "http://env:2"}, {"SIBERIUS_TOKEN", "env-token"}});
  auto s = resolve_settings(flags, env);
  CAF_CHECK_EQUAL(s.server_url, "http://flag:1");
  CAF_CHECK_EQUAL(s.server_source, setting_source::flag);
  CAF_CHECK_EQUAL(*s.token, "flag-token");
  CAF_CHECK_EQUAL(s.token_source, setting_source::flag);
  CAF_CHECK(!s.credentials_file); // never needed, never read

  flags.server.reset();
  flags.token.reset();
  s = resolve_settings(flags, env);
  CAF_CHECK_EQUAL(s.server_url, "http://env:2");
  CAF_CHECK_EQUAL(s.server_source, setting_source::environment);
  CAF_CHECK_EQUAL(*s.token, "env-token");
  CAF_CHECK_EQUAL(s.token_source, setting_source::environment);

  s = resolve_settings(flags, env_of({}));
  CAF_CHECK_EQUAL(s.server_url, "http://127.0.0.1:9001");
  CAF_CHECK_EQUAL(s.server_source, setting_source::credentials_file);
  CAF_CHECK_EQUAL(*s.token, "file-token");
  CAF_CHECK_EQUAL(s.token_source, setting_source::credentials_file);
  CAF_CHECK_EQUAL(*s.credentials_file, credentials);
}

CAF_TEST(each setting falls through on its own) {
  global_flags flags;
  flags.credentials_file = credentials;
  auto s = resolve_settings(flags, env_of({{"SIBERIUS_TOKEN", "env-token"}}));
  CAF_CHECK_EQUAL(s.server_url, "http://127.0.0.1:9001");
  CAF_CHECK_EQUAL(*s.token, "env-token");
  // The file's own server given again (spelled differently) still gets its token.
  flags.server = "http://127.0.0.1:9001/";
  s = resolve_settings(flags, env_of({}));
  CAF_CHECK_EQUAL(*s.token, "file-token");
  CAF_CHECK_EQUAL(s.token_source, setting_source::credentials_file);
}

CAF_TEST(the token of a credentials file goes only to the server it names) {
  global_flags flags;
  flags.credentials_file = credentials; // url http://127.0.0.1:9001
  flags.server = "http://flag:1";
  auto s = resolve_settings(flags, env_of({}));
  CAF_CHECK_EQUAL(s.server_url, "http://flag:1");
  CAF_CHECK(!s.token);
  CAF_CHECK_EQUAL(s.token_source, setting_source::none);
  CAF_CHECK_EQUAL(s.withheld_credentials_token.value_or(""),
                  "the token in " + credentials + " is for http://127.0.0.1:9001");
  s = resolve_settings({}, env_of({{"SIBERIUS_SERVER", "https://elsewhere.example"},
                                   {"SIBERIUS_CREDENTIALS", credentials}}));
  CAF_CHECK(!s.token);
  // A file that names no server gives its token to none.
  flags.server.reset();
  flags.credentials_file = dir.write("nourl.json", R"({"adminToken":"lonely-token"})");
  s = resolve_settings(flags, env_of({}));
  CAF_CHECK_EQUAL(s.server_url, "http://127.0.0.1:8080");
  CAF_CHECK(!s.token);
  CAF_CHECK_EQUAL(s.withheld_credentials_token.value_or(""),
                  "the token in " + *flags.credentials_file + " names no server (\"url\")");
}

CAF_TEST(credentials file from the environment) {
  global_flags flags;
  auto other = dir.write("other.json", R"({"url":"http://other:7","adminToken":"other-token"})");
  auto s = resolve_settings(flags, env_of({{"SIBERIUS_CREDENTIALS", other}}));
  CAF_CHECK_EQUAL(s.server_url, "http://other:7");
  CAF_CHECK_EQUAL(*s.token, "other-token");
  // --credentials wins over SIBERIUS_CREDENTIALS.
  flags.credentials_file = credentials;
  s = resolve_settings(flags, env_of({{"SIBERIUS_CREDENTIALS", other}}));
  CAF_CHECK_EQUAL(*s.token, "file-token");
}

CAF_TEST(default credentials file in var of the working directory) {
  global_flags flags;
  {
    scoped_cwd cwd(dir.path());
    auto s = resolve_settings(flags, env_of({}));
    CAF_CHECK_EQUAL(s.server_url, "http://127.0.0.1:8080");
    CAF_CHECK_EQUAL(s.server_source, setting_source::default_value);
    CAF_CHECK(!s.token);
    CAF_CHECK_EQUAL(s.token_source, setting_source::none);
  }
  dir.write("var/credentials.json", R"({"url":"http://var:5","adminToken":"var-token"})");
  scoped_cwd cwd(dir.path());
  auto s = resolve_settings(flags, env_of({}));
  CAF_CHECK_EQUAL(s.server_url, "http://var:5");
  CAF_CHECK_EQUAL(*s.token, "var-token");
  CAF_CHECK_EQUAL(*s.credentials_file, "./var/credentials.json");
}

CAF_TEST(a named credentials file must exist and be a JSON object) {
  global_flags flags;
  flags.credentials_file = dir.path() + "/missing.json";
  CAF_CHECK_EQUAL(usage_error_of(flags, env_of({})),
                  "cannot read credentials file " + dir.path() +
                      "/missing.json: it does not exist or is not readable");
  flags.credentials_file = dir.write("broken.json", "{\"url\": ");
  CAF_CHECK_EQUAL(usage_error_of(flags, env_of({})),
                  "credentials file " + *flags.credentials_file + " is not a JSON object");
  // Fields of the wrong type are ignored, not trusted.
  flags.credentials_file = dir.write("odd.json", R"({"url": 5, "adminToken": ""})");
  auto s = resolve_settings(flags, env_of({}));
  CAF_CHECK_EQUAL(s.server_url, "http://127.0.0.1:8080");
  CAF_CHECK(!s.token);
}

CAF_TEST(timeout must be a sane number of seconds) {
  global_flags flags;
  flags.timeout_seconds = 2.5;
  CAF_CHECK_EQUAL(resolve_settings(flags, env_of({})).timeout.count(), 2500);
  for (double bad : {0.0, -1.0, 1e9}) {
    flags.timeout_seconds = bad;
    CAF_CHECK_EQUAL(usage_error_of(flags, env_of({})), "--timeout must be a number of seconds between 0 and 86400");
  }
}

CAF_TEST(session file path from flag then environment then XDG then HOME) {
  global_flags flags;
  auto all =
      env_of({{"SIBERIUS_SESSION_FILE", "/env/session.json"}, {"XDG_CONFIG_HOME", "/xdg"}, {"HOME", "/home/ana"}});
  CAF_CHECK(!session_file_path(flags, env_of({})));
  CAF_CHECK_EQUAL(session_file_path(flags, env_of({{"HOME", "/home/ana"}})).value_or(""),
                  "/home/ana/.config/siberius/session.json");
  CAF_CHECK_EQUAL(session_file_path(flags, env_of({{"XDG_CONFIG_HOME", "/xdg"}, {"HOME", "/home/ana"}})).value_or(""),
                  "/xdg/siberius/session.json");
  CAF_CHECK_EQUAL(session_file_path(flags, all).value_or(""), "/env/session.json");
  flags.session_file = "/flag/s.json";
  CAF_CHECK_EQUAL(session_file_path(flags, all).value_or(""), "/flag/s.json");
  CAF_CHECK_EQUAL(resolve_settings(flags, all).session_file.value_or(""), "/flag/s.json");
}

CAF_TEST(same server ignores a trailing slash and the default port) {
  CAF_CHECK(same_server("http://127.0.0.1:8080", "http://127.0.0.1:8080/"));
  CAF_CHECK(same_server("http://Example.com", "http://example.com:80"));
  CAF_CHECK(same_server("https://h/api/", "https://h:443/api"));
  CAF_CHECK(!same_server("http://h:8080", "http://h:8081"));
  CAF_CHECK(!same_server("http://h", "https://h"));
  CAF_CHECK(!same_server("http://h/a", "http://h/b"));
  CAF_CHECK(same_server("not a url", "not a url"));
}

namespace {

const auto session_now = *parse_iso8601("2024-05-01T12:00:00Z");

std::string session_json(const std::string& server, const std::string& expires = "2024-05-02T12:00:00Z") {
  return R"({"server":")" + server + R"(","token":"session-token","login":"ana","role":"admin","expiresAt":")" +
         expires + R"("})";
}

} // namespace

CAF_TEST(the session token comes after the environment and before the credentials file) {
  global_flags flags;
  flags.credentials_file = credentials; // url http://127.0.0.1:9001, adminToken file-token
  flags.session_file = dir.write("session.json", session_json("http://127.0.0.1:9001/"));
  auto s = resolve_settings(flags, env_of({}), session_now);
  CAF_CHECK_EQUAL(*s.token, "session-token");
  CAF_CHECK_EQUAL(s.token_source, setting_source::session_file);
  s = resolve_settings(flags, env_of({{"SIBERIUS_TOKEN", "env-token"}}), session_now);
  CAF_CHECK_EQUAL(*s.token, "env-token");
  flags.token = "flag-token";
  CAF_CHECK_EQUAL(resolve_settings(flags, env_of({}), session_now).token.value_or(""), "flag-token");
}

CAF_TEST(a session for another server is never used) {
  global_flags flags;
  flags.credentials_file = credentials;
  flags.session_file = dir.write("session.json", session_json("http://other:9001"));
  auto s = resolve_settings(flags, env_of({}), session_now);
  CAF_CHECK_EQUAL(*s.token, "file-token");
  CAF_CHECK_EQUAL(s.token_source, setting_source::credentials_file);
  // Without a credentials file there is no token at all.
  flags.credentials_file.reset();
  flags.server = "http://127.0.0.1:9001";
  scoped_cwd cwd(dir.path()); // no ./var/credentials.json here
  CAF_CHECK(!resolve_settings(flags, env_of({}), session_now).token);
  flags.server = "http://other:9001";
  CAF_CHECK_EQUAL(resolve_settings(flags, env_of({}), session_now).token.value_or(""), "session-token");
}

CAF_TEST(an ended session is passed over and remembered for the message) {
  global_flags flags;
  flags.credentials_file = credentials;
  flags.session_file = dir.write("session.json", session_json("http://127.0.0.1:9001", "2024-05-01T11:59:59Z"));
  auto s = resolve_settings(flags, env_of({}), session_now);
  CAF_CHECK_EQUAL(*s.token, "file-token");
  CAF_CHECK_EQUAL(*s.expired_session, "2024-05-01T11:59:59Z");
  // An end that cannot be read is left for the server to judge.
  dir.write("session.json", session_json("http://127.0.0.1:9001", "soon"));
  s = resolve_settings(flags, env_of({}), session_now);
  CAF_CHECK_EQUAL(*s.token, "session-token");
  CAF_CHECK(!s.expired_session);
}

CAF_TEST(a missing session file is no session and a broken one is a usage error) {
  global_flags flags;
  flags.credentials_file = credentials;
  flags.session_file = dir.path() + "/none/session.json";
  CAF_CHECK_EQUAL(resolve_settings(flags, env_of({}), session_now).token.value_or(""), "file-token");
  flags.session_file = dir.write("broken.json", R"({"server":"http://127.0.0.1:9001"})");
  CAF_CHECK_EQUAL(usage_error_of(flags, env_of({})),
                  "session file " + *flags.session_file +
                      " is not a session written by `siberius-admin login`: delete it or log in again");
  // Not read at all when the token is given.
  flags.token = "t";
  CAF_CHECK_EQUAL(usage_error_of(flags, env_of({})), "no error");
}

CAF_TEST(the session file is private and replaced whole) {
  auto path = dir.path() + "/config/siberius/session.json";
  write_session_file(path, {"http://h:1", "tok", "ana", "admin", "2024-05-02T12:00:00Z"});
  struct stat st {};
  CAF_REQUIRE_EQUAL(::stat(path.c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0600u);
  CAF_REQUIRE_EQUAL(::stat((dir.path() + "/config/siberius").c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0700u);
  auto back = read_session_file(path);
  CAF_REQUIRE(back);
  CAF_CHECK_EQUAL(back->server, "http://h:1");
  CAF_CHECK_EQUAL(back->token, "tok");
  CAF_CHECK_EQUAL(back->login, "ana");
  CAF_CHECK_EQUAL(back->role, "admin");
  CAF_CHECK_EQUAL(back->expires_at, "2024-05-02T12:00:00Z");
  // A file left readable by others becomes private when a login replaces it.
  ::chmod(path.c_str(), 0644);
  write_session_file(path, {"http://h:1", "tok2", "bia", "tecnico", ""});
  CAF_REQUIRE_EQUAL(::stat(path.c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0600u);
  CAF_CHECK_EQUAL(read_session_file(path)->token, "tok2");
  CAF_CHECK(remove_session_file(path));
  CAF_CHECK(!remove_session_file(path));
  CAF_CHECK(!read_session_file(path));
}

CAF_TEST_FIXTURE_SCOPE_END()
