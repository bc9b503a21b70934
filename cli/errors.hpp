// What can go wrong in a command and the exit code each maps to. Scripts rely
// on these codes, so they are fixed here and listed in --help.
#pragma once

#include <stdexcept>
#include <string>

namespace siberius::cli {

enum exit_code : int {
  exit_ok = 0,
  exit_other = 1,
  exit_usage = 2,
  exit_auth = 3,         // 401/403, or no token available
  exit_not_found = 4,    // 404, or a user or daemon named on the command line that does not exist
  exit_server = 5,       // 5xx, connection refused, timeout, TLS failure
  exit_conflict = 6,     // 409: exists already, or not in the state the call needs
  exit_rate_limited = 7, // 429: try again after Retry-After
};

/// Exit code for a non-2xx HTTP status from the server.
exit_code exit_code_for_status(int http_status);

/// The server answered with an error status; message comes from its
/// {error, code} body when there is one.
struct api_error : std::runtime_error {
  api_error(int status, std::string message, std::string code)
      : std::runtime_error(std::move(message)), status(status), code(std::move(code)) {}
  int status;
  std::string code; // the body's "code", "" when absent
  std::string retry_after; // the Retry-After header, "" when absent
};

/// The server could not be reached or did not answer a complete HTTP response.
struct connection_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Bad arguments or settings that the parser could not catch (a malformed
/// --server URL, an unreadable credentials file).
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// No credential to send: the user must supply one before retrying.
struct missing_token_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Something named on the command line does not exist, found out by the CLI
/// itself (a login missing from the user list), not by a 404 from the server.
struct not_found_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Builds an api_error from a response: uses body.error / body.code when the
/// body is a JSON object carrying them, else a message from the status alone.
api_error api_error_from_response(int status, const std::string& body);

} // namespace siberius::cli
