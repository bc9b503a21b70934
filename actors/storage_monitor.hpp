// storage_monitor: watches the PDF cache's size (the cached rows' file_size,
// through the db pool) and the free space of the file system it lives on
// (statvfs). Past --cache-capacity-gb or below --min-free-disk-mb it closes
// the storage gate (new uploads: 507 storage_full; new PDF requests too),
// tells the alert_center, and asks the cache janitor to run early.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <caf/all.hpp>

#include "actors/alert_rules.hpp"

namespace siberius::actors {

/// Whether the cache may take new PDFs, readable from any thread (the upload
/// endpoint runs on I/O threads). Set by the storage_monitor only.
class storage_gate {
public:
  /// Why new PDFs are refused, or nullopt while they are taken.
  std::optional<std::string> refusal() const {
    if (!full_.load(std::memory_order_acquire))
      return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    return reason_;
  }

  void set(bool full, std::string reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    reason_ = std::move(reason);
    full_.store(full, std::memory_order_release);
  }

private:
  std::atomic<bool> full_{false};
  mutable std::mutex mutex_;
  std::string reason_;
};

using storage_gate_ptr = std::shared_ptr<storage_gate>;

/// The code of the 507 answer and of the pdf:failed event.
inline const std::string storage_full_code = "storage_full";

/// statvfs of `path` (the cache's folder, or its nearest existing parent).
bool read_disk_space(const std::string& path, std::uint64_t& free_bytes, std::uint64_t& total_bytes);

struct storage_monitor_options {
  std::string storage_dir = "storage";
  storage_limits limits;
  std::chrono::seconds interval{60};          // --storage-check-s
  std::chrono::minutes cleanup_every{10};     // at most one early cleanup asked per this
  /// Reads the disk; tests replace it.
  std::function<bool(const std::string&, std::uint64_t&, std::uint64_t&)> disk = read_disk_space;
};

struct storage_monitor_state {
  caf::event_based_actor* self = nullptr;
  caf::actor db, alerts, janitor;
  storage_gate_ptr gate;
  storage_monitor_options options;
  storage_reading last;
  std::set<std::string> raised; // keys of the conditions told to the alert_center
  std::optional<caf::actor_clock::time_point> last_cleanup;
  static inline const char* name = "storage_monitor";

  void check();
  void judge();
};

caf::behavior storage_monitor(caf::stateful_actor<storage_monitor_state>* self, caf::actor db, caf::actor alerts,
                              caf::actor janitor, storage_gate_ptr gate, storage_monitor_options options);

} // namespace siberius::actors
