// The server's Prometheus series (GET /metrics), in one place: who updates
// each is said beside it. Label sets are bounded: route templates, methods,
// status codes, namespaces, outcomes, and the daemons' client ids.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "metrics/registry.hpp"

namespace siberius::actors {

struct server_metrics {
  metrics::registry registry;

  // http front (instrument_http, in metrics_api.cpp): every REST, download,
  // upload and web-app answer, by route template.
  metrics::family<metrics::counter>& http_requests;        // {route, method, code}
  metrics::family<metrics::histogram>& http_duration;      // {route, method, class}
  // socketio_front: namespaces joined now.
  metrics::family<metrics::gauge>& sio_sessions;           // {namespace}
  // daemon_session: acks of daemon:pdf_indexed(_batch), by what the server did.
  metrics::family<metrics::counter>& ingest_acks;          // {outcome}
  // upload endpoint: streams being received, bytes, how long each took.
  metrics::gauge& uploads_in_progress;
  metrics::counter& upload_bytes;
  metrics::family<metrics::histogram>& upload_duration;    // {outcome}
  // upload_transfer: from a user's request to pdf:ready.
  metrics::histogram& request_to_ready;
  metrics::family<metrics::counter>& auto_uploads;         // {event}: started, preempted
  // cache_janitor: sweeps, copies expired, bytes freed.
  metrics::counter& janitor_sweeps;
  metrics::counter& janitor_expired;
  metrics::counter& janitor_bytes_freed;
  // db_worker: each call on the store, and the ones that failed.
  metrics::family<metrics::histogram>& db_duration;        // {call}
  metrics::family<metrics::counter>& db_errors;            // {kind}
  // metrics snapshot (refreshed from PostgreSQL at most every few seconds).
  metrics::gauge& daemons_online;
  metrics::gauge& daemons_total;
  metrics::family<metrics::gauge>& daemon_online;          // {client_id}
  metrics::family<metrics::gauge>& pdfs;                   // {status}
  metrics::gauge& cache_bytes;
  metrics::gauge& cache_files;
  metrics::family<metrics::gauge>& cache_capacity_bytes;   // a series only when --cache-capacity-gb is set
  // daemon_session, from each heartbeat's counters (since the daemon started).
  metrics::family<metrics::counter>& daemon_reconnections;  // {client_id}
  metrics::family<metrics::counter>& daemon_uploads_failed; // {client_id}
  metrics::family<metrics::gauge>& daemon_upload_speed;     // {client_id}
  metrics::family<metrics::gauge>& daemon_parse_seconds;    // {client_id}
  metrics::gauge& snapshot_age;                             // seconds since the snapshot was read

  server_metrics();
};

/// The process's series (made on first use).
server_metrics& server_series();

/// Seconds since `start`, for histograms.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The route template of a request path: ids become :id, unknown paths one
/// label ("other"), so a scanner cannot grow the label set.
std::string route_template(std::string_view path);

} // namespace siberius::actors
