#include "daemon/folder_watcher.hpp"

#include <algorithm>
#include <unordered_set>

#include "daemon/log.hpp"
#include "daemon/messages.hpp"
#include "platform/files.hpp"

namespace siberius::daemon {

namespace {

bool stat_file(const std::string& path, file_look& look) {
  auto st = platform::status_of(path);
  if (st.kind != platform::file_kind::regular)
    return false;
  look.size = st.size;
  look.mtime_ns = st.mtime_ns;
  look.at = std::chrono::steady_clock::now();
  return true;
}

// Calls listed(folder, sorted PDF names) for `folder` and each sub-folder, one
// folder at a time (no set of every path in the tree); does not follow
// symbolic links or junctions (a link to a parent would loop). A folder that
// cannot be listed is not reported.
template <class Listed>
void walk(const std::string& folder, Listed& listed) {
  std::vector<platform::folder_entry> entries;
  std::string error;
  bool missing = false;
  if (!platform::list_folder(folder, entries, error, &missing)) {
    if (!missing)
      log_event(log_level::warn, "watcher:folder:unreadable", {{"folder", folder}, {"reason", error}});
    return;
  }
  std::vector<std::string> names, subfolders;
  for (auto& e : entries) {
    if (e.kind == platform::file_kind::directory) {
      if (!is_skipped_folder(e.name))
        subfolders.push_back(std::move(e.name));
    } else if (e.kind == platform::file_kind::regular && is_candidate_pdf(e.name)) {
      names.push_back(std::move(e.name));
    }
  }
  std::vector<platform::folder_entry>().swap(entries);
  std::sort(names.begin(), names.end());
  listed(folder, names);
  std::vector<std::string>().swap(names);
  for (auto& sub : subfolders)
    walk(platform::join(folder, sub), listed);
}

} // namespace

void folder_watcher_state::start() {
  std::string why_poll;
  if (options.force_poll)
    why_poll = "POLL is set";
  else if (auto fs = network_filesystem_of(options.root); !fs.empty())
    why_poll = "the folder is on a network file system (" + fs + "): change notification does not see other machines' writes";
  else {
    reader = std::make_unique<native_watcher>(options.root, caf::actor_cast<folder_watcher_actor>(self));
    if (auto err = reader->start(); !err.empty()) {
      reader.reset();
      why_poll = std::string(native_watcher_api) + " cannot watch the folder: " + err;
    }
  }
  polling = !why_poll.empty();
  if (polling)
    log_event(log_level::warn, "watcher:polling",
              {{"folder", options.root}, {"reason", why_poll}, {"intervalMs", options.poll_interval.count()}});
  else
    log_event(log_level::info, "watcher:native", {{"folder", options.root}, {"api", native_watcher_api}});
  scan(options.root, true);
  scan_done_at = std::chrono::steady_clock::now() + options.stable_interval;
  schedule_tick();
  arm_rescan();
}

std::chrono::milliseconds folder_watcher_state::rescan_interval() const {
  return polling ? options.poll_interval : options.safety_rescan;
}

void folder_watcher_state::set_rescan_interval(std::chrono::milliseconds interval) {
  (polling ? options.poll_interval : options.safety_rescan) = interval;
  log_event(log_level::info, "watcher:rescan:interval",
            {{"intervalMs", interval.count()}, {"mode", polling ? "polling" : native_watcher_api}});
  arm_rescan();
}

void folder_watcher_state::arm_rescan() {
  self->delayed_send(self, rescan_interval(), atom::rescan_v, ++rescan_generation);
}

void folder_watcher_state::scan(const std::string& folder, bool full) {
  std::unordered_set<std::string> listed; // folders, not files: a few hundred at most
  auto on_listing = [&](const std::string& where, const std::vector<std::string>& names) {
    if (full)
      listed.insert(where);
    scan_listing(where, names, full);
  };
  walk(folder, on_listing);
  if (!full)
    return;
  // Folders gone, unreadable or now skipped: their files are gone.
  for (auto& held : files.folders_under(folder))
    if (listed.count(held) == 0)
      forget(held);
}

void folder_watcher_state::scan_listing(const std::string& folder, const std::vector<std::string>& names,
                                        bool full) {
  for (auto& name : names)
    look_at(platform::join(folder, name));
  if (!full)
    return;
  std::vector<std::string> gone;
  files.for_each_in(folder, [&](const std::string& name, observation&) {
    if (!std::binary_search(names.begin(), names.end(), name))
      gone.push_back(platform::join(folder, name));
  });
  for (auto& path : gone) {
    files.erase(path);
    self->send(index, atom::file_gone_v, path);
  }
}

void folder_watcher_state::look_at(const std::string& path) {
  file_look now;
  if (!stat_file(path, now)) {
    forget(path);
    return;
  }
  auto [obs, fresh] = files.try_emplace(path);
  if (fresh || !obs->first.same_content_as(now)) {
    obs->first = now;
    obs->reported = false;
    schedule_tick();
  }
}

void folder_watcher_state::forget(const std::string& path) {
  // `path` is a file, or a folder whose every file goes with it.
  if (files.erase(path))
    self->send(index, atom::file_gone_v, path);
  for (auto& folder : files.folders_under(path)) {
    std::vector<std::string> names;
    files.for_each_in(folder, [&](const std::string& name, observation&) { names.push_back(name); });
    for (auto& name : names) {
      auto file = platform::join(folder, name);
      files.erase(file);
      self->send(index, atom::file_gone_v, file);
    }
  }
}

void folder_watcher_state::on_tick() {
  tick_scheduled = false;
  bool waiting = false;
  std::vector<std::string> vanished;
  files.for_each_file([&](const std::string& folder, const std::string& name, observation& obs) {
    if (obs.reported)
      return;
    auto path = platform::join(folder, name);
    file_look now;
    if (!stat_file(path, now)) {
      vanished.push_back(path);
      return;
    }
    if (!obs.first.same_content_as(now)) { // still being written: start over
      obs.first = now;
      waiting = true;
      return;
    }
    // An old file is read either way: only stat it (a restart over a large folder opens nothing).
    auto wall_now = wall_clock_ns();
    bool eof = written_long_ago(now, options.settle_interval, wall_now) || file_ends_with_eof(path);
    auto verdict =
        judge_readiness(obs.first, now, eof, options.stable_interval, options.settle_interval, wall_now);
    if (verdict == readiness::wait) {
      waiting = true;
      return;
    }
    obs.reported = true;
    self->send(index, atom::file_ready_v, path, now.size, now.mtime_ns);
  });
  for (auto& path : vanished)
    forget(path);
  if (!scan_done_sent && std::chrono::steady_clock::now() >= scan_done_at) {
    scan_done_sent = true;
    self->send(index, atom::scan_done_v);
  }
  if (waiting || !scan_done_sent)
    schedule_tick();
}

void folder_watcher_state::schedule_tick() {
  if (tick_scheduled)
    return;
  tick_scheduled = true;
  // Half the stable interval: a file is read at most 1.5 intervals after its last write.
  auto period = std::max(options.stable_interval / 2, std::chrono::milliseconds(10));
  self->delayed_send(self, period, atom::tick_v);
}

folder_watcher_actor::behavior_type folder_watcher(folder_watcher_actor::stateful_pointer<folder_watcher_state> self,
                                                   folder_index_actor index, watcher_options options) {
  auto& st = self->state;
  st.self = self;
  st.index = std::move(index);
  st.options = std::move(options);
  st.start();
  return {
      [self](atom::look, const std::string& path) { self->state.look_at(path); },
      [self](atom::vanished, const std::string& path) { self->state.forget(path); },
      [self](atom::scan_folder, const std::string& folder) { self->state.scan(folder, false); },
      [self](atom::tick) { self->state.on_tick(); },
      // The change notification lost events: walk the tree now.
      [self](atom::rescan) { self->state.scan(self->state.options.root, true); },
      // The periodic rescan (safety net, or the polling itself), rearmed each time.
      [self](atom::rescan, std::uint64_t generation) {
        auto& st = self->state;
        if (generation != st.rescan_generation)
          return; // superseded by a new interval
        st.scan(st.options.root, true);
        st.arm_rescan();
      },
      [self](atom::scan_interval) { return static_cast<std::int64_t>(self->state.rescan_interval().count()); },
      [self](atom::set_scan, std::int64_t ms) {
        self->state.set_rescan_interval(std::chrono::milliseconds(ms));
      },
  };
}

} // namespace siberius::daemon
