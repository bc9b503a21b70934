#include "cli/url.hpp"

#include <cctype>
#include <stdexcept>

namespace siberius::cli {

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

[[noreturn]] void fail(const std::string& text, const std::string& why) {
  throw std::invalid_argument("invalid server URL \"" + text + "\": " + why);
}

std::uint16_t parse_port(const std::string& text, const std::string& digits) {
  if (digits.empty() || digits.size() > 5)
    fail(text, "port must be a number from 1 to 65535");
  unsigned long value = 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      fail(text, "port must be a number from 1 to 65535");
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value == 0 || value > 65535)
    fail(text, "port must be a number from 1 to 65535");
  return static_cast<std::uint16_t>(value);
}

} // namespace

std::string server_url::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (tls() && port == 443) || (!tls() && port == 80);
  if (!default_port)
    h += ":" + std::to_string(port);
  return h;
}

std::string server_url::target(const std::string& path) const {
  return base_path + path;
}

server_url parse_server_url(const std::string& text) {
  server_url url;
  auto sep = text.find("://");
  if (sep == std::string::npos)
    fail(text, "expected http://HOST[:PORT] or https://HOST[:PORT]");
  url.scheme = lower(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https")
    fail(text, "scheme must be http or https");
  std::string rest = text.substr(sep + 3);
  // Query strings and fragments have no meaning for a server base URL.
  if (rest.find_first_of("?#") != std::string::npos)
    fail(text, "a query or fragment is not allowed");
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string::npos)
    fail(text, "credentials in the URL are not supported; use --token");
  if (authority.empty())
    fail(text, "missing host");

  std::string port_text;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos)
      fail(text, "unterminated IPv6 address");
    url.host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        fail(text, "unexpected text after IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty())
        fail(text, "port must be a number from 1 to 65535");
    }
  } else {
    auto colon = authority.find(':');
    url.host = authority.substr(0, colon);
    if (colon != std::string::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty())
        fail(text, "port must be a number from 1 to 65535");
    }
  }
  if (url.host.empty())
    fail(text, "missing host");
  for (char c : url.host)
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
      fail(text, "host contains whitespace or control characters");
  url.port = port_text.empty() ? (url.tls() ? 443 : 80) : parse_port(text, port_text);

  while (!path.empty() && path.back() == '/')
    path.pop_back();
  for (char c : path)
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
      fail(text, "path contains whitespace or control characters");
  url.base_path = path;
  return url;
}

} // namespace siberius::cli
