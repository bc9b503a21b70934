// REST: the cache janitor's runs. POST /api/admin/cache/cleanup runs one now
// (or joins the run under way) and answers with its report;
// GET /api/admin/cache/reports lists the stored reports, newest first.
// Admin-only; a browser session must come from an allowed origin (with_caller).
#include "api/api_support.hpp"
#include "actors/log.hpp"

namespace siberius::actors {

namespace {

namespace http = net::http;
using json = nlohmann::json;

/// How long the request waits for the run's report; past it the run goes on
/// and the answer is 202 (the report arrives as cache:cleanup_report). Under
/// nginx's 60 s proxy_read_timeout.
constexpr auto cleanup_wait = std::chrono::seconds(50);

constexpr int default_reports = 20;
constexpr int max_reports = 100;

void run_cleanup(const api_context& ctx, const net::http_request& req, const std::string& remote,
                 const net::http_responder& respond) {
  if (!json_body(req, respond, true))
    return;
  with_caller(ctx, req, remote, respond, access::admin,
              [=](caf::event_based_actor* self, const storage::api_principal& who) {
                log_event(log_level::info, "cache:cleanup:requested", {{"by", who.name}, {"ip", remote}});
                self->request(ctx.janitor, cleanup_wait, atom::cache_cleanup_v, std::string("on_demand"))
                  .then(
                    [=](const json_reply& reply) {
                      audit(ctx, who, remote, "cache.cleanup", std::nullopt, "ok",
                            {{"reportId", reply.value["report"]["id"]}, {"joined", reply.value["joined"]}});
                      respond(json_response(req, http::status::ok, reply.value));
                    },
                    [=](const caf::error&) {
                      audit(ctx, who, remote, "cache.cleanup", std::nullopt, "ok", {{"running", true}});
                      respond(json_response(req, http::status::accepted,
                                            {{"running", true},
                                             {"message", "the cleanup is still running; its report will be in "
                                                         "GET /api/admin/cache/reports and sent as "
                                                         "cache:cleanup_report"}}));
                    });
              });
}

void list_reports(const api_context& ctx, const net::http_request& req, const std::string& remote,
                  const net::http_responder& respond) {
  bool bad = false;
  auto limit_text = query_param(req.target(), "limit", bad);
  int limit = default_reports;
  if (limit_text) {
    auto n = parse_id(*limit_text);
    if (!n || *n < 1 || *n > max_reports)
      bad = true;
    else
      limit = static_cast<int>(*n);
  }
  if (bad)
    return respond(error_response(req, http::status::bad_request, "bad_request",
                                  "limit: a number from 1 to " + std::to_string(max_reports)));
  admin_read(ctx, req, remote, respond,
             [limit](storage::metadata_store& s) { return json{{"items", s.cleanup_reports(limit)}}; });
}

} // namespace

bool serve_cache_admin_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                           const net::http_responder& respond) {
  auto path = path_of_target(req.target());
  bool cleanup = path == "/api/admin/cache/cleanup", reports = path == "/api/admin/cache/reports";
  if (!cleanup && !reports)
    return false;
  if (cleanup && req.method() == http::verb::post)
    run_cleanup(ctx, req, remote, respond);
  else if (reports && req.method() == http::verb::get)
    list_reports(ctx, req, remote, respond);
  else
    respond(not_allowed(req));
  return true;
}

} // namespace siberius::actors
