#include "net/http_session.hpp"

#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/engine_session.hpp"
#include "net/http_util.hpp"
#include "net/websocket_frame.hpp"

namespace siberius::net {

namespace beast = boost::beast;
namespace asio = boost::asio;
using detail::make_response;
using detail::path_matches;

namespace {

std::string trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos)
    return {};
  auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

} // namespace

std::string client_address(const std::string& peer, const http_request& req,
                           const std::vector<std::string>& trusted_proxies) {
  if (std::find(trusted_proxies.begin(), trusted_proxies.end(), peer) == trusted_proxies.end())
    return peer;
  auto forwarded = req["X-Forwarded-For"];
  if (!forwarded.empty()) {
    auto comma = forwarded.rfind(',');
    auto last = trim(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
    if (!last.empty())
      return last;
  }
  auto real_ip = trim(req["X-Real-IP"]);
  return real_ip.empty() ? peer : real_ip;
}

http_session::http_session(asio::ip::tcp::socket socket, std::shared_ptr<server_state> state)
    : stream_(std::move(socket)), state_(std::move(state)), slot_(state_) {
  beast::error_code ec;
  // A response's header and its file body go out as two writes: with Nagle's
  // algorithm the second waited for the client's delayed ACK (about 40 ms) on
  // every request after the first of a kept-alive connection.
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) {
    auto address = endpoint.address();
    // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
    if (address.is_v6() && address.to_v6().is_v4_mapped())
      address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    peer_address_ = address.to_string();
  }
}

http_session::~http_session() {
  if (file_ && file_->fd >= 0)
    ::close(file_->fd);
  if (registry_id_ != 0)
    state_->unregister_session(registry_id_);
}

void http_session::run() {
  registry_id_ = state_->register_session(weak_from_this());
  // A direct client is counted from accept. A trusted proxy carries many
  // clients: its WebSockets are counted against the forwarded address on
  // upgrade (see upgrade()).
  if (!from_trusted_proxy() && !slot_.bind_address(peer_address_)) {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->refuse_over_address_limit(); });
    return;
  }
  asio::post(stream_.get_executor(), beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

bool http_session::from_trusted_proxy() const {
  const auto& trusted = state_->options().trusted_proxies;
  return std::find(trusted.begin(), trusted.end(), peer_address_) != trusted.end();
}

// Refused before the request is read, so an address at its limit cannot make
// the server hold more than a socket for the drain's two seconds.
void http_session::refuse_over_address_limit() {
  state_->log({{"event", "net:address:over_limit"},
               {"remote", peer_address_},
               {"limit", state_->options().max_connections_per_address}});
  http_request req;
  respond(make_response(req, http::status::service_unavailable,
                        "too many connections from " + peer_address_ + "\n", "text/plain"),
          false);
}

void http_session::shutdown() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->do_close(); });
}

void http_session::do_read() {
  if (state_->stopping()) {
    do_close();
    return;
  }
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(state_->options().max_http_header));
  // The body's limit depends on the route: checked once the header is in.
  parser_->body_limit(boost::none);
  // Bounds the whole request, so a slow client cannot hold the socket.
  stream_.expires_after(state_->options().http_read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session::on_header, shared_from_this()));
}

void http_session::on_header(beast::error_code ec, std::size_t bytes) {
  if (ec)
    return on_read(ec, bytes);
  const auto& header = parser_->get();
  if (header.method() == http::verb::post) {
    if (auto route = state_->find_streaming_route(path_of(header.target())))
      return start_streaming(std::move(route));
  }
  auto limit = state_->options().max_http_body;
  if (is_engine_path(path_of(header.target())))
    limit = state_->options().engine.max_payload; // maxHttpBufferSize, as clients are told
  if (parser_->content_length() && *parser_->content_length() > limit)
    return on_read(http::error::body_limit, 0);
  parser_->body_limit(limit);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::start_streaming(std::shared_ptr<const server_state::streaming_route> route) {
  http_request header = parser_->get(); // the body is still unread: empty
  drop_untrusted_forwarding(header);
  if (parser_->content_length() && *parser_->content_length() > route->max_body) {
    respond(make_response(header, http::status::payload_too_large,
                          "request body larger than " + std::to_string(route->max_body) + " bytes\n", "text/plain"),
            false);
    return;
  }
  stream_.expires_never(); // the handler may take a moment (authentication)
  stream_route_ = route;
  stream_keep_alive_ = header.keep_alive();
  auto remote = client_address(peer_address_, header, state_->options().trusted_proxies);
  auto self = shared_from_this();
  auto decided = std::make_shared<std::atomic<bool>>(false);
  http_responder refuse = [self, decided](http_response res) {
    if (decided->exchange(true))
      return;
    // The body was not read: the connection cannot carry another request.
    asio::post(self->stream_.get_executor(),
               [self, res = std::move(res)]() mutable { self->respond(std::move(res), false); });
  };
  stream_admit admit = [self, decided](std::shared_ptr<body_sink> sink) {
    if (decided->exchange(true))
      return;
    asio::post(self->stream_.get_executor(), [self, sink = std::move(sink)]() mutable {
      self->begin_stream(std::move(sink));
    });
  };
  route->handler(std::move(header), std::move(remote), std::move(refuse), std::move(admit));
}

void http_session::begin_stream(std::shared_ptr<body_sink> sink) {
  sink_ = std::move(sink);
  bool expects_continue = beast::iequals(parser_->get()[http::field::expect], "100-continue");
  stream_parser_.emplace(std::move(*parser_));
  parser_.reset();
  stream_parser_->body_limit(stream_route_->max_body);
  if (auto length = stream_parser_->content_length(); length && !stream_parser_->chunked())
    raw_left_ = *length;
  // 256 KiB per read: fewer system calls and sink calls per megabyte (52 MB
  // uploads went from about 720 to 800-900 MB/s over 64 KiB reads).
  chunk_.resize(256 * 1024);
  // A chunked body still goes through the parser, which reads as much as the
  // buffer has room for (at least 512 bytes): a buffer sized for headers
  // would read a large body in crumbs.
  if (!raw_left_)
    buffer_.reserve(chunk_.size());
  if (!expects_continue)
    return read_chunk();
  // The client waits for our word before sending a large body (curl does).
  static const std::string go_on = "HTTP/1.1 100 Continue\r\n\r\n";
  stream_.expires_after(state_->options().http_read_timeout);
  asio::async_write(stream_, asio::buffer(go_on), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec)
      return self->finish_stream(false);
    self->read_chunk();
  });
}

void http_session::read_chunk() {
  if (raw_left_) {
    if (*raw_left_ == 0)
      return finish_stream(true);
    // Body bytes that came with the header are in buffer_: those first.
    if (buffer_.size() > 0) {
      auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buffer_.size(), *raw_left_));
      bool more = sink_->write(static_cast<const char*>(buffer_.data().data()), n);
      buffer_.consume(n);
      *raw_left_ -= n;
      if (!more)
        return finish_stream(false);
      return read_chunk();
    }
    // Never past the body: what follows belongs to the next request.
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_.size(), *raw_left_));
    stream_.expires_after(state_->options().http_read_timeout);
    stream_.async_read_some(asio::buffer(chunk_.data(), want),
                            beast::bind_front_handler(&http_session::on_raw_chunk, shared_from_this()));
    return;
  }
  auto& body = stream_parser_->get().body();
  body.data = chunk_.data();
  body.size = chunk_.size();
  body.more = true;
  // An inactivity limit: a large upload may take long while it keeps moving.
  stream_.expires_after(state_->options().http_read_timeout);
  http::async_read_some(stream_, buffer_, *stream_parser_,
                        beast::bind_front_handler(&http_session::on_chunk, shared_from_this()));
}

void http_session::on_chunk(beast::error_code ec, std::size_t) {
  if (ec == http::error::need_buffer)
    ec = {};
  auto got = chunk_.size() - stream_parser_->get().body().size;
  if (!ec && got > 0 && !sink_->write(chunk_.data(), got))
    return finish_stream(false);
  if (ec == http::error::body_limit) {
    // Chunked bodies have no length up front: the limit shows here.
    sink_->finish(false, [](http_response) {});
    sink_.reset();
    http_request header;
    respond(make_response(header, http::status::payload_too_large,
                          "request body larger than " + std::to_string(stream_route_->max_body) + " bytes\n",
                          "text/plain"),
            false);
    return;
  }
  if (ec)
    return finish_stream(false);
  if (stream_parser_->is_done())
    return finish_stream(true);
  read_chunk();
}

void http_session::on_raw_chunk(beast::error_code ec, std::size_t n) {
  if (n > 0) {
    *raw_left_ -= n;
    if (!sink_->write(chunk_.data(), n))
      return finish_stream(false);
  }
  if (ec)
    return finish_stream(false);
  read_chunk();
}

void http_session::finish_stream(bool complete) {
  raw_left_.reset();
  stream_.expires_never();
  auto sink = std::move(sink_);
  std::vector<char>().swap(chunk_);
  if (buffer_.size() == 0)
    buffer_.shrink_to_fit(); // an idle connection keeps no upload-sized buffer
  bool keep_alive = complete && stream_keep_alive_;
  auto self = shared_from_this();
  auto answered = std::make_shared<std::atomic<bool>>(false);
  sink->finish(complete, [self, keep_alive, answered](http_response res) {
    if (answered->exchange(true))
      return;
    asio::post(self->stream_.get_executor(), [self, keep_alive, res = std::move(res)]() mutable {
      self->stream_parser_.reset();
      self->respond(std::move(res), keep_alive && res.keep_alive());
    });
  });
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::body_limit) {
    http_request req = parser_->release();
    if (is_engine_path(path_of(req.target())))
      return refuse_engine_body(std::move(req));
    respond(make_response(req, http::status::payload_too_large, "request body too large\n", "text/plain"),
            false);
    return;
  }
  if (ec == http::error::header_limit) {
    http_request req;
    respond(make_response(req, http::status::request_header_fields_too_large, "request header too large\n",
                          "text/plain"),
            false);
    return;
  }
  if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    do_close();
    return;
  }
  if (ec) {
    // A request Beast could not parse gets a 400; a broken socket just closes.
    if (ec.category() == beast::http::make_error_code(http::error::bad_target).category()) {
      http_request req;
      respond(make_response(req, http::status::bad_request, "malformed request\n", "text/plain"), false);
    } else {
      do_close();
    }
    return;
  }
  stream_.expires_never();
  on_request(parser_->release());
}

void http_session::on_request(http_request req) {
  const auto& opts = state_->options();
  drop_untrusted_forwarding(req);
  if (state_->stopping()) {
    respond(make_response(req, http::status::service_unavailable, "server shutting down\n", "text/plain"), false);
    return;
  }
  if (state_->open_sockets.load() > opts.max_connections) {
    respond(make_response(req, http::status::service_unavailable, "too many connections\n", "text/plain"), false);
    return;
  }
  auto path = path_of(req.target());
  bool socketio = path_matches(path, opts.socketio_path);
  bool bare = !socketio && opts.engineio_path && path_matches(path, *opts.engineio_path);

  if (socketio || bare) {
    on_engine_request(std::move(req), bare);
    return;
  }
  if (req.method() == http::verb::get || req.method() == http::verb::head) {
    if (auto route = state_->find_file_route(path)) {
      bool keep_alive = req.keep_alive();
      bool head_only = req.method() == http::verb::head;
      auto remote = client_address(peer_address_, req, opts.trusted_proxies);
      auto self = shared_from_this();
      auto answered = std::make_shared<std::atomic<bool>>(false);
      http_responder respond_plain = [self, keep_alive, head_only, answered](http_response res) {
        if (answered->exchange(true))
          return;
        asio::post(self->stream_.get_executor(), [self, keep_alive, head_only, res = std::move(res)]() mutable {
          if (head_only) {
            auto size = res.body().size();
            res.body().clear();
            res.content_length(size);
          }
          self->respond(std::move(res), keep_alive && res.keep_alive());
        });
      };
      file_responder respond_file = [self, keep_alive, head_only, answered](file_response file) {
        if (answered->exchange(true)) {
          if (file.fd >= 0)
            ::close(file.fd);
          return;
        }
        asio::post(self->stream_.get_executor(), [self, keep_alive, head_only, file = std::move(file)]() mutable {
          self->send_file(std::move(file), keep_alive, head_only);
        });
      };
      route->handler(std::move(req), std::move(remote), std::move(respond_plain), std::move(respond_file));
      return;
    }
  }
  auto handler = state_->http();
  if (!handler) {
    bool keep_alive = req.keep_alive();
    respond(make_response(req, http::status::not_found, "not found\n", "text/plain"), keep_alive);
    return;
  }
  bool keep_alive = req.keep_alive();
  auto remote = client_address(peer_address_, req, opts.trusted_proxies);
  auto self = shared_from_this();
  auto answered = std::make_shared<std::atomic<bool>>(false);
  (*handler)(std::move(req), std::move(remote), [self, keep_alive, answered](http_response res) {
    if (answered->exchange(true))
      return; // a second answer to one request is dropped
    asio::post(self->stream_.get_executor(), [self, keep_alive, res = std::move(res)]() mutable {
      self->respond(std::move(res), keep_alive && res.keep_alive());
    });
  });
}

void http_session::upgrade(http_request req, bool bare_engine, std::shared_ptr<engine_session> polling) {
  auto key = req[http::field::sec_websocket_key];
  if (key.empty() || req[http::field::sec_websocket_version] != "13") {
    auto res = make_response(req, http::status::upgrade_required, "WebSocket version 13 required\n", "text/plain");
    res.set(http::field::sec_websocket_version, "13");
    respond(std::move(res), false);
    return;
  }
  auto res = std::make_shared<http::response<http::empty_body>>(http::status::switching_protocols, req.version());
  res->set(http::field::server, "siberius");
  res->set(http::field::upgrade, "websocket");
  res->set(http::field::connection, "Upgrade");
  res->set(http::field::sec_websocket_accept, websocket_accept_key(key));
  if (polling) {
    // The session is counted already; this socket becomes its transport.
    stream_.expires_after(state_->options().http_read_timeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res, polling](beast::error_code ec, std::size_t) {
      if (ec) {
        self->do_close();
        return;
      }
      self->stream_.expires_never();
      if (self->registry_id_ != 0) {
        self->state_->unregister_session(self->registry_id_);
        self->registry_id_ = 0;
      }
      auto early_bytes = beast::buffers_to_string(self->buffer_.data());
      polling->begin_upgrade(self->stream_.release_socket(), std::move(early_bytes));
    });
    return;
  }
  auto remote = client_address(peer_address_, req, state_->options().trusted_proxies);
  if (!slot_.bind_address(remote))
    return refuse_over_limit(req, remote);
  auto hs = detail::handshake_of(req);
  stream_.expires_after(state_->options().http_read_timeout);
  http::async_write(stream_, *res,
                    [self = shared_from_this(), res, remote = std::move(remote), hs = std::move(hs), bare_engine](
                        beast::error_code ec, std::size_t) mutable {
                      if (ec) {
                        self->do_close();
                        return;
                      }
                      self->start_engine(std::move(remote), std::move(hs), bare_engine);
                    });
}

// A WebSocket or polling session over --max-connections-per-address.
void http_session::refuse_over_limit(const http_request& req, const std::string& remote) {
  state_->log({{"event", "net:address:over_limit"},
               {"remote", remote},
               {"limit", state_->options().max_connections_per_address}});
  respond(make_response(req, http::status::service_unavailable, "too many connections from " + remote + "\n",
                        "text/plain"),
          false);
}

void http_session::drop_untrusted_forwarding(http_request& req) const {
  // Only a trusted proxy may say the client came over TLS (Secure cookies,
  // the origin a browser page has); anyone else's claim is removed.
  const auto& trusted = state_->options().trusted_proxies;
  if (std::find(trusted.begin(), trusted.end(), peer_address_) == trusted.end())
    req.erase("X-Forwarded-Proto");
}

void http_session::start_engine(std::string remote, handshake_info hs, bool bare_engine) {
  stream_.expires_never();
  if (registry_id_ != 0) {
    state_->unregister_session(registry_id_);
    registry_id_ = 0;
  }
  // A client may already have sent frames behind its upgrade request.
  auto early_bytes = beast::buffers_to_string(buffer_.data());
  auto session = std::make_shared<engine_session>(stream_.release_socket(), state_, std::move(slot_),
                                                  bare_engine ? engine_mode::bare : engine_mode::socketio,
                                                  std::move(remote), std::move(hs));
  session->run(std::move(early_bytes));
}

void http_session::respond(http_response res, bool keep_alive) {
  if (!res.has_content_length() && !res.chunked())
    res.prepare_payload();
  if (res[http::field::server].empty())
    res.set(http::field::server, "siberius");
  res.keep_alive(keep_alive);
  response_ = std::make_shared<http_response>(std::move(res));
  stream_.expires_after(state_->options().http_read_timeout);
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep_alive));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  response_.reset();
  if (ec) {
    do_close();
    return;
  }
  if (!keep_alive) {
    do_drain();
    return;
  }
  do_read();
}

void http_session::send_file(file_response file, bool keep_alive, bool head_only) {
  auto header = std::make_shared<http::response<http::empty_body>>(file.header.result(), file.header.version());
  for (const auto& field : file.header)
    header->set(field.name_string(), field.value());
  header->set(http::field::server, "siberius");
  header->content_length(file.length);
  header->keep_alive(keep_alive);
  file_.emplace();
  file_->fd = file.fd;
  file_->offset = file.offset;
  file_->left = head_only ? 0 : file.length;
  file_->keep_alive = keep_alive;
  file_->header = header;
  stream_.expires_after(state_->options().http_read_timeout);
  http::async_write(stream_, *header, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec)
      return self->end_file(false);
    self->write_file_piece();
  });
}

// sendfile(2): the kernel moves the file to the socket without a copy through
// this process. When the socket's buffer is full, wait until it drains; a
// client that stops reading for http_read_timeout is dropped.
void http_session::write_file_piece() {
  auto& f = *file_;
  if (!f.idle)
    f.idle = std::make_unique<asio::steady_timer>(stream_.get_executor());
  auto& socket = stream_.socket();
  beast::error_code ignored;
  socket.native_non_blocking(true, ignored);
  while (f.left > 0) {
    auto off = static_cast<off_t>(f.offset);
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(f.left, 4u << 20));
    auto sent = ::sendfile(socket.native_handle(), f.fd, &off, want);
    if (sent > 0) {
      f.offset += static_cast<std::uint64_t>(sent);
      f.left -= static_cast<std::uint64_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR)
      continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      f.idle->expires_after(state_->options().http_read_timeout);
      f.idle->async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec && self->file_)
          self->stream_.socket().cancel(); // stalled: the wait below ends with an error
      });
      socket.async_wait(asio::ip::tcp::socket::wait_write, [self = shared_from_this()](beast::error_code ec) {
        if (!self->file_)
          return;
        self->file_->idle->cancel();
        if (ec)
          return self->end_file(false);
        self->write_file_piece();
      });
      return;
    }
    // An error, or the file shrank under us: the promised length cannot be kept.
    return end_file(false);
  }
  end_file(true);
}

void http_session::end_file(bool ok) {
  bool keep_alive = ok && file_->keep_alive;
  ::close(file_->fd);
  file_.reset();
  if (!ok)
    return do_close();
  stream_.expires_never();
  if (!keep_alive)
    return do_drain();
  do_read();
}

void http_session::do_close() {
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.close();
}

// After a final response (413, 400...) the client may still be sending; closing
// with unread bytes would reset the connection and could destroy the response
// in flight. Read and drop until the client closes, for a short while.
void http_session::do_drain() {
  if (!draining_) {
    draining_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    buffer_.clear();
    buffer_.shrink_to_fit();
    // One deadline for the whole drain: a trickling client cannot extend it.
    stream_.expires_after(std::chrono::seconds(2));
  }
  stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      self->stream_.close();
      return;
    }
    self->do_drain();
  });
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

} // namespace siberius::net
