// The pipe between a reader_process and siberius-pdf-reader: each message is a
// 4-byte big-endian length, then that many bytes (a path one way, pdf_facts
// JSON the other). Shared by both ends so the framing is written once.
#pragma once

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace siberius::daemon::reader_pipe {

inline std::array<unsigned char, 4> encode_length(std::uint32_t n) {
  return {static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
          static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
}

inline std::uint32_t decode_length(const unsigned char* b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
}

/// Writes all `n` bytes (retrying short writes and EINTR); false on error.
inline bool write_all(int fd, const void* buf, std::size_t n) {
  auto* p = static_cast<const char*>(buf);
  while (n > 0) {
    auto put = ::write(fd, p, n);
    if (put < 0 && errno == EINTR)
      continue;
    if (put <= 0)
      return false;
    p += put;
    n -= static_cast<std::size_t>(put);
  }
  return true;
}

/// One message: its length, then its bytes.
inline bool write_message(int fd, const char* data, std::uint32_t size) {
  auto header = encode_length(size);
  return write_all(fd, header.data(), header.size()) && write_all(fd, data, size);
}

} // namespace siberius::daemon::reader_pipe
