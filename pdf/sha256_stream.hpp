// The one SHA-256 of the project (OpenSSL EVP), as lowercase hex: over bytes
// that arrive in pieces (a file hashed while it is read, received or
// downloaded) or over one string (tokens, migrations, cursors, ids); the one
// check of such a digest's text form, and its 32-byte form. Header-only, so
// the server, the daemon (Linux and Windows) and the admin CLI share it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace siberius {

/// True for a SHA-256 as this project writes it: 64 lowercase hex digits.
inline bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64)
    return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

/// A SHA-256 as its 32 bytes (the daemon keeps one per file).
using sha256_bytes = std::array<std::uint8_t, 32>;

/// Lowercase hex of `n` bytes.
inline std::string to_hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0x0F];
  }
  return out;
}

inline std::string sha256_to_hex(const sha256_bytes& bytes) { return to_hex(bytes.data(), bytes.size()); }

/// False unless `hex` is a SHA-256 as this project writes it (is_sha256_hex).
inline bool sha256_from_hex(std::string_view hex, sha256_bytes& out) {
  if (!is_sha256_hex(hex))
    return false;
  auto value = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::uint8_t>(value(hex[2 * i]) * 16 + value(hex[2 * i + 1]));
  return true;
}

class sha256_stream {
public:
  sha256_stream() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("OpenSSL cannot start SHA-256");
  }
  void update(const char* data, std::size_t size) {
    if (EVP_DigestUpdate(ctx_.get(), data, size) != 1)
      throw std::runtime_error("OpenSSL cannot compute SHA-256");
  }
  /// The digest of everything so far; call once.
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), digest, &length) != 1)
      throw std::runtime_error("OpenSSL cannot compute SHA-256");
    return to_hex(digest, length);
  }

private:
  struct free_ctx {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, free_ctx> ctx_;
};

/// The SHA-256 of `data` in one call.
inline std::string sha256_hex(std::string_view data) {
  sha256_stream digest;
  digest.update(data.data(), data.size());
  return digest.hex();
}

} // namespace siberius
