#include "bench_support.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace siberius::bench {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

void latency_recorder::add(std::chrono::steady_clock::duration d) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  std::lock_guard<std::mutex> lock(mtx_);
  micros_.push_back(static_cast<std::uint32_t>(std::clamp<long long>(us, 0, UINT32_MAX)));
}

latency_recorder::summary latency_recorder::summarise() {
  std::vector<std::uint32_t> v;
  {
    std::lock_guard<std::mutex> lock(mtx_);
    v = micros_;
  }
  summary s;
  s.count = v.size();
  if (v.empty())
    return s;
  std::sort(v.begin(), v.end());
  // Nearest-rank percentile.
  auto pct = [&](double p) {
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)] / 1000.0;
  };
  s.p50_ms = pct(50);
  s.p90_ms = pct(90);
  s.p99_ms = pct(99);
  s.max_ms = v.back() / 1000.0;
  return s;
}

void latency_recorder::clear() {
  std::lock_guard<std::mutex> lock(mtx_);
  micros_.clear();
}

nlohmann::json to_json(const latency_recorder::summary& s) {
  auto round3 = [](double x) { return std::round(x * 1000.0) / 1000.0; };
  return {{"count", s.count},
          {"p50_ms", round3(s.p50_ms)},
          {"p90_ms", round3(s.p90_ms)},
          {"p99_ms", round3(s.p99_ms)},
          {"max_ms", round3(s.max_ms)}};
}

std::optional<process_memory> read_process_memory(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in)
    return std::nullopt;
  process_memory m;
  bool rss = false;
  std::string line;
  while (std::getline(in, line)) {
    auto field = [&](const char* name, double& out) {
      if (line.rfind(name, 0) == 0) {
        out = std::stod(line.substr(std::char_traits<char>::length(name))) / 1024.0;
        return true;
      }
      return false;
    };
    rss |= field("VmRSS:", m.rss_mb);
    field("VmHWM:", m.hwm_mb);
  }
  if (!rss)
    return std::nullopt;
  return m;
}

std::optional<double> read_process_cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat))
    return std::nullopt;
  // The command name may hold spaces: fields are counted after its ')'.
  auto close = stat.rfind(')');
  if (close == std::string::npos)
    return std::nullopt;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // Field 3 (state) is the first after ')'; utime and stime are 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14)
      utime = std::stoull(field);
    else if (i == 15)
      stime = std::stoull(field);
  }
  auto ticks = ::sysconf(_SC_CLK_TCK);
  if (ticks <= 0)
    return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(ticks);
}

std::uint64_t raise_fd_limit(std::uint64_t wanted) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0)
    return 0;
  if (lim.rlim_cur >= wanted)
    return lim.rlim_cur;
  rlimit want = lim;
  want.rlim_cur = std::min<rlim_t>(wanted, lim.rlim_max);
  if (wanted > lim.rlim_max) {
    // Only a privileged process may raise the hard limit; try, then fall back.
    rlimit higher{wanted, wanted};
    if (::setrlimit(RLIMIT_NOFILE, &higher) == 0)
      return wanted;
  }
  ::setrlimit(RLIMIT_NOFILE, &want);
  ::getrlimit(RLIMIT_NOFILE, &lim);
  return lim.rlim_cur;
}

std::vector<daemon_token> read_token_file(const std::string& path, const std::string& prefix,
                                          std::string& error) {
  std::vector<daemon_token> out;
  std::ifstream in(path);
  if (!in) {
    error = "cannot read token file " + path;
    return out;
  }
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::istringstream fields(line);
    daemon_token t;
    if (!(fields >> t.token) || t.token[0] == '#')
      continue;
    if (!(fields >> t.client_id))
      t.client_id = prefix + "-" + std::to_string(n);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<daemon_token> create_tokens(const std::string& host, std::uint16_t port,
                                        const std::string& path_prefix, const std::string& admin_token,
                                        const std::string& client_prefix, std::size_t count,
                                        std::size_t parallel, std::string& error) {
  std::vector<daemon_token> out(count);
  std::atomic<std::size_t> next{0};
  std::mutex err_mtx;
  std::vector<std::thread> workers;
  parallel = std::max<std::size_t>(1, std::min(parallel, count));
  for (std::size_t w = 0; w < parallel; ++w) {
    workers.emplace_back([&] {
      boost::asio::io_context ioc;
      tcp::socket sock(ioc);
      boost::beast::flat_buffer buf;
      auto fail = [&](std::string why) {
        std::lock_guard<std::mutex> lock(err_mtx);
        if (error.empty())
          error = std::move(why);
        next = count; // the others stop too
      };
      boost::system::error_code ec;
      tcp::resolver resolver(ioc);
      auto endpoints = resolver.resolve(host, std::to_string(port), ec);
      if (!ec)
        boost::asio::connect(sock, endpoints, ec);
      if (ec)
        return fail("cannot reach " + host + ":" + std::to_string(port) + ": " + ec.message());
      for (std::size_t i = next++; i < count; i = next++) {
        auto client_id = client_prefix + "-" + std::to_string(i);
        http::request<http::string_body> req{http::verb::post, path_prefix + "/api/admin/daemon-tokens", 11};
        req.set(http::field::host, host);
        req.set(http::field::authorization, "Bearer " + admin_token);
        req.set(http::field::content_type, "application/json");
        req.keep_alive(true);
        req.body() = nlohmann::json{{"name", "bench " + client_id}, {"clientId", client_id}}.dump();
        req.prepare_payload();
        http::write(sock, req, ec);
        http::response<http::string_body> res;
        if (!ec)
          http::read(sock, buf, res, ec);
        if (ec)
          return fail("token request failed: " + ec.message());
        if (res.result() != http::status::created)
          return fail("POST /api/admin/daemon-tokens answered " + std::to_string(res.result_int()) + ": " +
                      res.body());
        auto body = nlohmann::json::parse(res.body(), nullptr, false);
        if (!body.is_object() || !body.contains("token") || !body["token"].is_string())
          return fail("POST /api/admin/daemon-tokens answered without a token: " + res.body());
        out[i].token = body["token"].get<std::string>();
        out[i].client_id = body.value("clientId", client_id);
        if (!res.keep_alive())
          return fail("server closed the keep-alive connection");
      }
    });
  }
  for (auto& t : workers)
    t.join();
  if (!error.empty())
    out.clear();
  return out;
}


std::string utc_now_iso8601() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

} // namespace siberius::bench
