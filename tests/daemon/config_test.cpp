// Configuration: dotenv parsing, the file < env < flags layering, and one
// clear line plus exit code 2 for each missing or wrong setting.
#define CAF_SUITE daemon_dotenv
#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "../support/child_process.hpp"
#include "../support/temp_dir.hpp"
#include "daemon/config.hpp"

using namespace siberius::daemon;
using siberius::testing::child_process;
using siberius::testing::read_file;
using siberius::testing::temp_dir;

CAF_TEST(dotenv table) {
  struct row {
    const char* text;
    const char* key;
    const char* value;
  };
  row rows[] = {
      {"A=1", "A", "1"},
      {"  A = spaced  ", "A", "spaced"},
      {"export A=exported", "A", "exported"},
      {"A=\"double # not a comment\"", "A", "double # not a comment"},
      {"A='single \\n literal'", "A", "single \\n literal"},
      {"A=\"line\\nbreak\"", "A", "line\nbreak"},
      {"A=value # trailing comment", "A", "value"},
      {"A=url#fragment", "A", "url#fragment"},
      {"A=", "A", ""},
      {"# comment\n\nA=after", "A", "after"},
      {"A=first\r\nB=crlf\r\n", "B", "crlf"},
  };
  for (auto& r : rows) {
    setting_map m;
    auto err = parse_dotenv(r.text, m);
    CAF_CHECK(!err);
    CAF_CHECK_EQUAL(m[r.key], r.value);
  }
}

CAF_TEST(dotenv errors name the line) {
  for (const char* bad : {"A=1\nnot a setting", "A=\"open", "=x", "A-B=1", "A='x' junk"}) {
    setting_map m;
    auto err = parse_dotenv(bad, m);
    CAF_REQUIRE(err);
    CAF_CHECK(err->message.find("line ") == 0);
  }
}

CAF_TEST(config json) {
  setting_map m;
  CAF_CHECK(!parse_config_json(R"({"SERVER_URL":"ws://x","QUEUE_LIMIT":5,"POLL":true})", m));
  CAF_CHECK_EQUAL(m["QUEUE_LIMIT"], "5");
  CAF_CHECK_EQUAL(m["POLL"], "true");
  CAF_CHECK(parse_config_json("[1]", m));
  auto err = parse_config_json(R"({"QUEUE_LIMIT":1.5})", m);
  CAF_REQUIRE(err);
  CAF_CHECK_EQUAL(err->setting, "QUEUE_LIMIT");
}

#undef CAF_SUITE
#define CAF_SUITE daemon_config
#include "caf/test/unit_test.hpp"

namespace {
setting_map complete(const std::string& dir) {
  return {{"SERVER_URL", "http://127.0.0.1:1"},
          {"DAEMON_TOKEN", "abc.def"},
          {"PDF_DIRECTORY", dir},
          {"PDF_READER", SIBERIUS_PDF_READER_BIN}};
}
} // namespace

CAF_TEST(flags beat environment beat file) {
  temp_dir dir;
  auto file = complete(dir.path());
  file["QUEUE_LIMIT"] = "7";
  file["CLIENT_ID"] = "from-file";
  setting_map env{{"CLIENT_ID", "from-env"}, {"HEARTBEAT_SECONDS", "9"}};
  setting_map flags{{"CLIENT_ID", "from-flag"}};
  auto r = build_config(file, env, flags);
  CAF_REQUIRE(r.config);
  CAF_CHECK_EQUAL(r.config->client_id, "from-flag");
  CAF_CHECK_EQUAL(r.config->queue_limit, 7u);
  CAF_CHECK_EQUAL(r.config->heartbeat.count(), 9);
  CAF_CHECK_EQUAL(r.config->check_interval.count(), 5);
  r = build_config(file, env, {});
  CAF_CHECK_EQUAL(r.config->client_id, "from-env");
}

CAF_TEST(default client id is stable and valid) {
  auto a = machine_client_id();
  CAF_CHECK_EQUAL(a, machine_client_id());
  CAF_CHECK(a.rfind("host-", 0) == 0);
  temp_dir dir;
  auto r = build_config(complete(dir.path()), {}, {});
  CAF_REQUIRE(r.config);
  CAF_CHECK_EQUAL(r.config->client_id, a);
}

CAF_TEST(a config file saved with a UTF-8 byte order mark reads its first key) {
  temp_dir dir;
  auto path = dir.path() + "/daemon.env";
  {
    std::ofstream out(path, std::ios::binary);
    out << "\xEF\xBB\xBFSERVER_URL=http://127.0.0.1:1\nPDF_DIRECTORY=/tmp/Orçamento São João\n";
  }
  setting_map file;
  auto err = read_config_file(path, file);
  CAF_REQUIRE(!err);
  CAF_CHECK_EQUAL(file["SERVER_URL"], "http://127.0.0.1:1");
  CAF_CHECK_EQUAL(file["PDF_DIRECTORY"], "/tmp/Orçamento São João");
}

CAF_TEST(each wrong setting is named) {
  temp_dir dir;
  struct row {
    const char* key;
    const char* value; // nullptr: remove it
  };
  row rows[] = {{"SERVER_URL", nullptr},       {"SERVER_URL", "ftp://x"},          {"DAEMON_TOKEN", nullptr},
                {"DAEMON_TOKEN", "a b"},       {"PDF_DIRECTORY", nullptr},         {"PDF_DIRECTORY", "/nonexistent/x"},
                {"PDF_DIRECTORY", "/etc/hostname"}, {"CLIENT_ID", "bad id!"},      {"CHECK_INTERVAL_MINUTES", "0"},
                {"LOG_LEVEL", "loud"},         {"PARSE_WORKERS", "many"},          {"CA_FILE", "/nonexistent.pem"},
                {"QUEUE_LIMIT", "-1"},         {"HEARTBEAT_SECONDS", "1e3"},       {"POLL", "maybe"},
                {"STABLE_MS", "5"},            {"PDF_READER", "/nonexistent/reader"}, {"READER_IDLE_MS", "-1"}};
  for (auto& r : rows) {
    auto s = complete(dir.path());
    if (r.value == nullptr)
      s.erase(r.key);
    else
      s[r.key] = r.value;
    auto out = build_config(s, {}, {});
    CAF_CHECK(!out.config);
    CAF_REQUIRE(out.error);
    CAF_CHECK_EQUAL(out.error->setting, r.key);
  }
}

CAF_TEST(the binary exits 2 with one line naming the setting) {
  temp_dir dir;
  struct row {
    std::vector<std::string> env;
    std::string setting;
  };
  std::vector<row> rows = {
      {{"DAEMON_TOKEN=x", "PDF_DIRECTORY=" + dir.path()}, "SERVER_URL"},
      {{"SERVER_URL=http://127.0.0.1:1", "PDF_DIRECTORY=" + dir.path()}, "DAEMON_TOKEN"},
      {{"SERVER_URL=http://127.0.0.1:1", "DAEMON_TOKEN=x", "PDF_DIRECTORY=" + dir.path() + "/missing"},
       "PDF_DIRECTORY"},
      {{"SERVER_URL=http://127.0.0.1:1", "DAEMON_TOKEN=x", "PDF_DIRECTORY=" + dir.path(), "QUEUE_LIMIT=lots"},
       "QUEUE_LIMIT"},
  };
  int n = 0;
  for (auto& r : rows) {
    auto err = dir.path() + "/err" + std::to_string(++n);
    r.env.push_back("PATH=/usr/bin:/bin");
    child_process p({SIBERIUS_DAEMON_BIN, "--config", "/dev/null"}, r.env, "/dev/null", err);
    CAF_CHECK_EQUAL(p.wait(std::chrono::seconds(10)), 2);
    auto text = read_file(err);
    CAF_CHECK_EQUAL(std::count(text.begin(), text.end(), '\n'), 1);
    CAF_CHECK(text.find("\"setting\":\"" + r.setting + "\"") != std::string::npos);
  }
  // A flag wins over the environment: a good flag repairs a wrong variable.
  auto err = dir.path() + "/err-flag";
  child_process p({SIBERIUS_DAEMON_BIN, "--config", "/dev/null", "--queue-limit", "0"},
                  {"PATH=/usr/bin:/bin", "SERVER_URL=http://127.0.0.1:1", "DAEMON_TOKEN=x",
                   "PDF_DIRECTORY=" + dir.path(), "QUEUE_LIMIT=5"},
                  "/dev/null", err);
  CAF_CHECK_EQUAL(p.wait(std::chrono::seconds(10)), 2);
  CAF_CHECK(read_file(err).find("QUEUE_LIMIT") != std::string::npos);
}
