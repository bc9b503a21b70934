// alerts against the scripted server.
#define CAF_SUITE cli_alert_commands
#include "caf/test/unit_test.hpp"

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "fake_server.hpp"

using namespace siberius::testing;

namespace {

std::map<std::string, std::string> env_for(const fake_http_server& server) {
  return {{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_TOKEN", "admin-token"}};
}

const std::string listing = R"json({"active":[{"id":"al-1","kind":"disk_floor","subject":"disk","severity":"critical",
  "message":"free disk space below the floor (812.0 MiB free, floor 1.0 GiB)","details":{},
  "raisedAt":"2030-05-10T11:00:00.000Z","clearedAt":null}],
  "recent":[{"id":"al-0","kind":"daemon_offline","subject":"matriz","severity":"warning",
  "message":"daemon matriz offline for 15 min","details":{},
  "raisedAt":"2030-05-10T09:00:00.000Z","clearedAt":"2030-05-10T09:30:00.000Z"}]})json";

} // namespace

CAF_TEST(alerts lists the active ones and with all the cleared ones) {
  scoped_tz utc("UTC0");
  fake_http_server server({{200, listing}, {200, listing}, {200, R"({"active":[],"recent":[]})"}});
  auto o = run({"alerts"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("critical  disk_floor  disk     2030-05-10 11:00  free disk space below the floor") !=
            std::string::npos);
  CAF_CHECK(o.out.find("matriz") == std::string::npos);
  auto all = run({"alerts", "--all"}, env_for(server));
  CAF_CHECK(all.out.find("Recently cleared:") != std::string::npos);
  CAF_CHECK(all.out.find("daemon_offline  matriz") != std::string::npos);
  CAF_CHECK_EQUAL(run({"alerts"}, env_for(server)).out, "No active alerts.\n");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 3u);
  CAF_CHECK_EQUAL(reqs[0].target, "/api/admin/alerts");
  CAF_CHECK_EQUAL(reqs[0].method, "GET");
}

CAF_TEST(alerts as a technician exits 3) {
  fake_http_server server({{403, R"({"error":"admins only","code":"forbidden"})"}});
  CAF_CHECK_EQUAL(run({"alerts"}, env_for(server)).code, 3);
}
