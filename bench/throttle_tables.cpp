// Cost of one throttle decision when the tables are full: the REST
// rate_limiter, the login_guard and the connect_guard at their 100,000-key
// bound, fed fresh addresses (a spoofing flood) so that every call has to
// make room. Pruning is O(1) amortised: the figures stay flat as the table
// grows. Prints one JSON line per table and size.
#include <chrono>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/connect_guard.hpp"
#include "actors/login_guard.hpp"
#include "actors/rate_limiter.hpp"

using namespace siberius::actors;
using clock_type = std::chrono::steady_clock;

namespace {

std::string address(std::size_t i) {
  return "10." + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) + "." +
         std::to_string(i & 255);
}

template <class F>
double ns_per_call(std::size_t calls, F&& f) {
  auto start = clock_type::now();
  for (std::size_t i = 0; i < calls; ++i)
    f(i);
  return std::chrono::duration<double, std::nano>(clock_type::now() - start).count() / static_cast<double>(calls);
}

void report(const char* table, std::size_t keys, double ns) {
  std::cout << nlohmann::json{{"table", table}, {"maxKeys", keys}, {"nsPerCall", static_cast<long>(ns)}}.dump()
            << "\n";
}

} // namespace

int main() {
  auto t0 = clock_type::now();
  for (std::size_t keys : {10000u, 100000u}) {
    auto calls = keys * 4;
    rate_limiter limiter({1, 1, keys});
    // Every address drains its bucket: the table is full of busy buckets.
    report("rate_limiter", keys, ns_per_call(calls, [&](std::size_t i) {
      limiter.take(address(i), t0 + std::chrono::microseconds(i));
    }));
    login_guard::config lc;
    lc.max_keys = keys;
    login_guard guard(lc);
    report("login_guard", keys, ns_per_call(calls, [&](std::size_t i) {
      guard.failed("user" + std::to_string(i % 1000), address(i), t0 + std::chrono::microseconds(i));
    }));
    connect_guard::config cc;
    cc.max_keys = keys;
    connect_guard connects(cc);
    report("connect_guard", keys, ns_per_call(calls, [&](std::size_t i) {
      auto now = t0 + std::chrono::microseconds(i);
      auto sid = "sid" + std::to_string(i);
      if (connects.admit(address(i), sid, now).what == connect_guard::verdict::go)
        connects.finish(address(i), sid, connect_guard::outcome::refused, now);
    }));
  }
}
