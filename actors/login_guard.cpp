#include "actors/login_guard.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace siberius::actors {

namespace {

std::string account_key(const std::string& login) {
  std::string k = "a:";
  for (unsigned char c : login.substr(0, 100))
    k += static_cast<char>(std::tolower(c));
  return k;
}

std::string address_key(const std::string& address) {
  return "i:" + address.substr(0, 64);
}

} // namespace

login_guard::entry* login_guard::find(const std::string& key, clock::time_point now) {
  auto i = keys_.find(key);
  if (i == keys_.end())
    return nullptr;
  if (now - i->second.last > cfg_.forget_after && now >= i->second.locked_until) {
    keys_.erase(i);
    return nullptr;
  }
  return &i->second;
}

std::chrono::seconds login_guard::retry_after(const std::string& account, const std::string& address,
                                              clock::time_point now) {
  auto wait = clock::duration::zero();
  for (auto* e : {find(account_key(account), now), find(address_key(address), now)})
    if (e && e->locked_until > now)
      wait = std::max(wait, e->locked_until - now);
  if (wait == clock::duration::zero())
    return std::chrono::seconds(0);
  // Round up: "Retry-After: 0" would invite an immediate retry.
  return std::chrono::duration_cast<std::chrono::seconds>(wait + std::chrono::seconds(1) -
                                                          clock::duration(1));
}

void login_guard::count(const std::string& key, int free_failures, clock::time_point now) {
  auto* e = find(key, now);
  if (!e) {
    if (keys_.size() >= cfg_.max_keys)
      prune(now);
    e = &keys_[key];
  }
  ++e->failures;
  e->last = now;
  int excess = e->failures - free_failures;
  if (excess > 0) {
    auto delay = cfg_.base_delay * (1LL << std::min(excess - 1, 20));
    e->locked_until = now + std::min<clock::duration>(delay, cfg_.max_delay);
  }
}

void login_guard::failed(const std::string& account, const std::string& address, clock::time_point now) {
  count(account_key(account), cfg_.account_free_failures, now);
  count(address_key(address), cfg_.address_free_failures, now);
}

void login_guard::succeeded(const std::string& account, clock::time_point now) {
  (void) now;
  keys_.erase(account_key(account));
}

void login_guard::prune(clock::time_point now) {
  for (auto i = keys_.begin(); i != keys_.end();) {
    if (now - i->second.last > cfg_.forget_after && now >= i->second.locked_until)
      i = keys_.erase(i);
    else
      ++i;
  }
  // Still full: drop the quietest half, never a key that is locked now.
  if (keys_.size() >= cfg_.max_keys) {
    std::vector<std::pair<clock::time_point, std::string>> order;
    for (auto& [k, e] : keys_)
      if (e.locked_until <= now)
        order.emplace_back(e.last, k);
    std::sort(order.begin(), order.end());
    for (std::size_t i = 0; i < order.size() / 2; ++i)
      keys_.erase(order[i].second);
  }
}

} // namespace siberius::actors
