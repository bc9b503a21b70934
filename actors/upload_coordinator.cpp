#include "actors/upload_coordinator.hpp"

#include <algorithm>
#include <random>
#include <set>

#include "actors/log.hpp"
#include "actors/server_metrics.hpp"
#include "actors/messages.hpp"
#include "cache/pdf_cache.hpp"

namespace siberius::actors {

namespace {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;

std::string new_request_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[24];
  std::snprintf(buf, sizeof buf, "req-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

} // namespace

upload_coordinator_state::upload_coordinator_state() : rate(100, std::chrono::seconds(900)) {
}

caf::result<request_answer> upload_coordinator_state::on_request(std::int64_t pdf_id, bool high, const std::string&) {
  if (auto i = transfers.find(pdf_id); i != transfers.end()) {
    if (i->second.cancelling)
      return request_answer{409,
                            {{"error", "the previous request for this PDF is being cancelled; ask again in a moment"},
                             {"code", "cancelling"}},
                            1};
    return join(i->second, high);
  }
  auto promise = self->make_response_promise<request_answer>();
  auto& lookup = lookups[pdf_id];
  lookup.promises.push_back(promise);
  lookup.high = lookup.high || high;
  if (lookup.promises.size() == 1)
    self->request(db, db_timeout, atom::request_target_v, pdf_id)
      .then([=](const std::optional<storage::request_target>& t) { on_target(pdf_id, t); },
            [=](const caf::error&) {
              auto waiting = std::move(lookups[pdf_id]);
              lookups.erase(pdf_id);
              for (auto& p : waiting.promises)
                p.deliver(request_answer{503, {{"error", "database unavailable, retry later"},
                                               {"code", "database_unavailable"}}});
            });
  return promise;
}

void upload_coordinator_state::on_target(std::int64_t pdf_id, const std::optional<storage::request_target>& t) {
  auto waiting = std::move(lookups[pdf_id]);
  lookups.erase(pdf_id);
  if (waiting.promises.empty())
    return;
  request_answer first;
  if (!t)
    first = {404, {{"error", "no PDF with id " + std::to_string(pdf_id)}, {"code", "not_found"}}};
  else
    first = admit(*t, waiting.high);
  waiting.promises.front().deliver(first);
  for (std::size_t i = 1; i < waiting.promises.size(); ++i) {
    auto e = transfers.find(pdf_id);
    waiting.promises[i].deliver(e != transfers.end() ? join(e->second, false) : first);
  }
}

request_answer upload_coordinator_state::admit(const storage::request_target& t, bool high) {
  if (t.status == "cached" && t.file_path && cache::on_disk(*t.file_path))
    return {200, {{"status", "cached"}, {"pdfId", t.pdf_id}, {"pdfUrl", pdf_download_url(t.pdf_id)},
                  {"expiresAt", t.expires_at ? json(*t.expires_at) : json(nullptr)}}};
  if (t.status == "missing")
    return {409, {{"error", "the file is no longer in the office folder"}, {"code", "missing"}, {"status", "missing"}}};
  // A full cache takes no new copy: say so now rather than after an upload.
  if (auto full = options.storage ? options.storage->refusal() : std::nullopt)
    return {507, {{"error", *full}, {"code", storage_full_code}}};
  auto holders = t.holders;
  if (holders.empty() && !t.client_id.empty())
    holders.push_back(t.client_id);
  const auto client_id = pick_holder(holders, [this](const std::string& c) { return sessions.count(c) > 0; });
  if (client_id.empty())
    return {409, {{"error", "no daemon holds this file"}, {"code", "no_daemon"}}};
  if (auto wait = rate.admit(client_id)) {
    log_event(log_level::warn, "pdf:request:rate_limited", {{"clientId", client_id}, {"pdfId", t.pdf_id}});
    return {429,
            {{"error", "too many uploads asked of this daemon: at most " + std::to_string(options.rate_limit) +
                           " per " + std::to_string(options.rate_window.count()) + " s"},
             {"code", "rate_limited"}},
            static_cast<int>(wait->count())};
  }
  auto& stored = start_transfer(t, client_id, std::move(holders),
                                high ? upload_priority::high : upload_priority::normal);
  pump(client_id);
  request_answer a{202, {{"requestId", stored.info.request_id}, {"pdfId", t.pdf_id}, {"coalesced", false}}};
  a.body["status"] = stored.state == "daemon_offline" ? "daemon_offline" : "uploading";
  a.body["state"] = stored.state;
  return a;
}

upload_coordinator_state::entry& upload_coordinator_state::start_transfer(const storage::request_target& t,
                                                                          const std::string& client_id,
                                                                          std::vector<std::string> holders,
                                                                          upload_priority priority) {
  entry e;
  e.info.pdf_id = t.pdf_id;
  e.info.request_id = new_request_id();
  e.info.client_id = client_id;
  e.holders = std::move(holders);
  e.info.file_hash = t.file_hash;
  e.info.filename = t.filename;
  e.info.file_size = t.file_size;
  e.info.priority = priority;
  // Monitored both ways rather than linked: a transfer that ends for any
  // reason (even killed outright, which CAF passes along a link as fatal)
  // runs the failure path in the down handler, and a transfer ends when its
  // coordinator does (at shutdown).
  e.transfer = spawn_upload_transfer(self, db, hub, options, e.info);
  e.state = sessions.count(client_id) > 0 ? "queued" : "daemon_offline";
  by_request[e.info.request_id] = t.pdf_id;
  auto& stored = transfers.emplace(t.pdf_id, std::move(e)).first->second;
  scheduler.enqueue(client_id, t.pdf_id, stored.info.priority);
  log_event(log_level::info, "pdf:request:accepted",
            {{"pdfId", t.pdf_id}, {"requestId", stored.info.request_id}, {"clientId", client_id},
             {"priority", to_string(stored.info.priority)}, {"daemon", stored.state}});
  return stored;
}

request_answer upload_coordinator_state::join(entry& e, bool high) {
  auto wanted = high ? upload_priority::high : upload_priority::normal;
  if (e.info.priority < wanted) {
    // A person's request: an auto-upload becomes theirs, a normal one high.
    e.info.priority = wanted;
    scheduler.raise(e.info.client_id, e.info.pdf_id, wanted);
    self->send(e.transfer, atom::priority_raised_v, high);
    pump(e.info.client_id);
  }
  request_answer a{202, {{"requestId", e.info.request_id}, {"pdfId", e.info.pdf_id}, {"coalesced", true}}};
  a.body["status"] = e.state == "daemon_offline" ? "daemon_offline" : "uploading";
  a.body["state"] = e.state;
  return a;
}

request_answer upload_coordinator_state::cancel(std::int64_t pdf_id, const std::string& who) {
  auto i = transfers.find(pdf_id);
  if (i == transfers.end())
    return {404, {{"error", "no transfer of PDF " + std::to_string(pdf_id) + " is under way"}, {"code", "not_found"}}};
  if (!i->second.cancelling) {
    i->second.cancelling = true;
    self->send(i->second.transfer, atom::cancel_upload_v, who);
  }
  return {200, {{"cancelled", true}, {"pdfId", pdf_id}, {"requestId", i->second.info.request_id}}};
}

void upload_coordinator_state::pump(const std::string& client_id) {
  auto s = sessions.find(client_id);
  if (s == sessions.end())
    return;
  // People first: an auto-upload holding a place a person's transfer needs
  // stops on the daemon and waits again.
  for (auto pdf_id : scheduler.preempt(client_id)) {
    auto& e = transfers.at(pdf_id);
    log_event(log_level::info, "pdf:upload:preempted",
              {{"pdfId", pdf_id}, {"requestId", e.info.request_id}, {"clientId", client_id}, {"bytes", e.bytes}});
    server_series().auto_uploads.with({"preempted"}).inc();
    e.state = "queued";
    e.bytes = 0;
    self->send(s->second, atom::cancel_upload_v, json{{"requestId", e.info.request_id}, {"reason", "preempted"}});
    self->send(e.transfer, atom::daemon_down_v); // waits for its next turn, no stall meanwhile
  }
  for (auto pdf_id : scheduler.take_startable(client_id)) {
    auto& e = transfers.at(pdf_id);
    e.state = "requested";
    self->send(e.transfer, atom::start_upload_v, s->second, client_id);
  }
  feed_auto(client_id);
}

void upload_coordinator_state::on_auto_candidates(const std::string& client_id, std::vector<std::int64_t> pdf_ids) {
  auto now = steady::now();
  for (auto i = auto_tried.begin(); i != auto_tried.end();)
    i = now - i->second >= options.auto_retry_after ? auto_tried.erase(i) : std::next(i);
  std::deque<std::int64_t> queue;
  for (auto id : pdf_ids)
    if (transfers.count(id) == 0 && auto_tried.count(id) == 0)
      queue.push_back(id);
  if (queue.empty() || sessions.count(client_id) == 0) {
    background.erase(client_id);
    return;
  }
  background[client_id] = std::move(queue);
  pump(client_id);
}

bool upload_coordinator_state::auto_room(const std::string& client_id) {
  // It would start at once (no person waits, a place is free); half of the
  // daemon's rate budget stays for people; a full cache takes none.
  return scheduler.low_would_start(client_id) && rate.count(client_id) * 2 < rate.limit() &&
         !(options.storage && options.storage->refusal());
}

void upload_coordinator_state::feed_auto(const std::string& client_id) {
  auto b = background.find(client_id);
  if (b == background.end() || auto_looking.count(client_id) > 0 || sessions.count(client_id) == 0)
    return;
  // One auto-upload per daemon at a time.
  if (scheduler.low(client_id) > 0 || !auto_room(client_id))
    return;
  auto& queue = b->second;
  while (!queue.empty() && (transfers.count(queue.front()) > 0 || auto_tried.count(queue.front()) > 0))
    queue.pop_front();
  if (queue.empty()) {
    background.erase(b);
    return;
  }
  auto pdf_id = queue.front();
  queue.pop_front();
  auto_tried[pdf_id] = steady::now();
  auto_looking.insert(client_id);
  self->request(db, db_timeout, atom::request_target_v, pdf_id)
    .then([=](const std::optional<storage::request_target>& t) { on_auto_target(client_id, pdf_id, t); },
          [=](const caf::error&) { auto_looking.erase(client_id); }); // the next list tries again
}

void upload_coordinator_state::on_auto_target(const std::string& client_id, std::int64_t pdf_id,
                                              const std::optional<storage::request_target>& t) {
  auto_looking.erase(client_id);
  std::vector<std::string> holders;
  if (t) {
    holders = t->holders;
    if (holders.empty() && !t->client_id.empty())
      holders.push_back(t->client_id);
  }
  // The row as it is now: a person may have asked for it, or it may be
  // cached, gone or no longer in this office since the list was made.
  bool eligible = t && (t->status == "available_local" || t->status == "expired") && transfers.count(pdf_id) == 0 &&
                  sessions.count(client_id) > 0 &&
                  std::find(holders.begin(), holders.end(), client_id) != holders.end() && auto_room(client_id);
  if (eligible && !rate.admit(client_id)) {
    auto& e = start_transfer(*t, client_id, std::move(holders), upload_priority::low);
    // The daemon asked is the one with autoUpload on, whoever else has the file.
    std::stable_partition(e.holders.begin(), e.holders.end(), [&](const std::string& h) { return h == client_id; });
    server_series().auto_uploads.with({"started"}).inc();
  }
  pump(client_id);
}

void upload_coordinator_state::on_daemon_up(const std::string& client_id, const caf::actor& session) {
  sessions[client_id] = session;
  for (auto& [_, e] : transfers) {
    if (e.state != "daemon_offline")
      continue;
    if (e.info.client_id == client_id)
      e.state = "queued";
    else if (may_ask(e, client_id))
      reassign(e, client_id, "online"); // waiting for an offline office while this one has the file too
  }
  pump(client_id);
}

void upload_coordinator_state::on_daemon_down(const std::string& client_id) {
  sessions.erase(client_id);
  background.erase(client_id); // the next list comes once it is back
  for (auto pdf_id : scheduler.pause_running(client_id))
    self->send(transfers.at(pdf_id).transfer, atom::daemon_down_v);
  std::set<std::string> to_pump;
  for (auto& [_, e] : transfers) {
    if (e.info.client_id != client_id)
      continue;
    auto other = pick_holder(askable(e), [&](const std::string& c) { return c != client_id && sessions.count(c) > 0; });
    if (!other.empty() && other != client_id && sessions.count(other) > 0) {
      reassign(e, other, "offline");
      to_pump.insert(other);
    } else {
      e.state = "daemon_offline";
    }
  }
  for (const auto& c : to_pump)
    pump(c);
}

void upload_coordinator_state::reassign(entry& e, const std::string& to, const std::string& why) {
  log_event(log_level::info, "pdf:request:reassigned",
            {{"pdfId", e.info.pdf_id}, {"requestId", e.info.request_id}, {"from", e.info.client_id}, {"to", to},
             {"reason", why}});
  scheduler.remove(e.info.client_id, e.info.pdf_id);
  e.info.client_id = to;
  e.state = "queued";
  scheduler.enqueue(to, e.info.pdf_id, e.info.priority);
}

bool upload_coordinator_state::may_ask(const entry& e, const std::string& client_id) {
  return std::find(e.holders.begin(), e.holders.end(), client_id) != e.holders.end() && e.refused.count(client_id) == 0;
}

std::vector<std::string> upload_coordinator_state::askable(const entry& e) {
  std::vector<std::string> out;
  for (const auto& h : e.holders)
    if (e.refused.count(h) == 0)
      out.push_back(h);
  return out;
}

void upload_coordinator_state::on_refused(const std::string& client_id, const std::string& request_id,
                                          const std::string& code, const std::string& reason) {
  auto i = by_request.find(request_id);
  if (i == by_request.end())
    return;
  auto& e = transfers.at(i->second);
  if (e.info.client_id != client_id) // an office the transfer already left
    return;
  // This office no longer has the file: any other that has it and has not
  // refused this request may serve it, online now or once it connects.
  std::string next;
  if (file_gone(code) && !e.cancelling) {
    e.refused.insert(client_id);
    next = pick_holder(askable(e), [this](const std::string& c) { return sessions.count(c) > 0; });
  }
  if (next.empty()) { // another refusal, or no office left: the transfer fails
    self->send(e.transfer, atom::upload_refused_v, code, reason);
    return;
  }
  self->send(e.transfer, atom::location_missing_v, client_id, code, reason);
  reassign(e, next, code); // frees the slot on this office
  e.bytes = 0;
  if (sessions.count(next) == 0)
    e.state = "daemon_offline";
  pump(client_id);
  pump(next);
}

request_answer upload_coordinator_state::admit_upload(const std::string& client_id, std::int64_t pdf_id,
                                                      const std::string& request_id) {
  auto* e = find(pdf_id, request_id);
  if (e == nullptr || e->info.client_id != client_id || e->cancelling ||
      !scheduler.is_running(client_id, pdf_id)) {
    log_event(log_level::warn, "pdf:upload:unrequested",
              {{"clientId", client_id}, {"pdfId", pdf_id}, {"requestId", request_id}});
    return {409,
            {{"error", "the server did not ask this daemon for this file with this X-Request-Id, or that "
                       "transfer is no longer in flight"},
             {"code", "not_requested"}}};
  }
  if (!streams.open(client_id))
    return {429,
            {{"error", "at most " + std::to_string(options.max_running_per_daemon) +
                           " uploads at once per daemon; retry when one ends"},
             {"code", "too_many_uploads"}},
            1};
  return {200, {{"ok", true}}};
}

upload_coordinator_state::entry* upload_coordinator_state::find(std::int64_t pdf_id, const std::string& request_id) {
  auto i = transfers.find(pdf_id);
  if (i == transfers.end() || i->second.info.request_id != request_id)
    return nullptr;
  return &i->second;
}

void upload_coordinator_state::on_over(std::int64_t pdf_id, const std::string& request_id) {
  auto i = transfers.find(pdf_id);
  if (i == transfers.end() || i->second.info.request_id != request_id)
    return;
  auto client_id = i->second.info.client_id;
  by_request.erase(request_id);
  transfers.erase(i);
  scheduler.remove(client_id, pdf_id);
  pump(client_id);
}

void upload_coordinator_state::on_transfer_down(const caf::down_msg& msg) {
  // A transfer that ends as it should says so first (transfer_over), so one
  // still listed here died without a word: an exception, a kill.
  auto i = std::find_if(transfers.begin(), transfers.end(),
                        [&](auto& t) { return t.second.transfer.address() == msg.source; });
  if (i != transfers.end())
    fail_dead_transfer(i->second, caf::to_string(msg.reason));
}

void upload_coordinator_state::fail_dead_transfer(entry& e, const std::string& why) {
  // What the transfer itself does on a failure: the row leaves uploading,
  // the daemon stops sending, the clients hear pdf:failed, the slot frees.
  auto info = e.info;
  auto reason = "the transfer stopped unexpectedly (" + why + "); ask again";
  log_event(log_level::error, "pdf:transfer:crashed",
            {{"pdfId", info.pdf_id}, {"requestId", info.request_id}, {"reason", why}});
  self->request(db, db_timeout, atom::transfer_end_v, info.pdf_id, info.client_id, info.request_id,
                storage::transfer_end::failed, reason)
    .then([](bool) {},
          [=](const caf::error&) { log_event(log_level::warn, "pdf:transfer:unrecorded", {{"pdfId", info.pdf_id}}); });
  if (auto s = sessions.find(info.client_id); s != sessions.end() && scheduler.is_running(info.client_id, info.pdf_id))
    self->send(s->second, atom::cancel_upload_v, json{{"requestId", info.request_id}, {"reason", "failed"}});
  self->send(hub, atom::publish_v, std::string("pdf:failed"),
             json{{"pdfId", info.pdf_id}, {"requestId", info.request_id}, {"code", "transfer_failed"},
                  {"reason", reason}},
             info.pdf_id);
  on_over(info.pdf_id, info.request_id);
}

json upload_coordinator_state::status_of(std::int64_t pdf_id) const {
  auto i = transfers.find(pdf_id);
  if (i == transfers.end())
    return nullptr;
  auto& e = i->second;
  json j = {{"requestId", e.info.request_id},
            {"state", e.state},
            {"priority", to_string(e.info.priority)},
            {"bytes", e.bytes},
            {"totalBytes", e.info.file_size},
            {"progress", percent_of(e.bytes, e.info.file_size)}};
  if (auto place = scheduler.place(e.info.client_id, pdf_id))
    j["queuePosition"] = place;
  return j;
}

caf::behavior upload_coordinator(caf::stateful_actor<upload_coordinator_state>* self, caf::actor db, caf::actor hub,
                                 transfer_options options) {
  auto& st = self->state;
  st.self = self;
  st.db = std::move(db);
  st.hub = std::move(hub);
  st.options = options;
  st.scheduler = upload_scheduler(options.max_running_per_daemon, options.max_low_running);
  st.rate = rate_window(options.rate_limit, options.rate_window);
  st.streams = upload_streams(options.max_running_per_daemon);
  self->set_down_handler([self](caf::down_msg& msg) { self->state.on_transfer_down(msg); });
  return {
    [=](atom::request_pdf, std::int64_t pdf_id, bool high, const std::string& who) -> caf::result<request_answer> {
      return self->state.on_request(pdf_id, high, who);
    },
    [=](atom::cancel_request, std::int64_t pdf_id, const std::string& who) {
      return self->state.cancel(pdf_id, who);
    },
    [=](atom::transfer_status, std::int64_t pdf_id) { return json_reply{self->state.status_of(pdf_id)}; },
    [=](atom::daemon_up, const std::string& client_id, const caf::actor& session) {
      self->state.on_daemon_up(client_id, session);
    },
    [=](atom::daemon_down, const std::string& client_id) { self->state.on_daemon_down(client_id); },
    [=](atom::upload_progress, std::int64_t pdf_id, const std::string& request_id, std::int64_t bytes) {
      auto e = self->state.find(pdf_id, request_id);
      // A preempted upload may still send a little before the daemon stops it.
      if (e && self->state.scheduler.is_running(e->info.client_id, pdf_id)) {
        e->bytes = bytes;
        e->state = "uploading";
        self->send(e->transfer, atom::upload_progress_v, bytes);
      }
    },
    [=](atom::upload_stored, std::int64_t pdf_id, const std::string&, const std::string& expires_at,
        std::int64_t bytes) {
      // Whichever upload stored the file completes the transfer of that PDF.
      if (auto i = self->state.transfers.find(pdf_id); i != self->state.transfers.end())
        self->send(i->second.transfer, atom::upload_stored_v, expires_at, bytes);
    },
    [=](atom::upload_rejected, std::int64_t pdf_id, const std::string& request_id, const std::string& code,
        const std::string& reason) {
      if (auto e = self->state.find(pdf_id, request_id))
        self->send(e->transfer, atom::upload_rejected_v, code, reason);
    },
    [=](atom::upload_refused, const std::string& client_id, const std::string& request_id, const std::string& code,
        const std::string& reason) {
      self->state.on_refused(client_id, request_id, code, reason);
    },
    [=](atom::transfer_over, std::int64_t pdf_id, const std::string& request_id) {
      self->state.on_over(pdf_id, request_id);
    },
    [=](atom::upload_admit, const std::string& client_id, std::int64_t pdf_id, const std::string& request_id) {
      return self->state.admit_upload(client_id, pdf_id, request_id);
    },
    [=](atom::upload_closed, const std::string& client_id) { self->state.streams.close(client_id); },
    [=](atom::auto_upload, const std::string& client_id, std::vector<std::int64_t> pdf_ids) {
      self->state.on_auto_candidates(client_id, std::move(pdf_ids));
    },
  };
}

} // namespace siberius::actors
