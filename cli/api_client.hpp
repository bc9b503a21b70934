// The Siberius REST API as the CLI sees it: JSON in, JSON out, the bearer
// token attached, and every non-2xx reply turned into an api_error.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/http_client.hpp"
#include "cli/settings.hpp"

namespace siberius::cli {

class api_client {
public:
  /// Throws usage_error when the server URL is malformed.
  explicit api_client(const resolved_settings& settings);

  /// The reply's JSON body on 2xx; throws api_error otherwise,
  /// missing_token_error when no token is known, connection_error when the
  /// server is unreachable or answers something that is not JSON.
  nlohmann::json get(const std::string& path) const;
  nlohmann::json post(const std::string& path, const nlohmann::json& body) const;
  nlohmann::json put(const std::string& path, const nlohmann::json& body) const;
  nlohmann::json del(const std::string& path) const;

  /// Lower level: any status comes back, the caller decides.
  http_reply call(const std::string& method, const std::string& path,
                  const std::optional<nlohmann::json>& body) const;

  /// Parses a reply body as JSON or throws connection_error saying what came back.
  static nlohmann::json parse_body(const http_reply& reply);

  const server_url& url() const { return http_.url(); }

private:
  nlohmann::json expect_success(const std::string& method, const std::string& path,
                                const std::optional<nlohmann::json>& body) const;

  http_client http_;
  std::optional<std::string> token_;
};

/// Percent-encodes one path segment (a daemon id or name in a URL).
std::string encode_path_segment(const std::string& segment);

} // namespace siberius::cli
