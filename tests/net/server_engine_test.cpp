// Engine.IO over real loopback sockets: handshake, heartbeat, limits, close.
#define CAF_SUITE net_server_engine
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <array>
#include <functional>
#include <string_view>

#include "net/websocket_frame.hpp"
#include "net_test_support.hpp"

using namespace siberius::net;
using namespace siberius::net::testing;

namespace {

// A masked client text or control frame, as a browser sends it (payloads
// under 126 bytes are all these tests need).
std::string client_frame(std::uint8_t first_byte, std::string payload) {
  const std::array<std::uint8_t, 4> mask{0x12, 0x34, 0x56, 0x78};
  std::string frame(1, static_cast<char>(first_byte));
  frame += static_cast<char>(0x80 | payload.size());
  frame.append(reinterpret_cast<const char*>(mask.data()), mask.size());
  apply_ws_mask(payload.data(), payload.size(), mask);
  return frame + payload;
}

/// The server's frames in `bytes` (unmasked, FIN set), as first byte and
/// payload; stops at an incomplete frame.
std::vector<std::pair<std::uint8_t, std::string>> server_frames(std::string_view bytes) {
  std::vector<std::pair<std::uint8_t, std::string>> frames;
  while (bytes.size() >= 2) {
    std::size_t length = static_cast<std::uint8_t>(bytes[1]) & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
      if (bytes.size() < 4)
        break;
      length = (std::size_t(std::uint8_t(bytes[2])) << 8) | std::uint8_t(bytes[3]);
      header = 4;
    }
    if (bytes.size() < header + length)
      break;
    frames.emplace_back(static_cast<std::uint8_t>(bytes[0]), std::string(bytes.substr(header, length)));
    bytes.remove_prefix(header + length);
  }
  return frames;
}

/// A WebSocket client that writes exactly the bytes it is given, for frames
/// no well-behaved client library would send.
class raw_ws_client {
public:
  explicit raw_ws_client(std::uint16_t port) : socket_(ioc_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    write(get_request("/socket.io/?EIO=4&transport=websocket",
                      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"));
  }

  /// One write: the server reads it in one go.
  void write(const std::string& bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }

  /// The frames the server sent after the 101 response, once `count` of them
  /// came in or the connection ended.
  std::vector<std::pair<std::uint8_t, std::string>> frames_after_upgrade(std::size_t count) {
    auto frames = [&] {
      auto end = received_.find("\r\n\r\n");
      if (end == std::string::npos)
        return std::vector<std::pair<std::uint8_t, std::string>>{};
      return server_frames(std::string_view(received_).substr(end + 4));
    };
    read_while([&] { return frames().size() < count; });
    return frames();
  }

  /// Reads until the server closes the connection; false when it did not in time.
  bool read_to_end() {
    read_while([] { return true; });
    return ended_ && !timed_out_;
  }

private:
  template <class Pred>
  void read_while(Pred more) {
    std::function<void()> read_more = [&] {
      if (ended_ || !more())
        return;
      socket_.async_read_some(boost::asio::buffer(chunk_), [&](boost::system::error_code ec, std::size_t n) {
        received_.append(chunk_, n);
        if (ec)
          ended_ = true;
        read_more();
      });
    };
    read_more();
    ioc_.restart();
    ioc_.run_for(patience);
    if (!ioc_.stopped()) {
      // Out of time: end the pending read here, while read_more still exists.
      timed_out_ = true;
      boost::system::error_code ignored;
      socket_.close(ignored);
      ioc_.restart();
      ioc_.run();
    }
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  char chunk_[512];
  std::string received_;
  bool ended_ = false;
  bool timed_out_ = false;
};

} // namespace

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

CAF_TEST(a binary frame outside a binary packet closes with a reason) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40", true);
  CAF_CHECK(client.closed_by_server());
  CAF_CHECK(logs->wait_for_event("sio:malformed"));
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
  srv->set_engine_message_handler([](const connection_ptr& conn, std::string data, bool binary) {
    if (binary)
      conn->send_binary(data);
    else
      conn->send_message(data);
  });
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
  // A binary message comes back binary, bytes unchanged.
  client.send(std::string("\x00\xff\x01", 3), true);
  echoed = client.read_answering_pings();
  CAF_REQUIRE(echoed);
  CAF_CHECK(client.last_binary);
  CAF_CHECK_EQUAL(*echoed, std::string("\x00\xff\x01", 3));
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

// The fuzz/regressions/http_front crashes: a text frame that is not UTF-8
// (the one protocol error found after a frame is consumed) empties the read
// buffer, and parsing the frames behind it in the same read went on at the
// old offset, past the buffer, unmasking (writing over) the session itself.
CAF_TEST(frames behind a protocol error in the same read are never parsed) {
  auto opts = fast_options();
  // No server ping may come between the frames this test reads.
  opts.engine.ping_interval = opts.engine.ping_timeout = opts.engine.connect_timeout = 60s;
  start(opts);
  raw_ws_client client(port());
  auto frames = client.frames_after_upgrade(1);
  CAF_REQUIRE_EQUAL(frames.size(), 1u);
  CAF_REQUIRE_EQUAL(frames[0].second.substr(0, 2), "0{");
  client.write(client_frame(0x81, "40"));
  frames = client.frames_after_upgrade(2);
  CAF_REQUIRE_EQUAL(frames.size(), 2u);
  CAF_REQUIRE_EQUAL(frames[1].second.substr(0, 3), "40{");
  // One read: an event, a text frame that is not UTF-8, and then an event, a
  // WebSocket ping and a close that must all be ignored.
  client.write(client_frame(0x81, "42[\"before\"]") + client_frame(0x81, "42[\"\xFF\xFE\"]") +
               client_frame(0x81, "42[\"after\"]") + client_frame(0x89, "are you there") +
               client_frame(0x88, std::string("\x03\xE8", 2)));
  CAF_CHECK(client.read_to_end());
  // The server's last word is a close with 1007, and nothing else: no pong,
  // no answer to the client's close.
  frames = client.frames_after_upgrade(3);
  CAF_REQUIRE_EQUAL(frames.size(), 3u);
  CAF_CHECK_EQUAL(frames[2].first, 0x88);
  CAF_CHECK_EQUAL(frames[2].second, std::string("\x03\xEF", 2));
  CAF_CHECK(root->wait_for("disconnect / transport error"));
  CAF_CHECK_EQUAL(root->entries(), (std::vector<std::string>{"connect / null", "event / before []",
                                                              "disconnect / transport error"}));
  std::vector<std::string> session_events;
  for (auto& line : logs->lines())
    if (line.contains("sid"))
      session_events.push_back(line.value("event", "") + " " + line.value("reason", ""));
  CAF_CHECK_EQUAL(session_events, std::vector<std::string>{"eio:websocket:protocol text frame is not UTF-8"});
  // The session is released.
  for (int i = 0; i < 250 && srv->connection_count() > 0; ++i)
    std::this_thread::sleep_for(20ms);
  CAF_CHECK_EQUAL(srv->connection_count(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
