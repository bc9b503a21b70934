// files.hpp on Linux and macOS.
#include "platform/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#ifdef __APPLE__
#include <mach-o/dyld.h>
#endif

namespace siberius::platform {

namespace {

std::int64_t mtime_ns_of(const struct stat& st) {
#ifdef __APPLE__
  return static_cast<std::int64_t>(st.st_mtimespec.tv_sec) * 1000000000 + st.st_mtimespec.tv_nsec;
#else
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
#endif
}

file_kind kind_of(mode_t mode) {
  return S_ISREG(mode) ? file_kind::regular : S_ISDIR(mode) ? file_kind::directory : file_kind::other;
}

} // namespace

file_status status_of(const std::string& path, std::string* error) {
  file_status out;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (error)
      *error = std::strerror(errno);
    return out;
  }
  out.kind = kind_of(st.st_mode);
  out.size = st.st_size;
  out.mtime_ns = mtime_ns_of(st);
  return out;
}

bool list_folder(const std::string& folder, std::vector<folder_entry>& out, std::string& error, bool* missing) {
  DIR* dir = ::opendir(folder.c_str());
  if (dir == nullptr) {
    error = std::strerror(errno);
    if (missing)
      *missing = errno == ENOENT;
    return false;
  }
  while (auto* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (name == "." || name == "..")
      continue;
    folder_entry entry{std::move(name), file_kind::other};
    if (e->d_type == DT_DIR)
      entry.kind = file_kind::directory;
    else if (e->d_type == DT_REG)
      entry.kind = file_kind::regular;
    else if (e->d_type == DT_UNKNOWN) // some file systems do not say: ask
      entry.kind = status_of(join(folder, entry.name)).kind;
    out.push_back(std::move(entry));
  }
  ::closedir(dir);
  return true;
}

input_file::~input_file() { close(); }

bool input_file::open(const std::string& path, std::string& error) {
  close();
  int fd;
  do
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = S_ISDIR(st.st_mode) ? "not a regular file (a folder)" : "not a regular file";
    ::close(fd);
    return false;
  }
  // O_NONBLOCK only kept open() from waiting on a FIFO; reads of a regular file block as usual.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  fd_ = fd;
  return true;
}

bool input_file::is_open() const { return fd_ >= 0; }

std::int64_t input_file::size() const {
  struct stat st {};
  return ::fstat(fd_, &st) == 0 ? static_cast<std::int64_t>(st.st_size) : -1;
}

long long input_file::read(void* buf, std::size_t n) {
  for (;;) {
    auto got = ::read(fd_, buf, n);
    if (got >= 0)
      return got;
    if (errno != EINTR) {
      error_ = std::strerror(errno);
      return -1;
    }
  }
}

long long input_file::read_at(void* buf, std::size_t n, std::int64_t offset) {
  for (;;) {
    auto got = ::pread(fd_, buf, n, static_cast<off_t>(offset));
    if (got >= 0)
      return got;
    if (errno != EINTR) {
      error_ = std::strerror(errno);
      return -1;
    }
  }
}

void input_file::close() {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
}

bool is_executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

std::string executable_path() {
#ifdef __APPLE__
  char buf[PATH_MAX];
  uint32_t size = sizeof buf;
  if (_NSGetExecutablePath(buf, &size) == 0)
    return canonical_folder(buf);
  return {};
#else
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : self.string();
#endif
}

std::optional<std::string> environment(const char* name) {
  if (const char* v = std::getenv(name))
    return std::string(v);
  return std::nullopt;
}

std::string canonical_folder(const std::string& path) {
  if (char* real = ::realpath(path.c_str(), nullptr)) {
    std::string out = real;
    std::free(real);
    return out;
  }
  return path;
}

std::filesystem::path fs_path(const std::string& utf8) { return std::filesystem::path(utf8); }

std::string last_system_error() { return std::strerror(errno); }

} // namespace siberius::platform
