#include "actors/server_metrics.hpp"

#include <cctype>
#include <set>
#include <vector>

namespace siberius::actors {

namespace {
std::vector<double> transfer_buckets() { return {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}; }
} // namespace

server_metrics::server_metrics()
    : http_requests(registry.add_counter("siberius_http_requests_total",
                                         "HTTP requests answered, by route template, method and status code.",
                                         {"route", "method", "code"})),
      http_duration(registry.add_histogram("siberius_http_request_duration_seconds",
                                           "Time from a complete request to its answer, by route template, method "
                                           "and status class (2xx, 4xx...).",
                                           metrics::duration_buckets(), {"route", "method", "class"})),
      sio_sessions(registry.add_gauge("siberius_socketio_sessions",
                                      "Socket.IO namespaces joined now, by namespace.", {"namespace"})),
      ingest_acks(registry.add_counter("siberius_ingest_acks_total",
                                       "Documents acknowledged to daemons, by outcome (indexed, updated, duplicate, "
                                       "rejected, retry).",
                                       {"outcome"})),
      uploads_in_progress(registry.add_gauge("siberius_uploads_in_progress",
                                             "PDF uploads from daemons being received now.").get()),
      upload_bytes(registry.add_counter("siberius_upload_received_bytes_total",
                                        "Bytes of PDF uploads received from daemons.").get()),
      upload_duration(registry.add_histogram("siberius_upload_duration_seconds",
                                             "Time to receive one PDF upload, by outcome (stored, rejected, failed).",
                                             transfer_buckets(), {"outcome"})),
      request_to_ready(registry.add_histogram("siberius_pdf_request_to_ready_seconds",
                                              "Time from a user's PDF request to pdf:ready.", transfer_buckets()).get()),
      auto_uploads(registry.add_counter("siberius_auto_uploads_total",
                                        "Uploads the server asked for ahead of events (autoUpload), by event: "
                                        "started, preempted (gave its place to a person's request).",
                                        {"event"})),
      janitor_sweeps(registry.add_counter("siberius_janitor_sweeps_total", "Cache janitor sweeps run.").get()),
      janitor_expired(registry.add_counter("siberius_janitor_expired_files_total",
                                           "Cached copies the janitor expired and deleted.").get()),
      janitor_bytes_freed(registry.add_counter("siberius_janitor_freed_bytes_total",
                                               "Bytes of cached copies the janitor deleted.").get()),
      db_duration(registry.add_histogram("siberius_db_call_duration_seconds",
                                         "Time a database worker spent on one call, by call.",
                                         metrics::duration_buckets(), {"call"})),
      db_errors(registry.add_counter("siberius_db_errors_total",
                                     "Database calls that failed, by kind (unavailable, error, ingest: a batch of documents).", {"kind"})),
      daemons_online(registry.add_gauge("siberius_daemons_online", "Daemons online.").get()),
      daemons_total(registry.add_gauge("siberius_daemons", "Daemons known (every daemon with a token).").get()),
      daemon_online(registry.add_gauge("siberius_daemon_online", "1 when the daemon is online, 0 otherwise.",
                                       {"client_id"})),
      pdfs(registry.add_gauge("siberius_pdfs", "Indexed PDFs by status.", {"status"})),
      cache_bytes(registry.add_gauge("siberius_cache_bytes", "Bytes of the PDFs cached on the server.").get()),
      cache_files(registry.add_gauge("siberius_cache_files", "PDFs cached on the server.").get()),
      cache_capacity_bytes(registry.add_gauge("siberius_cache_capacity_bytes",
                                              "Disk set aside for cached PDFs (--cache-capacity-gb).")),
      daemon_reconnections(registry.add_counter("siberius_daemon_reconnections_total",
                                                "Reconnections the daemon made since it started, as it reported.",
                                                {"client_id"})),
      daemon_uploads_failed(registry.add_counter("siberius_daemon_uploads_failed_total",
                                                 "Uploads that failed in the daemon since it started, as it reported.",
                                                 {"client_id"})),
      daemon_upload_speed(registry.add_gauge("siberius_daemon_upload_speed_bytes_per_second",
                                             "The daemon's average upload speed since it started.", {"client_id"})),
      daemon_parse_seconds(registry.add_gauge("siberius_daemon_parse_seconds_average",
                                              "The daemon's average time to read one PDF since it started.",
                                              {"client_id"})),
      snapshot_age(registry.add_gauge("siberius_metrics_snapshot_age_seconds",
                                      "Age of the database figures (daemons, PDFs, cache) in this scrape.").get()) {}

server_metrics& server_series() {
  static server_metrics m;
  return m;
}

std::string route_template(std::string_view path) {
  if (path.empty() || path[0] != '/')
    return "other";
  if (path.rfind("/socket.io/", 0) == 0)
    return "/socket.io/";
  bool api = path.rfind("/api/", 0) == 0;
  if (!api && path != "/health" && path != "/health/detailed" && path != "/metrics")
    return "web_app"; // the app's files and routes: one label
  if (!api)
    return std::string(path);
  // An atendimento's reference ends in a document number of any shape.
  constexpr std::string_view atendimentos = "/api/atendimentos/", refs = "/referencias/";
  if (path.rfind(atendimentos, 0) == 0) {
    auto id_end = path.find('/', atendimentos.size());
    auto id = path.substr(atendimentos.size(), id_end == std::string_view::npos ? 0 : id_end - atendimentos.size());
    if (!id.empty() && id.find_first_not_of("0123456789") == std::string_view::npos &&
        path.compare(id_end, refs.size(), refs) == 0)
      return "/api/atendimentos/:id/referencias/:tipo/:numero";
  }
  std::string out;
  std::size_t pos = 0, segments = 0;
  while (pos < path.size()) {
    auto next = path.find('/', pos + 1);
    auto seg = path.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
    bool digits = !seg.empty();
    for (char c : seg)
      if (!std::isdigit(static_cast<unsigned char>(c)))
        digits = false;
    bool plain = !seg.empty() && seg.size() <= 32;
    for (char c : seg)
      if (!(std::islower(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
        plain = false;
    if (digits)
      out += "/:id";
    else if (plain)
      out += "/" + std::string(seg);
    else
      return "other"; // a token, a client id, a typo: never a label of its own
    if (++segments > 6)
      return "other";
    if (next == std::string_view::npos)
      break;
    pos = next;
  }
  // Only the API's own routes get a label: a scanner's made-up paths are "other".
  static const std::set<std::string, std::less<>> known = {
    "/api/admin/daemons", "/api/admin/daemons/:id", "/api/admin/daemons/:id/rotate-token",
    "/api/admin/daemons/:id/block", "/api/admin/daemons/:id/unblock", "/api/admin/daemons/:id/disconnect",
    "/api/admin/daemons/:id/resync", "/api/admin/daemons/:id/config", "/api/admin/daemon-tokens",
    "/api/admin/daemon-tokens/:id", "/api/admin/api-tokens", "/api/admin/api-tokens/:id",
    "/api/admin/monitor/summary", "/api/admin/monitor/connections", "/api/admin/monitor/pdfs-indexed",
    "/api/admin/monitor/cache", "/api/admin/monitor/latency", "/api/admin/users", "/api/admin/users/:id/password",
    "/api/admin/users/:id/disable", "/api/admin/users/:id/enable", "/api/admin/audit", "/api/pdfs",
    "/api/pdfs/:id/status", "/api/pdfs/:id/request", "/api/pdfs/:id/download", "/api/pdfs/:id/escalar",
    "/api/daemon/upload", "/api/atendimentos", "/api/atendimentos/:id", "/api/atendimentos/:id/tecnicos",
    "/api/atendimentos/:id/pdfs/:id", "/api/atendimentos/:id/pdf/status", "/api/atendimentos/:id/pdf/request",
    "/api/atendimentos/:id/pdf/download", "/api/auth/login", "/api/auth/logout", "/api/me"};
  return known.count(out) ? out : "other";
}

} // namespace siberius::actors
