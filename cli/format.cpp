#include "cli/format.hpp"

#include <cmath>
#include <cstdio>

namespace siberius::cli {

std::string format_duration(std::int64_t s) {
  if (s < 0)
    s = 0;
  auto part = [](std::int64_t n, const char* unit) { return std::to_string(n) + unit; };
  if (s < 60)
    return part(s, "s");
  if (s < 3600)
    return part(s / 60, "m") + " " + part(s % 60, "s");
  if (s < 86400)
    return part(s / 3600, "h") + " " + part(s % 3600 / 60, "m");
  return part(s / 86400, "d") + " " + part(s % 86400 / 3600, "h");
}

std::string format_bytes(double bytes) {
  if (!std::isfinite(bytes) || bytes < 0)
    return "-";
  static const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024)
    return std::to_string(static_cast<long long>(bytes)) + " B";
  double value = bytes / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", value, units[unit]);
  return buf;
}

std::string cell_text(const nlohmann::json& object, const char* key) {
  if (!object.is_object())
    return "-";
  auto it = object.find(key);
  if (it == object.end() || it->is_null())
    return "-";
  if (it->is_string())
    return it->get<std::string>().empty() ? "-" : it->get<std::string>();
  if (it->is_boolean())
    return it->get<bool>() ? "yes" : "no";
  if (it->is_number_float()) {
    double v = it->get<double>();
    if (std::floor(v) == v && std::fabs(v) < 1e15)
      return std::to_string(static_cast<long long>(v));
  }
  return it->dump();
}

const nlohmann::json& json_member(const nlohmann::json& object, const char* key) {
  static const nlohmann::json none;
  if (!object.is_object())
    return none;
  auto it = object.find(key);
  return it == object.end() ? none : *it;
}

std::optional<std::string> string_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object())
    return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string())
    return std::nullopt;
  return it->get<std::string>();
}

std::optional<double> number_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object())
    return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number())
    return std::nullopt;
  return it->get<double>();
}

} // namespace siberius::cli
