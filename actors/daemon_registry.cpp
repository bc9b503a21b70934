#include "actors/daemon_registry.hpp"


#include "actors/daemon_session.hpp"
#include "actors/log.hpp"
#include "actors/server_metrics.hpp"
#include "actors/messages.hpp"

#include "net/client_id.hpp"

namespace siberius::actors {

using net::valid_client_id;

namespace {


std::string string_field(const nlohmann::json& j, const char* key) {
  auto i = j.find(key);
  return i != j.end() && i->is_string() ? i->get<std::string>() : std::string{};
}

} // namespace

void daemon_registry_state::on_connect(const net::connection_ptr& conn, const nlohmann::json& auth,
                                       caf::typed_response_promise<bool> verdict) {
  auto refuse = [&](const std::string& client_id, const std::string& reason, const std::string& message, int code) {
    log_event(log_level::warn, "daemon:auth:failed",
              {{"clientId", client_id}, {"reason", reason}, {"ip", conn->remote_address()}});
    conn->reject(daemon_nsp, message, code);
    verdict.deliver(false);
  };
  if (!auth.is_object())
    return refuse("", "no_auth", "auth must be an object {token, clientId, version}", 400);
  auto token = string_field(auth, "token");
  auto client_id = string_field(auth, "clientId");
  auto version = string_field(auth, "version");
  if (token.empty() || token.size() > 200)
    return refuse(client_id, "no_token", "auth.token is required", 400);
  if (!valid_client_id(client_id))
    return refuse(client_id, "bad_client_id",
                  "auth.clientId is required: 1-100 characters of letters, digits and . _ : @ -", 400);
  if (version.size() > 40)
    return refuse(client_id, "bad_version", "auth.version is longer than 40 characters", 400);
  if (version.empty())
    version = "unknown";
  self->request(db, db_timeout, atom::auth_daemon_v, token, client_id, version, conn->remote_address())
    .then(
      [=](const storage::auth_outcome& outcome) mutable { on_authenticated(conn, client_id, outcome, verdict); },
      [=](const caf::error& err) mutable {
        log_event(log_level::warn, "daemon:auth:failed",
                  {{"clientId", client_id}, {"reason", "database_unavailable"}, {"ip", conn->remote_address()}});
        conn->reject(daemon_nsp, "database unavailable, retry later", 503);
        verdict.deliver(err);
      });
}

void daemon_registry_state::on_authenticated(const net::connection_ptr& conn, const std::string& client_id,
                                             const storage::auth_outcome& outcome,
                                             caf::typed_response_promise<bool> verdict) {
  using storage::auth_status;
  auto refuse = [&](const char* reason, const char* message, int code) {
    log_event(log_level::warn, "daemon:auth:failed",
              {{"clientId", client_id}, {"reason", reason}, {"ip", conn->remote_address()}});
    conn->reject(daemon_nsp, message, code);
    verdict.deliver(false);
  };
  switch (outcome.status) {
    case auth_status::unknown: return refuse("invalid_token", "invalid token", 401);
    case auth_status::blocked: return refuse("blocked", "this daemon is blocked", 403);
    case auth_status::client_mismatch:
      return refuse("client_mismatch", "this token belongs to another clientId", 403);
    case auth_status::ok: break;
  }
  if (auto old = sessions.find(client_id); old != sessions.end()) {
    log_event(log_level::info, "daemon:replaced", {{"clientId", client_id}, {"ip", conn->remote_address()}});
    self->send(old->second, atom::replace_v);
  }
  session_info info{client_id, outcome.daemon.name, conn->remote_address(), outcome.daemon.config,
                    options.max_sync_files, options.audience, options.uploads, outcome.daemon.id};
  // Monitored: a session ending, for whatever reason, is cleaned up in
  // on_session_down. The session monitors the registry in turn and ends
  // with it.
  auto session = self->spawn<caf::monitored>(daemon_session, conn, caf::actor_cast<caf::actor>(self), db, hub, info);
  sessions[client_id] = session;
  token_of[client_id] = outcome.daemon.token_id;
  connected_at_of[client_id] = outcome.daemon.connected_at;
  daemon_id_of[client_id] = outcome.daemon.id;
  ending_reason_of.erase(client_id);
  client_of[session.address()] = client_id;
  conn->attach(daemon_nsp, std::make_shared<caf::actor>(session));
  nlohmann::json extra = {{"lastSync", outcome.daemon.last_sync ? nlohmann::json(*outcome.daemon.last_sync)
                                                                 : nlohmann::json(nullptr)}};
  server_series().sio_sessions.with({daemon_nsp}).inc(); // one on_disconnect follows every accept
  conn->accept(daemon_nsp, std::move(extra));
  verdict.deliver(true);
  // A token in its rotation overlap ends while the daemon may still be on it.
  if (outcome.daemon.token_expires_epoch > 0) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    auto left = std::max(std::chrono::seconds(outcome.daemon.token_expires_epoch) - now, std::chrono::seconds(0));
    self->delayed_send(self, left + std::chrono::seconds(1), atom::token_ended_v, outcome.daemon.token_id);
  }
  // After the accept: the coordinator may ask the daemon for uploads at once.
  if (options.uploads)
    self->send(options.uploads, atom::daemon_up_v, client_id, session);
  log_event(log_level::info, "daemon:connected",
            {{"clientId", client_id}, {"name", outcome.daemon.name}, {"ip", conn->remote_address()}});
  self->send(hub, atom::broadcast_v, std::string("daemon:status_changed"),
             nlohmann::json{{"id", outcome.daemon.id}, {"clientId", client_id}, {"name", outcome.daemon.name},
                            {"status", "online"}, {"remoteAddr", conn->remote_address()}, {"at", now_iso8601()}});
}

void daemon_registry_state::on_session_down(const caf::down_msg& msg) {
  auto i = client_of.find(msg.source);
  if (i == client_of.end())
    return;
  auto client_id = i->second;
  client_of.erase(i);
  auto s = sessions.find(client_id);
  // A replaced session goes down after its successor took over: leave the row online.
  if (s == sessions.end() || s->second.address() != msg.source)
    return;
  sessions.erase(s);
  token_of.erase(client_id);
  auto connected_at = std::move(connected_at_of[client_id]);
  connected_at_of.erase(client_id);
  auto daemon_id = daemon_id_of[client_id];
  daemon_id_of.erase(client_id);
  auto reason = std::string("session ended");
  if (auto r = ending_reason_of.find(client_id); r != ending_reason_of.end()) {
    reason = std::move(r->second);
    ending_reason_of.erase(r);
  }
  heartbeats.erase(client_id);
  if (options.uploads)
    self->send(options.uploads, atom::daemon_down_v, client_id);
  self->send(hub, atom::broadcast_v, std::string("daemon:status_changed"),
             nlohmann::json{{"id", daemon_id}, {"clientId", client_id}, {"status", "offline"}, {"reason", reason},
                            {"at", now_iso8601()}});
  self->request(db, db_timeout, atom::offline_v, client_id, connected_at, reason)
    .then([](bool) {},
          [=](const caf::error&) {
            // The next server start marks every daemon offline anyway.
            log_event(log_level::warn, "daemon:offline:unrecorded", {{"clientId", client_id}});
          });
}

void daemon_registry_state::on_session_ending(const caf::actor_addr& session, const std::string& reason) {
  // Sent just before the session quits, so it arrives before its down message.
  auto i = client_of.find(session);
  if (i == client_of.end())
    return;
  auto s = sessions.find(i->second);
  if (s != sessions.end() && s->second.address() == session)
    ending_reason_of[i->second] = reason;
}

void daemon_registry_state::on_token_ended(std::int64_t token_id) {
  for (auto& [client_id, token] : token_of) {
    if (token != token_id)
      continue;
    if (auto s = sessions.find(client_id); s != sessions.end()) {
      log_event(log_level::info, "daemon:token:ended", {{"clientId", client_id}, {"tokenId", token_id}});
      self->send(s->second, atom::kick_v, std::string("token expired"));
    }
  }
}

void daemon_registry_state::on_token_rotated(const std::string& client_id, std::int64_t kept,
                                             std::chrono::seconds overlap) {
  auto t = token_of.find(client_id);
  if (t == token_of.end() || t->second == kept)
    return;
  // A second past the database's end: a reconnect with the old token in that
  // second is refused, not accepted and then cut.
  self->delayed_send(self, overlap + std::chrono::seconds(1), atom::token_ended_v, t->second);
}

void daemon_registry_state::remember_heartbeat(storage::daemon_heartbeat beat) {
  auto key = beat.client_id;
  heartbeats[std::move(key)] = std::move(beat);
  if (!flush_scheduled) {
    flush_scheduled = true;
    self->delayed_send(self, options.heartbeat_flush, atom::flush_v);
  }
}

void daemon_registry_state::flush_heartbeats() {
  flush_scheduled = false;
  if (heartbeats.empty())
    return;
  heartbeat_batch beats;
  beats.reserve(heartbeats.size());
  for (auto& entry : heartbeats)
    beats.push_back(std::move(entry.second));
  heartbeats.clear();
  auto n = beats.size();
  self->request(db, db_timeout, atom::heartbeat_v, std::move(beats))
    .then([](bool) {},
          [=](const caf::error&) {
            // Heartbeats are liveness hints; the next one replaces a lost one.
            log_event(log_level::warn, "daemon:heartbeat:unrecorded", {{"daemons", n}});
          });
}

caf::behavior daemon_registry(caf::stateful_actor<daemon_registry_state>* self, caf::actor db, caf::actor hub,
                              registry_options options) {
  auto& st = self->state;
  st.self = self;
  st.db = std::move(db);
  st.hub = std::move(hub);
  st.options = options;
  self->set_down_handler([self](caf::down_msg& msg) { self->state.on_session_down(msg); });
  return {
    [=](atom::connect, const net::connection_ptr& conn, const nlohmann::json& auth) -> caf::result<bool> {
      auto verdict = self->make_response_promise<bool>();
      self->state.on_connect(conn, auth, verdict);
      return verdict;
    },
    [=](atom::token_rotated, const std::string& client_id, std::int64_t kept, std::int64_t overlap_s) {
      self->state.on_token_rotated(client_id, kept, std::chrono::seconds(overlap_s));
    },
    [=](atom::token_ended, std::int64_t token_id) { self->state.on_token_ended(token_id); },
    [=](atom::heartbeat, storage::daemon_heartbeat& beat) {
      self->state.remember_heartbeat(std::move(beat));
    },
    [=](atom::flush) { self->state.flush_heartbeats(); },
    [=](atom::disconnect, const std::string& reason) {
      self->state.on_session_ending(caf::actor_cast<caf::actor_addr>(self->current_sender()), reason);
    },
    [=](atom::online_count) { return self->state.sessions.size(); },
    [=](atom::daemon_command, const std::string& client_id, const std::string& event,
        const nlohmann::json& payload) {
      auto rp = self->make_response_promise();
      auto s = self->state.sessions.find(client_id);
      if (s == self->state.sessions.end())
        rp.deliver(json_reply{{{"connected", false}}});
      else
        rp.delegate(s->second, atom::daemon_command_v, event, payload);
      return rp;
    },
    [=](atom::kick, const std::string& client_id, const std::string& reason) {
      auto s = self->state.sessions.find(client_id);
      if (s == self->state.sessions.end())
        return false;
      self->send(s->second, atom::kick_v, reason);
      return true;
    },
    [=](atom::kick_token, std::int64_t token_id, const std::string& reason) {
      bool any = false;
      for (auto& [client_id, token] : self->state.token_of) {
        if (token != token_id)
          continue;
        if (auto s = self->state.sessions.find(client_id); s != self->state.sessions.end()) {
          self->send(s->second, atom::kick_v, reason);
          any = true;
        }
      }
      return any;
    },
  };
}

} // namespace siberius::actors
