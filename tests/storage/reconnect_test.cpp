#define CAF_SUITE storage_reconnect
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "pg_fixture.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;

namespace {

pdf_document doc(int n) {
  pdf_document d;
  d.file_hash = hex_hash(n);
  d.filename = "doc-" + std::to_string(n) + ".pdf";
  d.file_path = "/office/doc-" + std::to_string(n) + ".pdf";
  d.tipo = "os";
  return d;
}

/// Ends every session of the test database but the caller's.
void terminate_sessions(const pg_database& db) {
  pqxx::connection admin(admin_conninfo());
  pqxx::nontransaction n(admin);
  auto r = n.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " +
                  admin.quote(db.name) + " AND pid <> pg_backend_pid()");
  CAF_REQUIRE(r.size() >= 1);
}

} // namespace

CAF_TEST(a terminated session is reported once and the next call reconnects) {
  pg_database db("rec");
  metadata_store store(db.options());
  store.create_daemon_token("Office", std::string("office"));
  auto before = store.ingest({{"office", doc(1)}});
  CAF_REQUIRE(before[0].status == ingest_status::indexed);

  terminate_sessions(db);
  // The first call may notice the break (unavailable, nothing committed) or,
  // if the library noticed it already, succeed on a fresh connection.
  std::vector<ingest_result> r;
  try {
    r = store.ingest({{"office", doc(2)}});
    CAF_MESSAGE("first call after the break succeeded on a new connection");
  } catch (const unavailable& e) {
    CAF_MESSAGE("first call after the break: " << e.what());
    CAF_CHECK(std::string(e.what()).find("PostgreSQL") != std::string::npos);
    r = store.ingest({{"office", doc(2)}});
  }
  CAF_CHECK(r[0].status == ingest_status::indexed);
  // everything committed before the break is still there, and prepared
  // statements work on the new connection
  CAF_CHECK(store.ingest({{"office", doc(1)}})[0].status == ingest_status::duplicate);
  auto stats = store.database_stats();
  CAF_CHECK_EQUAL(stats["pdfs_total"], 2);
  CAF_CHECK_EQUAL(store.list_daemons().size(), 1u);
}

CAF_TEST(every kind of call survives a break) {
  pg_database db("rec");
  metadata_store store(db.options());
  auto token = store.create_daemon_token("Office", std::string("office")).token;
  int unavailable_seen = 0;
  auto call = [&](auto f) {
    terminate_sessions(db);
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        f();
        return;
      } catch (const unavailable&) {
        ++unavailable_seen;
      }
    }
    CAF_FAIL("still unavailable after reconnecting");
  };
  call([&] { CAF_CHECK(store.authenticate_daemon(token, "office", "1", "::1").status == auth_status::ok); });
  call([&] { store.store_heartbeats({daemon_heartbeat::from("office", {{"hostname", "PC"}})}); });
  call([&] { store.store_daemon_event("office", "error", {{"message", "x"}}); });
  call([&] { CAF_CHECK(store.sync_needed("office", {{hex_hash(1), "/a"}}).size() == 1); });
  call([&] { CAF_CHECK_EQUAL(store.sync_mark_missing("office", {}), 0); });
  call([&] { store.mark_offline("office"); });
  call([&] { store.reset_online_daemons(); });
  CAF_MESSAGE(unavailable_seen << " calls reported the break");
  CAF_CHECK_EQUAL(db.scalar("SELECT hostname FROM daemon_clients"), "PC");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM daemon_events"), "1");
}

CAF_TEST(an unreachable server is unavailable not a crash) {
  store_options o;
  o.conninfo = "host=/nonexistent-socket-dir port=1 user=nobody dbname=nothing connect_timeout=2";
  metadata_store store(o); // lazy: constructing never connects
  std::string error;
  try {
    store.database_stats();
  } catch (const unavailable& e) {
    error = e.what();
  }
  CAF_CHECK(error.find("cannot connect to PostgreSQL") == 0);
  CAF_CHECK(throws<unavailable>([&] { store.ingest({{"office", doc(1)}}); }));
  CAF_CHECK(throws<unavailable>([&] { apply_migrations(o.conninfo, schema_dir()); }));
}

CAF_TEST(a statement stuck behind a lock gives up after statement_timeout) {
  pg_database db("lck");
  auto o = db.options();
  o.statement_timeout = std::chrono::milliseconds(300);
  metadata_store store(o);
  store.create_daemon_token("Office", std::string("office"));
  pqxx::connection other(db.conninfo);
  pqxx::work locker(other);
  locker.exec("LOCK TABLE pdf_cache IN ACCESS EXCLUSIVE MODE");
  std::string error;
  try {
    store.ingest({{"office", doc(1)}});
  } catch (const unavailable& e) {
    error = e.what();
  }
  CAF_CHECK(error.find("did not answer in time") != std::string::npos);
  locker.abort();
  // Nothing was half done, and the same store goes on once the lock is gone.
  auto r = store.ingest({{"office", doc(1)}});
  CAF_CHECK(r.at(0).status == ingest_status::indexed);
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM pdf_cache"), "1");
}
