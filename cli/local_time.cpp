#include "cli/local_time.hpp"

#include <cctype>
#include <ctime>

#include <date/date.h>

#include "cli/time_ago.hpp"

namespace siberius::cli {

namespace {

struct civil_time {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
};

bool read_number(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size())
    return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool real_date(int y, int m, int d) {
  return y >= 1 && date::year_month_day(date::year(y), date::month(static_cast<unsigned>(m)),
                                        date::day(static_cast<unsigned>(d)))
                       .ok();
}

std::optional<civil_time> parse_date(std::string_view s) {
  civil_time t;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !read_number(s, 0, 4, t.year) ||
      !read_number(s, 5, 2, t.month) || !read_number(s, 8, 2, t.day) || !real_date(t.year, t.month, t.day))
    return std::nullopt;
  return t;
}

std::optional<civil_time> parse_date_time(std::string_view s) {
  auto t = parse_date(s);
  if (!t)
    return std::nullopt;
  if (s.size() == 10)
    return t;
  if (s.size() != 16 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || !read_number(s, 11, 2, t->hour) ||
      !read_number(s, 14, 2, t->minute) || t->hour > 23 || t->minute > 59)
    return std::nullopt;
  return t;
}

} // namespace

bool is_calendar_date(std::string_view text) { return text.size() == 10 && parse_date(text).has_value(); }

std::optional<std::string> local_to_utc_iso(std::string_view text) {
  auto t = parse_date_time(text);
  if (!t)
    return std::nullopt;
  std::tm local{};
  local.tm_year = t->year - 1900;
  local.tm_mon = t->month - 1;
  local.tm_mday = t->day;
  local.tm_hour = t->hour;
  local.tm_min = t->minute;
  local.tm_isdst = -1; // the zone's rules decide
  std::time_t when = std::mktime(&local);
  std::tm utc{};
  if (when == static_cast<std::time_t>(-1) || ::gmtime_r(&when, &utc) == nullptr)
    return std::nullopt;
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(buf);
}

std::string format_local_time(const std::optional<std::string>& iso) {
  if (!iso || iso->empty())
    return "-";
  auto t = parse_iso8601(*iso);
  if (!t)
    return *iso;
  std::time_t when = wall_clock::to_time_t(*t);
  std::tm local{};
  if (::localtime_r(&when, &local) == nullptr)
    return *iso;
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
  return buf;
}

std::string check_calendar_date(const std::string& text) {
  return is_calendar_date(text) ? std::string() : "expected a date YYYY-MM-DD, got \"" + text + "\"";
}

std::string check_local_date_time(const std::string& text) {
  return local_to_utc_iso(text) ? std::string()
                                : "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time), got \"" + text + "\"";
}

} // namespace siberius::cli
