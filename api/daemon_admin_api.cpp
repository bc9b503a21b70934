// REST: what an admin does to office daemons: the detail view, daemon tokens
// (list, rotate with an overlap, revoke), block/unblock, disconnect, resync
// and config. Revoking a token or blocking a daemon disconnects it at once,
// rotating one when the old token's overlap ends;
// its next CONNECT is refused by the registry's token check.
#include "api/api_support.hpp"
#include "actors/log.hpp"

namespace siberius::actors {

namespace {

namespace http = net::http;
using json = nlohmann::json;

net::http_response no_daemon(const net::http_request& req, std::int64_t id) {
  return error_response(req, http::status::not_found, "not_found", "no daemon with id " + std::to_string(id));
}

/// Runs `then` with the daemon's clientId ("" when it never connected); 404 when there is no such daemon.
void with_client_id(caf::event_based_actor* self, const api_context& ctx, const net::http_request& req,
                    const net::http_responder& respond, std::int64_t id, std::function<void(std::string)> then) {
  ask_db(self, ctx, req, respond,
         [id](storage::metadata_store& s) {
           auto d = s.daemon_detail(id);
           return d ? json{{"clientId", (*d)["clientId"]}} : json();
         },
         [=](json d) {
           if (d.is_null())
             return respond(no_daemon(req, id));
           then(d["clientId"].is_string() ? d["clientId"].get<std::string>() : std::string());
         });
}

void list_tokens(const api_context& ctx, const net::http_request& req, const std::string& remote,
                 const net::http_responder& respond) {
  admin_read(ctx, req, remote, respond, [](storage::metadata_store& s) { return s.list_daemon_tokens(); });
}

void revoke_token(const api_context& ctx, const net::http_request& req, const std::string& remote,
                  std::int64_t token_id, const net::http_responder& respond) {
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    ask_db(self, ctx, req, respond,
           [token_id](storage::metadata_store& s) { return s.revoke_daemon_token(token_id).value_or(json()); },
           [=](json revoked) {
             if (revoked.is_null())
               return respond(error_response(req, http::status::not_found, "not_found",
                                             "no live daemon token with id " + std::to_string(token_id)));
             audit(ctx, who, remote, "daemon_token.revoke", "token " + std::to_string(token_id), "ok",
                   {{"clientId", revoked["clientId"]}});
             self->request(ctx.registry, db_timeout, atom::kick_token_v, token_id, std::string("token revoked"))
               .then(
                 [=](bool kicked) mutable {
                   revoked["disconnected"] = kicked;
                   respond(json_response(req, http::status::ok, revoked));
                 },
                 [=](const caf::error&) mutable {
                   revoked["disconnected"] = false;
                   respond(json_response(req, http::status::ok, revoked));
                 });
           });
  });
}

void detail(const api_context& ctx, const net::http_request& req, const std::string& remote, std::int64_t id,
            const net::http_responder& respond) {
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto&) {
    ask_db(self, ctx, req, respond, [id](storage::metadata_store& s) { return s.daemon_detail(id).value_or(json()); },
           [=](json d) {
             if (d.is_null())
               return respond(no_daemon(req, id));
             respond(json_response(req, http::status::ok, d));
           });
  });
}

void rotate(const api_context& ctx, const net::http_request& req, const std::string& remote, std::int64_t id,
            const net::http_responder& respond) {
  auto body = json_body(req, respond, true);
  if (!body)
    return;
  auto hours = body->value("overlapHours", json(24));
  if (!hours.is_number_integer() || hours.get<long>() < 0 || hours.get<long>() > 720 || body->size() > 1 ||
      (body->size() == 1 && !body->contains("overlapHours")))
    return respond(error_response(req, http::status::bad_request, "bad_request",
                                  "body: {overlapHours?: 0 to 720, default 24}"));
  auto overlap = std::chrono::seconds(hours.get<long>() * 3600);
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    ask_db(self, ctx, req, respond,
           [id, overlap](storage::metadata_store& s) { return s.rotate_daemon_token(id, overlap).value_or(json()); },
           [=](json issued) {
             if (issued.is_null())
               return respond(no_daemon(req, id));
             audit(ctx, who, remote, "daemon_token.rotate", "daemon " + std::to_string(id), "ok",
                   {{"tokenId", issued["tokenId"]}, {"overlapHours", hours}});
             // A daemon still connected with an old token is disconnected when the overlap ends.
             if (issued["clientId"].is_string())
               caf::anon_send(ctx.registry, atom::token_rotated_v, issued["clientId"].get<std::string>(),
                              issued["tokenId"].get<std::int64_t>(), static_cast<std::int64_t>(overlap.count()));
             respond(json_response(req, http::status::created, issued));
           });
  });
}

void block(const api_context& ctx, const net::http_request& req, const std::string& remote, std::int64_t id,
           bool blocked, const net::http_responder& respond) {
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    ask_db(self, ctx, req, respond,
           [id, blocked](storage::metadata_store& s) { return s.set_daemon_blocked(id, blocked).value_or(json()); },
           [=](json d) {
             if (d.is_null())
               return respond(no_daemon(req, id));
             audit(ctx, who, remote, blocked ? "daemon.block" : "daemon.unblock", "daemon " + std::to_string(id));
             if (blocked && d["clientId"].is_string())
               caf::anon_send(ctx.registry, atom::kick_v, d["clientId"].get<std::string>(),
                              std::string("this daemon is blocked"));
             respond(json_response(req, http::status::ok, d));
           });
  });
}

void disconnect(const api_context& ctx, const net::http_request& req, const std::string& remote, std::int64_t id,
                const net::http_responder& respond) {
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    with_client_id(self, ctx, req, respond, id, [=](std::string client_id) {
      self->request(ctx.registry, db_timeout, atom::kick_v, client_id, std::string("disconnected by an admin"))
        .then(
          [=](bool kicked) {
            if (!kicked)
              return respond(error_response(req, http::status::conflict, "not_connected",
                                            "daemon " + std::to_string(id) + " is not connected"));
            audit(ctx, who, remote, "daemon.disconnect", "daemon " + std::to_string(id));
            respond(json_response(req, http::status::ok, {{"id", id}, {"clientId", client_id}, {"disconnected", true}}));
          },
          [=](const caf::error&) {
            respond(error_response(req, http::status::service_unavailable, "unavailable", "try again"));
          });
    });
  });
}

/// Sends `event` to the daemon and answers with its ack: 409 when it is not
/// connected, 504 when it does not answer within 10 s.
void command(caf::event_based_actor* self, const api_context& ctx, const net::http_request& req,
             const net::http_responder& respond, std::int64_t id, const std::string& client_id,
             const std::string& event, json payload, std::function<void(json)> then) {
  self->request(ctx.registry, db_timeout, atom::daemon_command_v, client_id, event, std::move(payload))
    .then(
      [=](const json_reply& r) {
        if (!r.value.value("connected", false))
          return then(json());
        if (r.value.value("timeout", false))
          return respond(error_response(req, http::status::gateway_timeout, "daemon_timeout",
                                        "daemon " + std::to_string(id) + " did not answer " + event + " in 10 s"));
        then(r.value["ack"]);
      },
      [=](const caf::error&) {
        respond(error_response(req, http::status::service_unavailable, "unavailable", "try again"));
      });
}

void resync(const api_context& ctx, const net::http_request& req, const std::string& remote, std::int64_t id,
            const net::http_responder& respond) {
  auto body = json_body(req, respond, true);
  if (!body)
    return;
  auto reason = body->value("reason", json("requested by an admin"));
  if (!reason.is_string() || reason.get<std::string>().size() > 200)
    return respond(error_response(req, http::status::bad_request, "bad_request", "reason: up to 200 characters"));
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    with_client_id(self, ctx, req, respond, id, [=](std::string client_id) {
      command(self, ctx, req, respond, id, client_id, "daemon:resync", {{"reason", reason}}, [=](json ack) {
        if (ack.is_null())
          return respond(error_response(req, http::status::conflict, "not_connected",
                                        "daemon " + std::to_string(id) + " is not connected"));
        audit(ctx, who, remote, "daemon.resync", "daemon " + std::to_string(id));
        respond(json_response(req, http::status::ok, {{"id", id}, {"clientId", client_id}, {"ack", ack}}));
      });
    });
  });
}

/// Why `changes` is not a valid config change; "" when it is.
std::string unfit_config(const json& changes) {
  if (changes.empty())
    return "expected at least one of scanIntervalSeconds, logLevel, autoUpload";
  for (auto& [k, v] : changes.items()) {
    if (k == "scanIntervalSeconds") {
      if (!v.is_number_integer() || v.get<long>() < 5 || v.get<long>() > 86400)
        return "scanIntervalSeconds: a whole number from 5 to 86400";
    } else if (k == "logLevel") {
      if (!v.is_string() || (v != "debug" && v != "info" && v != "warn" && v != "error"))
        return "logLevel: debug, info, warn or error";
    } else if (k == "autoUpload") {
      if (!v.is_boolean())
        return "autoUpload: true or false";
    } else {
      return k + ": unknown setting (scanIntervalSeconds, logLevel, autoUpload)";
    }
  }
  return {};
}

void configure(const api_context& ctx, const net::http_request& req, const std::string& remote, std::int64_t id,
               const net::http_responder& respond) {
  auto body = json_body(req, respond);
  if (!body)
    return;
  if (auto why = unfit_config(*body); !why.empty())
    return respond(error_response(req, http::status::bad_request, "bad_request", why));
  auto changes = *body;
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    ask_db(self, ctx, req, respond,
           [id, changes](storage::metadata_store& s) { return s.update_daemon_config(id, changes).value_or(json()); },
           [=](json stored) {
             if (stored.is_null())
               return respond(no_daemon(req, id));
             audit(ctx, who, remote, "daemon.config", "daemon " + std::to_string(id), "ok", {{"changes", changes}});
             auto client_id = stored["clientId"].is_string() ? stored["clientId"].get<std::string>() : std::string();
             command(self, ctx, req, respond, id, client_id, "daemon:config_update", changes, [=](json ack) {
               json out = {{"id", id}, {"clientId", stored["clientId"]}, {"config", stored["config"]}};
               if (ack.is_null()) {
                 // Kept: sent when the daemon connects.
                 out["delivered"] = false;
                 return respond(json_response(req, http::status::accepted, out));
               }
               out["delivered"] = true;
               out["ack"] = ack;
               respond(json_response(req, http::status::ok, out));
             });
           });
  });
}

} // namespace

bool serve_daemon_admin_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                            const net::http_responder& respond) {
  auto path = path_of_target(req.target());
  auto method = req.method();
  if (path == "/api/admin/daemon-tokens") {
    if (method != http::verb::get)
      return false; // POST (create) is served by the main route table
    list_tokens(ctx, req, remote, respond);
    return true;
  }
  auto under = [&](std::string_view prefix, std::int64_t& id, std::string_view& action) {
    if (path.substr(0, prefix.size()) != prefix)
      return false;
    auto rest = path.substr(prefix.size());
    auto slash = rest.find('/');
    auto n = parse_id(rest.substr(0, slash));
    if (!n)
      return false;
    id = *n;
    action = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    return true;
  };
  std::int64_t id = 0;
  std::string_view action;
  if (under("/api/admin/daemon-tokens/", id, action) && action.empty()) {
    if (method != http::verb::delete_)
      respond(not_allowed(req));
    else
      revoke_token(ctx, req, remote, id, respond);
    return true;
  }
  if (!under("/api/admin/daemons/", id, action))
    return false;
  auto only = [&](http::verb v, auto serve) {
    if (method != v)
      respond(not_allowed(req));
    else
      serve();
    return true;
  };
  if (action.empty())
    return only(http::verb::get, [&] { detail(ctx, req, remote, id, respond); });
  if (action == "rotate-token")
    return only(http::verb::post, [&] { rotate(ctx, req, remote, id, respond); });
  if (action == "block" || action == "unblock")
    return only(http::verb::post, [&] { block(ctx, req, remote, id, action == "block", respond); });
  if (action == "disconnect")
    return only(http::verb::post, [&] { disconnect(ctx, req, remote, id, respond); });
  if (action == "resync")
    return only(http::verb::post, [&] { resync(ctx, req, remote, id, respond); });
  if (action == "config")
    return only(http::verb::put, [&] { configure(ctx, req, remote, id, respond); });
  respond(error_response(req, http::status::not_found, "not_found", "no such endpoint: " + std::string(path)));
  return true;
}

} // namespace siberius::actors
