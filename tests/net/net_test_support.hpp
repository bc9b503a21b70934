// Helpers for the server suites: a server on a loopback port run by real
// threads, a small Beast WebSocket client and a raw HTTP client. Every wait is
// bounded by a generous timeout; nothing asserts on timing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "net/server.hpp"

namespace siberius::net::testing {

using namespace std::chrono_literals;
constexpr auto patience = 5s; // generous: CI machines are shared

/// Log lines the server wrote, for asserting on `sio:malformed` and friends.
class log_capture {
public:
  void add(const nlohmann::json& line) {
    std::lock_guard<std::mutex> guard(mutex_);
    lines_.push_back(line);
    cv_.notify_all();
  }
  bool wait_for_event(const std::string& event, std::chrono::milliseconds timeout = patience) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] {
      for (auto& l : lines_)
        if (l.value("event", "") == event)
          return true;
      return false;
    });
  }
  std::vector<nlohmann::json> lines() {
    std::lock_guard<std::mutex> guard(mutex_);
    return lines_;
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<nlohmann::json> lines_;
};

/// Accepts every CONNECT unless auth carries {"reject": true}; echoes "echo"
/// through the ack and "emit-back" as an "echoed" event; records what happened.
class recording_namespace : public namespace_handler {
public:
  void on_connect(const connection_ptr& conn, const std::string& nsp, nlohmann::json auth) override {
    if (auth.is_object() && auth.value("reject", false))
      conn->reject(nsp, "unauthorized", 401);
    else if (!hold_accepts)
      conn->accept(nsp, {{"lastSync", 42}});
    else {
      std::lock_guard<std::mutex> guard(mutex_);
      held.push_back({conn, nsp});
    }
    {
      std::lock_guard<std::mutex> guard(mutex_);
      last_ = conn;
    }
    // Recorded last: a test waking on this entry finds `held` filled.
    record("connect " + nsp + " " + auth.dump());
  }
  void on_event(const connection_ptr& conn, const std::string& nsp, std::string event, nlohmann::json args,
                std::optional<std::uint64_t> ack_id) override {
    record("event " + nsp + " " + event + " " + args.dump() + (ack_id ? " ack " + std::to_string(*ack_id) : ""));
    if (event == "echo" && ack_id)
      conn->ack(nsp, *ack_id, args);
    else if (event == "emit-back")
      conn->emit(nsp, "echoed", args);
    else if (event == "flood")
      for (int i = 0; i < 100; ++i)
        conn->emit(nsp, "flooded", nlohmann::json::array({i}));
    else if (event == "flood-large")
      // 200 frames of 64 KiB: far under 1,024 frames, far over a small byte limit.
      for (int i = 0; i < 200; ++i)
        conn->emit(nsp, "flooded", nlohmann::json::array({std::string(64 * 1024, 'x')}));
    else if (event == "leave")
      conn->disconnect(nsp, "server namespace disconnect");
  }
  void on_disconnect(const connection_ptr&, const std::string& nsp, const std::string& reason) override {
    record("disconnect " + nsp + " " + reason);
  }

  bool wait_for(const std::string& entry, std::chrono::milliseconds timeout = patience) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return count_locked(entry) > 0; });
  }
  std::size_t count(const std::string& entry) {
    std::lock_guard<std::mutex> guard(mutex_);
    return count_locked(entry);
  }
  std::vector<std::string> entries() {
    std::lock_guard<std::mutex> guard(mutex_);
    return entries_;
  }

  /// The connection of the latest CONNECT.
  connection_ptr last_connection() {
    std::lock_guard<std::mutex> guard(mutex_);
    return last_.lock();
  }

  bool hold_accepts = false; // set before the server starts
  std::vector<std::pair<connection_ptr, std::string>> held;

private:
  void record(std::string entry) {
    std::lock_guard<std::mutex> guard(mutex_);
    entries_.push_back(std::move(entry));
    cv_.notify_all();
  }
  std::size_t count_locked(const std::string& entry) {
    std::size_t n = 0;
    for (auto& e : entries_)
      if (e == entry)
        ++n;
    return n;
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> entries_;
  std::weak_ptr<connection> last_; // weak: tests count live connections
};

/// A server on 127.0.0.1 with an ephemeral port, run by two threads.
struct server_fixture {
  boost::asio::io_context ioc;
  std::unique_ptr<server> srv;
  std::vector<std::thread> threads;
  std::shared_ptr<log_capture> logs = std::make_shared<log_capture>();
  std::shared_ptr<recording_namespace> root = std::make_shared<recording_namespace>();

  static server_options fast_options() {
    server_options opts;
    opts.engine.ping_interval = 200ms;
    opts.engine.ping_timeout = 200ms;
    opts.engine.connect_timeout = 1000ms;
    opts.engine.max_payload = 10000;
    return opts;
  }

  void start(server_options opts = fast_options()) {
    auto logs_ref = logs;
    opts.log = [logs_ref](const nlohmann::json& line) { logs_ref->add(line); };
    srv = std::make_unique<server>(ioc, std::move(opts));
    srv->add_namespace("/", root);
    srv->add_namespace("/daemon", root);
    srv->listen("127.0.0.1", 0);
    for (int i = 0; i < 2; ++i)
      threads.emplace_back([this] { ioc.run(); });
  }

  std::uint16_t port() const { return srv->port(); }

  ~server_fixture() {
    if (srv)
      srv->stop();
    for (auto& t : threads)
      t.join();
  }
};

/// A WebSocket client with bounded waits (each call runs its own io_context
/// for at most the timeout).
class ws_client {
public:
  explicit ws_client(std::uint16_t port) : port_(port), ws_(ioc_) {}

  /// Opens the WebSocket; false (with `error`) when the upgrade was refused.
  bool connect(const std::string& target = "/socket.io/?EIO=4&transport=websocket",
               const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), port_);
    boost::system::error_code ec;
    ws_.next_layer().connect(ep, ec);
    if (ec) {
      error = ec;
      return false;
    }
    ws_.set_option(boost::beast::websocket::stream_base::decorator(
        [headers](boost::beast::websocket::request_type& req) {
          for (auto& [name, value] : headers)
            req.set(name, value);
        }));
    bool done = run([&](auto finish) {
      ws_.async_handshake(response, "127.0.0.1", target, [this, finish](boost::system::error_code e) {
        error = e;
        finish();
      });
    });
    return done && !error;
  }

  /// Opens the WebSocket and reads the Engine.IO open packet's JSON.
  std::optional<nlohmann::json> open(const std::string& target = "/socket.io/?EIO=4&transport=websocket") {
    if (!connect(target))
      return std::nullopt;
    auto frame = read();
    if (!frame || frame->empty() || (*frame)[0] != '0')
      return std::nullopt;
    return nlohmann::json::parse(frame->substr(1), nullptr, false);
  }

  void send(const std::string& text, bool binary = false) {
    ws_.binary(binary);
    run([&](auto finish) {
      ws_.async_write(boost::asio::buffer(text), [this, finish](boost::system::error_code e, std::size_t) {
        error = e;
        finish();
      });
    });
  }

  /// One message sent as several WebSocket frames.
  void send_fragments(const std::vector<std::string>& parts) {
    ws_.binary(false);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      bool last = i + 1 == parts.size();
      run([&](auto finish) {
        ws_.async_write_some(last, boost::asio::buffer(parts[i]),
                             [this, finish](boost::system::error_code e, std::size_t) {
                               error = e;
                               finish();
                             });
      });
    }
  }

  /// A WebSocket-level ping; true when its pong came back.
  bool ping_pong() {
    bool ponged = false;
    ws_.control_callback([&](boost::beast::websocket::frame_type kind, boost::beast::string_view) {
      if (kind == boost::beast::websocket::frame_type::pong)
        ponged = true;
    });
    run([&](auto finish) {
      ws_.async_ping({}, [this, finish](boost::system::error_code e) {
        error = e;
        finish();
      });
    });
    // The pong is consumed by the next read; answer pings meanwhile.
    auto deadline = std::chrono::steady_clock::now() + patience;
    while (!ponged && std::chrono::steady_clock::now() < deadline) {
      auto frame = read(200ms);
      if (frame && *frame == "2")
        send("3");
      else if (!frame && !timed_out_)
        break;
      else if (timed_out_)
        break;
    }
    ws_.control_callback();
    return ponged;
  }

  /// The next frame; nullopt when the connection ended or nothing came in time.
  std::optional<std::string> read(std::chrono::milliseconds timeout = patience) {
    boost::beast::flat_buffer buffer;
    bool done = run(
        [&](auto finish) {
          ws_.async_read(buffer, [this, finish](boost::system::error_code e, std::size_t) {
            error = e;
            finish();
          });
        },
        timeout);
    if (!done || error)
      return std::nullopt;
    last_binary = ws_.got_binary();
    return boost::beast::buffers_to_string(buffer.data());
  }

  /// Whether the frame read() returned last was a binary one.
  bool last_binary = false;

  /// Like read(), but answers server pings ("2" → "3") and skips them.
  std::optional<std::string> read_answering_pings(std::chrono::milliseconds timeout = patience) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto frame = read(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
      if (!frame)
        return std::nullopt;
      if (*frame == "2") {
        send("3");
        continue;
      }
      return frame;
    }
    return std::nullopt;
  }

  /// True when the server ends the connection within `timeout` (frames that
  /// arrive before are dropped, pings are not answered).
  bool closed_by_server(std::chrono::milliseconds timeout = patience) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())))
        return timed_out_ ? false : true;
    }
    return false;
  }

  boost::system::error_code error;
  boost::beast::websocket::response_type response;

private:
  template <class Start>
  bool run(Start start, std::chrono::milliseconds timeout = patience) {
    bool done = false;
    timed_out_ = false;
    start([&done] { done = true; });
    ioc_.restart();
    ioc_.run_for(timeout);
    if (!done) {
      timed_out_ = true;
      boost::system::error_code ignored;
      ws_.next_layer().close(ignored); // the stream is unusable after this
      ioc_.restart();
      ioc_.run();
    }
    return done;
  }

  std::uint16_t port_;
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  bool timed_out_ = false;
};

/// Sends raw bytes as an HTTP request and reads one response (bounded wait).
inline std::optional<boost::beast::http::response<boost::beast::http::string_body>>
http_exchange(std::uint16_t port, const std::string& raw_request, std::chrono::milliseconds timeout = patience) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec)
    return std::nullopt;
  boost::beast::flat_buffer buffer;
  boost::beast::http::response<boost::beast::http::string_body> res;
  bool ok = false;
  boost::asio::async_write(socket, boost::asio::buffer(raw_request), [&](boost::system::error_code e, std::size_t) {
    if (e)
      return;
    boost::beast::http::async_read(socket, buffer, res,
                                   [&](boost::system::error_code e2, std::size_t) { ok = !e2; });
  });
  ioc.run_for(timeout);
  if (!ok)
    return std::nullopt;
  return res;
}

inline std::string get_request(const std::string& target, const std::string& extra_headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

inline std::string post_request(const std::string& target, const std::string& body,
                                const std::string& extra_headers = "") {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

} // namespace siberius::net::testing
