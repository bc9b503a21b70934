// server_link's reconciliation: daemon:stat_check for the first scan's files,
// and the full daemon:sync (the folder's hashes in chunks; the server answers
// what it lacks and marks the rest missing) once the folder is read, after
// every connect and whenever one is owed.
#include "daemon/server_link.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "daemon/folder_index.hpp"
#include "daemon/log.hpp"
#include "platform/files.hpp"

namespace siberius::daemon {

namespace {
constexpr std::size_t sync_chunk_size = 2000; // the server's limit per daemon:sync chunk
constexpr std::int64_t max_mtime_ms = std::int64_t{1} << 53; // the server's limit for mtimeMs
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

// ---- asked for by the server -----------------------------------------------

void server_link_state::on_resync(std::uint64_t att, const nlohmann::json& payload) {
  if (att != attempt || !connected)
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

// ---- full reconciliation ---------------------------------------------------

void server_link_state::start_reconciliation() {
  if (!connected || reconciling || inventory_asked)
    return;
  inventory_asked = true;
  auto att = attempt;
  self->request(index, caf::infinite, atom::inventory_v)
      .then(
          [this, att](folder_inventory& inventory) {
            inventory_asked = false;
            if (att != attempt || !connected)
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
         if (run->attempt != attempt || !connected)
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
    if (run->attempt != attempt || !connected)
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
  } else if (connected) {
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
  if (!connected || stat_in_flight || stat_requests.empty())
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
      if (att == attempt && connected)
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

} // namespace siberius::daemon
