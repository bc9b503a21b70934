#define CAF_SUITE storage_time_range
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "storage/monitor.hpp"

using namespace siberius::storage;

namespace {

constexpr std::int64_t may_1 = 1777593600; // 2026-05-01T00:00:00Z

std::string range_error(const char* from, const char* to) {
  auto r = parse_time_range(from ? std::optional<std::string>(from) : std::nullopt,
                            to ? std::optional<std::string>(to) : std::nullopt, may_1);
  auto why = std::get_if<std::string>(&r);
  return why ? *why : std::string();
}

} // namespace

CAF_TEST(iso times in the forms browsers and people write) {
  struct row { const char* text; std::int64_t seconds; };
  std::vector<row> rows = {
    {"2026-05-01T00:00:00Z", may_1},
    {"2026-05-01T00:00:00.123Z", may_1},
    {"2026-05-01", may_1},
    {"2026-05-01T03:00", may_1 + 3 * 3600},
    {"2026-05-01T00:00:00-03:00", may_1 + 3 * 3600},
    {"2026-05-01T00:00:00+0200", may_1 - 2 * 3600},
    {"2026-05-01T00:00:00 02:00", may_1 - 2 * 3600}, // '+' decoded as a space
    {"2026-05-01 10:30:15", may_1 + 10 * 3600 + 30 * 60 + 15},
    {"2024-02-29T12:00:00Z", 1709208000},
    {"1970-01-01T00:00:00Z", 0},
  };
  for (auto& r : rows) {
    auto t = parse_iso_time(r.text);
    CAF_CHECK_EQUAL(std::string(r.text) + " -> " + (t ? std::to_string(*t) : "invalid"),
                    std::string(r.text) + " -> " + std::to_string(r.seconds));
  }
}

CAF_TEST(anything else is not a time) {
  for (auto text : {"", "yesterday", "2026-13-01", "2026-02-29", "2026-04-31T00:00:00Z", "2026-05-01T24:00:00Z",
                    "2026-05-01T10:61Z", "2026-05-01T10:00:00ZZ", "2026-05-01T10:00:00+15:00", "1969-12-31",
                    "2026-5-1", "1777593600", "2026-05-01T10", "2026-05-01T10:00:00.Z", " 2026-05-01"})
    CAF_CHECK_EQUAL(std::string(text) + (parse_iso_time(text) ? " parsed" : " refused"),
                    std::string(text) + " refused");
}

CAF_TEST(iso_utc prints what parse_iso_time reads) {
  CAF_CHECK_EQUAL(iso_utc(may_1), "2026-05-01T00:00:00Z");
  CAF_CHECK_EQUAL(iso_utc(1709208000 + 59), "2024-02-29T12:00:59Z");
  CAF_CHECK_EQUAL(iso_utc(0), "1970-01-01T00:00:00Z");
  for (std::int64_t t = 0; t < 4102444800; t += 86400 * 97 + 3671)
    CAF_REQUIRE_EQUAL(parse_iso_time(iso_utc(t)).value_or(-1), t);
}

CAF_TEST(a range defaults to the last day and ends now) {
  auto r = std::get<time_range>(parse_time_range(std::nullopt, std::nullopt, may_1));
  CAF_CHECK_EQUAL(r.to, may_1);
  CAF_CHECK_EQUAL(r.from, may_1 - 86400);
  auto only_from = std::get<time_range>(parse_time_range(std::string("2026-04-28"), std::nullopt, may_1));
  CAF_CHECK_EQUAL(only_from.from, may_1 - 3 * 86400);
  CAF_CHECK_EQUAL(only_from.to, may_1);
  auto only_to = std::get<time_range>(parse_time_range(std::nullopt, std::string("2026-04-28"), may_1));
  CAF_CHECK_EQUAL(only_to.to, may_1 - 3 * 86400);
  CAF_CHECK_EQUAL(only_to.from, may_1 - 4 * 86400);
  auto empty = std::get<time_range>(parse_time_range(std::string(""), std::string(""), may_1));
  CAF_CHECK_EQUAL(empty.to, may_1);
  // A fraction of a second in `to` keeps that whole second in the range.
  auto fine = std::get<time_range>(
    parse_time_range(std::string("2026-04-30T23:00:00.250Z"), std::string("2026-04-30T23:59:59.250Z"), may_1));
  CAF_CHECK_EQUAL(fine.from, may_1 - 3600);
  CAF_CHECK_EQUAL(fine.to, may_1);
  auto whole = std::get<time_range>(parse_time_range(std::nullopt, std::string("2026-05-01T00:00:00.000Z"), may_1));
  CAF_CHECK_EQUAL(whole.to, may_1);
  // 31 days exactly is allowed
  CAF_CHECK(std::holds_alternative<time_range>(
    parse_time_range(std::string("2026-03-31T00:00:00Z"), std::string("2026-05-01T00:00:00Z"), may_1)));
}

CAF_TEST(a bad range says what to change) {
  CAF_CHECK_EQUAL(range_error("last week", nullptr),
                  "from: expected an ISO 8601 time such as 2026-05-01T00:00:00Z, got 'last week'");
  CAF_CHECK_EQUAL(range_error(nullptr, "2026-02-30"),
                  "to: expected an ISO 8601 time such as 2026-05-01T00:00:00Z, got '2026-02-30'");
  CAF_CHECK_EQUAL(range_error("2026-05-01T00:00:00Z", "2026-05-01T00:00:00Z"),
                  "from must be before to (from 2026-05-01T00:00:00Z, to 2026-05-01T00:00:00Z)");
  CAF_CHECK_EQUAL(range_error("2026-05-02", "2026-05-01"),
                  "from must be before to (from 2026-05-02T00:00:00Z, to 2026-05-01T00:00:00Z)");
  CAF_CHECK_EQUAL(range_error("2026-03-01", "2026-05-01"),
                  "the range may span at most 31 days (from 2026-03-01T00:00:00Z to 2026-05-01T00:00:00Z is 61 days)");
  CAF_CHECK_EQUAL(range_error("2026-03-30T23:59:59Z", nullptr).substr(0, 34), "the range may span at most 31 days");
}

CAF_TEST(latency points get coarser as the range grows) {
  auto step = [](std::int64_t seconds) { return latency_bucket_seconds({may_1 - seconds, may_1}); };
  CAF_CHECK_EQUAL(step(3600), 300);
  CAF_CHECK_EQUAL(step(86400), 300);
  CAF_CHECK_EQUAL(step(2 * 86400), 900);
  CAF_CHECK_EQUAL(step(7 * 86400), 3600);
  CAF_CHECK_EQUAL(step(31 * 86400), 10800);
  for (std::int64_t s = 60; s <= max_range_seconds; s += 3607)
    CAF_CHECK_LESS_OR_EQUAL((s + step(s) - 1) / step(s), 300);
}

CAF_TEST(many daemons drawn together get coarser latency points) {
  auto step = [](std::int64_t seconds, std::int64_t daemons) {
    return latency_bucket_seconds({may_1 - seconds, may_1}, daemons);
  };
  CAF_CHECK_EQUAL(step(86400, 0), 300);
  CAF_CHECK_EQUAL(step(86400, 80), 300);
  CAF_CHECK_EQUAL(step(86400, 100), 900);
  CAF_CHECK_EQUAL(step(86400, 500), 1800);
  CAF_CHECK_EQUAL(step(7 * 86400, 500), 21600);
  for (std::int64_t daemons : {1, 10, 87, 500, 2000}) {
    for (std::int64_t s = 3600; s <= max_range_seconds; s += 86400 / 3) {
      auto st = step(s, daemons);
      auto points = (s + st - 1) / st;
      CAF_CHECK(points <= 300 && (points * daemons <= 25000 || st == 86400));
    }
  }
}
