// link_port: what the roles of server_link (log forwarding, the server's
// runtime settings, documents and reconciliation) need of the connection
// itself: whether it is up, and an emit whose ack comes back on the actor.
#pragma once

#include <functional>

#include <nlohmann/json.hpp>

#include "net/client/sio_client.hpp"

namespace siberius::daemon {

using ack_continuation = std::function<void(net::ack_result&)>;

class link_port {
public:
  /// Connected to the server (the /daemon namespace accepted this daemon).
  virtual bool online() const = 0;
  /// Emits `event` with `arg`; `then` runs on the actor with the ack, or with
  /// a failed result (disconnected, timed out) when none comes.
  virtual void emit(const char* event, nlohmann::json arg, ack_continuation then) = 0;

protected:
  ~link_port() = default;
};

} // namespace siberius::daemon
