#include "daemon/server_link.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <unordered_map>

#include "daemon/folder_index.hpp"
#include "daemon/host_facts.hpp"
#include "daemon/log.hpp"
#include "platform/files.hpp"

namespace siberius::daemon {

namespace {
constexpr std::size_t batch_size = 10;       // the server's limit for daemon:pdf_indexed_batch
constexpr std::size_t sync_chunk_size = 2000; // the server's limit per daemon:sync chunk
constexpr std::size_t connected_queue_limit = 2000; // events queued while the server acks them
// Connected, folder_index stops starting reads at the first mark and starts
// again below the second: the queue never reaches connected_queue_limit, so no
// file is dropped and read twice (the reads in flight are at most the workers).
constexpr std::size_t reading_pause_at = 1000;
constexpr std::size_t reading_resume_below = 500;
constexpr std::int64_t max_mtime_ms = std::int64_t{1} << 53; // the server's limit for mtimeMs

const char* runtime_text() { return "siberius-daemon " SIBERIUS_VERSION " (C++17, CAF 0.17)"; }

bool stored_status(const nlohmann::json& r) {
  auto s = r.value("status", std::string());
  return s == "indexed" || s == "updated" || s == "duplicate";
}
} // namespace

struct server_link_state::sync_run {
  std::string sync_id;
  folder_inventory inventory;
  std::size_t next_folder = 0;    // where the next sync chunk starts: this folder of the inventory,
  std::size_t next_in_folder = 0; // this file of it
  std::unordered_set<std::string> needed;
  std::vector<std::string> to_read; // paths whose documents the server asked for
  std::vector<const folder_entry*> reports;
  std::size_t next_report = 0;
  std::int64_t marked_missing = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::uint64_t attempt = 0;
};

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
  online = true;
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
  forward_logs(); // what was logged while disconnected
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
  online = false;
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
          {"config", config_json()}};
}

nlohmann::json server_link_state::heartbeat_counters() const {
  nlohmann::json c = {{"indexed", stored}, {"uploaded", uploaded}, {"errors", errors}, {"queued", queue->size()}};
  counters.add_to(c);
  return c;
}

nlohmann::json server_link_state::config_json() const {
  auto config = to_json(live_settings());
  config["pdfDirectory"] = options.pdf_directory;
  return config;
}

runtime_config server_link_state::live_settings() const {
  auto now = settings;
  now.level = current_log_level();
  return now;
}

void server_link_state::send_heartbeat() {
  if (!online)
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
  if (error.is_object() && online)
    emit("daemon:error", error, [](net::ack_result& r) {
      if (!r)
        log_event(log_level::debug, "daemon:error:unanswered", {{"status", net::to_string(r.status)}});
    });
}

// ---- resync and runtime settings asked for by the server ------------------

void server_link_state::on_resync(std::uint64_t att, const nlohmann::json& payload) {
  if (att != attempt || !online)
    return; // the next connection runs a full reconciliation anyway
  auto reason = payload.is_object() && payload.contains("reason") ? payload["reason"] : nlohmann::json();
  scrub_log_line(reason, {}, 500);
  // One already running or owed covers this request: join it.
  bool joined = reconciling || queue->resync_needed();
  log_event(log_level::info, "server:resync", {{"reason", reason}, {"joined", joined}});
  if (joined)
    return;
  queue->set_resync_needed();
  drain();
}

void server_link_state::on_config_update(const nlohmann::json& payload, net::ack_responder& ack) {
  auto update = parse_config_update(payload);
  auto applied = nlohmann::json::object();
  auto rejected = update.rejected;
  if (update.scan_interval_seconds) {
    if (watcher) {
      self->send(watcher, atom::set_scan_v, static_cast<std::int64_t>(*update.scan_interval_seconds * 1000));
      settings.scan_interval_seconds = update.scan_interval_seconds;
      scan_interval_set = true;
      applied["scanIntervalSeconds"] = *update.scan_interval_seconds;
    } else {
      rejected["scanIntervalSeconds"] = "the folder watcher has not started yet";
    }
  }
  if (update.auto_upload) {
    settings.auto_upload = *update.auto_upload;
    applied["autoUpload"] = *update.auto_upload;
  }
  if (update.level)
    applied["logLevel"] = to_string(*update.level);
  // Logged before the level changes, so that the change itself is seen at the old level.
  nlohmann::json fields = {{"applied", applied}, {"rejected", rejected}};
  if (!update.error.empty())
    fields["error"] = update.error;
  log_event(log_level::info, "server:config_update", std::move(fields));
  if (update.level)
    set_log_level(*update.level);
  if (ack)
    ack(nlohmann::json::array({config_update_ack(applied, rejected, update.error)}));
}

void server_link_state::on_watcher(folder_watcher_actor w) {
  watcher = std::move(w);
  // The watcher knows which rescan it runs (safety rescan or polling); it
  // answers once its first scan is done.
  self->request(watcher, caf::infinite, atom::scan_interval_v)
      .then(
          [this](std::int64_t ms) {
            if (!scan_interval_set)
              settings.scan_interval_seconds = (ms + 500) / 1000;
          },
          [](caf::error& err) {
            log_event(log_level::debug, "watcher:unanswered", {{"reason", caf::to_string(err)}});
          });
}

// ---- the daemon's own warn/error lines, forwarded as daemon:log ------------

void server_link_state::on_log_line(nlohmann::json line) {
  logs->push(std::move(line));
  forward_logs();
}

void server_link_state::forward_logs() {
  if (!online || log_in_flight || log_timer_armed || logs->empty())
    return;
  auto now = std::chrono::steady_clock::now();
  auto at = logs->next_send_at();
  if (at > now) {
    log_timer_armed = true;
    self->delayed_send(self, std::chrono::ceil<std::chrono::milliseconds>(at - now), atom::log_flush_v);
    return;
  }
  auto batch = logs->take_batch(now);
  log_in_flight = true;
  emit("daemon:log", {{"lines", batch}}, [this, batch](net::ack_result& r) { on_log_ack(batch, r); });
}

void server_link_state::on_log_ack(const nlohmann::json& batch, net::ack_result& r) {
  log_in_flight = false;
  // Lines about the forwarding are "log:" events at debug: never forwarded themselves.
  if (!r) {
    if (r.status == net::ack_status::disconnected || r.status == net::ack_status::queue_full)
      logs->put_back(batch); // not sent: they go with the next batch (the ring stays bounded)
    else
      log_event(log_level::debug, "log:unanswered", {{"status", net::to_string(r.status)}, {"lines", batch.size()}});
  } else {
    // A server without daemon:log answers {error: "unknown event: daemon:log"}:
    // drop the batch, do not retry it.
    auto ack = r.args.empty() ? nlohmann::json() : r.args.at(0);
    bool ok = ack.is_object() && ack.contains("ok") && ack["ok"] == true;
    if (!ok)
      log_event(log_level::debug, "log:refused",
                {{"error", ack.is_object() && ack.contains("error") ? ack["error"] : nlohmann::json()},
                 {"lines", batch.size()}});
  }
  forward_logs();
}

// ---- what folder_index learns ----------------------------------------------

void server_link_state::on_document(folder_entry entry) {
  // Sent as soon as it is read: no document waits for the rest of the folder.
  outbound_event ev;
  ev.kind = event_kind::document;
  ev.file_hash = entry.facts.sha256;
  ev.file_path = entry.path;
  ev.payload = document_payload(entry, now_iso8601());
  push(std::move(ev));
}

void server_link_state::on_broken(folder_entry entry) {
  ++errors;
  if (reported_errors.count(entry.report_key()) > 0)
    return;
  outbound_event ev;
  ev.kind = event_kind::error_report;
  ev.file_hash = entry.facts.sha256;
  ev.file_path = entry.path;
  ev.report_key = entry.report_key();
  ev.payload = error_payload(entry);
  push(std::move(ev));
}

void server_link_state::push(outbound_event ev) {
  // Connected, documents are read faster than acked only for moments (a first
  // index of small files): dropping them then would mean reading them again.
  // QUEUE_LIMIT bounds what waits while disconnected.
  if (!queue->push(std::move(ev), online ? connected_queue_limit : 0))
    log_event(log_level::warn, "queue:overflow",
              {{"limit", queue->limit()}, {"note", "queue dropped; a full reconciliation follows once connected"}});
  drain();
}

void server_link_state::drain_later() {
  if (drain_timer_armed)
    return;
  drain_timer_armed = true;
  self->delayed_send(self, options.reconnect_base, atom::drain_v);
}

void server_link_state::tell_reading_room() {
  // Offline the queue bounds itself (QUEUE_LIMIT, then a reconciliation): reading goes on.
  bool full = online && queue->size() >= (reading_paused ? reading_resume_below : reading_pause_at);
  if (full == reading_paused || !index)
    return;
  reading_paused = full;
  self->send(index, atom::queue_room_v, !full);
}

void server_link_state::drain() {
  tell_reading_room();
  if (!online || reconciling || batch_in_flight)
    return;
  // The reconciliation waits for the folder to be read; what is read meanwhile goes out.
  if (queue->resync_needed() && !inventory_asked)
    start_reconciliation();
  if (reconciling)
    return;
  auto batch = queue->take_batch(batch_size);
  if (batch.empty())
    return;
  batch_in_flight = true;
  if (batch.front().kind == event_kind::error_report) {
    auto ev = batch.front();
    emit("daemon:error", ev.payload, [this, ev](net::ack_result& r) {
      batch_in_flight = false;
      auto ack = r ? r.args.at(0) : nlohmann::json();
      if (r && ack.value("ok", false)) {
        reported_errors.insert(ev.report_key);
        queue->acked({ev.id});
      } else if (r && !ack.value("retryable", false)) {
        log_event(log_level::warn, "daemon:error:refused", {{"path", ev.file_path}, {"error", ack.value("error", "")}});
        queue->acked({ev.id});
      } else {
        queue->release({ev.id});
        if (online)
          return drain_later();
      }
      drain();
    });
    return;
  }
  nlohmann::json docs = nlohmann::json::array();
  for (auto& ev : batch)
    docs.push_back(ev.payload);
  emit("daemon:pdf_indexed_batch", {{"documents", std::move(docs)}},
       [this, batch](net::ack_result& r) { on_batch_ack(batch, r); });
}

void server_link_state::on_batch_ack(const std::vector<outbound_event>& batch, net::ack_result& r) {
  batch_in_flight = false;
  std::vector<std::uint64_t> ids;
  for (auto& ev : batch)
    ids.push_back(ev.id);
  if (!r) {
    if (r.status == net::ack_status::too_large || r.status == net::ack_status::invalid_args) {
      log_event(log_level::error, "pdf:unsendable", {{"status", net::to_string(r.status)}, {"count", batch.size()}});
      queue->acked(ids);
      errors += batch.size();
      return drain();
    }
    queue->release(ids);
    if (online)
      drain_later();
    return;
  }
  auto ack = r.args.empty() ? nlohmann::json() : r.args.at(0);
  if (ack.contains("error")) {
    if (ack.value("retryable", false)) {
      log_event(log_level::warn, "pdf:batch:retry", {{"error", ack.value("error", "")}});
      queue->release(ids);
      return drain_later();
    }
    log_event(log_level::error, "pdf:batch:refused", {{"error", ack.value("error", "")}});
    queue->acked(ids);
    return drain();
  }
  auto results = ack.value("results", nlohmann::json::array());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto res = i < results.size() ? results[i] : nlohmann::json::object();
    if (stored_status(res)) {
      ++stored;
      log_event(log_level::info, "pdf:indexed",
                {{"path", batch[i].file_path}, {"hash", batch[i].file_hash}, {"status", res.value("status", "")},
                 {"recordId", res.value("recordId", nlohmann::json())}});
    } else {
      ++errors;
      log_event(log_level::warn, "pdf:rejected",
                {{"path", batch[i].file_path}, {"hash", batch[i].file_hash}, {"error", res.value("error", "no result")}});
    }
  }
  queue->acked(ids);
  drain();
}

// ---- full reconciliation ---------------------------------------------------

void server_link_state::start_reconciliation() {
  if (!online || reconciling || inventory_asked)
    return;
  inventory_asked = true;
  auto att = attempt;
  self->request(index, caf::infinite, atom::inventory_v)
      .then(
          [this, att](folder_inventory& inventory) {
            inventory_asked = false;
            if (att != attempt || !online)
              return;
            // The snapshot covers everything the queue dropped before this moment.
            queue->clear_resync_needed();
            reconciling = true;
            auto run = std::make_shared<sync_run>();
            run->attempt = att;
            run->sync_id = options.client_id + "-" +
                           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count()) +
                           "-" + std::to_string(++sync_count);
            run->inventory = std::move(inventory);
            for (auto& e : run->inventory.broken)
              if (reported_errors.count(e.report_key()) == 0)
                run->reports.push_back(&e);
            send_sync_chunk(run);
          },
          [this](caf::error& err) {
            inventory_asked = false;
            queue->set_resync_needed();
            log_event(log_level::error, "sync:failed", {{"reason", caf::to_string(err)}});
            drain_later();
          });
}

void server_link_state::send_sync_chunk(std::shared_ptr<sync_run> run) {
  auto& indexed = run->inventory.indexed;
  // Built from the compact snapshot one chunk at a time: full paths and hex
  // hashes exist only for the chunk being sent.
  auto skip_finished = [&] {
    while (run->next_folder < indexed.size() && run->next_in_folder >= indexed[run->next_folder].files.size()) {
      ++run->next_folder;
      run->next_in_folder = 0;
    }
  };
  nlohmann::json files = nlohmann::json::array();
  skip_finished();
  while (run->next_folder < indexed.size() && files.size() < sync_chunk_size) {
    auto& folder = indexed[run->next_folder];
    auto& [name, hash] = folder.files[run->next_in_folder++];
    files.push_back({{"fileHash", sha256_to_hex(hash)}, {"filePath", platform::join(folder.path, name)}});
    skip_finished();
  }
  bool done = run->next_folder == indexed.size();
  emit("daemon:sync", {{"syncId", run->sync_id}, {"files", std::move(files)}, {"done", done}},
       [this, run, done](net::ack_result& r) {
         if (run->attempt != attempt || !online)
           return finish_reconciliation(run, false);
         auto ack = r && !r.args.empty() ? r.args.at(0) : nlohmann::json();
         if (!r || !ack.contains("needed")) {
           log_event(log_level::warn, "sync:failed",
                     {{"syncId", run->sync_id},
                      {"reason", r ? ack.value("error", std::string("no needed list")) : net::to_string(r.status)}});
           // Retry later only when it can help (database down, no answer); a refusal would loop.
           if (!r || ack.value("retryable", false))
             queue->set_resync_needed();
           return finish_reconciliation(run, false);
         }
         for (auto& h : ack["needed"])
           if (h.is_string())
             run->needed.insert(h.get<std::string>());
         if (!done)
           return send_sync_chunk(run);
         run->marked_missing = ack.value("markedMissing", 0);
         ask_needed(run);
       });
}

void server_link_state::ask_needed(std::shared_ptr<sync_run> run) {
  // The index keeps no documents: the files the server lacks are read again
  // and their documents flow like any other, unless one is already queued.
  std::unordered_set<std::string> queued;
  queue->for_each([&](const outbound_event& ev) {
    if (ev.kind == event_kind::document)
      queued.insert(ev.file_hash);
  });
  std::unordered_set<std::string> picked;
  if (!run->needed.empty())
    for (auto& folder : run->inventory.indexed)
      for (auto& [name, hash] : folder.files) {
        auto hex = sha256_to_hex(hash);
        if (run->needed.count(hex) > 0 && queued.count(hex) == 0 && picked.insert(hex).second)
          run->to_read.push_back(platform::join(folder.path, name));
      }
  if (!run->to_read.empty())
    self->send(index, atom::reread_v, run->to_read);
  send_error_reports(run);
}

void server_link_state::send_error_reports(std::shared_ptr<sync_run> run) {
  if (run->next_report >= run->reports.size())
    return finish_reconciliation(run, true);
  auto* e = run->reports[run->next_report++];
  auto key = e->report_key();
  // Reported meanwhile, or on its way through the queue: not twice.
  if (reported_errors.count(key) > 0 || queue->any_of([&](const outbound_event& ev) { return ev.report_key == key; }))
    return send_error_reports(run);
  emit("daemon:error", error_payload(*e), [this, run, key](net::ack_result& r) {
    if (run->attempt != attempt || !online)
      return finish_reconciliation(run, false);
    if (r && !r.args.empty() && r.args.at(0).value("ok", false))
      reported_errors.insert(key);
    send_error_reports(run);
  });
}

void server_link_state::finish_reconciliation(std::shared_ptr<sync_run> run, bool complete) {
  if (!reconciling)
    return;
  reconciling = false;
  if (complete) {
    auto dropped = queue->drop_if(
        [&](const outbound_event& ev) { return ev.kind == event_kind::error_report && reported_errors.count(ev.report_key) > 0; });
    log_event(log_level::info, "sync:done",
              {{"syncId", run->sync_id},
               {"files", run->inventory.indexed_count()},
               {"needed", run->needed.size()},
               {"reread", run->to_read.size()},
               {"errorsReported", run->reports.size()},
               {"markedMissing", run->marked_missing},
               {"queueCovered", dropped},
               {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                            run->started)
                          .count()}});
    run.reset();
    drain();
    // The inventory copy and the sync's messages were the daemon's largest
    // allocations; hand the freed pages back now rather than hold them idle.
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
  } else if (online) {
    drain_later();
  }
}

// ---- daemon:stat_check for folder_index ------------------------------------

void server_link_state::on_stat_check(std::vector<stat_probe> probes, caf::typed_response_promise<stat_answer> promise) {
  if (!server_has_stat_check) {
    stat_answer no;
    no.supported = false;
    promise.deliver(std::move(no));
    return;
  }
  stat_requests.push_back({std::move(probes), std::move(promise)});
  send_stat_check();
}

void server_link_state::send_stat_check() {
  if (!online || stat_in_flight || stat_requests.empty())
    return;
  nlohmann::json files = nlohmann::json::array();
  for (auto& p : stat_requests.front().probes)
    if (p.mtime_ns >= 0 && p.mtime_ns / 1000000 <= max_mtime_ms) // else the server cannot know it: read it
      files.push_back({{"filePath", p.path}, {"fileSize", p.size}, {"mtimeMs", p.mtime_ns / 1000000}});
  stat_in_flight = true;
  auto att = attempt;
  emit("daemon:stat_check", {{"files", std::move(files)}}, [this, att](net::ack_result& r) {
    stat_in_flight = false;
    if (stat_requests.empty())
      return;
    auto ack = r && !r.args.empty() ? r.args.at(0) : nlohmann::json();
    stat_answer answer;
    if (r && ack.is_object() && ack.value("known", nlohmann::json()).is_array()) {
      for (auto& k : ack["known"])
        if (k.is_object() && k.value("filePath", nlohmann::json()).is_string() &&
            k.value("fileHash", nlohmann::json()).is_string())
          answer.known.emplace_back(k["filePath"].get<std::string>(), k["fileHash"].get<std::string>());
    } else if (r && ack.is_object() && ack.contains("error") && !ack.value("retryable", false)) {
      // "unknown event: daemon:stat_check" from a server before it, or a refusal: read what was asked.
      auto error = ack["error"].is_string() ? ack["error"].get<std::string>() : std::string();
      if (error.rfind("unknown event", 0) == 0) {
        server_has_stat_check = false;
        answer.supported = false;
      }
      log_event(log_level::info, "stat_check:refused", {{"error", error}, {"fallback", "full read and daemon:sync"}});
    } else {
      // No answer, a lost connection, the database down: ask again (after a reconnect).
      log_event(log_level::debug, "stat_check:retry", {{"status", net::to_string(r.status)}});
      if (att == attempt && online)
        self->delayed_send(self, options.reconnect_base, atom::stat_check_v);
      return;
    }
    auto request = std::move(stat_requests.front());
    stat_requests.pop_front();
    request.promise.deliver(std::move(answer));
    if (!server_has_stat_check) {
      for (auto& rest : stat_requests) {
        stat_answer no;
        no.supported = false;
        rest.promise.deliver(std::move(no));
      }
      stat_requests.clear();
    }
    send_stat_check();
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
  st.logs = std::make_unique<log_ring>(std::move(secrets), st.options.log_limits);
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
        if (att != self->state.attempt || !self->state.online)
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
      [self](atom::watcher, folder_watcher_actor w) { self->state.on_watcher(std::move(w)); },
      [self](atom::resync, std::uint64_t att, const nlohmann::json& payload) { self->state.on_resync(att, payload); },
      [self](atom::config_update, const nlohmann::json& payload, net::ack_responder& ack) {
        self->state.on_config_update(payload, ack);
      },
      [self](atom::log_line, nlohmann::json& line) { self->state.on_log_line(std::move(line)); },
      [self](atom::log_flush) {
        self->state.log_timer_armed = false;
        self->state.forward_logs();
      },
  };
}

} // namespace siberius::daemon
