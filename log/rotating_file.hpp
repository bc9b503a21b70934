// A log file that never grows past a size: when the next line would take it
// over `max_bytes`, name.log becomes name.log.1 (name.log.1 becomes .2, and
// so on), the oldest beyond `kept` is removed, and a new name.log starts. The
// daemon writes to one when it runs as a Windows service (LOG_FILE).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

namespace siberius {

class rotating_file {
public:
  /// `path` is UTF-8. Missing folders are created.
  rotating_file(std::string path, std::uint64_t max_bytes, unsigned kept);

  /// Appends `line` and flushes it; false (and `error()` says why) when the
  /// file cannot be written.
  bool write(const std::string& line);
  const std::string& error() const { return error_; }

private:
  bool open();
  void rotate();

  std::string path_;
  std::uint64_t max_bytes_;
  unsigned kept_;
  std::ofstream out_;
  std::uint64_t size_ = 0;
  std::string error_;
};

} // namespace siberius
