// bench-daemon-sessions: many office daemons against a running server.
//
//   (a) open N /daemon sessions with a bounded number of connects in flight;
//   (b) every session sends daemon:heartbeat each interval; ack latency;
//   (c) acked documents per second, one per event and ten per batch.
// The server's memory comes from /proc/<--server-pid>/status. With --echo the
// same phases run against sio-echo (message-with-ack stands in for every
// event): the transport's own ceiling, without actors or database.
// Prints a table for people and one JSON line for scripts.
#include <atomic>
#include <cmath>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "bench/bench_support.hpp"
#include "net/client/sio_client.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using steady = std::chrono::steady_clock;
namespace net = siberius::net;
namespace bench = siberius::bench;

namespace {

struct options {
  std::string url = "http://127.0.0.1:8080";
  std::string token_file;
  std::string admin_token;
  std::size_t sessions = 10000;
  double heartbeat_interval_s = 10;
  double duration_s = 30;
  std::size_t docs = 60000; // per phase: long enough that a noisy second does not decide the figure
  std::vector<int> batches{1, 10};
  int server_pid = 0;
  std::size_t connect_concurrency = 256;
  std::size_t inflight = 512;
  std::size_t threads = 1;
  std::size_t source_addresses = 1;
  double ack_timeout_s = 30;
  bool echo = false;
};

/// One simulated office daemon.
struct session {
  std::unique_ptr<net::sio_client> client;
  steady::time_point connect_started;
  std::atomic<bool> up{false};
};

/// Counters for one phase, shared by every strand.
struct phase_counters {
  std::atomic<std::size_t> sent{0}, acked{0}, rejected{0}, timeouts{0}, lost{0}, refused{0};
  std::atomic<std::size_t> documents_acked{0}, duplicates{0}, doc_errors{0};
  std::mutex mtx;
  std::string first_rejection;
  bench::latency_recorder latency;

  void note_rejection(const std::string& why) {
    std::lock_guard<std::mutex> lock(mtx);
    if (first_rejection.empty())
      first_rejection = why;
  }

  // Classifies an ack that did not come back.
  void count_failure(net::ack_status s) {
    if (s == net::ack_status::timeout)
      ++timeouts;
    else if (s == net::ack_status::disconnected)
      ++lost;
    else
      ++refused;
  }
};

/// Everything the session handlers share.
struct bench_state {
  options opt;
  std::vector<std::unique_ptr<session>> sessions;
  std::atomic<std::size_t> next_connect{0}, connects_done{0}, connected{0}, connect_failed{0}, disconnected{0};
  std::mutex mtx;
  std::condition_variable cv;
  std::string first_connect_error, first_disconnect;
  std::map<std::string, std::size_t> disconnect_reasons;
  bench::latency_recorder connect_latency;

  void notify() {
    std::lock_guard<std::mutex> lock(mtx);
    cv.notify_all();
  }

  template <class Pred>
  bool wait_until(Pred pred, steady::duration limit) {
    std::unique_lock<std::mutex> lock(mtx);
    return cv.wait_for(lock, limit, pred);
  }

  void start_next_connect() {
    auto i = next_connect++;
    if (i < sessions.size()) {
      sessions[i]->connect_started = steady::now();
      sessions[i]->client->connect();
    }
  }
};

std::string event_name(const options& o, const char* daemon_event) {
  return o.echo ? "message-with-ack" : daemon_event;
}

json heartbeat_payload(std::size_t i, double uptime) {
  return {{"publicAddr", "203.0.113." + std::to_string(i % 250 + 1)},
          {"localAddr", "192.168." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250 + 1)},
          {"version", "bench-" SIBERIUS_VERSION},
          {"runtime", "siberius-daemon"},
          {"platform", "linux"},
          {"hostname", "office-" + std::to_string(i)},
          {"uptimeSeconds", static_cast<std::uint64_t>(uptime)},
          {"memoryBytes", 12u * 1024 * 1024},
          {"counters", {{"indexed", i % 1000}, {"uploaded", i % 17}, {"errors", 0}, {"queued", 0}}}};
}

/// A document as the daemon reports it; the hash is new for every call.
json document(const std::string& run_nonce, std::uint64_t n) {
  auto numero = "ORC-2026-" + std::to_string(n);
  return {{"filename", "orcamento-" + std::to_string(n) + ".pdf"},
          {"fileHash", bench::sha256_hex(run_nonce + ":" + std::to_string(n))},
          {"fileSize", 40000 + n % 200000},
          {"filePath", "/srv/pdfs/2026/03/orcamento-" + std::to_string(n) + ".pdf"},
          {"metadata",
           {{"tipo", "orcamento"},
            {"numero", numero},
            {"cliente", "Cliente " + std::to_string(n % 500)},
            {"dataEvento", "2026-03-10"},
            {"valorTotal", 1234.5}}},
          {"indexedAt", bench::utc_now_iso8601()}};
}

std::string memory_text(const std::optional<bench::process_memory>& m) {
  if (!m)
    return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f MB (peak %.1f)", m->rss_mb, m->hwm_mb);
  return buf;
}

json memory_json(const std::optional<bench::process_memory>& m) {
  if (!m)
    return nullptr;
  return {{"rss_mb", std::round(m->rss_mb * 10) / 10}, {"hwm_mb", std::round(m->hwm_mb * 10) / 10}};
}

/// CPU seconds the server and the bench used during one phase.
class cpu_meter {
public:
  explicit cpu_meter(const options& o) : server_pid_(o.server_pid) {
    server_ = server_pid_ > 0 ? bench::read_process_cpu_seconds(server_pid_) : std::nullopt;
    bench_ = bench::read_process_cpu_seconds(::getpid());
  }
  /// Prints one line and returns the figures.
  json report() const {
    auto server_now = server_pid_ > 0 ? bench::read_process_cpu_seconds(server_pid_) : std::nullopt;
    auto bench_now = bench::read_process_cpu_seconds(::getpid());
    double server = server_ && server_now ? *server_now - *server_ : -1;
    double mine = bench_ && bench_now ? *bench_now - *bench_ : -1;
    std::printf("  cpu used             server %.2f s, bench %.2f s\n", server, mine);
    auto r2 = [](double x) { return x < 0 ? json(nullptr) : json(std::round(x * 100) / 100); };
    return {{"server_cpu_s", r2(server)}, {"bench_cpu_s", r2(mine)}};
  }

private:
  int server_pid_;
  std::optional<double> server_, bench_;
};

std::optional<bench::process_memory> server_memory(const options& o) {
  return o.server_pid > 0 ? bench::read_process_memory(o.server_pid) : std::nullopt;
}

// ----- phase (a) -----

json open_sessions(bench_state& st, boost::asio::io_context& ioc, const std::vector<bench::daemon_token>& tokens) {
  auto& o = st.opt;
  auto n = o.sessions;
  st.sessions.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    net::client_options co;
    co.url = o.url;
    co.nsp = o.echo ? "/" : "/daemon";
    const auto& t = tokens[i];
    co.auth = {{"token", t.token}, {"clientId", t.client_id}, {"version", "bench-" SIBERIUS_VERSION}};
    co.connect_timeout = 30s;
    co.max_queued_frames = 64;
    if (o.source_addresses > 1)
      co.local_address = "127.0.0." + std::to_string(1 + i % o.source_addresses);
    auto s = std::make_unique<session>();
    s->client = std::make_unique<net::sio_client>(ioc.get_executor(), std::move(co));
    auto* sp = s.get();
    s->client->on_connect([&st, sp](const json&) {
      st.connect_latency.add(steady::now() - sp->connect_started);
      sp->up = true;
      ++st.connected;
      ++st.connects_done;
      st.start_next_connect();
      st.notify();
    });
    s->client->on_connect_error([&st](const net::connect_error& e) {
      {
        std::lock_guard<std::mutex> lock(st.mtx);
        if (st.first_connect_error.empty())
          st.first_connect_error = e.message + (e.data.is_null() ? "" : " " + e.data.dump());
      }
      ++st.connect_failed;
      ++st.connects_done;
      st.start_next_connect();
      st.notify();
    });
    s->client->on_disconnect([&st, sp](const std::string& reason) {
      sp->up = false;
      ++st.disconnected;
      std::lock_guard<std::mutex> lock(st.mtx);
      if (st.first_disconnect.empty())
        st.first_disconnect = reason;
      ++st.disconnect_reasons[reason];
    });
    st.sessions.push_back(std::move(s));
  }
  auto client_mem_before = bench::read_process_memory(::getpid());
  cpu_meter cpu(o);
  auto started = steady::now();
  for (std::size_t i = 0; i < std::min(o.connect_concurrency, n); ++i)
    st.start_next_connect();
  st.wait_until([&] { return st.connects_done.load() >= n; }, 10min);
  auto secs = std::chrono::duration<double>(steady::now() - started).count();
  // Let the server settle (session actors spawned, buffers trimmed) before reading memory.
  std::this_thread::sleep_for(1s);
  auto server_mem = server_memory(o);
  auto client_mem = bench::read_process_memory(::getpid());
  auto lat = st.connect_latency.summarise();

  double per_session_kb = 0;
  if (client_mem && client_mem_before && st.connected > 0)
    per_session_kb = (client_mem->rss_mb - client_mem_before->rss_mb) * 1024 / static_cast<double>(st.connected);
  std::printf("\n(a) open sessions\n");
  std::printf("  sessions connected   %zu of %zu (%zu failed)\n", st.connected.load(), n, st.connect_failed.load());
  if (!st.first_connect_error.empty())
    std::printf("  first connect error  %s\n", st.first_connect_error.c_str());
  std::printf("  connect time         %.2f s  (%.0f sessions/s, %zu connects in flight)\n", secs,
              static_cast<double>(st.connected) / secs, o.connect_concurrency);
  std::printf("  connect latency      p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", lat.p50_ms, lat.p99_ms, lat.max_ms);
  std::printf("  server memory        %s\n", memory_text(server_mem).c_str());
  std::printf("  bench memory         %s  (%.1f KB per client session)\n", memory_text(client_mem).c_str(),
              per_session_kb);
  auto cpu_used = cpu.report();
  std::fflush(stdout);
  return {{"sessions", n},
          {"cpu", cpu_used},
          {"connected", st.connected.load()},
          {"failed", st.connect_failed.load()},
          {"first_error", st.first_connect_error},
          {"seconds", std::round(secs * 1000) / 1000},
          {"sessions_per_s", std::round(static_cast<double>(st.connected) / secs)},
          {"latency", bench::to_json(lat)},
          {"server_memory", memory_json(server_mem)},
          {"bench_memory", memory_json(client_mem)},
          {"client_kb_per_session", std::round(per_session_kb * 10) / 10}};
}

// ----- phase (b) -----

json heartbeats(bench_state& st) {
  auto& o = st.opt;
  auto n = st.sessions.size();
  // Shared with the ack callbacks, which may outlive this function by a hair.
  auto counters = std::make_shared<phase_counters>();
  auto& pc = *counters;
  auto interval = std::chrono::duration<double>(o.heartbeat_interval_s);
  auto duration = std::chrono::duration<double>(o.duration_s);
  auto ack_timeout = std::chrono::milliseconds(static_cast<long>(o.ack_timeout_s * 1000));
  auto name = event_name(o, "daemon:heartbeat");
  auto disconnected_before = st.disconnected.load();
  cpu_meter cpu(o);
  auto started = steady::now();
  // Heartbeat j is due at j * interval / n: sessions spread evenly over the interval.
  std::uint64_t j = 0;
  while (true) {
    auto elapsed = std::chrono::duration<double>(steady::now() - started);
    if (elapsed >= duration)
      break;
    while (static_cast<double>(j) * interval.count() / static_cast<double>(n) <= elapsed.count()) {
      auto i = j % n;
      ++j;
      auto& s = *st.sessions[i];
      if (!s.up)
        continue;
      ++pc.sent;
      auto sent_at = steady::now();
      s.client->emit_with_ack(name, json::array({heartbeat_payload(i, elapsed.count() + 3600)}),
                              [counters, sent_at, echo = o.echo](net::ack_result r) {
                                auto& pc = *counters;
                                if (!r)
                                  return pc.count_failure(r.status);
                                pc.latency.add(steady::now() - sent_at);
                                const auto& a = r.args.empty() ? json() : r.args[0];
                                bool ok = echo ? a.is_object() && a.contains("counters")
                                               : a.is_object() && a.value("ok", false);
                                if (ok)
                                  ++pc.acked;
                                else {
                                  ++pc.rejected;
                                  pc.note_rejection(r.args.dump());
                                }
                              },
                              ack_timeout);
    }
    std::this_thread::sleep_for(1ms);
  }
  auto mem_during = server_memory(o);
  // Wait for the acks still on their way.
  auto settle_deadline = steady::now() + ack_timeout + 2s;
  while (pc.acked + pc.rejected + pc.timeouts + pc.lost + pc.refused < pc.sent && steady::now() < settle_deadline)
    std::this_thread::sleep_for(10ms);
  auto secs = std::chrono::duration<double>(steady::now() - started).count();
  auto lat = pc.latency.summarise();
  auto lost_sessions = st.disconnected.load() - disconnected_before;
  auto rate = static_cast<double>(pc.acked) / o.duration_s;
  std::printf("\n(b) heartbeats every %.1f s for %.0f s\n", o.heartbeat_interval_s, o.duration_s);
  std::printf("  sent / acked         %zu / %zu  (%.0f acks/s; %zu rejected, %zu timed out, %zu lost, %zu refused)\n",
              pc.sent.load(), pc.acked.load(), rate, pc.rejected.load(), pc.timeouts.load(), pc.lost.load(),
              pc.refused.load());
  if (!pc.first_rejection.empty())
    std::printf("  first rejection      %s\n", pc.first_rejection.c_str());
  std::printf("  ack latency          p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n", lat.p50_ms, lat.p90_ms,
              lat.p99_ms, lat.max_ms);
  std::printf("  sessions dropped     %zu%s%s\n", lost_sessions, lost_sessions ? "  first reason: " : "",
              lost_sessions ? st.first_disconnect.c_str() : "");
  std::printf("  server memory        %s\n", memory_text(mem_during).c_str());
  auto cpu_used = cpu.report();
  std::fflush(stdout);
  return {{"interval_s", o.heartbeat_interval_s},
          {"cpu", cpu_used},
          {"duration_s", o.duration_s},
          {"sent", pc.sent.load()},
          {"acked", pc.acked.load()},
          {"rejected", pc.rejected.load()},
          {"timeouts", pc.timeouts.load()},
          {"lost", pc.lost.load()},
          {"acks_per_s", std::round(rate)},
          {"latency", bench::to_json(lat)},
          {"sessions_dropped", lost_sessions},
          {"server_memory", memory_json(mem_during)},
          {"seconds", std::round(secs * 1000) / 1000}};
}

// ----- phase (c) -----

/// Drives `total` documents through `batch`-sized events, `inflight` events
/// outstanding at a time, spread round-robin over the live sessions.
class document_run {
public:
  document_run(bench_state& st, int batch, std::string nonce) : st_(st), batch_(batch), nonce_(std::move(nonce)) {
    for (auto& s : st.sessions)
      if (s->up)
        live_.push_back(s.get());
    events_ = (st.opt.docs + static_cast<std::size_t>(batch) - 1) / static_cast<std::size_t>(batch);
    timeout_ = std::chrono::milliseconds(static_cast<long>(st.opt.ack_timeout_s * 1000));
    // Built before the clock starts: the bench shares the CPU with the server
    // and must spend it on sending, not on making documents up.
    payloads_.reserve(events_);
    std::uint64_t n = 0;
    for (std::size_t k = 0; k < events_; ++k) {
      auto docs_here = std::min<std::size_t>(static_cast<std::size_t>(batch_), st.opt.docs - k * batch_);
      if (batch_ == 1) {
        payloads_.push_back(json::array({document(nonce_, n++)}));
      } else {
        json list = json::array();
        for (std::size_t d = 0; d < docs_here; ++d)
          list.push_back(document(nonce_, n++));
        payloads_.push_back(json::array({{{"documents", std::move(list)}}}));
      }
    }
  }

  json run() {
    auto& o = st_.opt;
    if (live_.empty())
      return {{"batch", batch_}, {"error", "no live session"}};
    cpu_meter cpu(o);
    started_ = steady::now();
    for (std::size_t k = 0; k < std::min(o.inflight, events_); ++k)
      issue();
    {
      std::unique_lock<std::mutex> lock(mtx_);
      cv_.wait_for(lock, 30min, [&] { return finished_ >= events_; });
    }
    auto secs = std::chrono::duration<double>(last_ack_ - started_).count();
    auto lat = pc_.latency.summarise();
    auto docs = pc_.documents_acked.load();
    auto rate = secs > 0 ? static_cast<double>(docs) / secs : 0.0;
    auto mem = server_memory(o);
    std::printf("\n(c) documents, %s, %zu events in flight over %zu sessions\n",
                batch_ == 1 ? "one per daemon:pdf_indexed" : "ten per daemon:pdf_indexed_batch", o.inflight,
                live_.size());
    std::printf("  documents acked      %zu of %zu in %.2f s  = %.0f documents/s\n", docs, o.docs, secs, rate);
    std::printf("  events               %zu sent, %zu acked, %zu rejected, %zu timed out, %zu lost, %zu refused\n",
                pc_.sent.load(), pc_.acked.load(), pc_.rejected.load(), pc_.timeouts.load(), pc_.lost.load(),
                pc_.refused.load());
    std::printf("  per-document result  %zu duplicates, %zu errors\n", pc_.duplicates.load(), pc_.doc_errors.load());
    if (!pc_.first_rejection.empty())
      std::printf("  first rejection      %s\n", pc_.first_rejection.c_str());
    std::printf("  ack latency          p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n", lat.p50_ms,
                lat.p90_ms, lat.p99_ms, lat.max_ms);
    std::printf("  server memory        %s\n", memory_text(mem).c_str());
    auto cpu_used = cpu.report();
    std::fflush(stdout);
    return {{"batch", batch_},
            {"cpu", cpu_used},
            {"documents", o.docs},
            {"documents_acked", docs},
            {"documents_per_s", std::round(rate)},
            {"events_sent", pc_.sent.load()},
            {"events_acked", pc_.acked.load()},
            {"rejected", pc_.rejected.load()},
            {"timeouts", pc_.timeouts.load()},
            {"lost", pc_.lost.load()},
            {"duplicates", pc_.duplicates.load()},
            {"document_errors", pc_.doc_errors.load()},
            {"first_rejection", pc_.first_rejection},
            {"latency", bench::to_json(lat)},
            {"server_memory", memory_json(mem)},
            {"seconds", std::round(secs * 1000) / 1000}};
  }

private:
  bench_state& st_;
  int batch_;
  std::string nonce_;
  std::vector<session*> live_;
  std::size_t events_ = 0;
  std::chrono::milliseconds timeout_{};
  std::atomic<std::size_t> next_event_{0};
  std::vector<json> payloads_; // one per event, each the event's argument list
  std::size_t finished_ = 0;
  steady::time_point started_, last_ack_;
  std::mutex mtx_;
  std::condition_variable cv_;
  phase_counters pc_;

  void issue() {
    auto k = next_event_++;
    if (k >= events_)
      return;
    auto docs_here = std::min<std::size_t>(static_cast<std::size_t>(batch_), st_.opt.docs - k * batch_);
    auto* s = live_[k % live_.size()];
    auto name = event_name(st_.opt, batch_ == 1 ? "daemon:pdf_indexed" : "daemon:pdf_indexed_batch");
    ++pc_.sent;
    auto sent_at = steady::now();
    s->client->emit_with_ack(name, payloads_[k],
                             [this, sent_at, docs_here](net::ack_result r) { on_ack(std::move(r), sent_at, docs_here); },
                             timeout_);
  }

  void on_ack(net::ack_result r, steady::time_point sent_at, std::size_t docs_here) {
    if (!r) {
      pc_.count_failure(r.status);
    } else {
      pc_.latency.add(steady::now() - sent_at);
      count_documents(r.args.empty() ? json() : r.args[0], docs_here, r.args);
    }
    {
      std::lock_guard<std::mutex> lock(mtx_);
      ++finished_;
      last_ack_ = steady::now();
      if (finished_ >= events_)
        cv_.notify_all();
    }
    issue();
  }

  void count_documents(const json& a, std::size_t docs_here, const json& all) {
    auto reject = [&] {
      ++pc_.rejected;
      pc_.note_rejection(all.dump().substr(0, 300));
    };
    if (st_.opt.echo) {
      // sio-echo answers with what it got: the documents came back intact.
      std::size_t back = batch_ == 1 ? (a.is_object() && a.contains("fileHash") ? 1 : 0)
                                     : (a.is_object() && a.contains("documents") ? a["documents"].size() : 0);
      if (back != docs_here)
        return reject();
      ++pc_.acked;
      pc_.documents_acked += back;
      return;
    }
    if (batch_ == 1) {
      if (!a.is_object() || !a.value("received", false) || !a.contains("recordId"))
        return reject();
      ++pc_.acked;
      ++pc_.documents_acked;
      if (a.value("status", std::string()) == "duplicate")
        ++pc_.duplicates;
      return;
    }
    if (!a.is_object() || !a.contains("processed") || !a.contains("results") || !a["results"].is_array())
      return reject();
    ++pc_.acked;
    auto processed = a.value("processed", std::size_t{0});
    auto duplicates = a.value("duplicates", std::size_t{0});
    auto errors = a.value("errors", std::size_t{0});
    pc_.documents_acked += processed + duplicates;
    pc_.duplicates += duplicates;
    pc_.doc_errors += errors;
    if (errors > 0)
      pc_.note_rejection(a["results"].dump().substr(0, 300));
  }
};

} // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"Open many /daemon sessions against a running siberius server and measure heartbeats and "
               "acked documents per second."};
  app.add_option("--url", o.url, "Server URL (http, https, ws, wss)");
  app.add_option("--token-file", o.token_file, "File with one daemon token per line ('token [clientId]')");
  app.add_option("--admin-token", o.admin_token, "Admin API token: create the daemon tokens through the API");
  // The last --sessions wins, so a script can append its own.
  app.add_option("--sessions", o.sessions, "Concurrent daemon sessions")
    ->check(CLI::Range(1, 60000))
    ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--heartbeat-interval", o.heartbeat_interval_s, "Seconds between heartbeats of one session")
    ->check(CLI::PositiveNumber);
  app.add_option("--duration", o.duration_s, "Seconds of the heartbeat phase (0 skips it)")
    ->check(CLI::NonNegativeNumber);
  app.add_option("--docs", o.docs, "Documents per document phase (0 skips them)");
  app.add_option("--batch", o.batches, "Documents per event: 1 (daemon:pdf_indexed) and/or 10 (batch)")
    ->check(CLI::IsMember({1, 10}));
  app.add_option("--server-pid", o.server_pid, "Server process whose VmRSS/VmHWM is reported");
  app.add_option("--connect-concurrency", o.connect_concurrency, "Connects in flight at once")
    ->check(CLI::PositiveNumber);
  app.add_option("--inflight", o.inflight, "Document events awaiting their ack at once")->check(CLI::PositiveNumber);
  app.add_option("--threads", o.threads, "I/O threads of the bench")->check(CLI::Range(1, 64));
  app.add_option("--source-addresses", o.source_addresses, "Spread sessions over 127.0.0.1..N (loopback only)")
    ->check(CLI::Range(1, 250));
  app.add_option("--ack-timeout", o.ack_timeout_s, "Seconds before an unanswered ack counts as timed out")
    ->check(CLI::PositiveNumber);
  app.add_flag("--echo", o.echo, "Drive sio-echo instead (namespace /, message-with-ack for every event)");
  CLI11_PARSE(app, argc, argv);

  auto url = net::parse_client_url(o.url);
  if (!url) {
    std::fprintf(stderr, "--url: %s\n", url.error.c_str());
    return 2;
  }
  // Ask for room for both ends (a server in this process's limits would need
  // it); one end, N sockets plus a margin, is what the bench itself needs.
  auto fds = bench::raise_fd_limit(2 * o.sessions + 512);
  if (fds < o.sessions + 64) {
    std::fprintf(stderr, "open-file limit is %llu, %zu sessions need %zu: raise it (ulimit -n)\n",
                 static_cast<unsigned long long>(fds), o.sessions, o.sessions + 64);
    return 2;
  }

  std::random_device rd;
  auto nonce = std::to_string(::getpid()) + "-" + std::to_string(rd()) + "-" + std::to_string(rd());
  std::vector<bench::daemon_token> tokens;
  double token_seconds = 0;
  if (o.echo) {
    for (std::size_t i = 0; i < o.sessions; ++i)
      tokens.push_back({"echo-token", "bench-echo-" + std::to_string(i)});
  } else if (!o.token_file.empty()) {
    std::string err;
    tokens = bench::read_token_file(o.token_file, "bench-" + nonce, err);
    if (!err.empty()) {
      std::fprintf(stderr, "--token-file: %s\n", err.c_str());
      return 2;
    }
    if (tokens.size() < o.sessions) {
      std::fprintf(stderr, "--token-file has %zu tokens, --sessions wants %zu (one token per daemon)\n",
                   tokens.size(), o.sessions);
      return 2;
    }
  } else if (!o.admin_token.empty()) {
    if (url.url->tls) {
      std::fprintf(stderr, "--admin-token creates tokens over plain HTTP only; use --token-file with https\n");
      return 2;
    }
    std::string err;
    auto t0 = steady::now();
    tokens = bench::create_tokens(url.url->host, url.url->port, url.url->path_prefix, o.admin_token,
                                  "bench-" + nonce, o.sessions, 8, err);
    token_seconds = std::chrono::duration<double>(steady::now() - t0).count();
    if (!err.empty()) {
      std::fprintf(stderr, "creating daemon tokens: %s\n", err.c_str());
      return 1;
    }
  } else {
    std::fprintf(stderr, "give --token-file or --admin-token (or --echo for sio-echo)\n");
    return 2;
  }

  std::printf("bench-daemon-sessions: %zu sessions against %s%s, %zu I/O thread(s), fd limit %llu\n", o.sessions,
              o.url.c_str(), o.echo ? " (sio-echo)" : "", o.threads, static_cast<unsigned long long>(fds));
  if (token_seconds > 0)
    std::printf("  tokens created       %zu in %.2f s through the admin API\n", tokens.size(), token_seconds);
  auto server_start_mem = server_memory(o);
  if (o.server_pid > 0)
    std::printf("  server memory        %s before the run\n", memory_text(server_start_mem).c_str());

  boost::asio::io_context ioc(static_cast<int>(o.threads));
  auto guard = boost::asio::make_work_guard(ioc);
  std::vector<std::thread> io_threads;
  for (std::size_t t = 0; t < o.threads; ++t)
    io_threads.emplace_back([&ioc] { ioc.run(); });

  bench_state st;
  st.opt = o;
  json report = {{"bench", "daemon-sessions"},
                 {"mode", o.echo ? "sio-echo" : "server"},
                 {"url", o.url},
                 {"threads", o.threads},
                 {"server_memory_start", memory_json(server_start_mem)}};
  report["open"] = open_sessions(st, ioc, tokens);
  if (st.connected > 0 && o.duration_s > 0)
    report["heartbeat"] = heartbeats(st);
  report["documents"] = json::array();
  if (st.connected > 0 && o.docs > 0)
    for (int b : o.batches)
      report["documents"].push_back(document_run(st, b, nonce + "-b" + std::to_string(b)).run());
  auto final_mem = server_memory(o);
  report["server_memory_end"] = memory_json(final_mem);
  {
    std::lock_guard<std::mutex> lock(st.mtx);
    report["sessions_dropped"] = st.disconnect_reasons;
    if (!st.disconnect_reasons.empty()) {
      std::printf("\nsessions dropped during the run:");
      for (auto& [reason, count] : st.disconnect_reasons)
        std::printf("  %zu %s", count, reason.c_str());
      std::printf("\n");
    }
  }
  if (o.server_pid > 0)
    std::printf("\nserver memory at the end %s\n", memory_text(final_mem).c_str());

  // Goodbye: every session leaves its namespace, then the threads stop.
  for (auto& s : st.sessions)
    s->client->close();
  std::this_thread::sleep_for(st.sessions.size() > 1000 ? 2s : 300ms);
  st.sessions.clear();
  guard.reset();
  ioc.stop();
  for (auto& t : io_threads)
    t.join();

  std::printf("\n%s\n", report.dump().c_str());
  bool complete = st.connected == o.sessions;
  return complete ? 0 : 1;
}
