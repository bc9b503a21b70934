#include "daemon/inotify_reader.hpp"

#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <caf/send.hpp>

#include "daemon/file_rules.hpp"
#include "daemon/log.hpp"
#include "daemon/messages.hpp"

namespace siberius::daemon {

namespace {
constexpr std::uint32_t folder_mask =
    IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_DELETE_SELF | IN_ONLYDIR;
}

std::string network_filesystem_of(const std::string& folder) {
  struct statfs fs {};
  if (::statfs(folder.c_str(), &fs) != 0)
    return {};
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0x6969: return "nfs";
    case 0x517B: return "smb";
    case 0xFF534D42: return "cifs";
    case 0xFE534D42: return "smb2";
    case 0x01021997: return "9p";
    case 0x65735546: return "fuse";
    case 0x5346414F: return "afs";
    case 0x564C: return "ncp";
    case 0x73757245: return "coda";
    case 0x47504653: return "gpfs";
    case 0x0BD00BD0: return "lustre";
    case 0x01161970: return "gfs2";
    case 0x7461636f: return "ocfs2";
    case 0x00C36400: return "ceph";
    default: return {};
  }
}

inotify_reader::inotify_reader(std::string root, folder_watcher_actor watcher)
    : root_(std::move(root)), watcher_(std::move(watcher)) {}

inotify_reader::~inotify_reader() {
  if (thread_.joinable()) {
    std::uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  if (inotify_fd_ >= 0)
    ::close(inotify_fd_);
  if (stop_fd_ >= 0)
    ::close(stop_fd_);
}

std::string inotify_reader::start() {
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0)
    return std::string("inotify_init1: ") + std::strerror(errno);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0)
    return std::string("eventfd: ") + std::strerror(errno);
  std::string error;
  if (!watch_tree(root_, error))
    return error;
  thread_ = std::thread([this] { run(); });
  return {};
}

bool inotify_reader::watch_tree(const std::string& folder, std::string& error) {
  int wd = ::inotify_add_watch(inotify_fd_, folder.c_str(), folder_mask);
  if (wd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) // gone again already: not a failure of inotify
      return true;
    error = "inotify_add_watch " + folder + ": " + std::strerror(errno) +
            (errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : "");
    return false;
  }
  folder_of_[wd] = folder;
  DIR* dir = ::opendir(folder.c_str());
  if (dir == nullptr)
    return true;
  bool ok = true;
  while (auto* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || is_skipped_folder(name))
      continue;
    std::string path = folder + "/" + name;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      is_dir = ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }
    if (is_dir && !watch_tree(path, error)) {
      ok = false;
      break;
    }
  }
  ::closedir(dir);
  return ok;
}

void inotify_reader::run() {
  alignas(inotify_event) char buf[64 * 1024];
  pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  for (;;) {
    int n = ::poll(fds, 2, -1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 || (fds[1].revents & POLLIN))
      return;
    for (;;) {
      long len = ::read(inotify_fd_, buf, sizeof buf);
      if (len <= 0)
        break;
      handle_events(buf, len);
    }
  }
}

void inotify_reader::handle_events(const char* buf, long len) {
  for (long off = 0; off < len;) {
    auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
    off += static_cast<long>(sizeof(inotify_event) + ev->len);
    if (ev->mask & IN_Q_OVERFLOW) {
      log_event(log_level::warn, "watcher:overflow", {{"reason", "inotify queue overflowed; rescanning"}});
      caf::anon_send(watcher_, atom::rescan_v);
      continue;
    }
    if (ev->mask & IN_IGNORED) {
      folder_of_.erase(ev->wd);
      continue;
    }
    auto it = folder_of_.find(ev->wd);
    if (it == folder_of_.end() || ev->len == 0)
      continue;
    std::string name = ev->name;
    std::string path = it->second + "/" + name;
    if (ev->mask & IN_ISDIR) {
      if (is_skipped_folder(name))
        continue;
      if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
        std::string error;
        if (!watch_tree(path, error))
          log_event(log_level::warn, "watcher:watch:failed",
                    {{"folder", path}, {"reason", error}, {"note", "the periodic rescan still covers it"}});
        caf::anon_send(watcher_, atom::scan_folder_v, path);
      } else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
        // A folder moved out keeps its watches under a path that no longer
        // holds: drop them (a move within the tree adds them back at IN_MOVED_TO).
        for (auto& [wd, folder] : folder_of_)
          if (folder == path || folder.rfind(path + "/", 0) == 0)
            ::inotify_rm_watch(inotify_fd_, wd);
        caf::anon_send(watcher_, atom::vanished_v, path);
      }
      continue;
    }
    if (!is_candidate_pdf(name))
      continue;
    if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE))
      caf::anon_send(watcher_, atom::look_v, path);
    else if (ev->mask & (IN_DELETE | IN_MOVED_FROM))
      caf::anon_send(watcher_, atom::vanished_v, path);
  }
}

} // namespace siberius::daemon
