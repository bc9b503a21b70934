// Percent-escapes, query strings and server base URLs: the one place that
// reads them, over Boost.URL. Pure code, no I/O; shared by the server, the
// daemon and the admin CLI.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siberius::net {

/// "%41na+Lima" -> "Ana Lima" (a query string); with `plus_is_space` false, as
/// in a path segment, '+' stays itself. nullopt when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = true);

/// Every byte but RFC 3986's unreserved characters as %XX: a path segment, a
/// query value, or an RFC 8187 filename*.
std::string percent_encode(std::string_view s);

struct query_field {
  std::string name;
  std::string value;
};

/// The query string of a request target, decoded ('+' is a space).
struct query_fields {
  /// In order; empty fields ("a&&b") are left out.
  std::vector<query_field> fields;
  /// The name of the first field that cannot be read (a malformed escape, or
  /// a character a query string may not hold); `fields` is then empty.
  std::optional<std::string> malformed;

  /// The value of the first field called `name`.
  std::optional<std::string> find(std::string_view name) const;
};

query_fields parse_query_fields(std::string_view target);

/// The raw (still percent-encoded) value of `name` in the target's query
/// string; nullopt when absent or when the query string is malformed.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

/// A server's base URL: scheme, host, port and an optional path prefix (a
/// reverse proxy may mount the server under one).
struct server_url {
  std::string scheme;     // lower case: http, https, ws or wss
  bool tls = false;       // https or wss
  std::string host;       // as written; an IPv6 literal without brackets
  std::uint16_t port = 0; // explicit, or 80/443 from the scheme
  std::string path_prefix; // "" or "/prefix" without a trailing slash

  /// host[:port] as sent in the Host header (port omitted when default).
  std::string host_header() const;
};

/// Why a text is not a usable server URL; each caller words it for its users.
enum class url_problem {
  none,
  no_scheme,         // not scheme://authority at all
  bad_scheme,        // a scheme the caller does not take
  query_or_fragment, // a base URL has neither
  user_info,         // credentials do not go in the URL
  no_host,
  empty_port,
  bad_port,          // not a number from 1 to 65535
  unterminated_ipv6, // "[::1"
  bad_ipv6,
  bad_host,          // a character no host name has
  bad_path,          // a character no path has (spaces, controls)
};

struct server_url_result {
  std::optional<server_url> url;
  url_problem problem = url_problem::none;
  explicit operator bool() const { return url.has_value(); }
};

/// Parses "scheme://host[:port][/prefix]" where scheme is one of `schemes`
/// (lower case). User info, query strings and fragments are refused.
server_url_result parse_server_url(std::string_view text, const std::vector<std::string_view>& schemes);

} // namespace siberius::net
