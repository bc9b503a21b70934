#define CAF_SUITE cli_local_time
#include "caf/test/unit_test.hpp"

#include "cli/local_time.hpp"
#include "cli_runner.hpp"

using namespace siberius::cli;
using siberius::testing::scoped_tz;

CAF_TEST(calendar dates must exist) {
  CAF_CHECK(is_calendar_date("2024-02-29"));
  CAF_CHECK(is_calendar_date("2000-02-29"));
  CAF_CHECK(!is_calendar_date("2023-02-29"));
  CAF_CHECK(!is_calendar_date("1900-02-29"));
  CAF_CHECK(!is_calendar_date("2024-04-31"));
  CAF_CHECK(!is_calendar_date("2024-13-01"));
  CAF_CHECK(!is_calendar_date("2024-00-10"));
  CAF_CHECK(!is_calendar_date("2024-5-1"));
  CAF_CHECK(!is_calendar_date("01/05/2024"));
  CAF_CHECK(!is_calendar_date("2024-05-01T10:00"));
  CAF_CHECK(!is_calendar_date(""));
  CAF_CHECK_EQUAL(check_calendar_date("2024-05-01"), "");
  CAF_CHECK_EQUAL(check_calendar_date("amanhã"), "expected a date YYYY-MM-DD, got \"amanhã\"");
}

CAF_TEST(local times are sent as UTC) {
  {
    scoped_tz utc("UTC0");
    CAF_CHECK_EQUAL(local_to_utc_iso("2024-05-10").value_or(""), "2024-05-10T00:00:00Z");
    CAF_CHECK_EQUAL(local_to_utc_iso("2024-05-10T08:30").value_or(""), "2024-05-10T08:30:00Z");
    CAF_CHECK_EQUAL(local_to_utc_iso("2024-05-10 08:30").value_or(""), "2024-05-10T08:30:00Z");
  }
  scoped_tz sao_paulo("<-03>3");
  CAF_CHECK_EQUAL(local_to_utc_iso("2024-05-10T22:15").value_or(""), "2024-05-11T01:15:00Z");
  CAF_CHECK_EQUAL(local_to_utc_iso("2024-12-31").value_or(""), "2024-12-31T03:00:00Z");
}

CAF_TEST(malformed date times are refused) {
  for (const char* bad : {"2024-05-10T24:00", "2024-05-10T08:60", "2024-05-10T8:00", "2024-05-10T08:00:00",
                          "2024-05-10T08:00Z", "2024-02-30", "2024-05-10T", "tomorrow", ""}) {
    CAF_CHECK(!local_to_utc_iso(bad));
    CAF_CHECK(!check_local_date_time(bad).empty());
  }
  CAF_CHECK_EQUAL(check_local_date_time("2024-05-10T08:00"), "");
}

CAF_TEST(server timestamps are shown in local time) {
  {
    scoped_tz utc("UTC0");
    CAF_CHECK_EQUAL(format_local_time(std::string("2024-05-10T11:00:00Z")), "2024-05-10 11:00");
    CAF_CHECK_EQUAL(format_local_time(std::string("2024-05-10T11:00:00.000Z")), "2024-05-10 11:00");
  }
  scoped_tz sao_paulo("<-03>3");
  CAF_CHECK_EQUAL(format_local_time(std::string("2024-05-10T01:15:00Z")), "2024-05-09 22:15");
  CAF_CHECK_EQUAL(format_local_time(std::string("2024-05-10")), "2024-05-10"); // a bare date as it is
  CAF_CHECK_EQUAL(format_local_time(std::nullopt), "-");
  CAF_CHECK_EQUAL(format_local_time(std::string()), "-");
}
