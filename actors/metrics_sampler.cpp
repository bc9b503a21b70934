#include "actors/metrics_sampler.hpp"

#include "actors/log.hpp"
#include "actors/messages.hpp"

namespace siberius::actors {

namespace {

void sample(caf::event_based_actor* self, const caf::actor& db, const sampler_options& options) {
  // The next sample is scheduled whatever happens: a database that is away
  // now is retried at the next interval.
  self->request(db, db_timeout, atom::sample_v)
    .then([=](const json_reply&) { self->delayed_send(self, options.cache_interval, atom::sample_v); },
          [=](const caf::error& err) {
            log_event(log_level::warn, "monitor:cache_sample:failed", {{"reason", reason_of(self->system(), err)}});
            self->delayed_send(self, options.cache_interval, atom::sample_v);
          });
}

void prune(caf::event_based_actor* self, const caf::actor& db, const sampler_options& options) {
  self->request(db, db_timeout, atom::prune_v, options.retention)
    .then(
      [=](const json_reply& deleted) {
        bool any = false;
        for (auto& [_, n] : deleted.value.items())
          any = any || (n.is_number() && n.get<std::int64_t>() > 0);
        if (any)
          log_event(log_level::info, "monitor:pruned", deleted.value);
        self->delayed_send(self, options.prune_interval, atom::prune_v);
      },
      [=](const caf::error& err) {
        log_event(log_level::warn, "monitor:prune:failed", {{"reason", reason_of(self->system(), err)}});
        self->delayed_send(self, options.prune_interval, atom::prune_v);
      });
}

} // namespace

caf::behavior metrics_sampler(caf::event_based_actor* self, caf::actor db, sampler_options options) {
  self->send(self, atom::sample_v);
  self->send(self, atom::prune_v);
  return {
    [=](atom::sample) { sample(self, db, options); },
    [=](atom::prune) { prune(self, db, options); },
  };
}

} // namespace siberius::actors
