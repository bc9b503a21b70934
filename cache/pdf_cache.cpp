#include "cache/pdf_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>

#include "platform/durable_file.hpp"

namespace siberius::cache {

namespace fs = std::filesystem;

namespace {

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

/// The file's bytes, then its new name (and the month folders when
/// `created_folders`) are on disk before this returns true. On false `why`
/// says what failed and `to` does not exist.
bool durable_rename(const std::string& from, const std::string& to, bool created_folders, std::string& why) {
  int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = std::strerror(errno);
    return false;
  }
  bool synced = platform::sync_file(fd, why);
  ::close(fd);
  if (!synced)
    return false;
  if (::rename(from.c_str(), to.c_str()) != 0) {
    why = std::strerror(errno);
    return false;
  }
  auto folder = fs::path(to).parent_path();
  bool ok = platform::sync_folder(folder.string(), why);
  // New YYYY/ and YYYY/MM/ folders are names in their parents too.
  if (ok && created_folders)
    ok = platform::sync_folder(folder.parent_path().string(), why) &&
         platform::sync_folder(folder.parent_path().parent_path().string(), why);
  if (!ok)
    ::unlink(to.c_str());
  return ok;
}

} // namespace

partial_file open_partial(const std::string& storage_dir, const std::string& file_hash, std::string& why) {
  auto tmp = fs::path(storage_dir) / partial_folder;
  std::error_code ec;
  fs::create_directories(tmp, ec);
  partial_file f;
  f.path = (tmp / (file_hash + "." + random_suffix() + ".part")).string();
  f.fd = ::open(f.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (f.fd < 0) {
    why = std::strerror(errno);
    f.path.clear();
  }
  return f;
}

bool append(int fd, const char* p, std::size_t n, std::string& why) {
  while (n > 0) {
    auto put = ::write(fd, p, n);
    if (put < 0 && errno == EINTR)
      continue;
    if (put <= 0) {
      why = std::strerror(errno);
      return false;
    }
    p += put;
    n -= static_cast<std::size_t>(put);
  }
  return true;
}

std::string store_copy(const std::string& storage_dir, const std::string& partial, const std::string& file_hash,
                       const std::string& filename, std::string& why) {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char month[16];
  std::strftime(month, sizeof month, "%Y/%m", &utc);
  auto dir = fs::path(storage_dir) / month;
  std::error_code ec;
  bool created = fs::create_directories(dir, ec);
  auto final_path = (dir / (file_hash + "-" + random_suffix() + "_" + safe_file_name(filename))).string();
  why = ec ? ec.message() : std::string();
  if (!ec && !durable_rename(partial, final_path, created, why) && why.empty())
    why = "unknown error";
  return why.empty() ? final_path : std::string();
}

void discard(const std::string& path) {
  if (!path.empty())
    ::unlink(path.c_str());
}

removal remove_copy(const std::string& path) {
  removal r;
  struct stat st{};
  bool present = ::stat(path.c_str(), &st) == 0;
  if (::unlink(path.c_str()) == 0) {
    r.removed = true;
    r.bytes = present ? static_cast<std::uint64_t>(st.st_size) : 0;
  } else if (errno != ENOENT) {
    r.error = std::strerror(errno);
  }
  return r;
}

std::size_t remove_stale_partials(const std::string& storage_dir, std::chrono::minutes age,
                                  std::vector<std::string>& errors) {
  std::error_code ec;
  std::size_t removed = 0;
  auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(fs::path(storage_dir) / partial_folder, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().extension() != ".part")
      continue;
    std::error_code e2;
    auto written = fs::last_write_time(it->path(), e2);
    if (e2 || now - written <= age)
      continue;
    if (fs::remove(it->path(), e2))
      ++removed;
    else if (e2)
      errors.push_back("remove " + it->path().string() + ": " + e2.message());
  }
  return removed;
}

bool on_disk(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::string safe_file_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    bool keep = std::isalnum(c) || c == '.' || c == '-' || c == '_';
    char ch = keep ? static_cast<char>(c) : '_';
    if (ch == '_' && !out.empty() && out.back() == '_')
      continue;
    out += ch;
  }
  while (!out.empty() && out.front() == '.')
    out.erase(0, 1); // never a hidden file
  if (out.size() > 100)
    out = out.substr(out.size() - 100);
  return out.empty() ? "document.pdf" : out;
}

} // namespace siberius::cache
