// The front: turns what net/ reports on the Socket.IO namespaces into messages
// for the actors. Runs on I/O threads, so it only sends, never waits.
#pragma once

#include <memory>

#include <caf/all.hpp>

#include "actors/connect_guard.hpp"
#include "actors/web_session.hpp"
#include "net/server.hpp"

namespace siberius::actors {

/// /daemon: CONNECTs go to the registry, events and disconnects to the
/// daemon_session attached to the connection. With a `guard`, a socket or
/// address whose CONNECTs were refused waits before the next is checked
/// (429), and token lookups under way are bounded.
std::shared_ptr<net::namespace_handler> make_daemon_namespace(caf::actor_system& sys, caf::actor registry,
                                                              std::shared_ptr<connect_guard> guard = nullptr);

/// /client: web and mobile clients. A CONNECT authenticates with `auth.token`
/// (a session or API token), or, without one, with the browser's session
/// cookie; then the page's Origin must be one `origins` allows. `guard` as
/// for /daemon; a token not shaped like one is refused without a lookup.
std::shared_ptr<net::namespace_handler> make_client_namespace(caf::actor_system& sys, caf::actor db, caf::actor hub,
                                                              std::shared_ptr<const origin_policy> origins,
                                                              std::shared_ptr<connect_guard> guard = nullptr);

} // namespace siberius::actors
