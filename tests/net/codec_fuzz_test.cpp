// Random and mutated frames: the codec must never crash and must either parse
// or give a reason; whatever parses must survive a round trip. Crashers found
// along the way stay in `regressions`.
#define CAF_SUITE net_codec_fuzz
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <random>

#include "net/socketio_packet.hpp"

using namespace siberius::net;

namespace {

const char* seeds[] = {
    "0",
    "0/daemon,{\"token\":\"abc\",\"clientId\":\"c1\",\"version\":\"1.0\"}",
    "1/daemon,",
    "2/daemon,13[\"daemon:heartbeat\",{\"uptime\":12,\"memory\":{\"rss\":1}}]",
    "3/daemon,13[{\"ok\":true}]",
    "4{\"message\":\"unauthorized\",\"data\":{\"code\":401}}",
    "51-[\"up\",{\"_placeholder\":true,\"num\":0}]",
    "2[\"message\",\"a\\\"b\",[1,2,{\"x\":null}],-1.5e10]",
};

const char alphabet[] = "0123456789/,[]{}\":-\\ae.tn";

// Refused frames only ever get the reasons the codec documents.
void check_one(std::string_view frame) {
  auto result = parse_sio(frame);
  if (!result) {
    CAF_CHECK(!result.error.reason.empty());
    return;
  }
  auto encoded = encode_sio(*result.packet);
  auto again = parse_sio(std::string_view(encoded).substr(1));
  if (!again) {
    CAF_FAIL("re-encoded packet refused: " << encoded << " (" << again.error.reason << ")");
  }
  CAF_CHECK(again.packet->type == result.packet->type);
  CAF_CHECK_EQUAL(again.packet->data, result.packet->data);
  CAF_CHECK(again.packet->id == result.packet->id);
}

} // namespace

CAF_TEST(regressions stay fixed) {
  // Namespace with digits after it and no comma, an id without payload,
  // deep nesting inside a valid event, a lone '/' namespace.
  const char* regressions[] = {
      "2/daemon13[\"x\"]", "2/", "0/,", "3/,5[]", "2[\"x\"," "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
      "51-", "5-1-[\"x\"]", "2\"\\u0000\"", "2[\"\\ud800\"]",
  };
  for (auto frame : regressions)
    check_one(frame);
}

CAF_TEST(random frames never crash) {
  std::mt19937 rng(20260401);
  std::uniform_int_distribution<int> length(0, 40);
  std::uniform_int_distribution<int> pick(0, sizeof(alphabet) - 2);
  for (int i = 0; i < 20000; ++i) {
    std::string frame;
    int n = length(rng);
    for (int k = 0; k < n; ++k)
      frame += alphabet[pick(rng)];
    check_one(frame);
  }
}

CAF_TEST(mutated valid frames never crash) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 20000; ++i) {
    std::string frame = seeds[static_cast<std::size_t>(i) % (sizeof seeds / sizeof *seeds)];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !frame.empty(); ++e) {
      auto pos = rng() % frame.size();
      switch (rng() % 4) {
        case 0: frame[pos] = static_cast<char>(byte(rng)); break;
        case 1: frame.erase(pos, 1 + rng() % 3); break;
        case 2: frame.insert(pos, 1, alphabet[rng() % (sizeof(alphabet) - 1)]); break;
        case 3: frame = frame.substr(0, pos); break;
      }
    }
    check_one(frame);
  }
}
