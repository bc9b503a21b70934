// Structured logs shared by the server and the daemon: one JSON object per
// line on stderr, {"ts", "level", "event", ...fields}, with a stable event
// name ("daemon:connected", "pdf:broken", ...) so grep, jq and journald can
// read them as they are.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace siberius {

enum class log_level { debug, info, warn, error };

/// Lines below this level are dropped (default: info).
void set_log_level(log_level level);
/// "debug", "info", "warn" or "error"; false for anything else.
bool parse_log_level(const std::string& text, log_level& out);

/// Writes {"ts", "level", "event", ...fields} as one line, atomically with
/// respect to other threads of this process.
void log_event(log_level level, const std::string& event, nlohmann::json fields = nlohmann::json::object());
/// The line log_event writes: {ts, level, event, ...fields} (a field cannot
/// replace ts, level or event).
nlohmann::json log_line(log_level level, const std::string& event, nlohmann::json fields);

/// Where lines go instead of stderr (a log file, the Windows event log):
/// called with each complete line, its newline included, one line at a
/// time. An empty writer restores stderr.
using log_writer = std::function<void(log_level level, const std::string& line)>;
void set_log_writer(log_writer writer);

/// Current UTC time as ISO 8601 with milliseconds ("2026-01-03T10:00:00.123Z").
std::string now_iso8601();

} // namespace siberius
