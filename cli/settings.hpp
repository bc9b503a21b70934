// Where the CLI finds its server and credential. Each setting is taken from
// the first source that has it: command-line flag, then environment, then the
// session `login` stored (token only), then the credentials file that
// scripts/run writes, then a built-in default.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "cli/time_ago.hpp"

namespace siberius::cli {

/// Global flags as parsed; empty when not given.
struct global_flags {
  std::optional<std::string> server;
  std::optional<std::string> token;
  std::optional<std::string> credentials_file;
  std::optional<std::string> session_file;
  bool json = false;
  double timeout_seconds = 10.0;
  bool timeout_given = false; // --timeout on the command line, not its default
};

/// Where a value came from, for messages that tell the user what to fix.
enum class setting_source { flag, environment, session_file, credentials_file, default_value, none };
const char* to_string(setting_source s);

struct resolved_settings {
  std::string server_url;
  setting_source server_source = setting_source::none;
  std::optional<std::string> token;
  setting_source token_source = setting_source::none;
  std::optional<std::string> credentials_file; // the file that was read, if any
  std::optional<std::string> session_file;     // where login keeps the session, if known
  std::optional<std::string> expired_session;  // expiresAt of a session passed over because it ended
  std::optional<std::string> withheld_credentials_token; // why the credentials file's token was not used
  bool json = false;
  std::chrono::milliseconds timeout{10000};
};

/// Reads an environment variable; returns nullopt when unset or empty.
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;
env_lookup process_environment();

inline const char* default_server_url = "http://127.0.0.1:8080";
inline const char* default_credentials_path = "./var/credentials.json";

/// Where `login` keeps the session: --session-file, else SIBERIUS_SESSION_FILE,
/// else $XDG_CONFIG_HOME/siberius/session.json, else
/// $HOME/.config/siberius/session.json; nullopt when none of these is set.
std::optional<std::string> session_file_path(const global_flags& flags, const env_lookup& env);

/// Whether two server URLs name the same server: "http://H:80/" is
/// "http://h". Unparsable URLs are compared as text.
bool same_server(const std::string& a, const std::string& b);

/// Resolves every setting. The token comes from --token, SIBERIUS_TOKEN, the
/// session file (only when its server is the resolved server and it has not
/// ended by `now`), then the credentials file (only when the "url" it names
/// is the resolved server). The credentials file is
/// --credentials, else SIBERIUS_CREDENTIALS, else ./var/credentials.json when
/// it exists. Each file is read only when a setting falls through to it.
/// Throws usage_error on an unreadable or malformed file or a bad timeout.
resolved_settings resolve_settings(const global_flags& flags, const env_lookup& env,
                                   wall_clock::time_point now = wall_clock::now());

} // namespace siberius::cli
