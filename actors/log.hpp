// Structured logs: one JSON object per line on stderr, with a stable event
// name ("daemon:connected", "daemon:auth:failed", ...), so operators can grep
// and ship them as they are.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace siberius::actors {

enum class log_level { debug, info, warn, error };

/// Lines below this level are dropped (default: info).
void set_log_level(log_level level);
bool parse_log_level(const std::string& text, log_level& out);

/// Writes {"ts": ..., "level": ..., "event": event, ...fields} as one line.
void log_event(log_level level, const std::string& event, nlohmann::json fields = nlohmann::json::object());

/// Current UTC time as ISO 8601 with milliseconds ("2026-01-03T10:00:00.123Z").
std::string now_iso8601();

} // namespace siberius::actors
