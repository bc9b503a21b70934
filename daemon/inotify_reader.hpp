// Turns the kernel's inotify events for a folder tree into messages for the
// folder_watcher. Runs on its own thread (reading inotify blocks); it never
// opens a file in the tree, only watches it.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <unordered_map>

#include "daemon/actors.hpp"

namespace siberius::daemon {

class inotify_reader {
public:
  inotify_reader(std::string root, folder_watcher_actor watcher);
  ~inotify_reader();
  inotify_reader(const inotify_reader&) = delete;
  inotify_reader& operator=(const inotify_reader&) = delete;

  /// Watches every folder of the tree and starts the thread. Returns an empty
  /// string, or why inotify cannot serve this tree (the caller then polls).
  std::string start();

private:
  bool watch_tree(const std::string& folder, std::string& error);
  void run();
  void handle_events(const char* buf, long len);

  std::string root_;
  folder_watcher_actor watcher_;
  int inotify_fd_ = -1;
  int stop_fd_ = -1;
  std::unordered_map<int, std::string> folder_of_; // watch descriptor -> folder (thread-owned after start)
  std::thread thread_;
};

/// The name of the network file system the folder lives on ("nfs", "cifs",
/// "smb2", ...), or empty for a local one. inotify sees only local changes there.
std::string network_filesystem_of(const std::string& folder);

} // namespace siberius::daemon
