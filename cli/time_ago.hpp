// "5s ago" / "2h ago" from the server's ISO 8601 timestamps. Pure code: the
// current time is a parameter so tests pin it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siberius::cli {

using wall_clock = std::chrono::system_clock;

/// Parses YYYY-MM-DD[T| ]HH:MM:SS[.fraction][Z|±HH[:MM]] (no offset = UTC)
/// into a time point; nullopt when the text is not such a timestamp or names
/// an impossible date or time.
std::optional<wall_clock::time_point> parse_iso8601(std::string_view text);

/// "just now" under a second, then "42s ago", "17m ago", "5h ago", "12d ago",
/// "3y ago" (365-day years); negative ages (the server's clock ahead of
/// ours) read "in 4s".
std::string format_age(std::chrono::seconds age);

/// For a table cell: "never" when absent, the text itself when it does not
/// parse, else format_age(now - t).
std::string describe_time_ago(const std::optional<std::string>& iso, wall_clock::time_point now);

} // namespace siberius::cli
