#include "daemon/log_forwarder.hpp"

#include "daemon/log.hpp"

namespace siberius::daemon {

log_forwarder::log_forwarder(server_link_actor::pointer self, link_port& link, std::vector<std::string> secrets,
                             log_ring_limits limits)
    : self_(self), link_(link), ring_(std::move(secrets), limits) {}

void log_forwarder::on_line(nlohmann::json line) {
  ring_.push(std::move(line));
  flush();
}

void log_forwarder::on_timer() {
  timer_armed_ = false;
  flush();
}

void log_forwarder::flush() {
  if (!link_.online() || in_flight_ || timer_armed_ || ring_.empty())
    return;
  auto now = std::chrono::steady_clock::now();
  auto at = ring_.next_send_at();
  if (at > now) {
    timer_armed_ = true;
    self_->delayed_send(self_, std::chrono::ceil<std::chrono::milliseconds>(at - now), atom::log_flush_v);
    return;
  }
  auto batch = ring_.take_batch(now);
  in_flight_ = true;
  link_.emit("daemon:log", {{"lines", batch}}, [this, batch](net::ack_result& r) { on_ack(batch, r); });
}

void log_forwarder::on_ack(const nlohmann::json& batch, net::ack_result& r) {
  in_flight_ = false;
  // Lines about the forwarding are "log:" events at debug: never forwarded themselves.
  if (!r) {
    if (r.status == net::ack_status::disconnected || r.status == net::ack_status::queue_full)
      ring_.put_back(batch); // not sent: they go with the next batch (the ring stays bounded)
    else
      log_event(log_level::debug, "log:unanswered", {{"status", net::to_string(r.status)}, {"lines", batch.size()}});
  } else {
    // A server without daemon:log answers {error: "unknown event: daemon:log"}:
    // drop the batch, do not retry it.
    auto ack = r.args.empty() ? nlohmann::json() : r.args.at(0);
    bool ok = ack.is_object() && ack.contains("ok") && ack["ok"] == true;
    if (!ok)
      log_event(log_level::debug, "log:refused",
                {{"error", ack.is_object() && ack.contains("error") ? ack["error"] : nlohmann::json()},
                 {"lines", batch.size()}});
  }
  flush();
}

} // namespace siberius::daemon
