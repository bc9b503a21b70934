// The Engine.IO/Socket.IO codec on any WebSocket text frame: it never
// crashes, refuses with a reason, and whatever it accepts survives a round
// trip through the encoder unchanged.
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "net/socketio_packet.hpp"

using namespace siberius::net;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view frame(reinterpret_cast<const char*>(data), size);
  auto eio = parse_eio(frame);
  if (!eio || eio->type != eio_type::message)
    return 0;
  auto result = parse_sio(eio->data);
  if (!result) {
    FUZZ_CHECK(!result.error.reason.empty());
    return 0;
  }
  const auto& packet = *result.packet;
  auto encoded = encode_sio(packet);
  FUZZ_CHECK(!encoded.empty() && encoded[0] == '4');
  auto again = parse_sio(std::string_view(encoded).substr(1));
  FUZZ_CHECK(again);
  FUZZ_CHECK(again.packet->type == packet.type);
  FUZZ_CHECK(again.packet->nsp == packet.nsp || (packet.nsp.empty() && again.packet->nsp == "/"));
  FUZZ_CHECK(again.packet->id == packet.id);
  FUZZ_CHECK(again.packet->attachments == packet.attachments);
  FUZZ_CHECK(again.packet->data == packet.data);
  // The convenience encoders the server answers with take any arguments.
  if (packet.type == sio_type::event && packet.data.is_array() && !packet.data.empty() &&
      packet.data[0].is_string()) {
    auto args = packet.data;
    args.erase(args.begin());
    auto event = encode_event(packet.nsp, packet.data[0].get<std::string>(), args, packet.id);
    auto back = parse_sio(std::string_view(event).substr(1));
    FUZZ_CHECK(back && back.packet->data == packet.data);
  }
  if (packet.id) {
    auto ack = encode_ack(packet.nsp, *packet.id, packet.data);
    FUZZ_CHECK(parse_sio(std::string_view(ack).substr(1)));
  }
  return 0;
}
