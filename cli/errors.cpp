#include "cli/errors.hpp"

#include <nlohmann/json.hpp>

namespace siberius::cli {

exit_code exit_code_for_status(int status) {
  if (status >= 200 && status < 300)
    return exit_ok;
  if (status == 401 || status == 403)
    return exit_auth;
  if (status == 404)
    return exit_not_found;
  if (status == 409)
    return exit_conflict;
  if (status == 429)
    return exit_rate_limited;
  if (status >= 500 && status < 600)
    return exit_server;
  return exit_other;
}

namespace {

std::string reason_for(int status) {
  switch (status) {
    case 400: return "bad request";
    case 401: return "unauthorized: the token was missing, unknown or revoked";
    case 403: return "forbidden";
    case 404: return "not found";
    case 409: return "conflict";
    case 413: return "request body too large";
    case 429: return "too many requests";
    case 500: return "internal server error";
    case 502: return "bad gateway";
    case 503: return "service unavailable";
    case 504: return "gateway timeout";
    default: return "unexpected response";
  }
}

} // namespace

api_error api_error_from_response(int status, const std::string& body) {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  std::string message, code;
  if (parsed.is_object()) {
    if (auto it = parsed.find("error"); it != parsed.end() && it->is_string())
      message = it->get<std::string>();
    if (auto it = parsed.find("code"); it != parsed.end() && it->is_string())
      code = it->get<std::string>();
  }
  if (message.empty())
    message = reason_for(status);
  return api_error(status, std::move(message), std::move(code));
}

} // namespace siberius::cli
