// cache_janitor: looks after the PDF cache and the tables that only grow.
// Every interval it marks the cached copies past their expiry as expired,
// deletes exactly the file each of those rows named, tells the clients
// (pdf:expired), and removes upload leftovers (<storage>/tmp/*.part) older
// than an hour. At start and once a day it reconciles files and rows
// (storage/cache_reconcile.hpp): cached rows whose file is gone or has the
// wrong size go back to available_local, files no row names go to
// <storage>/quarantine/ (deleted after a week); the same pass prunes old
// audit_log rows and dead sessions. Runs detached: it works on files.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "storage/cache_reconcile.hpp"

namespace siberius::actors {

struct janitor_options {
  std::string storage_dir;
  std::chrono::milliseconds interval{std::chrono::minutes(10)};
  int batch = 500; // rows per statement; a full batch is followed by another at once
  std::chrono::minutes stale_part{60};
  std::chrono::hours reconcile_interval{24};
  /// A file younger than this is never quarantined: an upload renames its
  /// file into place a moment before its row is committed.
  std::chrono::seconds orphan_grace{std::chrono::hours(1)};
  std::chrono::hours quarantine_keep{24 * 7};
  storage::prune_policy prune;
};

struct cache_janitor_state {
  caf::event_based_actor* self = nullptr;
  caf::actor db;
  caf::actor hub;
  janitor_options options;

  static inline const char* name = "cache_janitor";

  /// Expires what is due, deletes those files, and schedules the next sweep.
  void sweep();
  /// Files against rows, then pruning; schedules the next pass.
  void reconcile();

private:
  void revert_lost(std::shared_ptr<std::vector<storage::recorded_copy>> rows);
  void quarantine_and_prune(const std::vector<storage::recorded_copy>& known, std::size_t reverted);
  void reconcile_failed(const char* step);
  void tell_expired(std::int64_t pdf_id, const std::string& file_hash, const char* reason);
};

caf::behavior cache_janitor(caf::stateful_actor<cache_janitor_state>* self, caf::actor db, caf::actor hub,
                            janitor_options options);

} // namespace siberius::actors
