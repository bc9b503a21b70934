#include "log/json_log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

namespace siberius {

namespace {

std::atomic<int> min_level{static_cast<int>(log_level::info)};

// The writer, when one is set (a daemon running as a Windows service has no
// stderr). Lines go to it one at a time.
std::mutex writer_mutex;
std::shared_ptr<log_writer> current_writer;
std::atomic<bool> have_writer{false};

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

void set_log_level(log_level level) {
  min_level = static_cast<int>(level);
}

bool parse_log_level(const std::string& text, log_level& out) {
  for (auto l : {log_level::debug, log_level::info, log_level::warn, log_level::error})
    if (text == name_of(l)) {
      out = l;
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
#ifdef _WIN32
  gmtime_s(&tm, &secs);
#else
  gmtime_r(&secs, &tm);
#endif
  char buf[40];
  auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

nlohmann::json log_line(log_level level, const std::string& event, nlohmann::json fields) {
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = now_iso8601();
  line["level"] = name_of(level);
  line["event"] = event;
  if (fields.is_object())
    for (auto& [k, v] : fields.items())
      if (k != "ts" && k != "level" && k != "event")
        line[k] = std::move(v);
  return line;
}

void log_event(log_level level, const std::string& event, nlohmann::json fields) {
  if (static_cast<int>(level) < min_level.load(std::memory_order_relaxed))
    return;
  auto line = log_line(level, event, std::move(fields));
  // One fputs per line: stdio locks the stream, so lines never interleave.
  auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  if (have_writer.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(writer_mutex);
    if (current_writer) {
      (*current_writer)(level, text);
      return;
    }
  }
  std::fputs(text.c_str(), stderr);
}

void set_log_writer(log_writer writer) {
  std::lock_guard<std::mutex> lock(writer_mutex);
  current_writer = writer ? std::make_shared<log_writer>(std::move(writer)) : nullptr;
  have_writer.store(current_writer != nullptr, std::memory_order_release);
}

} // namespace siberius
