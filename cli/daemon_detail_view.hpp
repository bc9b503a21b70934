// `daemons show`: one daemon in full, from GET /api/admin/daemons/:id. Pure
// function of the reply and of "now", so tests check exactly what is shown.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/time_ago.hpp"

namespace siberius::cli {

/// How many of the reply's recentEvents (newest first) the view shows.
constexpr std::size_t daemon_events_shown = 20;

/// The daemon's fields, its PDF counts by status, its tokens and its latest
/// events (time, level, the event's `event` or `message`, the rest compact).
/// Throws std::runtime_error when the reply is not a daemon object.
std::string render_daemon_detail(const nlohmann::json& daemon, wall_clock::time_point now);

} // namespace siberius::cli
