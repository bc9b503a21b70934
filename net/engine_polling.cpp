// The HTTP long-polling transport of engine_session, and the upgrade from it
// to a WebSocket. The session is the same object before and after: its
// namespaces, acks and packet queue stay put, only the transport changes.
//
// Polling: the client holds one GET open; the session answers it with every
// queued packet (joined by '\x1e', binary as 'b' + base64) as soon as there
// is one, at the latest with the next ping. POSTs carry the client's packets.
//
// Upgrade (Engine.IO v4): the client opens a WebSocket with the sid and sends
// "2probe"; we answer "3probe" on it and release the held GET with a noop, so
// the client can pause polling; its "5" on the WebSocket switches the
// session. Until then every packet still goes by polling, so none is lost or
// overtaken; whatever is queued when the switch happens goes first on the
// WebSocket.
#include <algorithm>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "net/engine_session.hpp"

namespace siberius::net {

namespace beast = boost::beast;
namespace asio = boost::asio;

namespace {

// Packets one POST may carry; its size is bounded by maxPayload anyway.
constexpr std::size_t max_posted_packets = 4096;
// Frames a client may send on a WebSocket under probe: "2probe", "5", and
// WebSocket pings. Anything longer is not an upgrade.
constexpr std::size_t max_probe_frame = 128;

std::string engine_error_body(int code, const char* message) {
  return nlohmann::json({{"code", code}, {"message", message}}).dump();
}

} // namespace

struct engine_session::probe_state {
  explicit probe_state(asio::ip::tcp::socket s) : socket(std::move(s)) {}
  asio::ip::tcp::socket socket;
  std::string input;
  std::vector<std::string> queue; // WebSocket frames to write, in order
  std::string writing;
  bool write_in_flight = false;
  bool probed = false;          // "2probe" answered
  bool switch_after_write = false; // "5" arrived while a frame was being written
};

// ---------------------------------------------------------------------------
// Requests.

void engine_session::start_polling(polling_responder respond) {
  asio::post(strand_, [self = shared_from_this(), respond = std::move(respond)] {
    self->registry_id_ = self->state_->register_session(self->weak_from_this());
    self->state_->add_engine(self->sid_, self->weak_from_this());
    self->open_ = true;
    self->upgradable_ = true;
    const auto& opts = self->state_->options().engine;
    nlohmann::json handshake = {
        {"sid", self->sid_},
        {"upgrades", nlohmann::json::array({"websocket"})},
        {"pingInterval", opts.ping_interval.count()},
        {"pingTimeout", opts.ping_timeout.count()},
        {"maxPayload", opts.max_payload},
    };
    respond(http::status::ok, std::string(1, static_cast<char>(eio_type::open)) + handshake.dump(),
            polling_content_type);
    self->start_timers();
    if (self->state_->stopping())
      self->do_close("server shutting down");
  });
}

void engine_session::poll(polling_responder respond) {
  asio::post(strand_, [self = shared_from_this(), respond = std::move(respond)]() mutable {
    self->do_poll(std::move(respond));
  });
}

// A request for a session that ended in the meantime, or that has upgraded, is refused.
bool engine_session::polling_request_ok(const polling_responder& respond) {
  if (finished_) {
    respond(http::status::bad_request, engine_error_body(1, "Session ID unknown"), "application/json");
    return false;
  }
  if (transport_ != engine_transport::polling) {
    respond(http::status::bad_request, engine_error_body(3, "Bad request"), "application/json");
    return false;
  }
  return true;
}

void engine_session::do_poll(polling_responder respond) {
  if (!polling_request_ok(respond))
    return;
  if (held_poll_) {
    // The protocol allows one GET at a time: a second one is an error that
    // ends the session (the held one gets the close packet).
    log_event("eio:polling:overlap", "a second GET while one is held");
    respond(http::status::bad_request, engine_error_body(3, "Bad request"), "application/json");
    do_close("transport error");
    return;
  }
  held_poll_ = std::move(respond);
  if (queue_head_ < queue_.size()) {
    answer_poll();
  } else if (closing_) {
    // The close packet already went out (or the queue was dropped): say it again.
    enqueue(std::string(1, static_cast<char>(eio_type::close)), item_kind::text);
  } else if (probe_ && probe_->probed) {
    // Upgrading: the client is pausing polling; do not keep it waiting.
    auto answer = std::move(held_poll_);
    held_poll_ = nullptr;
    answer(http::status::ok, std::string(1, static_cast<char>(eio_type::noop)), polling_content_type);
  }
}

void engine_session::answer_poll() {
  std::string payload;
  for (; queue_head_ < queue_.size(); ++queue_head_) {
    auto& item = queue_[queue_head_];
    queued_bytes_ -= item.bytes.size();
    if (item.kind == item_kind::ws_raw)
      continue; // WebSocket control frames have no meaning here
    append_polling_packet(payload, eio_frame{std::move(item.bytes), item.kind == item_kind::binary});
  }
  std::vector<out_item>().swap(queue_);
  queue_head_ = 0;
  auto respond = std::move(held_poll_);
  held_poll_ = nullptr;
  respond(http::status::ok, std::move(payload), polling_content_type);
  // The close packet was in that answer: nothing more will be asked of us.
  if (closing_)
    finish(close_reason_);
}

void engine_session::post_data(std::string body, polling_responder respond) {
  asio::post(strand_, [self = shared_from_this(), body = std::move(body), respond = std::move(respond)] {
    self->do_post(body, respond);
  });
}

void engine_session::do_post(const std::string& body, const polling_responder& respond) {
  if (!polling_request_ok(respond))
    return;
  auto decoded = decode_polling_payload(body, max_posted_packets);
  if (!decoded) {
    log_event("eio:polling:malformed", decoded.error);
    respond(http::status::bad_request, engine_error_body(3, "Bad request"), "application/json");
    do_close("parse error");
    return;
  }
  for (auto& packet : decoded.packets) {
    if (closing_ || finished_)
      break;
    if (packet.binary) {
      on_binary(std::move(packet.data));
    } else if (packet.data.size() > state_->options().engine.max_payload) {
      log_event("eio:payload:too_large", "packet larger than maxPayload");
      do_close("payload too large");
    } else {
      on_frame(packet.data);
    }
  }
  // The reference server answers "ok" as text/html; clients only check the status.
  respond(http::status::ok, "ok", "text/html");
}

void engine_session::refuse_oversize() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->finished_ || self->transport_ != engine_transport::polling)
      return;
    self->log_event("eio:payload:too_large", "polling POST larger than maxPayload");
    self->do_close("payload too large");
  });
}

// ---------------------------------------------------------------------------
// The upgrade probe.

void engine_session::begin_upgrade(asio::ip::tcp::socket socket, std::string early_bytes) {
  asio::post(strand_, [self = shared_from_this(), socket = std::move(socket),
                       early = std::move(early_bytes)]() mutable {
    if (self->finished_ || self->closing_ || self->transport_ != engine_transport::polling || self->probe_) {
      beast::error_code ignored;
      socket.close(ignored);
      return;
    }
    self->upgradable_ = false;
    auto probe = std::make_shared<probe_state>(std::move(socket));
    beast::error_code ec;
    probe->socket.non_blocking(true, ec);
    probe->socket.set_option(asio::ip::tcp::no_delay(true), ec);
    probe->input = std::move(early);
    self->probe_ = probe;
    self->upgrade_deadline_ = clock::now() + self->state_->options().engine.upgrade_timeout;
    if (self->timer_waiting_)
      self->timer_.cancel(); // re-armed with the upgrade deadline
    else
      self->arm_timer();
    self->probe_readable(probe, {});
  });
}

void engine_session::probe_wait(const std::shared_ptr<probe_state>& probe) {
  probe->socket.async_wait(asio::ip::tcp::socket::wait_read,
                           asio::bind_executor(strand_, [self = shared_from_this(), probe](beast::error_code ec) {
                             self->probe_readable(probe, ec);
                           }));
}

// Reads what the probe socket has and handles whole frames; `ec` is the wait's.
void engine_session::probe_readable(const std::shared_ptr<probe_state>& probe, beast::error_code ec) {
  if (probe_ != probe)
    return; // dropped, or switched to
  if (ec) {
    drop_probe("eio:upgrade:closed", "the WebSocket closed before the upgrade");
    return;
  }
  char buffer[512];
  auto got = probe->socket.read_some(asio::buffer(buffer), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
    drop_probe("eio:upgrade:closed", "the WebSocket closed before the upgrade");
    return;
  }
  probe->input.append(buffer, got);
  while (probe_ == probe) {
    auto parsed = parse_ws_header(probe->input);
    if (parsed.status == ws_header_result::need_more)
      break;
    if (parsed.status == ws_header_result::error || parsed.header.length > max_probe_frame ||
        !parsed.header.fin) {
      drop_probe("eio:upgrade:invalid", parsed.error_reason ? parsed.error_reason : "not an upgrade probe");
      return;
    }
    const auto& header = parsed.header;
    if (probe->input.size() - header.header_size < header.length)
      break;
    auto length = static_cast<std::size_t>(header.length);
    std::string payload = probe->input.substr(header.header_size, length);
    apply_ws_mask(payload.data(), length, header.mask);
    probe->input.erase(0, header.header_size + length);
    if (!probe_frame(probe, header, payload))
      return; // switched, or dropped
  }
  if (probe_ == probe)
    probe_wait(probe);
}

// False when the probe is over (switched to, or dropped).
bool engine_session::probe_frame(const std::shared_ptr<probe_state>& probe, const ws_frame_header& header,
                                 std::string_view payload) {
  switch (header.opcode) {
    case ws_opcode::ping:
      probe_send(probe, encode_ws_frame(ws_opcode::pong, payload));
      return true;
    case ws_opcode::pong:
      return true;
    case ws_opcode::text: {
      static constexpr std::string_view ping_probe = "2probe";
      static constexpr std::string_view upgrade = "5";
      if (!probe->probed && payload == ping_probe) {
        probe->probed = true;
        probe_send(probe, encode_ws_frame(ws_opcode::text, "3probe"));
        // Release the held GET so that the client can pause polling.
        if (held_poll_ && queue_head_ == queue_.size()) {
          auto respond = std::move(held_poll_);
          held_poll_ = nullptr;
          respond(http::status::ok, std::string(1, static_cast<char>(eio_type::noop)), polling_content_type);
        }
        return true;
      }
      if (probe->probed && payload == upgrade) {
        if (probe->write_in_flight) {
          probe->switch_after_write = true;
          return false;
        }
        complete_upgrade();
        return false;
      }
      break;
    }
    default:
      break;
  }
  drop_probe("eio:upgrade:invalid", "unexpected frame during the upgrade");
  return false;
}

void engine_session::probe_send(const std::shared_ptr<probe_state>& probe, std::string ws_frame) {
  probe->queue.push_back(std::move(ws_frame));
  if (!probe->write_in_flight)
    probe_write(probe);
}

void engine_session::probe_write(const std::shared_ptr<probe_state>& probe) {
  probe->write_in_flight = true;
  probe->writing = std::move(probe->queue.front());
  probe->queue.erase(probe->queue.begin());
  asio::async_write(probe->socket, asio::buffer(probe->writing),
                    asio::bind_executor(strand_, [self = shared_from_this(), probe](beast::error_code ec, std::size_t) {
                      probe->write_in_flight = false;
                      if (self->probe_ != probe)
                        return;
                      if (ec) {
                        self->drop_probe("eio:upgrade:closed", "the WebSocket closed before the upgrade");
                        return;
                      }
                      if (!probe->queue.empty()) {
                        self->probe_write(probe);
                      } else if (probe->switch_after_write) {
                        self->complete_upgrade();
                      }
                    }));
}

void engine_session::drop_probe(const char* event, std::string_view reason) {
  if (!probe_)
    return;
  auto probe = std::move(probe_);
  probe_.reset();
  upgrade_deadline_ = clock::time_point::max();
  log_event(event, reason);
  beast::error_code ignored;
  probe->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  probe->socket.close(ignored);
  // Another try is allowed while the session lives on polling.
  upgradable_ = !closing_ && !finished_ && transport_ == engine_transport::polling;
}

void engine_session::complete_upgrade() {
  auto probe = std::move(probe_);
  probe_.reset();
  upgrade_deadline_ = clock::time_point::max();
  transport_ = engine_transport::websocket;
  upgradable_ = false;
  socket_ = std::move(probe->socket);
  input_ = std::move(probe->input); // whatever the client sent behind its "5"
  if (held_poll_) {
    auto respond = std::move(held_poll_);
    held_poll_ = nullptr;
    respond(http::status::ok, std::string(1, static_cast<char>(eio_type::noop)), polling_content_type);
  }
  log_event("eio:upgrade", "polling to websocket");
  flush(); // what waited for the next poll goes first on the WebSocket
  if (!input_.empty())
    process_input();
  if (!finished_)
    do_wait();
}

} // namespace siberius::net
