#include "daemon/outbound_queue.hpp"

#include <algorithm>

namespace siberius::daemon {

bool outbound_queue::push(outbound_event ev, std::size_t limit_now) {
  if (entries_.size() >= std::max(limit_, limit_now)) {
    entries_.clear();
    resync_needed_ = true;
    ++overflows_;
    return false;
  }
  ev.id = next_id_++;
  entries_.push_back({std::move(ev), false});
  return true;
}

std::vector<outbound_event> outbound_queue::take_batch(std::size_t max) {
  std::vector<outbound_event> batch;
  bool have_kind = false;
  event_kind kind = event_kind::document;
  for (auto& e : entries_) {
    if (batch.size() >= max)
      break;
    if (e.in_flight)
      continue;
    if (!have_kind) {
      kind = e.event.kind;
      have_kind = true;
      if (kind == event_kind::error_report)
        max = 1;
    }
    if (e.event.kind != kind)
      continue;
    e.in_flight = true;
    batch.push_back(e.event);
  }
  return batch;
}

void outbound_queue::acked(const std::vector<std::uint64_t>& ids) {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const entry& e) {
                                  return std::find(ids.begin(), ids.end(), e.event.id) != ids.end();
                                }),
                 entries_.end());
}

void outbound_queue::release(const std::vector<std::uint64_t>& ids) {
  for (auto& e : entries_)
    if (std::find(ids.begin(), ids.end(), e.event.id) != ids.end())
      e.in_flight = false;
}

void outbound_queue::release_all() {
  for (auto& e : entries_)
    e.in_flight = false;
}

std::size_t outbound_queue::waiting() const {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [](const entry& e) { return !e.in_flight; }));
}

} // namespace siberius::daemon
