// The REST API served by the front's HTTP side: /health, /health/detailed and
// the admin endpoints. Each request that needs the database is answered by a
// short-lived actor, so no I/O thread ever waits.
#pragma once

#include <chrono>

#include <caf/all.hpp>

#include "net/server.hpp"

namespace siberius::actors {

struct api_context {
  caf::actor_system* sys = nullptr;
  caf::actor db;
  caf::actor registry;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

net::http_handler make_http_api(api_context ctx);

/// Resident memory of this process in bytes (VmRSS), 0 when unknown.
std::size_t resident_bytes();

} // namespace siberius::actors
