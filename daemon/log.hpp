// The daemon logs through the shared structured logger (log/json_log.hpp),
// with one addition: its warn and error lines can also be handed to a tap
// (server_link forwards them to the server as daemon:log). The daemon has its
// own log_level so that its unqualified log_event calls always land here,
// never on siberius::log_event by argument-dependent lookup.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "log/json_log.hpp"

namespace siberius::daemon {

using siberius::now_iso8601;

enum class log_level { debug, info, warn, error };

/// "debug", "info", "warn" or "error".
const char* to_string(log_level level);
/// False for anything but the four names above.
bool parse_log_level(const std::string& text, log_level& out);
/// The level below which lines are dropped; changes the running daemon at once.
void set_log_level(log_level level);
log_level current_log_level();

/// Writes {"ts", "level", "event", ...fields} to stderr (siberius::log_event)
/// and, for a warn or error line that is written, hands a copy to the tap.
/// Events named "log:..." are the forwarding's own and never reach the tap.
void log_event(log_level level, const std::string& event, nlohmann::json fields = nlohmann::json::object());

/// Receives a copy of every forwarded line, on the thread that logged it:
/// keep it short (send a message). An empty function removes the tap; once
/// set_log_tap returns, the old tap is not running and will not run again.
using log_tap = std::function<void(nlohmann::json line)>;
void set_log_tap(log_tap tap);

/// True for the lines the tap sees: warn or error, written at the current
/// level, and not a "log:..." event.
bool is_forwarded(log_level level, const std::string& event);

} // namespace siberius::daemon
