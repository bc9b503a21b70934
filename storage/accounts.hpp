// User accounts, sessions and the audit log, as metadata_store reads and
// writes them (accounts.cpp). Passwords arrive here already hashed
// (storage/passwords.hpp); session tokens leave here once and are stored as
// their SHA-256, like every other token.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace siberius::storage {

/// Who is asking, once a bearer token checked out.
struct api_principal {
  std::int64_t token_id = 0; // the session's or the API token's row
  std::int64_t user_id = 0;  // 0 for an API token (automation)
  std::string name;          // the user's login, or the API token's name
  std::string role;          // admin | tecnico
  std::string via;           // session | api_token
  std::string expires_at;    // a session's end, ISO 8601 UTC ("" for API tokens)
  std::int64_t expires_epoch = 0; // the same in seconds since 1970 (0: never)
  bool admin() const { return role == "admin"; }
};

/// What a login needs of an account.
struct login_account {
  std::int64_t id = 0;
  std::string login, nome, role, password_hash;
  bool disabled = false;
};

struct session_request {
  std::int64_t user_id = 0;
  std::chrono::seconds ttl{std::chrono::hours(12)};
  std::string remote_addr, user_agent;
};

struct issued_session {
  std::int64_t id = 0;
  std::string token;      // shown once, never stored
  std::string expires_at; // ISO 8601 UTC
};

struct new_user {
  std::string login, nome, role, password_hash;
};

/// One line of the audit log.
struct audit_entry {
  std::optional<std::string> actor, actor_role, target, ip;
  std::string action;
  std::string outcome = "ok"; // ok | denied | failed
  nlohmann::json details = nlohmann::json::object();
};

/// Why `login` cannot name an account (1-100 characters of letters, digits,
/// '.', '_', '-', '@'); nullopt when it can.
std::optional<std::string> unfit_login(const std::string& login);

} // namespace siberius::storage
