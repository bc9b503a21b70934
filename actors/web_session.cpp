#include "actors/web_session.hpp"

#include "net/origin.hpp"

#include <cctype>

namespace siberius::actors {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    auto pair = trim(header.substr(0, semi));
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
      auto value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      return std::string(value);
    }
    if (semi == std::string_view::npos)
      break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

std::string session_set_cookie(const std::string& token, std::chrono::seconds max_age, bool secure) {
  return std::string(session_cookie_name) + "=" + token + "; Path=/; Max-Age=" + std::to_string(max_age.count()) +
         "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

std::string session_clear_cookie(bool secure) {
  return std::string(session_cookie_name) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

bool origin_policy::allows(std::string_view origin, std::string_view host, bool secure) const {
  return net::origin_allowed(origin, host, secure, allowed);
}

std::string cross_site_refusal(boost::beast::http::verb method, std::string_view origin,
                               std::string_view fetch_site, std::string_view host, bool secure,
                               const origin_policy& policy) {
  using boost::beast::http::verb;
  if (method == verb::get || method == verb::head || method == verb::options)
    return {};
  if (!origin.empty()) {
    if (policy.allows(origin, host, secure))
      return {};
    return "cross-site request refused: origin " + std::string(origin) + " may not use this session";
  }
  if (fetch_site == "same-origin" || fetch_site == "none")
    return {};
  if (!fetch_site.empty())
    return "cross-site request refused (Sec-Fetch-Site: " + std::string(fetch_site) + ")";
  return "a request made with the session cookie must say its Origin";
}

} // namespace siberius::actors
