#include "daemon/config.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "daemon/host_facts.hpp"
#include "daemon/log.hpp"
#include "platform/files.hpp"
#include "pdf/reader_process.hpp"
#include "pdf/sha256_stream.hpp"
#include "net/client/sio_client.hpp"

#include "net/client_id.hpp"

namespace siberius::daemon {

using net::valid_client_id;

const std::vector<setting_info>& setting_table() {
  static const std::vector<setting_info> table = {
      {"SERVER_URL", "--server-url", "", "server address: http, https, ws or wss URL"},
      {"DAEMON_TOKEN", "--token", "", "daemon token issued by the server (siberius-admin daemon-token create)"},
      {"PDF_DIRECTORY", "--pdf-directory", "", "folder watched, recursively"},
      {"CLIENT_ID", "--client-id", "host-<hostname>-<8 hex>", "this daemon's id on the server"},
      {"CHECK_INTERVAL_MINUTES", "--check-interval-minutes", "5", "safety rescan of the whole folder"},
      {"LOG_LEVEL", "--log-level", "info", "debug, info, warn or error"},
      {"LOG_FILE", "--log-file", "stderr", "write the log to this file instead, rotated at 10 MiB, 5 files kept"},
      {"PARSE_WORKERS", "--parse-workers", "number of cores", "PDFs read in parallel"},
      {"CA_FILE", "--ca-file", "system store", "PEM file of trusted CAs for https/wss"},
      {"QUEUE_LIMIT", "--queue-limit", "100", "events kept while disconnected; past it a full resync"},
      {"HEARTBEAT_SECONDS", "--heartbeat-seconds", "30", "heartbeat period"},
      {"POLL", "--poll", "false", "poll the folder instead of inotify (set for network shares)"},
      {"STABLE_MS", "--stable-ms", "500", "a file is read once size and mtime are unchanged this long"},
      {"SETTLE_MS", "--settle-ms", "30000", "a file without %%EOF is read anyway once unchanged this long"},
      {"POLL_INTERVAL_MS", "--poll-interval-ms", "5000", "rescan period when polling"},
      {"RECONNECT_BASE_MS", "--reconnect-base-ms", "5000", "first reconnect delay (doubles up to 12x)"},
      {"AUTH_RETRY_SECONDS", "--auth-retry-seconds", "600", "retry delay after the server refused the token"},
      {"SYNC_DEBOUNCE_MS", "--sync-debounce-ms", "2000", "wait after a deletion before reporting the folder"},
      {"PARSE_TIMEOUT_SECONDS", "--parse-timeout-seconds", "20", "time limit to read one PDF"},
      {"VERIFY_PER_HOUR", "--verify-per-hour", "5",
       "percent of the files the server vouched for (not read since start) read again per hour; 0 = never"},
      {"PDF_READER", "--pdf-reader", "siberius-pdf-reader beside the daemon", "the PDF reading helper"},
      {"READER_IDLE_MS", "--reader-idle-ms", "10000", "a reader process ends after this long without work"},
  };
  return table;
}

namespace {

bool is_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

config_error line_error(std::size_t line, std::string what) {
  return {"config file", "line " + std::to_string(line) + ": " + std::move(what)};
}

} // namespace

std::optional<config_error> parse_dotenv(std::string_view text, setting_map& out) {
  std::size_t pos = 0, line_no = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') {
      if (end == text.size())
        break;
      continue;
    }
    if (line.rfind("export ", 0) == 0)
      line = trim(std::string_view(line).substr(7));
    auto eq = line.find('=');
    if (eq == std::string::npos)
      return line_error(line_no, "expected KEY=VALUE");
    std::string key = trim(std::string_view(line).substr(0, eq));
    if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0])))
      return line_error(line_no, "missing or invalid name before '='");
    for (char c : key)
      if (!is_key_char(c))
        return line_error(line_no, "invalid character in name '" + key + "'");
    std::string rest = trim(std::string_view(line).substr(eq + 1));
    std::string value;
    if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
      char quote = rest[0];
      std::size_t i = 1;
      bool closed = false;
      for (; i < rest.size(); ++i) {
        char c = rest[i];
        if (c == quote) {
          closed = true;
          break;
        }
        if (quote == '"' && c == '\\' && i + 1 < rest.size()) {
          char n = rest[++i];
          value += n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n;
          continue;
        }
        value += c;
      }
      if (!closed)
        return line_error(line_no, "unterminated quote in " + key);
      std::string after = trim(std::string_view(rest).substr(i + 1));
      if (!after.empty() && after[0] != '#')
        return line_error(line_no, "unexpected text after the closing quote of " + key);
    } else {
      // An unquoted value ends at " #" (an inline comment).
      auto hash = rest.find(" #");
      if (hash == std::string::npos)
        hash = rest.find("\t#");
      value = trim(std::string_view(rest).substr(0, hash));
    }
    out[key] = value;
    if (end == text.size())
      break;
  }
  return std::nullopt;
}

std::optional<config_error> parse_config_json(std::string_view text, setting_map& out) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return config_error{"config file", "not a JSON object"};
  for (auto& [key, value] : doc.items()) {
    if (value.is_string())
      out[key] = value.get<std::string>();
    else if (value.is_boolean())
      out[key] = value.get<bool>() ? "true" : "false";
    else if (value.is_number_integer())
      out[key] = std::to_string(value.get<long long>());
    else if (value.is_number())
      return config_error{key, "expected a whole number"};
    else if (!value.is_null())
      return config_error{key, "expected a string, a number or a boolean"};
  }
  return std::nullopt;
}

std::optional<config_error> read_config_file(const std::string& path, setting_map& out) {
  std::ifstream in(platform::fs_path(path), std::ios::binary);
  if (!in)
    return config_error{"--config", "cannot read " + path};
  std::ostringstream s;
  s << in.rdbuf();
  auto text = s.str();
  // Notepad's "UTF-8 with BOM" starts the file with EF BB BF: not part of the first key.
  if (text.rfind("\xEF\xBB\xBF", 0) == 0)
    text.erase(0, 3);
  bool json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  auto err = json ? parse_config_json(text, out) : parse_dotenv(text, out);
  if (err && err->setting == "config file")
    err->setting = path;
  return err;
}

setting_map settings_from_environment() {
  setting_map env;
  for (auto& s : setting_table())
    if (auto v = platform::environment(s.name))
      env[s.name] = *v;
  return env;
}

std::string machine_client_id() {
  std::string machine = machine_id();
  std::string host = host_name();
  std::string hostname;
  for (char c : host) // keep only what the server accepts in a clientId
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')
      hostname += c;
  if (hostname.empty())
    hostname = "unknown";
  if (hostname.size() > 80)
    hostname.resize(80);
  std::string seed = machine + "\n" + host;
  return "host-" + hostname + "-" + sha256_hex(seed).substr(0, 8);
}

namespace {

struct layered {
  const setting_map& file;
  const setting_map& env;
  const setting_map& flags;
  std::optional<std::string> get(const std::string& key) const {
    for (auto* m : {&flags, &env, &file}) {
      auto it = m->find(key);
      if (it != m->end())
        return it->second;
    }
    return std::nullopt;
  }
};

// A whole number in [lo, hi]; error text names the range.
std::optional<config_error> number(const layered& s, const char* key, long long lo, long long hi, long long& out) {
  auto v = s.get(key);
  if (!v)
    return std::nullopt;
  auto text = trim(*v);
  char* end = nullptr;
  errno = 0;
  long long n = text.empty() ? 0 : std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || n < lo || n > hi)
    return config_error{key, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                                 ", got '" + *v + "'"};
  out = n;
  return std::nullopt;
}


} // namespace

config_result build_config(const setting_map& file, const setting_map& env, const setting_map& flags) {
  layered s{file, env, flags};
  daemon_config c;
  auto fail = [](std::string key, std::string msg) { return config_result{std::nullopt, config_error{key, msg}}; };

  auto url = s.get("SERVER_URL");
  if (!url || trim(*url).empty())
    return fail("SERVER_URL", "is required (for example https://siberius.example.com)");
  c.server_url = trim(*url);
  if (auto parsed = net::parse_client_url(c.server_url); !parsed)
    return fail("SERVER_URL", parsed.error);

  auto token = s.get("DAEMON_TOKEN");
  if (!token || trim(*token).empty())
    return fail("DAEMON_TOKEN", "is required (issue one with: siberius-admin daemon-token create)");
  c.daemon_token = trim(*token);
  if (c.daemon_token.size() > 200)
    return fail("DAEMON_TOKEN", "longer than 200 characters: not a token");
  for (char ch : c.daemon_token)
    if (std::isspace(static_cast<unsigned char>(ch)) || std::iscntrl(static_cast<unsigned char>(ch)))
      return fail("DAEMON_TOKEN", "contains spaces or control characters");

  auto dir = s.get("PDF_DIRECTORY");
  if (!dir || trim(*dir).empty())
    return fail("PDF_DIRECTORY", "is required (the folder with the PDFs)");
  c.pdf_directory = trim(*dir);
  c.pdf_directory = platform::canonical_folder(c.pdf_directory);
  auto kind = platform::status_of(c.pdf_directory).kind;
  if (kind == platform::file_kind::missing)
    return fail("PDF_DIRECTORY", "does not exist: " + c.pdf_directory);
  if (kind != platform::file_kind::directory)
    return fail("PDF_DIRECTORY", "is not a folder: " + c.pdf_directory);
  std::vector<platform::folder_entry> entries;
  std::string why;
  if (!platform::list_folder(c.pdf_directory, entries, why))
    return fail("PDF_DIRECTORY", "cannot be read by this user: " + c.pdf_directory + " (" + why + ")");

  auto id = s.get("CLIENT_ID");
  c.client_id = id && !trim(*id).empty() ? trim(*id) : machine_client_id();
  if (!valid_client_id(c.client_id))
    return fail("CLIENT_ID", "must be 1-100 characters of A-Z a-z 0-9 . _ : @ -, got '" + c.client_id + "'");

  long long n = 0;
  n = 5;
  if (auto e = number(s, "CHECK_INTERVAL_MINUTES", 1, 1440, n))
    return {std::nullopt, e};
  c.check_interval = std::chrono::minutes(n);

  if (auto lv = s.get("LOG_LEVEL")) {
    log_level level;
    if (!parse_log_level(trim(*lv), level))
      return fail("LOG_LEVEL", "expected debug, info, warn or error, got '" + *lv + "'");
    c.log_level = trim(*lv);
  }
  if (auto lf = s.get("LOG_FILE"); lf && !trim(*lf).empty())
    c.log_file = trim(*lf);

  n = std::max(1u, std::thread::hardware_concurrency());
  if (auto e = number(s, "PARSE_WORKERS", 1, 64, n))
    return {std::nullopt, e};
  c.parse_workers = static_cast<unsigned>(n);

  if (auto ca = s.get("CA_FILE"); ca && !trim(*ca).empty()) {
    c.ca_file = trim(*ca);
    std::ifstream probe(platform::fs_path(c.ca_file));
    if (!probe)
      return fail("CA_FILE", "cannot read " + c.ca_file);
  }

  n = 100;
  if (auto e = number(s, "QUEUE_LIMIT", 1, 1000000, n))
    return {std::nullopt, e};
  c.queue_limit = static_cast<std::size_t>(n);

  n = 30;
  if (auto e = number(s, "HEARTBEAT_SECONDS", 1, 3600, n))
    return {std::nullopt, e};
  c.heartbeat = std::chrono::seconds(n);

  if (auto p = s.get("POLL")) {
    auto v = trim(*p);
    for (auto& ch : v)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (v == "1" || v == "true" || v == "yes" || v == "on")
      c.force_poll = true;
    else if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty())
      c.force_poll = false;
    else
      return fail("POLL", "expected true or false, got '" + *p + "'");
  }

  n = 5;
  if (auto e = number(s, "VERIFY_PER_HOUR", 0, 1000000, n))
    return {std::nullopt, e};
  c.verify_per_hour = static_cast<double>(n);

  struct ms_knob {
    const char* key;
    long long lo, hi, scale;
    std::chrono::milliseconds* out;
  };
  for (auto k : {ms_knob{"STABLE_MS", 10, 600000, 1, &c.stable_interval},
                 ms_knob{"SETTLE_MS", 10, 86400000, 1, &c.settle_interval},
                 ms_knob{"POLL_INTERVAL_MS", 50, 3600000, 1, &c.poll_interval},
                 ms_knob{"RECONNECT_BASE_MS", 10, 600000, 1, &c.reconnect_base},
                 ms_knob{"AUTH_RETRY_SECONDS", 1, 86400, 1000, &c.auth_retry},
                 ms_knob{"SYNC_DEBOUNCE_MS", 0, 600000, 1, &c.sync_debounce},
                 ms_knob{"PARSE_TIMEOUT_SECONDS", 1, 3600, 1000, &c.parse_time_limit},
                 ms_knob{"READER_IDLE_MS", 0, 3600000, 1, &c.reader_idle_exit}}) {
    n = k.out->count() / k.scale;
    if (auto e = number(s, k.key, k.lo, k.hi, n))
      return {std::nullopt, e};
    *k.out = std::chrono::milliseconds(n * k.scale);
  }
  if (c.settle_interval < c.stable_interval)
    return fail("SETTLE_MS", "must be at least STABLE_MS");
  if (auto reader = s.get("PDF_READER"); reader && !trim(*reader).empty())
    c.pdf_reader = trim(*reader);
  else
    c.pdf_reader = reader_process::default_exe();
  if (!platform::is_executable(c.pdf_reader))
    return fail("PDF_READER", "cannot run " + c.pdf_reader + " (install siberius-pdf-reader beside the daemon)");
  return {c, std::nullopt};
}

} // namespace siberius::daemon
