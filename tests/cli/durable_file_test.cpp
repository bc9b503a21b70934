// platform::write_file_atomically, which writes credentials.json, the CLI's
// session file and every other file that must be private and whole.
#define CAF_SUITE durable_file
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../support/temp_dir.hpp"
#include "platform/durable_file.hpp"

using namespace siberius;
namespace fs = std::filesystem;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return 0;
  return st.st_mode & 0777;
}

std::vector<std::string> names_in(const std::string& folder) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(folder))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// Runs with a umask that would leave new files open to everyone.
struct open_umask {
  mode_t old = ::umask(0);
  ~open_umask() { ::umask(old); }
};

} // namespace

CAF_TEST(a secret is created private whatever the umask and nothing else is left) {
  testing::temp_dir dir;
  open_umask um;
  auto path = dir.path() + "/credentials.json";
  platform::write_file_atomically(path, "{\"adminToken\":\"t1\"}\n", 0600);
  CAF_CHECK_EQUAL(read(path), "{\"adminToken\":\"t1\"}\n");
  CAF_CHECK_EQUAL(mode_of(path), 0600u);
  CAF_CHECK_EQUAL(names_in(dir.path()), std::vector<std::string>{"credentials.json"});
}

CAF_TEST(replacing a file gives the new content and the asked mode) {
  testing::temp_dir dir;
  auto path = dir.write("credentials.json", "old and longer content");
  ::chmod(path.c_str(), 0644);
  platform::write_file_atomically(path, "new", 0600);
  CAF_CHECK_EQUAL(read(path), "new");
  CAF_CHECK_EQUAL(mode_of(path), 0600u);
  platform::write_file_atomically(path, "", 0640);
  CAF_CHECK_EQUAL(read(path), "");
  CAF_CHECK_EQUAL(mode_of(path), 0640u);
  CAF_CHECK_EQUAL(names_in(dir.path()), std::vector<std::string>{"credentials.json"});
}

CAF_TEST(a file that cannot be written is a clear error naming it) {
  testing::temp_dir dir;
  auto path = dir.path() + "/no-such-folder/credentials.json";
  std::string error;
  try {
    platform::write_file_atomically(path, "x", 0600);
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  CAF_CHECK_EQUAL(error, "cannot write " + path + ": No such file or directory");
  // A folder in the way of the final name: the rename fails, the temporary goes.
  fs::create_directory(dir.path() + "/taken");
  fs::create_directory(dir.path() + "/taken/inside");
  try {
    platform::write_file_atomically(dir.path() + "/taken", "x", 0600);
    error.clear();
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  CAF_CHECK(error.rfind("cannot replace " + dir.path() + "/taken: ", 0) == 0);
  CAF_CHECK_EQUAL(names_in(dir.path()), std::vector<std::string>{"taken"});
}
