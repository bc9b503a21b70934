#include "daemon/stop_signal.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

namespace siberius::daemon {

namespace {
sigset_t stop_signals;
std::mutex reason_mutex;
std::string requested_reason;
} // namespace

void prepare_stop_signals() {
  // Every thread started from here on (CAF, I/O, inotify) inherits this mask,
  // so SIGINT/SIGTERM reach only the sigwait below.
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
}

std::string wait_for_stop() {
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::lock_guard<std::mutex> lock(reason_mutex);
  if (!requested_reason.empty())
    return requested_reason;
  return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal " + std::to_string(sig);
}

void request_stop(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(reason_mutex);
    requested_reason = why;
  }
  ::kill(::getpid(), SIGTERM);
}

void stop_finished() {}

} // namespace siberius::daemon
