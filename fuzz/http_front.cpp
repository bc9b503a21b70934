// The front's request path on any bytes a client sends: one real connection
// (a Unix socket pair) to a real http_session, with the routes the server
// has — a plain handler, a streaming upload read with the multipart reader,
// the web app's static files, and Socket.IO namespaces behind a WebSocket
// upgrade — so requests, bodies, upgrades and the WebSocket frames after them
// all go through the code that serves them. Whatever was sent, the server
// answers with well-formed HTTP or WebSocket, and once the client is gone
// every connection is released.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "fuzz/fuzz_check.hpp"
#include "net/http_session.hpp"
#include "net/multipart.hpp"
#include "net/server_state.hpp"
#include "net/static_files.hpp"

using namespace siberius::net;
namespace asio = boost::asio;

namespace {

class echo_namespace : public namespace_handler {
public:
  void on_connect(const connection_ptr& conn, const std::string& nsp, nlohmann::json auth) override {
    if (auth.is_object() && auth.contains("refuse"))
      conn->reject(nsp, "refused", 401);
    else
      conn->accept(nsp);
  }
  void on_event(const connection_ptr& conn, const std::string& nsp, std::string event, nlohmann::json args,
                std::optional<std::uint64_t> ack_id) override {
    if (ack_id)
      conn->ack(nsp, *ack_id, args);
    else if (event == "close")
      conn->close("asked to");
    else if (event == "leave")
      conn->disconnect(nsp, "asked to");
    else
      conn->emit_with_ack(nsp, event, args, 7);
  }
  void on_disconnect(const connection_ptr&, const std::string&, const std::string&) override {}
};

/// An upload as upload_api reads one: the body through the multipart reader.
class multipart_sink : public body_sink {
public:
  explicit multipart_sink(std::string boundary)
    : reader_(std::move(boundary), {[](const multipart_reader::part_header&) {},
                                    [this](const char*, std::size_t n) { bytes_ += n; }, [] {}}) {}
  bool write(const char* data, std::size_t size) override { return reader_.feed(data, size); }
  void finish(bool complete, http_responder respond) override {
    http_response res{complete && reader_.done() ? http::status::ok : http::status::bad_request, 11};
    res.body() = complete && reader_.done() ? std::to_string(bytes_) : reader_.error();
    respond(std::move(res));
  }

private:
  multipart_reader reader_;
  std::size_t bytes_ = 0;
};

struct front {
  asio::io_context ioc;
  std::shared_ptr<server_state> state;
  std::string site;

  front() {
    server_options options;
    options.log = [](const nlohmann::json&) {};
    // The peer of a socket pair has no address: trust it as the server trusts
    // nginx, so the forwarding headers are read too.
    options.trusted_proxies = {""};
    options.engineio_path = "/engine.io/";
    options.max_http_body = 64 * 1024;
    state = std::make_shared<server_state>(options);
    state->io_executor = ioc.get_executor();

    auto ns = std::make_shared<echo_namespace>();
    state->add_namespace("/", ns);
    state->add_namespace("/daemon", ns);
    state->set_engine_message_handler([](const connection_ptr& conn, std::string data, bool binary) {
      if (binary)
        conn->send_binary(std::move(data));
      else
        conn->send_message(std::move(data));
    });
    state->set_http_handler([](http_request req, std::string remote, http_responder respond) {
      http_response res{http::status::ok, req.version()};
      res.body() = std::string(req.method_string()) + " " + std::string(req.target()) + " " + remote + " " +
                   std::to_string(req.body().size());
      respond(std::move(res));
    });
    state->add_streaming_route("/api/upload", 256 * 1024,
                               [](http_request header, std::string, http_responder respond, stream_admit admit) {
                                 auto boundary = multipart_boundary(header[http::field::content_type]);
                                 if (!boundary) {
                                   respond(http_response{http::status::unsupported_media_type, 11});
                                   return;
                                 }
                                 admit(std::make_shared<multipart_sink>(*boundary));
                               });
    site = (std::filesystem::temp_directory_path() / ("siberius-fuzz-site-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(site + "/assets");
    std::ofstream(site + "/index.html") << "<!doctype html><title>siberius</title>";
    std::ofstream(site + "/assets/app-1a2b3c4d.js") << "console.log(1)";
    std::ofstream(site + "/assets/app-1a2b3c4d.js.gz") << "gz";
    state->add_file_route(is_web_app_path, make_static_site({site}));
  }
  ~front() {
    std::error_code ec;
    std::filesystem::remove_all(site, ec);
  }
};

front& the_front() {
  static front f;
  return f;
}

/// Reads what the server sent so far; false once the server closed its side.
bool drain(int fd, std::string& into) {
  char buf[16384];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
}

/// Runs the server's ready work and reads its answers until neither moves.
void settle(front& f, int client, std::string& received) {
  for (;;) {
    auto before = received.size();
    // An io_context that ran out of work stays stopped until restarted.
    if (f.ioc.stopped())
      f.ioc.restart();
    auto ran = f.ioc.poll();
    if (client >= 0)
      drain(client, received);
    if (ran == 0 && received.size() == before)
      return;
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& f = the_front();
  int fds[2];
  FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  int client = fds[1];
  ::fcntl(client, F_SETFL, ::fcntl(client, F_GETFL) | O_NONBLOCK);

  asio::ip::tcp::socket socket(f.ioc);
  boost::system::error_code ec;
  socket.assign(asio::ip::tcp::v4(), fds[0], ec);
  FUZZ_CHECK(!ec);
  std::make_shared<http_session>(std::move(socket), f.state)->run();

  // Send everything in pieces, letting the server answer between them (a
  // namespace is accepted before the next frames arrive), then end the
  // request side.
  constexpr std::size_t piece = 32;
  std::string received;
  std::size_t sent = 0;
  while (sent < size) {
    // MSG_NOSIGNAL: a server that already closed is an answer, not a SIGPIPE.
    auto n = ::send(client, data + sent, std::min(piece, size - sent), MSG_NOSIGNAL);
    if (n > 0)
      sent += static_cast<std::size_t>(n);
    else if (!(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)))
      break; // the server closed the connection early: a valid answer
    settle(f, client, received);
  }
  ::shutdown(client, SHUT_WR);
  settle(f, client, received);

  // SIBERIUS_FUZZ_SHOW=1: what the server answered, to look at an input.
  static const bool show = std::getenv("SIBERIUS_FUZZ_SHOW") != nullptr;
  if (show)
    std::fprintf(stderr, "--- answer (%zu bytes)\n%s\n---\n", received.size(), received.c_str());

  // Whatever came back starts as HTTP (an answer, or the 101 of an upgrade).
  if (!received.empty())
    FUZZ_CHECK(std::string_view(received).substr(0, 7) == "HTTP/1.");

  // The client goes away: every session sees it and lets its connection go.
  ::close(client);
  settle(f, -1, received);
  FUZZ_CHECK(f.state->open_sockets.load() == 0);
  FUZZ_CHECK(f.state->engine_connections.load() == 0);
  return 0;
}
