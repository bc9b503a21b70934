// The daemon's upload client: POST /api/daemon/upload with one PDF as
// multipart/form-data, streamed from disk in chunks (memory use does not
// depend on the file's size), over http or https.
//
// upload_file() blocks: it runs the whole exchange on a private io_context,
// with asynchronous operations only because Asio's blocking calls cannot time
// out. One upload per connection (Connection: close); retrying is the
// caller's decision, guided by upload_outcome::retryable and retry_after.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace siberius::net {

struct upload_spec {
  /// Server base URL as for parse_client_url: http(s)://host[:port][/prefix];
  /// the POST goes to <prefix>/api/daemon/upload.
  std::string url;
  /// PEM file of trusted CAs for https; empty means the system's store.
  std::string ca_file;
  /// Verify the server certificate and host name (https only).
  bool verify_peer = true;
  /// Sent as Authorization: Bearer <token> (omitted when empty).
  std::string token;
  /// X-Request-Id: the server's request this upload answers.
  std::string request_id;
  /// X-File-Hash: the file's SHA-256, 64 hex digits.
  std::string file_hash;
  /// The file on disk; read in chunk_bytes pieces, never whole.
  std::string file_path;
  /// The name in the part's Content-Disposition (see form_data_disposition).
  std::string filename;
  /// Resolve, TCP connect and TLS handshake together.
  std::chrono::milliseconds connect_timeout{10000};
  /// Nothing written or read for this long fails the upload (retryable).
  /// Once the body is sent this bounds the wait for the verdict, so it must
  /// exceed the server's checks (hash, PDF parse) of a large file.
  std::chrono::milliseconds idle_timeout{30000};
  /// How long to wait for "100 Continue" (or an early refusal) before the
  /// body is sent anyway, for servers that ignore Expect.
  std::chrono::milliseconds continue_timeout{1000};
  std::size_t chunk_bytes = 256 * 1024;
  /// File bytes sent so far and the file's size. Runs on the calling thread,
  /// at most about ten times a second, and once with sent == total when the
  /// whole body has been written. Must not throw.
  std::function<void(std::uint64_t sent, std::uint64_t total)> on_progress;
  /// Polled between chunks and about every 50 ms while connecting or
  /// waiting; once set the upload stops with upload_result::cancelled (the
  /// server may still have stored a file whose body was complete).
  const std::atomic<bool>* cancel = nullptr;
  std::string user_agent = "siberius-daemon";
};

enum class upload_result {
  stored,     ///< 2xx: the server has the file
  rejected,   ///< 3xx/4xx: the server refused it (see retryable for 408/429)
  failed,     ///< no verdict (network, TLS, timeout, bad URL) or a 5xx
  cancelled,  ///< the cancel flag was set
  file_error, ///< the file cannot be read, changed size while sent, or its
              ///< name cannot be put into a part header
};

/// "stored", "rejected", ... for logs.
const char* to_string(upload_result r);

struct upload_outcome {
  upload_result result = upload_result::failed;
  /// The HTTP status when a final response arrived, else 0.
  int status = 0;
  /// The response body parsed as JSON; null when none or not JSON.
  nlohmann::json body;
  /// One line for logs and people ("HTTP 422 hash_mismatch: ...",
  /// "connection reset by the server after 1234 of 5678 bytes"); empty when stored.
  std::string error;
  /// Worth trying again later: network errors, timeouts, 5xx, 408, 429.
  /// Never for rejections, certificate failures, file errors or cancels.
  bool retryable = false;
  /// Retry-After (delta seconds) of a 429 or 503, else 0.
  std::chrono::milliseconds retry_after{0};
  /// File bytes handed to the connection (not necessarily received).
  std::uint64_t bytes_sent = 0;
};

/// Performs one upload and returns how it ended; never throws for network,
/// server or file problems.
upload_outcome upload_file(const upload_spec& spec);

/// The Content-Disposition value of the file part: form-data; name="file";
/// filename="<name>" with '"' and '\' escaped, plus filename*=UTF-8''<percent
/// encoded> when the name is not plain ASCII. Empty when the name holds
/// control characters (they cannot travel in a header).
std::string form_data_disposition(std::string_view filename);

} // namespace siberius::net
