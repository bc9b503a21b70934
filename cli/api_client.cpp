#include "cli/api_client.hpp"

#include <cstdio>
#include <stdexcept>

#include "cli/errors.hpp"
#include "net/url.hpp"

namespace siberius::cli {

namespace {

server_url checked_url(const std::string& text) {
  try {
    return parse_server_url(text);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
}

} // namespace

api_client::api_client(const resolved_settings& settings)
    : http_(checked_url(settings.server_url), settings.timeout), token_(settings.token),
      token_source_(settings.token_source), session_file_(settings.session_file),
      expired_session_(settings.expired_session), withheld_(settings.withheld_credentials_token),
      server_url_(settings.server_url) {}

http_call api_client::request(const std::string& method, const std::string& path,
                              const std::optional<nlohmann::json>& body, bool with_token) const {
  http_call req;
  req.method = method;
  req.path = path;
  if (with_token) {
    if (!token_) {
      std::string why = expired_session_ ? "no token (the session from `login` ended at " + *expired_session_ + ")"
                        : withheld_     ? "no token for " + server_url_ + " (" + *withheld_ + ", so it is not sent here)"
                                        : std::string("no token");
      throw missing_token_error(why + ": run `siberius-admin login`, pass --token, set SIBERIUS_TOKEN, or point "
                                      "--credentials (or SIBERIUS_CREDENTIALS) at the credentials.json written "
                                      "by scripts/run");
    }
    req.headers["Authorization"] = "Bearer " + *token_;
  }
  req.headers["Accept"] = "application/json";
  if (body) {
    req.headers["Content-Type"] = "application/json";
    req.body = body->dump();
  }
  return req;
}

http_reply api_client::call(const std::string& method, const std::string& path,
                            const std::optional<nlohmann::json>& body) const {
  return http_.perform(request(method, path, body, true));
}

api_error api_client::error_from(const http_reply& reply, bool sent_token) const {
  auto e = api_error_from_reply(reply);
  // A session ends on the server too (expiry, logout elsewhere, a disabled
  // user); say what to do about it rather than only "unauthorized".
  if (reply.status == 401 && sent_token && token_source_ == setting_source::session_file)
    return api_error(e.status,
                     std::string(e.what()) + "; the session in " + session_file_.value_or("the session file") +
                         " is no longer valid: run `siberius-admin login` again",
                     e.code);
  return e;
}

http_reply api_client::download(const std::string& path, body_sink& sink) const {
  auto req = request("GET", path, std::nullopt, true);
  req.headers["Accept"] = "application/pdf, application/json";
  auto reply = http_.perform_download(req, sink);
  if (reply.status < 200 || reply.status >= 300)
    throw error_from(reply, true);
  return reply;
}

api_error api_error_from_reply(const http_reply& reply) {
  auto e = api_error_from_response(reply.status, reply.body);
  if (auto it = reply.headers.find("retry-after"); it != reply.headers.end())
    e.retry_after = it->second;
  return e;
}

nlohmann::json api_client::parse_body(const http_reply& reply) {
  auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
  if (parsed.is_discarded())
    throw connection_error("the server answered HTTP " + std::to_string(reply.status) +
                           " with a body that is not JSON; is --server pointing at a Siberius server?");
  return parsed;
}

nlohmann::json api_client::expect_success(const std::string& method, const std::string& path,
                                          const std::optional<nlohmann::json>& body, bool with_token) const {
  auto reply = http_.perform(request(method, path, body, with_token));
  if (reply.status < 200 || reply.status >= 300)
    throw error_from(reply, with_token);
  if (reply.status == 204 || reply.body.empty())
    return nlohmann::json::object();
  return parse_body(reply);
}

nlohmann::json api_client::get(const std::string& path) const { return expect_success("GET", path, std::nullopt); }
nlohmann::json api_client::post(const std::string& path, const nlohmann::json& body) const {
  return expect_success("POST", path, body);
}
nlohmann::json api_client::post(const std::string& path) const { return expect_success("POST", path, std::nullopt); }
nlohmann::json api_client::put(const std::string& path, const nlohmann::json& body) const {
  return expect_success("PUT", path, body);
}
nlohmann::json api_client::del(const std::string& path) const { return expect_success("DELETE", path, std::nullopt); }
nlohmann::json api_client::post_without_token(const std::string& path, const nlohmann::json& body) const {
  return expect_success("POST", path, body, false);
}

std::string encode_path_segment(const std::string& segment) {
  return net::percent_encode(segment);
}

std::string with_query(const std::string& path,
                       const std::vector<std::pair<std::string, std::optional<std::string>>>& parameters) {
  std::string out = path;
  char separator = '?';
  for (const auto& [name, value] : parameters) {
    if (!value)
      continue;
    out += separator + encode_path_segment(name) + "=" + encode_path_segment(*value);
    separator = '&';
  }
  return out;
}

} // namespace siberius::cli
