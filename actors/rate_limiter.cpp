#include "actors/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

#include <arpa/inet.h>

namespace siberius::actors {

std::string address_key(const std::string& address) {
  in6_addr v6{};
  if (address.find(':') != std::string::npos && inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    const auto* b = v6.s6_addr;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char text[INET6_ADDRSTRLEN] = {};
    if (std::equal(mapped, mapped + 12, b)) {
      inet_ntop(AF_INET, b + 12, text, sizeof(text));
      return text;
    }
    in6_addr prefix{};
    std::copy(b, b + 8, prefix.s6_addr);
    inet_ntop(AF_INET6, &prefix, text, sizeof(text));
    return std::string(text) + "/64";
  }
  return address.substr(0, 64);
}

bool rate_limiter::refilled(const bucket& b, clock::time_point now) const {
  double elapsed = std::chrono::duration<double>(now - b.at).count();
  return b.tokens + elapsed * cfg_.per_second >= cfg_.burst;
}

std::chrono::seconds rate_limiter::take(const std::string& address, clock::time_point now) {
  auto key = address_key(address);
  std::lock_guard<std::mutex> lock(mutex_);
  auto i = buckets_.find(key);
  if (i == buckets_.end()) {
    make_room(now);
    i = buckets_.emplace(key, bucket{cfg_.burst, now, {}}).first;
    i->second.pos = order_.insert(order_.end(), key);
  } else {
    order_.splice(order_.end(), order_, i->second.pos);
  }
  auto& b = i->second;
  double elapsed = std::chrono::duration<double>(now - b.at).count();
  b.tokens = std::min(cfg_.burst, b.tokens + std::max(0.0, elapsed) * cfg_.per_second);
  b.at = std::max(b.at, now);
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

void rate_limiter::make_room(clock::time_point now) {
  // The front was used longest ago. A bucket that has refilled is the same as
  // no bucket: drop it. A busy one goes to the back, a few at most; then the
  // front goes whatever it holds. O(1) amortised: a constant number of steps
  // per insertion.
  int skipped = 0;
  while (buckets_.size() >= cfg_.max_addresses && !order_.empty()) {
    auto i = buckets_.find(order_.front());
    if (!refilled(i->second, now) && skipped++ < 4) {
      order_.splice(order_.end(), order_, order_.begin());
      continue;
    }
    buckets_.erase(i);
    order_.pop_front();
  }
}

} // namespace siberius::actors
