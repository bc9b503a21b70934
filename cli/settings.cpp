#include "cli/settings.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "cli/errors.hpp"
#include "cli/session_file.hpp"
#include "cli/url.hpp"

namespace siberius::cli {

const char* to_string(setting_source s) {
  switch (s) {
    case setting_source::flag: return "command line";
    case setting_source::environment: return "environment";
    case setting_source::session_file: return "session file";
    case setting_source::credentials_file: return "credentials file";
    case setting_source::default_value: return "default";
    case setting_source::none: return "none";
  }
  return "none";
}

env_lookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0')
      return std::nullopt;
    return std::string(value);
  };
}

namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

nlohmann::json read_credentials(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw usage_error("cannot read credentials file " + path + ": it does not exist or is not readable");
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = nlohmann::json::parse(text.str(), nullptr, false);
  if (!parsed.is_object())
    throw usage_error("credentials file " + path + " is not a JSON object");
  return parsed;
}

std::optional<std::string> non_empty_string(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty())
    return std::nullopt;
  return it->get<std::string>();
}

// A session is used until it ends; one whose end cannot be read is left for
// the server to judge.
bool session_ended(const stored_session& s, wall_clock::time_point now) {
  auto ends = parse_iso8601(s.expires_at);
  return ends && *ends <= now;
}

// The session login stored for the resolved server, if it is still usable.
// One for another server is ignored: its token must never travel elsewhere.
std::optional<stored_session> logged_in_session(resolved_settings& out, wall_clock::time_point now) {
  if (!out.session_file)
    return std::nullopt;
  auto session = read_session_file(*out.session_file);
  if (!session || !same_server(session->server, out.server_url))
    return std::nullopt;
  if (session_ended(*session, now)) {
    out.expired_session = session->expires_at;
    return std::nullopt;
  }
  return session;
}

} // namespace

std::optional<std::string> session_file_path(const global_flags& flags, const env_lookup& env) {
  if (flags.session_file)
    return flags.session_file;
  if (auto v = env("SIBERIUS_SESSION_FILE"))
    return v;
  if (auto v = env("XDG_CONFIG_HOME"))
    return *v + "/siberius/session.json";
  if (auto v = env("HOME"))
    return *v + "/.config/siberius/session.json";
  return std::nullopt;
}

bool same_server(const std::string& a, const std::string& b) {
  auto lower = [](std::string s) {
    for (auto& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  try {
    auto x = parse_server_url(a), y = parse_server_url(b);
    return x.scheme == y.scheme && lower(x.host) == lower(y.host) && x.port == y.port && x.base_path == y.base_path;
  } catch (const std::invalid_argument&) {
    return a == b;
  }
}

resolved_settings resolve_settings(const global_flags& flags, const env_lookup& env, wall_clock::time_point now) {
  resolved_settings out;
  out.json = flags.json;
  if (!std::isfinite(flags.timeout_seconds) || flags.timeout_seconds <= 0 || flags.timeout_seconds > 86400)
    throw usage_error("--timeout must be a number of seconds between 0 and 86400");
  out.timeout = std::chrono::milliseconds(static_cast<long long>(std::ceil(flags.timeout_seconds * 1000)));

  std::optional<std::string> cred_path = flags.credentials_file;
  if (!cred_path)
    cred_path = env("SIBERIUS_CREDENTIALS");
  if (!cred_path && file_exists(default_credentials_path))
    cred_path = default_credentials_path;

  // Read the file only when a setting actually falls through to it, so a
  // stale file never gets in the way of explicit flags.
  std::optional<nlohmann::json> creds;
  auto credentials = [&]() -> const nlohmann::json* {
    if (!cred_path)
      return nullptr;
    if (!creds) {
      creds = read_credentials(*cred_path);
      out.credentials_file = cred_path;
    }
    return &*creds;
  };

  if (flags.server) {
    out.server_url = *flags.server;
    out.server_source = setting_source::flag;
  } else if (auto v = env("SIBERIUS_SERVER")) {
    out.server_url = *v;
    out.server_source = setting_source::environment;
  } else if (auto c = credentials(); c && non_empty_string(*c, "url")) {
    out.server_url = *non_empty_string(*c, "url");
    out.server_source = setting_source::credentials_file;
  } else {
    out.server_url = default_server_url;
    out.server_source = setting_source::default_value;
  }

  out.session_file = session_file_path(flags, env);

  if (flags.token) {
    out.token = *flags.token;
    out.token_source = setting_source::flag;
  } else if (auto v = env("SIBERIUS_TOKEN")) {
    out.token = *v;
    out.token_source = setting_source::environment;
  } else if (auto session = logged_in_session(out, now)) {
    out.token = session->token;
    out.token_source = setting_source::session_file;
  } else if (auto c = credentials(); c && non_empty_string(*c, "adminToken")) {
    // The file's token goes only to the server the file names: with
    // --server or SIBERIUS_SERVER pointing elsewhere (or a file without
    // "url") it is not sent, and the command says why.
    auto named = non_empty_string(*c, "url");
    if (named && same_server(*named, out.server_url)) {
      out.token = *non_empty_string(*c, "adminToken");
      out.token_source = setting_source::credentials_file;
    } else {
      out.withheld_credentials_token = named ? "the token in " + *cred_path + " is for " + *named
                                             : "the token in " + *cred_path + " names no server (\"url\")";
    }
  }
  return out;
}

} // namespace siberius::cli
