// What people read about tokens: daemon tokens (the credential of an office
// daemon) and API tokens (automation acting as an admin or a technician).
// Pure functions of the server's replies.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace siberius::cli {

/// POST /api/admin/daemon-tokens → the token once, with the .env lines.
/// Throws std::runtime_error when the reply has no token.
std::string render_created_daemon_token(const nlohmann::json& reply);

/// GET /api/admin/daemon-tokens → table (ID, DAEMON, CLIENT ID, NAME, PUBLIC
/// ID, STATE, CREATED, EXPIRES), or a hint when there are none. Throws
/// std::runtime_error without the "tokens" list.
std::string render_daemon_tokens(const nlohmann::json& reply);

/// POST /api/admin/daemons/:id/rotate-token → the new token once, with the
/// .env lines, and when the daemon's previous tokens stop working.
std::string render_rotated_daemon_token(const nlohmann::json& reply);

/// DELETE /api/admin/daemon-tokens/:id → what was revoked, and whether a
/// daemon connected with it was disconnected.
std::string render_revoked_daemon_token(const nlohmann::json& reply);

/// GET /api/admin/api-tokens → table (ID, NAME, ROLE, PUBLIC ID, STATE,
/// CREATED, LAST USED), or a hint when there are none.
std::string render_api_tokens(const nlohmann::json& reply);

/// POST /api/admin/api-tokens → the token once and how to use it.
std::string render_created_api_token(const nlohmann::json& reply);

/// DELETE /api/admin/api-tokens/:id → a confirmation.
std::string render_revoked_api_token(const nlohmann::json& reply);

} // namespace siberius::cli
