#include "actors/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace siberius::actors {

std::chrono::seconds rate_limiter::take(const std::string& address, clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto i = buckets_.find(address);
  if (i == buckets_.end()) {
    if (buckets_.size() >= cfg_.max_addresses)
      prune(now);
    i = buckets_.emplace(address, bucket{cfg_.burst, now}).first;
  }
  auto& b = i->second;
  double elapsed = std::chrono::duration<double>(now - b.at).count();
  b.tokens = std::min(cfg_.burst, b.tokens + std::max(0.0, elapsed) * cfg_.per_second);
  b.at = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::chrono::seconds(0);
  }
  auto wait = (1 - b.tokens) / cfg_.per_second;
  return std::chrono::seconds(std::max<long>(1, static_cast<long>(std::ceil(wait))));
}

std::size_t rate_limiter::tracked() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return buckets_.size();
}

void rate_limiter::prune(clock::time_point now) {
  // A bucket that has refilled is the same as no bucket.
  for (auto i = buckets_.begin(); i != buckets_.end();) {
    double elapsed = std::chrono::duration<double>(now - i->second.at).count();
    if (i->second.tokens + elapsed * cfg_.per_second >= cfg_.burst)
      i = buckets_.erase(i);
    else
      ++i;
  }
  if (buckets_.size() >= cfg_.max_addresses) // all busy: forget the stalest
    buckets_.erase(std::min_element(buckets_.begin(), buckets_.end(),
                                    [](auto& a, auto& b) { return a.second.at < b.second.at; }));
}

} // namespace siberius::actors
