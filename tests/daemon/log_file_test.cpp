// LOG_FILE: the daemon's log in a file that is rotated, never grows past its
// limit, keeps the newest lines, and creates its folder (the Windows
// service's %ProgramData%\Siberius\logs\daemon.log).
#define CAF_SUITE daemon_log_file
#include "caf/test/unit_test.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../support/temp_dir.hpp"
#include "log/json_log.hpp"
#include "log/rotating_file.hpp"

using siberius::testing::temp_dir;
namespace fs = std::filesystem;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
std::string line(int i) { // 20 bytes
  char buf[32];
  std::snprintf(buf, sizeof buf, "line %013d\n", i);
  return buf;
}
} // namespace

CAF_TEST(the file is rotated at its limit and only the newest files are kept) {
  temp_dir dir;
  auto path = dir.path() + "/logs/daemon.log"; // the folder does not exist yet
  siberius::rotating_file file(path, 100, 2);
  for (int i = 0; i < 20; ++i)
    CAF_REQUIRE(file.write(line(i)));
  // 5 lines fit in 100 bytes: 20 lines make 4 files, of which the newest 3 stay.
  CAF_CHECK_EQUAL(slurp(path), line(15) + line(16) + line(17) + line(18) + line(19));
  CAF_CHECK_EQUAL(slurp(path + ".1"), line(10) + line(11) + line(12) + line(13) + line(14));
  CAF_CHECK_EQUAL(slurp(path + ".2"), line(5) + line(6) + line(7) + line(8) + line(9));
  CAF_CHECK(!fs::exists(path + ".3"));
  for (auto& e : fs::directory_iterator(dir.path() + "/logs"))
    CAF_CHECK_LESS_OR_EQUAL(fs::file_size(e.path()), 100u);
}

CAF_TEST(a file already there is appended to and counts toward the limit) {
  temp_dir dir;
  auto path = dir.path() + "/daemon.log";
  { std::ofstream(path) << std::string(90, 'x') << "\n"; }
  siberius::rotating_file file(path, 100, 1);
  CAF_REQUIRE(file.write(line(1))); // 91 + 20 > 100: rotates first
  CAF_CHECK_EQUAL(slurp(path), line(1));
  CAF_CHECK_EQUAL(slurp(path + ".1").size(), 91u);
}

CAF_TEST(an unwritable place is an error not a crash) {
  temp_dir dir;
  { std::ofstream(dir.path() + "/file") << "x"; }
  siberius::rotating_file file(dir.path() + "/file/daemon.log", 100, 1); // under a file: no folder possible
  CAF_CHECK(!file.write(line(1)));
  CAF_CHECK(file.error().find("cannot open") != std::string::npos);
}

CAF_TEST(log lines go to the writer instead of stderr) {
  std::vector<std::string> seen;
  siberius::set_log_writer([&](siberius::log_level, const std::string& l) { seen.push_back(l); });
  siberius::log_event(siberius::log_level::warn, "test:line", {{"n", 1}});
  siberius::set_log_writer(nullptr);
  CAF_REQUIRE_EQUAL(seen.size(), 1u);
  CAF_CHECK(seen[0].find("\"event\":\"test:line\"") != std::string::npos);
  CAF_CHECK(seen[0].back() == '\n');
}
