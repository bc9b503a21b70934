// The rules behind the operational alerts, as pure code: which conditions
// hold, given the daemons' states or the storage's reading. The alert_center
// raises what holds and clears what no longer does; the storage_monitor turns
// its verdict into the upload gate (507 storage_full).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

namespace siberius::actors {

/// One condition as a rule sees it; raised once per kind + subject.
struct alert_condition {
  std::string kind;
  std::string subject;
  std::string severity = "warning"; // warning | critical
  std::string message;
  nlohmann::json details = nlohmann::json::object();

  std::string key() const { return kind + "/" + subject; }
};

// The kinds (docs/operations.md, "Alerts").
inline const std::string alert_daemon_offline = "daemon_offline";
inline const std::string alert_daemons_offline_pct = "daemons_offline_pct";
inline const std::string alert_daemon_versions = "daemon_versions";
inline const std::string alert_cache_capacity = "cache_capacity";
inline const std::string alert_disk_floor = "disk_floor";
inline const std::string alert_janitor_failed = "janitor_failed";
inline const std::string alert_db_unreachable = "db_unreachable";

// --- daemons ---

/// One daemon as GET /api/admin/daemons lists it, reduced to what the rules read.
struct daemon_fact {
  std::string client_id;
  std::string name;
  bool online = false;
  bool blocked = false;
  bool ever_seen = false; // it connected at least once
  std::string version;
};

/// The daemons' list (list_daemons' JSON array) reduced to facts; entries of
/// the wrong shape are skipped.
std::vector<daemon_fact> daemon_facts_of(const nlohmann::json& list);

struct daemon_rule_options {
  std::chrono::minutes offline_after{15}; // --alert-daemon-offline-min
  double offline_pct = 50;                // --alert-daemons-offline-pct: more than this
  /// A daemon counts as offline for the percentage once seen offline this
  /// long: with one or two offices, a daemon reconnecting (a restart, a
  /// network blip) would otherwise be a critical alert every time.
  std::chrono::minutes offline_pct_after{2};
};

/// Conditions of the daemon kinds (daemon_offline, daemons_offline_pct,
/// daemon_versions). `offline_for` says how long each offline daemon has been
/// seen offline (by clientId); a blocked daemon or one that never connected
/// counts for nothing.
std::vector<alert_condition> daemon_conditions(const std::vector<daemon_fact>& daemons,
                                               const std::map<std::string, caf::timespan>& offline_for,
                                               const daemon_rule_options& opts);

// --- storage ---

struct storage_reading {
  std::uint64_t cache_bytes = 0;
  std::uint64_t cache_files = 0;
  bool disk_known = false; // statvfs answered
  std::uint64_t disk_free_bytes = 0;
  std::uint64_t disk_total_bytes = 0;
};

struct storage_limits {
  std::optional<std::uint64_t> capacity_bytes; // --cache-capacity-gb; none: only the disk
  std::uint64_t min_free_bytes = 1024ull * 1024 * 1024; // --min-free-disk-mb
  double warn_ratio = 0.8;                     // cache_capacity alert from here
};

struct storage_verdict {
  /// New uploads are refused (507 storage_full) with `reason`.
  bool full = false;
  std::string reason;
  /// What holds now: cache_capacity and/or disk_floor.
  std::vector<alert_condition> conditions;
  /// The janitor should run early (near capacity or below the floor).
  bool cleanup_wanted = false;
};

storage_verdict judge_storage(const storage_reading& r, const storage_limits& limits);

/// 1.5 GiB, 300 MiB, 12 KiB: for messages.
std::string human_bytes(std::uint64_t bytes);

} // namespace siberius::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::actors::alert_condition)
