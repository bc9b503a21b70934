// The settings the server may change at runtime (daemon:config_update): what
// the daemon reports in each heartbeat and how an update is validated. Pure
// code; server_link applies the result. Nothing is written to disk: a
// restart goes back to the configuration file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/log.hpp"

namespace siberius::daemon {

constexpr std::int64_t min_scan_interval_seconds = 5;
constexpr std::int64_t max_scan_interval_seconds = 86400;

/// The effective runtime settings, as the heartbeat reports them.
struct runtime_config {
  /// The watcher's periodic full rescan (the safety rescan, or the polling
  /// period when polling); unknown until the watcher has started.
  std::optional<std::int64_t> scan_interval_seconds;
  log_level level = log_level::info;
  /// Kept and reported only: uploads still happen on the server's request.
  bool auto_upload = false;
};

/// The heartbeat's `config` object: {scanIntervalSeconds, logLevel, autoUpload}.
nlohmann::json to_json(const runtime_config& config);

/// A daemon:config_update payload, field by field: the valid values, and for
/// each other field the reason it is refused. A field that is absent or null
/// is left as it is.
struct config_update {
  std::optional<std::int64_t> scan_interval_seconds;
  std::optional<log_level> level;
  std::optional<bool> auto_upload;
  nlohmann::json rejected = nlohmann::json::object(); // field -> reason
  /// Set when the payload is not an object at all (nothing else is).
  std::string error;
};

config_update parse_config_update(const nlohmann::json& payload);

/// The ack: {ok, applied, rejected}; ok is false only when nothing was
/// applied and something was rejected (or the payload was not an object,
/// then with `error`).
nlohmann::json config_update_ack(const nlohmann::json& applied, const nlohmann::json& rejected,
                                 const std::string& error = "");

} // namespace siberius::daemon
