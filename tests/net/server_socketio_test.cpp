// Socket.IO namespaces, events and acks over real loopback sockets.
#define CAF_SUITE net_server_socketio
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "net_test_support.hpp"

using namespace siberius::net;
using namespace siberius::net::testing;

namespace {

nlohmann::json payload_after(const std::string& frame, const std::string& prefix) {
  if (frame.compare(0, prefix.size(), prefix) != 0)
    return nullptr;
  return nlohmann::json::parse(frame.substr(prefix.size()), nullptr, false);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(socketio_tests, server_fixture)

CAF_TEST(connect to the main namespace carries auth and gets a socket id) {
  start();
  ws_client client(port());
  auto open = client.open();
  CAF_REQUIRE(open);
  client.send("40{\"token\":\"t-1\"}");
  auto reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  auto data = payload_after(*reply, "40");
  CAF_REQUIRE(data.is_object());
  CAF_CHECK_EQUAL(data.at("sid").get<std::string>().size(), 20u);
  CAF_CHECK_NOT_EQUAL(data.at("sid"), open->at("sid")); // socket id, not engine sid
  CAF_CHECK_EQUAL(data.at("lastSync"), 42);
  CAF_CHECK(root->wait_for("connect / {\"token\":\"t-1\"}"));
}

CAF_TEST(connect to a named namespace and reject) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40/daemon,{\"token\":\"x\"}");
  auto reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK(payload_after(*reply, "40/daemon,").is_object());
  ws_client refused(port());
  CAF_REQUIRE(refused.open());
  refused.send("40/daemon,{\"reject\":true}");
  reply = refused.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, "44/daemon,{\"data\":{\"code\":401},\"message\":\"unauthorized\"}");
  // A rejected namespace is not joined: events there close the connection.
  refused.send("42/daemon,[\"echo\"]");
  CAF_CHECK(refused.closed_by_server());
}

CAF_TEST(unregistered namespaces get Invalid namespace) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40/nope,");
  auto reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, "44/nope,{\"message\":\"Invalid namespace\"}");
  // The connection stays usable.
  client.send("40");
  reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(reply->substr(0, 2), "40");
}

CAF_TEST(event with ack id round trips and server events arrive) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40/daemon,");
  CAF_REQUIRE(client.read_answering_pings());
  client.send("42/daemon,7[\"echo\",1,{\"a\":\"b\"}]");
  auto reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, "43/daemon,7[1,{\"a\":\"b\"}]");
  CAF_CHECK(root->wait_for("event /daemon echo [1,{\"a\":\"b\"}] ack 7"));
  client.send("42/daemon,[\"emit-back\",\"x\"]");
  reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, "42/daemon,[\"echoed\",\"x\"]");
}

CAF_TEST(namespace disconnects from either side) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40/daemon,");
  CAF_REQUIRE(client.read_answering_pings());
  client.send("41/daemon,");
  CAF_CHECK(root->wait_for("disconnect /daemon client namespace disconnect"));
  client.send("40/daemon,");
  CAF_REQUIRE(client.read_answering_pings());
  client.send("42/daemon,[\"leave\"]");
  auto reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, "41/daemon,");
  CAF_CHECK(root->wait_for("disconnect /daemon server namespace disconnect"));
  // The transport stays: the main namespace can still be joined.
  client.send("40");
  reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(reply->substr(0, 2), "40");
}

CAF_TEST(a malformed packet closes the socket and the next client is served) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("42[\"unterminated\"");
  CAF_CHECK(client.closed_by_server());
  CAF_REQUIRE(logs->wait_for_event("sio:malformed"));
  for (auto& line : logs->lines())
    if (line.value("event", "") == "sio:malformed") {
      CAF_CHECK_EQUAL(line.at("reason"), "payload is not valid JSON");
      CAF_CHECK_EQUAL(line.at("remote"), "127.0.0.1");
    }
  ws_client next(port());
  CAF_REQUIRE(next.open());
  next.send("40");
  auto reply = next.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(reply->substr(0, 2), "40");
}

CAF_TEST(an event on a namespace not joined closes the connection) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("42/daemon,[\"daemon:heartbeat\",{}]");
  CAF_CHECK(client.closed_by_server());
  CAF_CHECK(logs->wait_for_event("sio:event:unauthenticated"));
  CAF_CHECK_EQUAL(root->count("event /daemon daemon:heartbeat [{}]"), 0u);
}

CAF_TEST(binary events reach the handler as bytes and binary acks go back split) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40/daemon,");
  CAF_REQUIRE(client.read_answering_pings());
  client.send("452-/daemon,3[\"echo\",{\"photo\":{\"_placeholder\":true,\"num\":0}},"
              "[{\"_placeholder\":true,\"num\":1}]]");
  client.send(std::string("\x01\x02\x03", 3), true);
  client.send("", true); // an empty attachment is still one
  // The handler saw json binary values, not placeholders or base64.
  CAF_CHECK(root->wait_for("event /daemon echo [{\"photo\":{\"bytes\":[1,2,3],\"subtype\":null}},"
                           "[{\"bytes\":[],\"subtype\":null}]] ack 3"));
  // Its ack with the same arguments goes back as a BINARY_ACK and two binary frames.
  auto header = client.read_answering_pings();
  CAF_REQUIRE(header);
  CAF_CHECK_EQUAL(*header, "462-/daemon,3[{\"photo\":{\"_placeholder\":true,\"num\":0}},"
                           "[{\"_placeholder\":true,\"num\":1}]]");
  auto first = client.read_answering_pings();
  CAF_REQUIRE(first);
  CAF_CHECK(client.last_binary);
  CAF_CHECK_EQUAL(*first, std::string("\x01\x02\x03", 3));
  auto second = client.read_answering_pings();
  CAF_REQUIRE(second);
  CAF_CHECK(client.last_binary);
  CAF_CHECK_EQUAL(*second, "");
  // A binary packet without attachments is an ordinary one.
  client.send("450-/daemon,[\"emit-back\",\"plain\"]");
  auto back = client.read_answering_pings();
  CAF_REQUIRE(back);
  CAF_CHECK_EQUAL(*back, "42/daemon,[\"echoed\",\"plain\"]");
}

CAF_TEST(malformed binary packets close the connection with a reason) {
  auto opts = fast_options();
  opts.engine.max_attachments = 4;
  start(opts);
  struct bad_case {
    const char* what;
    std::vector<std::pair<std::string, bool>> frames;
  };
  const bad_case cases[] = {
      {"placeholder out of range", {{"451-[\"echo\",{\"_placeholder\":true,\"num\":1}]", false}, {"x", true}}},
      {"placeholder without a number", {{"451-[\"echo\",{\"_placeholder\":true}]", false}, {"x", true}}},
      {"text where an attachment belongs", {{"452-[\"echo\",{\"_placeholder\":true,\"num\":0}]", false},
                                            {"x", true},
                                            {"42[\"echo\"]", false}}},
      {"binary with no packet", {{"x", true}}},
      {"more attachments than allowed", {{"455-[\"echo\"]", false}}},
      {"attachments larger than maxPayload", {{"452-[\"echo\"]", false},
                                              {std::string(6000, 'a'), true},
                                              {std::string(6000, 'b'), true}}},
      {"binary packet on a namespace not joined", {{"451-/daemon,[\"echo\",{\"_placeholder\":true,\"num\":0}]", false}}},
  };
  for (const auto& c : cases) {
    CAF_MESSAGE(c.what);
    ws_client client(port());
    CAF_REQUIRE(client.open());
    client.send("40");
    CAF_REQUIRE(client.read_answering_pings());
    for (const auto& [frame, binary] : c.frames)
      client.send(frame, binary);
    CAF_CHECK(client.closed_by_server());
  }
  for (const auto& entry : root->entries())
    CAF_CHECK(entry.rfind("event / echo", 0) != 0); // nothing malformed reached the handler
  CAF_CHECK(logs->wait_for_event("sio:malformed"));
}

CAF_TEST(binary arguments of an emit go out as a binary event) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40");
  CAF_REQUIRE(client.read_answering_pings());
  CAF_REQUIRE(root->wait_for("connect / null"));
  auto conn = root->last_connection();
  CAF_REQUIRE(conn);
  conn->emit("/", "photo", nlohmann::json::array({"a.jpg", nlohmann::json::binary({0xff, 0xd8})}));
  auto header = client.read_answering_pings();
  CAF_REQUIRE(header);
  CAF_CHECK_EQUAL(*header, "451-[\"photo\",\"a.jpg\",{\"_placeholder\":true,\"num\":0}]");
  auto bytes = client.read_answering_pings();
  CAF_REQUIRE(bytes);
  CAF_CHECK(client.last_binary);
  CAF_CHECK_EQUAL(*bytes, "\xff\xd8");
}

CAF_TEST(transport close reaches each joined namespace exactly once) {
  start();
  {
    ws_client client(port());
    CAF_REQUIRE(client.open());
    client.send("40");
    CAF_REQUIRE(client.read_answering_pings());
    client.send("40/daemon,");
    CAF_REQUIRE(client.read_answering_pings());
  } // the client goes away without a word
  CAF_CHECK(root->wait_for("disconnect / transport close"));
  CAF_CHECK(root->wait_for("disconnect /daemon transport close"));
  std::this_thread::sleep_for(300ms); // room for a wrong second report
  CAF_CHECK_EQUAL(root->count("disconnect / transport close"), 1u);
  CAF_CHECK_EQUAL(root->count("disconnect /daemon transport close"), 1u);
}

CAF_TEST(an accept that arrives after the close still ends in on_disconnect) {
  root->hold_accepts = true;
  start();
  {
    ws_client client(port());
    CAF_REQUIRE(client.open());
    client.send("40/daemon,{\"token\":\"slow\"}");
    CAF_REQUIRE(root->wait_for("connect /daemon {\"token\":\"slow\"}"));
  }
  std::this_thread::sleep_for(200ms); // let the server see the close first
  CAF_REQUIRE_EQUAL(root->held.size(), 1u);
  root->held[0].first->accept("/daemon");
  CAF_CHECK(root->wait_for("disconnect /daemon transport close"));
}

CAF_TEST(connection methods work from any thread) {
  root->hold_accepts = true;
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40/daemon,");
  CAF_REQUIRE(root->wait_for("connect /daemon null"));
  auto conn = root->held[0].first;
  std::thread other([conn] {
    conn->accept("/daemon", {{"lastSync", "2026-01-01"}});
    conn->attach("/daemon", std::make_shared<int>(7));
    conn->emit("/daemon", "hello", nlohmann::json::array({1, 2}));
  });
  other.join();
  auto reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(payload_after(*reply, "40/daemon,").value("lastSync", ""), "2026-01-01");
  reply = client.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(*reply, "42/daemon,[\"hello\",1,2]");
  CAF_CHECK_EQUAL(*std::static_pointer_cast<int>(conn->attachment("/daemon")), 7);
  CAF_CHECK_EQUAL(conn->remote_address(), "127.0.0.1");
}

CAF_TEST(a peer that falls behind the bounded write queue is closed) {
  auto opts = fast_options();
  opts.engine.max_queued_frames = 4;
  start(opts);
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40");
  CAF_REQUIRE(client.read_answering_pings());
  // 100 emits are queued before the first write can complete.
  client.send("42[\"flood\"]");
  CAF_CHECK(client.closed_by_server());
  CAF_CHECK(logs->wait_for_event("eio:write:overflow"));
  CAF_CHECK(root->wait_for("disconnect / write queue overflow"));
}

CAF_TEST(a peer that does not read is cut off once its queue passes the byte limit) {
  auto opts = fast_options();
  opts.engine.max_queued_bytes = 256 * 1024; // frames stay far under max_queued_frames
  start(opts);
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40");
  CAF_REQUIRE(client.read_answering_pings());
  // 12.8 MB of emits: more than the socket buffers take, so the queue grows.
  client.send("42[\"flood-large\"]");
  CAF_CHECK(logs->wait_for_event("eio:write:overflow"));
  CAF_CHECK(root->wait_for("disconnect / write queue overflow"));
  bool said_bytes = false;
  for (auto& line : logs->lines())
    if (line.value("event", "") == "eio:write:overflow")
      said_bytes = line.value("reason", "").find("262144 bytes") != std::string::npos;
  CAF_CHECK(said_bytes);
  // The next client is served.
  ws_client next(port());
  CAF_REQUIRE(next.open());
  next.send("40");
  auto reply = next.read_answering_pings();
  CAF_REQUIRE(reply);
  CAF_CHECK_EQUAL(reply->substr(0, 2), "40");
}

CAF_TEST(a namespace name over 256 bytes closes the connection instead of being echoed) {
  start();
  ws_client client(port());
  CAF_REQUIRE(client.open());
  client.send("40/" + std::string(300, 'n') + ",");
  CAF_CHECK(client.closed_by_server());
  CAF_CHECK(logs->wait_for_event("sio:malformed"));
  bool named = false;
  for (auto& line : logs->lines())
    if (line.value("event", "") == "sio:malformed")
      named = line.value("reason", "") == "namespace longer than 256 bytes";
  CAF_CHECK(named);
}

CAF_TEST_FIXTURE_SCOPE_END()
