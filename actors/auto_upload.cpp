#include "actors/auto_upload.hpp"

#include "actors/log.hpp"
#include "actors/messages.hpp"

namespace siberius::actors {

using json = nlohmann::json;

void auto_upload_state::refresh() {
  if (reading)
    return;
  reading = true;
  auto zone = options.time_zone;
  auto days = options.days;
  auto per_daemon = options.per_daemon;
  db_job job{[zone, days, per_daemon](storage::metadata_store& s) {
    json out = json::object();
    for (auto& [client, ids] : s.auto_upload_candidates(zone, days, per_daemon))
      out[client] = ids;
    return out;
  }};
  self->request(db, db_timeout, atom::db_run_v, job)
    .then(
      [this](const json_reply& r) {
        reading = false;
        std::set<std::string> now_listed;
        std::size_t total = 0;
        for (auto& [client, ids] : r.value.items()) {
          auto list = ids.get<std::vector<std::int64_t>>();
          total += list.size();
          now_listed.insert(client);
          self->send(coordinator, atom::auto_upload_v, client, std::move(list));
        }
        // A daemon with nothing left (or autoUpload turned off) gets an empty list.
        for (auto& client : listed)
          if (now_listed.count(client) == 0)
            self->send(coordinator, atom::auto_upload_v, client, std::vector<std::int64_t>{});
        if (total > 0 || !listed.empty())
          log_event(log_level::debug, "auto_upload:candidates", {{"daemons", now_listed.size()}, {"pdfs", total}});
        listed = std::move(now_listed);
      },
      [this](const caf::error& err) {
        reading = false;
        log_event(log_level::warn, "auto_upload:unavailable", {{"error", caf::to_string(err)}});
      });
}

caf::behavior auto_upload(caf::stateful_actor<auto_upload_state>* self, caf::actor db, caf::actor coordinator,
                          auto_upload_options options) {
  auto& st = self->state;
  st.self = self;
  st.db = std::move(db);
  st.coordinator = std::move(coordinator);
  st.options = std::move(options);
  if (st.options.days <= 0)
    return {[](atom::auto_tick) {}}; // off
  self->send(self, atom::auto_tick_v);
  return {
    [=](atom::auto_tick) {
      self->state.refresh();
      self->delayed_send(self, self->state.options.interval, atom::auto_tick_v);
    },
  };
}

} // namespace siberius::actors
