// The Socket.IO side of engine_session: namespace CONNECT/DISCONNECT, events
// and acks, and the thread-safe connection interface the application calls.
// The Engine.IO and WebSocket side is in engine_session.cpp.
#include "net/engine_session.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "net/engine_codec.hpp"
#include "net/socketio_packet.hpp"

namespace siberius::net {

namespace asio = boost::asio;

namespace {

std::string connect_error_frame(const std::string& nsp, nlohmann::json data) {
  sio_packet p;
  p.type = sio_type::connect_error;
  p.nsp = nsp;
  p.data = std::move(data);
  return encode_sio(p);
}

// An EVENT (args: the arguments, an array; anything else is one argument).
sio_packet event_packet(const std::string& nsp, const std::string& event, nlohmann::json args,
                        std::optional<std::uint64_t> ack_id) {
  sio_packet p;
  p.type = sio_type::event;
  p.nsp = nsp;
  p.id = ack_id;
  p.data = nlohmann::json::array();
  p.data.push_back(event);
  if (args.is_array()) {
    for (auto& arg : args)
      p.data.push_back(std::move(arg));
  } else if (!args.is_null()) {
    p.data.push_back(std::move(args));
  }
  return p;
}

sio_packet ack_packet(const std::string& nsp, std::uint64_t ack_id, nlohmann::json args) {
  sio_packet p;
  p.type = sio_type::ack;
  p.nsp = nsp;
  p.id = ack_id;
  if (args.is_array())
    p.data = std::move(args);
  else if (args.is_null())
    p.data = nlohmann::json::array();
  else
    p.data = nlohmann::json::array({std::move(args)});
  return p;
}

} // namespace

void engine_session::on_socketio_packet(std::string_view payload) {
  if (binary_packet_) {
    // The attachments of a binary packet come right behind it, nothing else.
    log_event("sio:malformed", "text packet while attachments were expected");
    do_close("parse error");
    return;
  }
  auto parsed = parse_sio(payload);
  if (!parsed) {
    log_event("sio:malformed", parsed.error.reason);
    do_close("parse error");
    return;
  }
  auto& packet = *parsed.packet;
  if (packet.type == sio_type::binary_event || packet.type == sio_type::binary_ack) {
    const auto& opts = state_->options().engine;
    auto link = find_link(packet.nsp);
    if (!link || !link->accepted) {
      log_event("sio:event:unauthenticated", "packet on namespace " + packet.nsp + " not joined");
      do_close("event on a namespace not joined");
      return;
    }
    if (packet.attachments > opts.max_attachments) {
      log_event("sio:malformed", "binary packet announces " + std::to_string(packet.attachments) +
                                     " attachments, more than " + std::to_string(opts.max_attachments));
      do_close("parse error");
      return;
    }
    if (packet.attachments > 0) {
      binary_packet_ = std::move(packet);
      attachments_received_.clear();
      attachment_bytes_ = 0;
      return;
    }
    // No attachments after all: an ordinary packet.
  }
  dispatch(std::move(packet));
}

void engine_session::on_binary(std::string bytes) {
  if (mode_ == engine_mode::bare) {
    if (auto handler = state_->engine_messages())
      (*handler)(shared_from_this(), std::move(bytes), true);
    return;
  }
  if (!binary_packet_) {
    log_event("sio:malformed", "binary message without a binary packet");
    do_close("parse error");
    return;
  }
  attachment_bytes_ += bytes.size();
  if (attachment_bytes_ > state_->options().engine.max_payload) {
    log_event("sio:malformed", "attachments of one packet larger than maxPayload");
    do_close("payload too large");
    return;
  }
  attachments_received_.push_back(std::move(bytes));
  if (attachments_received_.size() < binary_packet_->attachments)
    return;
  auto packet = std::move(*binary_packet_);
  binary_packet_.reset();
  auto attachments = std::move(attachments_received_);
  attachments_received_.clear();
  attachment_bytes_ = 0;
  if (auto error = insert_attachments(packet.data, attachments)) {
    log_event("sio:malformed", *error);
    do_close("parse error");
    return;
  }
  dispatch(std::move(packet));
}

void engine_session::dispatch(sio_packet packet) {
  switch (packet.type) {
    case sio_type::connect: {
      auto handler = state_->find_namespace(packet.nsp);
      if (!handler) {
        send(connect_error_frame(packet.nsp, {{"message", "Invalid namespace"}}));
        return;
      }
      // A repeated CONNECT for a namespace already pending or joined changes
      // nothing: the first answer stands.
      if (find_link(packet.nsp))
        return;
      namespaces_.push_back(namespace_link{packet.nsp, {}, handler, false});
      handler->on_connect(shared_from_this(), packet.nsp, std::move(packet.data));
      return;
    }
    case sio_type::disconnect: {
      auto it = std::find_if(namespaces_.begin(), namespaces_.end(),
                             [&](const namespace_link& l) { return l.name == packet.nsp; });
      if (it == namespaces_.end())
        return;
      auto link = std::move(*it);
      namespaces_.erase(it);
      // A pending one is reported when its accept arrives (do_accept).
      if (link.accepted)
        notify_disconnect(link.handler, link.name, "client namespace disconnect");
      return;
    }
    case sio_type::event:
    case sio_type::ack:
    case sio_type::binary_event:
    case sio_type::binary_ack: {
      // Events before (or without) an accepted CONNECT are refused by closing
      // the connection: a client skipping authentication is not one to keep.
      auto link = find_link(packet.nsp);
      if (!link || !link->accepted) {
        log_event("sio:event:unauthenticated", "packet on namespace " + packet.nsp + " not joined");
        do_close("event on a namespace not joined");
        return;
      }
      auto handler = link->handler;
      if (packet.type == sio_type::ack || packet.type == sio_type::binary_ack) {
        // An answer to emit_with_ack; one without an id is meaningless.
        if (packet.id)
          handler->on_ack(shared_from_this(), packet.nsp, *packet.id, std::move(packet.data));
        return;
      }
      auto event = packet.data.front().get<std::string>();
      packet.data.erase(packet.data.begin());
      handler->on_event(shared_from_this(), packet.nsp, std::move(event), std::move(packet.data),
                        packet.id);
      return;
    }
    case sio_type::connect_error:
      log_event("sio:malformed", "CONNECT_ERROR sent by a client");
      do_close("parse error");
      return;
  }
}

void engine_session::send_sio(sio_packet packet) {
  for (auto& frame : encode_sio_frames(std::move(packet))) {
    if (frame.binary)
      send_binary_frame(std::move(frame.data));
    else
      send(std::move(frame.data));
  }
}

// ---------------------------------------------------------------------------
// The connection interface: post to the strand, act there.

engine_session::namespace_link* engine_session::find_link(const std::string& nsp) {
  for (auto& link : namespaces_)
    if (link.name == nsp)
      return &link;
  return nullptr;
}

bool engine_session::joined(const std::string& nsp) {
  auto link = find_link(nsp);
  return link && link->accepted && open_ && !closing_;
}

void engine_session::accept(const std::string& nsp, nlohmann::json extra) {
  asio::post(strand_, [self = shared_from_this(), nsp, extra = std::move(extra)] {
    self->do_accept(nsp, extra);
  });
}

void engine_session::do_accept(const std::string& nsp, const nlohmann::json& extra) {
  auto it = std::find_if(namespaces_.begin(), namespaces_.end(),
                         [&](const namespace_link& l) { return l.name == nsp; });
  if (it != namespaces_.end() && it->accepted)
    return; // answered twice; the first answer stands
  if (closing_ || finished_ || it == namespaces_.end()) {
    // Too late: the connection closed, or the client left before the answer.
    // The application counts on one on_disconnect per accept.
    std::shared_ptr<namespace_handler> handler;
    if (it != namespaces_.end()) {
      handler = it->handler;
      namespaces_.erase(it);
    } else {
      handler = state_->find_namespace(nsp);
    }
    notify_disconnect(handler, nsp, closing_ || finished_ ? close_reason_ : "client namespace disconnect");
    return;
  }
  it->accepted = true;
  it->socket_id = random_id();
  nlohmann::json payload = {{"sid", it->socket_id}};
  if (extra.is_object())
    for (auto& [key, value] : extra.items())
      if (key != "sid")
        payload[key] = value;
  sio_packet p;
  p.type = sio_type::connect;
  p.nsp = nsp;
  p.data = std::move(payload);
  connect_deadline_ = clock::time_point::max();
  send(encode_sio(p));
}

void engine_session::reject(const std::string& nsp, std::string message, int code) {
  asio::post(strand_, [self = shared_from_this(), nsp, message = std::move(message), code] {
    self->do_reject(nsp, message, code);
  });
}

void engine_session::do_reject(const std::string& nsp, const std::string& message, int code) {
  auto it = std::find_if(namespaces_.begin(), namespaces_.end(),
                         [&](const namespace_link& l) { return l.name == nsp; });
  if (it == namespaces_.end() || it->accepted)
    return;
  namespaces_.erase(it);
  send(connect_error_frame(nsp, {{"message", message}, {"data", {{"code", code}}}}));
}

void engine_session::emit(const std::string& nsp, const std::string& event, nlohmann::json args) {
  asio::post(strand_, [self = shared_from_this(), nsp, event, args = std::move(args)]() mutable {
    if (self->joined(nsp))
      self->send_sio(event_packet(nsp, event, std::move(args), std::nullopt));
  });
}

void engine_session::emit_with_ack(const std::string& nsp, const std::string& event, nlohmann::json args,
                                   std::uint64_t ack_id) {
  asio::post(strand_, [self = shared_from_this(), nsp, event, args = std::move(args), ack_id]() mutable {
    if (self->joined(nsp))
      self->send_sio(event_packet(nsp, event, std::move(args), ack_id));
  });
}

void engine_session::ack(const std::string& nsp, std::uint64_t ack_id, nlohmann::json args) {
  asio::post(strand_, [self = shared_from_this(), nsp, ack_id, args = std::move(args)]() mutable {
    if (self->joined(nsp))
      self->send_sio(ack_packet(nsp, ack_id, std::move(args)));
  });
}

void engine_session::disconnect(const std::string& nsp, std::string reason) {
  asio::post(strand_, [self = shared_from_this(), nsp, reason = std::move(reason)] {
    self->do_disconnect(nsp, reason);
  });
}

void engine_session::do_disconnect(const std::string& nsp, const std::string& reason) {
  auto it = std::find_if(namespaces_.begin(), namespaces_.end(),
                         [&](const namespace_link& l) { return l.name == nsp; });
  if (it == namespaces_.end() || !it->accepted)
    return;
  auto link = std::move(*it);
  namespaces_.erase(it);
  sio_packet p;
  p.type = sio_type::disconnect;
  p.nsp = nsp;
  send(encode_sio(p));
  notify_disconnect(link.handler, nsp, reason);
}

void engine_session::close(std::string reason) {
  asio::post(strand_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
    self->do_close(std::move(reason));
  });
}

void engine_session::send_message(std::string text) {
  asio::post(strand_, [self = shared_from_this(), text = std::move(text)] {
    if (self->mode_ == engine_mode::bare)
      self->send(std::string(1, static_cast<char>(eio_type::message)) + text);
  });
}

void engine_session::send_binary(std::string bytes) {
  asio::post(strand_, [self = shared_from_this(), bytes = std::move(bytes)]() mutable {
    if (self->mode_ == engine_mode::bare)
      self->send_binary_frame(std::move(bytes));
  });
}

void engine_session::attach(const std::string& nsp, std::shared_ptr<void> data) {
  std::lock_guard<std::mutex> guard(attachments_mutex_);
  for (auto& entry : attachments_) {
    if (entry.first == nsp) {
      entry.second = std::move(data);
      return;
    }
  }
  attachments_.emplace_back(nsp, std::move(data));
}

std::shared_ptr<void> engine_session::attachment(const std::string& nsp) const {
  std::lock_guard<std::mutex> guard(attachments_mutex_);
  for (const auto& entry : attachments_)
    if (entry.first == nsp)
      return entry.second;
  return nullptr;
}

} // namespace siberius::net
