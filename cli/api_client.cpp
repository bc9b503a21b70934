#include "cli/api_client.hpp"

#include <cstdio>
#include <stdexcept>

#include "cli/errors.hpp"

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
    : http_(checked_url(settings.server_url), settings.timeout), token_(settings.token) {}

http_reply api_client::call(const std::string& method, const std::string& path,
                            const std::optional<nlohmann::json>& body) const {
  if (!token_)
    throw missing_token_error(
        "no admin token: pass --token, set SIBERIUS_TOKEN, or point --credentials (or "
        "SIBERIUS_CREDENTIALS) at the credentials.json written by scripts/run");
  http_call req;
  req.method = method;
  req.path = path;
  req.headers["Authorization"] = "Bearer " + *token_;
  req.headers["Accept"] = "application/json";
  if (body) {
    req.headers["Content-Type"] = "application/json";
    req.body = body->dump();
  }
  return http_.perform(req);
}

nlohmann::json api_client::parse_body(const http_reply& reply) {
  auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
  if (parsed.is_discarded())
    throw connection_error("the server answered HTTP " + std::to_string(reply.status) +
                           " with a body that is not JSON; is --server pointing at a Siberius server?");
  return parsed;
}

nlohmann::json api_client::expect_success(const std::string& method, const std::string& path,
                                          const std::optional<nlohmann::json>& body) const {
  auto reply = call(method, path, body);
  if (reply.status < 200 || reply.status >= 300)
    throw api_error_from_response(reply.status, reply.body);
  if (reply.status == 204 || reply.body.empty())
    return nlohmann::json::object();
  return parse_body(reply);
}

nlohmann::json api_client::get(const std::string& path) const { return expect_success("GET", path, std::nullopt); }
nlohmann::json api_client::post(const std::string& path, const nlohmann::json& body) const {
  return expect_success("POST", path, body);
}
nlohmann::json api_client::put(const std::string& path, const nlohmann::json& body) const {
  return expect_success("PUT", path, body);
}
nlohmann::json api_client::del(const std::string& path) const { return expect_success("DELETE", path, std::nullopt); }

std::string encode_path_segment(const std::string& segment) {
  std::string out;
  for (unsigned char c : segment) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

} // namespace siberius::cli
