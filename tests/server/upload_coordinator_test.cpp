#define CAF_SUITE upload_coordinator
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <algorithm>
#include <set>

#include "actors/messages.hpp"
#include "actors/upload_coordinator.hpp"

using namespace siberius;
using json = nlohmann::json;
using actors::request_answer;

namespace {

/// The database as the coordinator and its transfers see it: PDFs 1-100 are
/// indexed by the daemon "office", not cached.
struct db_log_state {
  std::vector<std::int64_t> begun;
  std::vector<std::pair<std::int64_t, storage::transfer_end>> ended;
  std::vector<std::pair<std::int64_t, std::string>> locations_missing; // (pdf id, client id)
  std::set<std::int64_t> cached; // PDFs whose copy is on the server
  std::vector<std::int64_t> looked_up;
};

caf::behavior db_log(caf::stateful_actor<db_log_state>* self) {
  return {
    [=](atom::request_target, std::int64_t id) -> std::optional<storage::request_target> {
      self->state.looked_up.push_back(id);
      if (id > 100)
        return std::nullopt;
      storage::request_target t;
      t.pdf_id = id;
      t.client_id = "office";
      t.file_hash = std::string(64, 'a');
      t.filename = "os_" + std::to_string(id) + ".pdf";
      t.status = self->state.cached.count(id) > 0 ? "cached" : "available_local";
      t.file_size = 1000;
      if (id > 50) // in two offices: "office" indexed it first, "branch" has it too
        t.holders = {"office", "branch"};
      return t;
    },
    [=](atom::transfer_begin, std::int64_t id) {
      self->state.begun.push_back(id);
      return true;
    },
    [=](atom::transfer_end, std::int64_t id, const std::string&, const std::string&, storage::transfer_end how,
        const std::string&) {
      self->state.ended.emplace_back(id, how);
      return true;
    },
    [=](atom::location_missing, std::int64_t id, const std::string& client_id, const std::string&,
        const std::string&) {
      self->state.locations_missing.emplace_back(id, client_id);
      return true;
    },
  };
}

struct hub_log_state {
  std::vector<std::pair<std::string, json>> events;
};

caf::behavior hub_log(caf::stateful_actor<hub_log_state>* self) {
  return {[=](atom::publish, const std::string& event, const json& payload, std::int64_t) {
    self->state.events.emplace_back(event, payload);
  }};
}

/// What a daemon_session would emit to its daemon.
struct session_log_state {
  std::vector<json> requests;
  std::vector<json> cancels;
};

caf::behavior session_log(caf::stateful_actor<session_log_state>* self) {
  return {
    [=](atom::upload_request, const json& payload) { self->state.requests.push_back(payload); },
    [=](atom::cancel_upload, const json& payload) { self->state.cancels.push_back(payload); },
  };
}

struct fixture : test_coordinator_fixture<> {
  /// Runs every pending message but fires no timer (the fixture's run() also
  /// fires timers, which would count as stalls).
  void drain() {
    sched.run();
  }

  caf::actor db = sys.spawn(db_log);
  caf::actor hub = sys.spawn(hub_log);
  caf::actor session = sys.spawn(session_log);
  caf::actor coordinator;
  actors::storage_gate_ptr gate = std::make_shared<actors::storage_gate>();

  fixture() {
    actors::transfer_options opts;
    opts.stall_timeout = std::chrono::seconds(30);
    opts.attempts = 3;
    opts.rate_limit = 5;
    opts.storage = gate;
    coordinator = sys.spawn(actors::upload_coordinator, db, hub, opts);
    drain();
  }

  ~fixture() {
    self->send_exit(coordinator, caf::exit_reason::user_shutdown);
    drain();
  }

  request_answer ask(std::int64_t id, bool high = false) {
    self->send(coordinator, atom::request_pdf_v, id, high, std::string("admin"));
    drain();
    request_answer out;
    self->receive([&](const request_answer& a) { out = a; });
    return out;
  }

  void online(const caf::actor& s, const std::string& client_id = "office") {
    self->send(coordinator, atom::daemon_up_v, client_id, s);
    drain();
  }

  void offline(const std::string& client_id) {
    self->send(coordinator, atom::daemon_down_v, client_id);
    drain();
  }

  /// What the upload endpoint hears when `client_id` posts a body for
  /// (`id`, `request_id`).
  request_answer upload_admit(const std::string& client_id, std::int64_t id, const std::string& request_id) {
    self->send(coordinator, atom::upload_admit_v, client_id, id, request_id);
    drain();
    request_answer out;
    self->receive([&](const request_answer& a) { out = a; });
    return out;
  }

  std::vector<json>& asked(const caf::actor& s) {
    return deref<caf::stateful_actor<session_log_state>>(s).state.requests;
  }

  std::vector<std::pair<std::string, json>>& published() {
    return deref<caf::stateful_actor<hub_log_state>>(hub).state.events;
  }

  std::vector<std::string> asked_files(const caf::actor& s) {
    std::vector<std::string> out;
    for (auto& r : asked(s))
      out.push_back(r.at("filename").get<std::string>());
    return out;
  }

  void refuse(const std::string& client_id, const std::string& request_id, const std::string& code = "file_missing") {
    self->send(coordinator, atom::upload_refused_v, client_id, request_id, code, std::string("no file with this hash"));
    drain();
  }

  db_log_state& database() {
    return deref<caf::stateful_actor<db_log_state>>(db).state;
  }

  std::vector<json> events_named(const std::string& name) {
    std::vector<json> out;
    for (auto& [event, payload] : published())
      if (event == name)
        out.push_back(payload);
    return out;
  }

  json status(std::int64_t id) {
    self->send(coordinator, atom::transfer_status_v, id);
    drain();
    json out;
    self->receive([&](const actors::json_reply& r) { out = r.value; });
    return out;
  }

  /// The transfer's state, "" when none is under way.
  std::string state_of(std::int64_t id) {
    auto s = status(id);
    return s.is_object() ? s.at("state").get<std::string>() : std::string();
  }

  /// The auto_upload actor's list of candidates for `client_id`.
  void candidates(std::vector<std::int64_t> ids, const std::string& client_id = "office") {
    self->send(coordinator, atom::auto_upload_v, client_id, std::move(ids));
    drain();
  }

  std::vector<json>& cancels(const caf::actor& s) {
    return deref<caf::stateful_actor<session_log_state>>(s).state.cancels;
  }

  std::string priority_of(std::int64_t id) {
    auto s = status(id);
    return s.is_object() ? s.at("priority").get<std::string>() : std::string();
  }

  std::string request_of(std::int64_t id) {
    auto s = status(id);
    return s.is_object() ? s.at("requestId").get<std::string>() : std::string();
  }

  void stored(std::int64_t id, const std::string& request_id) {
    self->send(coordinator, atom::upload_stored_v, id, request_id, std::string("2026-12-20T00:00:00Z"),
               std::int64_t{1000});
    drain();
  }
};

using names = std::vector<std::string>;

} // namespace

CAF_TEST_FIXTURE_SCOPE(upload_coordinator_tests, fixture)

CAF_TEST(a full cache refuses new requests and fails an upload refused for it) {
  online(session);
  auto rid = ask(1).body.at("requestId").get<std::string>();
  gate->set(true, "the PDF cache is full (1.0 GiB of 1.0 GiB)");
  auto refused = ask(2);
  CAF_CHECK_EQUAL(refused.status, 507);
  CAF_CHECK_EQUAL(refused.body.at("code"), "storage_full");
  CAF_CHECK_EQUAL(refused.body.at("error"), "the PDF cache is full (1.0 GiB of 1.0 GiB)");
  CAF_CHECK_EQUAL(asked(session).size(), 1u);
  // The upload endpoint refused PDF 1's body: the transfer ends for good.
  self->send(coordinator, atom::upload_rejected_v, std::int64_t{1}, rid, std::string("storage_full"),
             std::string("the PDF cache is full (1.0 GiB of 1.0 GiB)"));
  drain();
  auto failed = std::find_if(published().begin(), published().end(),
                             [](auto& e) { return e.first == "pdf:failed"; });
  CAF_REQUIRE(failed != published().end());
  CAF_CHECK_EQUAL(failed->second.at("code"), "storage_full");
  CAF_CHECK_EQUAL(failed->second.at("reason"), "the PDF cache is full (1.0 GiB of 1.0 GiB)");
  gate->set(false, "");
  CAF_CHECK_EQUAL(ask(2).status, 202);
}

CAF_TEST(three uploads run per daemon and the rest follow with high priority first) {
  online(session);
  std::vector<std::string> ids;
  for (std::int64_t id = 1; id <= 4; ++id)
    ids.push_back(ask(id).body.at("requestId").get<std::string>());
  auto urgent = ask(5, true);
  CAF_CHECK_EQUAL(urgent.status, 202);
  CAF_CHECK_EQUAL(asked_files(session), (names{"os_1.pdf", "os_2.pdf", "os_3.pdf"}));
  stored(1, ids[0]);
  CAF_CHECK_EQUAL(asked_files(session), (names{"os_1.pdf", "os_2.pdf", "os_3.pdf", "os_5.pdf"}));
  CAF_CHECK_EQUAL(asked(session).back().at("priority"), "high");
  stored(2, ids[1]);
  CAF_CHECK_EQUAL(asked(session).back().at("filename"), "os_4.pdf");
  // The first is ready for the clients, with where to download it.
  auto& events = published();
  auto ready = std::find_if(events.begin(), events.end(), [](auto& e) { return e.first == "pdf:ready"; });
  CAF_REQUIRE(ready != events.end());
  CAF_CHECK_EQUAL(ready->second.at("pdfUrl"), "/api/pdfs/1/download");
  CAF_CHECK_EQUAL(ready->second.at("requestId"), ids[0]);
}

CAF_TEST(requests for a PDF on its way join it and the daemon is asked once) {
  online(session);
  auto first = ask(7);
  for (int i = 0; i < 9; ++i) {
    auto again = ask(7);
    CAF_CHECK_EQUAL(again.status, 202);
    CAF_CHECK_EQUAL(again.body.at("requestId"), first.body.at("requestId"));
    CAF_CHECK_EQUAL(again.body.at("coalesced"), true);
  }
  CAF_CHECK_EQUAL(asked(session).size(), 1u);
  CAF_CHECK_EQUAL(ask(999).status, 404);
}

CAF_TEST(a request waits while the daemon is offline and is sent when it connects) {
  auto waiting = ask(3);
  CAF_CHECK_EQUAL(waiting.body.at("status"), "daemon_offline");
  self->send(coordinator, atom::transfer_status_v, std::int64_t{3});
  drain();
  self->receive([](const actors::json_reply& r) { CAF_CHECK_EQUAL(r.value.at("state"), "daemon_offline"); });
  online(session);
  CAF_CHECK_EQUAL(asked_files(session), names{"os_3.pdf"});
  // It drops mid-upload: the transfer waits and is asked of the new session.
  self->send(coordinator, atom::daemon_down_v, std::string("office"));
  drain();
  auto second = sys.spawn(session_log);
  online(second);
  CAF_CHECK_EQUAL(asked_files(second), names{"os_3.pdf"});
  CAF_CHECK_EQUAL(asked(second)[0].at("requestId"), waiting.body.at("requestId"));
}

CAF_TEST(a stalled upload is asked for again and fails after the last attempt) {
  online(session);
  auto rid = ask(4).body.at("requestId").get<std::string>();
  CAF_CHECK_EQUAL(asked(session).size(), 1u);
  sched.trigger_timeouts();
  drain();
  CAF_CHECK_EQUAL(asked(session).size(), 2u);
  CAF_CHECK_EQUAL(asked(session)[1].at("attempt"), 2);
  sched.trigger_timeouts();
  drain();
  CAF_CHECK_EQUAL(asked(session).size(), 3u);
  sched.trigger_timeouts();
  drain();
  CAF_CHECK_EQUAL(asked(session).size(), 3u);
  auto& cancels = deref<caf::stateful_actor<session_log_state>>(session).state.cancels;
  CAF_REQUIRE_EQUAL(cancels.size(), 1u);
  CAF_CHECK_EQUAL(cancels[0].at("requestId"), rid);
  auto& events = published();
  CAF_REQUIRE(!events.empty());
  CAF_CHECK_EQUAL(events.back().first, "pdf:failed");
  CAF_CHECK_EQUAL(events.back().second.at("code"), "stalled");
  auto& ended = deref<caf::stateful_actor<db_log_state>>(db).state.ended;
  CAF_REQUIRE_EQUAL(ended.size(), 1u);
  CAF_CHECK(ended[0].second == storage::transfer_end::failed);
  // Over: a new request starts a new transfer.
  CAF_CHECK_NOT_EQUAL(ask(4).body.at("requestId"), rid);
}

CAF_TEST(a daemon that no longer has the file ends the transfer as missing) {
  online(session);
  auto rid = ask(9).body.at("requestId").get<std::string>();
  self->send(coordinator, atom::upload_refused_v, std::string("office"), rid, std::string("file_missing"),
             std::string("no file with this hash"));
  drain();
  auto& ended = deref<caf::stateful_actor<db_log_state>>(db).state.ended;
  CAF_REQUIRE_EQUAL(ended.size(), 1u);
  CAF_CHECK(ended[0].second == storage::transfer_end::missing);
  CAF_CHECK_EQUAL(published().back().second.at("code"), "file_missing");
}

CAF_TEST(past the rate limit a daemon gets no more new transfers for a while) {
  for (std::int64_t id = 1; id <= 5; ++id)
    CAF_CHECK_EQUAL(ask(id).status, 202);
  auto limited = ask(6);
  CAF_CHECK_EQUAL(limited.status, 429);
  CAF_CHECK_GREATER(limited.retry_after, 0);
  CAF_CHECK_EQUAL(ask(1).status, 202); // joining one under way is not new
}

CAF_TEST(a cancel ends the transfer and a request meanwhile is told to wait) {
  online(session);
  auto rid = ask(2).body.at("requestId").get<std::string>();
  self->send(coordinator, atom::cancel_request_v, std::int64_t{2}, std::string("admin"));
  // Before the transfer has ended: a new request is not joined to it.
  sched.run_once(); // the coordinator takes the cancel and answers
  self->receive([](const request_answer& a) { CAF_CHECK_EQUAL(a.status, 200); });
  auto during = ask(2);
  CAF_CHECK_EQUAL(during.status, 409);
  CAF_CHECK_EQUAL(during.body.at("code"), "cancelling");
  CAF_CHECK_EQUAL(during.retry_after, 1);
  drain();
  auto& cancels = deref<caf::stateful_actor<session_log_state>>(session).state.cancels;
  CAF_REQUIRE_GREATER_OR_EQUAL(cancels.size(), 1u);
  CAF_CHECK_EQUAL(cancels[0].at("requestId"), rid);
  CAF_CHECK_EQUAL(published().back().second.at("code"), "cancelled");
  // Once it has ended, a request starts a new transfer.
  auto after = ask(2);
  CAF_CHECK_EQUAL(after.status, 202);
  CAF_CHECK_NOT_EQUAL(after.body.at("requestId"), rid);
}

CAF_TEST(a transfer that dies fails like a failed upload and frees its slot) {
  online(session);
  std::vector<std::string> ids;
  for (std::int64_t id = 1; id <= 4; ++id)
    ids.push_back(ask(id).body.at("requestId").get<std::string>());
  CAF_CHECK_EQUAL(asked_files(session), (names{"os_1.pdf", "os_2.pdf", "os_3.pdf"}));
  auto& st = deref<caf::stateful_actor<actors::upload_coordinator_state>>(coordinator).state;
  // As if it had thrown: CAF ends an actor whose handler throws with unhandled_exception.
  self->send_exit(st.transfers.at(1).transfer, caf::exit_reason::unhandled_exception);
  drain();
  // The row leaves uploading, as for a failed upload.
  auto& ended = deref<caf::stateful_actor<db_log_state>>(db).state.ended;
  CAF_REQUIRE_EQUAL(ended.size(), 1u);
  CAF_CHECK_EQUAL(ended[0].first, 1);
  CAF_CHECK(ended[0].second == storage::transfer_end::failed);
  // The clients hear it failed.
  auto& events = published();
  CAF_REQUIRE(!events.empty());
  CAF_CHECK_EQUAL(events.back().first, "pdf:failed");
  CAF_CHECK_EQUAL(events.back().second.at("pdfId"), 1);
  CAF_CHECK_EQUAL(events.back().second.at("requestId"), ids[0]);
  // The daemon stops sending it, and the waiting one takes its slot.
  auto& cancels = deref<caf::stateful_actor<session_log_state>>(session).state.cancels;
  CAF_REQUIRE_EQUAL(cancels.size(), 1u);
  CAF_CHECK_EQUAL(cancels[0].at("requestId"), ids[0]);
  CAF_CHECK_EQUAL(asked_files(session), (names{"os_1.pdf", "os_2.pdf", "os_3.pdf", "os_4.pdf"}));
  // The coordinator lives on: asking again starts a new transfer.
  auto again = ask(1);
  CAF_CHECK_EQUAL(again.status, 202);
  CAF_CHECK_NOT_EQUAL(again.body.at("requestId"), ids[0]);
  self->send(coordinator, atom::transfer_status_v, std::int64_t{1});
  drain();
  self->receive([](const actors::json_reply& r) { CAF_CHECK_EQUAL(r.value.at("state"), "queued"); });
}

CAF_TEST(a transfer killed outright fails alone and the coordinator serves on) {
  online(session);
  auto first = ask(1).body.at("requestId").get<std::string>();
  ask(2);
  auto& st = deref<caf::stateful_actor<actors::upload_coordinator_state>>(coordinator).state;
  auto other = st.transfers.at(2).transfer;
  // kill is the one exit reason CAF passes along a link as fatal.
  self->send_exit(st.transfers.at(1).transfer, caf::exit_reason::kill);
  drain();
  auto& events = published();
  CAF_REQUIRE(!events.empty());
  CAF_CHECK_EQUAL(events.back().first, "pdf:failed");
  CAF_CHECK_EQUAL(events.back().second.at("requestId"), first);
  // The other transfer is untouched, and the coordinator answers.
  CAF_CHECK_EQUAL(st.transfers.count(2), 1u);
  CAF_CHECK(st.transfers.at(2).transfer == other);
  self->send(coordinator, atom::transfer_status_v, std::int64_t{2});
  drain();
  self->receive([](const actors::json_reply& r) { CAF_CHECK(r.value.is_object() && r.value.contains("requestId")); });
}

CAF_TEST(transfers end with the coordinator) {
  online(session);
  ask(1);
  auto& st = deref<caf::stateful_actor<actors::upload_coordinator_state>>(coordinator).state;
  auto transfer = st.transfers.at(1).transfer;
  self->monitor(transfer);
  self->send_exit(coordinator, caf::exit_reason::user_shutdown);
  drain();
  bool ended = false;
  self->receive([&](const caf::down_msg& msg) { ended = msg.source == transfer.address(); });
  CAF_CHECK(ended);
}

CAF_TEST(a file in two offices is asked of the online one and moves when its daemon leaves) {
  auto branch = sys.spawn(session_log);
  // Only the branch is online: it is asked, though office indexed the file first.
  online(branch, "branch");
  auto first = ask(60);
  CAF_CHECK_EQUAL(first.body.at("status"), "uploading");
  CAF_CHECK_EQUAL(asked_files(branch), names{"os_60.pdf"});
  CAF_CHECK(asked(session).empty());
  // Both online: office (first in the list) is asked; it leaves mid-upload and
  // the branch takes the transfer over under the same requestId.
  online(session, "office");
  auto second = ask(61).body.at("requestId");
  CAF_CHECK_EQUAL(asked_files(session), names{"os_61.pdf"});
  offline("office");
  CAF_CHECK_EQUAL(asked_files(branch), (names{"os_60.pdf", "os_61.pdf"}));
  CAF_CHECK_EQUAL(asked(branch).back().at("requestId"), second);
  // A file only office has waits for it.
  auto waiting = ask(5);
  CAF_CHECK_EQUAL(waiting.body.at("status"), "daemon_offline");
  CAF_CHECK_EQUAL(asked_files(branch), (names{"os_60.pdf", "os_61.pdf"}));
  // Nobody online: a two-office file waits, and goes to whichever connects.
  offline("branch");
  auto later = ask(62);
  CAF_CHECK_EQUAL(later.body.at("status"), "daemon_offline");
  auto branch_again = sys.spawn(session_log);
  online(branch_again, "branch");
  auto files = asked_files(branch_again);
  std::sort(files.begin(), files.end()); // the two paused ones first, in either order
  CAF_CHECK_EQUAL(files, (names{"os_60.pdf", "os_61.pdf", "os_62.pdf"}));
}

CAF_TEST(an upload is received only for a transfer asked of that daemon and three at a time) {
  online(session);
  auto branch = sys.spawn(session_log);
  online(branch, "branch");
  std::vector<std::string> ids;
  for (std::int64_t id = 1; id <= 4; ++id)
    ids.push_back(ask(id).body.at("requestId").get<std::string>());
  // Not asked for at all, or with another request id, or by another daemon.
  auto made_up = upload_admit("office", 30, "req-made-up");
  CAF_CHECK_EQUAL(made_up.status, 409);
  CAF_CHECK_EQUAL(made_up.body.at("code"), "not_requested");
  CAF_CHECK_EQUAL(upload_admit("office", 1, ids[1]).status, 409);
  CAF_CHECK_EQUAL(upload_admit("branch", 1, ids[0]).status, 409);
  // The fourth waits for its turn: not asked of the daemon yet.
  CAF_CHECK_EQUAL(upload_admit("office", 4, ids[3]).status, 409);
  // Asked: accepted, at most three bodies at once (a retry opens another).
  CAF_CHECK_EQUAL(upload_admit("office", 1, ids[0]).status, 200);
  CAF_CHECK_EQUAL(upload_admit("office", 2, ids[1]).status, 200);
  CAF_CHECK_EQUAL(upload_admit("office", 3, ids[2]).status, 200);
  auto fourth = upload_admit("office", 1, ids[0]);
  CAF_CHECK_EQUAL(fourth.status, 429);
  CAF_CHECK_EQUAL(fourth.body.at("code"), "too_many_uploads");
  CAF_CHECK_EQUAL(fourth.retry_after, 1);
  self->send(coordinator, atom::upload_closed_v, std::string("office"));
  drain();
  CAF_CHECK_EQUAL(upload_admit("office", 1, ids[0]).status, 200);
  // A finished transfer takes no more bodies.
  stored(2, ids[1]);
  CAF_CHECK_EQUAL(upload_admit("office", 2, ids[1]).status, 409);
}

CAF_TEST(a file gone from one office is asked of the next office under the same request) {
  online(session, "office");
  auto branch = sys.spawn(session_log);
  online(branch, "branch");
  // PDF 60 is in both offices and office is asked first; office's other two
  // slots are taken, and a fourth request waits for one.
  auto rid = ask(60).body.at("requestId").get<std::string>();
  ask(1);
  ask(2);
  ask(3);
  CAF_CHECK_EQUAL(asked_files(session), (names{"os_60.pdf", "os_1.pdf", "os_2.pdf"}));
  CAF_CHECK(asked(branch).empty());
  // Office no longer has it: the branch is asked, same requestId, nobody hears of a failure.
  refuse("office", rid);
  CAF_REQUIRE_EQUAL(asked(branch).size(), 1u);
  CAF_CHECK_EQUAL(asked(branch)[0].at("filename"), "os_60.pdf");
  CAF_CHECK_EQUAL(asked(branch)[0].at("requestId"), rid);
  CAF_CHECK(events_named("pdf:failed").empty());
  CAF_CHECK(database().ended.empty());
  // Only office's location is recorded gone.
  CAF_CHECK_EQUAL(database().locations_missing.size(), 1u);
  CAF_CHECK(database().locations_missing == (std::vector<std::pair<std::int64_t, std::string>>{{60, "office"}}));
  // Office's slot is free: the waiting request starts there.
  CAF_CHECK_EQUAL(asked_files(session), (names{"os_60.pdf", "os_1.pdf", "os_2.pdf", "os_3.pdf"}));
  auto moved = status(60);
  CAF_CHECK_EQUAL(moved.at("state"), "requested");
  CAF_CHECK_EQUAL(moved.at("requestId"), rid);
  // The upload is now the branch's to send, not office's.
  CAF_CHECK_EQUAL(upload_admit("office", 60, rid).status, 409);
  CAF_CHECK_EQUAL(upload_admit("branch", 60, rid).status, 200);
  // A late second refusal from office changes nothing.
  refuse("office", rid);
  CAF_CHECK(events_named("pdf:failed").empty());
  // The branch has lost it too: no office is left, the transfer fails as missing.
  refuse("branch", rid);
  auto failed = events_named("pdf:failed");
  CAF_REQUIRE_EQUAL(failed.size(), 1u);
  CAF_CHECK_EQUAL(failed[0].at("code"), "file_missing");
  CAF_CHECK_EQUAL(failed[0].at("requestId"), rid);
  CAF_REQUIRE_EQUAL(database().ended.size(), 1u);
  CAF_CHECK(database().ended[0] == std::make_pair(std::int64_t{60}, storage::transfer_end::missing));
  CAF_CHECK_EQUAL(status(60), json(nullptr));
  // Office was not asked again for it.
  CAF_CHECK_EQUAL(asked_files(session), (names{"os_60.pdf", "os_1.pdf", "os_2.pdf", "os_3.pdf"}));
}

CAF_TEST(an office that refused is not asked again and an offline one is asked when it connects) {
  online(session, "office");
  auto rid = ask(61).body.at("requestId").get<std::string>();
  CAF_CHECK_EQUAL(asked_files(session), names{"os_61.pdf"});
  // The file changed in office; the branch has it but is offline: the transfer waits for it.
  refuse("office", rid, "hash_changed");
  CAF_REQUIRE(events_named("pdf:failed").empty());
  CAF_CHECK_EQUAL(state_of(61), "daemon_offline");
  // Office reconnecting is not asked again within this request.
  offline("office");
  auto office_again = sys.spawn(session_log);
  online(office_again, "office");
  CAF_CHECK(asked(office_again).empty());
  CAF_CHECK_EQUAL(state_of(61), "daemon_offline");
  // The branch connects and is asked, under the same requestId; it serves the file.
  auto branch = sys.spawn(session_log);
  online(branch, "branch");
  CAF_REQUIRE_EQUAL(asked(branch).size(), 1u);
  CAF_CHECK_EQUAL(asked(branch)[0].at("requestId"), rid);
  stored(61, rid);
  auto ready = events_named("pdf:ready");
  CAF_REQUIRE_EQUAL(ready.size(), 1u);
  CAF_CHECK_EQUAL(ready[0].at("requestId"), rid);
  CAF_CHECK(events_named("pdf:failed").empty());
  CAF_CHECK(database().ended.empty());
  CAF_CHECK(database().locations_missing == (std::vector<std::pair<std::int64_t, std::string>>{{61, "office"}}));
}

CAF_TEST(an office that refused is passed over when the office serving the request goes offline) {
  online(session, "office");
  auto branch = sys.spawn(session_log);
  online(branch, "branch");
  auto rid = ask(62).body.at("requestId").get<std::string>();
  refuse("office", rid);
  CAF_REQUIRE_EQUAL(asked(branch).size(), 1u);
  // The branch drops mid-upload: the transfer waits for it rather than going back to office.
  offline("branch");
  CAF_CHECK_EQUAL(state_of(62), "daemon_offline");
  CAF_CHECK_EQUAL(asked_files(session), names{"os_62.pdf"});
  auto branch_again = sys.spawn(session_log);
  online(branch_again, "branch");
  CAF_REQUIRE_EQUAL(asked(branch_again).size(), 1u);
  CAF_CHECK_EQUAL(asked(branch_again)[0].at("requestId"), rid);
  CAF_CHECK(events_named("pdf:failed").empty());
}

CAF_TEST(an auto upload runs alone and gives its place to a person) {
  online(session);
  candidates({10, 11, 12});
  // One at a time, asked of the daemon as a normal upload, low for the server.
  CAF_CHECK_EQUAL(asked_files(session), names{"os_10.pdf"});
  CAF_CHECK_EQUAL(asked(session).back().at("priority"), "normal");
  CAF_CHECK_EQUAL(priority_of(10), "low");
  auto low_request = request_of(10);
  auto one = ask(1).body.at("requestId").get<std::string>();
  auto two = ask(2).body.at("requestId").get<std::string>();
  CAF_CHECK_EQUAL(asked_files(session), (names{"os_10.pdf", "os_1.pdf", "os_2.pdf"}));
  CAF_CHECK(cancels(session).empty());
  // A third person: the auto upload stops on the daemon and waits again.
  ask(3);
  CAF_REQUIRE_EQUAL(cancels(session).size(), 1u);
  CAF_CHECK_EQUAL(cancels(session)[0].at("requestId"), low_request);
  CAF_CHECK_EQUAL(cancels(session)[0].at("reason"), "preempted");
  CAF_CHECK_EQUAL(asked(session).back().at("filename"), "os_3.pdf");
  CAF_CHECK_EQUAL(state_of(10), "queued");
  // Its upload, if the daemon sends one before stopping, is refused.
  CAF_CHECK_EQUAL(upload_admit("office", 10, low_request).status, 409);
  // A person's upload ends: the auto upload resumes under the same request.
  stored(1, one);
  CAF_CHECK_EQUAL(asked(session).back().at("filename"), "os_10.pdf");
  CAF_CHECK_EQUAL(asked(session).back().at("requestId"), low_request);
  CAF_CHECK(events_named("pdf:failed").empty());
  stored(10, low_request);
  CAF_CHECK_EQUAL(events_named("pdf:ready").size(), 2u);
}

CAF_TEST(a person asking for a PDF under auto upload joins it at their priority) {
  online(session);
  candidates({20});
  auto low_request = request_of(20);
  auto joined = ask(20);
  CAF_CHECK_EQUAL(joined.status, 202);
  CAF_CHECK_EQUAL(joined.body.at("coalesced"), true);
  CAF_CHECK_EQUAL(joined.body.at("requestId"), low_request);
  CAF_CHECK_EQUAL(priority_of(20), "normal");
  CAF_CHECK_EQUAL(asked(session).size(), 1u); // the daemon is not asked twice
  ask(20, true);
  CAF_CHECK_EQUAL(priority_of(20), "high");
  // A person's now: three more people do not preempt it.
  ask(1);
  ask(2);
  ask(3);
  CAF_CHECK(cancels(session).empty());
  CAF_CHECK_EQUAL(state_of(3), "queued");
}

CAF_TEST(auto uploads skip what is cached or under way and leave half the rate budget to people) {
  online(session);
  database().cached.insert(30);
  auto person = ask(31).body.at("requestId").get<std::string>();
  candidates({30, 31, 32});
  // 30 is cached, 31 is a person's already: 32 is the one asked for.
  CAF_CHECK_EQUAL(asked_files(session), (names{"os_31.pdf", "os_32.pdf"}));
  CAF_CHECK_EQUAL(priority_of(31), "normal");
  CAF_CHECK_EQUAL(priority_of(32), "low");
  stored(32, request_of(32));
  // Tried once: a later list does not ask for it again (not in a loop on failure either).
  candidates({32});
  CAF_CHECK_EQUAL(asked(session).size(), 2u);
  // Rate limit 5: with 3 asked in the window (31, 32 and this one), auto uploads wait...
  ask(33);
  candidates({34});
  CAF_CHECK_EQUAL(asked(session).size(), 3u);
  CAF_CHECK_EQUAL(state_of(34), "");
  // ...and people still have their share.
  CAF_CHECK_EQUAL(ask(35).status, 202);
  CAF_CHECK_EQUAL(ask(36).status, 202);
  CAF_CHECK_EQUAL(ask(37).status, 429);
}

CAF_TEST(auto uploads need the daemon online and a list replaces the last) {
  candidates({40});
  CAF_CHECK_EQUAL(state_of(40), ""); // offline: nothing is queued for it
  online(session);
  CAF_CHECK(asked(session).empty());
  candidates({41, 42, 43});
  CAF_CHECK_EQUAL(asked_files(session), names{"os_41.pdf"});
  // One done, the next follows.
  stored(41, request_of(41));
  CAF_CHECK_EQUAL(asked_files(session), (names{"os_41.pdf", "os_42.pdf"}));
  candidates({}); // autoUpload turned off, or nothing left
  stored(42, request_of(42));
  CAF_CHECK_EQUAL(asked(session).size(), 2u);
  CAF_CHECK_EQUAL(state_of(43), "");
}

CAF_TEST_FIXTURE_SCOPE_END()
