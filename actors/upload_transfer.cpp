#include "actors/upload_transfer.hpp"

#include <algorithm>
#include <functional>

#include "actors/log.hpp"
#include "actors/server_metrics.hpp"
#include "actors/messages.hpp"

namespace siberius::actors {

namespace {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;

/// Rejections of the upload endpoint that another try cannot fix.
bool final_rejection(const std::string& code) {
  return code == "hash_mismatch" || code == "not_a_pdf" || code == "bad_name" || code == "too_large" ||
         code == storage_full_code;
}

struct upload_transfer_state {
  caf::event_based_actor* self = nullptr;
  caf::actor coordinator;
  caf::actor db;
  caf::actor hub;
  transfer_options options;
  transfer_info info;
  caf::actor session;         // the daemon's, while it is online and asked
  int stalls = 0;             // requests that came to nothing
  std::uint64_t generation = 0;
  std::int64_t bytes = 0;
  int last_percent = -1;
  steady::time_point last_event{};
  steady::time_point started = steady::now();
  bool ended = false;
  int writes = 1;                     // database writes not yet answered (transfer_begin first)
  std::function<void()> after_writes; // an end that must not overtake them

  /// Runs `f` once every write sent so far is answered, so the end is not
  /// overwritten by a late begin, and sees the locations already marked
  /// missing (the pool may run them on different connections).
  void once_written(std::function<void()> f) {
    if (writes == 0)
      f();
    else
      after_writes = std::move(f);
  }

  void written() {
    if (--writes == 0 && after_writes) {
      auto f = std::move(after_writes);
      after_writes = nullptr;
      f();
    }
  }

  static inline const char* name = "upload_transfer";

  json base() const { return {{"pdfId", info.pdf_id}, {"requestId", info.request_id}}; }

  void publish(const char* event, json payload) {
    self->send(hub, atom::publish_v, std::string(event), std::move(payload), info.pdf_id);
  }

  /// What the daemon is told: it knows normal and high. The server holds a
  /// low-priority transfer back itself, so on the wire it is a normal one.
  const char* wire_priority() const {
    return info.priority == upload_priority::high ? "high" : "normal";
  }

  void arm_stall_timer() {
    self->delayed_send(self, options.stall_timeout, atom::stalled_v, ++generation);
  }

  void ask_daemon() {
    if (!session)
      return;
    self->send(session, atom::upload_request_v,
               json{{"requestId", info.request_id}, {"fileHash", info.file_hash}, {"filename", info.filename},
                    {"fileSize", info.file_size}, {"priority", wire_priority()}, {"attempt", stalls + 1}});
    log_event(log_level::info, "pdf:upload:requested",
              {{"pdfId", info.pdf_id}, {"requestId", info.request_id}, {"clientId", info.client_id},
               {"attempt", stalls + 1}});
    arm_stall_timer();
  }

  void on_progress(std::int64_t received) {
    bytes = received;
    arm_stall_timer();
    auto percent = percent_of(bytes, info.file_size);
    auto now = steady::now();
    if (percent == last_percent || (now - last_event < options.progress_interval && percent < 100))
      return;
    last_percent = percent;
    last_event = now;
    auto p = base();
    p["percent"] = percent;
    p["bytes"] = bytes;
    p["totalBytes"] = info.file_size;
    publish("pdf:upload_progress", std::move(p));
  }

  void succeed(const std::string& expires_at, std::int64_t stored_bytes) {
    if (ended)
      return;
    ended = true;
    if (last_percent < 100) { // progress reports are sampled: the last one may be short of the end
      auto done = base();
      done["percent"] = 100;
      done["bytes"] = stored_bytes;
      done["totalBytes"] = info.file_size;
      publish("pdf:upload_progress", std::move(done));
    }
    auto p = base();
    p["pdfUrl"] = pdf_download_url(info.pdf_id);
    p["expiresAt"] = expires_at;
    p["bytes"] = stored_bytes;
    publish("pdf:ready", std::move(p));
    // The transfer starts with the user's request (coalesced ones join it);
    // one nobody asked for (auto-upload) is no one's wait.
    if (info.priority != upload_priority::low)
      server_series().request_to_ready.observe(seconds_since(started));
    log_event(log_level::info, "pdf:transfer:done",
              {{"pdfId", info.pdf_id}, {"requestId", info.request_id}, {"bytes", stored_bytes},
               {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started).count()}});
    over();
  }

  /// Ends without a cached copy: the row goes back (or to missing), the
  /// clients hear why, and the coordinator forgets the transfer.
  void fail(storage::transfer_end how, const std::string& code, const std::string& reason) {
    if (ended)
      return;
    ended = true;
    log_event(how == storage::transfer_end::cancelled ? log_level::info : log_level::warn, "pdf:transfer:failed",
              {{"pdfId", info.pdf_id}, {"requestId", info.request_id}, {"code", code}, {"reason", reason}});
    auto p = base();
    p["code"] = code;
    p["reason"] = reason;
    auto tell = [this, p] {
      publish("pdf:failed", p);
      over();
    };
    once_written([=] {
      self->request(db, db_timeout, atom::transfer_end_v, info.pdf_id, info.client_id, info.request_id, how, reason)
        .then([=](bool) { tell(); },
              [=](const caf::error&) {
                log_event(log_level::warn, "pdf:transfer:unrecorded", {{"pdfId", info.pdf_id}});
                tell();
              });
    });
  }

  /// `client_id` no longer has the file; the coordinator asks another office
  /// (start_upload) or tells this one to fail. Its location is recorded gone
  /// now, whatever follows.
  void on_location_missing(const std::string& client_id, const std::string& code, const std::string& reason) {
    if (ended)
      return;
    session = nullptr;
    ++generation; // no stall is counted against the next office for this one
    log_event(log_level::info, "pdf:upload:refused",
              {{"pdfId", info.pdf_id}, {"requestId", info.request_id}, {"clientId", client_id}, {"code", code}});
    ++writes;
    self->request(db, db_timeout, atom::location_missing_v, info.pdf_id, client_id, info.request_id, reason)
      .then([=](bool) { written(); },
            [=](const caf::error&) {
              log_event(log_level::warn, "pdf:transfer:unrecorded", {{"pdfId", info.pdf_id}});
              written();
            });
  }

  void over() {
    self->send(coordinator, atom::transfer_over_v, info.pdf_id, info.request_id);
    self->quit();
  }

  void on_stalled(std::uint64_t gen) {
    if (gen != generation || ended || !session)
      return;
    ++stalls;
    auto waited = std::to_string(options.stall_timeout.count()) + " ms";
    if (stalls >= options.attempts) {
      self->send(session, atom::cancel_upload_v, json{{"requestId", info.request_id}, {"reason", "stalled"}});
      return fail(storage::transfer_end::failed, "stalled",
                  "the daemon sent nothing for " + waited + ", " + std::to_string(stalls) + " times");
    }
    log_event(log_level::warn, "pdf:upload:stalled",
              {{"pdfId", info.pdf_id}, {"requestId", info.request_id}, {"bytes", bytes}, {"attempt", stalls}});
    // The daemon restarts an upload it is asked for again.
    ask_daemon();
  }
};

caf::behavior upload_transfer(caf::stateful_actor<upload_transfer_state>* self, caf::actor coordinator,
                              caf::actor db, caf::actor hub, transfer_options options, transfer_info info) {
  auto& st = self->state;
  st.self = self;
  st.coordinator = std::move(coordinator);
  st.db = std::move(db);
  st.hub = std::move(hub);
  st.options = options;
  st.info = std::move(info);
  self->monitor(st.coordinator);
  self->set_down_handler([self](caf::down_msg& msg) {
    if (msg.source == self->state.coordinator.address())
      self->quit(msg.reason);
  });
  auto begun = [self] { self->state.written(); };
  self->request(st.db, db_timeout, atom::transfer_begin_v, st.info.pdf_id)
    .then([=](bool) { begun(); },
          [=](const caf::error&) {
            log_event(log_level::warn, "pdf:transfer:unrecorded", {{"pdfId", self->state.info.pdf_id}});
            begun();
          });
  return {
    [=](atom::start_upload, const caf::actor& session, const std::string& client_id) {
      // Another office may have the file: the coordinator says whose turn it is.
      self->state.session = session;
      self->state.info.client_id = client_id;
      self->state.ask_daemon();
    },
    [=](atom::daemon_down) {
      // Waits for the coordinator's next start_upload; no stall meanwhile.
      self->state.session = nullptr;
      ++self->state.generation;
    },
    [=](atom::upload_progress, std::int64_t bytes) { self->state.on_progress(bytes); },
    [=](atom::upload_stored, const std::string& expires_at, std::int64_t bytes) {
      self->state.succeed(expires_at, bytes);
    },
    [=](atom::upload_rejected, const std::string& code, const std::string& reason) {
      if (final_rejection(code))
        return self->state.fail(storage::transfer_end::failed, code, reason);
      // The daemon tries again by itself; the stall timer watches that it does.
      log_event(log_level::info, "pdf:upload:retrying",
                {{"pdfId", self->state.info.pdf_id}, {"requestId", self->state.info.request_id}, {"code", code}});
    },
    [=](atom::upload_refused, const std::string& code, const std::string& reason) {
      // The last office that could serve it refused (or refused for another reason).
      self->state.fail(file_gone(code) ? storage::transfer_end::missing : storage::transfer_end::failed, code, reason);
    },
    [=](atom::location_missing, const std::string& client_id, const std::string& code, const std::string& reason) {
      self->state.on_location_missing(client_id, code, reason);
    },
    [=](atom::cancel_upload, const std::string& who) {
      auto& st = self->state;
      if (st.session)
        self->send(st.session, atom::cancel_upload_v, json{{"requestId", st.info.request_id}, {"reason", "cancelled"}});
      st.fail(storage::transfer_end::cancelled, "cancelled", "cancelled by " + who);
    },
    [=](atom::stalled, std::uint64_t gen) { self->state.on_stalled(gen); },
    [=](atom::priority_raised, bool high) {
      // A person joined an auto-upload: from now on it is their wait.
      auto& st = self->state;
      if (st.info.priority == upload_priority::low)
        st.started = steady::now();
      st.info.priority = high ? upload_priority::high : upload_priority::normal;
    },
  };
}

} // namespace

/// Refusals that say the daemon no longer has the file (with that hash): another
/// office that has it may still serve the request.
bool file_gone(const std::string& code) {
  return code == "file_missing" || code == "hash_changed";
}

int percent_of(std::int64_t bytes, std::int64_t total) {
  if (total <= 0)
    return 0;
  return static_cast<int>(std::min<std::int64_t>(100, bytes * 100 / total));
}

std::string pdf_download_url(std::int64_t id) {
  return "/api/pdfs/" + std::to_string(id) + "/download";
}

caf::actor spawn_upload_transfer(caf::event_based_actor* coordinator, caf::actor db, caf::actor hub,
                                 const transfer_options& options, const transfer_info& info) {
  return coordinator->spawn<caf::monitored>(upload_transfer, caf::actor_cast<caf::actor>(coordinator), std::move(db),
                                            std::move(hub), options, info);
}

} // namespace siberius::actors
