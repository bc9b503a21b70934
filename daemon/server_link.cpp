#include "daemon/server_link.hpp"

#include "daemon/host_facts.hpp"
#include "daemon/log.hpp"

namespace siberius::daemon {

namespace {
const char* runtime_text() { return "siberius-daemon " SIBERIUS_VERSION " (C++17, CAF 0.17)"; }
} // namespace

// ---- connection life cycle -------------------------------------------------

void server_link_state::connect() {
  ++attempt;
  net::client_options opts;
  opts.url = options.url;
  opts.nsp = "/daemon";
  opts.auth = {{"token", options.token}, {"clientId", options.client_id}, {"version", SIBERIUS_VERSION}};
  opts.ca_file = options.ca_file;
  client = std::make_unique<net::sio_client>(io->ioc.get_executor(), opts);
  auto me = caf::actor_cast<server_link_actor>(self);
  auto att = attempt;
  client->on_connect([me, att](const nlohmann::json& data) { caf::anon_send(me, atom::link_up_v, att, data); });
  client->on_connect_error([me, att](const net::connect_error& err) {
    caf::anon_send(me, atom::link_refused_v, att, err.message, err.data);
  });
  client->on_disconnect([me, att](const std::string& reason) { caf::anon_send(me, atom::link_down_v, att, reason); });
  client->on_event([me, att](const std::string& event, nlohmann::json args, net::ack_responder ack) {
    if (event == "daemon:upload_request" || event == "daemon:cancel_upload") {
      caf::anon_send(me, atom::upload_request_v, att, event, std::move(args));
      if (ack)
        ack(nlohmann::json::array({{{"ok", true}}}));
      return;
    }
    auto payload = args.is_array() && !args.empty() ? args[0] : nlohmann::json();
    if (event == "daemon:resync") {
      // Acked at once: the sync that follows is the answer.
      if (ack)
        ack(nlohmann::json::array({{{"ok", true}}}));
      caf::anon_send(me, atom::resync_v, att, std::move(payload));
      return;
    }
    if (event == "daemon:config_update") {
      // Acked by server_link once applied: the ack says what was.
      caf::anon_send(me, atom::config_update_v, std::move(payload), std::move(ack));
      return;
    }
    if (ack)
      ack(nlohmann::json::array({{{"ok", false}, {"error", "not supported by this daemon: " + event}}}));
  });
  log_event(log_level::debug, "daemon:connecting", {{"url", options.url}, {"attempt", att}});
  client->connect();
}

void server_link_state::on_link_up(std::uint64_t att, const nlohmann::json& data) {
  if (att != attempt)
    return;
  connected = true;
  counters.connected();
  backoff->reset();
  log_event(log_level::info, "daemon:connected",
            {{"url", options.url}, {"clientId", options.client_id}, {"lastSync", data.value("lastSync", nlohmann::json())}});
  send_heartbeat();
  self->delayed_send(self, options.heartbeat, atom::heartbeat_v, attempt);
  // At every connect: the folder may have changed while we were away.
  queue->set_resync_needed();
  send_stat_check();
  drain();
  logs->flush(); // what was logged while disconnected
}

void server_link_state::on_link_refused(std::uint64_t att, const std::string& message, const nlohmann::json& data) {
  if (att != attempt)
    return;
  client.reset();
  int code = data.is_object() ? data.value("code", 0) : 0;
  if (code == 401 || code == 403 || code == 400) {
    auto delay = backoff->with_jitter(options.auth_retry);
    log_event(log_level::error, "daemon:auth:failed",
              {{"code", code},
               {"message", message},
               {"clientId", options.client_id},
               {"hint", code == 400 ? "check CLIENT_ID and DAEMON_TOKEN"
                                    : "the server refused this token or daemon: an operator must issue a token "
                                      "(siberius-admin daemon-token create) or unblock the daemon"},
               {"retryInSeconds", delay.count() / 1000}});
    retry_in(delay);
    return;
  }
  auto delay = backoff->next_delay();
  log_event(log_level::warn, "daemon:connect:failed",
            {{"url", options.url}, {"reason", message}, {"code", code}, {"retryInMs", delay.count()}});
  retry_in(delay);
}

void server_link_state::on_link_down(std::uint64_t att, const std::string& reason) {
  if (att != attempt)
    return;
  connected = false;
  reconciling = false;
  batch_in_flight = false;
  stat_in_flight = false; // its ack fails below; the request waits for the next connect
  client.reset();
  fail_pending_acks();
  queue->release_all();
  tell_reading_room();
  // "io server disconnect" = the server dropped this session on purpose (another
  // daemon with our clientId replaced us): wait the longest step, not a hot loop.
  auto delay = reason == "io server disconnect" ? backoff->with_jitter(options.reconnect_base * 12)
                                                : backoff->next_delay();
  log_event(log_level::warn, "daemon:disconnected",
            {{"reason", reason}, {"queued", queue->size()}, {"retryInMs", delay.count()}});
  retry_in(delay);
}

void server_link_state::retry_in(std::chrono::milliseconds delay) {
  self->delayed_send(self, delay, atom::connect_now_v, attempt);
}

void server_link_state::emit(const char* event, nlohmann::json arg, ack_continuation then) {
  auto ticket = next_ticket++;
  pending_acks.emplace(ticket, std::move(then));
  auto me = caf::actor_cast<server_link_actor>(self);
  client->emit_with_ack(
      event, arg, [me, ticket](net::ack_result r) { caf::anon_send(me, atom::ack_arrived_v, ticket, std::move(r)); },
      options.ack_timeout);
}

void server_link_state::on_ack(std::uint64_t ticket, net::ack_result& result) {
  auto it = pending_acks.find(ticket);
  if (it == pending_acks.end())
    return; // failed already when the link went down
  auto then = std::move(it->second);
  pending_acks.erase(it);
  then(result);
}

void server_link_state::fail_pending_acks() {
  auto pending = std::move(pending_acks);
  pending_acks.clear();
  for (auto& [ticket, then] : pending) {
    net::ack_result r;
    r.status = net::ack_status::disconnected;
    then(r);
  }
}

// ---- heartbeat -------------------------------------------------------------

nlohmann::json server_link_state::heartbeat_payload() const {
  auto local = local_ipv4();
  return {{"publicAddr", nullptr},
          {"localAddr", local.empty() ? nlohmann::json() : nlohmann::json(local)},
          {"version", SIBERIUS_VERSION},
          {"runtime", runtime_text()},
          {"platform", "linux"},
          {"hostname", host_name()},
          {"uptimeSeconds",
           std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count()},
          {"memoryBytes", resident_bytes()},
          {"counters", heartbeat_counters()},
          {"config", config->to_json()}};
}

nlohmann::json server_link_state::heartbeat_counters() const {
  nlohmann::json c = {{"indexed", stored}, {"uploaded", uploaded}, {"errors", errors}, {"queued", queue->size()}};
  counters.add_to(c);
  return c;
}

void server_link_state::send_heartbeat() {
  if (!connected)
    return;
  emit("daemon:heartbeat", heartbeat_payload(), [](net::ack_result& r) {
    if (!r)
      log_event(log_level::debug, "daemon:heartbeat:unanswered", {{"status", net::to_string(r.status)}});
  });
}

// ---- uploads asked for by the server ----------------------------------------

void server_link_state::on_server_event(const std::string& event, nlohmann::json& args) {
  auto payload = args.is_array() && !args.empty() ? args[0] : nlohmann::json();
  if (!uploads)
    return;
  if (event == "daemon:upload_request") {
    self->send(uploads, atom::upload_request_v, std::move(payload));
  } else if (event == "daemon:cancel_upload") {
    auto rid = payload.is_object() ? payload.value("requestId", nlohmann::json()) : nlohmann::json();
    if (rid.is_string())
      self->send(uploads, atom::cancel_upload_v, rid.get<std::string>());
  }
}

void server_link_state::on_upload_report(bool ok, const nlohmann::json& error) {
  if (ok)
    ++uploaded;
  else
    counters.upload_failed();
  // A request the daemon cannot serve: the server hears why (and marks the
  // PDF missing when the file is gone). Offline, the report is dropped: the
  // server asks again once the daemon is back.
  if (error.is_object() && connected)
    emit("daemon:error", error, [](net::ack_result& r) {
      if (!r)
        log_event(log_level::debug, "daemon:error:unanswered", {{"status", net::to_string(r.status)}});
    });
}

// ---- behavior --------------------------------------------------------------

server_link_actor::behavior_type server_link(server_link_actor::stateful_pointer<server_link_state> self, link_options options) {
  auto& st = self->state;
  st.self = self;
  st.options = std::move(options);
  st.backoff = std::make_unique<reconnect_backoff>(st.options.reconnect_base);
  st.queue = std::make_unique<outbound_queue>(st.options.queue_limit);
  // The token never leaves in a forwarded line, whole or its secret part alone.
  std::vector<std::string> secrets;
  auto& token = st.options.token;
  if (token.size() >= 8)
    secrets.push_back(token);
  if (auto dot = token.rfind('.'); dot != std::string::npos && token.size() - dot > 16)
    secrets.push_back(token.substr(dot + 1));
  st.logs = std::make_unique<log_forwarder>(self, st, std::move(secrets), st.options.log_limits);
  st.config = std::make_unique<remote_config>(self, st.options.pdf_directory);
  st.io = std::make_unique<io_thread>();
  return {
      [self](atom::inventory, folder_index_actor index) {
        self->state.index = std::move(index);
        self->state.connect();
      },
      [self](atom::link_up, std::uint64_t att, const nlohmann::json& data) { self->state.on_link_up(att, data); },
      [self](atom::link_refused, std::uint64_t att, const std::string& message, const nlohmann::json& data) {
        self->state.on_link_refused(att, message, data);
      },
      [self](atom::link_down, std::uint64_t att, const std::string& reason) { self->state.on_link_down(att, reason); },
      [self](atom::ack_arrived, std::uint64_t ticket, net::ack_result& r) { self->state.on_ack(ticket, r); },
      [self](atom::connect_now, std::uint64_t att) {
        if (att == self->state.attempt && !self->state.client)
          self->state.connect();
      },
      [self](atom::heartbeat, std::uint64_t att) {
        if (att != self->state.attempt || !self->state.connected)
          return;
        self->state.send_heartbeat();
        self->delayed_send(self, self->state.options.heartbeat, atom::heartbeat_v, att);
      },
      [self](atom::document, folder_entry& e) { self->state.on_document(std::move(e)); },
      [self](atom::stat_check, std::vector<stat_probe>& probes) -> caf::result<stat_answer> {
        auto rp = self->make_response_promise<stat_answer>();
        self->state.on_stat_check(std::move(probes), rp);
        return rp;
      },
      [self](atom::stat_check) { self->state.send_stat_check(); }, // retry timer
      [self](atom::uploader, uploader_actor uploads) { self->state.uploads = std::move(uploads); },
      [self](atom::upload_request, std::uint64_t att, const std::string& event, nlohmann::json& args) {
        if (att == self->state.attempt)
          self->state.on_server_event(event, args);
      },
      [self](atom::upload_report, bool ok, const nlohmann::json& error) { self->state.on_upload_report(ok, error); },
      [self](atom::upload_timing, std::int64_t bytes, std::int64_t us) {
        self->state.counters.upload_stored(static_cast<std::uint64_t>(bytes), static_cast<double>(us) / 1e6);
      },
      [self](atom::read_timing, std::int64_t us) { self->state.counters.file_read(static_cast<double>(us) / 1e3); },
      [self](atom::broken, folder_entry& e) { self->state.on_broken(std::move(e)); },
      [self](atom::folder_changed) {
        auto& st = self->state;
        if (st.sync_timer_armed)
          return;
        st.sync_timer_armed = true;
        self->delayed_send(self, st.options.sync_debounce, atom::sync_due_v);
      },
      [self](atom::sync_due) {
        self->state.sync_timer_armed = false;
        self->state.queue->set_resync_needed();
        self->state.drain();
      },
      [self](atom::drain) {
        self->state.drain_timer_armed = false;
        self->state.drain();
      },
      [self](atom::watcher, folder_watcher_actor w) { self->state.config->on_watcher(std::move(w)); },
      [self](atom::resync, std::uint64_t att, const nlohmann::json& payload) { self->state.on_resync(att, payload); },
      [self](atom::config_update, const nlohmann::json& payload, net::ack_responder& ack) {
        self->state.config->on_update(payload, ack);
      },
      [self](atom::log_line, nlohmann::json& line) { self->state.logs->on_line(std::move(line)); },
      [self](atom::log_flush) { self->state.logs->on_timer(); },
  };
}

} // namespace siberius::daemon
