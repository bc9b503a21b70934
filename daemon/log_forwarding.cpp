#include "daemon/log_forwarding.hpp"

#include "daemon/log.hpp"

namespace siberius::daemon {

namespace {

constexpr const char* dropped_event = "log:dropped";

void scrub_string(std::string& s, const std::vector<std::string>& secrets, std::size_t max_bytes) {
  for (auto& secret : secrets) {
    if (secret.empty())
      continue;
    for (auto p = s.find(secret); p != std::string::npos; p = s.find(secret, p + 10))
      s.replace(p, secret.size(), "[redacted]");
  }
  if (s.size() > max_bytes) {
    auto cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
      --cut; // do not split a UTF-8 sequence: the emit would refuse the line
    s.resize(cut);
    s += "…";
  }
}

} // namespace

void scrub_log_line(nlohmann::json& line, const std::vector<std::string>& secrets, std::size_t max_bytes) {
  if (line.is_string()) {
    scrub_string(line.get_ref<std::string&>(), secrets, max_bytes);
  } else if (line.is_object() || line.is_array()) {
    for (auto& v : line)
      scrub_log_line(v, secrets, max_bytes);
  }
}

log_ring::log_ring(std::vector<std::string> secrets, log_ring_limits limits)
    : secrets_(std::move(secrets)), limits_(limits) {
  if (limits_.capacity == 0)
    limits_.capacity = 1;
  if (limits_.batch_lines < 2)
    limits_.batch_lines = 2; // room for the log:dropped line and one more
}

void log_ring::push(nlohmann::json line) {
  scrub_log_line(line, secrets_, limits_.max_string_bytes);
  lines_.push_back(std::move(line));
  while (lines_.size() > limits_.capacity) {
    lines_.pop_front();
    ++dropped_;
  }
}

log_ring::clock::time_point log_ring::next_send_at() const {
  return last_send_ ? *last_send_ + limits_.spacing : clock::time_point::min();
}

nlohmann::json log_ring::take_batch(clock::time_point now) {
  auto batch = nlohmann::json::array();
  if (empty())
    return batch;
  last_send_ = now;
  if (dropped_ > 0) {
    batch.push_back({{"ts", now_iso8601()}, {"level", "warn"}, {"event", dropped_event}, {"count", dropped_}});
    dropped_ = 0;
  }
  while (!lines_.empty() && batch.size() < limits_.batch_lines) {
    batch.push_back(std::move(lines_.front()));
    lines_.pop_front();
  }
  return batch;
}

void log_ring::put_back(const nlohmann::json& batch) {
  if (!batch.is_array())
    return;
  for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
    auto event = it->is_object() ? it->find("event") : it->end();
    auto count = it->is_object() ? it->find("count") : it->end();
    if (it->is_object() && event != it->end() && *event == dropped_event)
      dropped_ += count != it->end() && count->is_number_unsigned() ? count->get<std::uint64_t>() : 0;
    else
      lines_.push_front(*it);
  }
  while (lines_.size() > limits_.capacity) {
    lines_.pop_front();
    ++dropped_;
  }
}

} // namespace siberius::daemon
