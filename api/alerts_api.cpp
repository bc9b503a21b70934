// REST: GET /api/admin/alerts, the active operational alerts and the recent
// cleared ones (actors/alert_center.hpp). Admin-only.
#include "api/api_support.hpp"

namespace siberius::actors {

namespace http = net::http;

bool serve_alerts_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                      const net::http_responder& respond) {
  if (path_of_target(req.target()) != "/api/admin/alerts")
    return false;
  if (req.method() != http::verb::get) {
    respond(not_allowed(req));
    return true;
  }
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto&) {
    if (!ctx.alerts)
      return respond(json_response(req, http::status::ok, {{"active", nlohmann::json::array()},
                                                           {"recent", nlohmann::json::array()}}));
    self->request(ctx.alerts, std::chrono::seconds(10), atom::list_alerts_v)
      .then([=](const json_reply& r) { respond(json_response(req, http::status::ok, r.value)); },
            [=](const caf::error&) {
              respond(error_response(req, http::status::service_unavailable, "unavailable",
                                     "the alerts could not be read, retry later"));
            });
  });
  return true;
}

} // namespace siberius::actors
