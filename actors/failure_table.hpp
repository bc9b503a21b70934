// failure_table: counts failed attempts per key (an address, an account at an
// address, a socket) and turns them into a growing wait: past a number of
// free failures each further one doubles the wait before the key's next
// attempt (base, 2 x base ... up to a cap). A key quiet for `forget_after`
// starts over. Memory is bounded: the keys are kept in the order of their
// latest failure, and when the table is full the oldest goes, preferably one
// that is not locked, in O(1) amortised. Pure code (the caller passes the time),
// not thread-safe: its owner serialises the calls.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>

namespace siberius::actors {

class failure_table {
public:
  using clock = std::chrono::steady_clock;

  struct config {
    std::chrono::seconds base_delay{1};
    std::chrono::seconds max_delay{15 * 60};
    std::chrono::seconds forget_after{60 * 60};
    std::size_t max_keys = 100000;
  };

  failure_table() = default;
  explicit failure_table(config c) : cfg_(c) {}

  /// How long `key` must still wait; zero when it may go ahead.
  clock::duration locked_for(const std::string& key, clock::time_point now);
  /// Failures counted for `key` (0 once forgotten).
  int failures(const std::string& key, clock::time_point now);
  /// Counts one failure; past `free_failures` the key is locked for a
  /// doubling delay. Returns the new count.
  int fail(const std::string& key, int free_failures, clock::time_point now);
  void forget(const std::string& key);

  std::size_t size() const { return keys_.size(); }

private:
  struct entry {
    int failures = 0;
    clock::time_point last{};
    clock::time_point locked_until{};
    std::list<std::string>::iterator pos;
  };

  bool stale(const entry& e, clock::time_point now) const {
    return now - e.last > cfg_.forget_after && now >= e.locked_until;
  }
  entry* find(const std::string& key, clock::time_point now);
  void make_room(clock::time_point now);

  config cfg_;
  std::unordered_map<std::string, entry> keys_;
  std::list<std::string> order_; // by latest failure, oldest first
};

/// A wait rounded up to whole seconds: "Retry-After: 0" would invite an
/// immediate retry.
std::chrono::seconds whole_seconds_up(failure_table::clock::duration d);

} // namespace siberius::actors
