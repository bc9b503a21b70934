// daemon_registry: supervises one daemon_session per connected office daemon.
// It authenticates CONNECTs on /daemon, replaces a session when the same
// clientId connects again, marks daemons offline when their session ends,
// disconnects a daemon whose token ends (revoked, or past a rotation's
// overlap), and writes the latest heartbeats in bulk.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "net/server.hpp"
#include "storage/metadata_store.hpp"

namespace siberius::actors {

struct registry_options {
  std::chrono::milliseconds heartbeat_flush{2000};
  /// Largest sync (files) one daemon may report; past it the sync is refused.
  std::size_t max_sync_files = 500000;
  /// Passed on to the sessions (see session_info::audience).
  std::shared_ptr<const std::atomic<std::size_t>> audience;
  /// upload_coordinator: told when a daemon comes online or leaves.
  caf::actor uploads;
};

struct daemon_registry_state {
  caf::event_based_actor* self = nullptr;
  caf::actor db;
  caf::actor hub; // client_hub: told when a daemon goes online or offline
  registry_options options;
  std::unordered_map<std::string, caf::actor> sessions;           // by clientId
  std::unordered_map<caf::actor_addr, std::string> client_of;      // session -> clientId
  std::unordered_map<std::string, std::int64_t> token_of;          // clientId -> token it connected with
  // clientId -> connected_at of its session's connection: a late "offline"
  // from a previous connection must not mark a reconnected daemon offline.
  std::unordered_map<std::string, std::string> connected_at_of;
  std::unordered_map<std::string, std::int64_t> daemon_id_of; // clientId -> daemon_clients.id
  // clientId -> why its session said it ends (the front's or an admin's reason).
  std::unordered_map<std::string, std::string> ending_reason_of;
  std::unordered_map<std::string, storage::daemon_heartbeat> heartbeats; // latest, not yet written
  bool flush_scheduled = false;

  static inline const char* name = "daemon_registry";

  /// Answers the CONNECT on `conn`, and `verdict` with whether it was accepted.
  void on_connect(const net::connection_ptr& conn, const nlohmann::json& auth,
                  caf::typed_response_promise<bool> verdict);
  void on_authenticated(const net::connection_ptr& conn, const std::string& client_id,
                        const storage::auth_outcome& outcome, caf::typed_response_promise<bool> verdict);
  /// A daemon token ended (its rotation overlap passed): its sockets close.
  void on_token_ended(std::int64_t token_id);
  /// The daemon `client_id` got token `kept`; the one it is connected with, if
  /// another, ends `overlap` from now.
  void on_token_rotated(const std::string& client_id, std::int64_t kept, std::chrono::seconds overlap);
  void on_session_down(const caf::down_msg& msg);
  /// A session says why it is about to end.
  void on_session_ending(const caf::actor_addr& session, const std::string& reason);
  void remember_heartbeat(storage::daemon_heartbeat beat);
  void flush_heartbeats();
};

caf::behavior daemon_registry(caf::stateful_actor<daemon_registry_state>* self, caf::actor db, caf::actor hub,
                              registry_options options);

} // namespace siberius::actors
