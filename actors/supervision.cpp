#include "actors/supervision.hpp"

#include <algorithm>
#include <unordered_map>

#include "actors/log.hpp"
#include "actors/messages.hpp"

namespace siberius::actors {

bool is_failure(const caf::error& reason) {
  return reason && reason != caf::exit_reason::normal && reason != caf::exit_reason::user_shutdown;
}

namespace {

struct worker_pool_state {
  // Shared with the functor that ends the workers when the pool ends.
  std::shared_ptr<std::vector<caf::actor>> workers = std::make_shared<std::vector<caf::actor>>();
  std::size_t next = 0;
  std::function<caf::actor()> make_worker;
  pool_options options;
  static inline const char* name = "worker_pool";
};

/// A round-robin pool that outlives its workers (caf::actor_pool quits when
/// its last worker is gone, and never replaces one).
caf::behavior worker_pool(caf::stateful_actor<worker_pool_state>* self, std::function<caf::actor()> make_worker,
                          pool_options options) {
  auto& st = self->state;
  st.make_worker = std::move(make_worker);
  st.options = std::move(options);
  auto add = [self] {
    auto w = self->state.make_worker();
    self->monitor(w);
    self->state.workers->push_back(std::move(w));
  };
  for (std::size_t i = 0; i < st.options.size; ++i)
    add();
  self->attach_functor([workers = st.workers] {
    for (auto& w : *workers)
      caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  });
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    auto& ws = *st.workers;
    auto i = std::find_if(ws.begin(), ws.end(), [&](const caf::actor& w) { return w.address() == msg.source; });
    if (i == ws.end())
      return;
    // The requests it held get an error from CAF; the next ones go to the others.
    ws.erase(i);
    log_event(log_level::error, "server:worker:failed",
              {{"actor", st.options.name}, {"reason", caf::to_string(msg.reason)},
               {"restartInMs", st.options.restart_delay.count()}});
    self->delayed_send(self, st.options.restart_delay, atom::respawn_v);
  });
  // Every other message is work: it goes to the next worker, whose answer
  // goes straight back to the one who asked.
  self->set_default_handler([self](caf::scheduled_actor*, caf::message_view& x) -> caf::result<caf::message> {
    auto& st = self->state;
    if (st.workers->empty())
      return caf::make_error(caf::sec::request_receiver_down);
    auto& w = (*st.workers)[st.next++ % st.workers->size()];
    auto rp = self->make_response_promise();
    rp.delegate(w, x.move_content_to_message());
    return rp;
  });
  return {
    [self, add](atom::respawn) {
      add();
      log_event(log_level::info, "server:worker:replaced",
                {{"actor", self->state.options.name}, {"workers", self->state.workers->size()}});
    },
  };
}

} // namespace

caf::actor spawn_supervised_pool(caf::actor_system& sys, std::function<caf::actor()> make_worker,
                                 pool_options options) {
  return sys.spawn(worker_pool, std::move(make_worker), std::move(options));
}

caf::behavior top_level_watch(caf::event_based_actor* self, std::vector<std::pair<std::string, caf::actor>> watched,
                              std::function<void(const std::string&, const caf::error&)> on_down) {
  auto names = std::make_shared<std::unordered_map<caf::actor_addr, std::string>>();
  for (auto& [name, actor] : watched) {
    self->monitor(actor);
    names->emplace(actor.address(), name);
  }
  self->set_down_handler([self, names, on_down](caf::down_msg& msg) {
    auto i = names->find(msg.source);
    if (i == names->end())
      return;
    // Half a server (no registry, no database) would accept connections it
    // cannot serve: better a clean restart by the service manager.
    log_event(log_level::error, "server:actor:down",
              {{"actor", i->second}, {"reason", caf::to_string(msg.reason)}, {"action", "exiting"}});
    on_down(i->second, msg.reason);
    self->quit();
  });
  // Everything happens in the down handler; a behavior keeps the actor alive.
  return {[](atom::respawn) {}};
}

} // namespace siberius::actors
