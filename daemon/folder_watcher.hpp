// folder_watcher: knows which PDFs are in the folder and tells folder_index
// when one is complete (stable and ending with %%EOF) or gone. The system's
// change notification (native_watcher.hpp: inotify, ReadDirectoryChangesW)
// says where to look; a periodic rescan catches what it missed; on network
// shares, or where notification cannot be used, it polls instead and says so
// in the log.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "daemon/actors.hpp"
#include "daemon/file_rules.hpp"
#include "daemon/file_table.hpp"
#include "daemon/native_watcher.hpp"

namespace siberius::daemon {

struct watcher_options {
  std::string root;
  std::chrono::milliseconds stable_interval{1000};
  std::chrono::milliseconds settle_interval{30000};
  std::chrono::milliseconds safety_rescan{std::chrono::minutes(5)};
  std::chrono::milliseconds poll_interval{5000};
  bool force_poll = false;
};

struct folder_watcher_state {
  /// A file the watcher has seen: the first look since its last change, and
  /// whether folder_index was told about this version of it.
  struct observation {
    file_look first;
    bool reported = false;
  };

  folder_watcher_actor::pointer self = nullptr;
  folder_index_actor index;
  watcher_options options;
  file_table<observation> files;
  std::unique_ptr<native_watcher> reader;
  bool polling = false;
  bool tick_scheduled = false;
  bool scan_done_sent = false;
  std::chrono::steady_clock::time_point scan_done_at{};
  std::uint64_t rescan_generation = 0; // the periodic rescan armed last; older timers are ignored

  static inline const char* name = "folder_watcher";

  void start();
  /// Walks `folder` recursively; with `full`, paths under it not seen are gone.
  void scan(const std::string& folder, bool full);
  /// One folder of a scan: looks at its PDFs (`names`, sorted); with `full`, its others are gone.
  void scan_listing(const std::string& folder, const std::vector<std::string>& names, bool full);
  void look_at(const std::string& path);
  void forget(const std::string& path);
  void on_tick();
  void schedule_tick();
  /// The periodic full rescan: the polling period when polling, else the safety rescan.
  std::chrono::milliseconds rescan_interval() const;
  /// Changes it (daemon:config_update) and counts the next rescan from now.
  void set_rescan_interval(std::chrono::milliseconds interval);
  void arm_rescan();
};

folder_watcher_actor::behavior_type folder_watcher(folder_watcher_actor::stateful_pointer<folder_watcher_state> self,
                                                   folder_index_actor index, watcher_options options);

} // namespace siberius::daemon
