#include "storage/tokens.hpp"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "storage/metadata_store.hpp"

namespace siberius::storage {

namespace {

constexpr std::size_t public_id_bytes = 8;
constexpr std::size_t secret_bytes = 32;

std::string random_hex(std::size_t bytes) {
  unsigned char buf[64];
  if (bytes > sizeof(buf) || RAND_bytes(buf, static_cast<int>(bytes)) != 1)
    throw std::runtime_error("cannot generate a token: the system random generator failed");
  return to_hex(buf, bytes);
}

bool is_lower_hex(const std::string& s, std::size_t from, std::size_t n) {
  for (std::size_t i = from; i < from + n; ++i) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  }
  return true;
}

} // namespace

std::string generate_token() {
  return random_hex(public_id_bytes) + "." + random_hex(secret_bytes);
}

std::optional<token_parts> split_token(const std::string& token) {
  constexpr std::size_t id_len = public_id_bytes * 2, secret_len = secret_bytes * 2;
  if (token.size() != id_len + 1 + secret_len || token[id_len] != '.')
    return std::nullopt;
  if (!is_lower_hex(token, 0, id_len) || !is_lower_hex(token, id_len + 1, secret_len))
    return std::nullopt;
  return token_parts{token.substr(0, id_len)};
}

bool same_digest(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace siberius::storage
