// metrics_sampler: keeps the system monitor's series going. It samples the
// PDF cache's size (at start, then every few minutes) and prunes what the
// retention no longer covers (at start, then every hour). The work runs on
// the db_worker pool, so the sampler itself never blocks.
#pragma once

#include <chrono>

#include <caf/all.hpp>

#include "storage/monitor.hpp"

namespace siberius::actors {

struct sampler_options {
  std::chrono::milliseconds cache_interval{std::chrono::minutes(5)};
  std::chrono::milliseconds prune_interval{std::chrono::hours(1)};
  storage::monitor_retention retention;
};

caf::behavior metrics_sampler(caf::event_based_actor* self, caf::actor db, sampler_options options);

} // namespace siberius::actors
