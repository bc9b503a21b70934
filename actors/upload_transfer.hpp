// The on-demand path of a PDF from the office to the cache.
//
// upload_transfer (one per transfer, spawned and monitored by the
// coordinator) carries one PDF: it asks the daemon (daemon:upload_request),
// relays progress to the clients, restarts a stalled upload (at most
// `attempts` times), waits while the daemon is offline, records the location
// of an office that no longer has the file before another is asked, and ends with
// pdf:ready or pdf:failed. A transfer that dies without ending (an
// exception, a kill) is failed by the coordinator the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/storage_monitor.hpp"
#include "actors/upload_scheduler.hpp"

namespace siberius::actors {

struct transfer_options {
  std::size_t max_running_per_daemon = 3;
  /// Places of those a low-priority (auto-upload) transfer may take.
  std::size_t max_low_running = 1;
  /// An auto-upload candidate already tried is not tried again for this long
  /// (a failure is not retried in a loop; a success is cached anyway).
  std::chrono::seconds auto_retry_after{30 * 60};
  /// No byte for this long after asking (or since the last byte): try again.
  std::chrono::milliseconds stall_timeout{30000};
  /// Requests sent to the daemon for one transfer before it fails.
  int attempts = 3;
  /// New transfers a daemon may be asked for per window (429 past it).
  std::size_t rate_limit = 100;
  std::chrono::seconds rate_window{15 * 60};
  /// Progress events to clients at most this often per transfer.
  std::chrono::milliseconds progress_interval{100};
  /// Closed by the storage_monitor when the cache is full: new requests get 507.
  storage_gate_ptr storage;
};

/// What the coordinator and the transfer know of one transfer.
struct transfer_info {
  std::int64_t pdf_id = 0;
  std::string request_id;
  std::string client_id;
  std::string file_hash;
  std::string filename;
  std::int64_t file_size = 0;
  upload_priority priority = upload_priority::normal;
};

/// Spawns the transfer `info` for `coordinator`: monitored by it, and
/// monitoring it in turn (see upload_coordinator.hpp).
caf::actor spawn_upload_transfer(caf::event_based_actor* coordinator, caf::actor db, caf::actor hub,
                                 const transfer_options& options, const transfer_info& info);

/// Refusals that say the daemon no longer has the file (with that hash).
bool file_gone(const std::string& code);

/// `bytes` of `total` in whole percent, at most 100.
int percent_of(std::int64_t bytes, std::int64_t total);

/// Where a client downloads PDF `id`.
std::string pdf_download_url(std::int64_t id);

} // namespace siberius::actors
