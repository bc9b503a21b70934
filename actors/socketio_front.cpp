#include "actors/socketio_front.hpp"

#include "actors/log.hpp"
#include "actors/server_metrics.hpp"
#include "actors/messages.hpp"
#include "storage/tokens.hpp"

namespace siberius::actors {

namespace {

std::shared_ptr<caf::actor> attached_actor(const net::connection_ptr& conn, const std::string& nsp) {
  return std::static_pointer_cast<caf::actor>(conn->attachment(nsp));
}

/// Asks the guard whether a CONNECT may cost a token lookup; refuses it on
/// `conn` when not. True: go ahead, and report the outcome with finish().
bool admitted(connect_guard* guard, const net::connection_ptr& conn, const std::string& nsp, const char* log_prefix) {
  if (!guard)
    return true;
  auto a = guard->admit(conn->remote_address(), conn->sid(), connect_guard::clock::now());
  switch (a.what) {
    case connect_guard::verdict::go: return true;
    case connect_guard::verdict::wait:
      log_event(log_level::warn, std::string(log_prefix) + ":connect:throttled",
                {{"ip", conn->remote_address()}, {"retryAfter", a.retry_after.count()}});
      conn->reject(nsp, "too many refused connects; retry in " + std::to_string(a.retry_after.count()) + " s", 429);
      return false;
    case connect_guard::verdict::busy:
      log_event(log_level::warn, std::string(log_prefix) + ":connect:busy", {{"ip", conn->remote_address()}});
      conn->reject(nsp, "too many connects under way; retry in 1 s", 429);
      return false;
  }
  return false;
}

void finish(const std::shared_ptr<connect_guard>& guard, const net::connection_ptr& conn,
            connect_guard::outcome result) {
  if (guard)
    guard->finish(conn->remote_address(), conn->sid(), result, connect_guard::clock::now());
}

class daemon_namespace : public net::namespace_handler {
public:
  daemon_namespace(caf::actor_system& sys, caf::actor registry, std::shared_ptr<connect_guard> guard)
    : sys_(sys), registry_(std::move(registry)), guard_(std::move(guard)) {}

  void on_connect(const net::connection_ptr& conn, const std::string& nsp, nlohmann::json auth) override {
    if (!guard_) {
      caf::anon_send(registry_, atom::connect_v, conn, std::move(auth));
      return;
    }
    if (!admitted(guard_.get(), conn, nsp, "daemon"))
      return;
    auto registry = registry_;
    auto guard = guard_;
    sys_.spawn([conn, auth = std::move(auth), registry, guard](caf::event_based_actor* self) {
      // The registry answers the daemon; this only learns how it went.
      self->request(registry, db_timeout + std::chrono::seconds(5), atom::connect_v, conn, auth)
        .then(
          [=](bool accepted) {
            finish(guard, conn, accepted ? connect_guard::outcome::accepted : connect_guard::outcome::refused);
          },
          [=](const caf::error&) { finish(guard, conn, connect_guard::outcome::unavailable); });
    });
  }

  void on_event(const net::connection_ptr& conn, const std::string& nsp, std::string event, nlohmann::json args,
                std::optional<std::uint64_t> ack_id) override {
    if (auto session = attached_actor(conn, nsp))
      caf::anon_send(*session, atom::sio_event_v, std::move(event), std::move(args), ack_id);
  }

  void on_disconnect(const net::connection_ptr& conn, const std::string& nsp, const std::string& reason) override {
    server_series().sio_sessions.with({nsp}).dec();
    if (auto session = attached_actor(conn, nsp))
      caf::anon_send(*session, atom::disconnect_v, reason);
  }

  void on_ack(const net::connection_ptr& conn, const std::string& nsp, std::uint64_t ack_id,
              nlohmann::json args) override {
    if (auto session = attached_actor(conn, nsp))
      caf::anon_send(*session, atom::sio_ack_v, ack_id, std::move(args));
  }

private:
  caf::actor_system& sys_;
  caf::actor registry_;
  std::shared_ptr<connect_guard> guard_;
};

class client_namespace : public net::namespace_handler {
public:
  client_namespace(caf::actor_system& sys, caf::actor db, caf::actor hub, std::shared_ptr<const origin_policy> origins,
                   std::shared_ptr<connect_guard> guard)
    : sys_(sys), db_(std::move(db)), hub_(std::move(hub)), origins_(std::move(origins)), guard_(std::move(guard)) {}

  void on_connect(const net::connection_ptr& conn, const std::string& nsp, nlohmann::json auth) override {
    if (!admitted(guard_.get(), conn, nsp, "client"))
      return;
    auto guard = guard_;
    // Every refusal below costs the socket and its address (a growing wait).
    auto refuse = [&](std::string message, int code) {
      finish(guard, conn, connect_guard::outcome::refused);
      conn->reject(nsp, std::move(message), code);
    };
    std::string token;
    bool by_cookie = false;
    if (auth.is_object() && auth.contains("token") && auth["token"].is_string()) {
      token = auth["token"].get<std::string>();
    } else {
      // A browser: its session is in the HttpOnly cookie of the upgrade
      // request, and the page that opened the socket must be one of ours.
      auto& hs = conn->handshake();
      token = cookie_value(hs.cookie, session_cookie_name);
      by_cookie = !token.empty();
      // A WebSocket upgrade always names its Origin; a same-origin polling
      // handshake (a GET) has none, and says so in Sec-Fetch-Site instead.
      bool our_page = hs.origin.empty() ? hs.fetch_site == "same-origin"
                                        : origins_->allows(hs.origin, hs.host, hs.secure);
      if (by_cookie && !our_page) {
        log_event(log_level::warn, "client:origin:refused", {{"ip", conn->remote_address()}, {"origin", hs.origin}});
        return refuse("origin not allowed: " + (hs.origin.empty() ? std::string("(none)") : hs.origin), 403);
      }
    }
    if (token.empty() || token.size() > 200)
      return refuse("sign in first (auth.token or a session cookie is required)", 401);
    // Not even shaped like a token: no database lookup for it.
    if (!storage::split_token(token)) {
      log_event(log_level::warn, "client:auth:failed", {{"ip", conn->remote_address()}, {"reason", "malformed"}});
      return refuse(by_cookie ? "your session ended; sign in again" : "invalid token", 401);
    }
    auto db = db_;
    auto hub = hub_;
    sys_.spawn([conn, nsp, token, by_cookie, db, hub, guard](caf::event_based_actor* self) {
      self->request(db, db_timeout, atom::api_auth_v, token)
        .then(
          [=](const std::optional<storage::api_principal>& who) {
            if (!who || (by_cookie && who->via != "session")) {
              log_event(log_level::warn, "client:auth:failed", {{"ip", conn->remote_address()}});
              finish(guard, conn, connect_guard::outcome::refused);
              conn->reject(nsp, by_cookie ? "your session ended; sign in again" : "invalid token", 401);
              return;
            }
            finish(guard, conn, connect_guard::outcome::accepted);
            // Join before accepting: the hub then sees the leave after the join.
            self->send(hub, atom::join_v, conn, *who);
            server_series().sio_sessions.with({nsp}).inc(); // one on_disconnect follows every accept
            conn->accept(nsp, {{"role", who->role}});
          },
          [=](const caf::error&) {
            finish(guard, conn, connect_guard::outcome::unavailable);
            conn->reject(nsp, "database unavailable, retry later", 503);
          });
    });
  }

  void on_event(const net::connection_ptr& conn, const std::string& nsp, std::string event, nlohmann::json,
                std::optional<std::uint64_t> ack_id) override {
    if (ack_id)
      conn->ack(nsp, *ack_id, nlohmann::json::array({{{"error", "unknown event: " + event}}}));
  }

  void on_disconnect(const net::connection_ptr& conn, const std::string& nsp, const std::string&) override {
    server_series().sio_sessions.with({nsp}).dec();
    caf::anon_send(hub_, atom::leave_v, conn);
  }

private:
  caf::actor_system& sys_;
  caf::actor db_;
  caf::actor hub_;
  std::shared_ptr<const origin_policy> origins_;
  std::shared_ptr<connect_guard> guard_;
};

} // namespace

std::shared_ptr<net::namespace_handler> make_daemon_namespace(caf::actor_system& sys, caf::actor registry,
                                                              std::shared_ptr<connect_guard> guard) {
  return std::make_shared<daemon_namespace>(sys, std::move(registry), std::move(guard));
}

std::shared_ptr<net::namespace_handler> make_client_namespace(caf::actor_system& sys, caf::actor db, caf::actor hub,
                                                              std::shared_ptr<const origin_policy> origins,
                                                              std::shared_ptr<connect_guard> guard) {
  return std::make_shared<client_namespace>(sys, std::move(db), std::move(hub), std::move(origins),
                                            std::move(guard));
}

} // namespace siberius::actors
