#include "actors/login_guard.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include "actors/rate_limiter.hpp"

namespace siberius::actors {

namespace {

std::string account_name(const std::string& login) {
  std::string k;
  for (unsigned char c : login.substr(0, 100))
    k += static_cast<char>(std::tolower(c));
  return k;
}

std::string account_key(const std::string& login) {
  return "a:" + account_name(login);
}

// A login holds no space (storage::unfit_login), so the space separates.
std::string pair_key(const std::string& login, const std::string& address) {
  return "p:" + account_name(login) + " " + address_key(address);
}

std::string address_only_key(const std::string& address) {
  return "i:" + address_key(address);
}

} // namespace

login_guard::login_guard(config c)
  : cfg_(c), keys_(failure_table::config{c.base_delay, c.max_delay, c.forget_after, c.max_keys}) {
}

std::chrono::seconds login_guard::retry_after(const std::string& account, const std::string& address,
                                              clock::time_point now) {
  auto wait = std::max(keys_.locked_for(pair_key(account, address), now),
                       keys_.locked_for(address_only_key(address), now));
  return whole_seconds_up(wait);
}

void login_guard::failed(const std::string& account, const std::string& address, clock::time_point now) {
  // The account-wide count never locks: it only decides how many free
  // failures each address still gets on this account.
  auto everywhere = keys_.fail(account_key(account), std::numeric_limits<int>::max(), now);
  auto pair_free = everywhere > cfg_.account_global_bound ? 0 : cfg_.pair_free_failures;
  keys_.fail(pair_key(account, address), pair_free, now);
  keys_.fail(address_only_key(address), cfg_.address_free_failures, now);
}

void login_guard::succeeded(const std::string& account, const std::string& address, clock::time_point now) {
  (void) now;
  keys_.forget(pair_key(account, address));
  keys_.forget(account_key(account));
}

} // namespace siberius::actors
