// db_worker: owns one PostgreSQL connection (storage::metadata_store) and
// serves the other actors' database requests. It blocks on the database, so
// it must be spawned `detached` (or inside a test's own thread). Writes that
// arrive while it is busy are committed together in one transaction.
#pragma once

#include <caf/all.hpp>

#include "storage/metadata_store.hpp"

namespace siberius::actors {

struct db_worker_state {
  struct pending_ingest {
    std::vector<std::pair<std::string, storage::pdf_document>> docs;
    caf::response_promise promise;
  };

  caf::event_based_actor* self = nullptr;
  std::unique_ptr<storage::metadata_store> store;
  std::vector<pending_ingest> pending;
  std::size_t pending_docs = 0;
  bool flush_scheduled = false;

  static inline const char* name = "db_worker";

  /// Queues documents for the next commit; the promise is kept until then.
  caf::response_promise queue_ingest(const std::string& client_id, std::vector<storage::pdf_document> docs);
  /// Commits everything queued in one transaction and answers every promise.
  void flush();
};

caf::behavior db_worker(caf::stateful_actor<db_worker_state>* self, storage::store_options options);

/// Spawns `n` detached workers behind a round-robin pool; a worker that fails is replaced.
caf::actor spawn_db_pool(caf::actor_system& sys, storage::store_options options, std::size_t n);

} // namespace siberius::actors
