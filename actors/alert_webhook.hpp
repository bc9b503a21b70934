// The optional alert webhook (--alert-webhook URL): each raise and clear is
// POSTed as JSON to the URL, http or https, from a thread of its own (the
// CLI's Beast client), so no actor or I/O thread ever waits on it. A failed
// POST (no connection, timeout, a status outside 2xx) is tried again after
// 1 s, 2 s, 4 s …; the queue is bounded and drops its oldest payload when full.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace siberius::actors {

struct webhook_options {
  std::string url;
  std::size_t queue_max = 256;
  int attempts = 6;                                  // per payload, the first included
  std::chrono::milliseconds first_backoff{1000};     // doubled after each failure
  std::chrono::milliseconds max_backoff{60000};
  std::chrono::milliseconds timeout{5000};           // one POST, as a whole
};

class alert_webhook {
public:
  /// Throws std::invalid_argument when the URL is not http(s)://host[:port][/path].
  explicit alert_webhook(webhook_options options);
  ~alert_webhook();
  alert_webhook(const alert_webhook&) = delete;
  alert_webhook& operator=(const alert_webhook&) = delete;

  /// Queues one payload; never blocks on the network.
  void post(nlohmann::json payload);

private:
  void run();
  bool deliver(const std::string& body, std::string& why);

  webhook_options options_;
  std::string host_port_path_; // for logs
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace siberius::actors
