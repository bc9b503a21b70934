#include "actors/cache_janitor.hpp"

#include <unistd.h>

#include <filesystem>

#include "actors/log.hpp"
#include "actors/messages.hpp"

namespace siberius::actors {

namespace fs = std::filesystem;

namespace {

/// Deletes <storage>/tmp/*.part files untouched for `age`: uploads that died
/// with the process (a live upload writes to its file all the time).
std::size_t remove_stale_parts(const std::string& storage_dir, std::chrono::minutes age) {
  std::error_code ec;
  std::size_t removed = 0;
  auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(fs::path(storage_dir) / "tmp", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".part")
      continue;
    std::error_code e2;
    auto written = fs::last_write_time(it->path(), e2);
    if (!e2 && now - written > age && fs::remove(it->path(), e2))
      ++removed;
  }
  return removed;
}

} // namespace

caf::behavior cache_janitor(caf::event_based_actor* self, caf::actor db, caf::actor hub, janitor_options options) {
  self->send(self, atom::sweep_v);
  return {
    [=](atom::sweep) {
      if (auto n = remove_stale_parts(options.storage_dir, options.stale_part))
        log_event(log_level::info, "cache:parts:removed", {{"files", n}});
      self->request(db, db_timeout, atom::expire_due_v, options.batch)
        .then(
          [=](const std::vector<storage::expired_copy>& due) {
            for (auto& c : due) {
              if (!c.file_path.empty() && ::unlink(c.file_path.c_str()) != 0 && errno != ENOENT)
                log_event(log_level::warn, "cache:delete:failed",
                          {{"pdfId", c.pdf_id}, {"path", c.file_path}, {"reason", std::strerror(errno)}});
              self->send(hub, atom::publish_v, std::string("pdf:expired"),
                         nlohmann::json{{"pdfId", c.pdf_id}, {"fileHash", c.file_hash}, {"at", now_iso8601()}},
                         c.pdf_id);
            }
            if (!due.empty())
              log_event(log_level::info, "cache:expired", {{"copies", due.size()}});
            if (static_cast<int>(due.size()) == options.batch)
              self->send(self, atom::sweep_v); // more are due
            else
              self->delayed_send(self, options.interval, atom::sweep_v);
          },
          [=](const caf::error&) {
            log_event(log_level::warn, "cache:sweep:failed", {{"reason", "database unavailable"}});
            self->delayed_send(self, options.interval, atom::sweep_v);
          });
    },
  };
}

} // namespace siberius::actors
