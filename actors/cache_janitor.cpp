#include "actors/cache_janitor.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "actors/server_metrics.hpp"
#include "storage/metadata_store.hpp"

namespace siberius::actors {

namespace fs = std::filesystem;

namespace {

/// Deletes <storage>/tmp/*.part files untouched for `age`: uploads that died
/// with the process (a live upload writes to its file all the time).
std::size_t remove_stale_parts(const std::string& storage_dir, std::chrono::minutes age) {
  std::error_code ec;
  std::size_t removed = 0;
  auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(fs::path(storage_dir) / storage::partial_folder, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().extension() != ".part")
      continue;
    std::error_code e2;
    auto written = fs::last_write_time(it->path(), e2);
    if (!e2 && now - written > age && fs::remove(it->path(), e2))
      ++removed;
  }
  return removed;
}

} // namespace

void cache_janitor_state::tell_expired(std::int64_t pdf_id, const std::string& file_hash, const char* reason) {
  nlohmann::json payload{{"pdfId", pdf_id}, {"fileHash", file_hash}, {"at", now_iso8601()}};
  if (reason != nullptr)
    payload["reason"] = reason;
  self->send(hub, atom::publish_v, std::string("pdf:expired"), std::move(payload), pdf_id);
}

void cache_janitor_state::sweep() {
  server_series().janitor_sweeps.inc();
  if (auto n = remove_stale_parts(options.storage_dir, options.stale_part))
    log_event(log_level::info, "cache:parts:removed", {{"files", n}});
  self->request(db, db_timeout, atom::expire_due_v, options.batch)
    .then(
      [this](const std::vector<storage::expired_copy>& due) {
        for (auto& c : due) {
          // Exactly the file the row named; a newer copy of the same PDF has
          // a name of its own, and a file another row names comes back empty.
          struct stat st{};
          bool sized = !c.file_path.empty() && ::stat(c.file_path.c_str(), &st) == 0;
          if (!c.file_path.empty() && ::unlink(c.file_path.c_str()) != 0 && errno != ENOENT)
            log_event(log_level::warn, "cache:delete:failed",
                      {{"pdfId", c.pdf_id}, {"path", c.file_path}, {"reason", std::strerror(errno)}});
          else if (sized)
            server_series().janitor_bytes_freed.inc(static_cast<std::uint64_t>(st.st_size));
          server_series().janitor_expired.inc();
          tell_expired(c.pdf_id, c.file_hash, nullptr);
        }
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

void cache_janitor_state::reconcile() {
  // The job runs on the database worker and fills `rows`; its answer arrives
  // here after that, so reading them then is safe.
  auto rows = std::make_shared<std::vector<storage::recorded_copy>>();
  db_job job{[rows](storage::metadata_store& s) {
    *rows = s.recorded_copies();
    return nlohmann::json(rows->size());
  }};
  self->request(db, db_timeout, atom::db_run_v, std::move(job))
    .then([this, rows](const json_reply&) { revert_lost(rows); }, [this](const caf::error&) { reconcile_failed("rows"); });
}

void cache_janitor_state::revert_lost(std::shared_ptr<std::vector<storage::recorded_copy>> rows) {
  auto lost = storage::lost_copies(*rows);
  if (lost.empty())
    return quarantine_and_prune(*rows, 0);
  db_job job{[lost](storage::metadata_store& s) { return nlohmann::json(s.revert_lost_copies(lost)); }};
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
      [this](const caf::error&) { reconcile_failed("revert"); });
}

void cache_janitor_state::quarantine_and_prune(const std::vector<storage::recorded_copy>& known,
                                               std::size_t reverted) {
  auto orphans = storage::quarantine_orphans(options.storage_dir, known, options.orphan_grace);
  for (auto& path : orphans.quarantined)
    log_event(log_level::warn, "cache:orphan:quarantined", {{"path", path}});
  for (auto& why : orphans.failed)
    log_event(log_level::warn, "cache:orphan:failed", {{"reason", why}});
  auto purged = storage::purge_quarantine(options.storage_dir, options.quarantine_keep);
  auto policy = options.prune;
  db_job job{[policy](storage::metadata_store& s) {
    auto n = s.prune(policy);
    return nlohmann::json{{"auditRows", n.audit_rows}, {"sessions", n.sessions}};
  }};
  auto summary = nlohmann::json{{"copiesLost", reverted},
                                {"filesQuarantined", orphans.quarantined.size()},
                                {"quarantinePurged", purged}};
  self->request(db, db_timeout, atom::db_run_v, std::move(job))
    .then(
      [this, summary](const json_reply& pruned) mutable {
        summary["auditRowsPruned"] = pruned.value["auditRows"];
        summary["sessionsPruned"] = pruned.value["sessions"];
        log_event(log_level::info, "cache:reconciled", summary);
        self->delayed_send(self, options.reconcile_interval, atom::reconcile_v);
      },
      [this](const caf::error&) { reconcile_failed("prune"); });
}

void cache_janitor_state::reconcile_failed(const char* step) {
  log_event(log_level::warn, "cache:reconcile:failed", {{"step", step}, {"reason", "database unavailable"}});
  self->delayed_send(self, options.interval, atom::reconcile_v); // soon, not tomorrow
}

caf::behavior cache_janitor(caf::stateful_actor<cache_janitor_state>* self, caf::actor db, caf::actor hub,
                            janitor_options options) {
  auto& st = self->state;
  st.self = self;
  st.db = std::move(db);
  st.hub = std::move(hub);
  st.options = std::move(options);
  self->send(self, atom::reconcile_v);
  self->send(self, atom::sweep_v);
  return {
    [self](atom::sweep) { self->state.sweep(); },
    [self](atom::reconcile) { self->state.reconcile(); },
  };
}

} // namespace siberius::actors
