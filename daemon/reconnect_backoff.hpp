// The reconnect schedule: base x 1, 2, 4, 8, then 12 for every later attempt
// (5, 10, 20, 40, 60 s with the default base of 5 s), each plus up to 20 %
// random jitter so that many offices do not reconnect in step after an outage.
#pragma once

#include <chrono>
#include <random>

namespace siberius::daemon {

class reconnect_backoff {
public:
  explicit reconnect_backoff(std::chrono::milliseconds base, unsigned seed = std::random_device{}())
      : base_(base), rng_(seed) {}

  /// The delay before the next attempt; each call moves one step on.
  std::chrono::milliseconds next_delay() {
    static constexpr int factors[] = {1, 2, 4, 8, 12};
    int factor = factors[attempt_ < 4 ? attempt_ : 4];
    ++attempt_;
    return with_jitter(base_ * factor);
  }

  /// A given delay plus up to 20 % jitter (the long retry after 401/403).
  std::chrono::milliseconds with_jitter(std::chrono::milliseconds d) {
    std::uniform_int_distribution<long long> extra(0, d.count() / 5);
    return d + std::chrono::milliseconds(extra(rng_));
  }

  /// After a successful connection the schedule starts over.
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

private:
  std::chrono::milliseconds base_;
  std::mt19937 rng_;
  int attempt_ = 0;
};

} // namespace siberius::daemon
