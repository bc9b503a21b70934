// Engine.IO liveness against sio-echo (pingInterval 300 ms, pingTimeout
// 200 ms): pings are answered, a hung server is noticed, a dead one too.
#define CAF_SUITE sio_client_liveness
#include "caf/test/unit_test.hpp"

#include "client_fixture.hpp"

using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct fixture : siberius::test::echo_fixture {
  fixture() {
    if (!echo.running())
      CAF_FAIL(echo.error());
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(echo_liveness, fixture)

CAF_TEST(pings are answered so the session outlives many ping intervals) {
  auto c = make_client("/", json::object());
  c->connect();
  CAF_REQUIRE(!log.wait_for("connect {").empty());
  // Eight ping intervals: the server closes a client that does not pong
  // after 500 ms, and the client closes one that stops pinging.
  std::this_thread::sleep_for(2500ms);
  CAF_CHECK(c->connected());
  CAF_CHECK(!log.contains("disconnect"));
  c->emit_with_ack("message-with-ack", json::array({"still here"}),
                   [this](siberius::net::ack_result r) { log.push(std::string("ack ") + to_string(r.status)); },
                   5s);
  CAF_CHECK_EQUAL(log.wait_for("ack "), "ack ok");
}

CAF_TEST(a hung server is detected by the missing pings) {
  auto c = make_client("/", json::object());
  c->connect();
  CAF_REQUIRE(!log.wait_for("connect {").empty());
  echo.freeze(); // sockets stay open, nothing is sent any more
  auto seen = log.wait_for("disconnect ", 10s);
  echo.thaw();
  CAF_CHECK_EQUAL(seen, "disconnect ping timeout");
  CAF_CHECK(!c->connected());
}

CAF_TEST(a killed server is detected) {
  auto c = make_client("/", json::object());
  c->connect();
  CAF_REQUIRE(!log.wait_for("connect {").empty());
  c->emit_with_ack("message", json::array({"in flight"}),
                   [this](siberius::net::ack_result r) { log.push(std::string("ack ") + to_string(r.status)); },
                   60s);
  echo.kill_hard();
  auto seen = log.wait_for("disconnect ", 10s);
  // The kernel closes the dead process's sockets, so this is normally
  // "transport close"; a lost FIN would still end in "ping timeout".
  CAF_CHECK(seen == "disconnect transport close" || seen == "disconnect transport error" ||
            seen == "disconnect ping timeout");
  CAF_CHECK_EQUAL(log.wait_for("ack "), "ack disconnected");
  CAF_CHECK(!c->connected());
}

CAF_TEST_FIXTURE_SCOPE_END()
