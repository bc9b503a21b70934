// A small synchronous HTTP/1.1 client over Boost.Beast, with TLS (peer and
// host name verified) for https URLs. One request per connection: the CLI
// makes a handful of calls per run, so keep-alive buys nothing.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "cli/url.hpp"

namespace siberius::cli {

struct http_reply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> headers; // lower-case names
};

struct http_call {
  std::string method = "GET";
  std::string path;                          // starts with '/', appended to base_path
  std::map<std::string, std::string> headers;
  std::optional<std::string> body;           // sent with Content-Length when set
};

/// Receives the body of a 2xx reply as it arrives (see perform_download).
class body_sink {
public:
  virtual ~body_sink() = default;
  /// The status and headers, once, before any byte of the body; throwing
  /// here abandons the call.
  virtual void begin(const http_reply& head) = 0;
  virtual void write(const char* data, std::size_t size) = 0;
};

class http_client {
public:
  /// `timeout` bounds each call as a whole: resolve, connect, TLS, write, read.
  http_client(server_url url, std::chrono::milliseconds timeout);

  /// Performs one call. Throws connection_error when the server cannot be
  /// reached, times out, fails TLS verification or sends a malformed reply.
  /// Any HTTP status is returned, not thrown.
  http_reply perform(const http_call& call) const;

  /// Like perform, but a 2xx body goes to `sink` piece by piece, never held
  /// in memory and of any size; once the headers are in, the timeout bounds
  /// each wait for more bytes instead of the whole call. Any other reply
  /// comes back whole, as from perform. The returned reply of a 2xx has an
  /// empty body.
  http_reply perform_download(const http_call& call, body_sink& sink) const;

  const server_url& url() const { return url_; }

  /// Largest response body read into memory.
  static constexpr std::size_t max_body_bytes = 64 * 1024 * 1024;

private:
  http_reply run_call(const http_call& call, body_sink* sink) const;

  server_url url_;
  std::chrono::milliseconds timeout_;
};

} // namespace siberius::cli
