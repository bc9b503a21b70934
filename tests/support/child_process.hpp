// Runs programs for the end-to-end suite: output to files (no pipe to drain,
// no deadlock), an explicit environment (the caller's SIBERIUS_* never leak
// in), and a deadline on waiting.
#pragma once

#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace siberius::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class child_process {
public:
  /// Starts `argv[0]` with stdout and stderr appended to the given files.
  /// The child gets SIGKILL when the test process dies, so a failed
  /// CAF_REQUIRE (which aborts) never leaves a server running.
  child_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                const std::string& stdout_path, const std::string& stderr_path) {
    std::vector<char*> args, envp;
    for (auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (auto& e : env)
      envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0)
      throw std::runtime_error("cannot start " + argv.at(0) + ": " + std::strerror(errno));
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent)
        ::_exit(127);
      int in = ::open("/dev/null", O_RDONLY);
      int out = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (in < 0 || out < 0 || err < 0)
        ::_exit(127);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      ::execve(args[0], args.data(), envp.data());
      ::_exit(127);
    }
  }

  ~child_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  bool running() {
    if (pid_ <= 0)
      return false;
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }

  /// Waits up to `limit`; returns the exit code, or -1 after killing it on timeout.
  int wait(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return exit_status_;
  }

  /// SIGTERM, then the exit code (SIGKILL after `limit`).
  int stop(std::chrono::milliseconds limit) {
    if (pid_ > 0)
      ::kill(pid_, SIGTERM);
    return wait(limit);
  }

private:
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

} // namespace siberius::testing
