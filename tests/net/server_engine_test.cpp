// Engine.IO over real loopback sockets: handshake, heartbeat, limits, close.
#define CAF_SUITE net_server_engine
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "net_test_support.hpp"

using namespace siberius::net;
using namespace siberius::net::testing;

CAF_TEST_FIXTURE_SCOPE(engine_tests, server_fixture)

CAF_TEST(the open packet announces the session and its timings) {
  start();
  ws_client client(port());
  auto open = client.open();
  CAF_REQUIRE(open);
  CAF_CHECK_EQUAL(open->at("sid").get<std::string>().size(), 20u);
  CAF_CHECK_EQUAL(open->at("upgrades"), nlohmann::json::array());
  CAF_CHECK_EQUAL(open->at("pingInterval"), 200);
  CAF_CHECK_EQUAL(open->at("pingTimeout"), 200);
  CAF_CHECK_EQUAL(open->at("maxPayload"), 10000);
  ws_client other(port());
  auto second = other.open();
  CAF_REQUIRE(second);
  CAF_CHECK_NOT_EQUAL(open->at("sid"), second->at("sid"));
}

CAF_TEST(answered pings keep the connection alive) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  for (int i = 0; i < 4; ++i) {
    auto frame = client.read();
    CAF_REQUIRE(frame);
    CAF_CHECK_EQUAL(*frame, "2");
    client.send("3");
  }
  client.send("40");
  auto reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(reply->substr(0, 2), "40");
}

CAF_TEST(an unanswered ping closes the connection with ping timeout) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40");
  auto joined = client.read();
  CAF_REQUIRE(joined);
  CAF_CHECK(client.closed_by_server());
  CAF_CHECK(root->wait_for("disconnect / ping timeout"));
}

CAF_TEST(a client close packet closes the transport) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40");
  CAF_REQUIRE(client.read_answering_pings());
  client.send("1");
  CAF_CHECK(client.closed_by_server());
  CAF_CHECK(root->wait_for("disconnect / transport close"));
}

CAF_TEST(noop and unknown engine packets) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("6");
  client.send("40");
  auto reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(reply->substr(0, 2), "40");
  client.send("9nonsense");
  CAF_CHECK(client.closed_by_server());
  CAF_CHECK(logs->wait_for_event("eio:malformed"));
}

CAF_TEST(frames over maxPayload close the connection and the server keeps serving) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("4" + std::string(20000, 'x'));
  CAF_CHECK(client.closed_by_server());
  CAF_CHECK(logs->wait_for_event("eio:payload:too_large"));
  ws_client next(port());
  CAF_CHECK(next.open());
}

CAF_TEST(binary frames are refused with a reason) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40", true);
  CAF_CHECK(client.closed_by_server());
  CAF_CHECK(logs->wait_for_event("eio:binary:unsupported"));
}

CAF_TEST(a client that joins no namespace is closed after connectTimeout) {
  auto opts = fast_options();
  opts.engine.ping_interval = 60s; // only the connect timeout can fire
  opts.engine.connect_timeout = 300ms;
  start(opts);
  ws_client client(port());
  CAF_REQUIRE(client.open());
  CAF_CHECK(client.closed_by_server());
  // Joining in time cancels it.
  ws_client joined(port());
  CAF_REQUIRE(joined.open());
  joined.send("40");
  CAF_REQUIRE(joined.read());
  CAF_CHECK(!joined.read(800ms));     // nothing arrives, nothing closes
  CAF_CHECK(joined.error == boost::system::error_code{} || joined.error == boost::asio::error::operation_aborted);
}

CAF_TEST(the bare engine endpoint echoes messages) {
  auto opts = fast_options();
  opts.engineio_path = "/engine.io/";
  start(opts);
  srv->set_engine_message_handler([](const connection_ptr& conn, std::string text) { conn->send_message(text); });
  ws_client client(port());
  CAF_REQUIRE(client.open("/engine.io/?EIO=4&transport=websocket"));
  client.send("4hello engine");
  auto echoed = client.read_answering_pings();
  CAF_REQUIRE(echoed);
  CAF_CHECK_EQUAL(*echoed, "4hello engine");
  // Socket.IO packets mean nothing there: "40" is just a message.
  client.send("40");
  echoed = client.read_answering_pings();
  CAF_REQUIRE(echoed);
  CAF_CHECK_EQUAL(*echoed, "40");
}

CAF_TEST(connections over max_connections are refused with 503) {
  auto opts = fast_options();
  opts.max_connections = 1;
  start(opts);
  ws_client first(port());
  CAF_REQUIRE(first.open());
  ws_client second(port());
  CAF_CHECK(!second.connect());
  CAF_CHECK_EQUAL(second.response.result_int(), 503);
}

CAF_TEST(one address over max_connections_per_address is refused with 503 at accept) {
  auto opts = fast_options();
  opts.trusted_proxies = {}; // 127.0.0.1 is a direct client here
  opts.max_connections_per_address = 2;
  // The held clients answer no ping and join no namespace: keep them anyway.
  opts.engine.ping_interval = opts.engine.ping_timeout = opts.engine.connect_timeout = 60s;
  start(opts);
  auto first = std::make_unique<ws_client>(port());
  CAF_REQUIRE(first->open());
  ws_client second(port());
  CAF_REQUIRE(second.open());
  ws_client third(port());
  CAF_CHECK(!third.connect());
  CAF_CHECK_EQUAL(third.response.result_int(), 503);
  CAF_CHECK(logs->wait_for_event("net:address:over_limit"));
  // Plain HTTP from that address is refused the same way.
  auto res = http_exchange(port(), get_request("/anything"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 503);
  CAF_CHECK_EQUAL(res->body(), "too many connections from 127.0.0.1\n");
  // A connection that ends gives its place back.
  first.reset();
  bool reopened = false;
  for (int i = 0; i < 50 && !reopened; ++i) {
    ws_client again(port());
    reopened = again.open().has_value();
    if (!reopened)
      std::this_thread::sleep_for(20ms); // the server has not seen the close yet
  }
  CAF_CHECK(reopened);
}

CAF_TEST(behind a trusted proxy each forwarded address has its own WebSocket limit) {
  auto opts = fast_options();
  opts.max_connections_per_address = 1;
  opts.engine.ping_interval = opts.engine.ping_timeout = opts.engine.connect_timeout = 60s;
  start(opts);
  const std::string target = "/socket.io/?EIO=4&transport=websocket";
  ws_client a1(port());
  CAF_REQUIRE(a1.connect(target, {{"X-Forwarded-For", "10.0.0.1"}}));
  ws_client a2(port());
  CAF_CHECK(!a2.connect(target, {{"X-Forwarded-For", "10.0.0.1"}}));
  CAF_CHECK_EQUAL(a2.response.result_int(), 503);
  ws_client b1(port());
  CAF_CHECK(b1.connect(target, {{"X-Forwarded-For", "10.0.0.2"}}));
  // The proxy's own plain requests are not counted against anyone.
  for (int i = 0; i < 3; ++i) {
    auto res = http_exchange(port(), get_request("/anything"));
    CAF_REQUIRE(res);
    CAF_CHECK_EQUAL(res->result_int(), 404);
  }
}

CAF_TEST(engine pings echo short data and close the connection on long data) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("2probe");
  auto pong = client.read_answering_pings();
  CAF_REQUIRE(pong);
  CAF_CHECK_EQUAL(*pong, "3probe");
  client.send("2" + std::string(5000, 'p'));
  CAF_CHECK(client.closed_by_server());
  CAF_CHECK(logs->wait_for_event("eio:ping:too_large"));
}

CAF_TEST(stop closes every connection with server shutting down) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40/daemon,");
  CAF_REQUIRE(client.read_answering_pings());
  srv->stop();
  CAF_CHECK(client.closed_by_server());
  CAF_CHECK(root->wait_for("disconnect /daemon server shutting down"));
  for (auto& t : threads)
    t.join();
  threads.clear(); // the io_context ran out of work: stop() left nothing behind
  CAF_CHECK_EQUAL(srv->connection_count(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST_FIXTURE_SCOPE(websocket_tests, server_fixture)

CAF_TEST(fragmented messages are reassembled) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send_fragments({"4", "0/dae", "mon,{\"tok", "en\":1}"});
  CAF_CHECK(root->wait_for("connect /daemon {\"token\":1}"));
  auto reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(reply->substr(0, 10), "40/daemon,");
}

CAF_TEST(websocket pings get pongs) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  CAF_CHECK(client.ping_pong());
}

CAF_TEST(an unmasked client frame is a protocol error) {
  start();
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port()});
  std::string upgrade = get_request("/socket.io/?EIO=4&transport=websocket",
                                    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
  boost::asio::write(socket, boost::asio::buffer(upgrade));
  boost::asio::write(socket, boost::asio::buffer(std::string("\x81\x02" "40", 4)));
  CAF_CHECK(logs->wait_for_event("eio:websocket:protocol"));
  // Everything the server sent ends in a close frame with 1002, then EOF.
  std::string received;
  bool ended = false;
  std::function<void()> read_more;
  char chunk[512];
  read_more = [&] {
    socket.async_read_some(boost::asio::buffer(chunk), [&](boost::system::error_code ec, std::size_t n) {
      received.append(chunk, n);
      if (ec)
        ended = true;
      else
        read_more();
    });
  };
  read_more();
  ioc.run_for(patience);
  CAF_CHECK(ended);
  CAF_CHECK(received.find("HTTP/1.1 101") == 0);
  CAF_CHECK(received.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") != std::string::npos);
  CAF_CHECK(received.size() >= 4 && received.substr(received.size() - 4) == std::string("\x88\x02\x03\xEA", 4));
}

CAF_TEST_FIXTURE_SCOPE_END()
