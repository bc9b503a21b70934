#include "actors/storage_monitor.hpp"

#include <sys/statvfs.h>

#include <filesystem>

#include "actors/log.hpp"
#include "actors/messages.hpp"

namespace siberius::actors {

namespace fs = std::filesystem;

bool read_disk_space(const std::string& path, std::uint64_t& free_bytes, std::uint64_t& total_bytes) {
  // Before the first upload the folder may not exist: its parent's file system is the one.
  std::error_code ec;
  auto p = fs::absolute(path, ec);
  while (!p.empty() && !fs::exists(p, ec) && p.has_parent_path() && p.parent_path() != p)
    p = p.parent_path();
  struct statvfs st {};
  if (::statvfs(p.c_str(), &st) != 0)
    return false;
  // f_bavail: what an unprivileged writer (the server) may still use.
  free_bytes = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  total_bytes = static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize;
  return true;
}

void storage_monitor_state::check() {
  last.disk_known = options.disk(options.storage_dir, last.disk_free_bytes, last.disk_total_bytes);
  db_job totals{[](storage::metadata_store& s) { return s.cache_totals(); }};
  self->request(db, db_timeout, atom::db_run_v, totals)
    .then(
      [this](const json_reply& r) {
        last.cache_bytes = r.value.value("bytes", std::uint64_t{0});
        last.cache_files = r.value.value("files", std::uint64_t{0});
        judge();
      },
      [this](const caf::error&) {
        // The database is away (the alert_center says so): judge the disk with
        // the cache's last known size.
        judge();
      });
}

void storage_monitor_state::judge() {
  auto v = judge_storage(last, options.limits);
  bool was_full = gate->refusal().has_value();
  gate->set(v.full, v.reason);
  if (v.full != was_full)
    log_event(v.full ? log_level::warn : log_level::info, v.full ? "storage:full" : "storage:ok",
              {{"reason", v.reason}, {"cacheBytes", last.cache_bytes}, {"freeBytes", last.disk_free_bytes}});
  std::set<std::string> now;
  for (auto& c : v.conditions) {
    now.insert(c.key());
    self->send(alerts, atom::alert_raise_v, c); // the alert_center keeps the first of each key
  }
  for (auto& key : raised)
    if (!now.count(key)) {
      auto slash = key.find('/');
      self->send(alerts, atom::alert_clear_v, key.substr(0, slash), key.substr(slash + 1));
    }
  raised = std::move(now);
  auto t = self->clock().now();
  if (v.cleanup_wanted && janitor && (!last_cleanup || t - *last_cleanup >= options.cleanup_every)) {
    last_cleanup = t;
    auto reason = v.full && last.disk_known && last.disk_free_bytes < options.limits.min_free_bytes
                    ? std::string("disk_floor")
                    : std::string("cache_capacity");
    log_event(log_level::info, "storage:cleanup:asked", {{"reason", reason}});
    // Anonymous: whatever the janitor answers (or its "unexpected message")
    // goes nowhere, and the monitor never waits for a run.
    caf::anon_send(janitor, atom::cleanup_now_v, reason);
  }
}

caf::behavior storage_monitor(caf::stateful_actor<storage_monitor_state>* self, caf::actor db, caf::actor alerts,
                              caf::actor janitor, storage_gate_ptr gate, storage_monitor_options options) {
  auto& st = self->state;
  st.self = self;
  st.db = std::move(db);
  st.alerts = std::move(alerts);
  st.janitor = std::move(janitor);
  st.gate = std::move(gate);
  st.options = std::move(options);
  self->send(self, atom::storage_check_v);
  return {
    [=](atom::storage_check) {
      self->state.check();
      self->delayed_send(self, self->state.options.interval, atom::storage_check_v);
    },
  };
}

} // namespace siberius::actors
