// State shared by the listener and every session of one server: options,
// application handlers, the registry used by stop(), and connection counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "net/server.hpp"

namespace siberius::net {

class engine_session;

/// Anything stop() must be able to close: HTTP and Engine.IO sessions.
class session_base {
public:
  virtual ~session_base() = default;
  /// Thread-safe; closes the session with reason "server shutting down".
  virtual void shutdown() = 0;
};

class server_state {
public:
  explicit server_state(server_options options);

  const server_options& options() const { return options_; }
  void log(const nlohmann::json& line) const;

  void add_namespace(const std::string& nsp, std::shared_ptr<namespace_handler> handler);
  std::shared_ptr<namespace_handler> find_namespace(const std::string& nsp) const;
  void set_http_handler(http_handler handler);
  std::shared_ptr<const http_handler> http() const;
  void set_engine_message_handler(engine_message_handler handler);
  std::shared_ptr<const engine_message_handler> engine_messages() const;
  struct streaming_route {
    std::size_t max_body;
    streaming_handler handler;
  };
  void add_streaming_route(const std::string& path, std::size_t max_body, streaming_handler handler);
  std::shared_ptr<const streaming_route> find_streaming_route(std::string_view path) const;
  struct file_route {
    std::function<bool(std::string_view)> match;
    file_handler handler;
  };
  void add_file_route(std::function<bool(std::string_view)> match, file_handler handler);
  std::shared_ptr<const file_route> find_file_route(std::string_view path) const;

  /// Sessions register so that stop() reaches them; the id unregisters.
  std::uint64_t register_session(std::weak_ptr<session_base> session);
  void unregister_session(std::uint64_t id);
  /// Engine.IO sessions by sid, whatever their transport: polling requests
  /// and upgrades find theirs here.
  void add_engine(const std::string& sid, std::weak_ptr<engine_session> session);
  void remove_engine(const std::string& sid);
  std::shared_ptr<engine_session> find_engine(const std::string& sid) const;
  std::size_t engine_count() const;

  /// Marks the server as stopping and shuts every registered session down.
  void shutdown_all();
  bool stopping() const { return stopping_.load(); }

  /// Counts one more connection for `address`; false (nothing counted) when
  /// it already holds max_connections_per_address. Always true without a limit.
  bool acquire_address(const std::string& address);
  void release_address(const std::string& address);
  /// Connections counted for `address` right now.
  std::size_t address_connections(const std::string& address) const;

  /// The io_context's executor: polling sessions get their strands from it.
  boost::asio::any_io_executor io_executor;

  /// Connections held: TCP connections of HTTP and WebSocket sessions, and
  /// polling sessions (one each, however many requests they make); see connection_slot.
  std::atomic<std::size_t> open_sockets{0};
  /// Live Engine.IO connections (server::connection_count()).
  std::atomic<std::size_t> engine_connections{0};

private:
  server_options options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<namespace_handler>> namespaces_;
  std::shared_ptr<const http_handler> http_;
  std::shared_ptr<const engine_message_handler> engine_messages_;
  std::unordered_map<std::string, std::shared_ptr<const streaming_route>> streaming_routes_;
  std::vector<std::shared_ptr<const file_route>> file_routes_;
  std::unordered_map<std::uint64_t, std::weak_ptr<session_base>> sessions_;
  std::uint64_t next_session_id_ = 1;
  std::unordered_map<std::string, std::weak_ptr<engine_session>> engines_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex addresses_mutex_;
  std::unordered_map<std::string, std::size_t> per_address_;
};

/// Counts one open TCP connection for as long as it lives; moves from the
/// HTTP session to the Engine.IO session on upgrade.
class connection_slot {
public:
  connection_slot() = default;
  explicit connection_slot(std::shared_ptr<server_state> state);
  connection_slot(connection_slot&& other) noexcept;
  connection_slot& operator=(connection_slot&& other) noexcept;
  ~connection_slot();

  /// Counts this connection against `address` from now on (see
  /// server_state::acquire_address); false, and no change, when that
  /// address is at its limit. Binding to the address already held is a no-op.
  bool bind_address(const std::string& address);

private:
  void release();
  std::shared_ptr<server_state> state_;
  std::optional<std::string> address_;
};

/// 120 random bits as 20 URL-safe characters (Engine.IO and Socket.IO ids).
std::string random_id();

} // namespace siberius::net
