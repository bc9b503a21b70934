// cache_janitor: looks after the PDF cache and the tables that only grow.
//
// The run (at start, "early"; daily at --janitor-at in --janitor-tz,
// "scheduled"; and when an admin asks, "on_demand"): recomputes every cached
// copy's expiry from its event date, type and cached_at under the current
// retention settings, marks the copies past it expired and deletes exactly
// the file each row named (pdf:expired), removes upload leftovers
// (<storage>/tmp/*.part older than an hour), reconciles files and rows
// (cache/reconcile.hpp, storage/cache_reconcile.hpp) and prunes old audit_log rows and dead
// sessions. Each run ends with a report: stored, logged (cache:cleanup:report)
// and pushed to admins (cache:cleanup_report). One run at a time: who asks
// while one is under way gets that run's report.
//
// Between runs a sweep every --janitor-interval-s expires what fell due, so a
// copy does not outlive its expiry by up to a day; what the sweeps did is
// added to the next run's report (details.betweenRuns). Runs detached: it
// works on files.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/daily_schedule.hpp"
#include "storage/cache_reconcile.hpp"
#include "storage/pdf_upload.hpp"

namespace siberius::actors {

struct janitor_options {
  std::string storage_dir;
  std::chrono::milliseconds interval{std::chrono::minutes(10)}; // the expiry sweep
  int batch = 500; // rows per statement; a full batch is followed by another at once
  std::chrono::minutes stale_part{60};
  /// The daily run's local time (the zone is the process's, see daily_schedule.hpp).
  time_of_day daily_at{2, 0};
  /// The longest the janitor sleeps before it reads the wall clock again, so
  /// a clock set forward or back (NTP, a suspended VM) moves the run with it.
  std::chrono::minutes recheck{60};
  /// The wall clock; tests give one that follows caf-test's clock.
  std::function<std::chrono::system_clock::time_point()> wall_now = [] { return std::chrono::system_clock::now(); };
  /// A file younger than this is never quarantined: an upload renames its
  /// file into place a moment before its row is committed.
  std::chrono::seconds orphan_grace{std::chrono::hours(1)};
  std::chrono::hours quarantine_keep{24 * 7};
  storage::prune_policy prune;
  /// alert_center: (janitor_failed, reason) after a run with errors,
  /// (janitor_ok) after one without; null: none.
  caf::actor alerts;
};

struct cache_janitor_state {
  caf::event_based_actor* self = nullptr;
  caf::actor db;
  caf::actor hub;
  janitor_options options;

  /// The run under way, who waits for its report, and whether the schedule
  /// fell due meanwhile (it then runs right after: never skipped).
  bool running = false;
  bool scheduled_waiting = false;
  nlohmann::json report;
  std::chrono::system_clock::time_point run_started;
  std::vector<std::pair<caf::response_promise, bool>> waiters; // bool: joined a run under way
  std::chrono::system_clock::time_point next_run;
  /// What the sweeps expired since the last run's report.
  nlohmann::json between_runs;

  static inline const char* name = "cache_janitor";

  /// Expires what is due, deletes those files, and schedules the next sweep.
  void sweep();
  /// The daily timer: runs when due, then arms the next wake.
  void on_daily_due();
  /// A run for `trigger`; the report goes to `rp` (when valid) at the end.
  void ask_run(const std::string& trigger, caf::response_promise rp);
  /// Sleeps until the next run is due (or `recheck`, whichever is sooner).
  void arm_daily_timer();

private:
  void start_run(const std::string& trigger);
  void recompute();
  void expire_batch();
  void reconcile();
  void revert_lost(std::shared_ptr<std::vector<storage::recorded_copy>> rows);
  void quarantine_and_prune(const std::vector<storage::recorded_copy>& known, std::size_t reverted);
  void step_failed(const std::string& step, const caf::error& err);
  void finish_run();
  void deliver(const nlohmann::json& stored);
  void tell_expired(std::int64_t pdf_id, const std::string& file_hash, const char* reason);
  /// Deletes the file of an expired copy; adds its size to `files`/`bytes`.
  void delete_copy(const storage::expired_copy& c, nlohmann::json& counts, bool in_run);
};

caf::behavior cache_janitor(caf::stateful_actor<cache_janitor_state>* self, caf::actor db, caf::actor hub,
                            janitor_options options);

/// ISO 8601 UTC with milliseconds, as reports carry their times.
std::string iso8601_utc(std::chrono::system_clock::time_point t);

} // namespace siberius::actors
