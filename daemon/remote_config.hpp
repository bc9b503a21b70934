// remote_config: server_link's role that applies the server's
// daemon:config_update (the rescan interval, through folder_watcher; the log
// level; autoUpload, kept and reported) and knows the settings in force for
// the heartbeat. Nothing is written to disk (runtime_config.hpp).
#pragma once

#include <string>

#include "daemon/actors.hpp"
#include "daemon/runtime_config.hpp"

namespace siberius::daemon {

class remote_config {
public:
  remote_config(server_link_actor::pointer self, std::string pdf_directory);

  /// main: the folder_watcher; its rescan interval is asked once it has scanned.
  void on_watcher(folder_watcher_actor watcher);
  /// daemon:config_update: applies what is valid and answers what was (and why not the rest).
  void on_update(const nlohmann::json& payload, net::ack_responder& ack);
  /// The settings in force (the log level is read live).
  runtime_config live() const;
  /// The heartbeat's config object: the settings plus the watched folder.
  nlohmann::json to_json() const;

private:
  server_link_actor::pointer self_;
  std::string pdf_directory_;
  folder_watcher_actor watcher_;
  runtime_config settings_;
  bool scan_interval_set_ = false; // by the server: the watcher's first answer no longer counts
};

} // namespace siberius::daemon
