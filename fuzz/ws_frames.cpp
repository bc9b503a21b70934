// The WebSocket frame reader on any byte stream a client may send: header
// parsing gives the same frames however the bytes are split across reads (as
// engine_session::process_input reads them), the UTF-8 check agrees with the
// Unicode standard's table of well-formed sequences, and a frame the server
// encodes reads back the same when a client masks it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "net/websocket_frame.hpp"

using namespace siberius::net;

namespace {

struct frame {
  ws_opcode opcode;
  bool fin;
  std::string payload;
  bool operator==(const frame& o) const { return opcode == o.opcode && fin == o.fin && payload == o.payload; }
};

struct read_outcome {
  std::vector<frame> frames;
  const char* error = nullptr;
};

// Frames bigger than this end the stream (maxPayload in the server).
constexpr std::uint64_t max_payload = 1 << 20;

/// Reads `stream` in pieces of the sizes `splits` gives, cycling, keeping the
/// unparsed rest between reads the way engine_session does.
read_outcome read_frames(std::string_view stream, const std::vector<std::size_t>& splits) {
  read_outcome out;
  std::string input;
  std::size_t fed = 0, split = 0;
  while (fed < stream.size()) {
    auto n = std::min(stream.size() - fed, splits.empty() ? stream.size() : splits[split++ % splits.size()]);
    input.append(stream.data() + fed, n);
    fed += n;
    std::size_t consumed = 0;
    for (;;) {
      std::string_view rest(input.data() + consumed, input.size() - consumed);
      auto parsed = parse_ws_header(rest);
      if (parsed.status == ws_header_result::need_more)
        break;
      if (parsed.status == ws_header_result::error) {
        FUZZ_CHECK(parsed.error_reason != nullptr);
        out.error = parsed.error_reason;
        return out;
      }
      const auto& h = parsed.header;
      FUZZ_CHECK(h.header_size >= 6 && h.header_size <= 14 && h.header_size <= rest.size());
      if (h.length > max_payload) {
        out.error = "too big";
        return out;
      }
      if (rest.size() - h.header_size < h.length)
        break;
      auto length = static_cast<std::size_t>(h.length);
      std::string payload(rest.substr(h.header_size, length));
      apply_ws_mask(payload.data(), payload.size(), h.mask);
      out.frames.push_back({h.opcode, h.fin, std::move(payload)});
      consumed += h.header_size + length;
    }
    input.erase(0, consumed);
  }
  return out;
}

// The Unicode Standard, table 3-7: well-formed UTF-8 byte sequences.
bool well_formed_utf8(std::string_view s) {
  auto at = [&](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = at(i);
    std::size_t len;
    std::uint8_t lo = 0x80, hi = 0xBF;
    if (b <= 0x7F) {
      ++i;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b == 0xE0) {
      len = 3, lo = 0xA0;
    } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
      len = 3;
    } else if (b == 0xED) {
      len = 3, hi = 0x9F;
    } else if (b == 0xF0) {
      len = 4, lo = 0x90;
    } else if (b >= 0xF1 && b <= 0xF3) {
      len = 4;
    } else if (b == 0xF4) {
      len = 4, hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > s.size())
      return false;
    if (at(i + 1) < lo || at(i + 1) > hi)
      return false;
    for (std::size_t k = 2; k < len; ++k)
      if (at(i + k) < 0x80 || at(i + k) > 0xBF)
        return false;
    i += len;
  }
  return true;
}

/// A server frame as a client would send it: mask bit set, key, masked payload.
std::string as_client_frame(std::string server_frame, std::size_t header_size, const std::array<std::uint8_t, 4>& key) {
  server_frame[1] = static_cast<char>(static_cast<std::uint8_t>(server_frame[1]) | 0x80);
  std::string payload = server_frame.substr(header_size);
  apply_ws_mask(payload.data(), payload.size(), key);
  return server_frame.substr(0, header_size) + std::string(key.begin(), key.end()) + payload;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  // The first byte chooses how the rest is split into reads (1 to 16 bytes,
  // cycling); the rest is what the client sent.
  std::vector<std::size_t> splits;
  for (std::size_t i = 0; i < 4; ++i)
    splits.push_back(1 + ((data[0] >> i) & 0x0F));
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);

  auto whole = read_frames(stream, {});
  auto pieces = read_frames(stream, splits);
  FUZZ_CHECK(whole.frames == pieces.frames);
  FUZZ_CHECK((whole.error == nullptr) == (pieces.error == nullptr));

  // Unmasking twice gives the bytes back, at any offset.
  for (const auto& f : whole.frames) {
    FUZZ_CHECK(valid_utf8(f.payload) == well_formed_utf8(f.payload));
    std::string copy = f.payload;
    std::array<std::uint8_t, 4> key{data[0], 0x5A, 0xA5, static_cast<std::uint8_t>(copy.size())};
    auto half = copy.size() / 2;
    apply_ws_mask(copy.data(), half, key);
    apply_ws_mask(copy.data() + half, copy.size() - half, key, half);
    apply_ws_mask(copy.data(), copy.size(), key);
    FUZZ_CHECK(copy == f.payload);

    bool control = static_cast<std::uint8_t>(f.opcode) & 0x8;
    auto encoded = encode_ws_frame(control ? ws_opcode::text : f.opcode == ws_opcode::continuation ? ws_opcode::binary : f.opcode,
                                   f.payload);
    auto header_size = f.payload.size() < 126 ? 2 : f.payload.size() < 65536 ? 4 : 10;
    auto back = read_frames(as_client_frame(encoded, header_size, key), {});
    FUZZ_CHECK(back.error == nullptr && back.frames.size() == 1 && back.frames[0].payload == f.payload &&
               back.frames[0].fin);
  }
  // The whole stream as one text payload: the two UTF-8 checks agree.
  FUZZ_CHECK(valid_utf8(stream) == well_formed_utf8(stream));
  return 0;
}
