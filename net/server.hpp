// The network front: one port that serves HTTP/1.1 and, under /socket.io/,
// Engine.IO v4 + Socket.IO v5 over WebSocket or HTTP long-polling. It knows nothing of actors or
// databases; applications plug in through http_handler and namespace_handler.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace siberius::net {

struct engine_options {
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
  /// A client that has not CONNECTed any namespace by then is closed.
  std::chrono::milliseconds connect_timeout{45000};
  std::size_t max_payload = 1000000;
  /// Frames queued for a peer that does not read; past this the connection is closed.
  std::size_t max_queued_frames = 1024;
  /// Bytes waiting to be written to one peer (the frame in flight included);
  /// a frame that would take them past this closes the connection. One frame
  /// is always accepted on an empty queue, however large.
  std::size_t max_queued_bytes = 1 << 20;
  /// A polling client that opened a WebSocket must finish the upgrade
  /// (probe, then the upgrade packet) within this, or the WebSocket is closed
  /// and the session stays on polling.
  std::chrono::milliseconds upgrade_timeout{10000};
  /// Attachments one BINARY_EVENT / BINARY_ACK may announce; together they
  /// may hold at most max_payload bytes.
  std::size_t max_attachments = 256;
};

struct server_options {
  engine_options engine;
  std::string socketio_path = "/socket.io/";
  /// When set, a bare Engine.IO endpoint (no Socket.IO layer) is served there.
  std::optional<std::string> engineio_path;
  /// Largest HTTP request body accepted by the generic handler (413 past it).
  std::size_t max_http_body = 1 << 20;
  /// Connections over this number are refused (503) before any work is done.
  std::size_t max_connections = 20000;
  /// Connections one client address may hold at once (0: no limit). A direct
  /// peer is counted from accept; behind a trusted proxy, a WebSocket counts
  /// against the forwarded address from its upgrade. Over it: 503.
  std::size_t max_connections_per_address = 256;
  /// Origins ("https://app.example", scheme://host[:port]) whose pages may use
  /// the polling transport cross-origin (CORS, with credentials). Requests
  /// with an Origin that is neither the server's own (its Host) nor listed are
  /// refused (403); requests without Origin (not from a browser) are served.
  std::vector<std::string> cors_origins;
  /// Trust X-Forwarded-For / X-Real-IP from this peer address (nginx in front).
  std::vector<std::string> trusted_proxies = {"127.0.0.1", "::1"};
  /// A client that sends no (complete) request header within this is closed;
  /// also the idle limit of an HTTP keep-alive connection.
  std::chrono::milliseconds http_read_timeout{30000};
  /// Largest HTTP request header accepted (431 past it).
  std::size_t max_http_header = 8192;
  /// Where the server's log lines go (one JSON object each); stderr when empty.
  std::function<void(const nlohmann::json&)> log;
};

/// What the session's first request (the WebSocket upgrade, or the polling
/// handshake) said that an application may need to authenticate a browser:
/// its cookies and where the page came from.
struct handshake_info {
  std::string origin; // the Origin header ("" when absent)
  std::string cookie; // the Cookie header ("" when absent)
  std::string host;   // the Host header
  /// Sec-Fetch-Site ("" when absent): browsers send no Origin on a same-origin
  /// GET, so a polling handshake from our own page says "same-origin" here.
  std::string fetch_site;
  /// The client reached us over TLS: X-Forwarded-Proto https from a trusted proxy.
  bool secure = false;
};

/// One Engine.IO connection (a WebSocket, or a polling session that may
/// upgrade to one: the same object throughout). Every method is thread-safe
/// and returns at once: the work is posted to the connection's strand.
class connection {
public:
  virtual ~connection() = default;
  /// Engine.IO session id.
  virtual const std::string& sid() const = 0;
  /// The peer's address (the forwarded one when behind a trusted proxy).
  virtual const std::string& remote_address() const = 0;
  /// The first request's Origin, Cookie and Host.
  virtual const handshake_info& handshake() const = 0;
  /// The latest Engine.IO ping -> pong round trip, as this server measured
  /// it; nullopt until the first pong.
  virtual std::optional<std::chrono::microseconds> round_trip() const = 0;
  /// Answers a namespace CONNECT: `40<nsp>,{"sid":"…", …extra}`. When the
  /// connection closed before this runs, on_disconnect(nsp) follows at once, so
  /// an accepted namespace always ends with exactly one on_disconnect.
  virtual void accept(const std::string& nsp, nlohmann::json extra = nlohmann::json::object()) = 0;
  /// Answers a namespace CONNECT with CONNECT_ERROR {message, data:{code}}.
  virtual void reject(const std::string& nsp, std::string message, int code) = 0;
  /// Server-to-client EVENT; `args` is a JSON array of the event's arguments.
  /// Binary values in `args` (nlohmann::json::binary_t) are sent as a
  /// BINARY_EVENT with attachments; so are they in ack and emit_with_ack.
  virtual void emit(const std::string& nsp, const std::string& event, nlohmann::json args) = 0;
  /// ACK for a client EVENT that carried `ack_id`; `args` is a JSON array.
  virtual void ack(const std::string& nsp, std::uint64_t ack_id, nlohmann::json args) = 0;
  /// Server-to-client EVENT asking for an acknowledgement with `ack_id`
  /// (chosen by the caller); the client's ACK reaches the namespace handler's
  /// on_ack with the same id.
  virtual void emit_with_ack(const std::string& nsp, const std::string& event, nlohmann::json args,
                             std::uint64_t ack_id) = 0;
  /// Server-side DISCONNECT of one namespace (the transport stays open).
  virtual void disconnect(const std::string& nsp, std::string reason) = 0;
  /// Closes the whole connection; every connected namespace sees on_disconnect.
  virtual void close(std::string reason) = 0;
  /// Bare Engine.IO endpoint only: sends one message packet.
  virtual void send_message(std::string text) = 0;
  /// Bare Engine.IO endpoint only: sends one binary message.
  virtual void send_binary(std::string bytes) = 0;
  /// Application data attached to one namespace of this connection (the actor
  /// serving it, say); empty when none.
  virtual void attach(const std::string& nsp, std::shared_ptr<void> data) = 0;
  virtual std::shared_ptr<void> attachment(const std::string& nsp) const = 0;
};

using connection_ptr = std::shared_ptr<connection>;

/// What an application does with one Socket.IO namespace. Called on an I/O
/// thread: never block here, hand the work on.
class namespace_handler {
public:
  virtual ~namespace_handler() = default;
  /// A client asked to join `nsp` with `auth` (an object, or null). Answer
  /// with conn->accept or conn->reject, now or later, from any thread.
  virtual void on_connect(const connection_ptr& conn, const std::string& nsp, nlohmann::json auth) = 0;
  /// An EVENT on a namespace this connection has joined (accepted). The
  /// attachments of a BINARY_EVENT are in `args` as json binary values.
  virtual void on_event(const connection_ptr& conn, const std::string& nsp, std::string event,
                        nlohmann::json args, std::optional<std::uint64_t> ack_id) = 0;
  /// The namespace was left: client DISCONNECT, transport closed, ping
  /// timeout, or server disconnect/close. Called once per accepted namespace.
  virtual void on_disconnect(const connection_ptr& conn, const std::string& nsp, const std::string& reason) = 0;
  /// The client acknowledged an emit_with_ack; `args` is a JSON array.
  virtual void on_ack(const connection_ptr&, const std::string& /*nsp*/, std::uint64_t /*ack_id*/,
                      nlohmann::json /*args*/) {}
};

namespace http = boost::beast::http;

/// The path of a request target, without its query string.
std::string_view path_of(std::string_view target);
using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;
using http_responder = std::function<void(http_response)>;
/// Plain HTTP: called on an I/O thread with a complete request (body bounded
/// by max_http_body); call `respond` once, from any thread.
using http_handler = std::function<void(http_request req, std::string remote_address, http_responder respond)>;

/// Where a streamed request body goes (see server::add_streaming_route). Called
/// on the connection's I/O thread, one call at a time.
class body_sink {
public:
  virtual ~body_sink() = default;
  /// The next bytes of the body. Return false to stop reading: finish(false)
  /// follows, and the sink answers there.
  virtual bool write(const char* data, std::size_t size) = 0;
  /// The body ended: `complete` when all of it arrived and every write
  /// returned true; otherwise the client went silent or away, or write()
  /// refused. `respond` answers the request (once; ignored if the client left).
  virtual void finish(bool complete, http_responder respond) = 0;
};
/// Starts reading the body into `sink`.
using stream_admit = std::function<void(std::shared_ptr<body_sink> sink)>;
/// A request to a streaming route, with its header only (empty body). Call
/// exactly one of `respond` (refuse: 401, 413…, the body is then not read) or
/// `admit`, from any thread.
using streaming_handler =
    std::function<void(http_request header, std::string remote_address, http_responder respond, stream_admit admit)>;

/// A file (or a range of it) as the answer: `header` holds the status and
/// fields (its body is ignored; Content-Length is set from `length`), then the
/// bytes [offset, offset + length) of `fd` follow, read in large pieces so
/// the file is never held whole. The connection closes `fd` when done.
struct file_response {
  http_response header;
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};
using file_responder = std::function<void(file_response)>;
/// GET and HEAD requests on a file route: answer once, with `respond` (errors,
/// 304…) or `send_file`, from any thread. For HEAD only the header goes out.
using file_handler = std::function<void(http_request req, std::string remote_address, http_responder respond,
                                        file_responder send_file)>;

/// Bare Engine.IO endpoint: a message arrived on `conn` (text, or binary bytes).
using engine_message_handler = std::function<void(const connection_ptr& conn, std::string data, bool binary)>;

class server {
public:
  server(boost::asio::io_context& ioc, server_options options);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Namespaces not registered get CONNECT_ERROR "Invalid namespace".
  void add_namespace(const std::string& nsp, std::shared_ptr<namespace_handler> handler);
  void set_http_handler(http_handler handler);
  /// POSTs to `path` stream their body to the handler's sink instead of being
  /// buffered: the body may be up to `max_body` bytes (413 past it), and the
  /// upload may take as long as it keeps moving (each read waits at most
  /// http_read_timeout).
  void add_streaming_route(const std::string& path, std::size_t max_body, streaming_handler handler);
  void set_engine_message_handler(engine_message_handler handler);
  /// GET/HEAD requests whose path satisfies `match` go to `handler`, which may
  /// answer with a file (see file_response). Checked before the http_handler.
  void add_file_route(std::function<bool(std::string_view path)> match, file_handler handler);

  /// Binds and starts accepting; throws std::system_error when the port is taken.
  /// Port 0 picks a free port, see port().
  void listen(const std::string& address, std::uint16_t port);
  std::uint16_t port() const;

  /// Stops accepting and closes every connection (close reason "server shutting down").
  void stop();

  std::size_t connection_count() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace siberius::net
