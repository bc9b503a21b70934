#include "actors/daily_schedule.hpp"

#include <cstdlib>
#include <ctime>
#include <filesystem>

#include <date/date.h>

namespace siberius::actors {

namespace {

using clock = std::chrono::system_clock;

std::tm local(std::time_t t) {
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return tm;
}

/// The civil date `days` after (year, month, day).
date::year_month_day date_plus(int year, int month, int day, int days) {
  return date::sys_days(date::year(year) / date::month(static_cast<unsigned>(month)) /
                        date::day(static_cast<unsigned>(day))) +
         date::days(days);
}

int compare_date(const std::tm& a, int year, int month, int day) {
  int ka = (a.tm_year + 1900) * 10000 + (a.tm_mon + 1) * 100 + a.tm_mday;
  int kb = year * 10000 + month * 100 + day;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

} // namespace

std::optional<time_of_day> parse_time_of_day(const std::string& text) {
  if (text.size() != 5 || text[2] != ':')
    return std::nullopt;
  for (int i : {0, 1, 3, 4})
    if (text[i] < '0' || text[i] > '9')
      return std::nullopt;
  time_of_day t{(text[0] - '0') * 10 + (text[1] - '0'), (text[3] - '0') * 10 + (text[4] - '0')};
  if (t.hour > 23 || t.minute > 59)
    return std::nullopt;
  return t;
}

clock::time_point run_instant_on(int year, int month, int day, time_of_day at) {
  // mktime's answer for a time that does not exist, or exists twice, is a
  // guess; so start well before midnight and walk minute by minute (zone
  // offsets are whole minutes) to the first instant that reaches `at`.
  std::tm start{};
  start.tm_year = year - 1900;
  start.tm_mon = month - 1;
  start.tm_mday = day;
  start.tm_isdst = -1;
  std::time_t t = ::mktime(&start) - 3 * 3600;
  t -= ((t % 60) + 60) % 60;
  for (int step = 0; step < 30 * 60; ++step, t += 60) {
    auto tm = local(t);
    int c = compare_date(tm, year, month, day);
    if (c > 0 || (c == 0 && (tm.tm_hour > at.hour || (tm.tm_hour == at.hour && tm.tm_min >= at.minute))))
      return clock::from_time_t(t);
  }
  return clock::from_time_t(t); // unreachable: a day has fewer than 30 hours
}

clock::time_point next_daily_run(clock::time_point after, time_of_day at) {
  auto today = local(clock::to_time_t(after));
  for (int d = 0; d < 3; ++d) {
    auto day = date_plus(today.tm_year + 1900, today.tm_mon + 1, today.tm_mday, d);
    auto run = run_instant_on(static_cast<int>(day.year()), static_cast<int>(static_cast<unsigned>(day.month())),
                              static_cast<int>(static_cast<unsigned>(day.day())), at);
    if (run > after)
      return run;
  }
  return after + std::chrono::hours(24); // unreachable
}

bool use_time_zone(const std::string& zone) {
  if (zone.empty() || zone.find("..") != std::string::npos || zone.front() == '/')
    return false;
  const char* dir = std::getenv("TZDIR");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::path(dir ? dir : "/usr/share/zoneinfo") / zone, ec))
    return false;
  ::setenv("TZ", zone.c_str(), 1);
  ::tzset();
  return true;
}

std::string local_iso8601(clock::time_point t) {
  auto tm = local(clock::to_time_t(t));
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
  std::string s = buf; // +hhmm -> +hh:mm
  if (s.size() >= 5)
    s.insert(s.size() - 2, ":");
  return s;
}

} // namespace siberius::actors
