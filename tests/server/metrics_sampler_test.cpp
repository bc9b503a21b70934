#define CAF_SUITE metrics_sampler
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "actors/messages.hpp"
#include "actors/metrics_sampler.hpp"

using namespace siberius;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

/// Counts what the sampler asks the database for; fails every request when `down`.
struct sample_db_state {
  int samples = 0;
  int prunes = 0;
  std::chrono::hours kept_latency{0};
  bool down = false;
};

caf::behavior sample_db(caf::stateful_actor<sample_db_state>* self) {
  return {
    [=](atom::sample) -> caf::result<actors::json_reply> {
      ++self->state.samples;
      if (self->state.down)
        return actors::db_unavailable("connection refused");
      return actors::json_reply{{{"bytes", 0}, {"files", 0}}};
    },
    [=](atom::prune, const storage::monitor_retention& keep) -> caf::result<actors::json_reply> {
      ++self->state.prunes;
      self->state.kept_latency = keep.latency;
      if (self->state.down)
        return actors::db_unavailable("connection refused");
      return actors::json_reply{{{"latencyBuckets", 3}}};
    },
  };
}

struct fixture : test_coordinator_fixture<> {
  caf::actor db = sys.spawn(sample_db);
  caf::actor sampler = sys.spawn(actors::metrics_sampler, db, actors::sampler_options{});

  fixture() {
    sched.run(); // messages only: the sampler re-arms its timers forever
  }

  ~fixture() {
    self->send_exit(sampler, caf::exit_reason::user_shutdown);
    sched.run();
  }

  sample_db_state& db_state() {
    return deref<caf::stateful_actor<sample_db_state>>(db).state;
  }

  void wait(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(metrics_sampler_tests, fixture)

CAF_TEST(samples the cache and prunes once at start) {
  CAF_CHECK_EQUAL(db_state().samples, 1);
  CAF_CHECK_EQUAL(db_state().prunes, 1);
  CAF_CHECK_EQUAL(db_state().kept_latency.count(), 8 * 24);
}

CAF_TEST(samples every five minutes and prunes every hour) {
  wait(4min);
  CAF_CHECK_EQUAL(db_state().samples, 1);
  wait(1min);
  CAF_CHECK_EQUAL(db_state().samples, 2);
  for (int i = 0; i < 11; ++i)
    wait(5min);
  CAF_CHECK_EQUAL(db_state().samples, 13);
  CAF_CHECK_EQUAL(db_state().prunes, 2);
}

CAF_TEST(a database that is away is asked again at the next interval) {
  db_state().down = true;
  wait(5min);
  CAF_CHECK_EQUAL(db_state().samples, 2);
  db_state().down = false;
  wait(5min);
  CAF_CHECK_EQUAL(db_state().samples, 3);
  wait(1h);
  CAF_CHECK_GREATER_OR_EQUAL(db_state().prunes, 2);
}

CAF_TEST_FIXTURE_SCOPE_END()
