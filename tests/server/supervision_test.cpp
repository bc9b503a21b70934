#define CAF_SUITE supervision
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <memory>
#include <stdexcept>

#include "actors/messages.hpp"
#include "actors/supervision.hpp"

using namespace siberius;

namespace {

/// Stands in for a pooled worker (a database connection, a PDF check):
/// answers a query with its own number, and throws (as a libpqxx call
/// might) when asked for "fail".
caf::behavior numbered_worker(caf::event_based_actor*, int number) {
  return {
    [=](const std::string& query) -> std::string {
      if (query == "fail")
        throw std::runtime_error("connection lost in the middle of a result");
      return query + " answered by worker " + std::to_string(number);
    },
  };
}

struct fixture : test_coordinator_fixture<> {
  int made = 0;
  caf::actor pool;

  /// A pool of one: without a replacement its first failure would end it.
  fixture() {
    actors::pool_options opts{"test_worker", 1, std::chrono::milliseconds(1000)};
    pool = actors::spawn_supervised_pool(sys, [this] { return sys.spawn(numbered_worker, ++made); }, opts);
    sched.run();
  }

  ~fixture() {
    self->send_exit(pool, caf::exit_reason::user_shutdown);
    sched.run();
  }

  /// Sends `query` to the pool and returns the answer or the error's text.
  std::string ask(const std::string& query) {
    self->send(pool, query);
    sched.run();
    std::string out = "no answer";
    self->receive([&](const std::string& s) { out = s; },
                  [&](const caf::error& e) { out = "error: " + to_string(e); },
                  caf::after(std::chrono::seconds(0)) >> [] {});
    return out;
  }
};

struct watch_log {
  std::vector<std::string> names;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervision_tests, fixture)

CAF_TEST(a pooled worker that fails is replaced and the pool keeps answering) {
  CAF_CHECK_EQUAL(ask("count"), "count answered by worker 1");
  self->send(pool, std::string("fail"));
  sched.run();
  // Until the replacement joins, a request is refused, not left unanswered.
  CAF_CHECK_EQUAL(ask("count").rfind("error: ", 0), 0u);
  sched.trigger_timeouts();
  sched.run();
  CAF_CHECK_EQUAL(made, 2);
  CAF_CHECK_EQUAL(ask("count"), "count answered by worker 2");
  CAF_CHECK_EQUAL(ask("again"), "again answered by worker 2");
}

CAF_TEST(the first top level actor to end is reported once and the watch ends) {
  auto hub = sys.spawn(numbered_worker, 10);
  auto registry = sys.spawn(numbered_worker, 11);
  auto log = std::make_shared<watch_log>();
  auto watch = sys.spawn(actors::top_level_watch,
                         std::vector<std::pair<std::string, caf::actor>>{{"client_hub", hub}, {"daemon_registry", registry}},
                         [log](const std::string& name, const caf::error&) { log->names.push_back(name); });
  sched.run();
  self->send(hub, std::string("fail"));
  sched.run();
  CAF_CHECK_EQUAL(log->names, std::vector<std::string>{"client_hub"});
  self->send_exit(registry, caf::exit_reason::kill);
  sched.run();
  CAF_CHECK_EQUAL(log->names.size(), 1u);
}

CAF_TEST(a shutdown that stops the watch first is not taken for a failure) {
  auto hub = sys.spawn(numbered_worker, 10);
  auto log = std::make_shared<watch_log>();
  auto watch = sys.spawn(actors::top_level_watch, std::vector<std::pair<std::string, caf::actor>>{{"client_hub", hub}},
                         [log](const std::string& name, const caf::error&) { log->names.push_back(name); });
  sched.run();
  self->send_exit(watch, caf::exit_reason::user_shutdown);
  self->send_exit(hub, caf::exit_reason::user_shutdown);
  sched.run();
  CAF_CHECK(log->names.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
