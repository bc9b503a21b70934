// rate_limiter: a burst, then a steady rate, per address; bounded memory.
#define CAF_SUITE rate_limiter
#include "caf/test/dsl.hpp"

#include "actors/rate_limiter.hpp"

using siberius::actors::rate_limiter;
using namespace std::chrono_literals;

CAF_TEST(a burst then the steady rate per address) {
  rate_limiter limiter({2, 5, 1000});
  auto t0 = rate_limiter::clock::now();
  for (int i = 0; i < 5; ++i)
    CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0).count(), 0);
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0).count(), 1);
  CAF_CHECK_EQUAL(limiter.take("10.0.0.2", t0).count(), 0); // another address has its own bucket
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 500ms).count(), 0); // one token back after 0.5 s at 2/s
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 500ms).count(), 1);
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 10s).count(), 0); // refilled, but never past the burst
  for (int i = 0; i < 4; ++i)
    CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 10s).count(), 0);
  CAF_CHECK_EQUAL(limiter.take("10.0.0.1", t0 + 10s).count(), 1);
}

CAF_TEST(a slow rate asks for a longer wait) {
  rate_limiter limiter({0.1, 1, 1000});
  auto t0 = rate_limiter::clock::now();
  CAF_CHECK_EQUAL(limiter.take("a", t0).count(), 0);
  CAF_CHECK_EQUAL(limiter.take("a", t0).count(), 10);
}

CAF_TEST(idle addresses are forgotten when memory is tight) {
  rate_limiter limiter({10, 10, 100});
  auto t0 = rate_limiter::clock::now();
  for (int i = 0; i < 1000; ++i)
    limiter.take("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250), t0 + std::chrono::seconds(i));
  CAF_CHECK_LESS_OR_EQUAL(limiter.tracked(), 100u);
}
