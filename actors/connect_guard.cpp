#include "actors/connect_guard.hpp"

#include <algorithm>

#include "actors/rate_limiter.hpp"

namespace siberius::actors {

namespace {

std::string socket_key(const std::string& socket) {
  return "s:" + socket.substr(0, 64);
}

std::string ip_key(const std::string& address) {
  return "i:" + address_key(address);
}

} // namespace

connect_guard::connect_guard(config c)
  : cfg_(c), keys_(failure_table::config{c.base_delay, c.max_delay, c.forget_after, c.max_keys}) {
}

connect_guard::admission connect_guard::admit(const std::string& address, const std::string& socket,
                                              clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto wait = std::max(keys_.locked_for(socket_key(socket), now), keys_.locked_for(ip_key(address), now));
  if (wait > clock::duration::zero())
    return {verdict::wait, whole_seconds_up(wait)};
  auto key = address_key(address);
  auto i = in_flight_.find(key);
  int mine = i == in_flight_.end() ? 0 : i->second;
  if (mine >= cfg_.max_in_flight_per_address || total_in_flight_ >= cfg_.max_in_flight)
    return {verdict::busy, std::chrono::seconds(1)};
  ++in_flight_[key];
  ++total_in_flight_;
  return {verdict::go, std::chrono::seconds(0)};
}

void connect_guard::finish(const std::string& address, const std::string& socket, outcome result,
                           clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto key = address_key(address);
  if (auto i = in_flight_.find(key); i != in_flight_.end()) {
    if (--i->second <= 0)
      in_flight_.erase(i);
    --total_in_flight_;
  }
  if (result == outcome::refused)
    count_failure(address, socket, now);
  else if (result == outcome::accepted)
    keys_.forget(socket_key(socket));
}

void connect_guard::refused_early(const std::string& address, const std::string& socket, clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  count_failure(address, socket, now);
}

void connect_guard::count_failure(const std::string& address, const std::string& socket, clock::time_point now) {
  keys_.fail(socket_key(socket), cfg_.socket_free_failures, now);
  keys_.fail(ip_key(address), cfg_.address_free_failures, now);
}

std::size_t connect_guard::tracked() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return keys_.size();
}

int connect_guard::in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return total_in_flight_;
}

} // namespace siberius::actors
