// login_guard: throttles password guessing. Failed logins are counted per
// account and per address; past a number of free failures each further one
// doubles the wait before the next attempt is even checked (1 s, 2 s, 4 s ...
// up to a cap), and a success clears the account's count. Pure code (the
// caller passes the time), owned by the auth_service actor.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace siberius::actors {

class login_guard {
public:
  using clock = std::chrono::steady_clock;

  struct config {
    int account_free_failures = 5;  // per login, from any address
    int address_free_failures = 20; // per address, any login (offices share one address)
    std::chrono::seconds base_delay{1};
    std::chrono::seconds max_delay{15 * 60};
    std::chrono::seconds forget_after{60 * 60}; // a quiet key starts over
    std::size_t max_keys = 100000;              // memory bound: the oldest go first
  };

  login_guard() = default;
  explicit login_guard(config c) : cfg_(c) {}

  /// How long the caller must wait before this attempt is checked; zero when
  /// it may go ahead now.
  std::chrono::seconds retry_after(const std::string& account, const std::string& address, clock::time_point now);

  void failed(const std::string& account, const std::string& address, clock::time_point now);
  void succeeded(const std::string& account, clock::time_point now);

  std::size_t tracked() const { return keys_.size(); }

private:
  struct entry {
    int failures = 0;
    clock::time_point last{};
    clock::time_point locked_until{};
  };

  entry* find(const std::string& key, clock::time_point now);
  void count(const std::string& key, int free_failures, clock::time_point now);
  void prune(clock::time_point now);

  config cfg_;
  std::unordered_map<std::string, entry> keys_; // "a:<login>" and "i:<address>"
};

} // namespace siberius::actors
