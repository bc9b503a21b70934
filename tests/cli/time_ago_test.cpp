#define CAF_SUITE cli_time_ago
#include "caf/test/unit_test.hpp"

#include "cli/format.hpp"
#include "cli/time_ago.hpp"

using namespace siberius::cli;
using namespace std::chrono;

namespace {

wall_clock::time_point at(const char* iso) {
  auto t = parse_iso8601(iso);
  if (!t)
    CAF_FAIL("does not parse: " << iso);
  return *t;
}

long long epoch_seconds(const char* iso) {
  return duration_cast<seconds>(at(iso).time_since_epoch()).count();
}

} // namespace

CAF_TEST(ages read like a person would say them) {
  CAF_CHECK_EQUAL(format_age(seconds(0)), "just now");
  CAF_CHECK_EQUAL(format_age(seconds(5)), "5s ago");
  CAF_CHECK_EQUAL(format_age(seconds(59)), "59s ago");
  CAF_CHECK_EQUAL(format_age(seconds(60)), "1m ago");
  CAF_CHECK_EQUAL(format_age(seconds(3599)), "59m ago");
  CAF_CHECK_EQUAL(format_age(seconds(2 * 3600 + 59 * 60)), "2h ago");
  CAF_CHECK_EQUAL(format_age(seconds(86400)), "1d ago");
  CAF_CHECK_EQUAL(format_age(seconds(364 * 86400)), "364d ago");
  CAF_CHECK_EQUAL(format_age(seconds(800 * 86400)), "2y ago");
  CAF_CHECK_EQUAL(format_age(seconds(-4)), "in 4s");
}

CAF_TEST(timestamps in the forms servers send) {
  CAF_CHECK_EQUAL(epoch_seconds("1970-01-01T00:00:00Z"), 0);
  CAF_CHECK_EQUAL(epoch_seconds("2024-02-29T12:00:00Z"), 1709208000);
  CAF_CHECK_EQUAL(epoch_seconds("2024-02-29T12:00:00.999Z"), 1709208000);
  CAF_CHECK_EQUAL(epoch_seconds("2024-02-29 12:00:00.123456+00:00"), 1709208000);
  CAF_CHECK_EQUAL(epoch_seconds("2024-02-29T09:00:00-03:00"), 1709208000);
  CAF_CHECK_EQUAL(epoch_seconds("2024-02-29T14:30:00+0230"), 1709208000);
  CAF_CHECK_EQUAL(epoch_seconds("2024-02-29T12:00:00"), 1709208000);
  auto frac = at("2024-02-29T12:00:00.250Z") - at("2024-02-29T12:00:00Z");
  CAF_CHECK_EQUAL(duration_cast<milliseconds>(frac).count(), 250);
}

CAF_TEST(impossible or malformed timestamps are rejected) {
  for (const char* bad : {"", "yesterday", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-04-31T00:00:00Z",
                          "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01", "2024-01-01T00:00:00.Z",
                          "2024-01-01T00:00:00+25:00", "2024-01-01T00:00:00Zjunk", "2024-1-01T00:00:00Z"})
    CAF_CHECK(!parse_iso8601(bad));
}

CAF_TEST(table cells from optional timestamps) {
  auto now = at("2024-05-01T12:00:00Z");
  CAF_CHECK_EQUAL(describe_time_ago(std::nullopt, now), "never");
  CAF_CHECK_EQUAL(describe_time_ago(std::string(""), now), "never");
  CAF_CHECK_EQUAL(describe_time_ago(std::string("2024-05-01T11:59:55Z"), now), "5s ago");
  CAF_CHECK_EQUAL(describe_time_ago(std::string("2024-05-01T10:00:00Z"), now), "2h ago");
  CAF_CHECK_EQUAL(describe_time_ago(std::string("2024-05-01T09:00:00-03:00"), now), "just now");
  CAF_CHECK_EQUAL(describe_time_ago(std::string("not a date"), now), "not a date");
}

CAF_TEST(durations and sizes) {
  CAF_CHECK_EQUAL(format_duration(42), "42s");
  CAF_CHECK_EQUAL(format_duration(302), "5m 2s");
  CAF_CHECK_EQUAL(format_duration(7380), "2h 3m");
  CAF_CHECK_EQUAL(format_duration(3 * 86400 + 4 * 3600 + 59), "3d 4h");
  CAF_CHECK_EQUAL(format_duration(-3), "0s");
  CAF_CHECK_EQUAL(format_bytes(512), "512 B");
  CAF_CHECK_EQUAL(format_bytes(1536), "1.5 KiB");
  CAF_CHECK_EQUAL(format_bytes(12.3 * 1024 * 1024), "12.3 MiB");
  CAF_CHECK_EQUAL(format_bytes(-1), "-");
}
