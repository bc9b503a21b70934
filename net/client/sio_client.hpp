// An asynchronous Socket.IO v4 client (Engine.IO v4, WebSocket transport
// only) over Boost.Beast, for the office daemon and the session benchmark.
//
// One sio_client is one WebSocket joined to one namespace. It owns no thread:
// everything runs on a strand of the caller's io_context, so ten thousand of
// them fit in one process. It does not reconnect by itself: whoever owns it
// (the daemon's connection actor) decides when and how to try again.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>

namespace boost::asio::ssl {
class context;
}

namespace siberius::net {

/// Where a Socket.IO server lives, parsed from http(s):// or ws(s):// URLs.
/// A path in the URL is a prefix in front of "/socket.io/" (a reverse proxy
/// mounting the server under /siberius, say), never a namespace.
struct client_url {
  /// https or wss.
  bool tls = false;
  /// Host name or IP address as written (IPv6 without brackets).
  std::string host;
  std::uint16_t port = 0;
  /// Path prefix without trailing slash; empty for the root.
  std::string path_prefix;

  /// The WebSocket request target: `<prefix>/socket.io/?EIO=4&transport=websocket`.
  std::string target() const;
  /// The Host header value (port omitted when it is the scheme's default).
  std::string host_header() const;
};

/// The parsed URL, or why the text is not a usable server URL.
struct client_url_result {
  std::optional<client_url> url;
  std::string error;
  explicit operator bool() const { return url.has_value(); }
};

/// Parses a server URL: scheme http, https, ws or wss; a host (IPv6 in
/// brackets); an optional port; an optional path prefix. User info, query
/// strings and fragments are refused with a reason.
client_url_result parse_client_url(std::string_view text);

struct client_options {
  /// Server URL, see parse_client_url.
  std::string url;
  /// The one namespace this client joins ("/daemon", "/", ...).
  std::string nsp = "/";
  /// CONNECT payload (an object), or null for none.
  nlohmann::json auth;
  /// From connect() until the namespace is joined (TCP, TLS, WebSocket,
  /// Engine.IO open and Socket.IO CONNECT together).
  std::chrono::milliseconds connect_timeout{10000};
  /// Frames waiting to be written beyond which emit() refuses new events.
  std::size_t max_queued_frames = 1024;
  /// Largest incoming frame accepted (the server's maxPayload wins when smaller).
  std::size_t max_frame_bytes = 1000000;
  /// Verify the server certificate and host name (wss/https only).
  bool verify_peer = true;
  /// PEM file of trusted CAs; empty means the system's default store.
  std::string ca_file;
  /// A TLS context shared by many clients (it is then used as is, ca_file and
  /// verify_peer are ignored); null makes one per client when needed.
  std::shared_ptr<boost::asio::ssl::context> tls_context;
  /// Source IP address to bind before connecting (spreads many clients over
  /// 127.0.0.x); empty lets the system choose.
  std::string local_address;
};

/// Why the namespace could not be joined: the server's CONNECT_ERROR
/// ({message, data}, e.g. data.code 401) or a local reason (data null).
struct connect_error {
  std::string message;
  nlohmann::json data;
};

/// How an emit_with_ack ended.
enum class ack_status {
  ok,            ///< the server acknowledged; args holds its arguments
  timeout,       ///< no ack within the given time
  disconnected,  ///< the connection ended before the ack arrived
  queue_full,    ///< refused: too many frames already waiting to be written
  invalid_args,  ///< refused: the arguments could not be encoded (bad UTF-8)
  too_large,     ///< refused: the frame exceeds the server's maxPayload
};

struct ack_result {
  ack_status status = ack_status::ok;
  /// The ack's arguments as a JSON array (empty array unless status is ok).
  nlohmann::json args = nlohmann::json::array();
  explicit operator bool() const { return status == ack_status::ok; }
};

/// Text name of an ack_status ("ok", "timeout", ...), for logs.
const char* to_string(ack_status s);

/// Sends the ack of a server event (args: JSON array). Empty when the server
/// asked for no ack. May be called from any thread, at most once.
using ack_responder = std::function<void(nlohmann::json args)>;

class sio_client {
public:
  /// Called once the namespace is joined, with the server's CONNECT payload
  /// (sid and anything the server adds, such as lastSync).
  using connect_handler = std::function<void(const nlohmann::json& data)>;
  /// Called instead of connect_handler when joining failed, for any reason.
  using connect_error_handler = std::function<void(const connect_error& err)>;
  /// A server event: its name, its arguments (JSON array), and a responder
  /// when the server wants an ack.
  using event_handler = std::function<void(const std::string& event, nlohmann::json args, ack_responder ack)>;
  /// Called once after a successful join when the connection ends. Reasons
  /// follow socket.io-client: "io server disconnect", "io client disconnect",
  /// "ping timeout", "transport close", "transport error", "parse error".
  using disconnect_handler = std::function<void(const std::string& reason)>;
  using ack_callback = std::function<void(ack_result result)>;

  /// A client bound to `executor` (an io_context's); nothing happens until
  /// connect(). Bad options surface as a connect_error, never as a throw.
  sio_client(boost::asio::any_io_executor executor, client_options options);
  /// Closes the connection (as close()); no handler runs afterwards.
  ~sio_client();
  sio_client(const sio_client&) = delete;
  sio_client& operator=(const sio_client&) = delete;

  /// Set the handlers before connect(); they run on the client's strand.
  void on_connect(connect_handler h);
  /// See connect_error_handler.
  void on_connect_error(connect_error_handler h);
  /// See event_handler.
  void on_event(event_handler h);
  /// See disconnect_handler.
  void on_disconnect(disconnect_handler h);

  /// Starts connecting; exactly one of connect_error or connect (later
  /// followed by one disconnect) is reported. Call at most once.
  void connect();

  /// Emits `event` with `args` (a JSON array of arguments; a non-array value
  /// is sent as the single argument, null as none). Events emitted before the namespace is
  /// joined are sent once it is. Returns false when refused (queue full,
  /// arguments not encodable, client closed). Thread-safe.
  bool emit(std::string_view event, const nlohmann::json& args);

  /// As emit, and asks for an ack: `done` runs once, on the strand, with the
  /// ack's arguments or with the reason there is none (see ack_status).
  void emit_with_ack(std::string_view event, const nlohmann::json& args, ack_callback done,
                     std::chrono::milliseconds timeout);

  /// Leaves the namespace and closes the WebSocket. Pending acks fail with
  /// `disconnected`; the disconnect handler sees "io client disconnect" (or
  /// the connect_error handler "client closed" while still connecting).
  /// Thread-safe; idempotent.
  void close();

  /// True while the namespace is joined. Thread-safe; a hint only, since the
  /// state may change right after.
  bool connected() const;

  class impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace siberius::net
