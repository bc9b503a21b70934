#define CAF_SUITE daemon_registry
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <map>

#include "actors/daemon_registry.hpp"
#include "actors/daemon_session.hpp"
#include "actors/messages.hpp"
#include "fake_connection.hpp"

using namespace siberius;
using json = nlohmann::json;

namespace {

/// The database as the registry sees it: one good token per clientId.
struct auth_db_state {
  std::vector<std::string> offline;
  std::vector<std::string> offline_reasons;
  std::vector<std::size_t> heartbeat_batches;
  std::map<std::string, std::string> versions; // client id -> daemon_version written
};

caf::behavior auth_db(caf::stateful_actor<auth_db_state>* self) {
  return {
    [=](atom::auth_daemon, const std::string& token, const std::string& client_id, const std::string&,
        const std::string&) {
      storage::auth_outcome out;
      if (token == "good" || token == "overlap")
        out.status = storage::auth_status::ok;
      else if (token == "blocked")
        out.status = storage::auth_status::blocked;
      else if (token == "other")
        out.status = storage::auth_status::client_mismatch;
      out.daemon.id = 1;
      out.daemon.client_id = client_id;
      out.daemon.name = "Office";
      out.daemon.last_sync = std::string("2026-01-03T10:00:00Z");
      out.daemon.token_id = token == "overlap" ? 6 : 5;
      if (token == "overlap") // a token in its rotation overlap: 30 s left
        out.daemon.token_expires_epoch =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() + 30;
      return out;
    },
    [=](atom::offline, const std::string& client_id, const std::string&, const std::string& reason) {
      self->state.offline.push_back(client_id);
      self->state.offline_reasons.push_back(reason);
      return true;
    },
    [=](atom::heartbeat, const actors::heartbeat_batch& beats) {
      self->state.heartbeat_batches.push_back(beats.size());
      for (const auto& b : beats)
        self->state.versions[b.client_id] = b.daemon_version.value_or("");
      return true;
    },
  };
}

/// Records what would be pushed to the /client connections.
struct hub_log_state {
  std::vector<std::pair<std::string, json>> events;
};

caf::behavior hub_log(caf::stateful_actor<hub_log_state>* self) {
  return {[=](atom::broadcast, const std::string& event, const json& payload) {
    self->state.events.emplace_back(event, payload);
  }};
}

struct fixture : test_coordinator_fixture<> {
  caf::actor db = sys.spawn(auth_db);
  caf::actor hub = sys.spawn(hub_log);
  caf::actor registry = sys.spawn(actors::daemon_registry, db, hub, actors::registry_options{});

  ~fixture() {
    // Sessions monitor the registry: this ends them all.
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    run();
  }

  std::shared_ptr<test::fake_connection> connect(json auth) {
    auto conn = std::make_shared<test::fake_connection>();
    self->send(registry, atom::connect_v, net::connection_ptr{conn}, std::move(auth));
    run();
    return conn;
  }

  std::vector<std::pair<std::string, json>>& pushed() {
    return deref<caf::stateful_actor<hub_log_state>>(hub).state.events;
  }

  auth_db_state& db_state() {
    return deref<caf::stateful_actor<auth_db_state>>(db).state;
  }

  caf::actor session_of(const test::fake_connection& conn) {
    return *std::static_pointer_cast<caf::actor>(conn.attachment(actors::daemon_nsp));
  }
};

json auth(const char* token, const char* client_id = "office-1") {
  return {{"token", token}, {"clientId", client_id}, {"version", "0.1.0"}};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(daemon_registry_tests, fixture)

CAF_TEST(a good token is accepted with lastSync and gets a session) {
  auto conn = connect(auth("good"));
  CAF_REQUIRE_EQUAL(conn->accepted.size(), 1u);
  CAF_CHECK_EQUAL(conn->accepted[0].nsp, "/daemon");
  CAF_CHECK_EQUAL(conn->accepted[0].extra["lastSync"], "2026-01-03T10:00:00Z");
  CAF_CHECK(conn->attachment("/daemon") != nullptr);
}

CAF_TEST(refusals carry the code a daemon can act on) {
  struct row { json auth; int code; };
  std::vector<row> rows = {
    {auth("bad"), 401},
    {auth("blocked"), 403},
    {auth("other"), 403},
    {json::object({{"clientId", "office-1"}}), 400},
    {auth("good", "has spaces"), 400},
    {json("a string"), 400},
    {json(nullptr), 400},
  };
  for (auto& r : rows) {
    auto conn = connect(r.auth);
    CAF_CHECK(conn->accepted.empty());
    CAF_REQUIRE_EQUAL(conn->rejected.size(), 1u);
    CAF_CHECK_EQUAL(conn->rejected[0].code, r.code);
  }
}

CAF_TEST(a second connection with the same clientId replaces the first) {
  auto first = connect(auth("good"));
  auto second = connect(auth("good"));
  CAF_CHECK_EQUAL(second->accepted.size(), 1u);
  CAF_REQUIRE_EQUAL(first->disconnected.size(), 1u);
  CAF_CHECK_EQUAL(first->disconnected[0].reason, "replaced by a new connection");
  // The replaced session ending must not mark the daemon offline.
  CAF_CHECK(db_state().offline.empty());
  self->send(session_of(*second), atom::disconnect_v, std::string("transport close"));
  run();
  CAF_CHECK_EQUAL(db_state().offline, std::vector<std::string>{"office-1"});
  // Clients saw online, online (the replacement), then one offline.
  std::vector<std::string> statuses;
  for (auto& [event, payload] : pushed())
    if (event == "daemon:status_changed")
      statuses.push_back(payload["status"]);
  CAF_CHECK_EQUAL(statuses, (std::vector<std::string>{"online", "online", "offline"}));
}

CAF_TEST(clients and the database learn the daemon id and why it went offline) {
  auto conn = connect(auth("good"));
  self->send(session_of(*conn), atom::disconnect_v, std::string("ping timeout"));
  run();
  CAF_CHECK_EQUAL(db_state().offline_reasons, std::vector<std::string>{"ping timeout"});
  CAF_REQUIRE_EQUAL(pushed().size(), 2u);
  CAF_CHECK_EQUAL(pushed()[0].second["id"], 1);
  CAF_CHECK_EQUAL(pushed()[0].second["status"], "online");
  CAF_CHECK_EQUAL(pushed()[1].second["id"], 1);
  CAF_CHECK_EQUAL(pushed()[1].second["status"], "offline");
  CAF_CHECK_EQUAL(pushed()[1].second["reason"], "ping timeout");
  // An admin's kick names itself as the reason.
  auto again = connect(auth("good"));
  self->send(registry, atom::kick_v, std::string("office-1"), std::string("disconnected by an admin"));
  run();
  CAF_CHECK_EQUAL(db_state().offline_reasons,
                  (std::vector<std::string>{"ping timeout", "disconnected by an admin"}));
}

namespace {

bool kicked_for_token(const test::fake_connection& conn) {
  for (auto& d : conn.disconnected)
    if (d.nsp == "/daemon" && d.reason == "token expired")
      return true;
  return false;
}

} // namespace

CAF_TEST(a daemon on a rotated out token is disconnected when the overlap ends) {
  auto conn = connect(auth("good")); // token 5
  self->send(registry, atom::token_rotated_v, std::string("office-1"), std::int64_t{9}, std::int64_t{60});
  sched.run();
  CAF_CHECK(!kicked_for_token(*conn));
  sched.advance_time(std::chrono::seconds(62));
  sched.run();
  CAF_CHECK(kicked_for_token(*conn));
  CAF_CHECK_EQUAL(db_state().offline_reasons, (std::vector<std::string>{"token expired"}));
}

CAF_TEST(a daemon already on the new token stays when the overlap ends) {
  auto conn = connect(auth("good")); // token 5
  self->send(registry, atom::token_rotated_v, std::string("office-1"), std::int64_t{5}, std::int64_t{60});
  sched.run();
  sched.advance_time(std::chrono::seconds(62));
  sched.run();
  CAF_CHECK(!kicked_for_token(*conn));
}

CAF_TEST(a connect with a token in its overlap ends with the overlap) {
  auto conn = std::make_shared<test::fake_connection>();
  self->send(registry, atom::connect_v, net::connection_ptr{conn}, auth("overlap"));
  sched.run(); // messages only: the token's timer stays pending
  CAF_REQUIRE_EQUAL(conn->accepted.size(), 1u);
  CAF_CHECK(!kicked_for_token(*conn));
  sched.advance_time(std::chrono::seconds(33));
  sched.run();
  CAF_CHECK(kicked_for_token(*conn));
}

CAF_TEST(the reason of a replaced session does not stick to its successor) {
  auto first = connect(auth("good"));
  auto second = connect(auth("good"));
  CAF_CHECK(db_state().offline.empty());
  // The replaced session's last words arrive late; they are not the successor's.
  caf::send_as(session_of(*first), registry, atom::disconnect_v, std::string("transport close"));
  run();
  CAF_CHECK_EQUAL(deref<caf::stateful_actor<actors::daemon_registry_state>>(registry).state.ending_reason_of.count(
                    "office-1"),
                  0u);
  // The successor ends without a word (it fails): the generic reason.
  self->send_exit(session_of(*second), caf::exit_reason::user_shutdown);
  run();
  CAF_CHECK_EQUAL(db_state().offline_reasons, std::vector<std::string>{"session ended"});
}

CAF_TEST(a session killed outright leaves the registry and the other daemons serving) {
  auto office = connect(auth("good"));
  auto branch = connect(auth("good", "branch-1"));
  // kill is the one exit reason CAF passes along a link as fatal.
  self->send_exit(session_of(*office), caf::exit_reason::kill);
  run();
  CAF_CHECK_EQUAL(db_state().offline, std::vector<std::string>{"office-1"});
  CAF_CHECK_EQUAL(office->closed, std::vector<std::string>{"session ended"});
  CAF_CHECK(branch->closed.empty());
  CAF_CHECK(branch->disconnected.empty());
  // The registry still takes connections.
  auto again = connect(auth("good"));
  CAF_CHECK_EQUAL(again->accepted.size(), 1u);
}

CAF_TEST(sessions end with the registry) {
  auto office = connect(auth("good"));
  auto session = session_of(*office);
  self->monitor(session);
  self->send_exit(registry, caf::exit_reason::user_shutdown);
  run();
  bool ended = false;
  self->receive([&](const caf::down_msg& msg) { ended = msg.source == session.address(); });
  CAF_CHECK(ended);
  CAF_CHECK_EQUAL(office->closed.size() + office->disconnected.size(), 1u);
}

CAF_TEST(heartbeats of many daemons are written together) {
  for (auto id : {"a", "b", "c"})
    self->send(registry, atom::heartbeat_v, storage::daemon_heartbeat::from(id, json{{"version", "0.1.0"}}));
  self->send(registry, atom::heartbeat_v, storage::daemon_heartbeat::from("a", json{{"version", "0.1.1"}}));
  run(); // fires the flush timer too
  CAF_CHECK_EQUAL(db_state().heartbeat_batches, std::vector<std::size_t>{3});
  CAF_CHECK_EQUAL(db_state().versions["a"], "0.1.1");
  CAF_CHECK_EQUAL(db_state().versions["c"], "0.1.0");
}

CAF_TEST_FIXTURE_SCOPE_END()
