#include "cli/download_file.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/content_disposition.hpp"
#include "pdf/sha256_stream.hpp"
#include "platform/durable_file.hpp"

namespace siberius::cli {

struct download_file::hasher : sha256_stream {};

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("cannot " + what + " " + path + ": " + std::strerror(errno));
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// The ETag the server sends is the file's SHA-256, quoted; anything else
// (a weak or opaque tag) is not a checksum and is not checked.
std::string sha256_of_etag(std::string tag) {
  if (tag.rfind("W/", 0) == 0)
    return "";
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"')
    tag = tag.substr(1, tag.size() - 2);
  if (tag.size() != 64)
    return "";
  for (auto& c : tag) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return "";
  }
  return tag;
}

// rename() that fails with EEXIST instead of replacing the target.
bool rename_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
    return true;
  if (errno != EINVAL && errno != ENOSYS)
    return false;
  // A file system without RENAME_NOREPLACE: link() refuses an existing name too.
  if (::link(from.c_str(), to.c_str()) != 0)
    return false;
  ::unlink(from.c_str());
  return true;
}

} // namespace

download_file::download_file(std::string chosen, std::string fallback, bool overwrite)
    : chosen_(std::move(chosen)), fallback_(std::move(fallback)), overwrite_(overwrite) {}

download_file::~download_file() {
  if (fd_ >= 0)
    ::close(fd_);
  if (!committed_ && !temporary_.empty())
    ::unlink(temporary_.c_str());
}

void download_file::refuse_existing(const std::string& path, bool overwrite) {
  if (!overwrite && exists(path))
    throw std::runtime_error(path + " already exists; pass --force to replace it, or -o to choose another name");
}

void download_file::begin(const http_reply& head) {
  if (chosen_.empty()) {
    auto it = head.headers.find("content-disposition");
    path_ = safe_download_name(
        it == head.headers.end() ? std::nullopt : filename_from_content_disposition(it->second), fallback_);
  } else {
    path_ = chosen_;
  }
  refuse_existing(path_, overwrite_);
  if (auto it = head.headers.find("etag"); it != head.headers.end())
    etag_ = it->second;

  auto slash = path_.rfind('/');
  std::string folder = slash == std::string::npos ? "" : path_.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path_ : path_.substr(slash + 1);
  temporary_ = folder + "." + base + ".part-" + std::to_string(::getpid());
  fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    auto failed = temporary_;
    temporary_.clear(); // not ours to delete
    fail("create", failed);
  }
  hash_ = std::make_unique<hasher>();
}

void download_file::write(const char* data, std::size_t size) {
  hash_->update(data, size);
  std::size_t done = 0;
  while (done < size) {
    auto n = ::write(fd_, data + done, size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      fail("write", temporary_);
    done += static_cast<std::size_t>(n);
  }
  bytes_ += size;
}

void download_file::commit() {
  if (fd_ < 0)
    throw std::runtime_error("nothing was downloaded");
  int fd = fd_;
  fd_ = -1;
  // On disk before it takes the name: a crash never leaves a short PDF there.
  std::string why;
  bool synced = platform::sync_file(fd, why);
  int sync_error = errno;
  if (::close(fd) != 0)
    fail("write", temporary_);
  if (!synced) {
    errno = sync_error;
    fail("write", temporary_);
  }
  sha256_ = hash_->hex();
  auto expected = sha256_of_etag(etag_);
  if (!expected.empty() && expected != sha256_)
    throw std::runtime_error("the download is damaged: its SHA-256 is " + sha256_ + ", the server's is " + expected +
                             "; nothing was saved, try again");
  if (overwrite_) {
    if (::rename(temporary_.c_str(), path_.c_str()) != 0)
      fail("write", path_);
  } else if (!rename_no_replace(temporary_, path_)) {
    if (errno == EEXIST)
      refuse_existing(path_, false);
    fail("write", path_);
  }
  committed_ = true;
  if (!platform::sync_folder(platform::folder_of(path_), why))
    throw std::runtime_error("cannot write " + path_ + ": its folder could not be synced: " + why);
}

} // namespace siberius::cli
