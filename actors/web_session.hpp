// Browser sessions: the session token travels in an HttpOnly, SameSite=Strict
// cookie that no script can read, and a request it authenticates must come
// from a page of this server (or an origin the operator listed). Pure code:
// the REST API and the /client namespace both ask it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <ostream> // boost/beast/http/verb.hpp needs it declared

#include <boost/beast/http/verb.hpp>

namespace siberius::actors {

/// The cookie that holds a browser's session token.
inline constexpr std::string_view session_cookie_name = "siberius_session";

/// The value of cookie `name` in a Cookie header; "" when absent.
std::string cookie_value(std::string_view header, std::string_view name);

/// Set-Cookie for a new browser session lasting `max_age`; `secure` when the
/// browser reached us over TLS (through the proxy).
std::string session_set_cookie(const std::string& token, std::chrono::seconds max_age, bool secure);
/// Set-Cookie that removes the session cookie.
std::string session_clear_cookie(bool secure);

/// Which origins may use a browser session: the server's own (the scheme and
/// Host the request arrived with) and those the operator listed
/// (--allowed-origin, e.g. "https://siberius.example.com").
struct origin_policy {
  std::vector<std::string> allowed;

  /// Whether a page at `origin` may act with the session, for a request that
  /// arrived for `host` over TLS or not. An empty or "null" origin never may.
  bool allows(std::string_view origin, std::string_view host, bool secure) const;
};

/// Why a cookie-authenticated request is refused as cross-site; "" when it
/// may go on. Reads (GET, HEAD) always may: SameSite=Strict keeps the cookie
/// off other sites' navigations, and a read changes nothing. A request that
/// changes something must say where it comes from (Origin or
/// Sec-Fetch-Site, which every current browser sends) and that must be us.
std::string cross_site_refusal(boost::beast::http::verb method, std::string_view origin,
                               std::string_view fetch_site, std::string_view host, bool secure,
                               const origin_policy& policy);

} // namespace siberius::actors
