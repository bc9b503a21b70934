// Where `pdf download` writes: a temporary file beside the target, renamed
// into place only once every byte arrived and its SHA-256 matches the
// server's ETag, so an interrupted or damaged download never sits under the
// real name, and an existing file is replaced only when asked.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cli/http_client.hpp"

namespace siberius::cli {

class download_file : public body_sink {
public:
  /// `chosen` is -o FILE, or "" to take the name the server proposes in
  /// Content-Disposition (made safe), else `fallback`.
  download_file(std::string chosen, std::string fallback, bool overwrite);
  /// Removes the temporary file unless commit() succeeded.
  ~download_file() override;
  download_file(const download_file&) = delete;
  download_file& operator=(const download_file&) = delete;

  void begin(const http_reply& head) override;
  void write(const char* data, std::size_t size) override;

  /// Closes, checks the SHA-256 against the ETag when it is one, and moves
  /// the file into place. Throws std::runtime_error saying what went wrong.
  void commit();

  const std::string& path() const { return path_; }
  std::uint64_t bytes() const { return bytes_; }
  /// Lower-case hex, known after commit().
  const std::string& sha256() const { return sha256_; }

  /// Throws std::runtime_error when `path` exists and `overwrite` is false.
  static void refuse_existing(const std::string& path, bool overwrite);

private:
  struct hasher;

  std::string chosen_;
  std::string fallback_;
  bool overwrite_;
  std::string path_;
  std::string temporary_;
  std::string etag_;
  int fd_ = -1;
  bool committed_ = false;
  std::uint64_t bytes_ = 0;
  std::string sha256_;
  std::unique_ptr<hasher> hash_;
};

} // namespace siberius::cli
