// client_hub: knows every connected /client (web admin, mobile app) and pushes
// server events to them: daemon:status_changed, pdf:indexed. Until user
// accounts exist every /client is an admin and sees everything.
#pragma once

#include <atomic>
#include <unordered_map>

#include <caf/all.hpp>

#include "net/server.hpp"

namespace siberius::actors {

/// How many /client connections are listening, readable from any actor:
/// with nobody listening, sessions do not even build the events.
using audience_count = std::shared_ptr<std::atomic<std::size_t>>;

struct client_hub_state {
  std::unordered_map<const net::connection*, net::connection_ptr> clients;
  audience_count audience;
  static inline const char* name = "client_hub";
};

caf::behavior client_hub(caf::stateful_actor<client_hub_state>* self, audience_count audience);

/// The web and mobile clients' namespace.
inline const std::string client_nsp = "/client";

} // namespace siberius::actors
