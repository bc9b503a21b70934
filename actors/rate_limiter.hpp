// rate_limiter: a token bucket per client address for the REST API. Each
// address may make `burst` requests at once and `per_second` a second after
// that; past it the caller is told how long to wait (429 + Retry-After).
// Thread-safe (the HTTP handlers run on several I/O threads); memory is
// bounded: buckets are kept in the order of their latest use, and when the
// table is full the stalest goes, preferably one that is full again (an idle
// address), in O(1) amortised.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace siberius::actors {

/// The key an address is throttled under: an IPv4 address as it is (an
/// IPv4-mapped IPv6 one as IPv4), an IPv6 address by its /64, since one
/// subscriber usually holds a whole /64 and could otherwise take a fresh
/// address per attempt. Anything else (a name, garbage) is kept, cut to 64
/// characters.
std::string address_key(const std::string& address);

class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  struct config {
    double per_second = 20;
    double burst = 200;
    std::size_t max_addresses = 100000;
  };

  explicit rate_limiter(config c) : cfg_(c) {}

  /// Takes one request from the bucket of `address` (grouped by
  /// address_key): zero when it may go ahead, else the seconds to wait (at
  /// least 1).
  std::chrono::seconds take(const std::string& address, clock::time_point now);

  std::size_t tracked() const;

private:
  struct bucket {
    double tokens = 0;
    clock::time_point at{};
    std::list<std::string>::iterator pos;
  };

  bool refilled(const bucket& b, clock::time_point now) const;
  void make_room(clock::time_point now);

  config cfg_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
  std::list<std::string> order_; // by latest use, stalest first
};

} // namespace siberius::actors
