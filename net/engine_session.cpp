#include "net/engine_session.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "net/socketio_packet.hpp"

namespace siberius::net {

namespace beast = boost::beast;
namespace asio = boost::asio;

namespace {

// Largest single read from the socket; a bigger frame takes several.
constexpr std::size_t max_read_chunk = 64 * 1024;
// How long a graceful WebSocket close may take before the socket is cut.
constexpr std::chrono::seconds close_grace{2};
// Engine.IO ping data a client may have echoed: v4 clients send "2probe" at
// most. Anything longer would let a client make the server copy its frames.
constexpr std::size_t max_ping_data = 128;

} // namespace

engine_session::engine_session(asio::ip::tcp::socket socket, std::shared_ptr<server_state> state,
                               connection_slot slot, engine_mode mode, std::string remote_address,
                               handshake_info hs)
    : engine_session(socket.get_executor(), std::move(socket), engine_transport::websocket, std::move(state),
                     std::move(slot), mode, std::move(remote_address), std::move(hs)) {}

engine_session::engine_session(asio::any_io_executor strand, std::shared_ptr<server_state> state,
                               connection_slot slot, engine_mode mode, std::string remote_address,
                               handshake_info hs)
    : engine_session(strand, asio::ip::tcp::socket(strand), engine_transport::polling, std::move(state),
                     std::move(slot), mode, std::move(remote_address), std::move(hs)) {}

engine_session::engine_session(asio::any_io_executor strand, asio::ip::tcp::socket&& socket,
                               engine_transport transport, std::shared_ptr<server_state> state,
                               connection_slot slot, engine_mode mode, std::string remote_address,
                               handshake_info hs)
    : strand_(std::move(strand)),
      socket_(std::move(socket)),
      timer_(strand_),
      transport_(transport),
      state_(std::move(state)),
      slot_(std::move(slot)),
      sid_(random_id()),
      remote_address_(std::move(remote_address)),
      mode_(mode),
      handshake_(std::move(hs)) {
  ++state_->engine_connections;
}

std::optional<std::chrono::microseconds> engine_session::round_trip() const {
  auto us = round_trip_us_.load(std::memory_order_relaxed);
  if (us < 0)
    return std::nullopt;
  return std::chrono::microseconds(us);
}

engine_session::~engine_session() {
  --state_->engine_connections;
  if (registry_id_ != 0) {
    state_->unregister_session(registry_id_);
    state_->remove_engine(sid_);
  }
}

void engine_session::run(std::string early_bytes) {
  registry_id_ = state_->register_session(weak_from_this());
  state_->add_engine(sid_, weak_from_this());
  beast::error_code ec;
  // Reads happen only once the socket is readable, and never block.
  socket_.non_blocking(true, ec);
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  open_ = true;
  const auto& opts = state_->options().engine;
  nlohmann::json handshake = {
      {"sid", sid_},
      {"upgrades", nlohmann::json::array()},
      {"pingInterval", opts.ping_interval.count()},
      {"pingTimeout", opts.ping_timeout.count()},
      {"maxPayload", opts.max_payload},
  };
  send(std::string(1, static_cast<char>(eio_type::open)) + handshake.dump());
  start_timers();
  if (state_->stopping()) {
    do_close("server shutting down");
  }
  input_ = std::move(early_bytes);
  if (!input_.empty())
    process_input();
  if (!finished_)
    do_wait();
}

void engine_session::start_timers() {
  const auto& opts = state_->options().engine;
  auto now = clock::now();
  next_ping_ = now + opts.ping_interval;
  if (mode_ == engine_mode::socketio)
    connect_deadline_ = now + opts.connect_timeout;
  arm_timer();
}

// ---------------------------------------------------------------------------
// Reading: wait for readability, take what is there, parse whole frames.

void engine_session::do_wait() {
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     asio::bind_executor(strand_, beast::bind_front_handler(&engine_session::on_readable,
                                                                            shared_from_this())));
}

void engine_session::on_readable(beast::error_code ec) {
  if (finished_)
    return;
  if (ec) {
    finish(closing_ ? close_reason_ : "transport close");
    return;
  }
  auto available = socket_.available(ec);
  std::size_t want = std::clamp<std::size_t>(ec ? 1 : available, 1, max_read_chunk);
  auto old_size = input_.size();
  input_.resize(old_size + want);
  auto got = socket_.read_some(asio::buffer(&input_[old_size], want), ec);
  input_.resize(old_size + got);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec = {};
  } else if (ec) {
    finish(closing_ ? close_reason_ : "transport close");
    return;
  }
  process_input();
  if (!finished_)
    do_wait();
}

void engine_session::process_input() {
  if (finish_after_write_) {
    // Our close frame is on its way and the socket is cut right after it:
    // nothing the peer sends now matters.
    std::string().swap(input_);
    return;
  }
  std::size_t consumed = 0;
  // Once our close frame is queued (the peer's close, or a protocol error,
  // which also empties input_) nothing further is parsed: `consumed` would
  // point past the emptied buffer.
  while (!finished_ && !finish_after_write_) {
    std::string_view rest(input_.data() + consumed, input_.size() - consumed);
    auto parsed = parse_ws_header(rest);
    if (parsed.status == ws_header_result::need_more)
      break;
    if (parsed.status == ws_header_result::error) {
      fail_websocket(ws_close_code::protocol_error, "eio:websocket:protocol", parsed.error_reason);
      return;
    }
    const auto& header = parsed.header;
    auto max_payload = state_->options().engine.max_payload;
    bool data_frame = !(static_cast<std::uint8_t>(header.opcode) & 0x8);
    if (data_frame && header.length + (in_message_ ? message_.size() : 0) > max_payload) {
      fail_websocket(ws_close_code::too_big, "eio:payload:too_large", "frame larger than maxPayload");
      return;
    }
    if (rest.size() - header.header_size < header.length)
      break; // the rest of this frame has not arrived yet
    char* payload = input_.data() + consumed + header.header_size;
    auto length = static_cast<std::size_t>(header.length);
    apply_ws_mask(payload, length, header.mask);
    consumed += header.header_size + length;
    if (!on_ws_frame(header, std::string_view(payload, length)))
      return;
  }
  if (finished_)
    return;
  input_.erase(0, consumed);
  // Give the memory back: an idle connection holds no buffer.
  if (input_.empty())
    std::string().swap(input_);
  if (!in_message_ && !message_.empty())
    std::string().swap(message_);
}

// False when the connection ended and parsing must stop.
bool engine_session::on_ws_frame(const ws_frame_header& header, std::string_view payload) {
  switch (header.opcode) {
    case ws_opcode::text:
    case ws_opcode::binary:
      if (in_message_) {
        fail_websocket(ws_close_code::protocol_error, "eio:websocket:protocol", "new message inside a fragmented one");
        return false;
      }
      if (header.fin) {
        on_message(header.opcode, payload);
      } else {
        in_message_ = true;
        message_opcode_ = header.opcode;
        message_.assign(payload.data(), payload.size());
      }
      break;
    case ws_opcode::continuation:
      if (!in_message_) {
        fail_websocket(ws_close_code::protocol_error, "eio:websocket:protocol", "continuation without a message");
        return false;
      }
      message_.append(payload.data(), payload.size());
      if (header.fin) {
        in_message_ = false;
        std::string whole;
        whole.swap(message_);
        on_message(message_opcode_, whole);
      }
      break;
    case ws_opcode::ping:
      if (!finish_after_write_)
        send_raw(encode_ws_frame(ws_opcode::pong, payload));
      break;
    case ws_opcode::pong:
      break;
    case ws_opcode::close:
      if (close_sent_) {
        finish(close_reason_); // the peer answered our close
      } else {
        // The peer closes: answer, then cut once the answer is written.
        if (!closing_) {
          closing_ = true;
          close_reason_ = "transport close";
          end_namespaces(close_reason_);
        }
        close_sent_ = true;
        finish_after_write_ = true;
        close_deadline_ = clock::now() + close_grace;
        if (timer_waiting_)
          timer_.cancel();
        send_raw(encode_ws_close(ws_close_code::normal));
      }
      return !finished_;
  }
  return !finished_;
}

void engine_session::on_message(ws_opcode opcode, std::string_view data) {
  if (closing_)
    return;
  if (opcode == ws_opcode::binary) {
    on_binary(std::string(data)); // an Engine.IO binary message
    return;
  }
  if (!valid_utf8(data)) {
    fail_websocket(ws_close_code::invalid_payload, "eio:websocket:protocol", "text frame is not UTF-8");
    return;
  }
  on_frame(data);
}

// A WebSocket-level violation: say why in a close frame, then cut.
void engine_session::fail_websocket(ws_close_code code, const char* event, const char* reason) {
  log_event(event, reason);
  if (!closing_) {
    closing_ = true;
    close_reason_ = code == ws_close_code::too_big ? "payload too large" : "transport error";
    end_namespaces(close_reason_);
  }
  if (!close_sent_) {
    close_sent_ = true;
    finish_after_write_ = true;
    close_deadline_ = clock::now() + close_grace;
    if (timer_waiting_)
      timer_.cancel();
    send_raw(encode_ws_close(code));
  } else {
    do_hard_close(close_reason_);
  }
  // Stop parsing whatever else the peer sent.
  std::string().swap(input_);
  in_message_ = false;
}

void engine_session::on_frame(std::string_view frame) {
  auto packet = parse_eio(frame);
  if (!packet) {
    log_event("eio:malformed", "unknown Engine.IO packet type");
    do_close("invalid packet");
    return;
  }
  switch (packet->type) {
    case eio_type::ping:
      // v4 clients do not ping outside an upgrade probe; answering is harmless.
      if (packet->data.size() > max_ping_data) {
        log_event("eio:ping:too_large", "ping data longer than " + std::to_string(max_ping_data) + " bytes");
        do_close("invalid packet");
        return;
      }
      send(std::string(1, static_cast<char>(eio_type::pong)) + packet->data);
      break;
    case eio_type::pong: {
      auto now = clock::now();
      if (ping_sent_ != clock::time_point::max()) {
        auto rtt = std::chrono::duration_cast<std::chrono::microseconds>(now - ping_sent_);
        round_trip_us_.store(rtt.count(), std::memory_order_relaxed);
        ping_sent_ = clock::time_point::max();
      }
      pong_deadline_ = clock::time_point::max();
      next_ping_ = now + state_->options().engine.ping_interval;
      break;
    }
    case eio_type::message:
      if (mode_ == engine_mode::socketio) {
        on_socketio_packet(packet->data);
      } else if (auto handler = state_->engine_messages()) {
        (*handler)(shared_from_this(), std::move(packet->data), false);
      }
      break;
    case eio_type::close:
      do_close("transport close");
      break;
    case eio_type::upgrade:
    case eio_type::noop:
      break;
    case eio_type::open:
      log_event("eio:malformed", "open packet from a client");
      do_close("invalid packet");
      break;
  }
}

// ---------------------------------------------------------------------------
// Writing: one bounded queue of packets; the transport takes them (one
// WebSocket frame in flight, or all of them as the answer to a held poll).

void engine_session::send(std::string eio_frame) {
  if (!open_ || closing_)
    return;
  enqueue(std::move(eio_frame), item_kind::text);
}

void engine_session::send_binary_frame(std::string bytes) {
  if (!open_ || closing_)
    return;
  enqueue(std::move(bytes), item_kind::binary);
}

void engine_session::send_raw(std::string ws_frame) {
  enqueue(std::move(ws_frame), item_kind::ws_raw);
}

void engine_session::enqueue(std::string bytes, item_kind kind) {
  if (finished_)
    return;
  const auto& opts = state_->options().engine;
  if (queue_.size() - queue_head_ >= opts.max_queued_frames) {
    log_event("eio:write:overflow", "peer does not read; write queue full");
    do_hard_close("write queue overflow");
    return;
  }
  // Bounded in bytes too: 1,024 frames of maxPayload each would be a gigabyte.
  if (queued_bytes_ > 0 && queued_bytes_ + bytes.size() > opts.max_queued_bytes) {
    log_event("eio:write:overflow", "peer does not read; write queue over " +
                                        std::to_string(opts.max_queued_bytes) + " bytes");
    do_hard_close("write queue overflow");
    return;
  }
  queued_bytes_ += bytes.size();
  queue_.push_back(out_item{std::move(bytes), kind});
  flush();
}

void engine_session::flush() {
  if (finished_ || queue_head_ == queue_.size())
    return;
  if (transport_ == engine_transport::websocket) {
    if (!writing_)
      do_write();
  } else if (held_poll_) {
    answer_poll();
  }
}

void engine_session::do_write() {
  writing_ = true;
  // Moved out of the queue so the buffer stays put while the queue grows.
  auto item = std::move(queue_[queue_head_++]);
  if (queue_head_ == queue_.size()) {
    queue_.clear();
    queue_head_ = 0;
  }
  writing_size_ = item.bytes.size();
  switch (item.kind) {
    case item_kind::text:
      writing_frame_ = encode_ws_frame(ws_opcode::text, item.bytes);
      break;
    case item_kind::binary:
      writing_frame_ = encode_ws_frame(ws_opcode::binary, item.bytes);
      break;
    case item_kind::ws_raw:
      writing_frame_ = std::move(item.bytes);
      break;
  }
  asio::async_write(socket_, asio::buffer(writing_frame_),
                    asio::bind_executor(strand_, beast::bind_front_handler(&engine_session::on_write,
                                                                           shared_from_this())));
}

void engine_session::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  queued_bytes_ -= writing_size_;
  writing_size_ = 0;
  std::string().swap(writing_frame_);
  if (finished_)
    return;
  if (ec) {
    do_hard_close(closing_ ? close_reason_ : "transport error");
    return;
  }
  if (queue_head_ < queue_.size()) {
    do_write();
    return;
  }
  std::vector<out_item>().swap(queue_);
  if (finish_after_write_) {
    finish(close_reason_);
    return;
  }
  if (closing_ && !close_sent_) {
    close_sent_ = true;
    send_raw(encode_ws_close(ws_close_code::normal));
  }
}

// ---------------------------------------------------------------------------
// The one timer: ping every pingInterval, pong within pingTimeout, a namespace
// within connectTimeout, a finished close within close_grace.

void engine_session::arm_timer() {
  if (finished_ || timer_waiting_)
    return;
  auto next = std::min({next_ping_, pong_deadline_, connect_deadline_, close_deadline_, upgrade_deadline_});
  if (closing_)
    next = close_deadline_;
  if (next == clock::time_point::max())
    return;
  timer_waiting_ = true;
  timer_.expires_at(next);
  timer_.async_wait(asio::bind_executor(strand_, beast::bind_front_handler(&engine_session::on_timer,
                                                                           shared_from_this())));
}

void engine_session::on_timer(beast::error_code) {
  timer_waiting_ = false;
  if (finished_)
    return;
  auto now = clock::now();
  if (closing_) {
    if (close_deadline_ <= now)
      do_hard_close(close_reason_);
    else
      arm_timer();
    return;
  }
  if (upgrade_deadline_ <= now)
    drop_probe("eio:upgrade:timeout", "the upgrade did not finish in time; the session stays on polling");
  if (pong_deadline_ <= now) {
    do_close("ping timeout");
  } else if (connect_deadline_ <= now) {
    do_close("connect timeout");
  } else if (next_ping_ <= now) {
    next_ping_ = clock::time_point::max();
    pong_deadline_ = now + state_->options().engine.ping_timeout;
    ping_sent_ = now;
    send(std::string(1, static_cast<char>(eio_type::ping)));
  }
  arm_timer();
}

// ---------------------------------------------------------------------------
// Closing. The first reason wins; accepted namespaces hear it exactly once.

void engine_session::do_close(std::string reason) {
  if (closing_ || finished_)
    return;
  closing_ = true;
  close_reason_ = std::move(reason);
  end_namespaces(close_reason_);
  close_deadline_ = clock::now() + close_grace;
  if (timer_waiting_)
    timer_.cancel(); // on_timer re-arms for the close deadline
  else
    arm_timer();
  if (transport_ == engine_transport::polling) {
    // The close packet goes behind what is queued, to the held GET or the
    // next one; without one within close_grace, the session just ends.
    drop_probe("eio:upgrade:abandoned", "the session closed during the upgrade");
    if (!held_poll_ && state_->stopping()) {
      // No one to tell now, and a stopping server does not wait: the
      // client's next request finds no session and it reconnects.
      finish(close_reason_);
      return;
    }
    enqueue(std::string(1, static_cast<char>(eio_type::close)), item_kind::text);
    return;
  }
  // Frames already queued go first (a CONNECT_ERROR, say); on_write sends
  // the close frame once the queue is empty.
  if (!writing_ && !close_sent_) {
    close_sent_ = true;
    send_raw(encode_ws_close(ws_close_code::normal));
  }
}

void engine_session::do_hard_close(std::string reason) {
  if (finished_)
    return;
  if (!closing_) {
    closing_ = true;
    close_reason_ = std::move(reason);
    end_namespaces(close_reason_);
  }
  finish(close_reason_);
}

void engine_session::finish(const std::string& reason) {
  if (finished_)
    return;
  if (!closing_) {
    closing_ = true;
    close_reason_ = reason;
    end_namespaces(reason);
  }
  finished_ = true;
  open_ = false;
  upgradable_ = false;
  drop_probe("eio:upgrade:abandoned", "the session closed during the upgrade");
  if (held_poll_) {
    // A held GET learns of the end rather than waiting for nothing.
    auto respond = std::move(held_poll_);
    held_poll_ = nullptr;
    respond(http::status::ok, std::string(1, static_cast<char>(eio_type::close)), polling_content_type);
  }
  beast::error_code ignored;
  if (socket_.is_open()) {
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored); // fails the pending wait and write
  }
  timer_.cancel();
  std::vector<out_item>().swap(queue_);
  queue_head_ = 0;
  queued_bytes_ = writing_size_; // released by on_write
  std::string().swap(input_);
  std::string().swap(message_);
  binary_packet_.reset();
  std::vector<std::string>().swap(attachments_received_);
  if (registry_id_ != 0) {
    state_->unregister_session(registry_id_);
    state_->remove_engine(sid_);
    registry_id_ = 0;
  }
}

void engine_session::end_namespaces(const std::string& reason) {
  // Pending namespaces stay listed: their late accept reports the close.
  std::vector<namespace_link> joined_links;
  for (auto it = namespaces_.begin(); it != namespaces_.end();) {
    if (it->accepted) {
      joined_links.push_back(std::move(*it));
      it = namespaces_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& link : joined_links)
    notify_disconnect(link.handler, link.name, reason);
}

void engine_session::notify_disconnect(const std::shared_ptr<namespace_handler>& handler,
                                       const std::string& nsp, const std::string& reason) {
  if (handler)
    handler->on_disconnect(shared_from_this(), nsp, reason);
  std::lock_guard<std::mutex> guard(attachments_mutex_);
  attachments_.erase(std::remove_if(attachments_.begin(), attachments_.end(),
                                    [&](const auto& a) { return a.first == nsp; }),
                     attachments_.end());
}

void engine_session::log_event(const char* event, std::string_view reason) {
  state_->log({{"event", event}, {"reason", reason}, {"remote", remote_address_}, {"sid", sid_}});
}

void engine_session::shutdown() {
  asio::post(strand_, [self = shared_from_this()] { self->do_close("server shutting down"); });
}

} // namespace siberius::net
