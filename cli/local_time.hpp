// Dates and times as people type and read them: in the local time zone (TZ),
// while the API speaks ISO 8601 UTC. Validation here is what turns a bad date
// on the command line into a usage error before anything is sent.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace siberius::cli {

/// Whether `text` is a real calendar date written YYYY-MM-DD.
bool is_calendar_date(std::string_view text);

/// "YYYY-MM-DD" (midnight) or "YYYY-MM-DDTHH:MM" (a space for the T will
/// do), read as local time, as "YYYY-MM-DDTHH:MM:SSZ" in UTC; nullopt when
/// malformed or not a real date and time.
std::optional<std::string> local_to_utc_iso(std::string_view text);

/// A server timestamp as local "YYYY-MM-DD HH:MM"; the text unchanged when it
/// is not a timestamp (a bare date, say); "-" when absent or empty.
std::string format_local_time(const std::optional<std::string>& iso);

/// CLI11 checks: "" when fine, else what is wrong.
std::string check_calendar_date(const std::string& text);
std::string check_local_date_time(const std::string& text);

} // namespace siberius::cli
