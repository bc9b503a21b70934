// The front: turns what net/ reports on the Socket.IO namespaces into messages
// for the actors. Runs on I/O threads, so it only sends, never waits.
#pragma once

#include <memory>

#include <caf/all.hpp>

#include "net/server.hpp"

namespace siberius::actors {

/// /daemon: CONNECTs go to the registry, events and disconnects to the
/// daemon_session attached to the connection.
std::shared_ptr<net::namespace_handler> make_daemon_namespace(caf::actor registry);

/// /client: web and mobile clients. Authenticates with an admin API token for
/// now (user sessions come with the accounts work).
std::shared_ptr<net::namespace_handler> make_client_namespace(caf::actor_system& sys, caf::actor db, caf::actor hub);

} // namespace siberius::actors
