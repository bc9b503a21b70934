// The --server URL: scheme, host, port and an optional path prefix (the API
// may sit under a prefix behind nginx), read by net/url.hpp. Pure code.
#pragma once

#include <cstdint>
#include <string>

namespace siberius::cli {

struct server_url {
  std::string scheme;       // "http" or "https"
  std::string host;         // without brackets for IPv6 literals
  std::uint16_t port = 0;   // explicit, or 80/443 from the scheme
  std::string base_path;    // "" or "/prefix" without a trailing slash

  bool tls() const { return scheme == "https"; }
  /// host[:port] as sent in the Host header (port omitted when default).
  std::string host_header() const;
  /// base_path + path, where path starts with '/'.
  std::string target(const std::string& path) const;
};

/// Parses "http://host[:port][/prefix]" or "https://…". Throws
/// std::invalid_argument with a message naming what is wrong.
server_url parse_server_url(const std::string& text);

} // namespace siberius::cli
