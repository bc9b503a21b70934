// SHA-256 over bytes that arrive in pieces (OpenSSL EVP), as lowercase hex.
// Used where a file is hashed while it is read or received; and the one
// check of such a digest's text form.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace siberius::daemon {

/// True for a SHA-256 as this project writes it: 64 lowercase hex digits.
inline bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64)
    return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

class sha256_stream {
public:
  sha256_stream() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("OpenSSL cannot start SHA-256");
  }
  void update(const char* data, std::size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  /// The digest of everything so far; call once.
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &length);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned i = 0; i < length; ++i) {
      out += digits[digest[i] >> 4];
      out += digits[digest[i] & 0x0F];
    }
    return out;
  }

private:
  struct free_ctx {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, free_ctx> ctx_;
};

} // namespace siberius::daemon
