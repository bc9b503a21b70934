#include "actors/cache_janitor.hpp"

#include <algorithm>
#include <ctime>

#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "actors/server_metrics.hpp"
#include "cache/pdf_cache.hpp"
#include "cache/reconcile.hpp"
#include "storage/metadata_store.hpp"

namespace siberius::actors {

using json = nlohmann::json;

namespace {

/// cache::remove_stale_partials, its failures added to `errors`.
std::size_t remove_stale_parts(const std::string& storage_dir, std::chrono::minutes age, json& errors) {
  std::vector<std::string> failed;
  auto removed = cache::remove_stale_partials(storage_dir, age, failed);
  for (auto& f : failed)
    errors.push_back(std::move(f));
  return removed;
}

json empty_counts() {
  return {{"filesRemoved", 0}, {"bytesFreed", 0}, {"expiredRows", 0}};
}

} // namespace

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto secs = system_clock::to_time_t(t);
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count() % 1000;
  if (ms < 0)
    ms += 1000;
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

void cache_janitor_state::tell_expired(std::int64_t pdf_id, const std::string& file_hash, const char* reason) {
  json payload{{"pdfId", pdf_id}, {"fileHash", file_hash}, {"at", now_iso8601()}};
  if (reason != nullptr)
    payload["reason"] = reason;
  self->send(hub, atom::publish_v, std::string("pdf:expired"), std::move(payload), pdf_id);
}

void cache_janitor_state::delete_copy(const storage::expired_copy& c, json& counts, bool in_run) {
  counts["expiredRows"] = counts["expiredRows"].get<std::int64_t>() + 1;
  // Exactly the file the row named; a newer copy of the same PDF has a name
  // of its own, and a file another row names comes back empty. A file gone
  // already (deleted before a crash kept the row from saying so) is fine.
  if (!c.file_path.empty()) {
    auto r = cache::remove_copy(c.file_path);
    if (r.removed) {
      counts["filesRemoved"] = counts["filesRemoved"].get<std::int64_t>() + 1;
      counts["bytesFreed"] = counts["bytesFreed"].get<std::int64_t>() + static_cast<std::int64_t>(r.bytes);
      server_series().janitor_bytes_freed.inc(r.bytes);
    } else if (!r.error.empty()) {
      const std::string& why = r.error;
      log_event(log_level::warn, "cache:delete:failed", {{"pdfId", c.pdf_id}, {"path", c.file_path}, {"reason", why}});
      if (in_run)
        report["errors"].push_back("delete " + c.file_path + ": " + why);
    }
  }
  server_series().janitor_expired.inc();
  tell_expired(c.pdf_id, c.file_hash, nullptr);
}

void cache_janitor_state::sweep() {
  server_series().janitor_sweeps.inc();
  json ignored = json::array();
  if (auto n = remove_stale_parts(options.storage_dir, options.stale_part, ignored))
    log_event(log_level::info, "cache:parts:removed", {{"files", n}});
  self->request(db, db_timeout, atom::expire_due_v, options.batch)
    .then(
      [this](const std::vector<storage::expired_copy>& due) {
        for (auto& c : due)
          delete_copy(c, between_runs, false);
        if (!due.empty())
          log_event(log_level::info, "cache:expired", {{"copies", due.size()}});
        if (static_cast<int>(due.size()) == options.batch)
          self->send(self, atom::sweep_v); // more are due
        else
          self->delayed_send(self, options.interval, atom::sweep_v);
      },
      [this](const caf::error&) {
        log_event(log_level::warn, "cache:sweep:failed", {{"reason", "database unavailable"}});
        self->delayed_send(self, options.interval, atom::sweep_v);
      });
}

// --- the daily schedule -----------------------------------------------------

void cache_janitor_state::arm_daily_timer() {
  auto now = options.wall_now();
  auto wait = std::chrono::duration_cast<caf::timespan>(next_run - now);
  auto longest = std::chrono::duration_cast<caf::timespan>(options.recheck);
  wait = std::max(std::min(wait, longest), caf::timespan(std::chrono::seconds(1)));
  self->delayed_send(self, wait, atom::daily_due_v);
}

void cache_janitor_state::on_daily_due() {
  auto now = options.wall_now();
  if (now >= next_run) {
    next_run = next_daily_run(now, options.daily_at);
    log_event(log_level::debug, "cache:cleanup:scheduled", {{"next", local_iso8601(next_run)}});
    ask_run("scheduled", caf::response_promise{});
  }
  arm_daily_timer();
}

// --- one run ----------------------------------------------------------------

void cache_janitor_state::ask_run(const std::string& trigger, caf::response_promise rp) {
  if (running) {
    if (trigger == "scheduled")
      scheduled_waiting = true;
    else if (rp.pending())
      waiters.emplace_back(std::move(rp), true);
    return;
  }
  if (rp.pending())
    waiters.emplace_back(std::move(rp), false);
  start_run(trigger);
}

void cache_janitor_state::start_run(const std::string& trigger) {
  running = true;
  run_started = options.wall_now();
  report = json{{"trigger", trigger},       {"startedAt", iso8601_utc(run_started)},
                {"filesRemoved", 0},        {"bytesFreed", 0},
                {"expiredRows", 0},         {"staleTempFilesRemoved", 0},
                {"errors", json::array()},  {"details", json::object()}};
  report["staleTempFilesRemoved"] = remove_stale_parts(options.storage_dir, options.stale_part, report["errors"]);
  recompute();
}

void cache_janitor_state::step_failed(const std::string& step, const caf::error& err) {
  auto why = reason_of(self->system(), err);
  log_event(log_level::warn, "cache:cleanup:failed", {{"step", step}, {"reason", why}});
  report["errors"].push_back(step + ": " + why);
}

void cache_janitor_state::recompute() {
  db_job job{[](storage::metadata_store& s) { return json(s.recompute_expiry()); }};
  self->request(db, db_timeout, atom::db_run_v, std::move(job))
    .then(
      [this](const json_reply& n) {
        report["details"]["expiryRecomputed"] = n.value;
        expire_batch();
      },
      [this](const caf::error& err) {
        step_failed("recompute expiry", err);
        expire_batch(); // what was due under the old settings is still due
      });
}

void cache_janitor_state::expire_batch() {
  self->request(db, db_timeout, atom::expire_due_v, options.batch)
    .then(
      [this](const std::vector<storage::expired_copy>& due) {
        for (auto& c : due)
          delete_copy(c, report, true);
        if (static_cast<int>(due.size()) == options.batch)
          return expire_batch();
        reconcile();
      },
      [this](const caf::error& err) {
        step_failed("expire", err);
        reconcile();
      });
}

void cache_janitor_state::reconcile() {
  // The job runs on the database worker and fills `rows`; its answer arrives
  // here after that, so reading them then is safe.
  auto rows = std::make_shared<std::vector<storage::recorded_copy>>();
  db_job job{[rows](storage::metadata_store& s) {
    *rows = s.recorded_copies();
    return json(rows->size());
  }};
  self->request(db, db_timeout, atom::db_run_v, std::move(job))
    .then([this, rows](const json_reply&) { revert_lost(rows); },
          [this](const caf::error& err) {
            step_failed("reconcile", err);
            finish_run();
          });
}

void cache_janitor_state::revert_lost(std::shared_ptr<std::vector<storage::recorded_copy>> rows) {
  auto lost = cache::lost_copies(*rows);
  if (lost.empty())
    return quarantine_and_prune(*rows, 0);
  db_job job{[lost](storage::metadata_store& s) { return json(s.revert_lost_copies(lost)); }};
  self->request(db, db_timeout, atom::db_run_v, std::move(job))
    .then(
      [this, rows, lost](const json_reply& reply) {
        auto reverted = reply.value.get<std::vector<std::int64_t>>();
        std::vector<storage::recorded_copy> known;
        for (auto& r : *rows)
          if (std::find(reverted.begin(), reverted.end(), r.pdf_id) == reverted.end())
            known.push_back(r); // a reverted row names no file any more
        for (auto& l : lost) {
          if (std::find(reverted.begin(), reverted.end(), l.pdf_id) == reverted.end())
            continue;
          log_event(log_level::warn, "cache:copy:lost", {{"pdfId", l.pdf_id}, {"path", l.file_path}});
          tell_expired(l.pdf_id, l.file_hash, "lost");
        }
        quarantine_and_prune(known, reverted.size());
      },
      [this](const caf::error& err) {
        step_failed("reconcile", err);
        finish_run();
      });
}

void cache_janitor_state::quarantine_and_prune(const std::vector<storage::recorded_copy>& known,
                                               std::size_t reverted) {
  auto orphans = cache::quarantine_orphans(options.storage_dir, known, options.orphan_grace);
  for (auto& path : orphans.quarantined)
    log_event(log_level::warn, "cache:orphan:quarantined", {{"path", path}});
  for (auto& why : orphans.failed) {
    log_event(log_level::warn, "cache:orphan:failed", {{"reason", why}});
    report["errors"].push_back("quarantine " + why);
  }
  auto purged = cache::purge_quarantine(options.storage_dir, options.quarantine_keep);
  auto& details = report["details"];
  details["copiesLost"] = reverted;
  details["filesQuarantined"] = orphans.quarantined.size();
  details["quarantinePurged"] = purged;
  auto policy = options.prune;
  db_job job{[policy](storage::metadata_store& s) {
    auto n = s.prune(policy);
    return json{{"auditRows", n.audit_rows},
                {"sessions", n.sessions},
                {"cleanupReports", n.cleanup_reports},
                {"alerts", n.alerts}};
  }};
  self->request(db, db_timeout, atom::db_run_v, std::move(job))
    .then(
      [this](const json_reply& pruned) {
        report["details"]["auditRowsPruned"] = pruned.value["auditRows"];
        report["details"]["sessionsPruned"] = pruned.value["sessions"];
        report["details"]["cleanupReportsPruned"] = pruned.value["cleanupReports"];
        report["details"]["alertsPruned"] = pruned.value["alerts"];
        log_event(log_level::info, "cache:reconciled", report["details"]);
        finish_run();
      },
      [this](const caf::error& err) {
        step_failed("prune", err);
        finish_run();
      });
}

void cache_janitor_state::finish_run() {
  auto finished = options.wall_now();
  report["finishedAt"] = iso8601_utc(finished);
  report["details"]["betweenRuns"] = between_runs;
  between_runs = empty_counts();
  auto unsaved = report;
  unsaved["durationMs"] = std::chrono::duration_cast<std::chrono::milliseconds>(finished - run_started).count();
  unsaved["id"] = nullptr;
  db_job job{[r = report](storage::metadata_store& s) { return s.record_cleanup_report(r); }};
  self->request(db, db_timeout, atom::db_run_v, std::move(job))
    .then([this](const json_reply& stored) { deliver(stored.value); },
          [this, unsaved](const caf::error& err) mutable {
            unsaved["errors"].push_back("report not stored: " + reason_of(self->system(), err));
            deliver(unsaved);
          });
}

void cache_janitor_state::deliver(const json& stored) {
  log_event(stored["errors"].empty() ? log_level::info : log_level::warn, "cache:cleanup:report", stored);
  if (options.alerts) {
    if (stored["errors"].empty())
      self->send(options.alerts, atom::janitor_ok_v);
    else
      self->send(options.alerts, atom::janitor_failed_v,
                 std::to_string(stored["errors"].size()) + " error(s), the first: " +
                   (stored["errors"][0].is_string() ? stored["errors"][0].get<std::string>() : stored["errors"][0].dump()));
  }
  self->send(hub, atom::broadcast_v, std::string("cache:cleanup_report"), stored);
  auto waiting = std::move(waiters);
  waiters.clear();
  for (auto& [rp, joined] : waiting)
    rp.deliver(json_reply{json{{"joined", joined}, {"report", stored}}});
  running = false;
  if (scheduled_waiting) {
    scheduled_waiting = false;
    start_run("scheduled");
  }
}

caf::behavior cache_janitor(caf::stateful_actor<cache_janitor_state>* self, caf::actor db, caf::actor hub,
                            janitor_options options) {
  auto& st = self->state;
  st.self = self;
  st.db = std::move(db);
  st.hub = std::move(hub);
  st.options = std::move(options);
  st.between_runs = empty_counts();
  st.next_run = next_daily_run(st.options.wall_now(), st.options.daily_at);
  log_event(log_level::info, "cache:cleanup:next", {{"at", local_iso8601(st.next_run)}});
  // A run at start repairs what a crash left; the sweeps start an interval later.
  st.ask_run("early", caf::response_promise{});
  st.arm_daily_timer();
  self->delayed_send(self, st.options.interval, atom::sweep_v);
  return {
    [self](atom::sweep) { self->state.sweep(); },
    [self](atom::daily_due) { self->state.on_daily_due(); },
    [self](atom::cleanup_now, const std::string& reason) {
      // The storage monitor: the cache is nearly full or the disk below its floor.
      log_event(log_level::warn, "cache:cleanup:early", {{"reason", reason}});
      self->state.ask_run("early", caf::response_promise{});
    },
    [self](atom::cache_cleanup, const std::string& trigger) {
      auto rp = self->make_response_promise();
      self->state.ask_run(trigger == "early" ? trigger : "on_demand", rp);
      return rp;
    },
  };
}

} // namespace siberius::actors
