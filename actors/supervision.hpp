// Supervision of the server's actors (docs/architecture.md, "Supervision"):
// pooled workers (database connections, PDF checks) that fail are replaced;
// the actors the server cannot run without are watched, and the first of
// them to end makes the process exit non-zero, so systemd starts a whole one.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <caf/all.hpp>

namespace siberius::actors {

/// Whether an actor ended by failing: any exit reason but none, normal or a shutdown.
bool is_failure(const caf::error& reason);

struct pool_options {
  std::string name;                              // in the log: "db_worker", "pdf_parse_job"
  std::size_t size = 2;
  std::chrono::milliseconds restart_delay{1000}; // a worker failing at start does not spin
};

/// `options.size` workers made by `make_worker` behind one round-robin
/// handle. A worker that ends leaves the pool at once (the requests it held
/// get an error) and a new one joins it after `restart_delay`; meanwhile, with
/// none left, requests get sec::request_receiver_down. The pool ends when sent
/// an exit, taking its workers with it.
caf::actor spawn_supervised_pool(caf::actor_system& sys, std::function<caf::actor()> make_worker,
                                 pool_options options);

/// Monitors `watched` (name, actor) and calls `on_down(name, reason)` once,
/// for the first of them that ends for any reason, after logging
/// server:actor:down. Send it an exit before shutting the others down.
caf::behavior top_level_watch(caf::event_based_actor* self, std::vector<std::pair<std::string, caf::actor>> watched,
                              std::function<void(const std::string&, const caf::error&)> on_down);

} // namespace siberius::actors
