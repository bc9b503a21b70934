// log_ring: the daemon's own warn and error lines on their way to the server
// (daemon:log), kept in a bounded ring while they wait: the oldest line goes
// when it is full, and the count of lines lost travels as one synthetic
// {level: "warn", event: "log:dropped", count} line. server_link takes a
// batch at most every `spacing`, at most `batch_lines` lines. Pure code: the
// clock is passed in, so tests need no waiting.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace siberius::daemon {

struct log_ring_limits {
  std::size_t capacity = 50;
  std::size_t batch_lines = 20;
  std::chrono::milliseconds spacing{5000};
  std::size_t max_string_bytes = 1024; // longer string fields are cut (at a UTF-8 boundary)
};

/// Replaces every occurrence of each secret in the string values of `line`
/// (at any depth) with "[redacted]", and cuts strings longer than `max_bytes`.
void scrub_log_line(nlohmann::json& line, const std::vector<std::string>& secrets, std::size_t max_bytes);

class log_ring {
public:
  using clock = std::chrono::steady_clock;

  /// `secrets` never leave the daemon (the daemon token and its secret part).
  explicit log_ring(std::vector<std::string> secrets = {}, log_ring_limits limits = {});

  /// A line to forward, scrubbed on the way in; drops the oldest when full.
  void push(nlohmann::json line);
  /// Nothing to send: no line waits and no loss is left to report.
  bool empty() const { return lines_.empty() && dropped_ == 0; }
  std::size_t size() const { return lines_.size(); }
  /// Lines lost since the last batch that reported it.
  std::uint64_t dropped() const { return dropped_; }
  /// When the next batch may go: `spacing` after the last one (at once before the first).
  clock::time_point next_send_at() const;
  /// The next batch (a JSON array, the log:dropped line first when lines were
  /// lost), at most batch_lines long; `now` becomes the last send time.
  nlohmann::json take_batch(clock::time_point now);
  /// A batch that did not reach the server: its lines go back in front, the
  /// ring stays bounded (what no longer fits counts as dropped).
  void put_back(const nlohmann::json& batch);

private:
  std::vector<std::string> secrets_;
  log_ring_limits limits_;
  std::deque<nlohmann::json> lines_;
  std::uint64_t dropped_ = 0;
  std::optional<clock::time_point> last_send_;
};

} // namespace siberius::daemon
