// The real siberius-daemon against a scripted /daemon peer (scripted_peer.hpp):
// the server's daemon:resync and daemon:config_update, and the daemon's
// daemon:log, which the real server cannot exercise yet.
#define CAF_SUITE daemon_peer
#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <sys/stat.h>

#include "../support/child_process.hpp"
#include "../support/temp_dir.hpp"
#include "../support/test_files.hpp"
#include "scripted_peer.hpp"

using namespace siberius::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// The daemon token's secret part: it must never reach the peer in a log line.
const std::string secret = "5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e7abcd";

// One office: a folder, the scripted peer, the daemon.
struct office {
  temp_dir dir;
  std::shared_ptr<scripted_peer> peer = scripted_peer::start();
  std::unique_ptr<child_process> daemon;

  office() { fs::create_directories(folder()); }
  ~office() {
    daemon.reset();
    peer->stop();
  }

  std::string folder() const { return dir.path() + "/pdfs"; }
  std::string daemon_log() const { return read_file(dir.path() + "/daemon.log"); }

  void start_daemon(std::vector<std::string> extra = {}) {
    std::vector<std::string> env{"PATH=/usr/bin:/bin",
                                 "SERVER_URL=http://127.0.0.1:" + std::to_string(peer->port()),
                                 "DAEMON_TOKEN=0123456789abcdef." + secret,
                                 "CLIENT_ID=peer-test",
                                 "PDF_DIRECTORY=" + folder(),
                                 "STABLE_MS=200",
                                 "SETTLE_MS=2500",
                                 "RECONNECT_BASE_MS=200",
                                 "SYNC_DEBOUNCE_MS=300",
                                 "HEARTBEAT_SECONDS=1",
                                 "PARSE_WORKERS=2"};
    for (auto& x : extra) {
      auto key = x.substr(0, x.find('=') + 1);
      env.erase(std::remove_if(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(key, 0) == 0; }),
                env.end());
      env.push_back(x);
    }
    auto log = dir.path() + "/daemon.log";
    daemon = std::make_unique<child_process>(std::vector<std::string>{SIBERIUS_DAEMON_BIN, "--config", "/dev/null"},
                                             env, log, log);
  }

  void copy_good_pdfs(int n) {
    int i = 0;
    for (auto& e : fs::directory_iterator(corpus_dir()))
      if (e.path().extension() == ".pdf" && e.path().filename().string().rfind("bad_", 0) != 0 && i++ < n)
        fs::copy_file(e.path(), folder() + "/" + e.path().filename().string());
  }

  /// Files that are not PDFs: each one is a pdf:broken line at warn.
  void write_broken(int n, const std::string& prefix = "broken") {
    for (int i = 0; i < n; ++i)
      std::ofstream(folder() + "/" + prefix + std::to_string(i) + ".pdf") << "not a pdf " << prefix << i << "\n%%EOF\n";
  }

  std::set<std::string> folder_hashes() {
    std::set<std::string> out;
    for (auto& e : fs::directory_iterator(folder()))
      if (e.path().extension() == ".pdf")
        out.insert(sha256_of(e.path().string()));
    return out;
  }

  /// The last chunk of each daemon:sync, in order.
  std::vector<json> finished_syncs() {
    std::vector<json> out;
    for (auto& e : peer->events("daemon:sync"))
      if (e.payload.value("done", true))
        out.push_back(e.payload);
    return out;
  }

  std::vector<json> heartbeat_configs() {
    std::vector<json> out;
    for (auto& e : peer->events("daemon:heartbeat"))
      out.push_back(e.payload.value("config", json()));
    return out;
  }

  /// The daemon's own stderr lines at warn or error (what it may forward).
  std::size_t warn_lines() {
    std::istringstream in(daemon_log());
    std::size_t n = 0;
    for (std::string l; std::getline(in, l);) {
      auto j = json::parse(l, nullptr, false);
      if (!j.is_object())
        continue;
      auto level = j.value("level", "");
      if ((level == "warn" || level == "error") && j.value("event", "").rfind("log:", 0) != 0)
        ++n;
    }
    return n;
  }

  /// Every line of every daemon:log the peer received, in order.
  std::vector<json> forwarded_lines() {
    std::vector<json> out;
    for (auto& e : peer->events("daemon:log"))
      for (auto& l : e.payload.value("lines", json::array()))
        out.push_back(l);
    return out;
  }

  /// Lines forwarded plus lines reported lost (log:dropped counts).
  std::size_t accounted_lines() {
    std::size_t n = 0;
    for (auto& l : forwarded_lines())
      n += l.value("event", "") == "log:dropped" ? l.value("count", std::size_t{0}) : 1;
    return n;
  }
};

} // namespace

CAF_TEST(resync from the server runs one full sync and a second one joins it) {
  office o;
  o.copy_good_pdfs(3);
  o.start_daemon();
  CAF_REQUIRE(eventually([&] { return o.daemon_log().find("\"sync:done\"") != std::string::npos; }));
  CAF_REQUIRE_EQUAL(o.finished_syncs().size(), 1u);
  auto first = o.finished_syncs().front();
  auto first_id = first.value("syncId", "");

  // The peer holds its sync acks, so the second resync arrives while the first one's sync runs.
  o.peer->hold_syncs(true);
  auto id1 = o.peer->send("daemon:resync", {{"reason", "admin asked"}});
  CAF_REQUIRE(id1 != 0);
  CAF_REQUIRE(eventually([&] { return o.peer->events("daemon:sync").size() == 2; }));
  auto id2 = o.peer->send("daemon:resync", {{"reason", "admin asked twice"}});
  CAF_REQUIRE(id2 != 0);
  for (auto id : {id1, id2}) {
    auto ack = o.peer->wait_ack(id, 10s);
    CAF_REQUIRE(ack.has_value());
    auto a = *ack;
    CAF_CHECK_EQUAL(a.dump(), R"({"ok":true})");
  }
  CAF_REQUIRE(eventually([&] { return count_in(o.daemon_log(), "\"joined\":true") == 1; }, 10s));
  o.peer->release_syncs();
  CAF_REQUIRE(eventually([&] { return o.finished_syncs().size() == 2; }));
  std::this_thread::sleep_for(2s); // the joined request must not bring a third
  CAF_CHECK_EQUAL(o.finished_syncs().size(), 2u);

  auto second = o.finished_syncs().back();
  CAF_CHECK_NOT_EQUAL(second.value("syncId", ""), first_id);
  std::set<std::string> hashes;
  for (auto& f : second.value("files", json::array()))
    hashes.insert(f.value("fileHash", ""));
  CAF_CHECK_EQUAL(hashes.size(), 3u);
  CAF_CHECK(hashes == o.folder_hashes());
  auto log = o.daemon_log();
  CAF_CHECK_EQUAL(count_in(log, "\"server:resync\""), 2u);
  CAF_CHECK_EQUAL(count_in(log, "\"reason\":\"admin asked\""), 1u);
  CAF_CHECK_EQUAL(count_in(log, "\"joined\":true"), 1u);
  CAF_CHECK_EQUAL(count_in(log, "\"sync:done\""), 2u);
  CAF_CHECK_EQUAL(o.daemon->stop(10s), 0);
}

CAF_TEST(the heartbeat counts reconnections failed uploads and read time) {
  office o;
  o.copy_good_pdfs(2);
  o.start_daemon();
  auto last_counters = [&] {
    auto beats = o.peer->events("daemon:heartbeat");
    return beats.empty() ? json::object() : beats.back().payload.value("counters", json::object());
  };
  // Both files read: an average read time, and nothing else yet.
  CAF_REQUIRE(eventually([&] { return last_counters().value("avgParseMs", 0.0) > 0; }));
  auto first = last_counters();
  CAF_CHECK_EQUAL(first.value("reconnections", -1), 0);
  CAF_CHECK_EQUAL(first.value("uploadsFailed", -1), 0);
  CAF_CHECK_EQUAL(first.value("avgUploadBytesPerSecond", -1), 0);
  CAF_CHECK(first.contains("indexed")); // the counters that were there stay

  // The server drops the connection: the daemon comes back and says so.
  o.peer->kick();
  CAF_REQUIRE(eventually([&] { return last_counters().value("reconnections", 0) == 1; }, 10s));

  // An upload of a file the daemon does not have fails, and is counted.
  CAF_REQUIRE(eventually([&] { return o.peer->connected(); }));
  o.peer->send("daemon:upload_request", {{"requestId", "r-missing"}, {"fileHash", std::string(64, 'a')},
                                         {"filename", "gone.pdf"}, {"priority", "normal"}});
  CAF_REQUIRE(eventually([&] { return last_counters().value("uploadsFailed", 0) == 1; }, 15s));
  CAF_CHECK_EQUAL(last_counters().value("reconnections", -1), 1);
  CAF_CHECK_EQUAL(o.daemon->stop(10s), 0);
}

CAF_TEST(config update is applied and acked and shows in the next heartbeat) {
  office o;
  o.copy_good_pdfs(2);
  o.start_daemon({"CHECK_INTERVAL_MINUTES=7"});
  CAF_REQUIRE(eventually([&] {
    auto c = o.heartbeat_configs();
    return !c.empty() && c.back().value("scanIntervalSeconds", json()).is_number();
  }));
  auto before = o.heartbeat_configs().back();
  // inotify: the safety rescan (CHECK_INTERVAL_MINUTES); were the folder polled, POLL_INTERVAL_MS.
  auto scan_before = before.value("scanIntervalSeconds", 0);
  CAF_CHECK(scan_before == 420 || scan_before == 5);
  CAF_CHECK_EQUAL(before.value("logLevel", ""), "info");
  CAF_CHECK_EQUAL(before.value("autoUpload", true), false);

  // Some fields valid, one unknown: ok, with both lists.
  auto id = o.peer->send("daemon:config_update", {{"scanIntervalSeconds", 60}, {"autoUpload", true}, {"colour", "blue"}});
  auto ack = o.peer->wait_ack(id, 10s);
  CAF_REQUIRE(ack.has_value());
  auto a = *ack;
  CAF_CHECK_EQUAL(a.dump(),
                  R"({"applied":{"autoUpload":true,"scanIntervalSeconds":60},"ok":true,)"
                  R"("rejected":{"colour":"not a setting the server can change"}})");
  CAF_CHECK(eventually([&] {
    return o.daemon_log().find("\"watcher:rescan:interval\"") != std::string::npos &&
           o.daemon_log().find("\"intervalMs\":60000") != std::string::npos;
  }));

  // The log level: applied at once (info lines such as server:resync stop).
  id = o.peer->send("daemon:config_update", {{"logLevel", "warn"}});
  ack = o.peer->wait_ack(id, 10s);
  CAF_REQUIRE(ack.has_value());
  a = *ack;
  CAF_CHECK_EQUAL(a.dump(), R"({"applied":{"logLevel":"warn"},"ok":true,"rejected":{}})");
  auto syncs = o.finished_syncs().size();
  o.peer->send("daemon:resync", {{"reason", "after the level change"}});
  CAF_CHECK(eventually([&] { return o.finished_syncs().size() == syncs + 1; }));
  std::this_thread::sleep_for(300ms);
  CAF_CHECK_EQUAL(count_in(o.daemon_log(), "after the level change"), 0u);

  // Nothing valid: ok false, every reason, nothing changed.
  id = o.peer->send("daemon:config_update", {{"scanIntervalSeconds", 2}, {"logLevel", "loud"}, {"autoUpload", "yes"}});
  ack = o.peer->wait_ack(id, 10s);
  CAF_REQUIRE(ack.has_value());
  a = *ack;
  CAF_CHECK_EQUAL(a.value("ok", true), false);
  auto applied = a.value("applied", json());
  CAF_CHECK_EQUAL(applied.dump(), "{}");
  auto rejected = a.value("rejected", json());
  CAF_CHECK_EQUAL(rejected.size(), 3u);
  CAF_CHECK_EQUAL(rejected.value("scanIntervalSeconds", ""), "expected an integer number of seconds from 5 to 86400");

  // Not an object at all.
  id = o.peer->send("daemon:config_update", "x");
  ack = o.peer->wait_ack(id, 10s);
  CAF_REQUIRE(ack.has_value());
  a = *ack;
  CAF_CHECK_EQUAL(a.value("ok", true), false);
  CAF_CHECK(a.value("error", "").find("expected") == 0);

  // The next heartbeat reports the effective settings.
  auto seen = o.heartbeat_configs().size();
  CAF_REQUIRE(eventually([&] { return o.heartbeat_configs().size() > seen; }, 5s));
  auto after = o.heartbeat_configs().back();
  auto folder = after.value("pdfDirectory", std::string());
  CAF_CHECK_EQUAL(folder, o.folder()); // the watched folder, for the admin's detail view
  after.erase("pdfDirectory");
  CAF_CHECK_EQUAL(after.dump(), R"({"autoUpload":true,"logLevel":"warn","scanIntervalSeconds":60})");
  CAF_CHECK_EQUAL(o.daemon->stop(10s), 0);
}

CAF_TEST(warn lines reach the server in batches with the count lost while offline) {
  office o;
  o.peer->refuse_connects(true);
  o.write_broken(70);
  o.start_daemon({"POLL=true", "POLL_INTERVAL_MS=7000"});
  CAF_REQUIRE(eventually([&] { return count_in(o.daemon_log(), "\"pdf:broken\"") == 70; }));
  CAF_REQUIRE(eventually([&] { return count_in(o.daemon_log(), "\"daemon:connect:failed\"") >= 1; }));
  o.peer->refuse_connects(false);
  CAF_REQUIRE(eventually([&] { return !o.peer->events("daemon:log").empty(); }));
  // A broken file named after the token's secret: its line travels, the secret does not.
  std::ofstream(o.folder() + "/" + secret + ".pdf") << "not a pdf either\n%%EOF\n";
  CAF_REQUIRE(eventually([&] { return count_in(o.daemon_log(), "\"pdf:broken\"") == 71; }));
  // Everything logged at warn is either forwarded or counted as lost.
  CAF_REQUIRE(eventually([&] { return o.accounted_lines() >= 71 && o.accounted_lines() == o.warn_lines(); }, 30s));

  auto batches = o.peer->events("daemon:log");
  for (auto& b : batches) {
    auto lines = b.payload.value("lines", json::array());
    auto head = lines.empty() ? json() : lines[0];
    CAF_MESSAGE("daemon:log with " << lines.size() << " lines, first " << head.dump());
  }
  CAF_REQUIRE_GREATER_OR_EQUAL(batches.size(), 3u);
  auto first = batches.front().payload.value("lines", json::array());
  CAF_REQUIRE(!first.empty());
  auto lost = first[0];
  CAF_CHECK_EQUAL(lost.value("event", ""), "log:dropped");
  CAF_CHECK_EQUAL(lost.value("level", ""), "warn");
  CAF_CHECK_GREATER_OR_EQUAL(lost.value("count", 0), 20);
  for (std::size_t i = 0; i < batches.size(); ++i) {
    auto lines = batches[i].payload.value("lines", json::array());
    CAF_CHECK_LESS_OR_EQUAL(lines.size(), 20u);
    if (i > 0) {
      auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(batches[i].at - batches[i - 1].at).count();
      CAF_CHECK_GREATER_OR_EQUAL(gap, 4500);
    }
  }
  std::size_t broken = 0, redacted = 0;
  for (auto& l : o.forwarded_lines()) {
    auto event = l.value("event", "");
    auto level = l.value("level", "");
    CAF_CHECK(level == "warn" || level == "error");
    CAF_CHECK(l.contains("ts"));
    CAF_CHECK(event.rfind("log:", 0) != 0 || event == "log:dropped");
    if (event == "pdf:broken") {
      ++broken;
      if (l.value("path", "").find("[redacted].pdf") != std::string::npos)
        ++redacted;
    }
  }
  CAF_CHECK_GREATER_OR_EQUAL(broken, 40u);
  CAF_CHECK_EQUAL(redacted, 1u);
  // The token's secret never travels in a log line (it does as a file path in daemon:error, which is data).
  for (auto& b : batches)
    CAF_CHECK_EQUAL(b.payload.dump().find(secret), std::string::npos);
  // Polling: the scan interval the heartbeat reports is the polling period.
  auto configs = o.heartbeat_configs();
  CAF_REQUIRE(!configs.empty());
  auto last = configs.back();
  CAF_CHECK_EQUAL(last.value("scanIntervalSeconds", 0), 7);
  CAF_CHECK_EQUAL(o.daemon->stop(10s), 0);
}

CAF_TEST(a server without daemon log gets each line once and no retry storm) {
  office o;
  o.peer->answer_logs(log_answer::unknown_event);
  o.write_broken(30);
  o.start_daemon({"LOG_LEVEL=debug"});
  CAF_REQUIRE(eventually([&] { return count_in(o.daemon_log(), "\"pdf:broken\"") == 30; }));
  CAF_REQUIRE(eventually([&] { return o.accounted_lines() >= 30 && o.accounted_lines() == o.warn_lines(); }, 30s));
  auto refused = o.peer->events("daemon:log");
  CAF_CHECK_GREATER_OR_EQUAL(refused.size(), 2u);
  for (std::size_t i = 1; i < refused.size(); ++i) {
    auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(refused[i].at - refused[i - 1].at).count();
    CAF_CHECK_GREATER_OR_EQUAL(gap, 4500);
  }
  // Refused batches are dropped, not sent again; the refusal is logged at debug and not forwarded.
  std::set<std::string> seen;
  for (auto& l : o.forwarded_lines()) {
    auto key = l.value("event", "") + " " + l.value("path", "");
    if (l.value("event", "") == "pdf:broken")
      CAF_CHECK(seen.insert(key).second);
    CAF_CHECK(l.value("event", "") != "log:refused");
  }
  CAF_CHECK_GREATER_OR_EQUAL(count_in(o.daemon_log(), "\"log:refused\""), 1u);
  CAF_CHECK(o.peer->connected());

  // A server that does not answer at all: one batch waits for its ack (30 s), nothing more goes.
  o.peer->answer_logs(log_answer::none);
  auto before = o.peer->events("daemon:log").size();
  o.write_broken(10, "late");
  CAF_REQUIRE(eventually([&] { return count_in(o.daemon_log(), "\"pdf:broken\"") == 40; }));
  std::this_thread::sleep_for(8s);
  CAF_CHECK_EQUAL(o.peer->events("daemon:log").size(), before + 1);
  CAF_CHECK(o.peer->connected());
  CAF_CHECK(o.daemon->running());
}

// ---- the restart exchange (daemon:stat_check) ------------------------------

namespace {

/// Makes every PDF of the folder an hour old: the office's documents at a restart.
void age_folder(const std::string& folder) {
  auto an_hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (auto& e : fs::directory_iterator(folder))
    fs::last_write_time(e.path(), an_hour_ago);
}

std::set<std::string> sync_hashes(const json& last_chunk) {
  std::set<std::string> out;
  for (auto& f : last_chunk.value("files", json::array()))
    out.insert(f.value("fileHash", ""));
  return out;
}

std::set<std::string> sent_hashes(scripted_peer& peer) {
  std::set<std::string> out;
  for (auto& e : peer.events("daemon:pdf_indexed_batch"))
    for (auto& d : e.payload.value("documents", json::array()))
      out.insert(d.value("fileHash", ""));
  return out;
}

} // namespace

CAF_TEST(a server without stat check gets every file read as it is read and then the full sync) {
  office o;
  o.copy_good_pdfs(12);
  age_folder(o.folder());
  // One that is still being written (fresh, no %%EOF): it must hold nothing back.
  std::ofstream(o.folder() + "/escrevendo.pdf") << "%PDF-1.4\n1 0 obj\n";
  o.start_daemon({"PARSE_WORKERS=1", "SETTLE_MS=600000"});
  CAF_REQUIRE(eventually([&] { return o.daemon_log().find("\"sync:done\"") != std::string::npos; }));
  // It asked once, heard "unknown event", and fell back to reading everything.
  CAF_CHECK_EQUAL(o.peer->events("daemon:stat_check").size(), 1u);
  auto log = o.daemon_log();
  CAF_CHECK_EQUAL(count_in(log, "\"index:stat_check:unsupported\""), 1u);
  CAF_CHECK_EQUAL(count_in(log, "\"pdf:read\""), 12u);
  auto good = o.folder_hashes();
  good.erase(sha256_of(o.folder() + "/escrevendo.pdf"));
  CAF_CHECK(sent_hashes(*o.peer) == good);
  CAF_REQUIRE_EQUAL(o.finished_syncs().size(), 1u);
  CAF_CHECK(sync_hashes(o.finished_syncs().front()) == good);
  // Documents went out as they were read, before the folder was read to the end (the sync).
  auto batches = o.peer->events("daemon:pdf_indexed_batch");
  auto syncs = o.peer->events("daemon:sync");
  CAF_REQUIRE(!batches.empty() && !syncs.empty());
  CAF_CHECK(batches.front().at < syncs.front().at);
  CAF_CHECK_EQUAL(count_in(log, "escrevendo.pdf"), 0u); // still waiting for its end
  CAF_CHECK_EQUAL(o.daemon->stop(10s), 0);
}

CAF_TEST(a restart over files the server holds unchanged reads none of them) {
  office o;
  o.copy_good_pdfs(5);
  age_folder(o.folder());
  std::map<std::string, std::string> held;
  for (auto& e : fs::directory_iterator(o.folder()))
    held[e.path().string()] = sha256_of(e.path().string());
  o.peer->hold_files(held);
  o.start_daemon({"VERIFY_PER_HOUR=0"});
  CAF_REQUIRE(eventually([&] { return o.daemon_log().find("\"sync:done\"") != std::string::npos; }));
  auto checks = o.peer->events("daemon:stat_check");
  if (checks.size() != 1u)
    CAF_MESSAGE(o.daemon_log());
  CAF_REQUIRE_EQUAL(checks.size(), 1u);
  auto files = checks.front().payload.value("files", json::array());
  CAF_REQUIRE_EQUAL(files.size(), 5u);
  for (auto& f : files) {
    auto path = f.value("filePath", "");
    CAF_CHECK_EQUAL(f.value("fileSize", std::int64_t{-1}), static_cast<std::int64_t>(fs::file_size(path)));
    struct stat st {};
    CAF_REQUIRE_EQUAL(::stat(path.c_str(), &st), 0);
    std::int64_t mtime_ms = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    CAF_CHECK_EQUAL(f.value("mtimeMs", std::int64_t{0}), mtime_ms);
  }
  std::this_thread::sleep_for(1s);
  auto log = o.daemon_log();
  CAF_CHECK_EQUAL(count_in(log, "\"pdf:read\""), 0u);
  CAF_CHECK(o.peer->events("daemon:pdf_indexed_batch").empty());
  // The reconciliation still lists every file, with the hashes the server vouched for.
  CAF_REQUIRE_EQUAL(o.finished_syncs().size(), 1u);
  CAF_CHECK(sync_hashes(o.finished_syncs().front()) == o.folder_hashes());
  CAF_CHECK_EQUAL(o.daemon->stop(10s), 0);
}

CAF_TEST(a file changed without a new mtime is caught by the background verification) {
  office o;
  o.copy_good_pdfs(3);
  age_folder(o.folder());
  std::map<std::string, std::string> held;
  std::string changed;
  for (auto& e : fs::directory_iterator(o.folder()))
    held[e.path().string()] = sha256_of(e.path().string());
  // The server remembers another content for one path (the file was rewritten, mtime put back).
  changed = held.begin()->first;
  held[changed] = std::string(64, 'a');
  o.peer->hold_files(held);
  o.start_daemon({"VERIFY_PER_HOUR=1000000"});
  CAF_REQUIRE(eventually([&] { return o.daemon_log().find("\"pdf:verify:changed\"") != std::string::npos; }));
  auto real = sha256_of(changed);
  CAF_CHECK(eventually([&] { return sent_hashes(*o.peer) == std::set<std::string>{real}; }));
  // The old hash's row is no longer the folder's: another reconciliation follows, with the new hash.
  CAF_CHECK(eventually([&] { return o.finished_syncs().size() >= 2; }));
  CAF_CHECK(sync_hashes(o.finished_syncs().back()) == o.folder_hashes());
  auto log = o.daemon_log();
  CAF_CHECK_EQUAL(count_in(log, "\"pdf:verify:changed\""), 1u);
  CAF_CHECK_EQUAL(o.daemon->stop(10s), 0);
}
