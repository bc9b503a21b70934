// uploader: serves the server's daemon:upload_request. For each request it
// finds the file (folder_index knows which path has which hash), checks the
// file still has that hash, and streams it to POST /api/daemon/upload from an
// upload worker (a detached actor: the transfer blocks), at most
// `max_parallel` at once, the rest waiting with high priority first. A worker
// retries a failed transfer by itself (`attempts`, with growing pauses); a
// file that is gone or changed is reported back as daemon:error, so the
// server marks the PDF missing. Asked again for a request it is running, it
// restarts it (the server does so when an upload stalls).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <variant>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "daemon/actors.hpp"
#include "net/client/http_upload.hpp"

namespace siberius::daemon {

struct uploader_options {
  std::string url;      // SERVER_URL
  std::string token;    // DAEMON_TOKEN
  std::string ca_file;  // CA_FILE
  std::size_t max_parallel = 3;
  int attempts = 3;                              // per request, by the worker
  std::chrono::milliseconds retry_pause{1000};   // doubled after each failure
  std::chrono::milliseconds idle_timeout{30000}; // no byte moving for this long: the attempt failed
  std::size_t max_waiting = 1000;                // requests beyond it are refused
  /// Workers run on their own threads (the transfer blocks); tests run them
  /// on the deterministic scheduler instead.
  bool detached_workers = true;
  /// Sends one file to the server (net::upload_file unless set).
  std::function<net::upload_outcome(const net::upload_spec&)> send_file;
};

/// One request as the server sent it.
struct upload_job {
  std::string request_id;
  std::string file_hash;
  std::string filename;
  bool high = false;
};

/// Parses a daemon:upload_request payload; the reason when it is not one.
std::variant<upload_job, std::string> parse_upload_request(const nlohmann::json& payload);

struct uploader_state {
  struct entry {
    upload_job job;
    std::int64_t ticket = 0;
    bool running = false;
    bool restart = false; // asked again while running: run once more after this one
    std::shared_ptr<std::atomic<bool>> cancel;
    std::uint64_t sent = 0, total = 0;
    std::chrono::steady_clock::time_point started; // this run's start (the heartbeat's upload speed)
    caf::actor_addr worker; // the one running it: its death ends the attempt
  };

  uploader_actor::pointer self = nullptr;
  server_link_actor link;
  folder_index_actor index;
  uploader_options options;
  std::unordered_map<std::string, entry> jobs;                    // by request id
  std::set<std::tuple<int, std::int64_t, std::string>> waiting;   // (-priority, ticket, request id)
  std::size_t running = 0;
  std::int64_t next_ticket = 0;
  std::uint64_t stored = 0, failed = 0;

  static inline const char* name = "uploader";

  void on_request(const nlohmann::json& payload);
  void on_cancel(const std::string& request_id);
  void start_next();
  void run(entry& e, std::vector<std::string> paths);
  void on_finished(const std::string& request_id, const std::string& code, const std::string& message);
  /// A worker ended; one that ended without reporting frees its slot as a failure.
  void on_worker_down(const caf::down_msg& msg);
};

uploader_actor::behavior_type uploader(uploader_actor::stateful_pointer<uploader_state> self, server_link_actor link,
                                       folder_index_actor index, uploader_options options);

} // namespace siberius::daemon
