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

class http_client {
public:
  /// `timeout` bounds each call as a whole: resolve, connect, TLS, write, read.
  http_client(server_url url, std::chrono::milliseconds timeout);

  /// Performs one call. Throws connection_error when the server cannot be
  /// reached, times out, fails TLS verification or sends a malformed reply.
  /// Any HTTP status is returned, not thrown.
  http_reply perform(const http_call& call) const;

  const server_url& url() const { return url_; }

  /// Largest response body read into memory.
  static constexpr std::size_t max_body_bytes = 64 * 1024 * 1024;

private:
  server_url url_;
  std::chrono::milliseconds timeout_;
};

} // namespace siberius::cli
