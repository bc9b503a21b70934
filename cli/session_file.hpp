// The session `login` keeps between runs: a small JSON file, mode 0600,
// {server, token, login, role, expiresAt}. Its path is resolved in
// settings.hpp (session_file_path).
#pragma once

#include <optional>
#include <string>

namespace siberius::cli {

struct stored_session {
  std::string server; // the server URL the token belongs to
  std::string token;
  std::string login;
  std::string role;
  std::string expires_at; // ISO 8601 UTC, as the server said
};

/// The stored session; nullopt when the file does not exist. Throws
/// usage_error when it exists but is unreadable or lacks server or token.
std::optional<stored_session> read_session_file(const std::string& path);

/// Replaces the file atomically (a temporary file renamed over it), mode
/// 0600 whatever the umask, creating missing folders with mode 0700. Throws
/// std::runtime_error naming the path and the reason.
void write_session_file(const std::string& path, const stored_session& session);

/// Deletes the file; false when it did not exist. Throws std::runtime_error
/// when it exists and cannot be deleted.
bool remove_session_file(const std::string& path);

} // namespace siberius::cli
