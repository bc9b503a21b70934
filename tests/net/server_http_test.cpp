// Plain HTTP on the same port: routing, limits, handshake refusals.
#define CAF_SUITE net_server_http
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "net_test_support.hpp"

using namespace siberius::net;
using namespace siberius::net::testing;

namespace {

const std::string upgrade_headers =
    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n";

void install_echo_handler(server& srv) {
  srv.set_http_handler([](http_request req, std::string remote, http_responder respond) {
    // Answer from another thread, as an actor would.
    std::thread([req = std::move(req), remote, respond] {
      http_response res{http::status::ok, req.version()};
      res.set(http::field::content_type, "application/json");
      res.body() = nlohmann::json({{"target", std::string(req.target())}, {"remote", remote},
                                   {"body", req.body()}})
                       .dump();
      respond(std::move(res));
    }).detach();
  });
}

/// Counts what a streamed body brought; answers with the count and a checksum.
struct counting_sink : body_sink {
  std::shared_ptr<std::atomic<int>> finished_incomplete;
  std::size_t bytes = 0;
  std::uint64_t sum = 0;
  std::size_t refuse_after = SIZE_MAX;
  bool write(const char* data, std::size_t size) override {
    for (std::size_t i = 0; i < size; ++i)
      sum = sum * 31 + static_cast<unsigned char>(data[i]);
    bytes += size;
    return bytes <= refuse_after;
  }
  void finish(bool complete, http_responder respond) override {
    if (!complete)
      ++*finished_incomplete;
    http_response res{complete ? http::status::ok : http::status::bad_request, 11};
    res.body() = nlohmann::json({{"bytes", bytes}, {"sum", sum}, {"complete", complete}}).dump();
    respond(std::move(res));
  }
};

std::uint64_t checksum(const std::string& s) {
  std::uint64_t sum = 0;
  for (unsigned char c : s)
    sum = sum * 31 + c;
  return sum;
}

struct streaming_probe {
  std::shared_ptr<std::atomic<int>> asked = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::atomic<int>> incomplete = std::make_shared<std::atomic<int>>(0);

  /// A route that refuses requests without "X-Key: yes" (from another thread, like an actor).
  void install(server& srv, std::size_t max_body, std::size_t refuse_after = SIZE_MAX) {
    auto asked_ = asked;
    auto incomplete_ = incomplete;
    srv.add_streaming_route("/upload", max_body,
                            [=](http_request header, std::string, http_responder respond, stream_admit admit) {
                              ++*asked_;
                              std::thread([=, header = std::move(header)] {
                                if (header["X-Key"] != "yes") {
                                  http_response res{http::status::unauthorized, header.version()};
                                  res.body() = "no key";
                                  return respond(std::move(res));
                                }
                                auto sink = std::make_shared<counting_sink>();
                                sink->finished_incomplete = incomplete_;
                                sink->refuse_after = refuse_after;
                                admit(sink);
                              }).detach();
                            });
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(http_tests, server_fixture)

CAF_TEST(without a handler every route is 404) {
  start();
  auto res = http_exchange(port(), get_request("/health"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 404);
}

CAF_TEST(requests reach the handler with the client address) {
  start();
  install_echo_handler(*srv);
  auto res = http_exchange(port(), "POST /api/x?y=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 200);
  auto body = nlohmann::json::parse(res->body());
  CAF_CHECK_EQUAL(body.at("target"), "/api/x?y=1");
  CAF_CHECK_EQUAL(body.at("body"), "hello");
  CAF_CHECK_EQUAL(body.at("remote"), "127.0.0.1");
  // 127.0.0.1 is a trusted proxy by default: its forwarded address counts.
  res = http_exchange(port(), get_request("/", "X-Forwarded-For: 203.0.113.9, 198.51.100.7\r\n"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(nlohmann::json::parse(res->body()).value("remote", ""), "198.51.100.7");
  res = http_exchange(port(), get_request("/", "X-Real-IP: 198.51.100.8\r\n"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(nlohmann::json::parse(res->body()).value("remote", ""), "198.51.100.8");
}

CAF_TEST(forwarded headers from an untrusted peer are ignored) {
  auto opts = fast_options();
  opts.trusted_proxies = {"10.9.9.9"};
  start(opts);
  install_echo_handler(*srv);
  auto res = http_exchange(port(), get_request("/", "X-Forwarded-For: 198.51.100.7\r\n"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(nlohmann::json::parse(res->body()).value("remote", ""), "127.0.0.1");
}

CAF_TEST(bodies over max_http_body get 413 and headers over the limit 431) {
  auto opts = fast_options();
  opts.max_http_body = 1000;
  start(opts);
  install_echo_handler(*srv);
  auto res = http_exchange(port(), "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n");
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 413);
  res = http_exchange(port(), "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n" +
                                  std::string(1001, 'x'));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 413);
  res = http_exchange(port(), get_request("/", "X-Big: " + std::string(10000, 'a') + "\r\n"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 431);
}

CAF_TEST(refused handshakes answer 400 with the engine error body) {
  start();
  struct refusal {
    std::string target;
    int code;
    std::string message;
  };
  const refusal cases[] = {
      {"/socket.io/?EIO=3&transport=websocket", 5, "Unsupported protocol version"},
      {"/socket.io/?transport=websocket", 5, "Unsupported protocol version"},
      {"/socket.io/?EIO=4&transport=flashsocket", 0, "Transport unknown"},
      {"/socket.io/?EIO=4", 0, "Transport unknown"},
      {"/socket.io/?EIO=4&transport=websocket&sid=abc", 1, "Session ID unknown"},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.target);
    auto res = http_exchange(port(), get_request(c.target, upgrade_headers));
    CAF_REQUIRE(res);
    CAF_CHECK_EQUAL(res->result_int(), 400);
    auto body = nlohmann::json::parse(res->body(), nullptr, false);
    CAF_CHECK_EQUAL(body.value("code", -1), c.code);
    CAF_CHECK_EQUAL(body.value("message", ""), c.message);
  }
  // The right query without an upgrade is a bad request, not a 404.
  auto res = http_exchange(port(), get_request("/socket.io/?EIO=4&transport=websocket"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 400);
}

CAF_TEST(a client that never finishes its request is closed) {
  auto opts = fast_options();
  opts.http_read_timeout = 300ms;
  start(opts);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port()});
  boost::asio::write(socket, boost::asio::buffer(std::string("GET / HTTP/1.1\r\nHost: a\r\n")));
  char byte;
  bool closed = false;
  socket.async_read_some(boost::asio::buffer(&byte, 1), [&](boost::system::error_code ec, std::size_t) {
    closed = ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  });
  ioc.run_for(patience);
  CAF_CHECK(closed);
}

CAF_TEST(keep alive serves several requests on one connection) {
  start();
  install_echo_handler(*srv);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port()});
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 3; ++i) {
    boost::asio::write(socket, boost::asio::buffer(get_request("/n" + std::to_string(i))));
    boost::beast::http::response<boost::beast::http::string_body> res;
    bool ok = false;
    boost::beast::http::async_read(socket, buffer, res, [&](boost::system::error_code ec, std::size_t) { ok = !ec; });
    ioc.restart();
    ioc.run_for(patience);
    CAF_REQUIRE(ok);
    CAF_CHECK_EQUAL(nlohmann::json::parse(res.body()).value("target", ""), "/n" + std::to_string(i));
  }
}

CAF_TEST(a streaming route takes a body larger than max_http_body in pieces) {
  auto opts = fast_options();
  opts.max_http_body = 1000;
  start(opts);
  install_echo_handler(*srv);
  streaming_probe probe;
  probe.install(*srv, 4 << 20);
  std::string body(3 << 20, '\0');
  for (std::size_t i = 0; i < body.size(); ++i)
    body[i] = static_cast<char>(i * 7 + i / 4096);
  auto res = http_exchange(port(), "POST /upload HTTP/1.1\r\nHost: a\r\nX-Key: yes\r\nContent-Length: " +
                                       std::to_string(body.size()) + "\r\n\r\n" + body);
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 200);
  auto j = nlohmann::json::parse(res->body());
  CAF_CHECK_EQUAL(j.at("bytes"), body.size());
  CAF_CHECK_EQUAL(j.at("sum"), checksum(body));
  // Chunked transfer encoding arrives the same way.
  res = http_exchange(port(), "POST /upload HTTP/1.1\r\nHost: a\r\nX-Key: yes\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  CAF_REQUIRE(res);
  auto chunked = nlohmann::json::parse(res->body()); // checks must not hold parts of a temporary
  CAF_CHECK_EQUAL(chunked.at("sum"), checksum("hello world"));
  // Other routes keep their limit, and GET on the streaming path is an ordinary request.
  res = http_exchange(port(), "POST /other HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n" + std::string(2000, 'x'));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 413);
  res = http_exchange(port(), get_request("/upload"));
  CAF_REQUIRE(res);
  auto echoed = nlohmann::json::parse(res->body());
  CAF_CHECK_EQUAL(echoed.at("target"), "/upload");
}

CAF_TEST(a streamed body ends at its length and the next request on the connection is served) {
  start();
  install_echo_handler(*srv);
  streaming_probe probe;
  probe.install(*srv, 4 << 20);
  std::string first(600000, '\0'), second = "second body";
  for (std::size_t i = 0; i < first.size(); ++i)
    first[i] = static_cast<char>(i * 13 + i / 1000);
  // Three requests in one write: the server must stop each body at its
  // Content-Length and keep the rest for the requests that follow.
  auto post = [](const std::string& body) {
    return "POST /upload HTTP/1.1\r\nHost: a\r\nX-Key: yes\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  };
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port()});
  boost::asio::write(socket, boost::asio::buffer(post(first) + post(second) + get_request("/after")));
  boost::beast::flat_buffer buffer;
  std::vector<nlohmann::json> answers;
  for (int i = 0; i < 3; ++i) {
    boost::beast::http::response<boost::beast::http::string_body> res;
    bool ok = false;
    boost::beast::http::async_read(socket, buffer, res, [&](boost::system::error_code ec, std::size_t) { ok = !ec; });
    ioc.restart();
    ioc.run_for(patience);
    CAF_REQUIRE(ok);
    CAF_CHECK_EQUAL(res.result_int(), 200);
    answers.push_back(nlohmann::json::parse(res.body()));
  }
  CAF_CHECK_EQUAL(answers[0].at("bytes"), first.size());
  CAF_CHECK_EQUAL(answers[0].at("sum"), checksum(first));
  CAF_CHECK_EQUAL(answers[1].at("bytes"), second.size());
  CAF_CHECK_EQUAL(answers[1].at("sum"), checksum(second));
  CAF_CHECK_EQUAL(answers[2].at("target"), "/after");
}

CAF_TEST(a streaming route refuses before reading the body) {
  start();
  streaming_probe probe;
  probe.install(*srv, 1000);
  // Too large by its Content-Length: 413 without asking the application.
  auto res = http_exchange(port(), "POST /upload HTTP/1.1\r\nHost: a\r\nX-Key: yes\r\nContent-Length: 1001\r\n\r\n");
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 413);
  CAF_CHECK_EQUAL(probe.asked->load(), 0);
  // The application refuses on the header alone.
  res = http_exchange(port(), "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n");
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 401);
  CAF_CHECK_EQUAL(res->body(), "no key");
  // Chunked past the limit: 413 once the limit is crossed, and the sink hears it ended.
  res = http_exchange(port(), "POST /upload HTTP/1.1\r\nHost: a\r\nX-Key: yes\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "400\r\n" + std::string(1024, 'a') + "\r\n0\r\n\r\n");
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 413);
  CAF_CHECK_EQUAL(probe.incomplete->load(), 1);
}

CAF_TEST(a sink that stops reading and a client that leaves both end the upload) {
  auto opts = fast_options();
  opts.http_read_timeout = 300ms;
  start(opts);
  streaming_probe probe;
  probe.install(*srv, 1 << 20, 100);
  auto res = http_exchange(port(), "POST /upload HTTP/1.1\r\nHost: a\r\nX-Key: yes\r\nContent-Length: 5000\r\n\r\n" +
                                       std::string(5000, 'b'));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->result_int(), 400);
  CAF_CHECK_EQUAL(probe.incomplete->load(), 1);
  // Half a body, then silence: the inactivity limit ends it.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port()});
  boost::asio::write(socket, boost::asio::buffer("POST /upload HTTP/1.1\r\nHost: a\r\nX-Key: yes\r\nContent-Length: 50\r\n\r\n" +
                                                 std::string(20, 'c')));
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (probe.incomplete->load() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  CAF_CHECK_EQUAL(probe.incomplete->load(), 2);
}

CAF_TEST(a client that expects 100 continue gets it before sending the body) {
  start();
  streaming_probe probe;
  probe.install(*srv, 1 << 20);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port()});
  boost::asio::write(socket, boost::asio::buffer(std::string(
                                 "POST /upload HTTP/1.1\r\nHost: a\r\nX-Key: yes\r\nExpect: 100-continue\r\n"
                                 "Content-Length: 5\r\n\r\n")));
  boost::beast::flat_buffer buffer;
  boost::beast::http::response<boost::beast::http::string_body> interim;
  bool got_interim = false;
  boost::beast::http::async_read(socket, buffer, interim,
                                 [&](boost::system::error_code ec, std::size_t) { got_interim = !ec; });
  ioc.run_for(patience);
  CAF_REQUIRE(got_interim);
  CAF_CHECK_EQUAL(interim.result_int(), 100);
  boost::asio::write(socket, boost::asio::buffer(std::string("hello")));
  boost::beast::http::response<boost::beast::http::string_body> final_res;
  bool got_final = false;
  boost::beast::http::async_read(socket, buffer, final_res,
                                 [&](boost::system::error_code ec, std::size_t) { got_final = !ec; });
  ioc.restart();
  ioc.run_for(patience);
  CAF_REQUIRE(got_final);
  CAF_CHECK_EQUAL(final_res.result_int(), 200);
  auto j = nlohmann::json::parse(final_res.body());
  CAF_CHECK_EQUAL(j.at("sum"), checksum("hello"));
}

CAF_TEST_FIXTURE_SCOPE_END()
