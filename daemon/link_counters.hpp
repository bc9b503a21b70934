// What the daemon counts about its own work since it started, sent in every
// heartbeat's `counters` (docs/protocol.md 3.2): reconnections, failed
// uploads, the average upload speed and the average time to read one PDF.
// Pure code: server_link feeds it, the heartbeat reads it.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

namespace siberius::daemon {

class link_counters {
public:
  /// A CONNECT was accepted; every one after the first is a reconnection.
  void connected() {
    if (ever_connected_)
      ++reconnections_;
    ever_connected_ = true;
  }
  void upload_failed() { ++uploads_failed_; }
  /// One stored upload: its bytes and how long the worker took (re-hash and send).
  void upload_stored(std::uint64_t bytes, double seconds) {
    if (seconds <= 0)
      return;
    upload_bytes_ += bytes;
    upload_seconds_ += seconds;
  }
  /// One file read (hashed and parsed) by a parse worker.
  void file_read(double ms) {
    if (ms < 0)
      return;
    ++reads_;
    read_ms_ += ms;
  }

  std::uint64_t reconnections() const { return reconnections_; }
  std::uint64_t uploads_failed() const { return uploads_failed_; }
  /// Bytes sent per second over every stored upload; 0 before the first.
  double avg_upload_bytes_per_second() const { return upload_seconds_ > 0 ? upload_bytes_ / upload_seconds_ : 0; }
  /// Milliseconds per file read; 0 before the first.
  double avg_parse_ms() const { return reads_ > 0 ? read_ms_ / static_cast<double>(reads_) : 0; }

  /// Adds reconnections, uploadsFailed, avgUploadBytesPerSecond (whole bytes)
  /// and avgParseMs (two decimals) to a heartbeat's counters object.
  void add_to(nlohmann::json& counters) const {
    counters["reconnections"] = reconnections_;
    counters["uploadsFailed"] = uploads_failed_;
    counters["avgUploadBytesPerSecond"] = static_cast<std::uint64_t>(avg_upload_bytes_per_second() + 0.5);
    counters["avgParseMs"] = static_cast<double>(static_cast<std::int64_t>(avg_parse_ms() * 100 + 0.5)) / 100;
  }

private:
  bool ever_connected_ = false;
  std::uint64_t reconnections_ = 0, uploads_failed_ = 0, reads_ = 0;
  double upload_bytes_ = 0, upload_seconds_ = 0, read_ms_ = 0;
};

} // namespace siberius::daemon
