#include "daemon/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace siberius::daemon {

namespace {
std::atomic<int> min_level{static_cast<int>(log_level::info)};
std::mutex write_mutex;

const char* name_of(log_level level) {
  switch (level) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
  }
  return "info";
}
} // namespace

void set_log_level(log_level level) { min_level = static_cast<int>(level); }

bool parse_log_level(const std::string& text, log_level& out) {
  for (auto level : {log_level::debug, log_level::info, log_level::warn, log_level::error})
    if (text == name_of(level)) {
      out = level;
      return true;
    }
  if (text == "warning") {
    out = log_level::warn;
    return true;
  }
  return false;
}

std::string now_iso8601() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

void log_event(log_level level, const std::string& event, nlohmann::json fields) {
  if (static_cast<int>(level) < min_level.load())
    return;
  nlohmann::json line = {{"ts", now_iso8601()}, {"level", name_of(level)}, {"event", event}};
  if (fields.is_object())
    for (auto& [k, v] : fields.items())
      line[k] = std::move(v);
  // Invalid UTF-8 in a file name must not throw out of a log call.
  auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard<std::mutex> guard(write_mutex);
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

} // namespace siberius::daemon
