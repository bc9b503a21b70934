#define CAF_SUITE alert_center
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "actors/alert_center.hpp"
#include "actors/messages.hpp"

using namespace siberius;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

/// The daemons' list the alert_center polls, and its writes; everything
/// fails while `down`.
struct alert_db_state {
  json daemons = json::array();
  bool down = false;
  int writes = 0;
};

caf::behavior alert_db(caf::stateful_actor<alert_db_state>* self) {
  return {
    [=](atom::list_daemons) -> caf::result<actors::json_reply> {
      if (self->state.down)
        return actors::db_unavailable("connection refused");
      return actors::json_reply{self->state.daemons};
    },
    // write_alerts, recent_alerts: the jobs need a real store; the answer is what matters here.
    [=](atom::db_run, const actors::db_job&) -> caf::result<actors::json_reply> {
      if (self->state.down)
        return actors::db_unavailable("connection refused");
      ++self->state.writes;
      return actors::json_reply{json::array()};
    },
  };
}

/// What the admins' sockets would get.
struct pushes_state {
  std::vector<std::pair<std::string, json>> events;
};

caf::behavior pushes(caf::stateful_actor<pushes_state>* self) {
  return {
    [=](atom::broadcast, const std::string& event, const json& payload) {
      self->state.events.emplace_back(event, payload);
    },
  };
}

json daemon_row(const std::string& id, bool online, const std::string& version = "1.0.0") {
  return {{"clientId", id},
          {"name", "Office " + id},
          {"status", online ? "online" : "offline"},
          {"blocked", false},
          {"lastSeen", "2026-05-01T10:00:00Z"},
          {"version", version}};
}

struct fixture : test_coordinator_fixture<> {
  caf::actor db = sys.spawn(alert_db);
  caf::actor hub = sys.spawn(pushes);
  caf::actor center;

  fixture() {
    actors::alert_center_options opts;
    opts.poll_interval = 30s;
    opts.daemons.offline_after = 15min;
    opts.daemons.offline_pct = 50;
    center = sys.spawn(actors::alert_center, db, hub, opts);
    sched.run();
  }

  ~fixture() {
    self->send_exit(center, caf::exit_reason::user_shutdown);
    sched.run();
  }

  alert_db_state& db_state() { return deref<caf::stateful_actor<alert_db_state>>(db).state; }
  actors::alert_center_state& center_state() {
    return deref<caf::stateful_actor<actors::alert_center_state>>(center).state;
  }

  void wait(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }

  /// The pushes of `event` about `kind`.
  std::vector<json> pushed(const std::string& event, const std::string& kind) {
    std::vector<json> out;
    for (auto& [e, p] : deref<caf::stateful_actor<pushes_state>>(hub).state.events)
      if (e == event && p.value("kind", "") == kind)
        out.push_back(p);
    return out;
  }

  json listing() {
    self->send(center, atom::list_alerts_v);
    sched.run();
    json out;
    self->receive([&](const actors::json_reply& r) { out = r.value; });
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(alert_center_tests, fixture)

CAF_TEST(a daemon offline for the configured minutes raises one alert) {
  db_state().daemons = json::array({daemon_row("office", true), daemon_row("branch", true)});
  wait(30s);
  db_state().daemons = json::array({daemon_row("office", true), daemon_row("branch", false)});
  wait(30s); // first seen offline now
  wait(14min);
  CAF_CHECK(pushed("alert:raised", "daemon_offline").empty());
  wait(1min);
  auto raised = pushed("alert:raised", "daemon_offline");
  CAF_REQUIRE_EQUAL(raised.size(), 1u);
  CAF_CHECK_EQUAL(raised[0]["subject"], "branch");
  CAF_CHECK(raised[0]["clearedAt"].is_null());
  // Still offline for an hour: still one alert.
  for (int i = 0; i < 120; ++i)
    wait(30s);
  CAF_CHECK_EQUAL(pushed("alert:raised", "daemon_offline").size(), 1u);
  auto active = listing()["active"];
  CAF_REQUIRE_EQUAL(active.size(), 1u);
  CAF_CHECK_EQUAL(active[0]["kind"], "daemon_offline");
}

CAF_TEST(the offline alert clears when the daemon comes back) {
  db_state().daemons = json::array({daemon_row("office", true), daemon_row("branch", false)});
  wait(30s);
  wait(16min);
  CAF_REQUIRE_EQUAL(pushed("alert:raised", "daemon_offline").size(), 1u);
  db_state().daemons = json::array({daemon_row("office", true), daemon_row("branch", true)});
  wait(30s);
  auto cleared = pushed("alert:cleared", "daemon_offline");
  CAF_REQUIRE_EQUAL(cleared.size(), 1u);
  CAF_CHECK(cleared[0]["clearedAt"].is_string());
  auto l = listing();
  CAF_CHECK(l["active"].empty());
  CAF_REQUIRE_EQUAL(l["recent"].size(), 1u);
  CAF_CHECK_EQUAL(l["recent"][0]["subject"], "branch");
  // Offline again: counted from zero, a new alert after 15 more minutes.
  db_state().daemons = json::array({daemon_row("office", true), daemon_row("branch", false)});
  wait(30s);
  wait(10min);
  CAF_CHECK_EQUAL(pushed("alert:raised", "daemon_offline").size(), 1u);
  wait(5min);
  CAF_CHECK_EQUAL(pushed("alert:raised", "daemon_offline").size(), 2u);
}

CAF_TEST(more than the percentage of daemons offline raises the percentage alert) {
  db_state().daemons =
    json::array({daemon_row("a", true), daemon_row("b", true), daemon_row("c", false), daemon_row("d", false)});
  wait(30s);
  CAF_CHECK(pushed("alert:raised", "daemons_offline_pct").empty()); // 50 % is not more than 50 %
  wait(2min);
  CAF_CHECK(pushed("alert:raised", "daemons_offline_pct").empty());
  db_state().daemons =
    json::array({daemon_row("a", true), daemon_row("b", false), daemon_row("c", false), daemon_row("d", false)});
  wait(30s);
  // b only just went offline: a reconnection is not counted yet.
  CAF_CHECK(pushed("alert:raised", "daemons_offline_pct").empty());
  wait(2min);
  auto raised = pushed("alert:raised", "daemons_offline_pct");
  CAF_REQUIRE_EQUAL(raised.size(), 1u);
  CAF_CHECK_EQUAL(raised[0]["details"]["offline"], 3);
  CAF_CHECK_EQUAL(raised[0]["details"]["total"], 4);
  CAF_CHECK_EQUAL(raised[0]["severity"], "critical");
  wait(30s);
  CAF_CHECK_EQUAL(pushed("alert:raised", "daemons_offline_pct").size(), 1u);
  db_state().daemons =
    json::array({daemon_row("a", true), daemon_row("b", true), daemon_row("c", true), daemon_row("d", false)});
  wait(30s);
  CAF_CHECK_EQUAL(pushed("alert:cleared", "daemons_offline_pct").size(), 1u);
}

CAF_TEST(daemons that never connected or are blocked do not count) {
  auto never = daemon_row("new", false);
  never.erase("lastSeen");
  auto blocked = daemon_row("old", false);
  blocked["blocked"] = true;
  db_state().daemons = json::array({daemon_row("a", true), never, blocked});
  wait(30s);
  wait(20min);
  CAF_CHECK(pushed("alert:raised", "daemons_offline_pct").empty());
  CAF_CHECK(pushed("alert:raised", "daemon_offline").empty());
}

CAF_TEST(daemons on different versions raise one alert until they agree) {
  db_state().daemons = json::array({daemon_row("a", true, "1.2.0"), daemon_row("b", true, "1.2.0")});
  wait(30s);
  CAF_CHECK(pushed("alert:raised", "daemon_versions").empty());
  db_state().daemons = json::array({daemon_row("a", true, "1.2.0"), daemon_row("b", true, "1.3.0")});
  wait(30s);
  wait(30s);
  auto raised = pushed("alert:raised", "daemon_versions");
  CAF_REQUIRE_EQUAL(raised.size(), 1u);
  CAF_CHECK_EQUAL(raised[0]["details"]["versions"]["1.3.0"], json::array({"b"}));
  db_state().daemons = json::array({daemon_row("a", true, "1.3.0"), daemon_row("b", true, "1.3.0")});
  wait(30s);
  CAF_CHECK_EQUAL(pushed("alert:cleared", "daemon_versions").size(), 1u);
}

CAF_TEST(postgresql unreachable is raised in memory and written when it returns) {
  db_state().down = true;
  wait(30s);
  auto raised = pushed("alert:raised", "db_unreachable");
  CAF_REQUIRE_EQUAL(raised.size(), 1u);
  CAF_CHECK_EQUAL(raised[0]["severity"], "critical");
  CAF_CHECK_EQUAL(db_state().writes, 0);
  CAF_CHECK_EQUAL(center_state().unwritten.size(), 1u);
  wait(30s);
  CAF_CHECK_EQUAL(pushed("alert:raised", "db_unreachable").size(), 1u);
  db_state().down = false;
  wait(30s);
  CAF_CHECK_EQUAL(pushed("alert:cleared", "db_unreachable").size(), 1u);
  CAF_CHECK(db_state().writes >= 1);
  CAF_CHECK(center_state().unwritten.empty());
}

CAF_TEST(raise and clear messages are keyed by kind and subject) {
  actors::alert_condition c{"disk_floor", "disk", "critical", "free disk space below the floor", {}};
  self->send(center, atom::alert_raise_v, c);
  self->send(center, atom::alert_raise_v, c);
  sched.run();
  CAF_CHECK_EQUAL(pushed("alert:raised", "disk_floor").size(), 1u);
  self->send(center, atom::alert_clear_v, std::string("disk_floor"), std::string("other"));
  sched.run();
  CAF_CHECK(pushed("alert:cleared", "disk_floor").empty());
  self->send(center, atom::alert_clear_v, std::string("disk_floor"), std::string("disk"));
  self->send(center, atom::alert_clear_v, std::string("disk_floor"), std::string("disk"));
  sched.run();
  CAF_CHECK_EQUAL(pushed("alert:cleared", "disk_floor").size(), 1u);
}

CAF_TEST(a failed janitor run raises an alert that a good run clears) {
  self->send(center, atom::janitor_failed_v, std::string("database unavailable"));
  sched.run();
  auto raised = pushed("alert:raised", "janitor_failed");
  CAF_REQUIRE_EQUAL(raised.size(), 1u);
  CAF_CHECK_EQUAL(raised[0]["details"]["reason"], "database unavailable");
  self->send(center, atom::janitor_ok_v);
  sched.run();
  CAF_CHECK_EQUAL(pushed("alert:cleared", "janitor_failed").size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
