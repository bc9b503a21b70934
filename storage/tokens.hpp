// Bearer token format shared by daemon and API tokens: "<16 hex public id>.<64
// hex secret>". The public id finds the row; the SHA-256 of the whole token is
// what the row stores and what is compared, in constant time.
#pragma once

#include <optional>
#include <string>

namespace siberius::storage {

struct token_parts {
  std::string public_id; // 16 lowercase hex digits
};

/// A fresh random token (OpenSSL RAND_bytes); throws if the RNG fails.
std::string generate_token();

/// The public id of a well-formed token, nullopt for anything else.
std::optional<token_parts> split_token(const std::string& token);

/// Constant-time comparison of two hex digests of equal length.
bool same_digest(const std::string& a, const std::string& b);

} // namespace siberius::storage
