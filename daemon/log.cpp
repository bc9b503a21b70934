#include "daemon/log.hpp"

#include <atomic>
#include <mutex>

namespace siberius::daemon {

namespace {

std::atomic<int> min_level{static_cast<int>(log_level::info)};

// Guards the tap: a line being forwarded holds it, so clearing the tap waits
// for that line and no call follows.
std::mutex tap_mutex;
log_tap current_tap;

siberius::log_level shared_level(log_level level) {
  switch (level) {
    case log_level::debug: return siberius::log_level::debug;
    case log_level::info: return siberius::log_level::info;
    case log_level::warn: return siberius::log_level::warn;
    case log_level::error: return siberius::log_level::error;
  }
  return siberius::log_level::info;
}

} // namespace

const char* to_string(log_level level) {
  switch (level) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
  }
  return "info";
}

bool parse_log_level(const std::string& text, log_level& out) {
  for (auto l : {log_level::debug, log_level::info, log_level::warn, log_level::error})
    if (text == to_string(l)) {
      out = l;
      return true;
    }
  return false;
}

void set_log_level(log_level level) {
  min_level = static_cast<int>(level);
  siberius::set_log_level(shared_level(level));
}

log_level current_log_level() { return static_cast<log_level>(min_level.load(std::memory_order_relaxed)); }

bool is_forwarded(log_level level, const std::string& event) {
  return level >= log_level::warn && level >= current_log_level() && event.compare(0, 4, "log:") != 0;
}

void set_log_tap(log_tap tap) {
  std::lock_guard<std::mutex> lock(tap_mutex);
  current_tap = std::move(tap);
}

void log_event(log_level level, const std::string& event, nlohmann::json fields) {
  if (!is_forwarded(level, event)) {
    siberius::log_event(shared_level(level), event, std::move(fields));
    return;
  }
  auto line = siberius::log_line(shared_level(level), event, fields);
  siberius::log_event(shared_level(level), event, std::move(fields));
  std::lock_guard<std::mutex> lock(tap_mutex);
  if (current_tap)
    current_tap(std::move(line));
}

} // namespace siberius::daemon
