#include "actors/alert_center.hpp"

#include <algorithm>
#include <random>
#include <set>

#include "actors/log.hpp"
#include "actors/messages.hpp"

namespace siberius::actors {

namespace {

using json = nlohmann::json;

std::string new_alert_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[24];
  std::snprintf(buf, sizeof buf, "al-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

const std::vector<std::string> daemon_kinds = {alert_daemon_offline, alert_daemons_offline_pct,
                                               alert_daemon_versions};

} // namespace

void alert_center_state::announce(const std::string& event, const storage::alert_record& a) {
  auto body = storage::to_json(a);
  log_event(a.severity == "critical" && event == "alert:raised" ? log_level::error : log_level::warn, event,
            {{"kind", a.kind}, {"subject", a.subject}, {"severity", a.severity}, {"message", a.message},
             {"id", a.id}});
  if (hub)
    self->send(hub, atom::broadcast_v, event, body);
  if (options.webhook)
    options.webhook->post({{"event", event}, {"alert", body}});
  unwritten[a.id] = a;
  flush();
}

void alert_center_state::raise(const alert_condition& c) {
  auto key = c.key();
  if (active.count(key))
    return; // raised once; it clears first
  storage::alert_record a;
  a.id = new_alert_id();
  a.kind = c.kind;
  a.subject = c.subject;
  a.severity = c.severity;
  a.message = c.message;
  a.details = c.details;
  a.raised_at_ms = wall_ms();
  active.emplace(key, a);
  announce("alert:raised", a);
}

void alert_center_state::clear(const std::string& kind, const std::string& subject) {
  auto i = active.find(kind + "/" + subject);
  if (i == active.end())
    return;
  auto a = std::move(i->second);
  active.erase(i);
  a.cleared_at_ms = std::max(wall_ms(), a.raised_at_ms);
  recent.push_front(a);
  while (recent.size() > options.recent_kept)
    recent.pop_back();
  announce("alert:cleared", a);
}

void alert_center_state::sync(const std::vector<std::string>& kinds, const std::vector<alert_condition>& now) {
  std::set<std::string> holds;
  for (auto& c : now) {
    holds.insert(c.key());
    raise(c);
  }
  std::vector<std::pair<std::string, std::string>> gone;
  for (auto& [key, a] : active)
    if (std::find(kinds.begin(), kinds.end(), a.kind) != kinds.end() && !holds.count(key))
      gone.emplace_back(a.kind, a.subject);
  for (auto& [kind, subject] : gone)
    clear(kind, subject);
}

void alert_center_state::poll() {
  self->request(db, db_timeout, atom::list_daemons_v)
    .then(
      [this](const json_reply& r) {
        clear(alert_db_unreachable, "postgresql");
        on_daemons(r.value);
        flush();
      },
      [this](const caf::error& err) {
        auto why = reason_of(self->system(), err);
        raise({alert_db_unreachable, "postgresql", "critical", "PostgreSQL unreachable: " + why,
               {{"reason", why}}});
      });
}

void alert_center_state::on_daemons(const json& list) {
  auto facts = daemon_facts_of(list);
  auto now = self->clock().now();
  std::map<std::string, caf::timespan> offline_for;
  std::set<std::string> still_offline;
  for (auto& d : facts) {
    if (d.online || d.blocked || !d.ever_seen)
      continue;
    still_offline.insert(d.client_id);
    auto since = offline_since.emplace(d.client_id, now).first->second;
    offline_for[d.client_id] = now - since;
  }
  for (auto i = offline_since.begin(); i != offline_since.end();)
    i = still_offline.count(i->first) ? std::next(i) : offline_since.erase(i);
  sync(daemon_kinds, daemon_conditions(facts, offline_for, options.daemons));
}

void alert_center_state::flush() {
  if (flushing || unwritten.empty() || !db)
    return;
  flushing = true;
  std::vector<storage::alert_record> batch;
  for (auto& [_, a] : unwritten)
    batch.push_back(a);
  db_job job{[batch](storage::metadata_store& s) {
    s.write_alerts(batch);
    return json(true);
  }};
  self->request(db, db_timeout, atom::db_run_v, job)
    .then(
      [this, batch](const json_reply&) {
        flushing = false;
        for (auto& a : batch) {
          auto i = unwritten.find(a.id);
          // A clear that came while the raise was being written is written next.
          if (i != unwritten.end() && i->second.cleared_at_ms == a.cleared_at_ms)
            unwritten.erase(i);
        }
        flush();
      },
      [this](const caf::error&) {
        flushing = false; // kept; written at a later poll, once PostgreSQL answers
      });
}

json alert_center_state::listing(const std::vector<storage::alert_record>& stored) const {
  json act = json::array();
  std::vector<const storage::alert_record*> on;
  for (auto& [_, a] : active)
    on.push_back(&a);
  std::sort(on.begin(), on.end(), [](auto* a, auto* b) { return a->raised_at_ms > b->raised_at_ms; });
  for (auto* a : on)
    act.push_back(storage::to_json(*a));
  // Recent: cleared ones, this run's first (they may not be written yet), then PostgreSQL's.
  std::set<std::string> seen;
  for (auto& [_, a] : active)
    seen.insert(a.id);
  std::vector<storage::alert_record> rec;
  for (auto& a : recent)
    if (seen.insert(a.id).second)
      rec.push_back(a);
  for (auto& a : stored)
    if (a.cleared_at_ms && seen.insert(a.id).second)
      rec.push_back(a);
  std::sort(rec.begin(), rec.end(), [](auto& a, auto& b) {
    return *a.cleared_at_ms != *b.cleared_at_ms ? *a.cleared_at_ms > *b.cleared_at_ms : a.id < b.id;
  });
  if (rec.size() > options.recent_kept)
    rec.resize(options.recent_kept);
  json out = json::array();
  for (auto& a : rec)
    out.push_back(storage::to_json(a));
  return {{"active", act}, {"recent", out}};
}

caf::behavior alert_center(caf::stateful_actor<alert_center_state>* self, caf::actor db, caf::actor hub,
                           alert_center_options options) {
  auto& st = self->state;
  st.self = self;
  st.db = std::move(db);
  st.hub = std::move(hub);
  st.options = std::move(options);
  // The first look after one interval: at a start every daemon is offline
  // until it reconnects, a few seconds later.
  self->delayed_send(self, st.options.poll_interval, atom::alert_poll_v);
  return {
    [=](atom::alert_raise, const alert_condition& c) { self->state.raise(c); },
    [=](atom::alert_clear, const std::string& kind, const std::string& subject) {
      self->state.clear(kind, subject);
    },
    [=](atom::janitor_failed, const std::string& reason) {
      self->state.raise({alert_janitor_failed, "cache_janitor", "warning", "cache janitor run failed: " + reason,
                         {{"reason", reason}}});
    },
    [=](atom::janitor_ok) { self->state.clear(alert_janitor_failed, "cache_janitor"); },
    [=](atom::alert_poll) {
      self->state.poll();
      self->delayed_send(self, self->state.options.poll_interval, atom::alert_poll_v);
    },
    [=](atom::alert_flush) { self->state.flush(); },
    [=](atom::list_alerts) -> caf::result<json_reply> {
      auto promise = self->make_response_promise<json_reply>();
      db_job job{[limit = static_cast<int>(self->state.options.recent_kept)](storage::metadata_store& s) {
        json rows = json::array();
        for (auto& a : s.recent_alerts(limit))
          rows.push_back(storage::alert_to_row(a));
        return rows;
      }};
      // PostgreSQL away: what this server holds in memory is the answer.
      self->request(self->state.db, std::chrono::seconds(5), atom::db_run_v, job)
        .then(
          [=](const json_reply& r) mutable {
            std::vector<storage::alert_record> stored;
            for (auto& j : r.value)
              stored.push_back(storage::alert_from_row(j));
            promise.deliver(json_reply{self->state.listing(stored)});
          },
          [=](const caf::error&) mutable { promise.deliver(json_reply{self->state.listing({})}); });
      return promise;
    },
  };
}

} // namespace siberius::actors
