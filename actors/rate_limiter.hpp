// rate_limiter: a token bucket per client address for the REST API. Each
// address may make `burst` requests at once and `per_second` a second after
// that; past it the caller is told how long to wait (429 + Retry-After).
// Thread-safe (the HTTP handlers run on several I/O threads); memory is
// bounded by dropping buckets that are full again (idle addresses).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace siberius::actors {

class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  struct config {
    double per_second = 20;
    double burst = 200;
    std::size_t max_addresses = 100000;
  };

  explicit rate_limiter(config c) : cfg_(c) {}

  /// Takes one request from `address`'s bucket: zero when it may go ahead,
  /// else the seconds to wait (at least 1).
  std::chrono::seconds take(const std::string& address, clock::time_point now);

  std::size_t tracked() const;

private:
  struct bucket {
    double tokens = 0;
    clock::time_point at{};
  };

  void prune(clock::time_point now);

  config cfg_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

} // namespace siberius::actors
