// The engine codec: base64, Engine.IO v4 polling payloads and Socket.IO v5
// binary attachments, on known vectors, on every refusal the header names,
// and on random and mutated inputs.
#define CAF_SUITE net_engine_codec
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <limits>
#include <random>

#include "net/engine_codec.hpp"

using namespace siberius::net;
using nlohmann::json;

// A check that says what failed (caf-test 0.17 has no CAF_CHECK_MESSAGE).
#define CHECK_SAYING(cond, msg)                                                \
  do {                                                                         \
    bool ok_ = static_cast<bool>(cond);                                        \
    CAF_CHECK(ok_);                                                            \
    if (!ok_)                                                                  \
      CAF_TEST_PRINT_ERROR(#cond << ": " << msg);                              \
  } while (false)
#define REQUIRE_SAYING(cond, msg)                                              \
  do {                                                                         \
    if (!(cond))                                                               \
      CAF_FAIL(#cond << ": " << msg);                                          \
  } while (false)

namespace {

json bin(std::string_view bytes) {
  return json::binary(json::binary_t::container_type(bytes.begin(), bytes.end()));
}

json placeholder(json num) {
  return json{{"_placeholder", true}, {"num", std::move(num)}};
}

std::string join(const std::vector<eio_frame>& frames) {
  std::string payload;
  for (const auto& f : frames)
    append_polling_packet(payload, f);
  return payload;
}

bool has_binary(const json& j) {
  if (j.is_binary())
    return true;
  if (j.is_array() || j.is_object())
    for (const auto& child : j)
      if (has_binary(child))
        return true;
  return false;
}

std::string random_bytes(std::mt19937& rng, std::size_t max_len) {
  std::string out(rng() % (max_len + 1), '\0');
  for (auto& c : out)
    c = static_cast<char>(rng() & 0xff);
  return out;
}

// Text that is valid UTF-8 (ASCII, 2-, 3- and 4-byte sequences) and never
// holds the record separator, which no text packet may carry on polling.
std::string random_utf8(std::mt19937& rng, std::size_t max_chars) {
  static const char* pieces[] = {"a", "Z", "0", "\"", "[", "{", ",", " ", "\\", "\x7f", "\x01", "\xc3\xa9",
                                 "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbf\xbf"};
  std::string out;
  auto n = rng() % (max_chars + 1);
  for (std::size_t i = 0; i < n; ++i)
    out += pieces[rng() % (sizeof pieces / sizeof *pieces)];
  return out;
}

json random_json(std::mt19937& rng, int depth, int& binaries) {
  static const char* keys[] = {"a", "file", "meta", "x", "parts", "num", "z9"};
  auto kind = rng() % (depth > 0 ? 9 : 6);
  switch (kind) {
    case 0: return nullptr;
    case 1: return rng() % 2 == 0;
    case 2: return static_cast<int>(rng() % 2000) - 1000;
    case 3: return random_utf8(rng, 6);
    case 4:
    case 5: ++binaries; return bin(random_bytes(rng, 24));
    case 6:
    case 7: {
      auto arr = json::array();
      auto n = rng() % 5;
      for (std::size_t i = 0; i < n; ++i)
        arr.push_back(random_json(rng, depth - 1, binaries));
      return arr;
    }
    default: {
      auto obj = json::object();
      auto n = rng() % 5;
      for (std::size_t i = 0; i < n; ++i) {
        auto key = keys[rng() % (sizeof keys / sizeof *keys)];
        if (!obj.contains(key))
          obj[key] = random_json(rng, depth - 1, binaries);
      }
      return obj;
    }
  }
}

// Every placeholder object in `j`, depth first.
void placeholders(json& j, std::vector<json*>& out) {
  if (j.is_object() && j.contains("_placeholder")) {
    out.push_back(&j);
    return;
  }
  if (j.is_array() || j.is_object())
    for (auto& child : j)
      placeholders(child, out);
}

// A body must either decode, and then re-encode to itself, or be refused
// with a reason and no packets.
void check_payload(std::string_view body, std::size_t max_packets) {
  auto result = decode_polling_payload(body, max_packets);
  if (!result) {
    CAF_CHECK(!result.error.empty());
    CAF_CHECK(result.packets.empty());
    return;
  }
  CAF_CHECK(!result.packets.empty());
  CAF_CHECK(result.packets.size() <= max_packets);
  CAF_CHECK_EQUAL(join(result.packets), body);
}

} // namespace

CAF_TEST(base64 matches the vectors of RFC 4648) {
  std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    CAF_CHECK_EQUAL(base64_encode(plain), encoded);
    auto decoded = base64_decode(encoded);
    CAF_REQUIRE(decoded);
    CAF_CHECK_EQUAL(*decoded, plain);
  }
  // Bytes that are not text, and the two characters past the letters and digits.
  CAF_CHECK_EQUAL(base64_encode(std::string("\x01\x02\x03\x04", 4)), "AQIDBA==");
  CAF_CHECK_EQUAL(base64_encode(std::string("\xfb\xff\xbf", 3)), "+/+/");
  CAF_CHECK_EQUAL(base64_encode(std::string("\0\0\0", 3)), "AAAA");
  CAF_CHECK(base64_decode("+/+/") == std::string("\xfb\xff\xbf", 3));
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  CAF_CHECK(base64_decode(base64_encode(all)) == all);
}

CAF_TEST(base64 decoding is strict) {
  const char* refused[] = {
      "Zg",         // unpadded
      "Zg=",        // length not a multiple of 4
      "Zm9vY",      // idem
      "Z===",       // three padding characters
      "====",       // padding only
      "=Zg=",       // padding first
      "Zg==Zg==",   // padding in the middle
      "Zm=v",       // idem
      "Zh==",       // bits after the last byte
      "Zm9=",       // idem, two bytes
      "Zm9v!A==",   // outside the alphabet
      "Zm9v\nZg==", // line break
      "Zm9v Zg=",   // space
      "Zm-_",       // URL-safe alphabet
  };
  for (auto text : refused)
    CHECK_SAYING(!base64_decode(text), "accepted " << text);
  CAF_CHECK(!base64_decode(std::string("Zm9\0", 4)));
  CAF_CHECK(!base64_decode(std::string("Zm9\xc3", 4)));
}

CAF_TEST(random bytes survive base64 and accepted text is canonical) {
  std::mt19937 rng(4648);
  for (int i = 0; i < 3000; ++i) {
    auto bytes = random_bytes(rng, 40);
    auto text = base64_encode(bytes);
    CAF_CHECK_EQUAL(text.size() % 4, 0u);
    auto back = base64_decode(text);
    CAF_REQUIRE(back);
    CAF_CHECK_EQUAL(*back, bytes);
  }
  const char alphabet[] = "AQIDBAZgm9v+/=-_ \n\x80";
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    auto n = rng() % 13;
    for (std::size_t k = 0; k < n; ++k)
      text += alphabet[rng() % (sizeof alphabet - 1)];
    if (auto decoded = base64_decode(text))
      CAF_CHECK_EQUAL(base64_encode(*decoded), text);
  }
}

CAF_TEST(polling payloads of the engine io protocol documentation) {
  // docs: "4hello\x1e4€\x1ebAQIDBA==" (text, text, binary 01 02 03 04).
  std::string body = "4hello\x1e" "4\xe2\x82\xac\x1e" "bAQIDBA==";
  auto result = decode_polling_payload(body, 16);
  CAF_REQUIRE(result);
  std::vector<eio_frame> expected{{"4hello", false}, {"4\xe2\x82\xac", false}, {"\x01\x02\x03\x04", true}};
  CAF_CHECK(result.packets == expected);
  CAF_CHECK_EQUAL(join(expected), body);

  auto single = decode_polling_payload("0{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],"
                                       "\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}",
                                       16);
  CAF_REQUIRE(single);
  CAF_CHECK_EQUAL(single.packets.size(), 1u);
  CAF_CHECK(!single.packets[0].binary);

  auto control = decode_polling_payload("2\x1e" "3probe\x1e" "6\x1e" "1\x1e" "5", 16);
  CAF_REQUIRE(control);
  CAF_CHECK_EQUAL(control.packets.size(), 5u);
  CAF_CHECK_EQUAL(control.packets[1].data, "3probe");

  // An empty binary message is a lone 'b'.
  auto empty_binary = decode_polling_payload("b\x1e" "4", 16);
  CAF_REQUIRE(empty_binary);
  CAF_CHECK(empty_binary.packets[0] == (eio_frame{"", true}));
  std::string built;
  append_polling_packet(built, eio_frame{"", true});
  CAF_CHECK_EQUAL(built, "b");
  append_polling_packet(built, eio_frame{"42[\"x\"]", false});
  CAF_CHECK_EQUAL(built, "b\x1e" "42[\"x\"]");

  // Exactly max_packets is accepted.
  CAF_CHECK(decode_polling_payload("2\x1e" "2\x1e" "2", 3));
}

CAF_TEST(every refusal of a polling payload has its reason) {
  struct refusal {
    std::string body;
    std::size_t max_packets;
    const char* why;
  };
  refusal cases[] = {
      {"", 16, "empty body"},
      {"4hello\x1e", 16, "empty last packet"},
      {"\x1e" "4hello", 16, "empty first packet"},
      {"4a\x1e\x1e" "4b", 16, "empty packet between"},
      {"\x1e", 16, "separator only"},
      {"7", 16, "type 7"},
      {"4a\x1e" "x", 16, "type x"},
      {"B" "AQIDBA==", 16, "capital B"},
      {"/4a", 16, "slash"},
      {"4\xff", 16, "invalid UTF-8"},
      {"4a\x1e" "4\xc0\xaf", 16, "overlong UTF-8"},
      {"4\xed\xa0\x80", 16, "surrogate"},
      {"4\xe2\x82", 16, "truncated sequence"},
      {"bAQIDB", 16, "base64 length"},
      {"bAQIDBA", 16, "base64 without padding"},
      {"b!!!!", 16, "base64 characters"},
      {"bZh==", 16, "base64 trailing bits"},
      {"4a\x1e" "bAQIDBA==\n", 16, "base64 with newline"},
      {"2\x1e" "2\x1e" "2", 2, "three packets, two allowed"},
      {"2", 0, "no packet allowed"},
  };
  for (const auto& c : cases) {
    auto result = decode_polling_payload(c.body, c.max_packets);
    CHECK_SAYING(!result, "accepted: " << c.why);
    CHECK_SAYING(!result.error.empty(), "no reason: " << c.why);
    CAF_CHECK(result.packets.empty());
    CAF_MESSAGE(c.why << " -> " << result.error);
  }
}

CAF_TEST(a binary event with one attachment) {
  auto parsed = parse_sio("51-[\"hello\",{\"_placeholder\":true,\"num\":0}]");
  CAF_REQUIRE(parsed);
  auto packet = *parsed.packet;
  CAF_CHECK(packet.type == sio_type::binary_event);
  CAF_CHECK_EQUAL(packet.attachments, 1u);
  CAF_CHECK(!insert_attachments(packet.data, {std::string("\x01\x02\x03", 3)}));
  CAF_CHECK_EQUAL(packet.data, (json::array({"hello", bin(std::string("\x01\x02\x03", 3))})));

  sio_packet out;
  out.type = sio_type::event;
  out.data = json::array({"hello", bin(std::string("\x01\x02\x03", 3))});
  auto frames = encode_sio_frames(out);
  std::vector<eio_frame> expected{{"451-[\"hello\",{\"_placeholder\":true,\"num\":0}]", false},
                                  {std::string("\x01\x02\x03", 3), true}};
  CAF_CHECK(frames == expected);
  // On polling: the header, then 'b' + base64.
  CAF_CHECK_EQUAL(join(frames), "451-[\"hello\",{\"_placeholder\":true,\"num\":0}]\x1e" "bAQID");
}

CAF_TEST(nested binary in objects and arrays is numbered depth first) {
  sio_packet p;
  p.type = sio_type::event;
  p.nsp = "/daemon";
  p.id = 7;
  p.data = json::array({"upload", json{{"file", bin("F")}, {"meta", json{{"parts", json::array({bin("P0"), 1, bin("P2")})}}}},
                        json::array({json::array({bin("")})})});
  auto frames = encode_sio_frames(p);
  CAF_REQUIRE_EQUAL(frames.size(), 5u);
  CAF_CHECK_EQUAL(frames[0].data,
                  "454-/daemon,7[\"upload\",{\"file\":{\"_placeholder\":true,\"num\":0},\"meta\":{\"parts\":["
                  "{\"_placeholder\":true,\"num\":1},1,{\"_placeholder\":true,\"num\":2}]}},[[{\"_placeholder\":"
                  "true,\"num\":3}]]]");
  CAF_CHECK(!frames[0].binary);
  CAF_CHECK(frames[1] == (eio_frame{"F", true}));
  CAF_CHECK(frames[2] == (eio_frame{"P0", true}));
  CAF_CHECK(frames[3] == (eio_frame{"P2", true}));
  CAF_CHECK(frames[4] == (eio_frame{"", true}));

  // The receiver puts them back.
  auto parsed = parse_sio(std::string_view(frames[0].data).substr(1));
  CAF_REQUIRE(parsed);
  CAF_CHECK_EQUAL(parsed.packet->attachments, 4u);
  CAF_CHECK_EQUAL(parsed.packet->nsp, "/daemon");
  CAF_CHECK(parsed.packet->id == std::optional<std::uint64_t>(7));
  auto data = parsed.packet->data;
  CAF_CHECK(!insert_attachments(data, {"F", "P0", "P2", ""}));
  CAF_CHECK_EQUAL(data, p.data);
}

CAF_TEST(an ack with binary becomes a binary ack) {
  sio_packet p;
  p.type = sio_type::ack;
  p.id = 13;
  p.data = json::array({json{{"ok", true}, {"pdf", bin("%PDF")}}});
  auto frames = encode_sio_frames(p);
  CAF_REQUIRE_EQUAL(frames.size(), 2u);
  CAF_CHECK_EQUAL(frames[0].data, "461-13[{\"ok\":true,\"pdf\":{\"_placeholder\":true,\"num\":0}}]");
  CAF_CHECK(frames[1] == (eio_frame{"%PDF", true}));

  auto parsed = parse_sio("61-/daemon,13[{\"_placeholder\":true,\"num\":0}]");
  CAF_REQUIRE(parsed);
  CAF_CHECK(parsed.packet->type == sio_type::binary_ack);
  auto data = parsed.packet->data;
  CAF_CHECK(!insert_attachments(data, {"x"}));
  CAF_CHECK_EQUAL(data, json::array({bin("x")}));
}

CAF_TEST(packets without binary stay one text frame) {
  sio_packet event;
  event.type = sio_type::event;
  event.nsp = "/daemon";
  event.data = json::array({"daemon:heartbeat", json{{"uptime", 12}}});
  auto frames = encode_sio_frames(event);
  CAF_REQUIRE_EQUAL(frames.size(), 1u);
  CAF_CHECK(frames[0] == (eio_frame{encode_sio(event), false}));

  sio_packet connect;
  connect.type = sio_type::connect;
  connect.data = json{{"sid", "abc"}};
  CAF_CHECK(encode_sio_frames(connect) == (std::vector<eio_frame>{{encode_sio(connect), false}}));

  sio_packet ack;
  ack.type = sio_type::ack;
  ack.id = 1;
  ack.data = json::array();
  CAF_CHECK(encode_sio_frames(ack) == (std::vector<eio_frame>{{"431[]", false}}));

  // Data without binary is left as it is, placeholders included.
  auto data = json::array({"x", placeholder(0)});
  auto copy = data;
  CAF_CHECK(extract_attachments(data).empty());
  CAF_CHECK_EQUAL(data, copy);
}

CAF_TEST(every refusal of a placeholder has its reason) {
  std::vector<std::string> two{"a", "b"};
  json bad[] = {
      placeholder(2),
      placeholder(-1),
      placeholder(18446744073709551615ull),
      placeholder(std::numeric_limits<std::int64_t>::min()),
      placeholder("0"),
      placeholder(0.5),
      placeholder(1.0),
      placeholder(nullptr),
      placeholder(true),
      placeholder(json::array({0})),
      json{{"_placeholder", true}},
  };
  for (auto& p : bad) {
    auto text = p.dump();
    auto data = json::array({"x", json{{"deep", json::array({p})}}});
    auto reason = insert_attachments(data, two);
    CHECK_SAYING(reason, "accepted " << text);
    if (reason) {
      CAF_CHECK(reason->find("illegal attachments") != std::string::npos);
      CAF_MESSAGE(text << " -> " << *reason);
    }
  }
  // With no attachments every placeholder is out of range.
  auto data = json::array({"x", placeholder(0)});
  CAF_CHECK(insert_attachments(data, {}));

  // Only "_placeholder": true marks a placeholder (as socket.io-parser's `=== true`).
  json not_placeholders = json::array({json{{"_placeholder", false}, {"num", 9}},
                                       json{{"_placeholder", "true"}, {"num", 9}},
                                       json{{"_placeholder", 1}, {"num", 9}}, json{{"num", 9}}});
  auto copy = not_placeholders;
  CAF_CHECK(!insert_attachments(not_placeholders, two));
  CAF_CHECK_EQUAL(not_placeholders, copy);
  // The same attachment may be named twice.
  auto twice = json::array({placeholder(1), json{{"k", placeholder(1u)}}});
  CAF_CHECK(!insert_attachments(twice, two));
  CAF_CHECK_EQUAL(twice, json::array({bin("b"), json{{"k", bin("b")}}}));
}

CAF_TEST(random payloads never crash and re-encode to themselves) {
  std::mt19937 rng(1729);
  const char alphabet[] = "0123456bBx4AQIDBAZgm9v+/=\x1e\x1e\x1e\xff\xc3\xa9\xe2\x82\xac{}[]\" ";
  for (int i = 0; i < 5000; ++i) {
    std::string body;
    auto n = rng() % 30;
    for (std::size_t k = 0; k < n; ++k)
      body += alphabet[rng() % (sizeof alphabet - 1)];
    check_payload(body, 1 + rng() % 8);
  }
}

CAF_TEST(mutated payloads never crash and re-encode to themselves) {
  const char* seeds[] = {
      "4hello\x1e" "4\xe2\x82\xac\x1e" "bAQIDBA==",
      "451-[\"hello\",{\"_placeholder\":true,\"num\":0}]\x1e" "bAQID",
      "2\x1e" "3probe\x1e" "6",
      "40/daemon,{\"token\":\"abc\"}\x1e" "42/daemon,[\"daemon:heartbeat\",{\"uptime\":12}]",
      "b\x1e" "bZg==\x1e" "bZm8=\x1e" "bZm9v",
  };
  std::mt19937 rng(31337);
  for (int i = 0; i < 5000; ++i) {
    std::string body = seeds[static_cast<std::size_t>(i) % (sizeof seeds / sizeof *seeds)];
    auto edits = 1 + rng() % 4;
    for (std::size_t e = 0; e < edits && !body.empty(); ++e) {
      auto pos = rng() % body.size();
      switch (rng() % 5) {
        case 0: body[pos] = static_cast<char>(rng() & 0xff); break;
        case 1: body.erase(pos, 1 + rng() % 3); break;
        case 2: body.insert(pos, 1, polling_separator); break;
        case 3: body.insert(pos, 1, "b=A4"[rng() % 4]); break;
        case 4: body = body.substr(0, pos); break;
      }
    }
    check_payload(body, 8);
  }
}

CAF_TEST(random frames round trip through a polling payload) {
  std::mt19937 rng(2718);
  for (int i = 0; i < 3000; ++i) {
    std::vector<eio_frame> frames(1 + rng() % 8);
    for (auto& f : frames) {
      f.binary = rng() % 2 == 0;
      if (f.binary)
        f.data = random_bytes(rng, 30);
      else
        f.data = std::string(1, static_cast<char>('0' + rng() % 7)) + random_utf8(rng, 10);
    }
    auto body = join(frames);
    auto result = decode_polling_payload(body, frames.size());
    REQUIRE_SAYING(result, "refused " << body << ": " << result.error);
    CAF_CHECK(result.packets == frames);
    if (frames.size() > 1)
      CAF_CHECK(!decode_polling_payload(body, frames.size() - 1));
  }
}

CAF_TEST(random json with binary leaves survives extraction and insertion) {
  std::mt19937 rng(5050);
  for (int i = 0; i < 3000; ++i) {
    int binaries = 0;
    auto original = random_json(rng, 4, binaries);
    auto data = original;
    auto attachments = extract_attachments(data);
    CAF_CHECK_EQUAL(attachments.size(), static_cast<std::size_t>(binaries));
    CAF_CHECK(!has_binary(data));
    if (binaries == 0)
      CAF_CHECK_EQUAL(data, original);
    auto back = data;
    auto reason = insert_attachments(back, attachments);
    CHECK_SAYING(!reason, reason.value_or(""));
    CAF_CHECK_EQUAL(back, original);

    // The same data as an event, through the frames a sender writes.
    sio_packet p;
    p.type = rng() % 2 == 0 ? sio_type::event : sio_type::ack;
    if (rng() % 2 == 0)
      p.nsp = "/daemon";
    if (p.type == sio_type::ack || rng() % 2 == 0)
      p.id = rng() % 100;
    p.data = json::array({"e", original});
    auto frames = encode_sio_frames(p);
    CAF_REQUIRE_EQUAL(frames.size(), 1u + static_cast<std::size_t>(binaries));
    auto parsed = parse_sio(std::string_view(frames[0].data).substr(1));
    REQUIRE_SAYING(parsed, frames[0].data << ": " << parsed.error.reason);
    CAF_CHECK_EQUAL(parsed.packet->attachments, static_cast<std::size_t>(binaries));
    bool binary_type = parsed.packet->type == sio_type::binary_event || parsed.packet->type == sio_type::binary_ack;
    CAF_CHECK_EQUAL(binary_type, binaries > 0);
    std::vector<std::string> received;
    for (std::size_t k = 1; k < frames.size(); ++k) {
      CAF_CHECK(frames[k].binary);
      received.push_back(frames[k].data);
    }
    auto received_data = parsed.packet->data;
    CAF_CHECK(!insert_attachments(received_data, received));
    CAF_CHECK_EQUAL(received_data, p.data);
  }
}

CAF_TEST(mutated placeholders are refused with a reason) {
  std::mt19937 rng(8128);
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    int binaries = 0;
    auto data = json::array({"e", random_json(rng, 3, binaries), bin("last")});
    auto attachments = extract_attachments(data);
    std::vector<json*> found;
    placeholders(data, found);
    CAF_REQUIRE_EQUAL(found.size(), attachments.size());
    auto& target = *found[rng() % found.size()];
    auto n = static_cast<std::int64_t>(attachments.size());
    switch (rng() % 8) {
      case 0: target["num"] = n + static_cast<std::int64_t>(rng() % 5); break;
      case 1: target["num"] = -1 - static_cast<std::int64_t>(rng() % 5); break;
      case 2: target["num"] = std::to_string(rng() % attachments.size()); break;
      case 3: target["num"] = 0.5 + static_cast<double>(rng() % attachments.size()); break;
      case 4: target["num"] = nullptr; break;
      case 5: target["num"] = json::array({0}); break;
      case 6: target.erase("num"); break;
      case 7: target["num"] = static_cast<std::uint64_t>(n) + (1ull << 63); break;
    }
    auto reason = insert_attachments(data, attachments);
    CHECK_SAYING(reason, "accepted " << data.dump());
    if (reason) {
      CAF_CHECK(!reason->empty());
      ++refused;
    }
  }
  CAF_CHECK_EQUAL(refused, 3000);
}
