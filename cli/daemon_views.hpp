// What people read: the server's JSON turned into text. Pure functions of the
// reply (and of "now"), so tests check exactly what a user sees.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/time_ago.hpp"

namespace siberius::cli {

/// GET /api/admin/daemons → aligned table (NAME, CLIENT ID, STATUS, REMOTE
/// ADDR, VERSION, LAST SEEN, PDFS), or a hint when there are none. Throws
/// std::runtime_error when the reply lacks the "daemons" array.
std::string render_daemons(const nlohmann::json& reply, wall_clock::time_point now);

/// POST /api/admin/daemon-tokens → the token once, with the .env lines.
/// Throws std::runtime_error when the reply has no token.
std::string render_created_daemon_token(const nlohmann::json& reply);

/// GET /health/detailed → a short summary and the daemons table.
std::string render_health(const nlohmann::json& reply, wall_clock::time_point now);

/// True when a /health/detailed reply says the server and its database are up.
bool health_is_ok(const nlohmann::json& reply);

} // namespace siberius::cli
