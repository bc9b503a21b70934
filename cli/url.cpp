#include "cli/url.hpp"

#include <stdexcept>

#include "net/url.hpp"

namespace siberius::cli {

namespace {

const char* reason(net::url_problem p) {
  using net::url_problem;
  switch (p) {
    case url_problem::no_scheme: return "expected http://HOST[:PORT] or https://HOST[:PORT]";
    case url_problem::bad_scheme: return "scheme must be http or https";
    case url_problem::query_or_fragment: return "a query or fragment is not allowed";
    case url_problem::user_info: return "credentials in the URL are not supported; use --token";
    case url_problem::no_host: return "missing host";
    case url_problem::empty_port:
    case url_problem::bad_port: return "port must be a number from 1 to 65535";
    case url_problem::unterminated_ipv6: return "unterminated IPv6 address";
    case url_problem::bad_ipv6: return "invalid IPv6 address";
    case url_problem::bad_host: return "host contains whitespace or control characters";
    case url_problem::bad_path: return "path contains whitespace or control characters";
    case url_problem::none: break;
  }
  return "not a URL";
}

} // namespace

std::string server_url::host_header() const {
  return net::server_url{scheme, tls(), host, port, base_path}.host_header();
}

std::string server_url::target(const std::string& path) const {
  return base_path + path;
}

server_url parse_server_url(const std::string& text) {
  auto parsed = net::parse_server_url(text, {"http", "https"});
  if (!parsed)
    throw std::invalid_argument("invalid server URL \"" + text + "\": " + reason(parsed.problem));
  const auto& u = *parsed.url;
  return {u.scheme, u.host, u.port, u.path_prefix};
}

} // namespace siberius::cli
