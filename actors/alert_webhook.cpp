#include "actors/alert_webhook.hpp"

#include <stdexcept>

#include "actors/log.hpp"
#include "cli/errors.hpp"
#include "cli/http_client.hpp"
#include "cli/url.hpp"

namespace siberius::actors {

namespace {

/// The URL split into the client's base (scheme, host, port) and the path it POSTs to.
struct webhook_target {
  cli::server_url base;
  std::string path;
};

webhook_target parse_target(const std::string& text) {
  webhook_target t;
  t.base = cli::parse_server_url(text);
  // parse_server_url keeps the path as a prefix; the webhook POSTs to it as it is.
  t.path = t.base.base_path.empty() ? "/" : t.base.base_path;
  t.base.base_path.clear();
  return t;
}

} // namespace

alert_webhook::alert_webhook(webhook_options options) : options_(std::move(options)) {
  auto t = parse_target(options_.url); // throws on a bad URL, before the thread starts
  host_port_path_ = t.base.scheme + "://" + t.base.host_header() + t.path;
  thread_ = std::thread([this] { run(); });
}

alert_webhook::~alert_webhook() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void alert_webhook::post(nlohmann::json payload) {
  std::size_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (queue_.size() >= options_.queue_max) {
      queue_.pop_front();
      ++dropped;
    }
    queue_.push_back(payload.dump());
  }
  if (dropped > 0)
    log_event(log_level::warn, "alert:webhook:dropped", {{"payloads", dropped}, {"url", host_port_path_}});
  wake_.notify_one();
}

bool alert_webhook::deliver(const std::string& body, std::string& why) {
  try {
    auto t = parse_target(options_.url);
    cli::http_client client(t.base, options_.timeout);
    cli::http_call call;
    call.method = "POST";
    call.path = t.path;
    call.headers["Content-Type"] = "application/json";
    call.headers["User-Agent"] = "siberius-server/" SIBERIUS_VERSION;
    call.body = body;
    auto reply = client.perform(call);
    if (reply.status >= 200 && reply.status < 300)
      return true;
    why = "HTTP " + std::to_string(reply.status);
  } catch (const std::exception& e) {
    why = e.what();
  }
  return false;
}

void alert_webhook::run() {
  for (;;) {
    std::string body;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_)
        return;
      body = std::move(queue_.front());
      queue_.pop_front();
    }
    auto pause = options_.first_backoff;
    for (int attempt = 1;; ++attempt) {
      std::string why;
      if (deliver(body, why))
        break;
      if (attempt >= options_.attempts) {
        log_event(log_level::error, "alert:webhook:failed",
                  {{"url", host_port_path_}, {"attempts", attempt}, {"reason", why}});
        break;
      }
      log_event(log_level::warn, "alert:webhook:retrying",
                {{"url", host_port_path_}, {"attempt", attempt}, {"reason", why}, {"waitMs", pause.count()}});
      std::unique_lock<std::mutex> lock(mutex_);
      if (wake_.wait_for(lock, pause, [this] { return stopping_; }))
        return;
      pause = std::min(pause * 2, options_.max_backoff);
    }
  }
}

} // namespace siberius::actors
