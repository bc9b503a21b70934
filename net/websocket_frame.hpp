// RFC 6455 framing for the server side, as pure code: parse a client frame
// header, unmask, encode server frames, check UTF-8, compute the handshake
// accept key. engine_session speaks WebSocket with these instead of Beast's
// websocket::stream so an idle connection keeps no read buffer and no pending
// composed operation (Beast's stream holds a 1.5 KB buffer per connection).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace siberius::net {

enum class ws_opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// RFC 6455 close codes the server sends.
enum class ws_close_code : std::uint16_t {
  normal = 1000,
  protocol_error = 1002,
  invalid_payload = 1007,
  too_big = 1009,
};

struct ws_frame_header {
  bool fin = false;
  ws_opcode opcode = ws_opcode::continuation;
  std::uint64_t length = 0;
  std::array<std::uint8_t, 4> mask{};
  std::size_t header_size = 0; // bytes before the payload
};

struct ws_header_result {
  enum status_type { need_more, ok, error } status = need_more;
  ws_frame_header header;
  const char* error_reason = nullptr;
};

/// Parses the header of a frame sent by a client (which must be masked).
/// need_more when `bytes` does not yet hold the whole header.
ws_header_result parse_ws_header(std::string_view bytes);

/// Unmasks (or masks) `data` in place; `offset` is the payload position of
/// data[0] for a payload handled in pieces.
void apply_ws_mask(char* data, std::size_t size, const std::array<std::uint8_t, 4>& mask, std::size_t offset = 0);

/// A complete unmasked server frame (FIN set).
std::string encode_ws_frame(ws_opcode opcode, std::string_view payload);
/// A close frame with a status code.
std::string encode_ws_close(ws_close_code code);

bool valid_utf8(std::string_view text);

/// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string websocket_accept_key(std::string_view client_key);

} // namespace siberius::net
