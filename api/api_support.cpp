#include "api/api_support.hpp"

#include "actors/log.hpp"
#include "net/json_limits.hpp"
#include "net/url.hpp"
#include "storage/pdf_query.hpp"

namespace siberius::actors {

namespace http = net::http;
using json = nlohmann::json;

void with_caller(const api_context& ctx, const net::http_request& req, const std::string& remote,
                 const net::http_responder& respond, access need, caller_step then) {
  auto token = bearer_token(req);
  // A browser sends its session in the cookie; a header, even a broken one, wins.
  bool by_cookie = false;
  if (token.empty() && req[http::field::authorization].empty()) {
    token = cookie_value(req[http::field::cookie], session_cookie_name);
    by_cookie = !token.empty();
  }
  if (token.empty() || token.size() > 200)
    return respond(error_response(req, http::status::unauthorized, "unauthorized",
                                  "sign in first (a session or a bearer token is required)"));
  if (by_cookie) {
    auto why = cross_site_refusal(req.method(), req[http::field::origin], req["Sec-Fetch-Site"],
                                  req[http::field::host], over_tls(req), *ctx.origins);
    if (!why.empty()) {
      auto path = std::string(path_of_target(req.target()));
      log_event(log_level::warn, "api:cross_site:refused",
                {{"ip", remote}, {"path", path}, {"origin", std::string(req[http::field::origin])}});
      audit(ctx, std::nullopt, remote, "auth.cross_site", path, "denied",
            {{"origin", std::string(req[http::field::origin])}});
      return respond(error_response(req, http::status::forbidden, "cross_site", why));
    }
  }
  ctx.sys->spawn([=](caf::event_based_actor* self) {
    self->request(ctx.db, db_timeout, atom::api_auth_v, token)
      .then(
        [=](const std::optional<storage::api_principal>& who) {
          auto path = std::string(path_of_target(req.target()));
          // The cookie only ever holds a session: an API token put there is refused.
          if (!who || (by_cookie && who->via != "session")) {
            log_event(log_level::warn, "api:auth:failed", {{"ip", remote}, {"path", path}});
            audit(ctx, std::nullopt, remote, "auth.token_rejected", path, "denied");
            if (!by_cookie)
              return respond(error_response(req, http::status::unauthorized, "unauthorized",
                                            "invalid or expired token"));
            // A browser whose session ended forgets the cookie with the answer.
            auto res = error_response(req, http::status::unauthorized, "unauthorized",
                                      "your session ended; sign in again");
            res.set(http::field::set_cookie, session_clear_cookie(over_tls(req)));
            return respond(std::move(res));
          }
          if (need == access::admin && !who->admin()) {
            audit(ctx, who, remote, "auth.forbidden", path, "denied");
            return respond(forbidden(req, "this needs an admin"));
          }
          then(self, *who);
        },
        [=](const caf::error&) {
          respond(error_response(req, http::status::service_unavailable, "database_unavailable",
                                 "database unavailable, retry later"));
        });
  });
}

void ask_db(caf::event_based_actor* self, const api_context& ctx, const net::http_request& req,
            const net::http_responder& respond, std::function<json(storage::metadata_store&)> job,
            std::function<void(json)> then) {
  self->request(ctx.db, db_timeout, atom::db_run_v, db_job{std::move(job)})
    .then([=](const json_reply& reply) { then(reply.value); },
          [=](const caf::error& err) {
            if (is(err, db_errc::invalid))
              return respond(error_response(req, http::status::bad_request, "bad_request", reason_of(*ctx.sys, err)));
            if (is(err, db_errc::conflict))
              return respond(error_response(req, http::status::conflict, "conflict", reason_of(*ctx.sys, err)));
            log_event(log_level::warn, "api:db:failed",
                      {{"path", std::string(path_of_target(req.target()))}, {"reason", reason_of(*ctx.sys, err)}});
            respond(error_response(req, http::status::service_unavailable, "database_unavailable",
                                   "database unavailable, retry later"));
          });
}

void audit(const api_context& ctx, const std::optional<storage::api_principal>& who, const std::string& ip,
           std::string action, std::optional<std::string> target, std::string outcome, json details) {
  storage::audit_entry e;
  if (who) {
    e.actor = who->name;
    e.actor_role = who->role;
    if (who->via == "api_token")
      details["via"] = "api_token";
  }
  e.ip = ip;
  e.action = std::move(action);
  e.target = std::move(target);
  e.outcome = std::move(outcome);
  e.details = std::move(details);
  caf::anon_send(ctx.db, atom::db_run_v, db_job{[e](storage::metadata_store& s) {
                   s.audit(e);
                   return json();
                 }});
}

std::optional<net::http_response> too_deep(const net::http_request& req) {
  if (net::json_nesting_within(req.body()))
    return std::nullopt;
  return error_response(req, http::status::bad_request, "bad_request",
                        "body nested deeper than " + std::to_string(net::max_json_depth) + " levels");
}

std::optional<json> json_body(const net::http_request& req, const net::http_responder& respond, bool empty_ok) {
  if (empty_ok && req.body().empty())
    return json::object();
  if (auto refused = too_deep(req)) {
    respond(std::move(*refused));
    return std::nullopt;
  }
  auto body = json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    respond(error_response(req, http::status::bad_request, "bad_request", "body must be a JSON object"));
    return std::nullopt;
  }
  return body;
}

net::http_response forbidden(const net::http_request& req, const std::string& why) {
  return error_response(req, http::status::forbidden, "forbidden", why);
}

std::optional<std::int64_t> parse_id(std::string_view digits) {
  if (digits.empty() || digits.size() > 18)
    return std::nullopt;
  std::int64_t id = 0;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id;
}

std::string_view path_of_target(std::string_view target) {
  return net::path_of(target);
}

std::optional<std::string> query_param(std::string_view target, std::string_view name, bool& bad) {
  auto query = net::parse_query_fields(target);
  if (query.malformed) {
    bad = true;
    return std::nullopt;
  }
  return query.find(name);
}

net::http_response not_allowed(const net::http_request& req) {
  return error_response(req, http::status::method_not_allowed, "method_not_allowed",
                        "method not allowed on " + std::string(path_of_target(req.target())));
}

void admin_read(const api_context& ctx, const net::http_request& req, const std::string& remote,
                const net::http_responder& respond, std::function<json(storage::metadata_store&)> job) {
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto&) {
    ask_db(self, ctx, req, respond, job, [=](json page) { respond(json_response(req, http::status::ok, page)); });
  });
}

} // namespace siberius::actors
