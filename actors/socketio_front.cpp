#include "actors/socketio_front.hpp"

#include "actors/log.hpp"
#include "actors/messages.hpp"

namespace siberius::actors {

namespace {

std::shared_ptr<caf::actor> attached_actor(const net::connection_ptr& conn, const std::string& nsp) {
  return std::static_pointer_cast<caf::actor>(conn->attachment(nsp));
}

class daemon_namespace : public net::namespace_handler {
public:
  explicit daemon_namespace(caf::actor registry) : registry_(std::move(registry)) {}

  void on_connect(const net::connection_ptr& conn, const std::string&, nlohmann::json auth) override {
    caf::anon_send(registry_, atom::connect_v, conn, std::move(auth));
  }

  void on_event(const net::connection_ptr& conn, const std::string& nsp, std::string event, nlohmann::json args,
                std::optional<std::uint64_t> ack_id) override {
    if (auto session = attached_actor(conn, nsp))
      caf::anon_send(*session, atom::sio_event_v, std::move(event), std::move(args), ack_id);
  }

  void on_disconnect(const net::connection_ptr& conn, const std::string& nsp, const std::string& reason) override {
    if (auto session = attached_actor(conn, nsp))
      caf::anon_send(*session, atom::disconnect_v, reason);
  }

  void on_ack(const net::connection_ptr& conn, const std::string& nsp, std::uint64_t ack_id,
              nlohmann::json args) override {
    if (auto session = attached_actor(conn, nsp))
      caf::anon_send(*session, atom::sio_ack_v, ack_id, std::move(args));
  }

private:
  caf::actor registry_;
};

class client_namespace : public net::namespace_handler {
public:
  client_namespace(caf::actor_system& sys, caf::actor db, caf::actor hub, std::shared_ptr<const origin_policy> origins)
    : sys_(sys), db_(std::move(db)), hub_(std::move(hub)), origins_(std::move(origins)) {}

  void on_connect(const net::connection_ptr& conn, const std::string& nsp, nlohmann::json auth) override {
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
      if (by_cookie && !origins_->allows(hs.origin, hs.host, hs.secure)) {
        log_event(log_level::warn, "client:origin:refused", {{"ip", conn->remote_address()}, {"origin", hs.origin}});
        conn->reject(nsp, "origin not allowed: " + (hs.origin.empty() ? std::string("(none)") : hs.origin), 403);
        return;
      }
    }
    if (token.empty() || token.size() > 200) {
      conn->reject(nsp, "sign in first (auth.token or a session cookie is required)", 401);
      return;
    }
    auto db = db_;
    auto hub = hub_;
    sys_.spawn([conn, nsp, token, by_cookie, db, hub](caf::event_based_actor* self) {
      self->request(db, db_timeout, atom::api_auth_v, token)
        .then(
          [=](const std::optional<storage::api_principal>& who) {
            if (!who || (by_cookie && who->via != "session")) {
              log_event(log_level::warn, "client:auth:failed", {{"ip", conn->remote_address()}});
              conn->reject(nsp, by_cookie ? "your session ended; sign in again" : "invalid token", 401);
              return;
            }
            // Join before accepting: the hub then sees the leave after the join.
            self->send(hub, atom::join_v, conn, *who);
            conn->accept(nsp, {{"role", who->role}});
          },
          [=](const caf::error&) { conn->reject(nsp, "database unavailable, retry later", 503); });
    });
  }

  void on_event(const net::connection_ptr& conn, const std::string& nsp, std::string event, nlohmann::json,
                std::optional<std::uint64_t> ack_id) override {
    if (ack_id)
      conn->ack(nsp, *ack_id, nlohmann::json::array({{{"error", "unknown event: " + event}}}));
  }

  void on_disconnect(const net::connection_ptr& conn, const std::string&, const std::string&) override {
    caf::anon_send(hub_, atom::leave_v, conn);
  }

private:
  caf::actor_system& sys_;
  caf::actor db_;
  caf::actor hub_;
  std::shared_ptr<const origin_policy> origins_;
};

} // namespace

std::shared_ptr<net::namespace_handler> make_daemon_namespace(caf::actor registry) {
  return std::make_shared<daemon_namespace>(std::move(registry));
}

std::shared_ptr<net::namespace_handler> make_client_namespace(caf::actor_system& sys, caf::actor db, caf::actor hub,
                                                              std::shared_ptr<const origin_policy> origins) {
  return std::make_shared<client_namespace>(sys, std::move(db), std::move(hub), std::move(origins));
}

} // namespace siberius::actors
