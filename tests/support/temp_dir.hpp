// A private scratch folder for one test, removed with everything in it.
#pragma once

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

namespace siberius::testing {

class temp_dir {
public:
  temp_dir() {
    std::string pattern = "/tmp/siberius-cli-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    ::nftw(path_.c_str(), [](const char* p, const struct stat*, int, struct FTW*) { return ::remove(p); }, 16,
           FTW_DEPTH | FTW_PHYS);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const { return path_; }

  /// Writes `content` to path()/name (creating one level of sub folder) and
  /// returns the full path.
  std::string write(const std::string& name, const std::string& content) const {
    auto slash = name.find('/');
    if (slash != std::string::npos)
      ::mkdir((path_ + "/" + name.substr(0, slash)).c_str(), 0700);
    std::string full = path_ + "/" + name;
    std::ofstream out(full, std::ios::binary | std::ios::trunc);
    out << content;
    return full;
  }

private:
  std::string path_;
};

/// Runs with the working directory changed, restoring it afterwards.
class scoped_cwd {
public:
  explicit scoped_cwd(const std::string& dir) {
    char buf[4096];
    if (::getcwd(buf, sizeof buf) == nullptr || ::chdir(dir.c_str()) != 0)
      throw std::runtime_error("cannot change directory to " + dir);
    old_ = buf;
  }
  ~scoped_cwd() { (void)::chdir(old_.c_str()); }

private:
  std::string old_;
};

} // namespace siberius::testing
