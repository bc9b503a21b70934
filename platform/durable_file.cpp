#include "platform/durable_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace siberius::platform {

namespace {

[[noreturn]] void fail(const std::string& step, const std::string& file, int error) {
  throw std::runtime_error("cannot " + step + " " + file + ": " + std::strerror(error));
}

/// A name in the folder of `path` no other writer uses: hidden, with the
/// process id and a counter (O_EXCL refuses a leftover of the same name).
std::string temporary_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  auto folder = folder_of(path);
  auto slash = path.rfind('/');
  auto base = slash == std::string::npos ? path : path.substr(slash + 1);
  auto name = "." + base + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  return slash == std::string::npos ? name : folder + "/" + name;
}

} // namespace

std::string folder_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool sync_file(int fd, std::string& error) {
  int rc;
  do
    rc = ::fsync(fd);
  while (rc != 0 && errno == EINTR);
  if (rc != 0)
    error = std::strerror(errno);
  return rc == 0;
}

bool sync_folder(const std::string& folder, std::string& error) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  bool ok = sync_file(fd, error);
  ::close(fd);
  return ok;
}

void write_file_atomically(const std::string& path, std::string_view content, unsigned mode) {
  auto temporary = temporary_name(path);
  // Created with its final mode: a secret is never readable by others, not
  // even between open() and a chmod.
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    fail("write", path, errno);
  auto abandon = [&](const std::string& step, int error) {
    ::close(fd);
    ::unlink(temporary.c_str());
    fail(step, path, error);
  };
  // The umask may have narrowed `mode`; the caller asked for exactly it.
  if (::fchmod(fd, mode) != 0)
    abandon("protect", errno);
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    auto n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      abandon("write", n < 0 ? errno : EIO);
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  std::string error;
  if (!sync_file(fd, error))
    abandon("write", errno);
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(temporary.c_str());
    fail("write", path, e);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(temporary.c_str());
    fail("replace", path, e);
  }
  if (!sync_folder(folder_of(path), error))
    throw std::runtime_error("cannot write " + path + ": its folder could not be synced: " + error);
}

} // namespace siberius::platform
