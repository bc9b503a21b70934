// Passwords of user accounts: Argon2id (libargon2) in its encoded form
// ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"), which carries its own salt
// and cost, so the cost can be raised later without breaking stored hashes.
// Hashing takes tens of milliseconds and ~19 MiB on purpose: call it from a
// thread that may block (the server's password_worker), never from an I/O
// thread or a cooperative actor.
#pragma once

#include <optional>
#include <string>

namespace siberius::storage {

struct password_cost {
  unsigned time = 2;         // passes
  unsigned memory_kib = 19456; // 19 MiB
  unsigned lanes = 1;
};

/// Why `password` cannot be a password (length 8-256 bytes, no NUL or control
/// characters); nullopt when it can.
std::optional<std::string> unfit_password(const std::string& password);

/// The encoded Argon2id hash of `password` with a fresh 16-byte salt.
/// Throws std::runtime_error if the library or the random source fails.
std::string hash_password(const std::string& password, const password_cost& cost = {});

/// True when `password` matches `encoded` (an Argon2id encoded hash); false
/// for a mismatch or anything that is not such a hash.
bool verify_password(const std::string& encoded, const std::string& password);

/// Spends about the time of a real verification, for logins of unknown
/// accounts: answering them faster would tell which logins exist.
void verify_nothing(const std::string& password);

/// A random password for a new account or a reset: 20 characters from an
/// alphabet without look-alikes (no 0/O, 1/l/I), about 115 bits.
std::string generate_password();

} // namespace siberius::storage
