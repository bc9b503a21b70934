// When the cache janitor's daily run is due: a civil time of day (02:00) in
// the process's time zone (the tz database through localtime_r, the zone set
// once at start by --janitor-tz). One run per local date: on a
// spring-forward day whose 02:00 does not exist the run is at the first
// instant after the gap; on a fall-back day whose 01:30 happens twice, at
// the first one only. Pure code: the clock is the caller's.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace siberius::actors {

struct time_of_day {
  int hour = 2;
  int minute = 0;
};

/// "HH:MM" (00:00 to 23:59); nullopt otherwise.
std::optional<time_of_day> parse_time_of_day(const std::string& text);

/// The first instant of local date (year, month, day) whose local time is at
/// or past `at` (or whose local date is already the next one).
std::chrono::system_clock::time_point run_instant_on(int year, int month, int day, time_of_day at);

/// The first daily run strictly after `after`.
std::chrono::system_clock::time_point next_daily_run(std::chrono::system_clock::time_point after, time_of_day at);

/// Makes `zone` (an IANA name such as America/Sao_Paulo) the process's local
/// time zone. Call before any thread starts: it sets TZ. False when the tz
/// database has no such zone (the zone is then left as it was).
bool use_time_zone(const std::string& zone);

/// "2026-03-08T03:00:00-04:00": an instant in local time with its offset, for logs.
std::string local_iso8601(std::chrono::system_clock::time_point t);

} // namespace siberius::actors
