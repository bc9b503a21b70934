// daemon_session: one per authenticated office daemon. Turns the daemon's
// Socket.IO events into database work and answers each with its ack, only
// after what it acknowledges is committed.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "net/server.hpp"
#include "storage/metadata_store.hpp"

namespace siberius::actors {

struct session_info {
  std::string client_id;
  std::string name;
  std::string remote_address;
  /// Settings an admin set for this daemon (JSON object text), sent as
  /// daemon:config_update when the session starts.
  std::string config = "{}";
  std::size_t max_sync_files = 500000;
  /// /client connections listening (client_hub); null = always announce.
  std::shared_ptr<const std::atomic<std::size_t>> audience;
  /// upload_coordinator: told when the daemon cannot serve an upload request.
  caf::actor uploads;
  /// The daemon's row id (daemon_clients.id), named in the events to clients.
  std::int64_t daemon_id = 0;
};

struct daemon_session_state {
  caf::event_based_actor* self = nullptr;
  net::connection_ptr conn;
  caf::actor registry;
  caf::actor db;
  caf::actor hub; // client_hub: told about newly indexed documents
  session_info info;
  // The hashes of the sync in progress, so its last chunk can mark the rest missing.
  std::string sync_id;
  std::unordered_set<std::string> sync_hashes;
  // Server -> daemon events waiting for the daemon's ack.
  std::uint64_t next_ack_id = 1;
  std::unordered_map<std::uint64_t, caf::response_promise> waiting_acks;

  static inline const char* name = "daemon_session";

  /// One daemon event; a payload that throws while parsed gets an error ack.
  void on_event(const std::string& event, nlohmann::json& args, std::optional<std::uint64_t> ack_id);
  void dispatch(const std::string& event, nlohmann::json& args, std::optional<std::uint64_t> ack_id);
  void ack(std::optional<std::uint64_t> ack_id, nlohmann::json payload);
  void on_heartbeat(nlohmann::json& payload, std::optional<std::uint64_t> ack_id);
  /// The daemon:heartbeat admins' screens get: the beat's live fields and the
  /// round trip the server measured.
  nlohmann::json compact_heartbeat(const storage::daemon_heartbeat& beat, const nlohmann::json& payload) const;
  /// Tells the registry why the session ends (for the offline event), then ends it.
  void end(const std::string& reason);
  void on_pdf_indexed(const nlohmann::json& payload, std::optional<std::uint64_t> ack_id);
  void on_pdf_indexed_batch(const nlohmann::json& payload, std::optional<std::uint64_t> ack_id);
  void on_sync(const nlohmann::json& payload, std::optional<std::uint64_t> ack_id);
  /// daemon:stat_check: which of the listed (path, size, mtime) the server
  /// holds unchanged, with their hashes (a restarted daemon reads only the rest).
  void on_stat_check(const nlohmann::json& payload, std::optional<std::uint64_t> ack_id);
  /// Whether anyone would hear an announcement.
  bool audience_listening() const;
  /// Tells the clients about documents the server had not seen before.
  void announce(const std::vector<storage::pdf_document>& docs, const std::vector<storage::ingest_result>& results);
  /// Documents that joined an atendimento as they were indexed (it referenced
  /// their tipo and numero): atendimento:updated to admins and its
  /// technicians, who may see those PDFs from now on.
  void announce_links(const std::vector<storage::ingest_result>& results);
  void on_error_report(const nlohmann::json& payload, std::optional<std::uint64_t> ack_id);
  void on_log_lines(const nlohmann::json& payload, std::optional<std::uint64_t> ack_id);
  /// Emits `event` asking for an ack; the promise gets {connected, ack} or {connected, timeout}.
  void command(const std::string& event, const nlohmann::json& payload, caf::response_promise rp);
};

caf::behavior daemon_session(caf::stateful_actor<daemon_session_state>* self, net::connection_ptr conn,
                             caf::actor registry, caf::actor db, caf::actor hub, session_info info);

/// The daemon's namespace.
inline const std::string daemon_nsp = "/daemon";

} // namespace siberius::actors
