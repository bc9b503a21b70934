// connect_guard: throttles Socket.IO CONNECTs (/client and /daemon) the way
// login_guard throttles logins. A refused CONNECT (a bad token, a blocked
// daemon) counts against the socket and the client's address: the socket's
// next CONNECT waits 1 s, then 2 s, 4 s ...; the address gets some free
// refusals first (an office shares one address). It also bounds the database
// work: each CONNECT that goes ahead costs one token lookup, and at most a
// few per address and a fixed number overall are under way at once; the rest
// are refused at once, without touching the database. Thread-safe: the front
// admits on I/O threads, actors report the outcome.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "actors/failure_table.hpp"

namespace siberius::actors {

class connect_guard {
public:
  using clock = failure_table::clock;

  struct config {
    int socket_free_failures = 0;   // the socket's first refusal already costs the next CONNECT 1 s
    int address_free_failures = 20; // per address, all its sockets
    std::chrono::seconds base_delay{1};
    std::chrono::seconds max_delay{5 * 60};
    std::chrono::seconds forget_after{30 * 60};
    std::size_t max_keys = 100000;
    int max_in_flight_per_address = 4; // token lookups under way for one address
    int max_in_flight = 64;            // ... and for everyone
  };

  enum class verdict {
    go,      // look the token up; report the outcome with finish()
    wait,    // refused: throttled for retry_after
    busy,    // refused: too many lookups under way
  };
  struct admission {
    verdict what = verdict::go;
    std::chrono::seconds retry_after{0};
  };

  enum class outcome {
    accepted,   // the token checked out: the socket's count is cleared
    refused,    // counts as a failure for the socket and the address
    unavailable // the database did not answer: counts for nothing
  };

  connect_guard() : connect_guard(config{}) {}
  explicit connect_guard(config c);

  /// Before any database work for a CONNECT from `address` on the socket
  /// `socket` (its Engine.IO sid).
  admission admit(const std::string& address, const std::string& socket, clock::time_point now);
  /// After an admitted CONNECT was answered.
  void finish(const std::string& address, const std::string& socket, outcome result, clock::time_point now);
  /// A CONNECT refused before admission (malformed auth): counts as a failure.
  void refused_early(const std::string& address, const std::string& socket, clock::time_point now);

  std::size_t tracked() const;
  int in_flight() const;

private:
  void count_failure(const std::string& address, const std::string& socket, clock::time_point now);

  config cfg_;
  mutable std::mutex mutex_;
  failure_table keys_; // "s:<sid>", "i:<address key>"
  std::unordered_map<std::string, int> in_flight_; // address key -> lookups under way
  int total_in_flight_ = 0;
};

} // namespace siberius::actors
