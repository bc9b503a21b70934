// server_link: the daemon's one connection to siberius-server's /daemon
// namespace, and the roles that use it, each in its own file:
// - the connection (server_link.cpp): connect, reconnect with backoff (a long
//   wait after 401/403), emits with acks, the heartbeat with the effective
//   runtime settings, the server's upload requests handed to the uploader;
// - documents (server_link_outbound.cpp): what folder_index reads goes out
//   through the bounded outbound_queue as it is read, in batches of 10, an
//   event dropped only once acked (while connected, folder_index starts no
//   read when the queue is full: queue_room);
// - reconciliation (server_link_sync.cpp): daemon:stat_check for the first
//   scan, and the full daemon:sync (missing files, documents the server lacks)
//   once the folder is read, after every connect and whenever one is owed
//   (queue overflow, deleted or changed files, the server's daemon:resync);
// - the server's runtime settings (remote_config.hpp: daemon:config_update);
// - the daemon's own warn and error lines (log_forwarder.hpp: daemon:log).
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <caf/all.hpp>

#include "daemon/actors.hpp"
#include "daemon/link_counters.hpp"
#include "daemon/link_port.hpp"
#include "daemon/log_forwarder.hpp"
#include "daemon/messages.hpp"
#include "daemon/outbound_queue.hpp"
#include "daemon/reconnect_backoff.hpp"
#include "daemon/remote_config.hpp"
#include "net/client/sio_client.hpp"

namespace siberius::daemon {

struct link_options {
  std::string url;
  std::string token;
  std::string client_id;
  std::string ca_file;
  std::string pdf_directory; // reported in the heartbeat's config (the admin's detail view)
  std::size_t queue_limit = 100;
  std::chrono::milliseconds heartbeat{30000};
  std::chrono::milliseconds reconnect_base{5000};
  std::chrono::milliseconds auth_retry{600000};
  std::chrono::milliseconds sync_debounce{2000};
  std::chrono::milliseconds ack_timeout{30000};
  log_ring_limits log_limits; // daemon:log: ring of 50, 20 lines per emit, one emit per 5 s
};

/// The thread the Socket.IO client's I/O runs on (the client owns no thread).
struct io_thread {
  boost::asio::io_context ioc{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{ioc.get_executor()};
  std::thread thread{[this] { ioc.run(); }};
  ~io_thread() {
    guard.reset();
    ioc.stop();
    thread.join();
  }
};

struct server_link_state : link_port {
  server_link_actor::pointer self = nullptr;
  folder_index_actor index;
  uploader_actor uploads; // serves daemon:upload_request
  link_options options;

  // ---- the connection (server_link.cpp) ----
  // Declared before client: the client (closed by its destructor) goes first,
  // then the I/O thread stops.
  std::unique_ptr<io_thread> io;
  std::unique_ptr<net::sio_client> client;
  std::uint64_t attempt = 0; // which client the callbacks belong to
  bool connected = false;
  std::unique_ptr<reconnect_backoff> backoff;
  std::uint64_t next_ticket = 1;
  std::unordered_map<std::uint64_t, ack_continuation> pending_acks;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::uint64_t stored = 0, errors = 0, uploaded = 0;
  link_counters counters; // reconnections, failed uploads, average upload speed and parse time

  // ---- the roles that need nothing but the connection ----
  std::unique_ptr<remote_config> config; // daemon:config_update, the heartbeat's config
  std::unique_ptr<log_forwarder> logs;   // daemon:log

  // ---- documents (server_link_outbound.cpp) ----
  std::unique_ptr<outbound_queue> queue;
  bool batch_in_flight = false;
  bool drain_timer_armed = false;
  bool reading_paused = false; // folder_index was told the queue is full (queue_room false)
  std::unordered_set<std::string> reported_errors; // report keys the server acked

  // ---- reconciliation (server_link_sync.cpp) ----
  bool reconciling = false;
  bool inventory_asked = false; // a reconciliation waits for folder_index's snapshot (documents still flow)
  bool sync_timer_armed = false;
  std::uint64_t sync_count = 0;
  // daemon:stat_check requests from folder_index, served one at a time while online.
  struct stat_request {
    std::vector<stat_probe> probes;
    caf::typed_response_promise<stat_answer> promise;
  };
  std::deque<stat_request> stat_requests;
  bool stat_in_flight = false;
  bool server_has_stat_check = true; // until a server answers "unknown event"

  static inline const char* name = "server_link";

  // link_port
  bool online() const override { return connected; }
  void emit(const char* event, nlohmann::json arg, ack_continuation then) override;

  void connect();
  void on_link_up(std::uint64_t att, const nlohmann::json& data);
  void on_link_refused(std::uint64_t att, const std::string& message, const nlohmann::json& data);
  void on_link_down(std::uint64_t att, const std::string& reason);
  void retry_in(std::chrono::milliseconds delay);
  void on_ack(std::uint64_t ticket, net::ack_result& result);
  void fail_pending_acks();
  void send_heartbeat();
  nlohmann::json heartbeat_payload() const;
  /// The heartbeat's counters object (docs/protocol.md 3.2).
  nlohmann::json heartbeat_counters() const;
  void on_server_event(const std::string& event, nlohmann::json& args);
  void on_upload_report(bool stored, const nlohmann::json& error);

  void on_document(folder_entry entry);
  void on_broken(folder_entry entry);
  void push(outbound_event ev);
  void drain();
  /// Tells folder_index when the queue crosses the pause or resume mark (connected only).
  void tell_reading_room();
  void drain_later();
  void on_batch_ack(const std::vector<outbound_event>& batch, net::ack_result& result);

  void on_resync(std::uint64_t att, const nlohmann::json& payload);
  void on_stat_check(std::vector<stat_probe> probes, caf::typed_response_promise<stat_answer> promise);
  void send_stat_check();
  void start_reconciliation();
  struct sync_run;
  void send_sync_chunk(std::shared_ptr<sync_run> run);
  void ask_needed(std::shared_ptr<sync_run> run);
  void send_error_reports(std::shared_ptr<sync_run> run);
  void finish_reconciliation(std::shared_ptr<sync_run> run, bool complete);
};

/// Starts connecting once told where folder_index is: (inventory, index actor),
/// since the two know each other and the link is spawned first.
server_link_actor::behavior_type server_link(server_link_actor::stateful_pointer<server_link_state> self, link_options options);

} // namespace siberius::daemon
