// The Siberius REST API as the CLI sees it: JSON in, JSON out, the bearer
// token attached, and every non-2xx reply turned into an api_error.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/errors.hpp"
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
  nlohmann::json post(const std::string& path) const; // no body
  nlohmann::json put(const std::string& path, const nlohmann::json& body) const;
  nlohmann::json del(const std::string& path) const;

  /// A POST that sends no token (login): needs none to be known.
  nlohmann::json post_without_token(const std::string& path, const nlohmann::json& body) const;

  /// GET streamed into `sink` (see http_client::perform_download); returns
  /// the 2xx reply's status and headers, throws as get() does otherwise.
  http_reply download(const std::string& path, body_sink& sink) const;

  /// Lower level: any status comes back, the caller decides.
  http_reply call(const std::string& method, const std::string& path,
                  const std::optional<nlohmann::json>& body) const;

  /// Parses a reply body as JSON or throws connection_error saying what came back.
  static nlohmann::json parse_body(const http_reply& reply);

  const server_url& url() const { return http_.url(); }

private:
  http_call request(const std::string& method, const std::string& path, const std::optional<nlohmann::json>& body,
                    bool with_token) const;
  nlohmann::json expect_success(const std::string& method, const std::string& path,
                                const std::optional<nlohmann::json>& body, bool with_token = true) const;
  api_error error_from(const http_reply& reply, bool sent_token) const;

  http_client http_;
  std::optional<std::string> token_;
  setting_source token_source_;
  std::optional<std::string> session_file_;
  std::optional<std::string> expired_session_;
  std::optional<std::string> withheld_; // why the credentials file's token was not used
  std::string server_url_;
};

/// An api_error from a reply: api_error_from_response plus its Retry-After.
api_error api_error_from_reply(const http_reply& reply);

/// Percent-encodes one path segment (a daemon id or name in a URL).
std::string encode_path_segment(const std::string& segment);

/// path?name=value&… with the values percent-encoded; parameters without a
/// value are left out, and so is the '?' when none has one.
std::string with_query(const std::string& path,
                       const std::vector<std::pair<std::string, std::optional<std::string>>>& parameters);

} // namespace siberius::cli
