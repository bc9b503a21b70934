#define CAF_SUITE daemon_session
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "actors/daemon_session.hpp"
#include "actors/messages.hpp"
#include "fake_connection.hpp"

using namespace siberius;
using json = nlohmann::json;

namespace {

const std::string hash_a(64, 'a');
const std::string hash_b(64, 'b');

json document(const std::string& hash, const char* date = "2026-03-10") {
  return {{"filename", "orcamento_3061.pdf"},
          {"fileHash", hash},
          {"fileSize", 44835},
          {"filePath", "/srv/pdfs/orcamento_3061.pdf"},
          {"metadata",
           {{"tipo", "orcamento"}, {"numero", "3061"}, {"cliente", "Construtora Horizonte"},
            {"dataEvento", date}, {"valorTotal", 12500.0}}},
          {"indexedAt", "2026-03-01T10:00:00Z"}};
}

/// Stands in for the db_worker pool: remembers what it was asked and answers
/// like the real one, or fails every request when `down` is set.
struct mock_db_state {
  std::vector<std::string> seen_hashes;
  std::vector<std::string> synced;
  std::vector<std::string> all_hashes;
  std::int64_t next_id = 100;
  bool down = false;
  int jobs = 0;           // db_run jobs asked for
  json job_answer = json::array();
};

caf::behavior mock_db(caf::stateful_actor<mock_db_state>* self) {
  return {
    [=](atom::ingest, const std::string&, const std::vector<storage::pdf_document>& docs)
      -> caf::result<std::vector<storage::ingest_result>> {
      if (self->state.down)
        return actors::db_unavailable("connection refused");
      std::vector<storage::ingest_result> out;
      for (auto& d : docs) {
        auto& seen = self->state.seen_hashes;
        bool dup = std::find(seen.begin(), seen.end(), d.file_hash) != seen.end();
        seen.push_back(d.file_hash);
        out.push_back({d.file_hash, self->state.next_id++,
                       dup ? storage::ingest_status::duplicate : storage::ingest_status::indexed, ""});
      }
      return out;
    },
    [=](atom::sync, const std::string&, const std::vector<storage::sync_file>& files)
      -> std::vector<std::string> {
      std::vector<std::string> needed;
      for (auto& f : files) {
        self->state.synced.push_back(f.file_hash);
        if (f.file_hash != hash_a)
          needed.push_back(f.file_hash);
      }
      return needed;
    },
    [=](atom::sync_done, const std::string&, const std::vector<std::string>& all) -> std::int64_t {
      self->state.all_hashes = all;
      return 3;
    },
    [=](atom::daemon_event, const std::string&, const std::string&, const json&) { return true; },
    // A job needs a real store (tests/storage covers stat_known): count it, answer as given.
    [=](atom::db_run, const actors::db_job&) -> caf::result<actors::json_reply> {
      ++self->state.jobs;
      if (self->state.down)
        return actors::db_unavailable("connection refused");
      return actors::json_reply{self->state.job_answer};
    },
  };
}

/// Records what would be pushed to the /client connections.
struct hub_log_state {
  std::vector<std::pair<std::string, json>> events;
};

caf::behavior hub_log(caf::stateful_actor<hub_log_state>* self) {
  return {[=](atom::publish, const std::string& event, const json& payload, std::int64_t pdf_id) {
            // Published for the PDF the payload is about.
            CAF_CHECK_EQUAL(payload.at("pdfId").get<std::int64_t>(), pdf_id);
            self->state.events.emplace_back(event, payload);
          },
          [=](atom::broadcast, const std::string& event, const json& payload) {
            self->state.events.emplace_back("broadcast " + event, payload);
          }};
}

/// What the registry hears from a session: heartbeats, and why it ends.
struct registry_log_state {
  std::vector<storage::daemon_heartbeat> beats;
  std::vector<std::string> endings;
};

caf::behavior registry_log(caf::stateful_actor<registry_log_state>* self) {
  return {[=](atom::heartbeat, const storage::daemon_heartbeat& beat) { self->state.beats.push_back(beat); },
          [=](atom::disconnect, const std::string& reason) { self->state.endings.push_back(reason); }};
}

/// What the upload coordinator hears from a session.
struct refusal_log_state {
  std::vector<std::vector<std::string>> refused; // client id, request id, code, reason
};

caf::behavior refusal_log(caf::stateful_actor<refusal_log_state>* self) {
  return {[=](atom::upload_refused, const std::string& client_id, const std::string& request_id,
              const std::string& code, const std::string& reason) {
    self->state.refused.push_back({client_id, request_id, code, reason});
  }};
}

struct fixture : test_coordinator_fixture<> {
  std::shared_ptr<test::fake_connection> conn = std::make_shared<test::fake_connection>();
  caf::actor db = sys.spawn(mock_db);
  caf::actor registry = sys.spawn(registry_log);
  caf::actor hub = sys.spawn(hub_log);
  caf::actor uploads = sys.spawn(refusal_log);
  caf::actor session;

  fixture() {
    session = sys.spawn(actors::daemon_session, conn, registry, db, hub,
                        actors::session_info{"office-1", "Office", "203.0.113.7", "{}", 100, nullptr, uploads, 42});
    run();
  }

  ~fixture() {
    self->send_exit(session, caf::exit_reason::user_shutdown);
    run();
  }

  json send_event(const std::string& name, json payload, std::uint64_t ack_id) {
    self->send(session, atom::sio_event_v, name, json::array({std::move(payload)}),
               std::optional<std::uint64_t>{ack_id});
    run();
    return conn->ack_payload(ack_id);
  }

  std::vector<std::pair<std::string, json>>& pushed() {
    return deref<caf::stateful_actor<hub_log_state>>(hub).state.events;
  }

  mock_db_state& db_state() {
    return deref<caf::stateful_actor<mock_db_state>>(db).state;
  }

  registry_log_state& registry_state() {
    return deref<caf::stateful_actor<registry_log_state>>(registry).state;
  }

  /// The events of one name the admins' screens were sent.
  std::vector<json> broadcasts(const std::string& event) {
    std::vector<json> out;
    for (auto& [name, payload] : pushed())
      if (name == "broadcast " + event)
        out.push_back(payload);
    return out;
  }
};

json full_heartbeat() {
  return {{"localAddr", "192.168.0.10"}, {"version", "1.4.0"}, {"hostname", "office-pc"},
          {"uptimeSeconds", 3600}, {"memoryBytes", 52428800},
          {"counters", {{"indexed", 1520}, {"uploaded", 12}, {"errors", 3}}}};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(daemon_session_tests, fixture)

CAF_TEST(a new document is acked as indexed after the database answers) {
  auto ack = send_event("daemon:pdf_indexed", document(hash_a), 1);
  CAF_CHECK_EQUAL(ack["received"], true);
  CAF_CHECK_EQUAL(ack["status"], "indexed");
  CAF_CHECK_EQUAL(ack["recordId"], 100);
  CAF_CHECK_EQUAL(db_state().seen_hashes.size(), 1u);
}

CAF_TEST(the same document twice is a duplicate and announced once) {
  send_event("daemon:pdf_indexed", document(hash_a), 1);
  auto ack = send_event("daemon:pdf_indexed", document(hash_a), 2);
  CAF_CHECK_EQUAL(ack["status"], "duplicate");
  CAF_REQUIRE_EQUAL(pushed().size(), 1u);
  CAF_CHECK_EQUAL(pushed()[0].first, "pdf:indexed");
  CAF_CHECK_EQUAL(pushed()[0].second["pdfId"], 100);
  CAF_CHECK_EQUAL(pushed()[0].second["cliente"], "Construtora Horizonte");
}

CAF_TEST(with no client listening nothing is announced but the ack is the same) {
  auto nobody = std::make_shared<std::atomic<std::size_t>>(0);
  auto quiet = sys.spawn(actors::daemon_session, conn, registry, db, hub,
                         actors::session_info{"office-2", "Office", "203.0.113.7", "{}", 100, nobody, uploads});
  self->send(quiet, atom::sio_event_v, std::string("daemon:pdf_indexed"), json::array({document(hash_b)}),
             std::optional<std::uint64_t>{4});
  run();
  auto ack = conn->ack_payload(4);
  CAF_CHECK_EQUAL(ack["status"], "indexed");
  CAF_CHECK(pushed().empty());
  self->send_exit(quiet, caf::exit_reason::user_shutdown);
  run();
}

CAF_TEST(an impossible date is refused with the field named and never stored) {
  auto ack = send_event("daemon:pdf_indexed", document(hash_a, "2026-02-30"), 7);
  CAF_CHECK_EQUAL(ack["received"], false);
  CAF_CHECK(ack["error"].get<std::string>().find("dataEvento") != std::string::npos);
  CAF_CHECK(db_state().seen_hashes.empty());
}

CAF_TEST(a database outage is answered as retryable and nothing is claimed stored) {
  db_state().down = true;
  auto ack = send_event("daemon:pdf_indexed", document(hash_a), 3);
  CAF_CHECK_EQUAL(ack["received"], false);
  CAF_CHECK_EQUAL(ack["retryable"], true);
}

CAF_TEST(a batch counts processed duplicates and errors in input order) {
  send_event("daemon:pdf_indexed", document(hash_a), 1);
  json bad = document(hash_b);
  bad["fileHash"] = "not-a-hash";
  auto ack = send_event("daemon:pdf_indexed_batch", {{"documents", {document(hash_a), bad, document(hash_b)}}}, 2);
  CAF_CHECK_EQUAL(ack["processed"], 1);
  CAF_CHECK_EQUAL(ack["duplicates"], 1);
  CAF_CHECK_EQUAL(ack["errors"], 1);
  auto& results = ack["results"];
  CAF_REQUIRE_EQUAL(results.size(), 3u);
  CAF_CHECK_EQUAL(results[0]["status"], "duplicate");
  CAF_CHECK_EQUAL(results[1]["status"], "error");
  CAF_CHECK_EQUAL(results[2]["status"], "indexed");
  CAF_CHECK_EQUAL(results[2]["fileHash"], hash_b);
}

CAF_TEST(a batch of more than ten documents is refused whole) {
  json docs = json::array();
  for (int i = 0; i < 11; ++i)
    docs.push_back(document(std::string(63, 'c') + std::to_string(i % 10)));
  auto ack = send_event("daemon:pdf_indexed_batch", {{"documents", docs}}, 4);
  CAF_CHECK(ack.contains("error"));
  CAF_CHECK(db_state().seen_hashes.empty());
}

CAF_TEST(a sync in chunks asks for unknown hashes and marks the rest at the end) {
  auto first = send_event("daemon:sync",
                          {{"syncId", "s1"}, {"done", false}, {"files", {{{"fileHash", hash_a}, {"filePath", "/a.pdf"}}}}},
                          1);
  CAF_CHECK_EQUAL(first["needed"].size(), 0u);
  CAF_CHECK(!first.contains("markedMissing"));
  auto last = send_event("daemon:sync",
                         {{"syncId", "s1"}, {"done", true}, {"files", {{{"fileHash", hash_b}, {"filePath", "/b.pdf"}}}}},
                         2);
  CAF_CHECK_EQUAL(last["needed"], json::array({hash_b}));
  CAF_CHECK_EQUAL(last["markedMissing"], 3);
  auto all = db_state().all_hashes;
  std::sort(all.begin(), all.end());
  CAF_CHECK_EQUAL(all, (std::vector<std::string>{hash_a, hash_b}));
}

CAF_TEST(a sync entry without a valid hash is refused with its index) {
  auto ack = send_event("daemon:sync", {{"files", {{{"fileHash", "zz"}, {"filePath", "/a.pdf"}}}}}, 1);
  CAF_CHECK(ack["error"].get<std::string>().find("files[0]") != std::string::npos);
}

CAF_TEST(a stat check goes to the database and answers the known files) {
  db_state().job_answer = json::array({{{"filePath", "/srv/pdfs/a.pdf"}, {"fileHash", hash_a}}});
  json files = json::array({{{"filePath", "/srv/pdfs/a.pdf"}, {"fileSize", 1234}, {"mtimeMs", 1700000000123}},
                            {{"filePath", "/srv/pdfs/b.pdf"}, {"fileSize", 0}, {"mtimeMs", 0}}});
  auto ack = send_event("daemon:stat_check", {{"files", files}}, 1);
  CAF_CHECK_EQUAL(ack.dump(), json({{"known", db_state().job_answer}}).dump());
  CAF_CHECK_EQUAL(db_state().jobs, 1);
  db_state().down = true;
  ack = send_event("daemon:stat_check", {{"files", files}}, 2);
  CAF_CHECK_EQUAL(ack["retryable"], true);
  CAF_CHECK_EQUAL(ack["error"], "database unavailable, retry later");
}

CAF_TEST(a stat check out of bounds is refused whole with the entry named) {
  auto entry = [](json path, json size, json mtime) {
    return json{{"filePath", std::move(path)}, {"fileSize", std::move(size)}, {"mtimeMs", std::move(mtime)}};
  };
  json good = entry("/srv/a.pdf", 10, 1700000000000);
  // The error text of the ack (a string: the check macros must not hold a temporary).
  auto refused = [&](json payload, std::uint64_t id) {
    auto ack = send_event("daemon:stat_check", std::move(payload), id);
    return ack.value("error", std::string("no error: ") + ack.dump());
  };
  CAF_CHECK_EQUAL(refused(json::array(), 1), "expected {files: [{filePath, fileSize, mtimeMs}]}");
  CAF_CHECK_EQUAL(refused({{"files", json::array({good, good})}}, 2), "no error: {\"known\":[]}");
  json many = json::array();
  for (int i = 0; i < 2001; ++i)
    many.push_back(good);
  CAF_CHECK_EQUAL(refused({{"files", many}}, 3), "at most 2000 files per stat_check chunk");
  std::string expected = "]: expected {filePath: 1 to 1024 bytes, fileSize: 0 to 2^40, mtimeMs: 0 to 2^53}";
  std::vector<json> bad = {entry("", 1, 1),
                           entry(std::string(1025, 'x'), 1, 1),
                           entry(std::string("a\0b", 3), 1, 1),
                           entry(7, 1, 1),
                           entry("/a.pdf", -1, 1),
                           entry("/a.pdf", 1.5, 1),
                           entry("/a.pdf", (std::int64_t{1} << 40) + 1, 1),
                           entry("/a.pdf", 1, -5),
                           entry("/a.pdf", 1, (std::int64_t{1} << 53) + 1),
                           entry("/a.pdf", 1, "1700000000000"),
                           json{{"filePath", "/a.pdf"}, {"fileSize", 1}},
                           json("not an object")};
  std::uint64_t id = 10;
  for (auto& b : bad)
    CAF_CHECK_EQUAL(refused({{"files", json::array({good, b})}}, id++), "files[1" + expected);
  CAF_CHECK_EQUAL(db_state().jobs, 1); // only the valid chunk reached the database
}

CAF_TEST(a heartbeat is acked at once) {
  auto ack = send_event("daemon:heartbeat", {{"version", "0.1.0"}, {"hostname", "office-pc"}}, 9);
  CAF_CHECK_EQUAL(ack["ok"], true);
  CAF_CHECK(ack["serverTime"].is_string());
}

CAF_TEST(a heartbeat carries the measured round trip to the registry and to admins) {
  conn->rtt = std::chrono::microseconds(12345);
  auto ack = send_event("daemon:heartbeat", full_heartbeat(), 9);
  CAF_CHECK_EQUAL(ack["ok"], true);
  CAF_REQUIRE_EQUAL(registry_state().beats.size(), 1u);
  auto& beat = registry_state().beats[0];
  CAF_CHECK_EQUAL(beat.client_id, "office-1");
  CAF_REQUIRE(beat.rtt_ms.has_value());
  CAF_CHECK_EQUAL(*beat.rtt_ms, 12.35);
  CAF_CHECK_EQUAL(beat.hostname.value_or(""), "office-pc");
  auto live = broadcasts("daemon:heartbeat");
  CAF_REQUIRE_EQUAL(live.size(), 1u);
  CAF_CHECK_EQUAL(live[0]["clientId"], "office-1");
  CAF_CHECK_EQUAL(live[0]["id"], 42);
  CAF_CHECK_EQUAL(live[0]["rttMs"], 12.35);
  CAF_CHECK_EQUAL(live[0]["uptimeSeconds"], 3600);
  CAF_CHECK_EQUAL(live[0]["memoryBytes"], 52428800);
  CAF_CHECK_EQUAL(live[0]["pdfsIndexed"], 1520);
  CAF_CHECK_EQUAL(live[0]["pdfsUploaded"], 12);
  CAF_CHECK_EQUAL(live[0]["localAddr"], "192.168.0.10");
  CAF_CHECK_EQUAL(live[0]["version"], "1.4.0");
  CAF_CHECK(live[0]["at"].is_string());
  // Compact: nothing of the beat beyond what the monitor's table shows.
  CAF_CHECK_EQUAL(live[0].size(), 10u);
}

CAF_TEST(a heartbeat before the first pong has no round trip and odd fields are null) {
  send_event("daemon:heartbeat", {{"version", 7}, {"counters", {{"indexed", -1}, {"uploaded", "many"}}}}, 9);
  CAF_REQUIRE_EQUAL(registry_state().beats.size(), 1u);
  CAF_CHECK(!registry_state().beats[0].rtt_ms);
  auto live = broadcasts("daemon:heartbeat");
  CAF_REQUIRE_EQUAL(live.size(), 1u);
  for (std::string key : {"rttMs", "version", "pdfsIndexed", "pdfsUploaded", "uptimeSeconds", "localAddr"})
    CAF_CHECK_EQUAL(key + " = " + live[0][key].dump(), key + " = null");
}

CAF_TEST(with no admin listening a heartbeat is not relayed but still recorded) {
  auto nobody = std::make_shared<std::atomic<std::size_t>>(0);
  auto quiet = sys.spawn(actors::daemon_session, conn, registry, db, hub,
                         actors::session_info{"office-2", "Office", "203.0.113.7", "{}", 100, nobody, uploads, 43});
  conn->rtt = std::chrono::microseconds(800);
  self->send(quiet, atom::sio_event_v, std::string("daemon:heartbeat"), json::array({full_heartbeat()}),
             std::optional<std::uint64_t>{4});
  run();
  auto ack = conn->ack_payload(4);
  CAF_CHECK_EQUAL(ack["ok"], true);
  CAF_CHECK(broadcasts("daemon:heartbeat").empty());
  CAF_REQUIRE_EQUAL(registry_state().beats.size(), 1u);
  CAF_CHECK_EQUAL(registry_state().beats[0].rtt_ms.value_or(-1), 0.8);
  self->send_exit(quiet, caf::exit_reason::user_shutdown);
  run();
}

CAF_TEST(a session that ends tells the registry why) {
  self->send(session, atom::disconnect_v, std::string("ping timeout"));
  run();
  CAF_CHECK_EQUAL(registry_state().endings, std::vector<std::string>{"ping timeout"});
}

CAF_TEST(a kick disconnects the daemon and gives the registry the reason of the admin) {
  self->send(session, atom::kick_v, std::string("disconnected by an admin"));
  run();
  CAF_REQUIRE_EQUAL(conn->disconnected.size(), 1u);
  CAF_CHECK_EQUAL(conn->disconnected[0].reason, "disconnected by an admin");
  CAF_CHECK_EQUAL(registry_state().endings, std::vector<std::string>{"disconnected by an admin"});
}

CAF_TEST(an unknown event gets an error ack) {
  auto ack = send_event("daemon:teleport", json::object(), 5);
  CAF_CHECK_EQUAL(ack["error"], "unknown event: daemon:teleport");
}

CAF_TEST(upload requests and cancels from the server reach the daemon) {
  json request = {{"requestId", "req-1"}, {"fileHash", hash_a}, {"filename", "a.pdf"}, {"priority", "high"}};
  self->send(session, atom::upload_request_v, request);
  self->send(session, atom::cancel_upload_v, json{{"requestId", "req-1"}, {"reason", "cancelled"}});
  run();
  CAF_REQUIRE_EQUAL(conn->emitted.size(), 2u);
  CAF_CHECK_EQUAL(conn->emitted[0].nsp, "/daemon");
  CAF_CHECK_EQUAL(conn->emitted[0].event, "daemon:upload_request");
  CAF_CHECK_EQUAL(conn->emitted[0].args, json::array({request}));
  CAF_CHECK_EQUAL(conn->emitted[1].event, "daemon:cancel_upload");
}

CAF_TEST(a daemon error that answers an upload request goes to the coordinator) {
  auto ack = send_event("daemon:error",
                        {{"message", "no file with this hash"}, {"code", "file_missing"}, {"requestId", "req-7"},
                         {"fileHash", hash_a}},
                        11);
  CAF_CHECK_EQUAL(ack["ok"], true);
  auto& refused = deref<caf::stateful_actor<refusal_log_state>>(uploads).state.refused;
  CAF_REQUIRE_EQUAL(refused.size(), 1u);
  CAF_CHECK_EQUAL(refused[0], (std::vector<std::string>{"office-1", "req-7", "file_missing", "no file with this hash"}));
  // A report about a file, not a request, is only stored; a code that is not a string is upload_failed.
  send_event("daemon:error", {{"message", "cannot parse"}, {"filePath", "/x.pdf"}}, 12);
  send_event("daemon:error", {{"message", "gave up"}, {"code", 5}, {"requestId", "req-8"}}, 13);
  CAF_REQUIRE_EQUAL(refused.size(), 2u);
  CAF_CHECK_EQUAL(refused[1][2], "upload_failed");
}

CAF_TEST(being replaced disconnects the namespace with a reason) {
  self->send(session, atom::replace_v);
  run();
  CAF_REQUIRE_EQUAL(conn->disconnected.size(), 1u);
  CAF_CHECK_EQUAL(conn->disconnected[0].reason, "replaced by a new connection");
}

CAF_TEST(a sync with a syncId of the wrong type gets an error ack and the session lives on) {
  auto ack = send_event("daemon:sync", {{"syncId", 1}, {"files", json::array()}, {"done", true}}, 21);
  CAF_CHECK(ack.contains("error"));
  ack = send_event("daemon:sync", {{"syncId", "s1"}, {"files", json::array()}, {"done", "yes"}}, 22);
  CAF_CHECK(ack.contains("error"));
  CAF_CHECK(db_state().synced.empty());
  // Still serving: the next event is answered and the socket is open.
  auto beat = send_event("daemon:heartbeat", full_heartbeat(), 23);
  CAF_CHECK_EQUAL(beat["ok"], true);
  CAF_CHECK(conn->closed.empty());
  CAF_CHECK(registry_state().endings.empty());
}

CAF_TEST(a session that dies closes its socket) {
  self->send_exit(session, caf::exit_reason::kill);
  run();
  CAF_REQUIRE_EQUAL(conn->closed.size(), 1u);
  // An event arriving afterwards reaches nobody; the daemon sees its socket close and reconnects.
  CAF_CHECK_EQUAL(conn->closed[0], "session ended");
}

CAF_TEST(a session that ends in order leaves its namespace and only that) {
  // The client's other namespaces on the same connection (an admin's /client
  // multiplexed by socket.io-client, say) stay open.
  self->send(session, atom::disconnect_v, std::string("client namespace disconnect"));
  run();
  CAF_CHECK_EQUAL(conn->closed.size(), 0u);
  CAF_REQUIRE_EQUAL(conn->disconnected.size(), 1u);
  auto kicked = std::make_shared<test::fake_connection>();
  auto other = sys.spawn(actors::daemon_session, kicked, registry, db, hub,
                         actors::session_info{"office-3", "Office", "203.0.113.7", "{}", 100, nullptr, uploads, 43});
  self->send(other, atom::kick_v, std::string("disconnected by an admin"));
  run();
  CAF_CHECK(!kicked->disconnected.empty());
  CAF_CHECK_EQUAL(kicked->closed.size(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
