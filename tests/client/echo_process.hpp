// A real sio-echo process on a free loopback port, for the client suites.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace siberius::test {

/// Spawns sio-echo (SIO_ECHO env, else the SIO_ECHO_PATH build definition)
/// with --port on a free port and waits until it accepts connections.
class echo_process {
public:
  echo_process();
  ~echo_process();
  echo_process(const echo_process&) = delete;
  echo_process& operator=(const echo_process&) = delete;

  /// True once the process accepts TCP connections; false (and a reason in
  /// error()) when it could not be started.
  bool running() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// SIGKILL, as a crashed server: no close frame, no FIN from the application.
  void kill_hard();
  /// SIGSTOP / SIGCONT: a server that hangs with its sockets still open.
  void freeze();
  void thaw();

private:
  int pid_ = -1;
  std::uint16_t port_ = 0;
  std::string error_;
};

/// An io_context run by one background thread for the test's lifetime.
class io_runner {
public:
  io_runner();
  ~io_runner();
  boost::asio::io_context& context() { return ioc_; }

private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

/// What the client's handlers saw, in order, for the test thread to wait on.
class event_log {
public:
  void push(std::string entry);
  /// Waits until an entry starting with `prefix` arrives; returns it, or an
  /// empty string after `timeout`.
  std::string wait_for(const std::string& prefix, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Everything seen so far, joined by newlines (for failure messages).
  std::string dump();
  bool contains(const std::string& prefix);

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<std::string> entries_;
};

} // namespace siberius::test
