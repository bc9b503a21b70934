#include "daemon/directory_changes_reader.hpp"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <caf/send.hpp>

#include "daemon/file_rules.hpp"
#include "daemon/log.hpp"
#include "daemon/messages.hpp"
#include "platform/files.hpp"

namespace siberius::daemon {

namespace {

constexpr DWORD notify_filter = FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME |
                                FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE |
                                FILE_NOTIFY_CHANGE_CREATION;

OVERLAPPED* as_overlapped(unsigned char* storage) { return reinterpret_cast<OVERLAPPED*>(storage); }

/// Whether a path relative to the root crosses a folder the daemon skips (.git, .Trash, ...).
bool in_skipped_folder(const std::string& relative) {
  std::size_t start = 0;
  for (;;) {
    auto end = relative.find('\\', start);
    if (end == std::string::npos)
      return false;
    if (is_skipped_folder(relative.substr(start, end - start)))
      return true;
    start = end + 1;
  }
}

std::string last_component(const std::string& relative) {
  auto slash = relative.rfind('\\');
  return slash == std::string::npos ? relative : relative.substr(slash + 1);
}

} // namespace

static_assert(sizeof(OVERLAPPED) <= 64, "overlapped_ storage too small");

std::string network_filesystem_of(const std::string& folder) {
  if (folder.rfind("\\\\", 0) == 0 || folder.rfind("//", 0) == 0)
    return "smb";
  if (folder.size() >= 2 && folder[1] == ':') {
    std::wstring drive = platform::widen(folder.substr(0, 2)) + L"\\";
    if (::GetDriveTypeW(drive.c_str()) == DRIVE_REMOTE)
      return "smb (mapped drive " + folder.substr(0, 2) + ")";
  }
  return {};
}

directory_changes_reader::directory_changes_reader(std::string root, folder_watcher_actor watcher)
    : root_(std::move(root)), watcher_(std::move(watcher)) {
  static_assert(sizeof(overlapped_) >= sizeof(OVERLAPPED));
}

directory_changes_reader::~directory_changes_reader() {
  if (thread_.joinable()) {
    ::SetEvent(stop_event_);
    thread_.join();
  }
  for (void* h : {dir_, io_event_, stop_event_})
    if (h != nullptr && h != INVALID_HANDLE_VALUE)
      ::CloseHandle(h);
}

bool directory_changes_reader::arm(unsigned long& error) {
  auto* ov = as_overlapped(overlapped_);
  *ov = OVERLAPPED{};
  ov->hEvent = io_event_;
  ::ResetEvent(io_event_);
  if (!::ReadDirectoryChangesW(dir_, buffer_, sizeof buffer_, TRUE, notify_filter, nullptr, ov, nullptr)) {
    error = ::GetLastError();
    return false;
  }
  return true;
}

std::string directory_changes_reader::start() {
  dir_ = ::CreateFileW(platform::win32_path(root_).c_str(), FILE_LIST_DIRECTORY,
                       FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                       FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED, nullptr);
  if (dir_ == INVALID_HANDLE_VALUE) {
    dir_ = nullptr;
    return "cannot open the folder for change notification: " + platform::last_system_error();
  }
  io_event_ = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  stop_event_ = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (io_event_ == nullptr || stop_event_ == nullptr)
    return "CreateEvent: " + platform::last_system_error();
  unsigned long error = 0;
  if (!arm(error))
    return "ReadDirectoryChangesW: " + platform::error_text(error);
  thread_ = std::thread([this] { run(); });
  return {};
}

void directory_changes_reader::run() {
  HANDLE waits[2] = {stop_event_, io_event_};
  for (;;) {
    DWORD which = ::WaitForMultipleObjects(2, waits, FALSE, INFINITE);
    if (which != WAIT_OBJECT_0 + 1) {
      ::CancelIoEx(dir_, as_overlapped(overlapped_));
      DWORD ignored = 0;
      ::GetOverlappedResult(dir_, as_overlapped(overlapped_), &ignored, TRUE);
      return;
    }
    DWORD bytes = 0;
    if (!::GetOverlappedResult(dir_, as_overlapped(overlapped_), &bytes, FALSE)) {
      DWORD code = ::GetLastError();
      if (code != ERROR_NOTIFY_ENUM_DIR) {
        log_event(log_level::warn, "watcher:watch:failed",
                  {{"folder", root_}, {"reason", platform::error_text(code)},
                   {"note", "the periodic rescan still covers it"}});
        caf::anon_send(watcher_, atom::rescan_v);
        return;
      }
      bytes = 0;
    }
    if (bytes == 0) {
      // More changes than the buffer holds: the system dropped them.
      log_event(log_level::warn, "watcher:overflow",
                {{"reason", "the change notification buffer overflowed; rescanning"}});
      caf::anon_send(watcher_, atom::rescan_v);
    } else {
      handle(buffer_, bytes);
    }
    unsigned long error = 0;
    if (!arm(error)) {
      log_event(log_level::warn, "watcher:watch:failed",
                {{"folder", root_}, {"reason", platform::error_text(error)},
                 {"note", "the periodic rescan still covers it"}});
      return;
    }
  }
}

void directory_changes_reader::handle(const unsigned char* buf, unsigned long len) {
  for (unsigned long off = 0; off < len;) {
    auto* info = reinterpret_cast<const FILE_NOTIFY_INFORMATION*>(buf + off);
    std::string relative =
        platform::narrow(std::wstring(info->FileName, info->FileNameLength / sizeof(wchar_t)));
    std::string path = platform::join(root_, relative);
    std::string name = last_component(relative);
    if (!relative.empty() && !in_skipped_folder(relative)) {
      switch (info->Action) {
        case FILE_ACTION_ADDED:
        case FILE_ACTION_RENAMED_NEW_NAME:
        case FILE_ACTION_MODIFIED:
          if (platform::status_of(path).kind == platform::file_kind::directory) {
            if (info->Action != FILE_ACTION_MODIFIED && !is_skipped_folder(name))
              caf::anon_send(watcher_, atom::scan_folder_v, path);
          } else if (is_candidate_pdf(name)) {
            caf::anon_send(watcher_, atom::look_v, path);
          }
          break;
        case FILE_ACTION_REMOVED:
        case FILE_ACTION_RENAMED_OLD_NAME:
          // A file or a whole folder: the watcher forgets everything under it.
          caf::anon_send(watcher_, atom::vanished_v, path);
          break;
        default:
          break;
      }
    }
    if (info->NextEntryOffset == 0)
      break;
    off += info->NextEntryOffset;
  }
}

} // namespace siberius::daemon
