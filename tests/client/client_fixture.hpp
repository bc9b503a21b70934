// Shared set-up of the echo suites: a sio-echo process, an io thread, and a
// client whose handlers write what they see into an event_log.
#pragma once

#include <memory>

#include "echo_process.hpp"
#include "net/client/sio_client.hpp"

namespace siberius::test {

struct echo_fixture {
  echo_process echo;
  io_runner io;
  event_log log;

  /// A client on `nsp` of the echo server, handlers wired to `log`:
  /// "connect <data>", "connect_error <message> <data>", "event <name> <args>",
  /// "disconnect <reason>". Not yet connected.
  std::unique_ptr<net::sio_client> make_client(std::string nsp, nlohmann::json auth,
                                               net::client_options base = {}) {
    base.url = base.url.empty() ? echo.url() : base.url;
    base.nsp = std::move(nsp);
    base.auth = std::move(auth);
    auto c = std::make_unique<net::sio_client>(io.context().get_executor(), std::move(base));
    c->on_connect([this](const nlohmann::json& data) { log.push("connect " + data.dump()); });
    c->on_connect_error([this](const net::connect_error& e) {
      log.push("connect_error " + e.message + " " + e.data.dump());
    });
    c->on_event([this](const std::string& name, nlohmann::json args, net::ack_responder) {
      log.push("event " + name + " " + args.dump());
    });
    c->on_disconnect([this](const std::string& reason) { log.push("disconnect " + reason); });
    return c;
  }
};

} // namespace siberius::test
