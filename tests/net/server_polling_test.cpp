// The HTTP long-polling transport over real loopback sockets: handshake,
// packets both ways (binary as base64), the one-GET rule, body limits, CORS,
// per-address limits, and the upgrade to a WebSocket with its timeout.
#define CAF_SUITE net_server_polling
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <future>

#include "net_test_support.hpp"

using namespace siberius::net;
using namespace siberius::net::testing;

namespace {

using response = boost::beast::http::response<boost::beast::http::string_body>;

/// One polling session seen from the client: each call is one HTTP request.
struct polling_client {
  std::uint16_t port;
  std::string sid;

  std::string target() const {
    return "/socket.io/?EIO=4&transport=polling" + (sid.empty() ? std::string() : "&sid=" + sid);
  }
  /// The handshake: the open packet's JSON, null when refused.
  nlohmann::json open(const std::string& headers = "") {
    auto res = http_exchange(port, get_request(target(), headers));
    if (!res || res->result_int() != 200 || res->body().empty() || res->body()[0] != '0')
      return nullptr;
    auto handshake = nlohmann::json::parse(res->body().substr(1), nullptr, false);
    if (handshake.is_object())
      sid = handshake.value("sid", "");
    return handshake;
  }
  std::optional<response> get(const std::string& headers = "") {
    return http_exchange(port, get_request(target(), headers));
  }
  std::optional<response> post(const std::string& body, const std::string& headers = "") {
    return http_exchange(port, post_request(target(), body, headers));
  }
  /// GETs until a packet other than a ping arrives (pings answered by POST);
  /// the packets of that answer, split.
  std::vector<std::string> next_packets() {
    auto deadline = std::chrono::steady_clock::now() + patience;
    while (std::chrono::steady_clock::now() < deadline) {
      auto res = get();
      if (!res || res->result_int() != 200)
        return {};
      std::vector<std::string> packets;
      std::string_view body = res->body();
      bool pinged = false;
      while (true) {
        auto sep = body.find('\x1e');
        auto packet = std::string(body.substr(0, sep));
        if (packet == "2")
          pinged = true;
        else
          packets.push_back(packet);
        if (sep == std::string_view::npos)
          break;
        body.remove_prefix(sep + 1);
      }
      if (pinged)
        post("3");
      if (!packets.empty())
        return packets;
    }
    return {};
  }
};

nlohmann::json error_body(const std::optional<response>& res) {
  return res ? nlohmann::json::parse(res->body(), nullptr, false) : nlohmann::json();
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(polling_tests, server_fixture)

CAF_TEST(a polling session connects exchanges events and binary and survives heartbeats) {
  start();
  polling_client client{port(), {}};
  auto handshake = client.open();
  CAF_REQUIRE(handshake.is_object());
  CAF_CHECK_EQUAL(handshake.at("upgrades"), nlohmann::json::array({"websocket"}));
  CAF_CHECK_EQUAL(handshake.at("pingInterval"), 200);
  CAF_CHECK_EQUAL(handshake.at("maxPayload"), 10000);
  auto ok = client.post("40/daemon,{\"token\":\"p\"}");
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->result_int(), 200);
  CAF_CHECK_EQUAL(ok->body(), "ok");
  auto packets = client.next_packets();
  CAF_REQUIRE_EQUAL(packets.size(), 1u);
  CAF_CHECK_EQUAL(packets[0].rfind("40/daemon,{", 0), 0u);
  // Two packets in one POST: an event with an ack id and a binary event
  // whose attachment travels as base64.
  CAF_REQUIRE(client.post("42/daemon,5[\"echo\",\"text\"]\x1e"
                          "451-/daemon,6[\"echo\",{\"_placeholder\":true,\"num\":0}]\x1e"
                          "bAQID"));
  CAF_CHECK(root->wait_for("event /daemon echo [\"text\"] ack 5"));
  CAF_CHECK(root->wait_for("event /daemon echo [{\"bytes\":[1,2,3],\"subtype\":null}] ack 6"));
  std::vector<std::string> answers;
  while (answers.size() < 3) {
    auto more = client.next_packets();
    CAF_REQUIRE(!more.empty());
    answers.insert(answers.end(), more.begin(), more.end());
  }
  CAF_CHECK_EQUAL(answers, (std::vector<std::string>{"43/daemon,5[\"text\"]",
                                                     "461-/daemon,6[{\"_placeholder\":true,\"num\":0}]", "bAQID"}));
  // Several ping intervals later the session is still there.
  for (int i = 0; i < 4; ++i) {
    auto res = client.get();
    CAF_REQUIRE(res);
    CAF_REQUIRE_EQUAL(res->result_int(), 200);
    CAF_CHECK_EQUAL(res->body(), "2");
    CAF_REQUIRE(client.post("3"));
  }
  CAF_CHECK_EQUAL(root->count("disconnect /daemon ping timeout"), 0u);
}

CAF_TEST(a second GET while one is held ends the session) {
  auto opts = fast_options();
  opts.engine.ping_interval = 60s; // nothing answers a GET but the test
  start(opts);
  polling_client client{port(), {}};
  CAF_REQUIRE(client.open().is_object());
  CAF_REQUIRE(client.post("40"));
  auto connected = client.get();
  CAF_REQUIRE(connected);
  CAF_CHECK_EQUAL(connected->body().rfind("40{", 0), 0u);
  auto first = std::async(std::launch::async, [&] { return client.get(); });
  auto second = std::async(std::launch::async, [&] { return client.get(); });
  auto a = first.get();
  auto b = second.get();
  CAF_REQUIRE(a && b);
  // Whichever came second is refused; the held one learns of the close.
  auto& refused = a->result_int() == 400 ? a : b;
  auto& held = a->result_int() == 400 ? b : a;
  CAF_CHECK_EQUAL(refused->result_int(), 400);
  CAF_CHECK_EQUAL(error_body(refused).value("code", -1), 3);
  CAF_CHECK_EQUAL(held->result_int(), 200);
  CAF_CHECK_EQUAL(held->body(), "1");
  CAF_CHECK(root->wait_for("disconnect / transport error"));
  CAF_CHECK(logs->wait_for_event("eio:polling:overlap"));
  auto after = client.get();
  CAF_REQUIRE(after);
  CAF_CHECK_EQUAL(after->result_int(), 400);
  CAF_CHECK_EQUAL(error_body(after).value("code", -1), 1);
}

CAF_TEST(oversize and malformed bodies end the session) {
  start();
  {
    polling_client client{port(), {}};
    CAF_REQUIRE(client.open().is_object());
    CAF_REQUIRE(client.post("40"));
    auto res = client.post("42[\"echo\",\"" + std::string(20000, 'x') + "\"]");
    CAF_REQUIRE(res);
    CAF_CHECK_EQUAL(res->result_int(), 413);
    CAF_CHECK(root->wait_for("disconnect / payload too large"));
  }
  {
    polling_client client{port(), {}};
    CAF_REQUIRE(client.open().is_object());
    auto res = client.post("40\x1e\x1e" "42[\"x\"]");
    CAF_REQUIRE(res);
    CAF_CHECK_EQUAL(res->result_int(), 400);
    CAF_CHECK_EQUAL(error_body(res).value("code", -1), 3);
    CAF_CHECK(logs->wait_for_event("eio:polling:malformed"));
  }
  // Unknown sids and methods other than GET for a handshake.
  polling_client stranger{port(), "no-such-session"};
  auto res = stranger.get();
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(error_body(res).value("code", -1), 1);
  polling_client no_sid{port(), {}};
  res = no_sid.post("40");
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 400);
  CAF_CHECK_EQUAL(error_body(res).value("code", -1), 2);
}

CAF_TEST(cross origin polling is for configured origins only) {
  auto opts = fast_options();
  opts.cors_origins = {"https://app.example"};
  start(opts);
  // A configured origin: CORS headers with credentials.
  polling_client allowed{port(), {}};
  auto res = allowed.get("Origin: https://app.example\r\n");
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 200);
  CAF_CHECK_EQUAL((*res)["Access-Control-Allow-Origin"], "https://app.example");
  CAF_CHECK_EQUAL((*res)["Access-Control-Allow-Credentials"], "true");
  CAF_CHECK_EQUAL((*res)["Vary"], "Origin");
  // Its preflight.
  auto preflight = http_exchange(port(), "OPTIONS /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                         "Origin: https://app.example\r\nAccess-Control-Request-Method: POST\r\n"
                                         "Access-Control-Request-Headers: content-type\r\n\r\n");
  CAF_REQUIRE(preflight);
  CAF_CHECK_EQUAL(preflight->result_int(), 204);
  CAF_CHECK_EQUAL((*preflight)["Access-Control-Allow-Origin"], "https://app.example");
  CAF_CHECK_EQUAL((*preflight)["Access-Control-Allow-Methods"], "GET, POST, OPTIONS");
  CAF_CHECK_EQUAL((*preflight)["Access-Control-Allow-Headers"], "content-type");
  // Any other origin: 403, and nothing a browser would accept.
  polling_client foreign{port(), {}};
  res = foreign.get("Origin: https://evil.example\r\n");
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 403);
  CAF_CHECK_EQUAL(error_body(res).value("code", -1), 4);
  CAF_CHECK_EQUAL((*res)["Access-Control-Allow-Origin"], "");
  CAF_CHECK(logs->wait_for_event("eio:origin:refused"));
  // The server's own origin, and clients that are not browsers, need nothing.
  polling_client same{port(), {}};
  CAF_CHECK(same.open("Origin: http://127.0.0.1\r\n").is_object());
  polling_client plain{port(), {}};
  CAF_CHECK(plain.open().is_object());
}

CAF_TEST(polling sessions count against the per address limit) {
  auto opts = fast_options();
  opts.max_connections_per_address = 2;
  opts.engine.connect_timeout = 60s;
  opts.engine.ping_interval = 60s;
  start(opts);
  polling_client a{port(), {}}, b{port(), {}}, c{port(), {}};
  CAF_REQUIRE(a.open().is_object());
  CAF_REQUIRE(b.open().is_object());
  auto refused = c.get();
  CAF_REQUIRE(refused);
  CAF_CHECK_EQUAL(refused->result_int(), 503);
  CAF_CHECK(logs->wait_for_event("net:address:over_limit"));
}

CAF_TEST(a polling session upgrades to a websocket and keeps its namespaces) {
  auto opts = fast_options();
  opts.engine.ping_interval = 60s;
  start(opts);
  polling_client client{port(), {}};
  CAF_REQUIRE(client.open().is_object());
  CAF_REQUIRE(client.post("40"));
  auto connected = client.get();
  CAF_REQUIRE(connected);
  CAF_REQUIRE(root->wait_for("connect / null"));
  auto conn = root->last_connection();
  CAF_REQUIRE(conn);
  // The client holds a GET, then probes a WebSocket: the GET is released
  // with a noop so that polling can pause.
  auto held = std::async(std::launch::async, [&] { return client.get(); });
  ws_client ws(port());
  CAF_REQUIRE(ws.connect("/socket.io/?EIO=4&transport=websocket&sid=" + client.sid));
  ws.send("2probe");
  auto pong = ws.read();
  CAF_REQUIRE(pong);
  CAF_CHECK_EQUAL(*pong, "3probe");
  auto released = held.get();
  CAF_REQUIRE(released);
  CAF_CHECK_EQUAL(released->body(), "6");
  // Sent while the switch is under way: it waits and goes first on the WebSocket.
  conn->emit("/", "during", nlohmann::json::array({1}));
  ws.send("5");
  auto first = ws.read_answering_pings();
  CAF_REQUIRE(first);
  CAF_CHECK_EQUAL(*first, "42[\"during\",1]");
  // Same session, same namespace: events and acks go on over the WebSocket.
  ws.send("42[\"echo\",\"after\"]");
  ws.send("42[\"emit-back\",\"x\"]");
  auto echoed = ws.read_answering_pings();
  CAF_REQUIRE(echoed);
  CAF_CHECK_EQUAL(*echoed, "42[\"echoed\",\"x\"]");
  CAF_CHECK(root->wait_for("event / echo [\"after\"]"));
  CAF_CHECK_EQUAL(root->count("connect / null"), 1u);
  // Polling is over for this session.
  auto late = client.get();
  CAF_REQUIRE(late);
  CAF_CHECK_EQUAL(late->result_int(), 400);
  CAF_CHECK_EQUAL(error_body(late).value("code", -1), 3);
  // A second WebSocket for the same sid is refused.
  ws_client again(port());
  CAF_CHECK(!again.connect("/socket.io/?EIO=4&transport=websocket&sid=" + client.sid));
  CAF_CHECK(logs->wait_for_event("eio:upgrade"));
}

CAF_TEST(an upgrade that does not finish in time leaves the session on polling) {
  auto opts = fast_options();
  opts.engine.ping_interval = 60s;
  opts.engine.upgrade_timeout = 300ms;
  start(opts);
  polling_client client{port(), {}};
  CAF_REQUIRE(client.open().is_object());
  CAF_REQUIRE(client.post("40"));
  CAF_REQUIRE(client.get());
  ws_client ws(port());
  CAF_REQUIRE(ws.connect("/socket.io/?EIO=4&transport=websocket&sid=" + client.sid));
  ws.send("2probe");
  auto pong = ws.read();
  CAF_REQUIRE(pong);
  CAF_CHECK_EQUAL(*pong, "3probe");
  CAF_CHECK(ws.closed_by_server());
  CAF_CHECK(logs->wait_for_event("eio:upgrade:timeout"));
  // Polling goes on as before.
  CAF_REQUIRE(client.post("42[\"emit-back\",\"still here\"]"));
  auto packets = client.next_packets();
  CAF_REQUIRE_EQUAL(packets.size(), 1u);
  CAF_CHECK_EQUAL(packets[0], "42[\"echoed\",\"still here\"]");
}

CAF_TEST_FIXTURE_SCOPE_END()
