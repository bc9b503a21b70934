// alert_center: the server's operational alerts. Conditions come from the
// storage_monitor (cache_capacity, disk_floor), the cache janitor
// (janitor_failed) and its own poll of the daemons and PostgreSQL
// (daemon_offline, daemons_offline_pct, daemon_versions, db_unreachable).
// Each condition (kind + subject) is raised once and cleared when it no
// longer holds: kept in memory, pushed to the admins' /client sockets
// (alert:raised, alert:cleared), POSTed to the webhook, and written to the
// alerts table, later if PostgreSQL is away.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "actors/alert_rules.hpp"
#include "actors/alert_webhook.hpp"
#include "storage/alerts.hpp"

namespace siberius::actors {

struct alert_center_options {
  std::chrono::seconds poll_interval{30};  // --alert-poll-s: daemons and PostgreSQL
  daemon_rule_options daemons;
  std::size_t recent_kept = 50;            // cleared alerts kept in memory and listed
  std::shared_ptr<alert_webhook> webhook;  // null: no --alert-webhook
};

struct alert_center_state {
  caf::event_based_actor* self = nullptr;
  caf::actor db, hub;
  alert_center_options options;
  std::map<std::string, storage::alert_record> active;       // by kind/subject
  std::deque<storage::alert_record> recent;                  // cleared, newest first
  std::map<std::string, storage::alert_record> unwritten;    // by id: not in PostgreSQL yet
  bool flushing = false;
  std::map<std::string, caf::actor_clock::time_point> offline_since; // daemons, as this server saw them
  static inline const char* name = "alert_center";

  void raise(const alert_condition& c);
  void clear(const std::string& kind, const std::string& subject);
  /// Raises what `now` holds of `kinds` and clears the rest of those kinds.
  void sync(const std::vector<std::string>& kinds, const std::vector<alert_condition>& now);
  void poll();
  void on_daemons(const nlohmann::json& list);
  void flush();
  /// {active: [...], recent: [...]} with what PostgreSQL has (`stored`) merged in.
  nlohmann::json listing(const std::vector<storage::alert_record>& stored) const;

private:
  void announce(const std::string& event, const storage::alert_record& a);
};

caf::behavior alert_center(caf::stateful_actor<alert_center_state>* self, caf::actor db, caf::actor hub,
                           alert_center_options options);

} // namespace siberius::actors
