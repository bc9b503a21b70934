#define CAF_SUITE cli_settings
#include "caf/test/unit_test.hpp"

#include <map>

#include "cli/errors.hpp"
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
  flags.server = "http://flag:1";
  s = resolve_settings(flags, env_of({}));
  CAF_CHECK_EQUAL(s.server_url, "http://flag:1");
  CAF_CHECK_EQUAL(*s.token, "file-token");
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

CAF_TEST_FIXTURE_SCOPE_END()
