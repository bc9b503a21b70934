#include "pdf/reader_process.hpp"

#include "pdf/reader_pipe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>

extern char** environ;

namespace siberius::daemon {

namespace {

using clock_type = std::chrono::steady_clock;

void close_fd(int& fd) {
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

enum class read_outcome { ok, closed, timed_out };

/// Reads exactly n bytes before `deadline`.
read_outcome read_all(int fd, void* buf, std::size_t n, clock_type::time_point deadline) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    if (left <= 0)
      return read_outcome::timed_out;
    pollfd pfd{fd, POLLIN, 0};
    int r = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 60000)));
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return read_outcome::closed;
    if (r == 0)
      continue; // re-check the deadline
    auto got = ::read(fd, p, n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return read_outcome::closed;
    p += got;
    n -= static_cast<std::size_t>(got);
  }
  return read_outcome::ok;
}

pdf_facts failed(pdf_problem problem, std::string reason) {
  pdf_facts f;
  f.problem = problem;
  f.reason = std::move(reason);
  return f;
}

} // namespace

reader_process::reader_process(std::string exe, std::chrono::milliseconds time_limit,
                               std::chrono::milliseconds grace, std::vector<std::string> extra_args)
  : exe_(std::move(exe)), time_limit_(time_limit), grace_(grace), extra_args_(std::move(extra_args)) {
}

reader_process::~reader_process() {
  stop();
}

std::string reader_process::default_exe() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec)
    return "siberius-pdf-reader";
  return (self.parent_path() / "siberius-pdf-reader").string();
}

bool reader_process::start(std::string& error) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  if (::pipe2(out, O_CLOEXEC) != 0) {
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
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
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

std::string reader_process::reap(bool kill_first) {
  close_fd(to_child_);
  close_fd(from_child_);
  if (pid_ <= 0)
    return "not running";
  int status = 0;
  pid_t r = 0;
  if (!kill_first) {
    // It closed its output: it is ending; give it a moment to say how.
    auto until = clock_type::now() + std::chrono::seconds(2);
    while ((r = ::waitpid(pid_, &status, WNOHANG)) == 0 && clock_type::now() < until)
      ::usleep(1000);
    if (r < 0 && errno == EINTR)
      r = 0;
  }
  if (r == 0) {
    ::kill(pid_, SIGKILL);
    do {
      r = ::waitpid(pid_, &status, 0);
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
    auto r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      pid_ = -1;
      close_fd(from_child_);
      return;
    }
    ::usleep(2000);
  }
  reap(true);
}

pdf_facts reader_process::read(const std::string& path) {
  if (pid_ <= 0) {
    std::string error;
    if (!start(error))
      return failed(pdf_problem::io_error, "io error: " + error);
  }
  if (!reader_pipe::write_message(to_child_, path.data(), static_cast<std::uint32_t>(path.size()))) {
    auto how = reap(true);
    return failed(pdf_problem::reader_crashed, "reader crashed: the PDF reader had stopped (" + how + ")");
  }
  auto deadline = clock_type::now() + time_limit_ + grace_;
  unsigned char size_bytes[4];
  auto got = read_all(from_child_, size_bytes, 4, deadline);
  std::string text;
  if (got == read_outcome::ok) {
    auto size = reader_pipe::decode_length(size_bytes);
    if (size > 16 * 1024 * 1024) {
      auto how = reap(true);
      return failed(pdf_problem::reader_crashed, "reader crashed: an answer of " + std::to_string(size) +
                                                     " bytes (" + how + ")");
    }
    text.resize(size);
    got = read_all(from_child_, text.data(), size, deadline);
  }
  if (got == read_outcome::timed_out) {
    reap(true);
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(time_limit_).count();
    return failed(pdf_problem::too_slow,
                  "too slow: still reading after " + std::to_string(secs) + " s; the reader was stopped");
  }
  if (got == read_outcome::closed) {
    auto how = reap(false);
    return failed(pdf_problem::reader_crashed, "reader crashed on this file: " + how);
  }
  try {
    return facts_from_json(text);
  } catch (const std::exception& e) {
    reap(true);
    return failed(pdf_problem::reader_crashed, std::string("reader crashed: unreadable answer: ") + e.what());
  }
}

pdf_facts resident_reader::read(const std::string& path, std::uint64_t& turn, bool& restarted) {
  turn = ++turn_;
  try {
    auto facts = reader_.read(path);
    restarted = facts.problem == pdf_problem::reader_crashed ||
                (!reader_.running() && facts.problem == pdf_problem::too_slow);
    return facts;
  } catch (const std::exception& e) {
    // reader_process promises not to throw; a bad_alloc must still not stop the caller.
    restarted = false;
    pdf_facts f;
    f.problem = pdf_problem::io_error;
    f.reason = std::string("cannot read: ") + e.what();
    return f;
  }
}

} // namespace siberius::daemon
