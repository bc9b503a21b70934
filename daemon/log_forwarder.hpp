// log_forwarder: server_link's role that forwards the daemon's own warn and
// error lines as daemon:log, from a bounded log_ring (log_forwarding.hpp), at
// most one batch in flight and one batch per spacing; a batch that did not
// reach the server goes back in front; a server without daemon:log drops it.
#pragma once

#include <string>
#include <vector>

#include "daemon/actors.hpp"
#include "daemon/link_port.hpp"
#include "daemon/log_forwarding.hpp"

namespace siberius::daemon {

class log_forwarder {
public:
  /// `secrets` never leave the daemon, whole or in part (log_ring).
  log_forwarder(server_link_actor::pointer self, link_port& link, std::vector<std::string> secrets,
                log_ring_limits limits);

  /// A warn/error line to forward (log_line).
  void on_line(nlohmann::json line);
  /// Sends the next batch if one may go now, else arms the timer (connect, ack, log_flush).
  void flush();
  /// The log_flush timer fired.
  void on_timer();

private:
  void on_ack(const nlohmann::json& batch, net::ack_result& result);

  server_link_actor::pointer self_;
  link_port& link_;
  log_ring ring_;
  bool in_flight_ = false;
  bool timer_armed_ = false;
};

} // namespace siberius::daemon
