// auto_upload: the server's side of a daemon's autoUpload setting. Every
// `interval` it reads, for each online daemon with autoUpload on, the PDFs
// that daemon has whose event is today or within the next `days` days and
// that have no cached copy, and hands each daemon's list to the
// upload_coordinator, which asks for them one at a time at low priority,
// behind every person's request (see upload_coordinator.hpp). So the copies are
// on the server before the technicians open them.
#pragma once

#include <chrono>
#include <set>
#include <string>

#include <caf/all.hpp>

namespace siberius::actors {

struct auto_upload_options {
  /// Events up to this many days after today; 0 turns auto-upload off.
  int days = 2;
  std::chrono::seconds interval{60};
  /// Candidates read per daemon each time.
  int per_daemon = 50;
  /// Where "today" begins: the business's zone (--timezone).
  std::string time_zone = "America/Sao_Paulo";
};

struct auto_upload_state {
  caf::event_based_actor* self = nullptr;
  caf::actor db, coordinator;
  auto_upload_options options;
  std::set<std::string> listed; // daemons given a non-empty list last time
  bool reading = false;
  static inline const char* name = "auto_upload";

  void refresh();
};

caf::behavior auto_upload(caf::stateful_actor<auto_upload_state>* self, caf::actor db, caf::actor coordinator,
                          auto_upload_options options);

} // namespace siberius::actors
