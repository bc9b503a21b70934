// Windows: turns ReadDirectoryChangesW notifications for a folder tree into
// messages for the folder_watcher, on a thread of its own (native_watcher.hpp).
// One handle watches the whole tree; when the system's buffer overflows it
// asks for a rescan, as inotify_reader does.
#pragma once

#include <string>
#include <thread>

#include "daemon/actors.hpp"

namespace siberius::daemon {

class directory_changes_reader {
public:
  directory_changes_reader(std::string root, folder_watcher_actor watcher);
  ~directory_changes_reader();
  directory_changes_reader(const directory_changes_reader&) = delete;
  directory_changes_reader& operator=(const directory_changes_reader&) = delete;

  /// Opens the folder and asks for its first notifications. Returns an empty
  /// string, or why the folder cannot be watched (the caller then polls).
  std::string start();

private:
  bool arm(unsigned long& error);
  void run();
  void handle(const unsigned char* buf, unsigned long len);

  std::string root_;
  folder_watcher_actor watcher_;
  void* dir_ = nullptr;        // HANDLE of the folder
  void* io_event_ = nullptr;   // signalled when notifications arrived
  void* stop_event_ = nullptr; // signalled by the destructor
  alignas(8) unsigned char overlapped_[64];
  alignas(8) unsigned char buffer_[64 * 1024];
  std::thread thread_;
};

/// "smb" when the folder is on a network share (a UNC path or a mapped
/// drive), where notifications are not to be relied on; empty when local.
std::string network_filesystem_of(const std::string& folder);

} // namespace siberius::daemon
