// Engine.IO v4 and Socket.IO v5 packets as text, with no I/O: the codec that
// both the server (net/server) and the client (net/sio_client) speak.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace siberius::net {

/// Engine.IO v4 packet types (the first character of a WebSocket text frame).
enum class eio_type : char {
  open = '0',
  close = '1',
  ping = '2',
  pong = '3',
  message = '4',
  upgrade = '5',
  noop = '6',
};

struct eio_packet {
  eio_type type;
  std::string data; // everything after the type character
};

/// Parses one WebSocket text frame as an Engine.IO packet; nullopt when the
/// frame is empty or its type is unknown.
std::optional<eio_packet> parse_eio(std::string_view frame);

/// Socket.IO v5 packet types (the first character of an Engine.IO message).
enum class sio_type : int {
  connect = 0,
  disconnect = 1,
  event = 2,
  ack = 3,
  connect_error = 4,
  binary_event = 5,
  binary_ack = 6,
};

struct sio_packet {
  sio_type type = sio_type::event;
  std::string nsp = "/";
  std::optional<std::uint64_t> id; // ack id
  nlohmann::json data;              // null when absent
  std::size_t attachments = 0;      // binary packets only
};

/// Why a Socket.IO packet was refused (the connection is then closed).
struct sio_parse_error {
  std::string reason;
};

/// Parses the payload of an Engine.IO message as a Socket.IO packet, applying
/// the protocol's rules: CONNECT data must be an object (or absent), EVENT data
/// a non-empty array whose first element is a string, ACK data an array,
/// CONNECT_ERROR an object or string, DISCONNECT no data.
struct sio_parse_result {
  std::optional<sio_packet> packet;
  sio_parse_error error;
  explicit operator bool() const { return packet.has_value(); }
};
sio_parse_result parse_sio(std::string_view payload);

/// Encodes a Socket.IO packet as an Engine.IO message frame, '4' included.
std::string encode_sio(const sio_packet& p);

/// Convenience encoders (Engine.IO message frames, '4' included).
std::string encode_event(std::string_view nsp, std::string_view event,
                         const nlohmann::json& args,
                         std::optional<std::uint64_t> ack_id = std::nullopt);
std::string encode_ack(std::string_view nsp, std::uint64_t ack_id,
                       const nlohmann::json& args);

} // namespace siberius::net
