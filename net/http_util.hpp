// Small pieces the HTTP session's files share: plain answers, the Engine.IO
// error answer, and matching a request path against a mount point.
#pragma once

#include <string>
#include <string_view>

#include <boost/beast/core/string.hpp>
#include <nlohmann/json.hpp>

#include "net/server.hpp"

namespace siberius::net::detail {

inline http_response make_response(const http_request& req, http::status status, std::string body,
                                   const char* content_type) {
  http_response res{status, req.version()};
  res.set(http::field::server, "siberius");
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

// The reference Engine.IO server answers a refused handshake with HTTP 400
// and {"code":N,"message":"..."}; clients show that message.
inline http_response engine_error(const http_request& req, int code, const char* message,
                                  http::status status = http::status::bad_request) {
  nlohmann::json body = {{"code", code}, {"message", message}};
  return make_response(req, status, body.dump(), "application/json");
}

/// What the first request of an Engine.IO session tells an application
/// (forwarding headers of untrusted peers are already removed).
inline handshake_info handshake_of(const http_request& req) {
  handshake_info hs;
  hs.origin = std::string(req[http::field::origin]);
  hs.cookie = std::string(req[http::field::cookie]);
  hs.host = std::string(req[http::field::host]);
  hs.fetch_site = std::string(req["Sec-Fetch-Site"]);
  hs.secure = boost::beast::iequals(req["X-Forwarded-Proto"], "https");
  return hs;
}

// "/socket.io/" also matches "/socket.io", as the reference server does.
inline bool path_matches(std::string_view path, const std::string& mount) {
  std::string_view m = mount;
  if (path == m)
    return true;
  if (!m.empty() && m.back() == '/')
    return path == m.substr(0, m.size() - 1);
  return false;
}

} // namespace siberius::net::detail
