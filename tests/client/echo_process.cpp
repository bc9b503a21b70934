#include "echo_process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace siberius::test {

namespace {

std::string echo_binary() {
  if (const char* env = std::getenv("SIO_ECHO"); env && *env)
    return env;
#ifdef SIO_ECHO_PATH
  return SIO_ECHO_PATH;
#else
  return {};
#endif
}

// The kernel picks a port that is free right now; sio-echo binds it next.
std::uint16_t free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

bool accepts_connections(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

} // namespace

echo_process::echo_process() {
  auto binary = echo_binary();
  if (binary.empty() || ::access(binary.c_str(), X_OK) != 0) {
    error_ = "sio-echo not found (set SIO_ECHO or build the sio-echo target): '" + binary + "'";
    return;
  }
  port_ = free_loopback_port();
  if (port_ == 0) {
    error_ = "no free loopback port";
    return;
  }
  auto port_text = std::to_string(port_);
  int pid = ::fork();
  if (pid < 0) {
    error_ = std::string("fork failed: ") + std::strerror(errno);
    return;
  }
  if (pid == 0) {
    ::execl(binary.c_str(), binary.c_str(), "--port", port_text.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (accepts_connections(port_))
      return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "sio-echo exited at start (status " + std::to_string(status) + ")";
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill_hard();
  error_ = "sio-echo did not listen on port " + port_text + " within 10 s";
}

echo_process::~echo_process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill_hard();
  }
}

void echo_process::kill_hard() {
  if (pid_ <= 0)
    return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void echo_process::freeze() {
  if (pid_ > 0)
    ::kill(pid_, SIGSTOP);
}

void echo_process::thaw() {
  if (pid_ > 0)
    ::kill(pid_, SIGCONT);
}

io_runner::io_runner() : guard_(boost::asio::make_work_guard(ioc_)), thread_([this] { ioc_.run(); }) {}

io_runner::~io_runner() {
  guard_.reset();
  // Give closing clients a moment to finish their goodbyes, then stop.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!ioc_.stopped() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ioc_.stop();
  thread_.join();
}

void event_log::push(std::string entry) {
  {
    std::lock_guard<std::mutex> lock(mtx_);
    entries_.push_back(std::move(entry));
  }
  cv_.notify_all();
}

std::string event_log::wait_for(const std::string& prefix, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mtx_);
  std::string found;
  cv_.wait_for(lock, timeout, [&] {
    for (const auto& e : entries_)
      if (e.compare(0, prefix.size(), prefix) == 0) {
        found = e;
        return true;
      }
    return false;
  });
  return found;
}

bool event_log::contains(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mtx_);
  for (const auto& e : entries_)
    if (e.compare(0, prefix.size(), prefix) == 0)
      return true;
  return false;
}

std::string event_log::dump() {
  std::lock_guard<std::mutex> lock(mtx_);
  std::string out;
  for (const auto& e : entries_)
    out += e + "\n";
  return out;
}

} // namespace siberius::test
