// GET /metrics (Prometheus text format 0.0.4) and the HTTP instrumentation
// behind siberius_http_requests_total / siberius_http_request_duration_seconds.
#pragma once

#include <chrono>
#include <mutex>

#include "api/http_api.hpp"
#include "net/server.hpp"

namespace siberius::actors {

/// When the database figures of /metrics (daemons, PDFs by status, the cache)
/// were last read: at most once per `interval`, whatever the scrape rate.
struct metrics_snapshot_state {
  std::chrono::steady_clock::duration interval = std::chrono::seconds(15);
  mutable std::mutex mutex;
  std::chrono::steady_clock::time_point read_at{};
  bool reading = false;
};

/// /metrics: answers and returns true when the path is /metrics.
bool serve_metrics_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                       const net::http_responder& respond);

/// One answer counted: by route template, method and status code, and its time.
void count_http_answer(const std::string& route, net::http::verb method, unsigned code,
                       std::chrono::steady_clock::time_point start);

/// The same handlers, counting each answer (see count_http_answer).
net::http_handler instrument_http(net::http_handler inner);
net::file_handler instrument_files(net::file_handler inner);
net::streaming_handler instrument_streaming(net::streaming_handler inner);

} // namespace siberius::actors
