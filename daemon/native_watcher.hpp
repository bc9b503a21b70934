// The operating system's own change notification for a folder tree, behind
// one name for folder_watcher: inotify on Linux (inotify_reader),
// ReadDirectoryChangesW on Windows (directory_changes_reader). Elsewhere
// (macOS) there is none and the folder is polled.
//
// Each one runs a thread of its own and sends the folder_watcher
// (look, path), (vanished, path), (scan_folder, path) and (rescan).
#pragma once

#include <string>

#include "daemon/actors.hpp"

#if defined(__linux__)
#include "daemon/inotify_reader.hpp"
#elif defined(_WIN32)
#include "daemon/directory_changes_reader.hpp"
#endif

namespace siberius::daemon {

#if defined(__linux__)
using native_watcher = inotify_reader;
constexpr const char* native_watcher_api = "inotify";
#elif defined(_WIN32)
using native_watcher = directory_changes_reader;
constexpr const char* native_watcher_api = "ReadDirectoryChangesW";
#else
class native_watcher {
public:
  native_watcher(std::string, folder_watcher_actor) {}
  std::string start() { return "this system has no change notification the daemon uses"; }
};
constexpr const char* native_watcher_api = "none";
inline std::string network_filesystem_of(const std::string&) { return {}; }
#endif

} // namespace siberius::daemon
