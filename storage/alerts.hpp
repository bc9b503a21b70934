// The rows of the alerts table (schema/012_alerts.sql): one per raise of an
// operational condition (kind + subject), with when it cleared. Written by the
// alert_center through a db_worker; read by GET /api/admin/alerts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace siberius::storage {

struct alert_record {
  std::string id;       // the server's own ("al-…"), known before PostgreSQL is
  std::string kind;     // daemon_offline, daemons_offline_pct, cache_capacity, disk_floor, ...
  std::string subject;  // what it is about: a clientId, "cache", "postgresql", "all"
  std::string severity; // warning | critical
  std::string message;
  nlohmann::json details = nlohmann::json::object();
  std::int64_t raised_at_ms = 0; // Unix time, milliseconds
  std::optional<std::int64_t> cleared_at_ms;
};

/// {id, kind, subject, severity, message, details, raisedAt, clearedAt} as the API shows it.
nlohmann::json to_json(const alert_record& a);

/// The record with its times in milliseconds, and back: how a db_job carries
/// rows to an actor (its answer is JSON).
nlohmann::json alert_to_row(const alert_record& a);
alert_record alert_from_row(const nlohmann::json& row);

} // namespace siberius::storage
