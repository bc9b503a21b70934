// The daemon's configuration: a .env or config.json file, overridden by the
// environment, overridden by command-line flags. Every setting is named once
// in setting_table(), which drives the flags, the docs and the validation.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siberius::daemon {

/// Raw settings by name (SERVER_URL, ...), as text.
using setting_map = std::map<std::string, std::string>;

/// One configurable setting: its name (env/file key), its flag and its help.
struct setting_info {
  const char* name;
  const char* flag;
  const char* default_text; // "" when required or derived
  const char* help;
};
const std::vector<setting_info>& setting_table();

/// A setting that is missing or wrong; what() is the one line printed.
struct config_error {
  std::string setting;
  std::string message;
  std::string line() const { return setting + ": " + message; }
};

/// Parses dotenv text: KEY=VALUE lines, `export ` prefix, # comments, single
/// quotes (literal), double quotes (\n \t \" \\ escapes), inline comments after
/// unquoted values. Returns an error naming the line when one does not parse.
std::optional<config_error> parse_dotenv(std::string_view text, setting_map& out);

/// Parses a config.json object: string, number and boolean values by name.
std::optional<config_error> parse_config_json(std::string_view text, setting_map& out);

/// Reads a config file by its extension (.json or dotenv otherwise).
std::optional<config_error> read_config_file(const std::string& path, setting_map& out);

struct daemon_config {
  std::string server_url;
  std::string daemon_token;
  std::string pdf_directory; // absolute, no trailing slash
  std::string client_id;
  std::chrono::minutes check_interval{5};
  std::string log_level = "info";
  unsigned parse_workers = 1;
  std::string ca_file;
  std::size_t queue_limit = 100;
  std::chrono::seconds heartbeat{30};
  bool force_poll = false;
  // Tuning knobs (tests shorten them; operators rarely need to).
  std::chrono::milliseconds stable_interval{500};    // two looks this far apart
  std::chrono::milliseconds settle_interval{30000};  // read a file without %%EOF once unchanged this long
  std::chrono::milliseconds poll_interval{5000};     // polling mode's rescan period
  std::chrono::milliseconds reconnect_base{5000};    // first reconnect delay; doubles to 12x
  std::chrono::milliseconds auth_retry{600000};      // after 401/403
  std::chrono::milliseconds sync_debounce{2000};     // after a deletion, before the sync
  std::chrono::milliseconds parse_time_limit{20000}; // per file
  std::string log_file;                              // empty: stderr
  std::string pdf_reader;                            // siberius-pdf-reader binary
  std::chrono::milliseconds reader_idle_exit{10000}; // reader processes end after this long without work
  double verify_per_hour = 5; // % of the server-vouched files re-read per hour (0: never)
};

/// The default CLIENT_ID: "host-<hostname>-<8 hex of SHA-256(machine-id + hostname)>",
/// stable across restarts of one machine.
std::string machine_client_id();

/// Layers file < env < flags and validates. `env` holds only known names.
/// Checks the folder and the CA file exist; does not touch the network.
struct config_result {
  std::optional<daemon_config> config;
  std::optional<config_error> error;
};
config_result build_config(const setting_map& file, const setting_map& env, const setting_map& flags);

/// The known settings present in the process environment.
setting_map settings_from_environment();

} // namespace siberius::daemon
