// The front: turns what net/ reports on the Socket.IO namespaces into messages
// for the actors. Runs on I/O threads, so it only sends, never waits.
#pragma once

#include <memory>

#include <caf/all.hpp>

#include "actors/web_session.hpp"
#include "net/server.hpp"

namespace siberius::actors {

/// /daemon: CONNECTs go to the registry, events and disconnects to the
/// daemon_session attached to the connection.
std::shared_ptr<net::namespace_handler> make_daemon_namespace(caf::actor registry);

/// /client: web and mobile clients. A CONNECT authenticates with `auth.token`
/// (a session or API token), or, without one, with the browser's session
/// cookie; then the page's Origin must be one `origins` allows.
std::shared_ptr<net::namespace_handler> make_client_namespace(caf::actor_system& sys, caf::actor db, caf::actor hub,
                                                              std::shared_ptr<const origin_policy> origins);

} // namespace siberius::actors
