// cache cleanup / cache reports against the scripted server.
#define CAF_SUITE cli_cache_commands
#include "caf/test/unit_test.hpp"

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "fake_server.hpp"

using namespace siberius::testing;
using nlohmann::json;

namespace {

const std::string report = R"({"id":7,"trigger":"on_demand","startedAt":"2026-03-08T07:00:00Z",
  "finishedAt":"2026-03-08T07:00:01Z","durationMs":1250,"filesRemoved":3,"bytesFreed":3072,"expiredRows":4,
  "staleTempFilesRemoved":1,"errors":["delete /srv/cache/2026/03/a.pdf: Permission denied"],"details":{}})";

std::map<std::string, std::string> env_for(const fake_http_server& server) {
  return {{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_TOKEN", "admin-token"}};
}

} // namespace

CAF_TEST(cleanup posts a run and prints its report) {
  scoped_tz utc("UTC0");
  fake_http_server server({{200, R"({"joined":false,"report":)" + report + "}"},
                           {200, R"({"joined":true,"report":)" + report + "}"}});
  auto o = run({"cache", "cleanup"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Run               7 (on_demand)\n"
                         "Started           2026-03-08 07:00\n"
                         "Duration          1.2 s\n"
                         "Files removed     3 (3.0 KiB freed)\n"
                         "Expired rows      4\n"
                         "Stale temp files  1\n"
                         "Errors            1\n"
                         "  delete /srv/cache/2026/03/a.pdf: Permission denied\n");
  o = run({"cache", "cleanup"}, env_for(server));
  CAF_CHECK(o.out.find("A on_demand run was already under way; its report:\n") == 0);
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/cache/cleanup");
}

CAF_TEST(cleanup refused for a technician exits 3) {
  fake_http_server server({{403, R"({"error":"this needs an admin","code":"forbidden"})"}});
  auto o = run({"cache", "cleanup"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 3);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: this needs an admin (HTTP 403)\n");
}

CAF_TEST(reports as a table and as json) {
  scoped_tz utc("UTC0");
  auto body = R"({"items":[)" + report + "]}";
  fake_http_server server({{200, body}, {200, body}, {200, R"({"items":[]})"}});
  auto o = run({"cache", "reports", "--limit", "5"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "ID  TRIGGER    STARTED           DURATION  FILES    FREED  EXPIRED  TEMP  ERRORS\n"
                         " 7  on_demand  2026-03-08 07:00     1.2 s      3  3.0 KiB        4     1       1\n");
  auto j = run({"cache", "reports", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(json::parse(j.out), json::parse(body));
  o = run({"cache", "reports"}, env_for(server));
  CAF_CHECK_EQUAL(o.out, "No cleanup run yet.\n");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 3u);
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/cache/reports?limit=5");
  CAF_CHECK_EQUAL(reqs[1].target, "/api/admin/cache/reports?limit=20");
}
