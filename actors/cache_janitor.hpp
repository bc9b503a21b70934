// cache_janitor: expires the PDF cache. Every interval it marks the cached
// copies past their expiry (the event date + retention) as expired, deletes
// their files, tells the clients (pdf:expired), and removes upload leftovers
// (<storage>/tmp/*.part) older than an hour. Runs detached: it deletes files.
#pragma once

#include <chrono>
#include <string>

#include <caf/all.hpp>

namespace siberius::actors {

struct janitor_options {
  std::string storage_dir;
  std::chrono::milliseconds interval{std::chrono::minutes(10)};
  int batch = 500; // rows per statement; a full batch is followed by another at once
  std::chrono::minutes stale_part{60};
};

caf::behavior cache_janitor(caf::event_based_actor* self, caf::actor db, caf::actor hub, janitor_options options);

} // namespace siberius::actors
