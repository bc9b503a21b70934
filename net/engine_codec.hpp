// What the transports carry, with no I/O: Engine.IO v4 HTTP long-polling
// payloads (packets joined by a record separator, binary as base64) and the
// Socket.IO v5 binary attachments of BINARY_EVENT / BINARY_ACK packets.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/socketio_packet.hpp"

namespace siberius::net {

/// One Engine.IO packet as a transport carries it: a text packet (its type
/// character first, "4hello", "2") or a binary message (raw bytes; on
/// WebSocket a binary frame, on polling 'b' + base64).
struct eio_frame {
  std::string data;
  bool binary = false;
  friend bool operator==(const eio_frame& a, const eio_frame& b) {
    return a.binary == b.binary && a.data == b.data;
  }
};

/// Standard base64 (RFC 4648, section 4) with '=' padding.
std::string base64_encode(std::string_view bytes);
/// Standard alphabet, padded to a multiple of 4 (as every Engine.IO client
/// sends it); nullopt for anything else (bad characters, bad length or padding,
/// non-zero bits after the last byte).
std::optional<std::string> base64_decode(std::string_view text);

/// The record separator between packets of a polling payload.
constexpr char polling_separator = '\x1e';

/// Appends one packet to a polling payload under construction (the separator
/// first when `payload` is not empty); a binary message becomes 'b' + base64.
void append_polling_packet(std::string& payload, const eio_frame& packet);

struct polling_decode_result {
  std::vector<eio_frame> packets;
  std::string error; // empty when the payload was accepted
  explicit operator bool() const { return error.empty(); }
};

/// Splits the body of a polling POST into its packets. Refused (with a
/// reason, and no packets): an empty body or an empty packet; a text packet
/// whose first character is not an Engine.IO type ('0'..'6') or that is not
/// valid UTF-8; a 'b' packet whose base64 does not decode; more than
/// `max_packets` packets.
polling_decode_result decode_polling_payload(std::string_view body, std::size_t max_packets);

/// Sender side of Socket.IO binary packets: every binary value in `data`
/// (nlohmann::json::binary_t, at any depth) is replaced by
/// {"_placeholder":true,"num":i}, numbered in depth-first order (array
/// elements in order, object members in the json's own key order); their bytes
/// are returned in that order. Data without binary is left as it is.
std::vector<std::string> extract_attachments(nlohmann::json& data);

/// Receiver side: every placeholder object in `data` (an object whose
/// "_placeholder" member is true) becomes a json binary value holding
/// attachments[num]. Returns a reason when a placeholder's "num" is not an
/// integer in [0, attachments.size()); `data` is then unspecified.
std::optional<std::string> insert_attachments(nlohmann::json& data, const std::vector<std::string>& attachments);

/// Encodes a packet for sending. When `p.data` holds binary values, an EVENT
/// becomes BINARY_EVENT and an ACK becomes BINARY_ACK: the header text frame
/// (`45N-…` with placeholders) is followed by one binary frame per attachment.
/// Otherwise exactly the one text frame encode_sio(p) gives.
std::vector<eio_frame> encode_sio_frames(sio_packet p);

} // namespace siberius::net
