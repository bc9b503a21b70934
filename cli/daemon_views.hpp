// What people read: the server's JSON turned into text. Pure functions of the
// reply (and of "now"), so tests check exactly what a user sees.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/time_ago.hpp"

namespace siberius::cli {

/// GET /api/admin/daemons → aligned table (ID, NAME, CLIENT ID, STATUS,
/// REMOTE ADDR, VERSION, LAST SEEN, PDFS), or a hint when there are none.
/// Throws std::runtime_error when the reply lacks the "daemons" array.
std::string render_daemons(const nlohmann::json& reply, wall_clock::time_point now);

/// "daemon 3 (office-sp)" from a reply's id and clientId.
std::string describe_daemon(const nlohmann::json& reply);

/// Settings as "key=value key=value" ("-" when none): a daemon's config.
std::string compact_settings(const nlohmann::json& settings);

/// POST /api/admin/daemons/:id/resync → what the daemon does now.
std::string render_resync_started(const nlohmann::json& reply);

/// POST /api/admin/daemons/:id/disconnect → a confirmation.
std::string render_daemon_disconnected(const nlohmann::json& reply);

/// POST /api/admin/daemons/:id/block or /unblock (the daemon) → its state now.
std::string render_daemon_blocked(const nlohmann::json& daemon);

/// PUT /api/admin/daemons/:id/config → applied by the daemon (200), or
/// stored until it connects (202); and the settings the server keeps for it.
std::string render_daemon_config(const nlohmann::json& reply);

/// GET /health/detailed → a short summary and the daemons table.
std::string render_health(const nlohmann::json& reply, wall_clock::time_point now);

/// True when a /health/detailed reply says the server and its database are up.
bool health_is_ok(const nlohmann::json& reply);

} // namespace siberius::cli
