// The body of an Engine.IO polling POST: it never crashes, a refusal has a
// reason, an accepted body re-encodes to itself; every Socket.IO binary packet
// in it takes the binary packets after it as attachments, and what that gives
// survives the sender's encoding (encode_sio_frames) and the receiver's again.
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "net/engine_codec.hpp"
#include "net/websocket_frame.hpp"

using namespace siberius::net;

namespace {

constexpr std::size_t max_packets = 64;

void check_binary_packet(const std::vector<eio_frame>& packets, std::size_t at) {
  auto parsed = parse_sio(std::string_view(packets[at].data).substr(1));
  if (!parsed) {
    FUZZ_CHECK(!parsed.error.reason.empty());
    return;
  }
  auto packet = *parsed.packet;
  if (packet.type != sio_type::binary_event && packet.type != sio_type::binary_ack)
    return;
  std::vector<std::string> attachments;
  for (auto k = at + 1; k < packets.size() && packets[k].binary && attachments.size() < packet.attachments; ++k)
    attachments.push_back(packets[k].data);
  if (auto reason = insert_attachments(packet.data, attachments)) {
    FUZZ_CHECK(!reason->empty());
    return;
  }
  auto frames = encode_sio_frames(packet);
  FUZZ_CHECK(!frames.empty() && !frames[0].binary && frames[0].data.size() > 1 && frames[0].data[0] == '4');
  auto again = parse_sio(std::string_view(frames[0].data).substr(1));
  FUZZ_CHECK(again);
  std::vector<std::string> received;
  for (std::size_t k = 1; k < frames.size(); ++k) {
    FUZZ_CHECK(frames[k].binary);
    received.push_back(frames[k].data);
  }
  if (frames.size() > 1)
    FUZZ_CHECK(again.packet->attachments == received.size());
  auto data = again.packet->data;
  FUZZ_CHECK(!insert_attachments(data, received));
  FUZZ_CHECK(data == packet.data);
  FUZZ_CHECK(again.packet->id == packet.id);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto result = decode_polling_payload(body, max_packets);
  if (!result) {
    FUZZ_CHECK(!result.error.empty() && result.packets.empty());
    return 0;
  }
  FUZZ_CHECK(!result.packets.empty() && result.packets.size() <= max_packets);
  std::string again;
  for (const auto& packet : result.packets) {
    if (!packet.binary) {
      FUZZ_CHECK(!packet.data.empty() && packet.data[0] >= '0' && packet.data[0] <= '6');
      FUZZ_CHECK(valid_utf8(packet.data));
    }
    append_polling_packet(again, packet);
  }
  FUZZ_CHECK(again == body);
  for (std::size_t i = 0; i < result.packets.size(); ++i) {
    const auto& packet = result.packets[i];
    if (!packet.binary && packet.data[0] == '4' && packet.data.size() > 1)
      check_binary_packet(result.packets, i);
  }
  return 0;
}
