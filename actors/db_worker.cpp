#include "actors/db_worker.hpp"

#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "actors/server_metrics.hpp"
#include "actors/supervision.hpp"

namespace siberius::actors {

namespace {

/// Larger batches than this are split: one transaction should stay short, and
/// libpq keeps its output buffer at the size of the largest statement sent
/// (about 400 bytes per document). Past a few hundred documents per statement
/// the throughput no longer grows (storage-ingest-bench).
constexpr std::size_t max_batch_docs = 500;

/// Times one call for siberius_db_call_duration_seconds{call}, however it ends.
struct call_timer {
  const char* call;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  ~call_timer() { server_series().db_duration.with({call}).observe(seconds_since(start)); }
};

/// Runs `f` against the store; a lost database becomes an error response.
/// `call` names it in the metrics (the message's atom).
template <class F>
auto guarded(db_worker_state& st, const char* call, F f) -> caf::result<decltype(f(*st.store))> {
  call_timer timer{call};
  try {
    return f(*st.store);
  } catch (const storage::unavailable& e) {
    log_event(log_level::warn, "db:unavailable", {{"reason", e.what()}});
    server_series().db_errors.with({"unavailable"}).inc();
    return db_unavailable(e.what());
  } catch (const storage::conflict& e) {
    return db_error(db_errc::conflict, e.what());
  } catch (const std::invalid_argument& e) {
    return db_error(db_errc::invalid, e.what());
  } catch (const std::exception& e) {
    log_event(log_level::error, "db:error", {{"reason", e.what()}});
    server_series().db_errors.with({"error"}).inc();
    return db_unavailable(std::string("database error: ") + e.what());
  }
}

} // namespace

caf::response_promise db_worker_state::queue_ingest(const std::string& client_id,
                                                    std::vector<storage::pdf_document> docs) {
  pending_ingest p;
  p.docs.reserve(docs.size());
  for (auto& d : docs)
    p.docs.emplace_back(client_id, std::move(d));
  pending_docs += p.docs.size();
  p.promise = self->make_response_promise();
  auto promise = p.promise;
  pending.push_back(std::move(p));
  // Everything already in the mailbox is handled before this message, so the
  // batch grows with the load and costs nothing when idle.
  if (!flush_scheduled) {
    flush_scheduled = true;
    self->send(self, atom::flush_v);
  }
  return promise;
}

void db_worker_state::flush() {
  flush_scheduled = false;
  while (!pending.empty()) {
    // Take whole requests up to the batch limit.
    std::size_t take = 0, docs = 0;
    while (take < pending.size() && (take == 0 || docs + pending[take].docs.size() <= max_batch_docs))
      docs += pending[take++].docs.size();
    std::vector<std::pair<std::string, storage::pdf_document>> batch;
    batch.reserve(docs);
    for (std::size_t i = 0; i < take; ++i)
      for (auto& d : pending[i].docs)
        batch.push_back(std::move(d));
    std::vector<storage::ingest_result> results;
    std::string failure;
    try {
      call_timer timer{"ingest"};
      results = store->ingest(batch);
    } catch (const std::exception& e) {
      failure = e.what();
      server_series().db_errors.with({"ingest"}).inc();
      log_event(log_level::warn, "db:ingest:failed", {{"reason", failure}, {"documents", docs}});
    }
    std::size_t offset = 0;
    for (std::size_t i = 0; i < take; ++i) {
      auto n = pending[i].docs.size();
      if (failure.empty()) {
        std::vector<storage::ingest_result> mine(results.begin() + offset, results.begin() + offset + n);
        pending[i].promise.deliver(std::move(mine));
      } else {
        pending[i].promise.deliver(db_unavailable(failure));
      }
      offset += n;
    }
    pending.erase(pending.begin(), pending.begin() + take);
    pending_docs -= docs;
  }
}

caf::behavior db_worker(caf::stateful_actor<db_worker_state>* self, storage::store_options options) {
  auto& st = self->state;
  st.self = self;
  st.store = std::make_unique<storage::metadata_store>(std::move(options));
  return {
    [=](atom::ingest, const std::string& client_id, std::vector<storage::pdf_document>& docs) {
      return self->state.queue_ingest(client_id, std::move(docs));
    },
    [=](atom::flush) { self->state.flush(); },
    [=](atom::auth_daemon, const std::string& token, const std::string& client_id,
        const std::string& version, const std::string& remote) -> caf::result<storage::auth_outcome> {
      return guarded(self->state, "auth_daemon", [&](auto& s) { return s.authenticate_daemon(token, client_id, version, remote); });
    },
    [=](atom::offline, const std::string& client_id, const std::string& connected_at,
        const std::string& reason) -> caf::result<bool> {
      return guarded(self->state, "offline", [&](auto& s) { s.mark_offline(client_id, connected_at, reason); return true; });
    },
    [=](atom::heartbeat, const heartbeat_batch& beats) -> caf::result<bool> {
      return guarded(self->state, "heartbeat", [&](auto& s) { s.store_heartbeats(beats); return true; });
    },
    [=](atom::sync, const std::string& client_id,
        const std::vector<storage::sync_file>& files) -> caf::result<std::vector<std::string>> {
      return guarded(self->state, "sync", [&](auto& s) { return s.sync_needed(client_id, files); });
    },
    [=](atom::sync_done, const std::string& client_id,
        const std::vector<std::string>& hashes) -> caf::result<std::int64_t> {
      return guarded(self->state, "sync_done", [&](auto& s) { return s.sync_mark_missing(client_id, hashes); });
    },
    [=](atom::daemon_event, const std::string& client_id, const std::string& level,
        const nlohmann::json& event) -> caf::result<bool> {
      return guarded(self->state, "daemon_event", [&](auto& s) { s.store_daemon_event(client_id, level, event); return true; });
    },
    [=](atom::api_auth, const std::string& token) -> caf::result<std::optional<storage::api_principal>> {
      return guarded(self->state, "api_auth", [&](auto& s) { return s.authenticate(token); });
    },
    [=](atom::db_run, const db_job& job) -> caf::result<json_reply> {
      return guarded(self->state, "db_run", [&](auto& s) { return json_reply{job.run(s)}; });
    },
    [=](atom::create_token, const std::string& name,
        const std::optional<std::string>& client_id) -> caf::result<storage::issued_token> {
      return guarded(self->state, "create_token", [&](auto& s) { return s.create_daemon_token(name, client_id); });
    },
    [=](atom::list_daemons) -> caf::result<json_reply> {
      return guarded(self->state, "list_daemons", [&](auto& s) { return json_reply{s.list_daemons()}; });
    },
    [=](atom::list_pdfs, const storage::pdf_filter& f) -> caf::result<json_reply> {
      return guarded(self->state, "list_pdfs", [&](auto& s) { return json_reply{s.list_pdfs(f)}; });
    },
    [=](atom::list_atendimentos, const atendimento_period& p) -> caf::result<json_text> {
      return guarded(self->state, "list_atendimentos", [&](auto& s) { return json_text{s.list_atendimentos_text(p.from, p.to, p.viewer)}; });
    },
    [=](atom::pdf_status, std::int64_t id) -> caf::result<json_reply> {
      return guarded(self->state, "pdf_status", [&](auto& s) { return json_reply{s.pdf_status(id).value_or(nullptr)}; });
    },
    [=](atom::daemon_by_token, const std::string& token) -> caf::result<std::optional<storage::daemon_identity>> {
      return guarded(self->state, "daemon_by_token", [&](auto& s) { return s.daemon_by_token(token); });
    },
    [=](atom::upload_target, const std::string& client_id,
        const std::string& hash) -> caf::result<std::optional<storage::upload_target>> {
      return guarded(self->state, "upload_target", [&](auto& s) { return s.upload_target_for(client_id, hash); });
    },
    [=](atom::upload_done, const storage::stored_upload& u) -> caf::result<std::string> {
      return guarded(self->state, "upload_done", [&](auto& s) { return s.record_upload(u); });
    },
    [=](atom::upload_failed, std::int64_t pdf_id, const std::string& client_id, const std::string& request_id,
        std::int64_t bytes, const std::string& reason) -> caf::result<bool> {
      return guarded(self->state, "upload_failed", [&](auto& s) {
        s.record_failed_upload(pdf_id, client_id, request_id, bytes, reason);
        return true;
      });
    },
    [=](atom::request_target, std::int64_t id) -> caf::result<std::optional<storage::request_target>> {
      return guarded(self->state, "request_target", [&](auto& s) { return s.request_target_for(id); });
    },
    [=](atom::atendimento_pdf, std::int64_t id) -> caf::result<storage::atendimento_pdf> {
      return guarded(self->state, "atendimento_pdf", [&](auto& s) { return s.pdf_of_atendimento(id); });
    },
    [=](atom::transfer_begin, std::int64_t id) -> caf::result<bool> {
      return guarded(self->state, "transfer_begin", [&](auto& s) { return s.begin_transfer(id); });
    },
    [=](atom::transfer_end, std::int64_t id, const std::string& client_id, const std::string& request_id,
        storage::transfer_end how, const std::string& reason) -> caf::result<bool> {
      return guarded(self->state, "transfer_end", [&](auto& s) {
        s.end_transfer(id, client_id, request_id, how, reason);
        return true;
      });
    },
    [=](atom::location_missing, std::int64_t id, const std::string& client_id, const std::string& request_id,
        const std::string& reason) -> caf::result<bool> {
      return guarded(self->state, "location_missing", [&](auto& s) {
        s.mark_location_missing(id, client_id, request_id, reason);
        return true;
      });
    },
    [=](atom::expire_due, int limit) -> caf::result<std::vector<storage::expired_copy>> {
      return guarded(self->state, "expire_due", [&](auto& s) { return s.expire_due(limit); });
    },
    [=](atom::download_target, std::int64_t id) -> caf::result<std::optional<storage::download_target>> {
      return guarded(self->state, "download_target", [&](auto& s) { return s.download_target_for(id); });
    },
    [=](atom::downloaded, std::int64_t id, std::int64_t bytes, const std::string& who) -> caf::result<bool> {
      return guarded(self->state, "downloaded", [&](auto& s) {
        s.record_download(id, bytes, who);
        return true;
      });
    },
    [=](atom::sample) -> caf::result<json_reply> {
      return guarded(self->state, "sample", [&](auto& s) { return json_reply{s.sample_cache_usage()}; });
    },
    [=](atom::prune, const storage::monitor_retention& keep) -> caf::result<json_reply> {
      return guarded(self->state, "prune", [&](auto& s) { return json_reply{s.prune_monitor(keep)}; });
    },
    [=](atom::db_stats) -> caf::result<json_reply> {
      return guarded(self->state, "db_stats", [&](auto& s) { return json_reply{s.database_stats()}; });
    },
  };
}

caf::actor spawn_db_pool(caf::actor_system& sys, storage::store_options options, std::size_t n) {
  // A worker that fails (an exception out of libpqxx, say) is replaced: the
  // requests it held get an error, the next ones a fresh connection.
  auto factory = [&sys, options] { return sys.spawn<caf::detached>(db_worker, options); };
  return spawn_supervised_pool(sys, factory, {"db_worker", n});
}

std::string reason_of(caf::actor_system& sys, const caf::error& err) {
  if (!err.context().empty() && err.context().match_elements<std::string>())
    return err.context().get_as<std::string>(0);
  return sys.render(err);
}

} // namespace siberius::actors
