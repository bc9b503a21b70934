// Small pieces the benchmarks share: latency statistics, process memory from
// /proc, the file-descriptor limit, and daemon tokens from the admin API.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pdf/sha256_stream.hpp"

namespace siberius::bench {

/// Latencies from many threads; summarised once the phase is over.
class latency_recorder {
public:
  void add(std::chrono::steady_clock::duration d);
  struct summary {
    std::size_t count = 0;
    double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  };
  summary summarise();
  void clear();

private:
  std::mutex mtx_;
  std::vector<std::uint32_t> micros_;
};

nlohmann::json to_json(const latency_recorder::summary& s);

/// VmRSS and VmHWM of a process in MiB (nullopt when it cannot be read).
struct process_memory {
  double rss_mb = 0;
  double hwm_mb = 0;
};
std::optional<process_memory> read_process_memory(int pid);

/// User plus system CPU seconds a process has used so far (nullopt when
/// /proc/<pid>/stat cannot be read). Told per phase, it shows how the two
/// cores were shared between the bench and the server.
std::optional<double> read_process_cpu_seconds(int pid);

/// Raises RLIMIT_NOFILE to at least `wanted` (up to the hard limit, or past it
/// when privileged); returns the soft limit in force afterwards.
std::uint64_t raise_fd_limit(std::uint64_t wanted);

struct daemon_token {
  std::string token;
  std::string client_id;
};

/// Reads "token [clientId]" lines; blank lines and '#' comments skipped.
/// Missing clientIds become "<prefix>-<line number>".
std::vector<daemon_token> read_token_file(const std::string& path, const std::string& prefix,
                                          std::string& error);

/// Creates `count` daemon tokens through POST /api/admin/daemon-tokens on a
/// plain-HTTP server, over `parallel` keep-alive connections.
std::vector<daemon_token> create_tokens(const std::string& host, std::uint16_t port,
                                        const std::string& path_prefix, const std::string& admin_token,
                                        const std::string& client_prefix, std::size_t count,
                                        std::size_t parallel, std::string& error);

/// Lowercase hex SHA-256 of a text (pdf/sha256_stream.hpp).
using siberius::sha256_hex;

/// UTC now as ISO 8601 with milliseconds.
std::string utc_now_iso8601();

} // namespace siberius::bench
