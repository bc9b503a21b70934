// sio-echo: the server shape that Socket.IO conformance suites drive, over
// both transports; everything echoes, binary attachments included.
#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "net/server.hpp"

namespace {

using siberius::net::connection_ptr;

class echo_namespace : public siberius::net::namespace_handler {
public:
  void on_connect(const connection_ptr& conn, const std::string& nsp, nlohmann::json auth) override {
    conn->accept(nsp);
    // The reference server treats a CONNECT without payload as auth {}.
    conn->emit(nsp, "auth", nlohmann::json::array({auth.is_null() ? nlohmann::json::object() : auth}));
  }
  void on_event(const connection_ptr& conn, const std::string& nsp, std::string event, nlohmann::json args,
                std::optional<std::uint64_t> ack_id) override {
    if (event == "message")
      conn->emit(nsp, "message-back", std::move(args));
    else if (event == "message-with-ack" && ack_id)
      conn->ack(nsp, *ack_id, std::move(args));
  }
  void on_disconnect(const connection_ptr&, const std::string&, const std::string&) override {}
};

int usage(const char* argv0) {
  std::cerr << "usage: " << argv0
            << " [--host ADDRESS] [--port N] [--cors-origin ORIGIN]... [--ping-interval-ms N]"
               " [--ping-timeout-ms N] [--max-connections-per-address N] [--max-payload N]\n";
  return 2;
}

bool parse_number(const std::string& value, unsigned long long& out) {
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  return ec == std::errc() && end == value.data() + value.size();
}

} // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  unsigned long long port = 3000;
  // Short timings so that timeouts can be observed in tests; a benchmark
  // asks for production ones.
  siberius::net::server_options options;
  options.engine.ping_interval = std::chrono::milliseconds(300);
  options.engine.ping_timeout = std::chrono::milliseconds(200);
  options.engine.connect_timeout = std::chrono::milliseconds(1000);
  options.engine.max_payload = 1000000;
  options.engineio_path = "/engine.io/";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc)
      return usage(argv[0]);
    std::string value = argv[++i];
    if (arg == "--host") {
      host = value;
      continue;
    }
    if (arg == "--cors-origin") {
      options.cors_origins.push_back(value);
      continue;
    }
    unsigned long long n = 0;
    if (!parse_number(value, n)) {
      std::cerr << nlohmann::json({{"event", "sio-echo:bad-number"}, {"option", arg}, {"value", value}}).dump()
                << "\n";
      return 2;
    }
    if (arg == "--port" && n <= 65535) {
      port = n;
    } else if (arg == "--ping-interval-ms") {
      options.engine.ping_interval = std::chrono::milliseconds(n);
    } else if (arg == "--ping-timeout-ms") {
      options.engine.ping_timeout = std::chrono::milliseconds(n);
    } else if (arg == "--max-connections-per-address") {
      options.max_connections_per_address = n;
    } else if (arg == "--max-payload") {
      options.engine.max_payload = n;
    } else {
      return usage(argv[0]);
    }
  }
  // With production timings, a client has as long to join as to answer pings.
  options.engine.connect_timeout = std::max(options.engine.connect_timeout, options.engine.ping_interval);

  boost::asio::io_context ioc;
  siberius::net::server server(ioc, options);
  auto echo = std::make_shared<echo_namespace>();
  server.add_namespace("/", echo);
  server.add_namespace("/custom", echo);
  // The bare endpoint sends every message back as it came.
  server.set_engine_message_handler([](const connection_ptr& conn, std::string data, bool binary) {
    if (binary)
      conn->send_binary(std::move(data));
    else
      conn->send_message(std::move(data));
  });

  try {
    server.listen(host, static_cast<std::uint16_t>(port));
  } catch (const std::exception& e) {
    std::cerr << nlohmann::json({{"event", "sio-echo:listen:failed"}, {"reason", e.what()}}).dump() << std::endl;
    return 1;
  }
  std::cout << nlohmann::json({{"event", "sio-echo:listening"}, {"port", server.port()}}).dump() << std::endl;

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) {
      std::cout << R"({"event":"sio-echo:stopping"})" << std::endl;
      server.stop();
    }
  });

  std::thread helper([&] { ioc.run(); });
  ioc.run();
  helper.join();
  return 0;
}
