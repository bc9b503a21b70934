// server_link's documents: what folder_index reads (documents, broken files)
// goes out through the bounded outbound_queue, in batches, and leaves the
// queue only once the server acked it.
#include "daemon/server_link.hpp"

#include "daemon/folder_index.hpp"
#include "daemon/log.hpp"

namespace siberius::daemon {

namespace {
constexpr std::size_t batch_size = 10;       // the server's limit for daemon:pdf_indexed_batch
constexpr std::size_t connected_queue_limit = 2000; // events queued while the server acks them
// Connected, folder_index stops starting reads at the first mark and starts
// again below the second: the queue never reaches connected_queue_limit, so no
// file is dropped and read twice (the reads in flight are at most the workers).
constexpr std::size_t reading_pause_at = 1000;
constexpr std::size_t reading_resume_below = 500;

bool stored_status(const nlohmann::json& r) {
  auto s = r.value("status", std::string());
  return s == "indexed" || s == "updated" || s == "duplicate";
}
} // namespace

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
  if (!queue->push(std::move(ev), connected ? connected_queue_limit : 0))
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
  bool full = connected && queue->size() >= (reading_paused ? reading_resume_below : reading_pause_at);
  if (full == reading_paused || !index)
    return;
  reading_paused = full;
  self->send(index, atom::queue_room_v, !full);
}

void server_link_state::drain() {
  tell_reading_room();
  if (!connected || reconciling || batch_in_flight)
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
        if (connected)
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
    if (connected)
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

} // namespace siberius::daemon
