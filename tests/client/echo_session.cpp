// The client against a real sio-echo: join with auth, events both ways, acks
// and their timeout, refused namespaces, queue bound, orderly close.
#define CAF_SUITE sio_client_echo
#include "caf/test/unit_test.hpp"

#include "client_fixture.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using siberius::net::ack_result;
using siberius::net::to_string;

namespace {

struct fixture : siberius::test::echo_fixture {
  fixture() {
    if (!echo.running())
      CAF_FAIL(echo.error());
  }

  // Connects and waits for the join; fails the test when it does not come.
  std::unique_ptr<siberius::net::sio_client> joined(std::string nsp, json auth) {
    auto c = make_client(std::move(nsp), std::move(auth));
    c->connect();
    auto seen = log.wait_for("connect");
    CAF_REQUIRE(seen.rfind("connect {", 0) == 0);
    return c;
  }

  siberius::net::sio_client::ack_callback ack_to_log(std::string tag) {
    return [this, tag](ack_result r) { log.push("ack " + tag + " " + to_string(r.status) + " " + r.args.dump()); };
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(echo_session, fixture)

CAF_TEST(join sends the auth payload and the server echoes it) {
  json auth = {{"token", "t-123"}, {"clientId", "office-1"}, {"version", "0.1.0"}};
  auto c = joined("/", auth);
  CAF_CHECK(c->connected());
  auto connect = log.wait_for("connect ");
  CAF_CHECK(json::parse(connect.substr(8)).contains("sid"));
  auto ev = log.wait_for("event auth ");
  CAF_REQUIRE(!ev.empty());
  CAF_CHECK_EQUAL(json::parse(ev.substr(11)), json::array({auth}));
}

CAF_TEST(custom namespace joins too) {
  auto c = joined("/custom", json::object({{"k", "v"}}));
  auto ev = log.wait_for("event auth ");
  CAF_CHECK_EQUAL(json::parse(ev.substr(11)), json::array({{{"k", "v"}}}));
}

CAF_TEST(emit comes back as message-back with the same arguments) {
  auto c = joined("/", json::object());
  json args = json::array({1, "two", {{"three", 3}}, json::array({true, nullptr}), "ação"});
  CAF_CHECK(c->emit("message", args));
  auto ev = log.wait_for("event message-back ");
  CAF_REQUIRE(!ev.empty());
  CAF_CHECK_EQUAL(json::parse(ev.substr(19)), args);
}

CAF_TEST(ack round trip carries the same arguments) {
  auto c = joined("/", json::object());
  json args = json::array({{{"fileHash", std::string(64, 'a')}, {"n", 42}}, "x"});
  c->emit_with_ack("message-with-ack", args, ack_to_log("one"), 5s);
  c->emit_with_ack("message-with-ack", json::array({2}), ack_to_log("two"), 5s);
  auto one = log.wait_for("ack one ");
  auto two = log.wait_for("ack two ");
  CAF_CHECK_EQUAL(one, "ack one ok " + args.dump());
  CAF_CHECK_EQUAL(two, "ack two ok [2]");
}

CAF_TEST(ack times out when the server never answers) {
  auto c = joined("/", json::object());
  auto sent = std::chrono::steady_clock::now();
  c->emit_with_ack("message", json::array({"no ack for this"}), ack_to_log("lost"), 300ms);
  auto lost = log.wait_for("ack lost ");
  auto waited = std::chrono::steady_clock::now() - sent;
  CAF_CHECK_EQUAL(lost, "ack lost timeout []");
  CAF_CHECK(waited >= 300ms);
  // The connection is still fine after a timed-out ack.
  c->emit_with_ack("message-with-ack", json::array({"after"}), ack_to_log("after"), 5s);
  CAF_CHECK_EQUAL(log.wait_for("ack after "), "ack after ok [\"after\"]");
  CAF_CHECK(!log.contains("disconnect"));
}

CAF_TEST(invalid namespace is a connect error with the server message) {
  auto c = make_client("/does-not-exist", json::object());
  c->connect();
  auto err = log.wait_for("connect_error ");
  CAF_REQUIRE(!err.empty());
  CAF_CHECK(err.find("Invalid namespace") != std::string::npos);
  CAF_CHECK(!c->connected());
  CAF_CHECK(!log.contains("connect {"));
  // The failed client refuses work instead of queueing it forever.
  c->emit_with_ack("message-with-ack", json::array(), ack_to_log("refused"), 5s);
  CAF_CHECK_EQUAL(log.wait_for("ack refused "), "ack refused disconnected []");
}

CAF_TEST(nobody listening is a connect error naming the address) {
  siberius::net::client_options o;
  auto port = echo.port();
  echo.kill_hard();
  o.url = "http://127.0.0.1:" + std::to_string(port);
  auto c = make_client("/", json::object(), o);
  c->connect();
  auto err = log.wait_for("connect_error ");
  CAF_CHECK(err.find("cannot connect to 127.0.0.1:" + std::to_string(port)) != std::string::npos);
}

CAF_TEST(bad url is a connect error and not a throw) {
  siberius::net::client_options o;
  o.url = "ftp://nowhere";
  auto c = make_client("/", json::object(), o);
  c->connect();
  auto err = log.wait_for("connect_error ");
  CAF_CHECK(err.find("must start with") != std::string::npos);
}

CAF_TEST(events emitted before the join are sent after it within the bound) {
  siberius::net::client_options o;
  o.max_queued_frames = 2;
  auto c = make_client("/", json::object(), o);
  CAF_CHECK(c->emit("message", json::array({"early-1"})));
  CAF_CHECK(c->emit("message", json::array({"early-2"})));
  CAF_CHECK(!c->emit("message", json::array({"over the bound"})));
  c->emit_with_ack("message-with-ack", json::array(), ack_to_log("full"), 5s);
  CAF_CHECK_EQUAL(log.wait_for("ack full "), "ack full queue_full []");
  c->connect();
  CAF_CHECK(!log.wait_for("event message-back [\"early-2\"]").empty());
  CAF_CHECK(log.contains("event message-back [\"early-1\"]"));
  CAF_CHECK(!log.contains("event message-back [\"over the bound\"]"));
}

CAF_TEST(close reports io client disconnect and fails pending acks) {
  auto c = joined("/", json::object());
  c->emit_with_ack("message", json::array({"never acked"}), ack_to_log("pending"), 30s);
  c->close();
  CAF_CHECK_EQUAL(log.wait_for("disconnect "), "disconnect io client disconnect");
  CAF_CHECK_EQUAL(log.wait_for("ack pending "), "ack pending disconnected []");
  CAF_CHECK(!c->connected());
  CAF_CHECK(!c->emit("message", json::array({"after close"})));
  c->close(); // idempotent
}

CAF_TEST_FIXTURE_SCOPE_END()
