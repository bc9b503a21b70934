// reader_process on Linux and macOS: posix_spawn with two pipes; a child
// past its time is killed with SIGKILL.
#include "pdf/reader_process.hpp"

#include "pdf/reader_pipe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace siberius::daemon {

namespace {

using clock_type = std::chrono::steady_clock;

void close_fd(int& fd) {
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

/// pipe2(O_CLOEXEC) where there is one; pipe + FD_CLOEXEC elsewhere (macOS).
bool cloexec_pipe(int fds[2]) {
#ifdef __linux__
  return ::pipe2(fds, O_CLOEXEC) == 0;
#else
  if (::pipe(fds) != 0)
    return false;
  ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  return true;
#endif
}

} // namespace

bool reader_process::running() const { return pid_ > 0; }

long long reader_process::pid() const { return pid_; }

bool reader_process::start(std::string& error) {
  int in[2], out[2];
  if (!cloexec_pipe(in)) {
    error = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  if (!cloexec_pipe(out)) {
    error = std::string("pipe: ") + std::strerror(errno);
    ::close(in[0]);
    ::close(in[1]);
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  // The daemon ignores SIGPIPE; the reader starts with default signal handling.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  // Nor does it inherit the daemon's blocked SIGTERM/SIGINT (they wait for sigwait there).
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  auto limit = std::to_string(time_limit_.count());
  std::vector<char*> argv = {const_cast<char*>(exe_.c_str()), const_cast<char*>("--time-limit-ms"), limit.data()};
  for (auto& a : extra_args_)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, exe_.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    error = "cannot start " + exe_ + ": " + std::strerror(rc);
    return false;
  }
  pid_ = pid;
  to_child_ = in[1];
  from_child_ = out[0];
  return true;
}

bool reader_process::send(const std::string& path) {
  return reader_pipe::write_message(to_child_, path.data(), static_cast<std::uint32_t>(path.size()));
}

reader_process::read_outcome reader_process::receive(void* buf, std::size_t n, clock_type::time_point deadline) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    if (left <= 0)
      return read_outcome::timed_out;
    pollfd pfd{from_child_, POLLIN, 0};
    int r = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 60000)));
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return read_outcome::closed;
    if (r == 0)
      continue; // re-check the deadline
    auto got = ::read(from_child_, p, n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return read_outcome::closed;
    p += got;
    n -= static_cast<std::size_t>(got);
  }
  return read_outcome::ok;
}

std::string reader_process::reap(bool kill_first) {
  close_fd(to_child_);
  close_fd(from_child_);
  if (pid_ <= 0)
    return "not running";
  auto pid = static_cast<pid_t>(pid_);
  int status = 0;
  pid_t r = 0;
  if (!kill_first) {
    // It closed its output: it is ending; give it a moment to say how.
    auto until = clock_type::now() + std::chrono::seconds(2);
    while ((r = ::waitpid(pid, &status, WNOHANG)) == 0 && clock_type::now() < until)
      ::usleep(1000);
    if (r < 0 && errno == EINTR)
      r = 0;
  }
  if (r == 0) {
    ::kill(pid, SIGKILL);
    do {
      r = ::waitpid(pid, &status, 0);
    } while (r < 0 && errno == EINTR);
  }
  pid_ = -1;
  if (r < 0)
    return "lost track of it";
  if (WIFSIGNALED(status))
    return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
           ::strsignal(WTERMSIG(status)) + ")";
  if (WIFEXITED(status))
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended";
}

void reader_process::stop() {
  if (pid_ <= 0)
    return;
  close_fd(to_child_); // EOF on its input: it exits by itself
  auto until = clock_type::now() + std::chrono::seconds(2);
  while (clock_type::now() < until) {
    int status = 0;
    auto r = ::waitpid(static_cast<pid_t>(pid_), &status, WNOHANG);
    if (r == static_cast<pid_t>(pid_) || (r < 0 && errno != EINTR)) {
      pid_ = -1;
      close_fd(from_child_);
      return;
    }
    ::usleep(2000);
  }
  reap(true);
}

} // namespace siberius::daemon
