// Socket.IO v4 client: one WebSocket, one namespace, everything on a strand.
//
// Life of a connection: resolve -> TCP -> (TLS) -> WebSocket handshake ->
// Engine.IO open packet -> Socket.IO CONNECT -> joined. One timer per client
// serves every deadline (connect, ping watchdog, acks, graceful close), so an
// idle client costs a socket, a timer and a few small buffers.
#include "net/client/sio_client.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <variant>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/socketio_packet.hpp"
#include "net/url.hpp"
#include "platform/tls_roots.hpp"

namespace siberius::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using nlohmann::json;

// ---------------------------------------------------------------------------
// URL

namespace {

const char* reason(url_problem p) {
  switch (p) {
    case url_problem::no_scheme:
    case url_problem::bad_scheme: return "URL must start with http://, https://, ws:// or wss://";
    case url_problem::query_or_fragment: return "URL must not carry a query string or fragment";
    case url_problem::user_info: return "URL must not carry user info; send credentials in the auth payload";
    case url_problem::no_host: return "URL has no host";
    case url_problem::empty_port: return "URL has an empty port";
    case url_problem::bad_port: return "URL port must be a number from 1 to 65535";
    case url_problem::unterminated_ipv6: return "URL has an unterminated IPv6 address";
    case url_problem::bad_ipv6: return "URL has an invalid IPv6 address";
    case url_problem::bad_host: return "URL host has an invalid character";
    case url_problem::bad_path: return "URL path must not contain spaces or control characters";
    case url_problem::none: break;
  }
  return "not a URL";
}

} // namespace

client_url_result parse_client_url(std::string_view text) {
  auto parsed = parse_server_url(text, {"http", "https", "ws", "wss"});
  if (!parsed)
    return {std::nullopt, reason(parsed.problem)};
  const auto& u = *parsed.url;
  return {client_url{u.tls, u.host, u.port, u.path_prefix}, {}};
}

std::string client_url::target() const {
  return path_prefix + "/socket.io/?EIO=4&transport=websocket";
}

std::string client_url::host_header() const {
  return server_url{tls ? "https" : "http", tls, host, port, path_prefix}.host_header();
}

const char* to_string(ack_status s) {
  switch (s) {
    case ack_status::ok: return "ok";
    case ack_status::timeout: return "timeout";
    case ack_status::disconnected: return "disconnected";
    case ack_status::queue_full: return "queue_full";
    case ack_status::invalid_args: return "invalid_args";
    case ack_status::too_large: return "too_large";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------
// The connection

class sio_client::impl : public std::enable_shared_from_this<impl> {
public:
  impl(asio::any_io_executor ex, client_options opts)
    : strand_(asio::make_strand(ex)), opts_(std::move(opts)), timer_(strand_) {}

  // Handlers are set before connect() and read only on the strand.
  connect_handler on_connect_;
  connect_error_handler on_connect_error_;
  event_handler on_event_;
  disconnect_handler on_disconnect_;
  /// Set by the owner's destructor: no handler starts after it.
  std::atomic<bool> muted_{false};
  std::atomic<bool> connected_{false};

  void start() {
    asio::post(strand_, [self = shared_from_this()] { self->do_start(); });
  }

  void request_close() {
    asio::post(strand_, [self = shared_from_this()] { self->do_close(); });
  }

  bool emit(std::string_view event, const json& args, std::optional<std::uint64_t> id, ack_callback done,
            std::chrono::milliseconds timeout) {
    if (closed_flag_.load(std::memory_order_relaxed)) {
      if (done)
        post_ack_failure(std::move(done), ack_status::disconnected);
      return false;
    }
    // Encoding happens on the caller's thread: the strand only moves bytes.
    std::string frame;
    try {
      frame = encode_event(opts_.nsp, event, args, id);
    } catch (const std::exception&) {
      if (done)
        post_ack_failure(std::move(done), ack_status::invalid_args);
      return false;
    }
    if (queued_.fetch_add(1, std::memory_order_relaxed) >= opts_.max_queued_frames) {
      queued_.fetch_sub(1, std::memory_order_relaxed);
      if (done)
        post_ack_failure(std::move(done), ack_status::queue_full);
      return false;
    }
    auto deadline = steady::now() + timeout;
    asio::post(strand_, [self = shared_from_this(), frame = std::move(frame), id, done = std::move(done),
                         deadline]() mutable {
      self->enqueue_event(std::move(frame), id, std::move(done), deadline);
    });
    return true;
  }

  std::uint64_t next_ack_id() { return next_ack_id_.fetch_add(1, std::memory_order_relaxed); }

  void send_ack(std::uint64_t id, json args) {
    std::string frame;
    try {
      frame = encode_ack(opts_.nsp, id, args);
    } catch (const std::exception&) {
      return; // not encodable: the server's own ack timeout reports it
    }
    asio::post(strand_, [self = shared_from_this(), frame = std::move(frame)]() mutable {
      if (self->state_ == state::joined)
        self->push_frame(std::move(frame), false);
    });
  }

private:
  using plain_ws = websocket::stream<tcp::socket>;
  using tls_ws = websocket::stream<ssl::stream<tcp::socket>>;

  enum class state { idle, resolving, connecting, handshaking, opening, joining, joined, closing, closed };

  struct outbound {
    std::string frame;
    bool counted; // counts against max_queued_frames (user events only)
  };

  struct pending_ack {
    ack_callback done;
    steady::time_point deadline;
  };

  asio::strand<asio::any_io_executor> strand_;
  client_options opts_;
  client_url url_;
  std::shared_ptr<ssl::context> tls_ctx_;
  std::variant<std::monostate, plain_ws, tls_ws> ws_;
  std::unique_ptr<tcp::resolver> resolver_;
  std::vector<tcp::endpoint> endpoints_;
  std::size_t endpoint_index_ = 0;
  beast::flat_buffer rbuf_;
  state state_ = state::idle;
  std::atomic<bool> closed_flag_{false};

  // Outbound: one write in flight, frames behind it. Events emitted before
  // the namespace is joined wait in held_ so CONNECT goes out first.
  std::deque<outbound> out_;
  std::deque<outbound> held_;
  bool writing_ = false;
  std::atomic<std::size_t> queued_{0};
  std::size_t server_max_payload_ = SIZE_MAX;

  std::atomic<std::uint64_t> next_ack_id_{0};
  std::map<std::uint64_t, pending_ack> acks_;

  // Deadlines served by the one timer; time_point::max() means none.
  asio::steady_timer timer_;
  steady::time_point timer_at_ = steady::time_point::max();
  std::uint64_t timer_gen_ = 0;
  steady::time_point connect_deadline_ = steady::time_point::max();
  steady::time_point ping_deadline_ = steady::time_point::max();
  steady::time_point close_deadline_ = steady::time_point::max();
  std::chrono::milliseconds ping_window_{0};

  template <class F>
  void with_ws(F&& f) {
    if (auto* p = std::get_if<plain_ws>(&ws_))
      f(*p);
    else if (auto* t = std::get_if<tls_ws>(&ws_))
      f(*t);
  }

  tcp::socket* lowest_socket() {
    if (auto* p = std::get_if<plain_ws>(&ws_))
      return &p->next_layer();
    if (auto* t = std::get_if<tls_ws>(&ws_))
      return &t->next_layer().next_layer();
    return nullptr;
  }

  // ----- user-facing reports (strand) -----

  template <class F>
  void report(F&& f) {
    if (muted_.load(std::memory_order_acquire))
      return;
    // A throwing handler must not unwind through the io_context's run().
    try {
      f();
    } catch (...) {
    }
  }

  void post_ack_failure(ack_callback done, ack_status status) {
    asio::post(strand_, [self = shared_from_this(), done = std::move(done), status] {
      self->report([&] { done(ack_result{status, json::array()}); });
    });
  }

  // ----- start -----

  void do_start() {
    if (state_ != state::idle)
      return;
    auto parsed = parse_client_url(opts_.url);
    if (!parsed)
      return fail_connect(parsed.error, json());
    url_ = std::move(*parsed.url);
    if (!opts_.auth.is_null() && !opts_.auth.is_object())
      return fail_connect("auth payload must be a JSON object", json());
    if (opts_.nsp.empty() || opts_.nsp.front() != '/')
      return fail_connect("namespace must start with '/'", json());
    if (url_.tls) {
      std::string err;
      if (!make_tls_stream(err))
        return fail_connect(err, json());
    } else {
      ws_.emplace<plain_ws>(strand_);
    }
    connect_deadline_ = steady::now() + opts_.connect_timeout;
    arm_timer();
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(url_.host, ec);
    if (!ec) {
      endpoints_.emplace_back(addr, url_.port);
      state_ = state::connecting;
      return connect_next();
    }
    state_ = state::resolving;
    resolver_ = std::make_unique<tcp::resolver>(strand_);
    resolver_->async_resolve(url_.host, std::to_string(url_.port),
                             [self = shared_from_this()](boost::system::error_code ec,
                                                         tcp::resolver::results_type results) {
                               self->on_resolve(ec, std::move(results));
                             });
  }

  bool make_tls_stream(std::string& err) {
    if (opts_.tls_context) {
      tls_ctx_ = opts_.tls_context;
    } else {
      tls_ctx_ = std::make_shared<ssl::context>(ssl::context::tls_client);
      boost::system::error_code ec;
      if (!opts_.ca_file.empty())
        tls_ctx_->load_verify_file(opts_.ca_file, ec);
      else if (std::string why; !platform::load_system_roots(tls_ctx_->native_handle(), why)) {
        err = why;
        return false;
      }
      if (ec) {
        err = "cannot load CA file " + opts_.ca_file + ": " + ec.message();
        return false;
      }
    }
    auto& ws = ws_.emplace<tls_ws>(strand_, *tls_ctx_);
    auto& tls = ws.next_layer();
    boost::system::error_code ec;
    if (opts_.verify_peer) {
      tls.set_verify_mode(ssl::verify_peer, ec);
      if (!ec)
        tls.set_verify_callback(ssl::host_name_verification(url_.host), ec);
    } else {
      tls.set_verify_mode(ssl::verify_none, ec);
    }
    if (ec) {
      err = "cannot set up TLS verification: " + ec.message();
      return false;
    }
    // SNI carries names only, never IP literals.
    boost::system::error_code addr_ec;
    asio::ip::make_address(url_.host, addr_ec);
    if (addr_ec && !SSL_set_tlsext_host_name(tls.native_handle(), url_.host.c_str())) {
      err = "cannot set TLS server name " + url_.host;
      return false;
    }
    return true;
  }

  void on_resolve(boost::system::error_code ec, tcp::resolver::results_type results) {
    resolver_.reset();
    if (state_ != state::resolving)
      return;
    if (ec)
      return fail_connect("cannot resolve " + url_.host + ": " + ec.message(), json());
    for (const auto& r : results)
      endpoints_.push_back(r.endpoint());
    if (endpoints_.empty())
      return fail_connect("cannot resolve " + url_.host + ": no address", json());
    state_ = state::connecting;
    connect_next();
  }

  void connect_next() {
    auto* sock = lowest_socket();
    boost::system::error_code ec;
    while (endpoint_index_ < endpoints_.size()) {
      const auto& ep = endpoints_[endpoint_index_++];
      if (sock->is_open())
        sock->close(ec);
      sock->open(ep.protocol(), ec);
      if (ec)
        continue;
      if (!opts_.local_address.empty()) {
        auto local = asio::ip::make_address(opts_.local_address, ec);
        if (ec)
          return fail_connect("invalid local address " + opts_.local_address, json());
        if (local.is_v4() != ep.address().is_v4())
          continue;
        sock->bind(tcp::endpoint(local, 0), ec);
        if (ec)
          continue;
      }
      sock->async_connect(ep, [self = shared_from_this(), ep](boost::system::error_code ec) {
        self->on_tcp_connect(ec, ep);
      });
      return;
    }
    fail_connect("cannot connect to " + url_.host + ":" + std::to_string(url_.port), json());
  }

  void on_tcp_connect(boost::system::error_code ec, const tcp::endpoint& ep) {
    if (state_ != state::connecting)
      return;
    if (ec) {
      if (endpoint_index_ < endpoints_.size())
        return connect_next();
      return fail_connect("cannot connect to " + url_.host + ":" + std::to_string(url_.port) + ": " +
                            ec.message(),
                          json());
    }
    endpoints_.clear();
    endpoints_.shrink_to_fit();
    boost::system::error_code ignored;
    lowest_socket()->set_option(tcp::no_delay(true), ignored); // acks are small and latency-bound
    state_ = state::handshaking;
    if (auto* t = std::get_if<tls_ws>(&ws_)) {
      t->next_layer().async_handshake(ssl::stream_base::client,
                                      [self = shared_from_this()](boost::system::error_code ec) {
                                        self->on_tls_handshake(ec);
                                      });
    } else {
      ws_handshake();
    }
  }

  void on_tls_handshake(boost::system::error_code ec) {
    if (state_ != state::handshaking)
      return;
    if (ec)
      return fail_connect("TLS handshake with " + url_.host + " failed: " + ec.message(), json());
    ws_handshake();
  }

  void ws_handshake() {
    with_ws([&](auto& ws) {
      ws.read_message_max(opts_.max_frame_bytes);
      ws.auto_fragment(false);
      ws.text(true);
      ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
        req.set(beast::http::field::user_agent, "siberius-sio-client/" SIBERIUS_VERSION);
      }));
      ws.async_handshake(url_.host_header(), url_.target(),
                         [self = shared_from_this()](boost::system::error_code ec) {
                           self->on_ws_handshake(ec);
                         });
    });
  }

  void on_ws_handshake(boost::system::error_code ec) {
    if (state_ != state::handshaking)
      return;
    if (ec)
      return fail_connect("WebSocket handshake failed: " + ec.message(), json());
    state_ = state::opening;
    do_read();
  }

  // ----- reading -----

  void do_read() {
    with_ws([&](auto& ws) {
      ws.async_read(rbuf_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
        self->on_read(ec);
      });
    });
  }

  void on_read(boost::system::error_code ec) {
    if (state_ == state::closed || state_ == state::closing)
      return;
    if (ec) {
      bool orderly = ec == websocket::error::closed || ec == asio::error::eof ||
                     ec == asio::error::connection_reset || ec == ssl::error::stream_truncated;
      if (ec == websocket::error::message_too_big)
        return fail("parse error", "frame larger than " + std::to_string(opts_.max_frame_bytes) + " bytes");
      return fail(orderly ? "transport close" : "transport error", ec.message());
    }
    bool text = true;
    with_ws([&](auto& ws) { text = ws.got_text(); });
    if (text) {
      auto data = rbuf_.data();
      std::string_view frame(static_cast<const char*>(data.data()), data.size());
      handle_frame(frame);
    } // binary attachments are not supported and are skipped
    rbuf_.consume(rbuf_.size());
    if (rbuf_.capacity() > 64 * 1024)
      rbuf_.shrink_to_fit(); // one large message must not pin memory forever
    if (state_ != state::closed && state_ != state::closing)
      do_read();
  }

  void handle_frame(std::string_view frame) {
    auto eio = parse_eio(frame);
    if (!eio)
      return fail("parse error", "unknown Engine.IO packet");
    switch (eio->type) {
      case eio_type::open:
        return on_open(eio->data);
      case eio_type::ping:
        if (state_ == state::opening)
          return fail("parse error", "ping before open");
        ping_deadline_ = steady::now() + ping_window_;
        push_frame("3", false);
        return;
      case eio_type::close:
        return fail("transport close", "server closed the Engine.IO session");
      case eio_type::message:
        if (state_ == state::opening)
          return fail("parse error", "message before open");
        return on_message(eio->data);
      case eio_type::pong:
      case eio_type::upgrade:
      case eio_type::noop:
        return;
    }
  }

  void on_open(const std::string& data) {
    if (state_ != state::opening)
      return fail("parse error", "second open packet");
    json open = json::parse(data, nullptr, false);
    if (!open.is_object() || !open.contains("pingInterval") || !open["pingInterval"].is_number_unsigned() ||
        !open.contains("pingTimeout") || !open["pingTimeout"].is_number_unsigned())
      return fail_connect("invalid Engine.IO open packet", json());
    ping_window_ = std::chrono::milliseconds(open["pingInterval"].get<std::uint64_t>() +
                                             open["pingTimeout"].get<std::uint64_t>());
    if (auto it = open.find("maxPayload"); it != open.end() && it->is_number_unsigned() && it->get<std::uint64_t>() > 0)
      server_max_payload_ = it->get<std::size_t>();
    ping_deadline_ = steady::now() + ping_window_;
    arm_timer();
    state_ = state::joining;
    sio_packet connect;
    connect.type = sio_type::connect;
    connect.nsp = opts_.nsp;
    connect.data = opts_.auth;
    std::string frame;
    try {
      frame = encode_sio(connect);
    } catch (const std::exception& e) {
      return fail_connect(std::string("auth payload cannot be encoded: ") + e.what(), json());
    }
    push_frame(std::move(frame), false);
  }

  void on_message(const std::string& payload) {
    auto parsed = parse_sio(payload);
    if (!parsed)
      return fail("parse error", parsed.error.reason);
    auto& p = *parsed.packet;
    if (p.nsp != opts_.nsp)
      return; // another namespace on a shared connection: not ours
    switch (p.type) {
      case sio_type::connect:
        return on_joined(std::move(p.data));
      case sio_type::connect_error:
        if (state_ != state::joining)
          return;
        if (p.data.is_object()) {
          auto msg = p.data.value("message", std::string("connect error"));
          return fail_connect(msg, p.data.contains("data") ? p.data["data"] : json());
        }
        return fail_connect(p.data.is_string() ? p.data.get<std::string>() : "connect error", json());
      case sio_type::disconnect:
        if (state_ == state::joining)
          return fail_connect("io server disconnect", json());
        return fail("io server disconnect", {});
      case sio_type::event:
        return on_server_event(std::move(p));
      case sio_type::ack:
        return on_ack(p);
      case sio_type::binary_event:
      case sio_type::binary_ack:
        return; // binary payloads are not part of this protocol
    }
  }

  void on_joined(json data) {
    if (state_ != state::joining)
      return;
    state_ = state::joined;
    connected_.store(true, std::memory_order_release);
    connect_deadline_ = steady::time_point::max();
    for (auto& o : held_)
      out_.push_back(std::move(o));
    held_.clear();
    do_write();
    report([&] {
      if (on_connect_)
        on_connect_(data);
    });
  }

  void on_server_event(sio_packet p) {
    if (state_ != state::joined || !p.data.is_array() || p.data.empty() || !p.data[0].is_string())
      return;
    auto name = p.data[0].get<std::string>();
    json args = json::array();
    for (std::size_t i = 1; i < p.data.size(); ++i)
      args.push_back(std::move(p.data[i]));
    ack_responder responder;
    if (p.id) {
      responder = [weak = weak_from_this(), id = *p.id](json ack_args) {
        if (auto self = weak.lock())
          self->send_ack(id, std::move(ack_args));
      };
    }
    report([&] {
      if (on_event_)
        on_event_(name, std::move(args), std::move(responder));
    });
  }

  void on_ack(sio_packet& p) {
    if (!p.id)
      return;
    auto it = acks_.find(*p.id);
    if (it == acks_.end())
      return; // late ack after its timeout, or never asked
    auto done = std::move(it->second.done);
    acks_.erase(it);
    json args = p.data.is_array() ? std::move(p.data) : json::array();
    report([&] { done(ack_result{ack_status::ok, std::move(args)}); });
  }

  // ----- writing -----

  void enqueue_event(std::string frame, std::optional<std::uint64_t> id, ack_callback done,
                     steady::time_point deadline) {
    if (state_ == state::closed || state_ == state::closing) {
      queued_.fetch_sub(1, std::memory_order_relaxed);
      if (done)
        report([&] { done(ack_result{ack_status::disconnected, json::array()}); });
      return;
    }
    if (frame.size() > server_max_payload_) {
      queued_.fetch_sub(1, std::memory_order_relaxed);
      if (done)
        report([&] { done(ack_result{ack_status::too_large, json::array()}); });
      return;
    }
    if (id && done) {
      acks_.emplace(*id, pending_ack{std::move(done), deadline});
      if (deadline < timer_at_)
        arm_timer();
    }
    if (state_ == state::joined) {
      out_.push_back({std::move(frame), true});
      do_write();
    } else {
      held_.push_back({std::move(frame), true});
    }
  }

  void push_frame(std::string frame, bool counted) {
    out_.push_back({std::move(frame), counted});
    do_write();
  }

  void do_write() {
    if (writing_ || out_.empty())
      return;
    writing_ = true;
    with_ws([&](auto& ws) {
      ws.async_write(asio::buffer(out_.front().frame),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                       self->on_write(ec);
                     });
    });
  }

  void on_write(boost::system::error_code ec) {
    writing_ = false;
    if (!out_.empty()) {
      if (out_.front().counted)
        queued_.fetch_sub(1, std::memory_order_relaxed);
      out_.pop_front();
    }
    if (state_ == state::closed)
      return;
    if (ec) {
      if (state_ == state::closing)
        return hard_close();
      return fail("transport error", ec.message());
    }
    if (state_ == state::closing && out_.empty())
      return graceful_close();
    do_write();
  }

  // ----- timer -----

  steady::time_point next_deadline() const {
    auto t = std::min({connect_deadline_, ping_deadline_, close_deadline_});
    for (const auto& [id, a] : acks_)
      t = std::min(t, a.deadline);
    return t;
  }

  // Lazily re-armed: a moved-out ping deadline does not cancel the wait; the
  // wake-up notices and sleeps again. Only an earlier deadline re-arms now.
  void arm_timer() {
    auto t = next_deadline();
    if (t == steady::time_point::max() || t >= timer_at_)
      return;
    timer_at_ = t;
    auto gen = ++timer_gen_;
    timer_.expires_at(t);
    timer_.async_wait([self = shared_from_this(), gen](boost::system::error_code) { self->on_timer(gen); });
  }

  void on_timer(std::uint64_t gen) {
    if (gen != timer_gen_)
      return; // superseded by an earlier deadline
    timer_at_ = steady::time_point::max();
    if (state_ == state::closed)
      return;
    auto now = steady::now();
    if (now >= close_deadline_)
      return hard_close();
    if (now >= connect_deadline_ && state_ != state::joined)
      return fail_connect("connect timeout after " + std::to_string(opts_.connect_timeout.count()) + " ms",
                          json());
    if (now >= ping_deadline_)
      return fail("ping timeout", "no ping from the server");
    for (auto it = acks_.begin(); it != acks_.end();) {
      if (it->second.deadline <= now) {
        auto done = std::move(it->second.done);
        it = acks_.erase(it);
        report([&] { done(ack_result{ack_status::timeout, json::array()}); });
        if (state_ == state::closed)
          return;
      } else {
        ++it;
      }
    }
    arm_timer();
  }

  // ----- ending -----

  void fail_connect(const std::string& message, json data) {
    if (state_ == state::joined)
      return fail(message, {});
    if (state_ == state::closed)
      return;
    terminate();
    report([&] {
      if (on_connect_error_)
        on_connect_error_(connect_error{message, std::move(data)});
    });
  }

  void fail(const std::string& reason, const std::string&) {
    if (state_ == state::closed || state_ == state::closing)
      return;
    if (state_ != state::joined)
      return fail_connect(reason, json());
    terminate();
    report([&] {
      if (on_disconnect_)
        on_disconnect_(reason);
    });
  }

  // Drops the transport and fails what waits on it; no report of its own.
  void terminate() {
    state_ = state::closed;
    closed_flag_.store(true, std::memory_order_relaxed);
    connected_.store(false, std::memory_order_release);
    hard_close();
    fail_pending();
  }

  void fail_pending() {
    for (auto& o : held_)
      if (o.counted)
        queued_.fetch_sub(1, std::memory_order_relaxed);
    held_.clear();
    auto acks = std::move(acks_);
    acks_.clear();
    for (auto& [id, a] : acks)
      report([&] { a.done(ack_result{ack_status::disconnected, json::array()}); });
  }

  void hard_close() {
    if (state_ != state::closed) {
      state_ = state::closed;
      closed_flag_.store(true, std::memory_order_relaxed);
    }
    ++timer_gen_;
    timer_.cancel();
    timer_at_ = steady::time_point::max();
    if (resolver_)
      resolver_->cancel();
    if (auto* sock = lowest_socket()) {
      boost::system::error_code ignored;
      sock->shutdown(tcp::socket::shutdown_both, ignored);
      sock->close(ignored);
    }
  }

  void do_close() {
    if (state_ == state::closed || state_ == state::closing)
      return;
    if (state_ != state::joined) {
      if (state_ == state::idle) {
        // Never started: nothing to tear down and nothing to report.
        state_ = state::closed;
        closed_flag_.store(true, std::memory_order_relaxed);
        return;
      }
      return fail_connect("client closed", json());
    }
    // Leave the namespace politely, then close the WebSocket; a peer that does
    // not answer the close gets one second before the socket is cut.
    state_ = state::closing;
    closed_flag_.store(true, std::memory_order_relaxed);
    connected_.store(false, std::memory_order_release);
    ping_deadline_ = steady::time_point::max();
    connect_deadline_ = steady::time_point::max();
    sio_packet leave;
    leave.type = sio_type::disconnect;
    leave.nsp = opts_.nsp;
    // Unsent events are dropped: the caller chose to stop. The frame being
    // written stays put (its buffer is in use); only the back of the deque is
    // popped, which leaves references to the front valid.
    std::size_t first = writing_ ? 1 : 0;
    std::deque<outbound> keep;
    for (std::size_t i = first; i < out_.size(); ++i) {
      if (out_[i].counted)
        queued_.fetch_sub(1, std::memory_order_relaxed);
      else
        keep.push_back(std::move(out_[i]));
    }
    while (out_.size() > first)
      out_.pop_back();
    for (auto& o : keep)
      out_.push_back(std::move(o));
    try {
      out_.push_back({encode_sio(leave), false});
    } catch (...) {
    }
    fail_pending();
    close_deadline_ = steady::now() + std::chrono::seconds(1);
    ++timer_gen_;
    timer_at_ = steady::time_point::max();
    arm_timer();
    report([&] {
      if (on_disconnect_)
        on_disconnect_("io client disconnect");
    });
    do_write();
    if (!writing_)
      graceful_close();
  }

  void graceful_close() {
    with_ws([&](auto& ws) {
      ws.async_close(websocket::close_code::normal, [self = shared_from_this()](boost::system::error_code) {
        self->hard_close();
      });
    });
  }
};

// ---------------------------------------------------------------------------
// Public face

sio_client::sio_client(asio::any_io_executor executor, client_options options)
  : impl_(std::make_shared<impl>(std::move(executor), std::move(options))) {}

sio_client::~sio_client() {
  impl_->muted_.store(true, std::memory_order_release);
  impl_->request_close();
}

void sio_client::on_connect(connect_handler h) { impl_->on_connect_ = std::move(h); }
void sio_client::on_connect_error(connect_error_handler h) { impl_->on_connect_error_ = std::move(h); }
void sio_client::on_event(event_handler h) { impl_->on_event_ = std::move(h); }
void sio_client::on_disconnect(disconnect_handler h) { impl_->on_disconnect_ = std::move(h); }

void sio_client::connect() { impl_->start(); }

bool sio_client::emit(std::string_view event, const nlohmann::json& args) {
  return impl_->emit(event, args, std::nullopt, nullptr, std::chrono::milliseconds(0));
}

void sio_client::emit_with_ack(std::string_view event, const nlohmann::json& args, ack_callback done,
                               std::chrono::milliseconds timeout) {
  auto id = impl_->next_ack_id();
  impl_->emit(event, args, id, std::move(done), timeout);
}

void sio_client::close() { impl_->request_close(); }

bool sio_client::connected() const { return impl_->connected_.load(std::memory_order_acquire); }

} // namespace siberius::net
