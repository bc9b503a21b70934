#define CAF_SUITE net_websocket_frame
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <random>

#include "net/websocket_frame.hpp"

using namespace siberius::net;

namespace {

// A client frame: masked with `mask`, as browsers and the stock clients send.
std::string client_frame(std::uint8_t first_byte, std::string payload, std::array<std::uint8_t, 4> mask = {1, 2, 3, 4}) {
  std::string frame(1, static_cast<char>(first_byte));
  auto n = payload.size();
  if (n < 126) {
    frame += static_cast<char>(0x80 | n);
  } else if (n < 65536) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(n >> 8);
    frame += static_cast<char>(n & 0xFF);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      frame += static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF);
  }
  frame.append(reinterpret_cast<const char*>(mask.data()), 4);
  apply_ws_mask(payload.data(), payload.size(), mask);
  return frame + payload;
}

} // namespace

CAF_TEST(the handshake accept key matches the RFC example) {
  CAF_CHECK_EQUAL(websocket_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

CAF_TEST(client frames of every length encoding parse and unmask) {
  for (std::size_t n : {0u, 1u, 125u, 126u, 65535u, 65536u, 200000u}) {
    CAF_MESSAGE("payload of " << n << " bytes");
    std::string payload(n, 'a');
    for (std::size_t i = 0; i < n; ++i)
      payload[i] = static_cast<char>('a' + i % 26);
    auto frame = client_frame(0x81, payload);
    auto parsed = parse_ws_header(frame);
    CAF_REQUIRE(parsed.status == ws_header_result::ok);
    CAF_CHECK(parsed.header.fin);
    CAF_CHECK(parsed.header.opcode == ws_opcode::text);
    CAF_CHECK_EQUAL(parsed.header.length, n);
    std::string body = frame.substr(parsed.header.header_size);
    apply_ws_mask(body.data(), body.size(), parsed.header.mask);
    CAF_CHECK(body == payload);
    // Every strict prefix of the header asks for more bytes.
    for (std::size_t cut = 0; cut < parsed.header.header_size; ++cut)
      CAF_CHECK(parse_ws_header(std::string_view(frame).substr(0, cut)).status == ws_header_result::need_more);
  }
}

CAF_TEST(frames that break the protocol are refused with a reason) {
  struct refusal {
    std::string frame;
    std::string reason;
  };
  std::string unmasked = "\x81\x02" "40";
  std::string long_ping = client_frame(0x89, std::string(126, 'p'));
  std::string overlong16 = client_frame(0x81, "");
  overlong16 = std::string("\x81\xFE\x00\x05", 4) + "\x01\x02\x03\x04" + "hello";
  std::string overlong64 = std::string("\x81\xFF", 2) + std::string(6, '\0') + std::string("\x01\x00", 2) + "mask";
  std::string top_bit = std::string("\x81\xFF\x80", 3) + std::string(7, '\0') + "mask";
  const refusal cases[] = {
      {unmasked, "client frames must be masked"},
      {client_frame(0xC1, "x"), "reserved bits set (no extension was negotiated)"},
      {client_frame(0x83, "x"), "unknown opcode"},
      {client_frame(0x8B, "x"), "unknown opcode"},
      {client_frame(0x09, "x"), "fragmented control frame"},
      {long_ping, "control frame longer than 125 bytes"},
      {overlong16, "length not minimally encoded"},
      {overlong64, "length not minimally encoded"},
      {top_bit, "length has its top bit set"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_ws_header(c.frame);
    CAF_CHECK(parsed.status == ws_header_result::error);
    CAF_CHECK_EQUAL(std::string(parsed.error_reason ? parsed.error_reason : ""), c.reason);
  }
}

CAF_TEST(server frames are unmasked and minimal) {
  CAF_CHECK_EQUAL(encode_ws_frame(ws_opcode::text, "2"), std::string("\x81\x01" "2", 3));
  auto mid = encode_ws_frame(ws_opcode::text, std::string(300, 'x'));
  CAF_CHECK_EQUAL(mid.substr(0, 4), std::string("\x81\x7E\x01\x2C", 4));
  auto big = encode_ws_frame(ws_opcode::binary, std::string(70000, 'x'));
  CAF_CHECK_EQUAL(big.substr(0, 10), std::string("\x82\x7F\x00\x00\x00\x00\x00\x01\x11\x70", 10));
  CAF_CHECK_EQUAL(encode_ws_close(ws_close_code::too_big), std::string("\x88\x02\x03\xF1", 4));
}

CAF_TEST(utf8 validation) {
  CAF_CHECK(valid_utf8(""));
  CAF_CHECK(valid_utf8("plain ascii"));
  CAF_CHECK(valid_utf8("orçamento – 12€ 𝄞"));
  CAF_CHECK(!valid_utf8("\xff"));
  CAF_CHECK(!valid_utf8("\xc3"));            // truncated
  CAF_CHECK(!valid_utf8("\xc0\xaf"));        // overlong '/'
  CAF_CHECK(!valid_utf8("\xed\xa0\x80"));    // surrogate
  CAF_CHECK(!valid_utf8("\xf4\x90\x80\x80")); // past U+10FFFF
  CAF_CHECK(!valid_utf8("a\x80"));
}

CAF_TEST(random bytes never crash the header parser) {
  std::mt19937 rng(99);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 16, '\0');
    for (auto& b : bytes)
      b = static_cast<char>(rng());
    auto parsed = parse_ws_header(bytes);
    if (parsed.status == ws_header_result::ok)
      CAF_CHECK(parsed.header.header_size <= bytes.size());
    if (parsed.status == ws_header_result::error)
      CAF_CHECK(parsed.error_reason != nullptr);
  }
}
