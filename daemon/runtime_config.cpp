#include "daemon/runtime_config.hpp"

namespace siberius::daemon {

namespace {
// 60 yes; 60.5, 60.0 (a float on the wire), "60", true and out of range no.
std::optional<std::int64_t> whole_seconds(const nlohmann::json& value) {
  if (!value.is_number_integer())
    return std::nullopt;
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(max_scan_interval_seconds))
    return std::nullopt;
  auto n = value.get<std::int64_t>();
  if (n < min_scan_interval_seconds || n > max_scan_interval_seconds)
    return std::nullopt;
  return n;
}
} // namespace

nlohmann::json to_json(const runtime_config& config) {
  return {{"scanIntervalSeconds",
           config.scan_interval_seconds ? nlohmann::json(*config.scan_interval_seconds) : nlohmann::json()},
          {"logLevel", to_string(config.level)},
          {"autoUpload", config.auto_upload}};
}

config_update parse_config_update(const nlohmann::json& payload) {
  config_update out;
  if (!payload.is_object()) {
    out.error = "expected {scanIntervalSeconds?, logLevel?, autoUpload?}";
    return out;
  }
  for (auto& [field, value] : payload.items()) {
    if (value.is_null())
      continue;
    if (field == "scanIntervalSeconds") {
      if (auto seconds = whole_seconds(value))
        out.scan_interval_seconds = seconds;
      else
        out.rejected[field] = "expected an integer number of seconds from 5 to 86400";
    } else if (field == "logLevel") {
      log_level level;
      if (value.is_string() && parse_log_level(value.get<std::string>(), level))
        out.level = level;
      else
        out.rejected[field] = "expected one of debug, info, warn, error";
    } else if (field == "autoUpload") {
      if (value.is_boolean())
        out.auto_upload = value.get<bool>();
      else
        out.rejected[field] = "expected true or false";
    } else {
      out.rejected[field] = "not a setting the server can change";
    }
  }
  return out;
}

nlohmann::json config_update_ack(const nlohmann::json& applied, const nlohmann::json& rejected,
                                 const std::string& error) {
  nlohmann::json ack = {{"ok", error.empty() && !(applied.empty() && !rejected.empty())},
                        {"applied", applied.is_object() ? applied : nlohmann::json::object()},
                        {"rejected", rejected.is_object() ? rejected : nlohmann::json::object()}};
  if (!error.empty())
    ack["error"] = error;
  return ack;
}

} // namespace siberius::daemon
