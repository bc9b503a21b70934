// What the server may change at runtime (daemon:config_update: validation,
// the ack, the heartbeat's config) and the forwarding of the daemon's own
// warn/error lines (daemon:log: the tap, the ring, batches, the lost-lines
// count, no secrets, no loops).
#define CAF_SUITE daemon_runtime_config
#include "caf/test/unit_test.hpp"

#include <mutex>
#include <vector>

#include "daemon/log.hpp"
#include "daemon/log_forwarding.hpp"
#include "daemon/runtime_config.hpp"

using namespace siberius::daemon;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {
std::string reason_of(const config_update& u, const std::string& field) {
  return u.rejected.contains(field) ? u.rejected[field].get<std::string>() : std::string();
}
} // namespace

CAF_TEST(valid fields are taken) {
  auto u = parse_config_update(json{{"scanIntervalSeconds", 60}, {"logLevel", "debug"}, {"autoUpload", true}});
  CAF_CHECK(u.error.empty());
  CAF_CHECK(u.rejected.empty());
  CAF_REQUIRE(u.scan_interval_seconds.has_value());
  CAF_CHECK_EQUAL(*u.scan_interval_seconds, 60);
  CAF_REQUIRE(u.level.has_value());
  CAF_CHECK(*u.level == log_level::debug);
  CAF_REQUIRE(u.auto_upload.has_value());
  CAF_CHECK(*u.auto_upload);
}

CAF_TEST(scan interval table) {
  struct row {
    json value;
    bool ok;
  };
  std::vector<row> rows = {{5, true},          {86400, true},  {4, false},     {86401, false}, {0, false},
                           {-60, false},       {60.5, false},  {60.0, false},  {"60", false},  {true, false},
                           {json::array(), false}, {18446744073709551615ull, false}};
  for (auto& r : rows) {
    auto u = parse_config_update(json{{"scanIntervalSeconds", r.value}});
    auto shown = r.value.dump();
    CAF_MESSAGE("scanIntervalSeconds " << shown);
    CAF_CHECK_EQUAL(u.scan_interval_seconds.has_value(), r.ok);
    CAF_CHECK_EQUAL(reason_of(u, "scanIntervalSeconds").empty(), r.ok);
  }
}

CAF_TEST(log level and auto upload table) {
  for (auto name : {"debug", "info", "warn", "error"}) {
    auto u = parse_config_update(json{{"logLevel", name}});
    CAF_REQUIRE(u.level.has_value());
    CAF_CHECK_EQUAL(std::string(to_string(*u.level)), std::string(name));
  }
  for (auto bad : {json("loud"), json("WARN"), json("warning"), json(3), json(false)}) {
    auto u = parse_config_update(json{{"logLevel", bad}});
    CAF_CHECK(!u.level.has_value());
    CAF_CHECK_EQUAL(reason_of(u, "logLevel"), "expected one of debug, info, warn, error");
  }
  auto off = parse_config_update(json{{"autoUpload", false}});
  CAF_REQUIRE(off.auto_upload.has_value());
  CAF_CHECK(!*off.auto_upload);
  for (auto bad : {json("yes"), json(1), json("true")}) {
    auto u = parse_config_update(json{{"autoUpload", bad}});
    CAF_CHECK(!u.auto_upload.has_value());
    CAF_CHECK_EQUAL(reason_of(u, "autoUpload"), "expected true or false");
  }
}

CAF_TEST(null fields are left alone and unknown fields are refused) {
  auto u = parse_config_update(json{{"scanIntervalSeconds", nullptr}, {"logLevel", nullptr}, {"colour", "blue"}});
  CAF_CHECK(!u.scan_interval_seconds.has_value());
  CAF_CHECK(!u.level.has_value());
  CAF_CHECK_EQUAL(u.rejected.size(), 1u);
  CAF_CHECK_EQUAL(reason_of(u, "colour"), "not a setting the server can change");
}

CAF_TEST(payload that is not an object) {
  for (auto bad : {json(), json("x"), json::array({1})}) {
    auto u = parse_config_update(bad);
    CAF_CHECK(!u.error.empty());
    auto ack = config_update_ack(json::object(), u.rejected, u.error);
    bool ok = ack.value("ok", true);
    CAF_CHECK(!ok);
    auto error = ack.value("error", std::string());
    CAF_CHECK_EQUAL(error, u.error);
  }
}

CAF_TEST(ack is ok unless nothing applied and something rejected) {
  auto partial = config_update_ack(json{{"logLevel", "warn"}}, json{{"autoUpload", "expected true or false"}});
  bool partial_ok = partial.value("ok", false);
  CAF_CHECK(partial_ok);
  auto partial_applied = partial.value("applied", json());
  CAF_CHECK_EQUAL(partial_applied.dump(), R"({"logLevel":"warn"})");
  auto partial_rejected = partial.value("rejected", json());
  CAF_CHECK_EQUAL(partial_rejected.dump(), R"({"autoUpload":"expected true or false"})");
  CAF_CHECK(!partial.contains("error"));

  auto refused = config_update_ack(json::object(), json{{"logLevel", "expected one of debug, info, warn, error"}});
  bool refused_ok = refused.value("ok", true);
  CAF_CHECK(!refused_ok);

  auto empty = config_update_ack(json::object(), json::object());
  bool empty_ok = empty.value("ok", false);
  CAF_CHECK(empty_ok);
}

CAF_TEST(heartbeat config object) {
  runtime_config c;
  auto unknown = to_json(c);
  CAF_CHECK_EQUAL(unknown.dump(), R"({"autoUpload":false,"logLevel":"info","scanIntervalSeconds":null})");
  c.scan_interval_seconds = 300;
  c.level = log_level::error;
  c.auto_upload = true;
  auto known = to_json(c);
  CAF_CHECK_EQUAL(known.dump(), R"({"autoUpload":true,"logLevel":"error","scanIntervalSeconds":300})");
}

#undef CAF_SUITE
#define CAF_SUITE daemon_log_forwarding
#include "caf/test/unit_test.hpp"

namespace {

json line(int i, const std::string& level = "warn") {
  return json{{"ts", "2026-01-01T00:00:00.000Z"}, {"level", level}, {"event", "pdf:broken"}, {"n", i}};
}

int n_of(const json& batch_line) { return batch_line.value("n", -1); }

// Collects what the tap sees, and restores the level and the tap afterwards.
struct tapped {
  std::mutex mutex;
  std::vector<json> lines;
  tapped() {
    set_log_tap([this](json l) {
      std::lock_guard<std::mutex> lock(mutex);
      lines.push_back(std::move(l));
    });
  }
  ~tapped() {
    set_log_tap(nullptr);
    set_log_level(log_level::info);
  }
};

} // namespace

CAF_TEST(batches of at most 20 and one per 5 s) {
  log_ring ring;
  auto t0 = log_ring::clock::now();
  CAF_CHECK(ring.empty());
  CAF_CHECK(ring.next_send_at() <= t0); // nothing sent yet: at once
  for (int i = 0; i < 45; ++i)
    ring.push(line(i));
  auto first = ring.take_batch(t0);
  CAF_REQUIRE_EQUAL(first.size(), 20u);
  CAF_CHECK_EQUAL(n_of(first[0]), 0);
  CAF_CHECK_EQUAL(n_of(first[19]), 19);
  CAF_CHECK(ring.next_send_at() == t0 + 5s);
  auto second = ring.take_batch(t0 + 5s);
  CAF_REQUIRE_EQUAL(second.size(), 20u);
  CAF_CHECK_EQUAL(n_of(second[0]), 20);
  auto third = ring.take_batch(t0 + 10s);
  CAF_CHECK_EQUAL(third.size(), 5u);
  CAF_CHECK(ring.empty());
  auto none = ring.take_batch(t0 + 15s);
  CAF_CHECK_EQUAL(none.size(), 0u);
  CAF_CHECK(ring.next_send_at() == t0 + 15s); // an empty take does not count as a send
}

CAF_TEST(ring keeps the newest 50 and reports the lost ones as one line) {
  log_ring ring;
  for (int i = 0; i < 73; ++i)
    ring.push(line(i));
  CAF_CHECK_EQUAL(ring.size(), 50u);
  CAF_CHECK_EQUAL(ring.dropped(), 23u);
  auto batch = ring.take_batch(log_ring::clock::now());
  CAF_REQUIRE_EQUAL(batch.size(), 20u);
  auto lost = batch[0];
  CAF_CHECK_EQUAL(lost.value("event", ""), "log:dropped");
  CAF_CHECK_EQUAL(lost.value("level", ""), "warn");
  CAF_CHECK_EQUAL(lost.value("count", 0), 23);
  CAF_CHECK(lost.contains("ts"));
  CAF_CHECK_EQUAL(n_of(batch[1]), 23); // the oldest kept
  CAF_CHECK_EQUAL(ring.dropped(), 0u);
  CAF_CHECK_EQUAL(ring.size(), 31u);
}

CAF_TEST(a batch that was not delivered goes back in front) {
  log_ring ring;
  for (int i = 0; i < 55; ++i)
    ring.push(line(i));
  auto t0 = log_ring::clock::now();
  auto batch = ring.take_batch(t0); // log:dropped (5) + lines 5..23
  CAF_CHECK_EQUAL(batch.size(), 20u);
  for (int i = 55; i < 60; ++i)
    ring.push(line(i));
  ring.put_back(batch);
  // 19 back + 31 waiting + 5 new = 55 lines: the 5 oldest go, with the 5 lost before.
  CAF_CHECK_EQUAL(ring.size(), 50u);
  CAF_CHECK_EQUAL(ring.dropped(), 10u);
  auto again = ring.take_batch(t0 + 5s);
  auto lost = again[0];
  CAF_CHECK_EQUAL(lost.value("count", 0), 10);
  CAF_CHECK_EQUAL(n_of(again[1]), 10);
}

CAF_TEST(the token never leaves and long fields are cut) {
  std::string token = "0123456789abcdef." + std::string(64, 'e');
  log_ring ring({token, std::string(64, 'e')}, log_ring_limits{});
  ring.push(json{{"event", "daemon:connect:failed"},
                 {"reason", "auth " + token + " refused"},
                 {"nested", {{"path", "/srv/" + std::string(64, 'e') + ".pdf"}}},
                 {"list", json::array({token})},
                 {"long", std::string(3000, 'x') + "é"}});
  auto batch = ring.take_batch(log_ring::clock::now());
  CAF_REQUIRE_EQUAL(batch.size(), 1u);
  auto text = batch.dump();
  CAF_CHECK_EQUAL(text.find(std::string(64, 'e')), std::string::npos);
  CAF_CHECK(text.find("auth [redacted] refused") != std::string::npos);
  CAF_CHECK(text.find("/srv/[redacted].pdf") != std::string::npos);
  auto first = batch[0];
  auto cut = first.value("long", std::string());
  CAF_CHECK_LESS_OR_EQUAL(cut.size(), 1024u + 3u);
  // Cut at a UTF-8 boundary, so the line still dumps (the emit would refuse it otherwise).
  std::string multibyte = std::string(1023, 'x') + "é";
  json j = {{"m", multibyte}};
  scrub_log_line(j, {}, 1024);
  auto m = j.value("m", std::string());
  CAF_CHECK_EQUAL(m, std::string(1023, 'x') + "…");
}

CAF_TEST(tap sees written warn and error lines only and never log events) {
  tapped t;
  set_log_level(log_level::info);
  log_event(log_level::debug, "test:debug");
  log_event(log_level::info, "test:info");
  log_event(log_level::warn, "test:warn", {{"path", "/x.pdf"}, {"level", "spoofed"}});
  log_event(log_level::error, "test:error");
  log_event(log_level::warn, "log:refused"); // the forwarding's own line: never forwarded
  log_event(log_level::error, "log:dropped");
  set_log_level(log_level::error); // warn lines are no longer written, so not forwarded either
  log_event(log_level::warn, "test:warn:hidden");
  log_event(log_level::error, "test:error:shown");
  std::vector<json> seen;
  {
    std::lock_guard<std::mutex> lock(t.mutex);
    seen = t.lines;
  }
  CAF_REQUIRE_EQUAL(seen.size(), 3u);
  auto warn = seen[0];
  CAF_CHECK_EQUAL(warn.value("event", ""), "test:warn");
  CAF_CHECK_EQUAL(warn.value("level", ""), "warn");
  CAF_CHECK_EQUAL(warn.value("path", ""), "/x.pdf");
  CAF_CHECK(warn.contains("ts"));
  auto error = seen[1];
  CAF_CHECK_EQUAL(error.value("event", ""), "test:error");
  auto shown = seen[2];
  CAF_CHECK_EQUAL(shown.value("event", ""), "test:error:shown");
}

CAF_TEST(log level changes at runtime) {
  tapped t;
  set_log_level(log_level::warn);
  CAF_CHECK(current_log_level() == log_level::warn);
  CAF_CHECK(is_forwarded(log_level::warn, "pdf:broken"));
  CAF_CHECK(!is_forwarded(log_level::info, "pdf:read"));
  set_log_level(log_level::error);
  CAF_CHECK(!is_forwarded(log_level::warn, "pdf:broken"));
  CAF_CHECK(is_forwarded(log_level::error, "upload:failed"));
  CAF_CHECK(!is_forwarded(log_level::error, "log:refused"));
}
