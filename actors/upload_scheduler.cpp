#include "actors/upload_scheduler.hpp"

namespace siberius::actors {

std::optional<upload_priority> parse_upload_priority(const std::string& text) {
  if (text == "normal")
    return upload_priority::normal;
  if (text == "high")
    return upload_priority::high;
  return std::nullopt;
}

const char* to_string(upload_priority p) {
  switch (p) {
    case upload_priority::high: return "high";
    case upload_priority::low: return "low";
    default: return "normal";
  }
}

namespace {

constexpr int negated(upload_priority p) {
  return -static_cast<int>(p);
}

constexpr int low_key = negated(upload_priority::low);

} // namespace

upload_scheduler::upload_scheduler(std::size_t max_running_per_daemon, std::size_t max_low_running)
  : max_running_(max_running_per_daemon), max_low_running_(max_low_running) {
}

std::size_t upload_scheduler::lane::running_low() const {
  std::size_t n = 0;
  for (auto& [_, priority] : running)
    n += priority == low_key ? 1 : 0;
  return n;
}

bool upload_scheduler::lane::person_waiting() const {
  // Ordered by priority: the first waiting one is a person's if any is.
  return !waiting.empty() && std::get<0>(*waiting.begin()) != low_key;
}

const upload_scheduler::lane* upload_scheduler::find(const std::string& client_id) const {
  auto i = lanes_.find(client_id);
  return i == lanes_.end() ? nullptr : &i->second;
}

void upload_scheduler::enqueue(const std::string& client_id, std::int64_t pdf_id, upload_priority p) {
  auto& l = lane_of(client_id);
  if (l.running.count(pdf_id) > 0 || l.key_of.count(pdf_id) > 0)
    return;
  // Negated priority: std::set orders ascending, high must come first.
  key k{negated(p), next_ticket_++, pdf_id};
  l.waiting.insert(k);
  l.key_of.emplace(pdf_id, k);
}

bool upload_scheduler::raise(const std::string& client_id, std::int64_t pdf_id, upload_priority to) {
  auto it = lanes_.find(client_id);
  if (it == lanes_.end())
    return false;
  auto& l = it->second;
  if (auto r = l.running.find(pdf_id); r != l.running.end()) {
    if (r->second <= negated(to))
      return false;
    r->second = negated(to);
    return true;
  }
  auto i = l.key_of.find(pdf_id);
  if (i == l.key_of.end() || std::get<0>(i->second) <= negated(to))
    return false;
  l.waiting.erase(i->second);
  i->second = key{negated(to), std::get<1>(i->second), pdf_id};
  l.waiting.insert(i->second);
  return true;
}

std::vector<std::int64_t> upload_scheduler::preempt(const std::string& client_id) {
  std::vector<std::int64_t> out;
  auto it = lanes_.find(client_id);
  if (it == lanes_.end())
    return out;
  auto& l = it->second;
  // One low transfer leaves for each person's transfer that finds no place.
  std::size_t people_waiting = 0;
  for (auto& k : l.waiting)
    if (std::get<0>(k) != low_key)
      ++people_waiting;
  std::size_t free = l.running.size() < max_running_ ? max_running_ - l.running.size() : 0;
  for (auto r = l.running.begin(); r != l.running.end() && people_waiting > free;) {
    if (r->second != low_key) {
      ++r;
      continue;
    }
    auto pdf_id = r->first;
    key k{low_key, --pause_ticket_, pdf_id};
    l.waiting.insert(k);
    l.key_of.emplace(pdf_id, k);
    r = l.running.erase(r);
    out.push_back(pdf_id);
    ++free;
  }
  return out;
}

std::vector<std::int64_t> upload_scheduler::take_startable(const std::string& client_id) {
  std::vector<std::int64_t> out;
  auto& l = lane_of(client_id);
  while (l.running.size() < max_running_ && !l.waiting.empty()) {
    auto first = l.waiting.begin();
    // Low ones come last: one that may not start means none of the rest may.
    if (std::get<0>(*first) == low_key && l.running_low() >= max_low_running_)
      break;
    auto pdf_id = std::get<2>(*first);
    l.running.emplace(pdf_id, std::get<0>(*first));
    l.waiting.erase(first);
    l.key_of.erase(pdf_id);
    out.push_back(pdf_id);
  }
  return out;
}

void upload_scheduler::remove(const std::string& client_id, std::int64_t pdf_id) {
  auto it = lanes_.find(client_id);
  if (it == lanes_.end())
    return;
  auto& l = it->second;
  l.running.erase(pdf_id);
  if (auto k = l.key_of.find(pdf_id); k != l.key_of.end()) {
    l.waiting.erase(k->second);
    l.key_of.erase(k);
  }
  if (l.running.empty() && l.waiting.empty())
    lanes_.erase(it);
}

std::vector<std::int64_t> upload_scheduler::pause_running(const std::string& client_id) {
  auto it = lanes_.find(client_id);
  if (it == lanes_.end())
    return {};
  auto& l = it->second;
  std::vector<std::int64_t> paused;
  // Tickets below every waiting one: they were asked for before the others
  // of their priority and keep their place once the daemon is back.
  for (auto& [pdf_id, priority] : l.running) {
    key k{priority, --pause_ticket_, pdf_id};
    l.waiting.insert(k);
    l.key_of.emplace(pdf_id, k);
    paused.push_back(pdf_id);
  }
  l.running.clear();
  return paused;
}

std::size_t upload_scheduler::running(const std::string& client_id) const {
  auto l = find(client_id);
  return l ? l->running.size() : 0;
}

std::size_t upload_scheduler::waiting(const std::string& client_id) const {
  auto l = find(client_id);
  return l ? l->waiting.size() : 0;
}

std::size_t upload_scheduler::low(const std::string& client_id) const {
  auto l = find(client_id);
  if (!l)
    return 0;
  std::size_t n = l->running_low();
  for (auto& k : l->waiting)
    n += std::get<0>(k) == low_key ? 1 : 0;
  return n;
}

bool upload_scheduler::low_would_start(const std::string& client_id) const {
  auto l = find(client_id);
  if (!l)
    return max_running_ > 0 && max_low_running_ > 0;
  return l->running.size() < max_running_ && l->running_low() < max_low_running_ && !l->person_waiting();
}

bool upload_scheduler::is_running(const std::string& client_id, std::int64_t pdf_id) const {
  auto l = find(client_id);
  return l && l->running.count(pdf_id) > 0;
}

std::size_t upload_scheduler::place(const std::string& client_id, std::int64_t pdf_id) const {
  auto l = find(client_id);
  if (!l || l->key_of.count(pdf_id) == 0)
    return 0;
  std::size_t n = 1;
  for (auto& k : l->waiting) {
    if (std::get<2>(k) == pdf_id)
      return n;
    ++n;
  }
  return 0;
}

bool upload_streams::open(const std::string& client_id) {
  auto& n = open_[client_id];
  if (n >= limit_)
    return false;
  ++n;
  return true;
}

void upload_streams::close(const std::string& client_id) {
  auto i = open_.find(client_id);
  if (i == open_.end())
    return;
  if (--i->second == 0)
    open_.erase(i);
}

std::size_t upload_streams::open_count(const std::string& client_id) const {
  auto i = open_.find(client_id);
  return i == open_.end() ? 0 : i->second;
}

std::size_t rate_window::count(const std::string& key, clock::time_point now) {
  auto i = seen_.find(key);
  if (i == seen_.end())
    return 0;
  auto& times = i->second;
  while (!times.empty() && now - times.front() >= window_)
    times.pop_front();
  return times.size();
}

std::optional<std::chrono::seconds> rate_window::admit(const std::string& key, clock::time_point now) {
  auto& times = seen_[key];
  while (!times.empty() && now - times.front() >= window_)
    times.pop_front();
  if (times.size() < limit_) {
    times.push_back(now);
    return std::nullopt;
  }
  auto wait = std::chrono::duration_cast<std::chrono::seconds>(times.front() + window_ - now);
  return std::max(wait + std::chrono::seconds(1), std::chrono::seconds(1));
}

} // namespace siberius::actors
