// client_hub: knows every connected /client (web admin, mobile app) and pushes
// server events to them: daemon:status_changed and pdf:indexed (broadcast, to
// admins), the pdf:* events of one PDF (publish, to whoever may see that PDF).
// Until user accounts and their access rules exist, only admins see PDFs.
#pragma once

#include <atomic>
#include <string>
#include <unordered_map>

#include <caf/all.hpp>

#include "net/server.hpp"

namespace siberius::actors {

/// How many /client connections are listening, readable from any actor:
/// with nobody listening, sessions do not even build the events.
using audience_count = std::shared_ptr<std::atomic<std::size_t>>;

struct client_hub_state {
  struct client {
    net::connection_ptr conn;
    std::string role; // admin | tecnico
  };
  std::unordered_map<const net::connection*, client> clients;
  audience_count audience;
  static inline const char* name = "client_hub";
};

caf::behavior client_hub(caf::stateful_actor<client_hub_state>* self, audience_count audience);

/// The web and mobile clients' namespace.
inline const std::string client_nsp = "/client";

} // namespace siberius::actors
