#include "log/rotating_file.hpp"

#include <filesystem>
#include <system_error>

namespace siberius {

namespace {

namespace fs = std::filesystem;

fs::path utf8_path(const std::string& p) {
  // u8path: the bytes are UTF-8 on every platform (wide on Windows).
  return fs::u8path(p);
}

} // namespace

rotating_file::rotating_file(std::string path, std::uint64_t max_bytes, unsigned kept)
    : path_(std::move(path)), max_bytes_(max_bytes), kept_(kept) {}

bool rotating_file::open() {
  std::error_code ec;
  auto p = utf8_path(path_);
  if (p.has_parent_path())
    fs::create_directories(p.parent_path(), ec);
  out_.open(p, std::ios::binary | std::ios::app);
  if (!out_) {
    error_ = "cannot open " + path_ + " for writing";
    return false;
  }
  auto size = fs::file_size(p, ec);
  size_ = ec ? 0 : size;
  return true;
}

static void rotate_one(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::remove(to, ec);
  fs::rename(from, to, ec);
}

void rotating_file::rotate() {
  out_.close();
  std::error_code ec;
  if (kept_ == 0) {
    fs::remove(utf8_path(path_), ec);
  } else {
    fs::remove(utf8_path(path_ + "." + std::to_string(kept_)), ec);
    for (unsigned i = kept_; i > 1; --i)
      rotate_one(utf8_path(path_ + "." + std::to_string(i - 1)), utf8_path(path_ + "." + std::to_string(i)));
    rotate_one(utf8_path(path_), utf8_path(path_ + ".1"));
  }
  size_ = 0;
}

bool rotating_file::write(const std::string& line) {
  if (!out_.is_open() && !open())
    return false;
  if (size_ > 0 && size_ + line.size() > max_bytes_) {
    rotate();
    if (!open())
      return false;
  }
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  out_.flush();
  if (!out_) {
    error_ = "cannot write to " + path_;
    out_.close();
    out_.clear();
    return false;
  }
  size_ += line.size();
  return true;
}

} // namespace siberius
