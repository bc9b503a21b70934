#include "net/websocket_frame.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace siberius::net {

namespace {

bool is_control(std::uint8_t opcode) { return opcode & 0x8; }

bool known_opcode(std::uint8_t opcode) {
  return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}

} // namespace

ws_header_result parse_ws_header(std::string_view bytes) {
  ws_header_result result;
  if (bytes.size() < 2)
    return result;
  auto b0 = static_cast<std::uint8_t>(bytes[0]);
  auto b1 = static_cast<std::uint8_t>(bytes[1]);
  auto fail = [&](const char* reason) {
    result.status = ws_header_result::error;
    result.error_reason = reason;
    return result;
  };
  if (b0 & 0x70)
    return fail("reserved bits set (no extension was negotiated)");
  std::uint8_t opcode = b0 & 0x0F;
  if (!known_opcode(opcode))
    return fail("unknown opcode");
  if (!(b1 & 0x80))
    return fail("client frames must be masked");
  result.header.fin = b0 & 0x80;
  result.header.opcode = static_cast<ws_opcode>(opcode);
  std::uint64_t length = b1 & 0x7F;
  std::size_t pos = 2;
  if (length == 126) {
    if (bytes.size() < 4)
      return result;
    length = (std::uint64_t(std::uint8_t(bytes[2])) << 8) | std::uint8_t(bytes[3]);
    if (length < 126)
      return fail("length not minimally encoded");
    pos = 4;
  } else if (length == 127) {
    if (bytes.size() < 10)
      return result;
    length = 0;
    for (int i = 0; i < 8; ++i)
      length = (length << 8) | std::uint8_t(bytes[2 + i]);
    if (length >> 63)
      return fail("length has its top bit set");
    if (length < 65536)
      return fail("length not minimally encoded");
    pos = 10;
  }
  if (is_control(opcode)) {
    if (!result.header.fin)
      return fail("fragmented control frame");
    if (length > 125)
      return fail("control frame longer than 125 bytes");
  }
  if (bytes.size() < pos + 4)
    return result;
  for (std::size_t i = 0; i < 4; ++i)
    result.header.mask[i] = static_cast<std::uint8_t>(bytes[pos + i]);
  result.header.length = length;
  result.header.header_size = pos + 4;
  result.status = ws_header_result::ok;
  return result;
}

void apply_ws_mask(char* data, std::size_t size, const std::array<std::uint8_t, 4>& mask, std::size_t offset) {
  for (std::size_t i = 0; i < size; ++i)
    data[i] = static_cast<char>(static_cast<std::uint8_t>(data[i]) ^ mask[(offset + i) & 3]);
}

std::string encode_ws_frame(ws_opcode opcode, std::string_view payload) {
  std::string frame;
  auto n = payload.size();
  frame.reserve(n + 10);
  frame += static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode));
  if (n < 126) {
    frame += static_cast<char>(n);
  } else if (n < 65536) {
    frame += static_cast<char>(126);
    frame += static_cast<char>((n >> 8) & 0xFF);
    frame += static_cast<char>(n & 0xFF);
  } else {
    frame += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8)
      frame += static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF);
  }
  frame.append(payload.data(), payload.size());
  return frame;
}

std::string encode_ws_close(ws_close_code code) {
  auto value = static_cast<std::uint16_t>(code);
  char payload[2] = {static_cast<char>(value >> 8), static_cast<char>(value & 0xFF)};
  return encode_ws_frame(ws_opcode::close, std::string_view(payload, 2));
}

bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  const auto n = text.size();
  while (i < n) {
    auto c = static_cast<std::uint8_t>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      if (i + k >= n)
        return false;
      auto cc = static_cast<std::uint8_t>(text[i + k]);
      if ((cc & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are invalid.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return false;
    i += extra + 1;
  }
  return true;
}

std::string websocket_accept_key(std::string_view client_key) {
  static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::string input(client_key);
  input += guid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  unsigned char encoded[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
  int len = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(len));
}

} // namespace siberius::net
