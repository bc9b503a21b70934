// REST: logins and sessions, the signed-in user, user accounts and the audit
// log. Passwords are hashed by the password_worker and never logged.
#include "api/api_support.hpp"
#include "actors/log.hpp"
#include "storage/passwords.hpp"

namespace siberius::actors {

namespace {

namespace http = net::http;
using json = nlohmann::json;

net::http_response answer_of(const net::http_request& req, const request_answer& a) {
  auto res = json_response(req, static_cast<http::status>(a.status), a.body);
  if (a.retry_after > 0)
    res.set(http::field::retry_after, std::to_string(a.retry_after));
  if (a.status == 401)
    res.set(http::field::www_authenticate, "Bearer");
  return res;
}

void login(const api_context& ctx, const net::http_request& req, const std::string& remote,
           const net::http_responder& respond) {
  auto body = json_body(req, respond);
  if (!body)
    return;
  auto l = body->value("login", json()), p = body->value("password", json());
  if (!l.is_string() || !p.is_string() || l.get<std::string>().empty() || p.get<std::string>().empty())
    return respond(error_response(req, http::status::bad_request, "bad_request", "login and password are required"));
  if (l.get<std::string>().size() > 100 || p.get<std::string>().size() > 256)
    return respond(error_response(req, http::status::unauthorized, "invalid_credentials", "invalid login or password"));
  // {"cookie": true}: a browser's login. The token goes into an HttpOnly
  // cookie instead of the body, and only a page of ours may ask for it (a
  // login forged by another site would sign the browser into our account).
  auto c = body->value("cookie", json(false));
  if (!c.is_boolean())
    return respond(error_response(req, http::status::bad_request, "bad_request", "cookie: expected true or false"));
  bool cookie = c.get<bool>();
  if (cookie) {
    auto why = cross_site_refusal(req.method(), req[http::field::origin], req["Sec-Fetch-Site"],
                                  req[http::field::host], over_tls(req), *ctx.origins);
    if (!why.empty()) {
      audit(ctx, std::nullopt, remote, "auth.cross_site", std::string("/api/auth/login"), "denied",
            {{"origin", std::string(req[http::field::origin])}});
      return respond(error_response(req, http::status::forbidden, "cross_site", why));
    }
  }
  auto agent = std::string(req[http::field::user_agent]);
  ctx.sys->spawn([=](caf::event_based_actor* self) {
    self->request(ctx.auth, db_timeout, atom::login_v, l.get<std::string>(), p.get<std::string>(), remote, agent)
      .then([=](const request_answer& a) {
              if (!cookie || a.status != 200)
                return respond(answer_of(req, a));
              auto browser = a;
              auto token = browser.body["token"].get<std::string>();
              browser.body.erase("token");
              auto res = answer_of(req, browser);
              res.set(http::field::set_cookie, session_set_cookie(token, ctx.session_ttl, over_tls(req)));
              respond(std::move(res));
            },
            [=](const caf::error&) {
              respond(error_response(req, http::status::service_unavailable, "unavailable", "try again"));
            });
  });
}

void logout(const api_context& ctx, const net::http_request& req, const std::string& remote,
            const net::http_responder& respond) {
  with_caller(ctx, req, remote, respond, access::user, [=](caf::event_based_actor* self, const auto& who) {
    if (who.via != "session")
      return respond(error_response(req, http::status::bad_request, "not_a_session",
                                    "an API token is not a session; revoke it instead"));
    auto id = who.token_id;
    ask_db(self, ctx, req, respond, [id](storage::metadata_store& s) { return s.close_session(id); },
           [=](json) {
             caf::anon_send(ctx.hub, atom::drop_session_v, id);
             audit(ctx, who, remote, "auth.logout", std::nullopt);
             net::http_response res{http::status::no_content, req.version()};
             res.keep_alive(req.keep_alive());
             if (!cookie_value(req[http::field::cookie], session_cookie_name).empty())
               res.set(http::field::set_cookie, session_clear_cookie(over_tls(req)));
             res.prepare_payload();
             respond(std::move(res));
           });
  });
}

void me(const api_context& ctx, const net::http_request& req, const std::string& remote,
        const net::http_responder& respond) {
  with_caller(ctx, req, remote, respond, access::user, [=](caf::event_based_actor* self, const auto& who) {
    if (who.user_id == 0)
      return respond(json_response(req, http::status::ok,
                                   {{"id", nullptr}, {"login", who.name}, {"nome", who.name}, {"role", who.role},
                                    {"via", who.via}}));
    auto id = who.user_id;
    ask_db(self, ctx, req, respond, [id](storage::metadata_store& s) { return s.user(id).value_or(json()); },
           [=](json u) {
             if (u.is_null())
               return respond(error_response(req, http::status::unauthorized, "unauthorized", "no such user"));
             u["via"] = who.via;
             u["sessionExpiresAt"] = who.expires_at.empty() ? json() : json(who.expires_at);
             respond(json_response(req, http::status::ok, u));
           });
  });
}

/// A password given in `body` (checked), or a generated one (`generated` set).
std::optional<std::string> chosen_password(const json& body, const net::http_request& req,
                                           const net::http_responder& respond, bool& generated) {
  generated = false;
  auto p = body.value("password", json());
  if (p.is_null()) {
    generated = true;
    return storage::generate_password();
  }
  if (!p.is_string()) {
    respond(error_response(req, http::status::bad_request, "bad_request", "password: expected a string"));
    return std::nullopt;
  }
  if (auto why = storage::unfit_password(p.get<std::string>())) {
    respond(error_response(req, http::status::bad_request, "bad_password", *why));
    return std::nullopt;
  }
  return p.get<std::string>();
}

void hash_then(caf::event_based_actor* self, const api_context& ctx, const net::http_request& req,
               const net::http_responder& respond, const std::string& password,
               std::function<void(std::string)> then) {
  self->request(ctx.passwords, db_timeout, atom::hash_password_v, password)
    .then([=](const std::string& encoded) { then(encoded); },
          [=](const caf::error&) {
            respond(error_response(req, http::status::service_unavailable, "unavailable", "could not hash the password"));
          });
}

void list_users(const api_context& ctx, const net::http_request& req, const std::string& remote,
                const net::http_responder& respond) {
  admin_read(ctx, req, remote, respond, [](storage::metadata_store& s) { return s.list_users(); });
}

void create_user(const api_context& ctx, const net::http_request& req, const std::string& remote,
                 const net::http_responder& respond) {
  auto body = json_body(req, respond);
  if (!body)
    return;
  for (auto& [k, v] : body->items())
    if (k != "login" && k != "role" && k != "nome" && k != "password")
      return respond(error_response(req, http::status::bad_request, "bad_request",
                                    k + ": unknown field (login, role, nome, password)"));
  auto l = body->value("login", json()), r = body->value("role", json()), n = body->value("nome", json(""));
  if (!l.is_string())
    return respond(error_response(req, http::status::bad_request, "bad_request", "login: required"));
  if (auto why = storage::unfit_login(l.get<std::string>()))
    return respond(error_response(req, http::status::bad_request, "bad_request", *why));
  if (!r.is_string() || (r != "admin" && r != "tecnico"))
    return respond(error_response(req, http::status::bad_request, "bad_request", "role: admin or tecnico"));
  if (!n.is_string() || n.get<std::string>().size() > 200)
    return respond(error_response(req, http::status::bad_request, "bad_request", "nome: at most 200 characters"));
  bool generated = false;
  auto password = chosen_password(*body, req, respond, generated);
  if (!password)
    return;
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    hash_then(self, ctx, req, respond, *password, [=](std::string encoded) {
      storage::new_user u{l.get<std::string>(), n.get<std::string>(), r.get<std::string>(), encoded};
      ask_db(self, ctx, req, respond, [u](storage::metadata_store& s) { return s.create_user(u); },
             [=](json user) {
               audit(ctx, who, remote, "user.create", "user " + user["id"].dump(), "ok",
                     {{"login", user["login"]}, {"role", user["role"]}});
               if (generated)
                 user["password"] = *password;
               respond(json_response(req, http::status::created, user));
             });
    });
  });
}

void set_password(const api_context& ctx, const net::http_request& req, const std::string& remote,
                  std::int64_t id, const net::http_responder& respond) {
  auto body = json_body(req, respond, true);
  if (!body)
    return;
  bool generated = false;
  auto password = chosen_password(*body, req, respond, generated);
  if (!password)
    return;
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    hash_then(self, ctx, req, respond, *password, [=](std::string encoded) {
      ask_db(self, ctx, req, respond, [id, encoded](storage::metadata_store& s) { return s.set_password(id, encoded); },
             [=](json found) {
               if (!found.get<bool>())
                 return respond(error_response(req, http::status::not_found, "not_found",
                                               "no user with id " + std::to_string(id)));
               caf::anon_send(ctx.hub, atom::drop_user_v, id);
               audit(ctx, who, remote, "user.password", "user " + std::to_string(id));
               json out = {{"id", id}};
               if (generated)
                 out["password"] = *password;
               respond(json_response(req, http::status::ok, out));
             });
    });
  });
}

void set_disabled(const api_context& ctx, const net::http_request& req, const std::string& remote,
                  std::int64_t id, bool disabled, const net::http_responder& respond) {
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    if (disabled && who.user_id == id)
      return respond(error_response(req, http::status::conflict, "conflict", "you cannot disable yourself"));
    ask_db(self, ctx, req, respond,
           [id, disabled](storage::metadata_store& s) { return s.set_disabled(id, disabled).value_or(json()); },
           [=](json user) {
             if (user.is_null())
               return respond(error_response(req, http::status::not_found, "not_found",
                                             "no user with id " + std::to_string(id)));
             if (disabled)
               caf::anon_send(ctx.hub, atom::drop_user_v, id);
             audit(ctx, who, remote, disabled ? "user.disable" : "user.enable", "user " + std::to_string(id));
             respond(json_response(req, http::status::ok, user));
           });
  });
}

void list_audit(const api_context& ctx, const net::http_request& req, const std::string& remote,
                const net::http_responder& respond) {
  bool bad = false;
  auto target = std::string_view(req.target());
  auto limit_text = query_param(target, "limit", bad), before_text = query_param(target, "before", bad);
  int limit = 100;
  std::optional<std::int64_t> before;
  if (limit_text) {
    auto v = parse_id(*limit_text);
    if (!v || *v < 1 || *v > 1000)
      bad = true;
    else
      limit = static_cast<int>(*v);
  }
  if (before_text) {
    before = parse_id(*before_text);
    if (!before)
      bad = true;
  }
  if (bad)
    return respond(error_response(req, http::status::bad_request, "bad_request",
                                  "limit: 1 to 1000; before: an audit line id"));
  admin_read(ctx, req, remote, respond,
             [limit, before](storage::metadata_store& s) { return s.list_audit(limit, before); });
}

void list_api_tokens(const api_context& ctx, const net::http_request& req, const std::string& remote,
                     const net::http_responder& respond) {
  admin_read(ctx, req, remote, respond, [](storage::metadata_store& s) { return s.list_api_tokens(); });
}

void create_api_token(const api_context& ctx, const net::http_request& req, const std::string& remote,
                      const net::http_responder& respond) {
  auto body = json_body(req, respond);
  if (!body)
    return;
  auto name = body->value("name", json()), role = body->value("role", json("admin"));
  if (!name.is_string() || name.get<std::string>().empty() || name.get<std::string>().size() > 255)
    return respond(error_response(req, http::status::bad_request, "bad_request", "name is required (1-255 characters)"));
  if (!role.is_string() || (role != "admin" && role != "tecnico"))
    return respond(error_response(req, http::status::bad_request, "bad_request", "role: admin or tecnico"));
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    ask_db(self, ctx, req, respond,
           [name, role](storage::metadata_store& s) {
             auto t = s.create_api_token(name.get<std::string>(), role.get<std::string>());
             return json{{"id", t.id}, {"name", name}, {"role", role}, {"token", t.token}};
           },
           [=](json issued) {
             audit(ctx, who, remote, "api_token.create", "api token " + issued["id"].dump(), "ok", {{"name", name}});
             respond(json_response(req, http::status::created, issued));
           });
  });
}

void revoke_api_token(const api_context& ctx, const net::http_request& req, const std::string& remote,
                      std::int64_t id, const net::http_responder& respond) {
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    ask_db(self, ctx, req, respond, [id](storage::metadata_store& s) { return s.revoke_api_token(id); },
           [=](json revoked) {
             if (!revoked.get<bool>())
               return respond(error_response(req, http::status::not_found, "not_found",
                                             "no live API token with id " + std::to_string(id)));
             audit(ctx, who, remote, "api_token.revoke", "api token " + std::to_string(id));
             caf::anon_send(ctx.hub, atom::drop_api_token_v, id);
             respond(json_response(req, http::status::ok, {{"id", id}, {"revoked", true}}));
           });
  });
}

} // namespace

bool serve_account_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                       const net::http_responder& respond) {
  auto path = path_of_target(req.target());
  auto method = req.method();
  auto only = [&](http::verb v, auto serve) {
    if (method != v)
      respond(not_allowed(req));
    else
      serve();
    return true;
  };
  if (path == "/api/auth/login")
    return only(http::verb::post, [&] { login(ctx, req, remote, respond); });
  if (path == "/api/auth/logout")
    return only(http::verb::post, [&] { logout(ctx, req, remote, respond); });
  if (path == "/api/me")
    return only(http::verb::get, [&] { me(ctx, req, remote, respond); });
  if (path == "/api/admin/audit")
    return only(http::verb::get, [&] { list_audit(ctx, req, remote, respond); });
  if (path == "/api/admin/users") {
    if (method == http::verb::get)
      list_users(ctx, req, remote, respond);
    else if (method == http::verb::post)
      create_user(ctx, req, remote, respond);
    else
      respond(not_allowed(req));
    return true;
  }
  if (path == "/api/admin/api-tokens") {
    if (method == http::verb::get)
      list_api_tokens(ctx, req, remote, respond);
    else if (method == http::verb::post)
      create_api_token(ctx, req, remote, respond);
    else
      respond(not_allowed(req));
    return true;
  }
  constexpr std::string_view api_tokens = "/api/admin/api-tokens/";
  if (path.substr(0, api_tokens.size()) == api_tokens) {
    auto id = parse_id(path.substr(api_tokens.size()));
    if (!id) {
      respond(error_response(req, http::status::not_found, "not_found", "no such endpoint: " + std::string(path)));
      return true;
    }
    return only(http::verb::delete_, [&] { revoke_api_token(ctx, req, remote, *id, respond); });
  }
  constexpr std::string_view users = "/api/admin/users/";
  if (path.substr(0, users.size()) != users)
    return false;
  auto rest = path.substr(users.size());
  auto slash = rest.find('/');
  auto id = parse_id(rest.substr(0, slash));
  auto action = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  if (!id || (action != "password" && action != "disable" && action != "enable")) {
    respond(error_response(req, http::status::not_found, "not_found", "no such endpoint: " + std::string(path)));
    return true;
  }
  if (action == "password")
    return only(http::verb::put, [&] { set_password(ctx, req, remote, *id, respond); });
  return only(http::verb::post, [&] { set_disabled(ctx, req, remote, *id, action == "disable", respond); });
}

} // namespace siberius::actors
