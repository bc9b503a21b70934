// The REST API served by the front's HTTP side: /health, /health/detailed and
// the admin endpoints. Each request that needs the database is answered by a
// short-lived actor, so no I/O thread ever waits.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include <caf/all.hpp>

#include "actors/rate_limiter.hpp"
#include "actors/web_session.hpp"
#include "net/address_list.hpp"
#include "net/server.hpp"

namespace siberius::actors {

struct metrics_snapshot_state; // api/metrics_api.hpp

struct api_context {
  caf::actor_system* sys = nullptr;
  caf::actor db;
  caf::actor registry;
  caf::actor uploads;   // upload_coordinator
  caf::actor auth;      // auth_service (logins)
  caf::actor passwords; // password_worker (Argon2id off the scheduler)
  caf::actor hub;       // client_hub (events to /client)
  caf::actor janitor;   // cache_janitor (on-demand cleanup runs)
  caf::actor alerts;    // alert_center (GET /api/admin/alerts); null: none
  std::shared_ptr<rate_limiter> limiter; // per-address request rate; null: none
  /// Which pages may act with a browser session (the session cookie).
  std::shared_ptr<const origin_policy> origins = std::make_shared<origin_policy>();
  /// How long a login session lasts (the cookie's Max-Age).
  std::chrono::seconds session_ttl{std::chrono::hours(12)};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::optional<std::uint64_t> cache_capacity_bytes; // --cache-capacity-gb; none: null in the monitor
  std::string time_zone = "America/Sao_Paulo";       // --timezone: where the monitor's "today" begins
  // GET /metrics: addresses that may scrape without a token (--metrics-allow;
  // null: none), and when its database figures were last read.
  std::shared_ptr<const net::address_list> metrics_allow;
  std::shared_ptr<metrics_snapshot_state> metrics_snapshot;
};

net::http_handler make_http_api(api_context ctx);

/// The account routes (/api/auth/*, /api/me, /api/admin/users*, /api/admin/audit)
/// and the atendimento routes (/api/atendimentos*, /api/pdfs/:id/escalar):
/// each answers and returns true when the path is one of its own.
bool serve_account_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                       const net::http_responder& respond);
bool serve_daemon_admin_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                            const net::http_responder& respond);
bool serve_atendimento_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                           const net::http_responder& respond);
/// The cache janitor's runs: POST /api/admin/cache/cleanup, GET /api/admin/cache/reports.
bool serve_cache_admin_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                           const net::http_responder& respond);
/// The admin's system monitor: /api/admin/monitor/{summary,connections,pdfs-indexed,cache,latency}.
bool serve_monitor_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                       const net::http_responder& respond);

/// The operational alerts: GET /api/admin/alerts.
bool serve_alerts_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                      const net::http_responder& respond);
/// GET /metrics (api/metrics_api.cpp).
bool serve_metrics_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                       const net::http_responder& respond);

/// A JSON answer (no-store), keeping the request's keep-alive.
net::http_response json_response(const net::http_request& req, net::http::status status, const nlohmann::json& body);
/// The same with a body that is JSON text already (json_text).
net::http_response json_text_response(const net::http_request& req, net::http::status status, std::string body);
/// {"error": message, "code": code}; a 401 also says WWW-Authenticate: Bearer.
net::http_response error_response(const net::http_request& req, net::http::status status, const std::string& code,
                                  const std::string& message);
/// The token of "Authorization: Bearer <token>", or "" without one.
std::string bearer_token(const net::http_request& req);
/// Whether the browser reached us over TLS (X-Forwarded-Proto: https, which
/// the front keeps only from a trusted proxy).
bool over_tls(const net::http_request& req);

/// A path naming one PDF: /api/pdfs/<id>/<action>, or
/// /api/atendimentos/<id>/pdf/<action> for the PDF linked to an atendimento.
struct pdf_path {
  std::int64_t id = 0;
  bool atendimento = false; // id is an atendimento's
  std::string_view action;  // status | request | download
};
std::optional<pdf_path> parse_pdf_path(std::string_view path);

/// GET/HEAD /api/pdfs/:id/download (and the atendimento's): the cached copy,
/// streamed, with Range, ETag (the hash) and Content-Disposition (the original name).
bool is_pdf_download_path(std::string_view path);
net::file_handler make_pdf_download(api_context ctx);

/// The byte range a "Range: bytes=..." header asks of a `size`-byte file:
/// nullopt for the whole file (no header, or several ranges); `unsatisfiable`
/// when it asks for nothing that exists (416).
struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};
std::optional<byte_range> requested_range(std::string_view header, std::uint64_t size, bool& unsatisfiable);

/// Content-Disposition for a download of `name` (RFC 6266: an ASCII fallback
/// and the UTF-8 name).
std::string attachment_disposition(const std::string& name);

/// 429 rate_limited (with Retry-After) when `remote` is over its request rate.
std::optional<net::http_response> over_rate(const api_context& ctx, const net::http_request& req,
                                           const std::string& remote);

/// Resident memory of this process in bytes (VmRSS), 0 when unknown.
std::size_t resident_bytes();

} // namespace siberius::actors
