#include "daemon/stop_signal.hpp"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <mutex>

namespace siberius::daemon {

namespace {

HANDLE stop_event = nullptr;
HANDLE finished_event = nullptr;
std::mutex reason_mutex;
std::string requested_reason;

BOOL WINAPI on_console_event(DWORD type) {
  switch (type) {
    case CTRL_C_EVENT: request_stop("Ctrl+C"); return TRUE;
    case CTRL_BREAK_EVENT: request_stop("Ctrl+Break"); return TRUE;
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
      request_stop(type == CTRL_CLOSE_EVENT ? "console closed" : type == CTRL_LOGOFF_EVENT ? "logoff" : "shutdown");
      // The process ends when this handler returns: let the daemon stop first
      // (Windows allows about 5 seconds).
      ::WaitForSingleObject(finished_event, 4500);
      return TRUE;
    default: return FALSE;
  }
}

} // namespace

void prepare_stop_signals() {
  if (stop_event != nullptr)
    return;
  stop_event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  finished_event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  ::SetConsoleCtrlHandler(on_console_event, TRUE);
}

std::string wait_for_stop() {
  ::WaitForSingleObject(stop_event, INFINITE);
  std::lock_guard<std::mutex> lock(reason_mutex);
  return requested_reason;
}

void request_stop(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(reason_mutex);
    if (requested_reason.empty())
      requested_reason = why;
  }
  if (stop_event != nullptr)
    ::SetEvent(stop_event);
}

void stop_finished() {
  if (finished_event != nullptr)
    ::SetEvent(finished_event);
}

} // namespace siberius::daemon
