// login_guard: throttles password guessing without handing the attacker a
// way to lock the real user out. Failed logins are counted per (account,
// address) and per address; past a number of free failures each further one
// doubles the wait before that pair's (or address's) next attempt is even
// checked (1 s, 2 s, 4 s ... up to a cap). The account's failures from all
// addresses only lower the free failures of each pair to none once they pass
// a small global bound: they never lock the account as a whole, so a correct
// password from an address with no failures is always checked and served.
// A success clears the pair and the account's count. Addresses are grouped
// by address_key (IPv6 by /64). Pure code (the caller passes the time), owned
// by the auth_service actor.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "actors/failure_table.hpp"

namespace siberius::actors {

class login_guard {
public:
  using clock = failure_table::clock;

  struct config {
    int pair_free_failures = 5;     // per login at one address
    int address_free_failures = 20; // per address, any login (offices share one address)
    /// Failures of one login from every address after which each address
    /// gets no free failure on it any more (a guess spread over many
    /// addresses).
    int account_global_bound = 10;
    std::chrono::seconds base_delay{1};
    std::chrono::seconds max_delay{15 * 60};
    std::chrono::seconds forget_after{60 * 60}; // a quiet key starts over
    std::size_t max_keys = 100000;              // memory bound: the oldest go first
  };

  login_guard() : login_guard(config{}) {}
  explicit login_guard(config c);

  /// How long the caller must wait before this attempt is checked; zero when
  /// it may go ahead now.
  std::chrono::seconds retry_after(const std::string& account, const std::string& address, clock::time_point now);

  void failed(const std::string& account, const std::string& address, clock::time_point now);
  void succeeded(const std::string& account, const std::string& address, clock::time_point now);

  std::size_t tracked() const { return keys_.size(); }

private:
  config cfg_;
  failure_table keys_; // "a:<login>", "p:<login> <address>", "i:<address>"
};

} // namespace siberius::actors
