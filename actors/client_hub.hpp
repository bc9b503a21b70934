// client_hub: knows every connected /client (web admin, mobile app) and pushes
// server events to them: daemon:status_changed, pdf:indexed. Until user
// accounts exist every /client is an admin and sees everything.
#pragma once

#include <unordered_map>

#include <caf/all.hpp>

#include "net/server.hpp"

namespace siberius::actors {

struct client_hub_state {
  std::unordered_map<const net::connection*, net::connection_ptr> clients;
  static inline const char* name = "client_hub";
};

caf::behavior client_hub(caf::stateful_actor<client_hub_state>* self);

/// The web and mobile clients' namespace.
inline const std::string client_nsp = "/client";

} // namespace siberius::actors
