#define CAF_SUITE net_codec
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "net/socketio_packet.hpp"

using namespace siberius::net;
using nlohmann::json;

namespace {

struct decoded_case {
  const char* frame;
  sio_type type;
  const char* nsp;
  std::optional<std::uint64_t> id;
  const char* data; // JSON text, "null" when absent
};

struct refused_case {
  const char* frame;
  const char* reason;
};

} // namespace

CAF_TEST(engine io packets parse by their first character) {
  auto open = parse_eio("0{\"sid\":\"x\"}");
  CAF_REQUIRE(open);
  CAF_CHECK(open->type == eio_type::open);
  CAF_CHECK_EQUAL(open->data, "{\"sid\":\"x\"}");
  CAF_CHECK(parse_eio("2")->type == eio_type::ping);
  CAF_CHECK(parse_eio("3probe")->data == "probe");
  CAF_CHECK(parse_eio("6")->type == eio_type::noop);
  CAF_CHECK(parse_eio("42[\"a\"]")->data == "2[\"a\"]");
  CAF_CHECK(!parse_eio(""));
  CAF_CHECK(!parse_eio("7"));
  CAF_CHECK(!parse_eio("x"));
  CAF_CHECK(!parse_eio("/"));
}

CAF_TEST(socket io packets decode as the protocol examples show) {
  const decoded_case cases[] = {
      {"0", sio_type::connect, "/", std::nullopt, "null"},
      {"0{\"token\":\"abc\"}", sio_type::connect, "/", std::nullopt, "{\"token\":\"abc\"}"},
      {"0/daemon,{\"token\":\"t\"}", sio_type::connect, "/daemon", std::nullopt, "{\"token\":\"t\"}"},
      {"0/daemon,", sio_type::connect, "/daemon", std::nullopt, "null"},
      {"0/daemon", sio_type::connect, "/daemon", std::nullopt, "null"},
      {"1", sio_type::disconnect, "/", std::nullopt, "null"},
      {"1/daemon,", sio_type::disconnect, "/daemon", std::nullopt, "null"},
      {"2[\"hello\",1]", sio_type::event, "/", std::nullopt, "[\"hello\",1]"},
      {"2/daemon,13[\"daemon:heartbeat\",{}]", sio_type::event, "/daemon", 13, "[\"daemon:heartbeat\",{}]"},
      {"213[\"x\"]", sio_type::event, "/", 13, "[\"x\"]"},
      {"3/daemon,13[{\"ok\":true}]", sio_type::ack, "/daemon", 13, "[{\"ok\":true}]"},
      {"30[]", sio_type::ack, "/", 0, "[]"},
      {"4{\"message\":\"no\"}", sio_type::connect_error, "/", std::nullopt, "{\"message\":\"no\"}"},
      {"4\"plain\"", sio_type::connect_error, "/", std::nullopt, "\"plain\""},
      {"2[\"ünïcødé\",\"€\"]", sio_type::event, "/", std::nullopt, "[\"ünïcødé\",\"€\"]"},
      {"218446744073709551615[\"max id\"]", sio_type::event, "/", 18446744073709551615ull, "[\"max id\"]"},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE("decoding " << c.frame);
    auto result = parse_sio(c.frame);
    CAF_REQUIRE(result);
    CAF_CHECK(result.packet->type == c.type);
    CAF_CHECK_EQUAL(result.packet->nsp, c.nsp);
    CAF_CHECK(result.packet->id == c.id);
    CAF_CHECK_EQUAL(result.packet->data, json::parse(c.data));
  }
}

CAF_TEST(binary packets carry their attachment count) {
  auto result = parse_sio("52-/daemon,7[\"upload\",{\"_placeholder\":true,\"num\":0}]");
  CAF_REQUIRE(result);
  CAF_CHECK(result.packet->type == sio_type::binary_event);
  CAF_CHECK_EQUAL(result.packet->attachments, 2u);
  CAF_CHECK_EQUAL(result.packet->nsp, "/daemon");
  CAF_CHECK(result.packet->id == std::optional<std::uint64_t>(7));
}

CAF_TEST(every refused packet names its reason) {
  const refused_case cases[] = {
      {"", "empty packet"},
      {"7", "unknown packet type"},
      {"a[\"x\"]", "unknown packet type"},
      {"-1", "unknown packet type"},
      {"0[1]", "CONNECT payload must be an object"},
      {"0\"token\"", "CONNECT payload must be an object"},
      {"0/daemon,null", "CONNECT payload must be an object"},
      {"1{}", "DISCONNECT must not carry a payload"},
      {"1/daemon,[]", "DISCONNECT must not carry a payload"},
      {"2", "EVENT without payload"},
      {"2/daemon,", "EVENT without payload"},
      {"2/daemon,5", "EVENT without payload"},
      {"2[]", "EVENT payload must be a non-empty array"},
      {"2{\"a\":1}", "EVENT payload must be a non-empty array"},
      {"2[1,2]", "EVENT name must be a string"},
      {"2[null]", "EVENT name must be a string"},
      {"3", "ACK without payload"},
      {"35", "ACK without payload"},
      {"35{}", "ACK payload must be an array"},
      {"4", "CONNECT_ERROR without payload"},
      {"4[1]", "CONNECT_ERROR payload must be an object or a string"},
      {"2[\"a\"", "payload is not valid JSON"},
      {"2[\"a\"]x", "payload is not valid JSON"},
      {"2[\"a\",]", "payload is not valid JSON"},
      {"2['a']", "payload is not valid JSON"},
      {"2/daemon,1x[\"a\"]", "payload is not valid JSON"},
      {"218446744073709551616[\"x\"]", "ack id out of range"},
      {"099{}", "ack id on a packet that cannot carry one"},
      {"17", "ack id on a packet that cannot carry one"},
      {"5[\"x\"]", "illegal attachments count"},
      {"51[\"x\"]", "illegal attachments count"},
      {"6-[]", "illegal attachments count"},
      {"599999999999999999999-[\"x\"]", "illegal attachments count"},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE("refusing " << c.frame);
    auto result = parse_sio(c.frame);
    CAF_CHECK(!result);
    CAF_CHECK_EQUAL(result.error.reason, c.reason);
  }
}

CAF_TEST(deeply nested payloads are refused before they can exhaust the stack) {
  std::string deep = "2[\"x\"," + std::string(100000, '[') + std::string(100000, ']') + "]";
  auto result = parse_sio(deep);
  CAF_CHECK(!result);
  CAF_CHECK_EQUAL(result.error.reason, "payload nested too deeply");
  // Brackets inside strings do not count.
  std::string quoted = "2[\"x\",\"" + std::string(1000, '[') + "\"]";
  CAF_CHECK(parse_sio(quoted));
  std::string escaped = "2[\"x\",\"\\\"" + std::string(1000, '{') + "\"]";
  CAF_CHECK(parse_sio(escaped));
}

CAF_TEST(encoders write the wire format) {
  CAF_CHECK_EQUAL(encode_event("/", "auth", json::array({{{"token", "t"}}})), "42[\"auth\",{\"token\":\"t\"}]");
  CAF_CHECK_EQUAL(encode_event("/daemon", "ping", json::array()), "42/daemon,[\"ping\"]");
  CAF_CHECK_EQUAL(encode_event("/daemon", "x", json::array({1}), 9), "42/daemon,9[\"x\",1]");
  CAF_CHECK_EQUAL(encode_ack("/daemon", 13, json::array({{{"ok", true}}})), "43/daemon,13[{\"ok\":true}]");
  CAF_CHECK_EQUAL(encode_ack("/", 0, json::array()), "430[]");
  // A lone value becomes the single argument.
  CAF_CHECK_EQUAL(encode_ack("/", 1, json("yes")), "431[\"yes\"]");
  sio_packet disconnect;
  disconnect.type = sio_type::disconnect;
  disconnect.nsp = "/custom";
  CAF_CHECK_EQUAL(encode_sio(disconnect), "41/custom,");
  disconnect.nsp = "/";
  CAF_CHECK_EQUAL(encode_sio(disconnect), "41");
  sio_packet error;
  error.type = sio_type::connect_error;
  error.nsp = "/nope";
  error.data = {{"message", "Invalid namespace"}};
  CAF_CHECK_EQUAL(encode_sio(error), "44/nope,{\"message\":\"Invalid namespace\"}");
}

CAF_TEST(encoders never throw on invalid utf8) {
  auto frame = encode_event("/", std::string("bad\xff", 4), json::array({std::string("\xc3", 1)}));
  CAF_CHECK(parse_sio(frame.substr(1)));
}

CAF_TEST(encode then parse gives the same packet) {
  sio_packet packets[4];
  packets[0].type = sio_type::connect;
  packets[0].nsp = "/daemon";
  packets[0].data = {{"token", "abc"}, {"clientId", "office-1"}};
  packets[1].type = sio_type::event;
  packets[1].id = 77;
  packets[1].data = json::array({"daemon:pdf_indexed", {{"fileHash", "ab"}, {"valor", 12.5}}, nullptr});
  packets[2].type = sio_type::ack;
  packets[2].nsp = "/client";
  packets[2].id = 0;
  packets[2].data = json::array();
  packets[3].type = sio_type::binary_ack;
  packets[3].attachments = 3;
  packets[3].id = 5;
  packets[3].data = json::array({1});
  for (const auto& p : packets) {
    auto frame = encode_sio(p);
    CAF_MESSAGE("round trip " << frame);
    CAF_REQUIRE_EQUAL(frame[0], '4');
    auto back = parse_sio(frame.substr(1));
    CAF_REQUIRE(back);
    CAF_CHECK(back.packet->type == p.type);
    CAF_CHECK_EQUAL(back.packet->nsp, p.nsp);
    CAF_CHECK(back.packet->id == p.id);
    CAF_CHECK_EQUAL(back.packet->data, p.data);
    CAF_CHECK_EQUAL(back.packet->attachments, p.attachments);
  }
}
