#include "storage/passwords.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace siberius::storage {

namespace {

constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;

} // namespace

std::optional<std::string> unfit_password(const std::string& password) {
  if (password.size() < 8)
    return std::string("password: at least 8 characters");
  if (password.size() > 256)
    return std::string("password: at most 256 bytes");
  for (unsigned char c : password)
    if (c < 0x20 || c == 0x7f)
      return std::string("password: no control characters");
  return std::nullopt;
}

std::string hash_password(const std::string& password, const password_cost& cost) {
  unsigned char salt[salt_bytes];
  if (RAND_bytes(salt, sizeof salt) != 1)
    throw std::runtime_error("no random bytes for a password salt");
  auto length = argon2_encodedlen(cost.time, cost.memory_kib, cost.lanes, salt_bytes, hash_bytes, Argon2_id);
  std::vector<char> encoded(length);
  auto rc = argon2id_hash_encoded(cost.time, cost.memory_kib, cost.lanes, password.data(), password.size(), salt,
                                  salt_bytes, hash_bytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK)
    throw std::runtime_error(std::string("argon2id: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool verify_password(const std::string& encoded, const std::string& password) {
  if (encoded.rfind("$argon2id$", 0) != 0)
    return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

void verify_nothing(const std::string& password) {
  // A fixed hash of a random string at the default cost.
  static const std::string decoy = hash_password(generate_password());
  (void) verify_password(decoy, password);
}

std::string generate_password() {
  static constexpr char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  constexpr unsigned n = sizeof alphabet - 1; // 56
  std::string out;
  while (out.size() < 20) {
    unsigned char b[32];
    if (RAND_bytes(b, sizeof b) != 1)
      throw std::runtime_error("no random bytes for a password");
    for (unsigned char c : b)
      if (c < 224 && out.size() < 20) // 224 = 4 * 56: no bias
        out += alphabet[c % n];
  }
  return out;
}

} // namespace siberius::storage
