#include "actors/failure_table.hpp"

#include <algorithm>

namespace siberius::actors {

failure_table::entry* failure_table::find(const std::string& key, clock::time_point now) {
  auto i = keys_.find(key);
  if (i == keys_.end())
    return nullptr;
  if (stale(i->second, now)) {
    order_.erase(i->second.pos);
    keys_.erase(i);
    return nullptr;
  }
  return &i->second;
}

failure_table::clock::duration failure_table::locked_for(const std::string& key, clock::time_point now) {
  auto* e = find(key, now);
  return e && e->locked_until > now ? e->locked_until - now : clock::duration::zero();
}

int failure_table::failures(const std::string& key, clock::time_point now) {
  auto* e = find(key, now);
  return e ? e->failures : 0;
}

int failure_table::fail(const std::string& key, int free_failures, clock::time_point now) {
  auto* e = find(key, now);
  if (!e) {
    make_room(now);
    auto& fresh = keys_[key];
    fresh.pos = order_.insert(order_.end(), key);
    e = &fresh;
  } else {
    order_.splice(order_.end(), order_, e->pos); // now the latest
  }
  ++e->failures;
  e->last = now;
  int excess = e->failures - free_failures;
  if (excess > 0) {
    auto delay = std::chrono::duration_cast<clock::duration>(cfg_.base_delay) * (1LL << std::min(excess - 1, 20));
    e->locked_until = std::max(e->locked_until, now + std::min<clock::duration>(delay, cfg_.max_delay));
  }
  return e->failures;
}

void failure_table::forget(const std::string& key) {
  auto i = keys_.find(key);
  if (i == keys_.end())
    return;
  order_.erase(i->second.pos);
  keys_.erase(i);
}

void failure_table::make_room(clock::time_point now) {
  // The front failed longest ago. A stale key is dropped; a locked one goes
  // to the back, a few at most; then the front goes, locked or not: memory
  // wins, and filling the table takes max_keys fresh keys, which the
  // per-address count of the caller already throttles. O(1) amortised: a
  // constant number of steps per insertion.
  int skipped = 0;
  while (keys_.size() >= cfg_.max_keys && !order_.empty()) {
    auto i = keys_.find(order_.front());
    if (!stale(i->second, now) && i->second.locked_until > now && skipped++ < 4) {
      order_.splice(order_.end(), order_, order_.begin());
      continue;
    }
    keys_.erase(i);
    order_.pop_front();
  }
}

std::chrono::seconds whole_seconds_up(failure_table::clock::duration d) {
  if (d <= failure_table::clock::duration::zero())
    return std::chrono::seconds(0);
  return std::chrono::duration_cast<std::chrono::seconds>(d + std::chrono::seconds(1) -
                                                          failure_table::clock::duration(1));
}

} // namespace siberius::actors
