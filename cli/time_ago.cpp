#include "cli/time_ago.hpp"

#include <cctype>

#include <date/date.h>

namespace siberius::cli {

namespace {

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size())
    return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

} // namespace

std::optional<wall_clock::time_point> parse_iso8601(std::string_view s) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, pos, 4, year) || !expect(s, pos, '-') || !digits(s, pos, 2, month) || !expect(s, pos, '-') ||
      !digits(s, pos, 2, day))
    return std::nullopt;
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' '))
    return std::nullopt;
  ++pos;
  if (!digits(s, pos, 2, hour) || !expect(s, pos, ':') || !digits(s, pos, 2, minute) || !expect(s, pos, ':') ||
      !digits(s, pos, 2, second))
    return std::nullopt;
  // A proleptic Gregorian date: no time zone or locale state is involved.
  date::year_month_day civil{date::year(year), date::month(static_cast<unsigned>(month)),
                             date::day(static_cast<unsigned>(day))};
  if (!civil.ok() || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  std::int64_t micros = 0;
  if (expect(s, pos, '.')) {
    std::size_t start = pos;
    std::int64_t scale = 100000;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      micros += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start)
      return std::nullopt;
  }
  std::int64_t offset_seconds = 0;
  if (pos < s.size()) {
    char sign = s[pos];
    if (sign == 'Z' || sign == 'z') {
      ++pos;
    } else if (sign == '+' || sign == '-') {
      ++pos;
      int oh = 0, om = 0;
      if (!digits(s, pos, 2, oh))
        return std::nullopt;
      if (expect(s, pos, ':')) {
        if (!digits(s, pos, 2, om))
          return std::nullopt;
      } else if (pos < s.size() && !digits(s, pos, 2, om)) {
        return std::nullopt;
      }
      if (oh > 23 || om > 59)
        return std::nullopt;
      offset_seconds = (oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size())
    return std::nullopt;
  auto since_midnight = std::chrono::seconds(hour * 3600 + minute * 60 + second - offset_seconds);
  return wall_clock::time_point(std::chrono::duration_cast<wall_clock::duration>(
      date::sys_days(civil).time_since_epoch() + since_midnight + std::chrono::microseconds(micros)));
}

std::string format_age(std::chrono::seconds age) {
  std::int64_t s = age.count();
  bool future = s < 0;
  std::int64_t a = future ? -s : s;
  if (a < 1)
    return "just now";
  std::string amount;
  if (a < 60)
    amount = std::to_string(a) + "s";
  else if (a < 3600)
    amount = std::to_string(a / 60) + "m";
  else if (a < 86400)
    amount = std::to_string(a / 3600) + "h";
  else if (a < 365 * 86400)
    amount = std::to_string(a / 86400) + "d";
  else
    amount = std::to_string(a / (365 * 86400)) + "y";
  return future ? "in " + amount : amount + " ago";
}

std::string describe_time_ago(const std::optional<std::string>& iso, wall_clock::time_point now) {
  if (!iso || iso->empty())
    return "never";
  auto t = parse_iso8601(*iso);
  if (!t)
    return *iso;
  return format_age(std::chrono::duration_cast<std::chrono::seconds>(now - *t));
}

} // namespace siberius::cli
