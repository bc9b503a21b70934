#include "daemon/remote_config.hpp"

#include "daemon/log.hpp"

namespace siberius::daemon {

remote_config::remote_config(server_link_actor::pointer self, std::string pdf_directory)
    : self_(self), pdf_directory_(std::move(pdf_directory)) {}

void remote_config::on_watcher(folder_watcher_actor watcher) {
  watcher_ = std::move(watcher);
  // The watcher knows which rescan it runs (safety rescan or polling); it
  // answers once its first scan is done.
  self_->request(watcher_, caf::infinite, atom::scan_interval_v)
      .then(
          [this](std::int64_t ms) {
            if (!scan_interval_set_)
              settings_.scan_interval_seconds = (ms + 500) / 1000;
          },
          [](caf::error& err) {
            log_event(log_level::debug, "watcher:unanswered", {{"reason", caf::to_string(err)}});
          });
}

void remote_config::on_update(const nlohmann::json& payload, net::ack_responder& ack) {
  auto update = parse_config_update(payload);
  auto applied = nlohmann::json::object();
  auto rejected = update.rejected;
  if (update.scan_interval_seconds) {
    if (watcher_) {
      self_->send(watcher_, atom::set_scan_v, static_cast<std::int64_t>(*update.scan_interval_seconds * 1000));
      settings_.scan_interval_seconds = update.scan_interval_seconds;
      scan_interval_set_ = true;
      applied["scanIntervalSeconds"] = *update.scan_interval_seconds;
    } else {
      rejected["scanIntervalSeconds"] = "the folder watcher has not started yet";
    }
  }
  if (update.auto_upload) {
    settings_.auto_upload = *update.auto_upload;
    applied["autoUpload"] = *update.auto_upload;
  }
  if (update.level)
    applied["logLevel"] = daemon::to_string(*update.level);
  // Logged before the level changes, so that the change itself is seen at the old level.
  nlohmann::json fields = {{"applied", applied}, {"rejected", rejected}};
  if (!update.error.empty())
    fields["error"] = update.error;
  log_event(log_level::info, "server:config_update", std::move(fields));
  if (update.level)
    set_log_level(*update.level);
  if (ack)
    ack(nlohmann::json::array({config_update_ack(applied, rejected, update.error)}));
}

runtime_config remote_config::live() const {
  auto now = settings_;
  now.level = current_log_level();
  return now;
}

nlohmann::json remote_config::to_json() const {
  auto config = daemon::to_json(live());
  config["pdfDirectory"] = pdf_directory_;
  return config;
}

} // namespace siberius::daemon
