// siberius-server: the cloud side. Applies the schema, starts the actors
// (database pool, daemon registry) and the network front, and runs until
// SIGINT/SIGTERM.
#include <malloc.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <variant>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <CLI/CLI.hpp>
#include <caf/all.hpp>

#include "api/rest_routes.hpp"
#include "actors/alert_center.hpp"
#include "actors/auto_upload.hpp"
#include "actors/cache_janitor.hpp"
#include "actors/daily_schedule.hpp"
#include "storage/retention.hpp"
#include "actors/auth_service.hpp"
#include "actors/client_hub.hpp"
#include "storage/passwords.hpp"
#include "actors/daemon_registry.hpp"
#include "actors/daemon_session.hpp"
#include "actors/db_worker.hpp"
#include "api/http_api.hpp"
#include "actors/log.hpp"
#include "log/rotating_file.hpp"
#include "actors/messages.hpp"
#include "api/metrics_api.hpp"
#include "actors/metrics_sampler.hpp"
#include "actors/pdf_parse_job.hpp"
#include "actors/socketio_front.hpp"
#include "actors/storage_monitor.hpp"
#include "actors/supervision.hpp"
#include "api/upload_api.hpp"
#include "actors/upload_coordinator.hpp"
#include "net/server.hpp"
#include "net/static_files.hpp"
#include "platform/durable_file.hpp"
#include "storage/metadata_store.hpp"

#ifdef SIBERIUS_JEMALLOC
// Read by jemalloc at start (MALLOC_CONF in the environment still overrides):
// two arenas are enough for a server whose busy threads are a few; freed pages
// go back to the system within about a second, from jemalloc's own thread,
// even when the server is idle.
extern "C" {
const char* malloc_conf = "narenas:2,background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
#endif

namespace fs = std::filesystem;
using namespace siberius;

namespace {

struct server_config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string db;
  std::string schema_dir = SIBERIUS_DEFAULT_SCHEMA_DIR;
  std::string storage_dir = "storage";
  std::size_t max_upload_mb = 50;
  std::string pdf_reader = SIBERIUS_DEFAULT_PDF_READER;
  std::string credentials;
  std::string public_url;
  int retention_days = 15;
  int max_event_days_ahead = 730;
  std::size_t db_workers = 2;
  std::size_t io_threads = 2;
  int ping_interval_ms = 25000;
  int ping_timeout_ms = 20000;
  std::size_t max_connections = 20000;
  std::size_t max_connections_per_address = 256;
  std::size_t ws_write_queue_kb = 1024;
  int db_wait_seconds = 60;
  int upload_stall_ms = 30000;
  int upload_attempts = 3;
  std::size_t upload_rate_limit = 100;
  int upload_rate_window_s = 900;
  int janitor_interval_s = 600;
  // Auto-upload ahead of events (daemons with autoUpload on).
  int auto_upload_days = 2;
  int auto_upload_interval_s = 60;
  // The cache janitor's daily run and retention per type (issue 15).
  std::string janitor_at = "02:00";
  std::string janitor_tz; // empty: the server's local zone
  std::vector<std::string> retention_by_tipo;
  int min_keep_h = 24;
  int audit_retention_days = 365;
  int session_prune_margin_h = 24;
  int quarantine_days = 7;
  int session_ttl_h = 12;
  std::size_t password_workers = 2;
  double cache_capacity_gb = 0; // 0: no configured capacity
  std::string timezone = "America/Sao_Paulo";
  double rate_per_s = 20;
  double rate_burst = 200;
  std::string log_level = "info";
  std::string log_file;     // empty: stderr (journald under systemd)
  int log_max_mb = 20;
  unsigned log_keep = 5;
  std::string ui_dir = SIBERIUS_DEFAULT_UI_DIR;
  std::vector<std::string> allowed_origins;
  // Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (nginx).
  std::vector<std::string> trusted_proxies = {"127.0.0.1", "::1"};
  // Storage and alerts (docs/operations.md, "Storage and alerts").
  std::uint64_t min_free_disk_mb = 1024;
  int storage_check_s = 60;
  int alert_daemon_offline_min = 15;
  double alert_daemons_offline_pct = 50;
  int alert_poll_s = 30;
  std::string alert_webhook;
  // GET /metrics
  std::string metrics_allow; // addresses/networks that may scrape without a token
  int metrics_snapshot_s = 15; // how old the database figures of a scrape may be
};

/// Applies the migrations, waiting for PostgreSQL to come up if it is still starting.
bool migrate(const server_config& cfg) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(cfg.db_wait_seconds);
  for (;;) {
    try {
      auto applied = storage::apply_migrations(cfg.db, cfg.schema_dir);
      actors::log_event(actors::log_level::info, "server:migrations", {{"applied", applied}});
      return true;
    } catch (const storage::unavailable& e) {
      if (std::chrono::steady_clock::now() > deadline) {
        actors::log_event(actors::log_level::error, "server:db:unreachable", {{"reason", e.what()}});
        return false;
      }
      actors::log_event(actors::log_level::warn, "server:db:waiting", {{"reason", e.what()}});
      std::this_thread::sleep_for(std::chrono::seconds(1));
    } catch (const std::exception& e) {
      actors::log_event(actors::log_level::error, "server:migrations:failed", {{"reason", e.what()}});
      return false;
    }
  }
}

/// Writes `creds` to `path`: created 0600, fsynced and renamed into place, so
/// a crash leaves the old file or the new one and no one else can read it.
void save_credentials(const std::string& path, const nlohmann::json& creds) {
  platform::write_file_atomically(path, creds.dump(2) + "\n", 0600);
}

/// On a database without accounts: the first admin account, "admin" with a
/// random password, added to `creds` as adminUser/adminPassword.
void add_first_admin(storage::metadata_store& store, nlohmann::json& creds) {
  if (store.count_users() != 0)
    return;
  auto password = storage::generate_password();
  store.create_user({"admin", "Administrator", "admin", storage::hash_password(password)});
  creds["adminUser"] = "admin";
  creds["adminPassword"] = password;
  actors::log_event(actors::log_level::info, "server:first_admin:created", {{"login", "admin"}});
}

/// First start: issues an admin API token, a demo daemon token and (on a
/// database without accounts) the first admin account, and writes them
/// (mode 0600) where the operator was told to look. Never overwrites a
/// credentials file, except to add the first admin account to one written
/// before accounts existed.
void write_credentials(const server_config& cfg, std::uint16_t port, storage::metadata_store& store) {
  if (cfg.credentials.empty())
    return;
  if (fs::exists(cfg.credentials)) {
    if (store.count_users() != 0)
      return;
    std::ifstream in(cfg.credentials);
    auto creds = nlohmann::json::parse(in, nullptr, false);
    if (creds.is_discarded() || !creds.is_object())
      throw std::runtime_error(cfg.credentials + " is not a JSON object");
    add_first_admin(store, creds);
    save_credentials(cfg.credentials, creds);
    return;
  }
  auto admin = store.create_api_token("bootstrap admin", "admin");
  // The data may outlive a deleted credentials file: then the demo daemon's
  // clientId is taken, and a fresh one gets a numbered id.
  storage::issued_token daemon;
  for (int n = 1;; ++n) {
    try {
      auto id = n == 1 ? std::string("demo-office") : "demo-office-" + std::to_string(n);
      daemon = store.create_daemon_token("demo office daemon", id);
      break;
    } catch (const storage::conflict&) {
      if (n == 100)
        throw;
    }
  }
  auto url = cfg.public_url.empty() ? "http://" + cfg.host + ":" + std::to_string(port) : cfg.public_url;
  nlohmann::json creds = {
    {"url", url}, {"adminToken", admin.token}, {"daemonToken", daemon.token}, {"clientId", daemon.client_id}};
  add_first_admin(store, creds);
  save_credentials(cfg.credentials, creds);
  actors::log_event(actors::log_level::info, "server:credentials:written", {{"path", cfg.credentials}});
}

/// Every connection is a descriptor, and the usual soft limit (1,024) is far
/// below --max-connections: take the hard limit. Says so when even that is
/// short, since past it clients get 503 (see net/listener).
void raise_open_file_limit(std::size_t max_connections) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0)
    return;
  auto before = lim.rlim_cur;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &lim) != 0)
      lim.rlim_cur = before;
  }
  // Descriptors besides client sockets: PostgreSQL, PDF files being sent or
  // written, the PDF reader's pipes, the log.
  constexpr rlim_t reserve = 256;
  nlohmann::json fields = {{"before", before}, {"now", lim.rlim_cur}, {"maxConnections", max_connections}};
  bool short_of = lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < max_connections + reserve;
  actors::log_event(short_of ? actors::log_level::warn : actors::log_level::info,
                    short_of ? "server:nofile:short" : "server:nofile", std::move(fields));
}

} // namespace

int main(int argc, char** argv) {
  server_config cfg;
  if (auto env = std::getenv("SIBERIUS_DB"))
    cfg.db = env;
  CLI::App app{"Siberius server: indexes the office's PDFs and serves them on demand"};
  app.add_option("--host", cfg.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", cfg.port, "Port to listen on (HTTP and WebSocket)")->capture_default_str();
  app.add_option("--db", cfg.db, "PostgreSQL connection string (env SIBERIUS_DB)");
  app.add_option("--schema-dir", cfg.schema_dir, "Folder of the SQL migrations")->capture_default_str();
  app.add_option("--credentials", cfg.credentials,
                 "On first start, write the admin and demo daemon tokens to this file (0600)");
  app.add_option("--public-url", cfg.public_url, "URL clients use to reach this server (for the credentials file)");
  app.add_option("--retention-days", cfg.retention_days, "Days a cached PDF is kept after its event date")
    ->check(CLI::Range(0, 3650))->capture_default_str();
  app.add_option("--max-event-days-ahead", cfg.max_event_days_ahead,
                 "An event date later than today + this many days expires as if it were today + this")
    ->check(CLI::Range(0, 36500))->capture_default_str();
  app.add_option("--db-workers", cfg.db_workers, "PostgreSQL connections")->check(CLI::Range(1, 64))
    ->capture_default_str();
  app.add_option("--io-threads", cfg.io_threads, "Network threads")->check(CLI::Range(1, 64))->capture_default_str();
  // The last of a repeated timing wins: test harnesses set short defaults
  // that one suite may lengthen.
  app.add_option("--ping-interval-ms", cfg.ping_interval_ms, "Engine.IO ping interval")
    ->check(CLI::Range(100, 600000))->capture_default_str()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--ping-timeout-ms", cfg.ping_timeout_ms, "Engine.IO ping timeout")
    ->check(CLI::Range(100, 600000))->capture_default_str()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--max-connections", cfg.max_connections, "Connections accepted at once")->capture_default_str();
  app.add_option("--max-connections-per-address", cfg.max_connections_per_address,
                 "Connections one client address may hold at once (0: no limit)")
    ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}))->capture_default_str();
  app.add_option("--ws-write-queue-kb", cfg.ws_write_queue_kb,
                 "KiB waiting to be sent to one WebSocket client before it is cut off as not reading")
    ->check(CLI::Range(std::size_t{16}, std::size_t{1024 * 1024}))->capture_default_str();
  app.add_option("--db-wait", cfg.db_wait_seconds, "Seconds to wait for PostgreSQL at start")->capture_default_str();
  app.add_option("--log-level", cfg.log_level, "debug, info, warn or error")->capture_default_str();
  app.add_option("--log-file", cfg.log_file,
                 "Write the log to this file, rotated at --log-max-mb, instead of stderr (journald's, under systemd)");
  app.add_option("--log-max-mb", cfg.log_max_mb, "Size at which --log-file is rotated, in MiB")
    ->check(CLI::Range(1, 4096))->capture_default_str();
  app.add_option("--log-keep", cfg.log_keep, "Rotated --log-file files kept (FILE.1 ... FILE.N)")
    ->check(CLI::Range(1, 100))->capture_default_str();
  app.add_option("--storage-dir", cfg.storage_dir, "Folder of the PDF cache (YYYY/MM/<hash>_<name>.pdf)")
    ->capture_default_str();
  app.add_option("--max-upload-mb", cfg.max_upload_mb, "Largest PDF a daemon may upload, in MiB")
    ->check(CLI::Range(1, 4096))->capture_default_str();
  app.add_option("--pdf-reader", cfg.pdf_reader, "siberius-pdf-reader, which checks uploaded PDFs")
    ->capture_default_str();
  app.add_option("--upload-stall-ms", cfg.upload_stall_ms,
                 "An upload with no byte for this long is asked for again")
    ->check(CLI::Range(100, 3600000))->capture_default_str();
  app.add_option("--upload-attempts", cfg.upload_attempts, "Times a daemon is asked for one PDF before it fails")
    ->check(CLI::Range(1, 20))->capture_default_str();
  app.add_option("--upload-rate-limit", cfg.upload_rate_limit, "Uploads one daemon may be asked for per window")
    ->check(CLI::Range(1, 1000000))->capture_default_str();
  app.add_option("--upload-rate-window-s", cfg.upload_rate_window_s, "The rate limit's window, in seconds")
    ->check(CLI::Range(1, 86400))->capture_default_str();
  app.add_option("--auto-upload-days", cfg.auto_upload_days,
                 "Daemons with autoUpload on upload, at low priority, the PDFs of events from today to this "
                 "many days ahead (0: never)")
    ->check(CLI::Range(0, 60))->capture_default_str();
  app.add_option("--auto-upload-interval-s", cfg.auto_upload_interval_s,
                 "How often the PDFs to upload ahead of events are looked up, in seconds")
    ->check(CLI::Range(1, 86400))->capture_default_str();
  app.add_option("--janitor-interval-s", cfg.janitor_interval_s,
                 "How often expired cached PDFs are deleted, in seconds")
    ->check(CLI::Range(1, 86400))->capture_default_str();
  // --- cache janitor: daily run and retention per type ---
  app.add_option("--janitor-at", cfg.janitor_at, "Local time of the cache janitor's daily run (HH:MM)")
    ->capture_default_str();
  app.add_option("--janitor-tz", cfg.janitor_tz,
                 "Time zone of --janitor-at, an IANA name such as America/Sao_Paulo (default: the server's)");
  app.add_option("--retention", cfg.retention_by_tipo,
                 "Days after the event per document type, e.g. orcamento=30,os=15,montagem=15 "
                 "(others: --retention-days)")
    ->delimiter(',');
  // --- end cache janitor ---
  app.add_option("--min-keep-h", cfg.min_keep_h,
                 "Hours an uploaded PDF is kept at least, even when its event date + retention is past")
    ->check(CLI::Range(0, 24 * 365))->capture_default_str();
  app.add_option("--audit-retention-days", cfg.audit_retention_days,
                 "Days audit log entries are kept (0: for ever); pruned once a day")
    ->check(CLI::Range(0, 36500))->capture_default_str();
  app.add_option("--session-prune-margin-h", cfg.session_prune_margin_h,
                 "Hours after expiry or logout a session's row is deleted; pruned once a day")
    ->check(CLI::Range(0, 24 * 365))->capture_default_str();
  app.add_option("--quarantine-days", cfg.quarantine_days,
                 "Days a cache file no database row names stays in <storage>/quarantine before it is deleted")
    ->check(CLI::Range(0, 3650))->capture_default_str();
  app.add_option("--session-ttl-h", cfg.session_ttl_h, "How long a login session lasts, in hours")
    ->check(CLI::Range(1, 24 * 90))->capture_default_str();
  app.add_option("--password-workers", cfg.password_workers,
                 "Argon2 hashes computed at once (each takes ~19 MiB while it runs)")
    ->check(CLI::Range(1, 8))->capture_default_str();
  app.add_option("--rate-limit-per-s", cfg.rate_per_s,
                 "REST requests a second one client address may make, after its burst (0: no limit)")
    ->check(CLI::Range(0.0, 1e6))->capture_default_str()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--rate-burst", cfg.rate_burst, "REST requests one client address may make at once")
    ->check(CLI::Range(1.0, 1e6))->capture_default_str();
  app.add_option("--cache-capacity-gb", cfg.cache_capacity_gb,
                 "Disk set aside for cached PDFs, in GiB, shown by the system monitor (0: not configured)")
    ->check(CLI::Range(0.0, 1e6))->capture_default_str();
  app.add_option("--timezone", cfg.timezone, "Time zone where the system monitor's \"today\" begins")
    ->capture_default_str();
  app.add_option("--ui-dir", cfg.ui_dir, "Folder of the built web app (ui/dist), served on this port")
    ->capture_default_str();
  app.add_option("--allowed-origin", cfg.allowed_origins,
                 "Another origin whose pages may use browser sessions and Socket.IO (cross-origin polling), "
                 "e.g. https://siberius.example.com (repeatable; the server's own origin is always allowed)");
  app.add_option("--trusted-proxy", cfg.trusted_proxies,
                 "Address of a reverse proxy (nginx) whose X-Forwarded-For and X-Forwarded-Proto are believed; "
                 "repeatable or a comma list of exact addresses, \"none\" for no proxy")
    ->delimiter(',')->capture_default_str();
  // Storage and alerts.
  app.add_option("--min-free-disk-mb", cfg.min_free_disk_mb,
                 "Free space the cache's file system keeps, in MiB; below it new uploads get 507")
    ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 40))->capture_default_str();
  app.add_option("--storage-check-s", cfg.storage_check_s, "How often the cache's size and free disk are checked")
    ->check(CLI::Range(1, 86400))->capture_default_str();
  app.add_option("--alert-daemon-offline-min", cfg.alert_daemon_offline_min,
                 "Alert when a daemon is offline for this many minutes")
    ->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--alert-daemons-offline-pct", cfg.alert_daemons_offline_pct,
                 "Alert when more than this percentage of the daemons is offline")
    ->check(CLI::Range(0.0, 100.0))->capture_default_str();
  app.add_option("--alert-poll-s", cfg.alert_poll_s, "How often the daemons and PostgreSQL are looked at for alerts")
    ->check(CLI::Range(1, 3600))->capture_default_str();
  app.add_option("--alert-webhook", cfg.alert_webhook, "POST each alert raised or cleared as JSON to this http(s) URL");
  // ---- GET /metrics (Prometheus) ----
  app.add_option("--metrics-allow", cfg.metrics_allow,
                 "Client addresses or networks that may read GET /metrics without a token, e.g. "
                 "127.0.0.1,10.0.0.0/8,fd00::/8 (default: none; an admin token always may)");
  app.add_option("--metrics-snapshot-s", cfg.metrics_snapshot_s,
                 "Seconds the database figures of GET /metrics (daemons, PDFs, cache) are reused between scrapes")
    ->check(CLI::Range(1, 3600))->capture_default_str();
  bool print_routes = false;
  app.add_flag("--print-routes", print_routes, "Print every REST route (METHOD /path/{param}) and exit");
  CLI11_PARSE(app, argc, argv);
  if (print_routes) {
    for (auto& r : actors::rest_routes())
      std::cout << r.method << ' ' << r.path << '\n';
    return 0;
  }
  std::shared_ptr<const net::address_list> metrics_allow;
  {
    std::string why;
    auto list = net::address_list::parse(cfg.metrics_allow, why);
    if (!list) {
      std::cerr << "siberius-server: --metrics-allow: " << why << "\n";
      return 2;
    }
    if (!list->empty())
      metrics_allow = std::make_shared<const net::address_list>(std::move(*list));
  }

  // The front compares the peer's address as text: each one is written the
  // way the front writes a peer (::0001 is ::1, ::ffff:10.0.0.1 is 10.0.0.1).
  std::vector<std::string> trusted_proxies;
  for (const auto& entry : cfg.trusted_proxies) {
    if (entry == "none" || entry.empty())
      continue;
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(entry, ec);
    if (ec) {
      std::cerr << "siberius-server: --trusted-proxy: " << entry
                << " is not an IP address (networks are not accepted: name each proxy)\n";
      return 2;
    }
    if (address.is_v6() && address.to_v6().is_v4_mapped())
      address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
    trusted_proxies.push_back(address.to_string());
  }

  actors::log_level level;
  if (!actors::parse_log_level(cfg.log_level, level)) {
    std::cerr << "siberius-server: --log-level must be debug, info, warn or error\n";
    return 2;
  }
  actors::set_log_level(level);
  if (!cfg.log_file.empty()) {
    auto file = std::make_shared<siberius::rotating_file>(cfg.log_file, std::uint64_t(cfg.log_max_mb) << 20,
                                                          cfg.log_keep);
    siberius::set_log_writer([file](siberius::log_level, const std::string& line) {
      if (!file->write(line))
        std::fputs(line.c_str(), stderr); // the file cannot be written: say it where it can be seen
    });
  }
  // --- cache janitor: daily run and retention per type ---
  auto janitor_at = actors::parse_time_of_day(cfg.janitor_at);
  if (!janitor_at) {
    std::cerr << "siberius-server: --janitor-at must be HH:MM (00:00 to 23:59)\n";
    return 2;
  }
  // Before any thread starts: the zone becomes the process's (TZ).
  if (!cfg.janitor_tz.empty() && !actors::use_time_zone(cfg.janitor_tz)) {
    std::cerr << "siberius-server: --janitor-tz: no time zone " << cfg.janitor_tz << " in the tz database\n";
    return 2;
  }
  std::map<std::string, int> retention_by_tipo;
  for (auto& item : cfg.retention_by_tipo) {
    auto parsed = storage::parse_retention_by_tipo(item);
    if (auto why = std::get_if<std::string>(&parsed)) {
      std::cerr << "siberius-server: " << *why << "\n";
      return 2;
    }
    for (auto& [tipo, days] : std::get<0>(parsed))
      retention_by_tipo[tipo] = days;
  }
  // --- end cache janitor ---
  if (cfg.db.empty()) {
    std::cerr << "siberius-server: no database: pass --db or set SIBERIUS_DB\n";
    return 2;
  }
  std::shared_ptr<actors::alert_webhook> webhook;
  if (!cfg.alert_webhook.empty()) {
    try {
      webhook = std::make_shared<actors::alert_webhook>(actors::webhook_options{cfg.alert_webhook});
    } catch (const std::exception& e) {
      std::cerr << "siberius-server: --alert-webhook: " << e.what() << "\n";
      return 2;
    }
  }
  raise_open_file_limit(cfg.max_connections);
  if (!migrate(cfg))
    return 1;

  storage::store_options store_opts{cfg.db, cfg.retention_days, cfg.min_keep_h, cfg.max_event_days_ahead};
  store_opts.retention_by_tipo = retention_by_tipo;
  try {
    storage::metadata_store boot(store_opts);
    boot.check_time_zone(cfg.timezone);
    boot.reset_online_daemons();
    // Conditions are judged again by this run; what still holds is raised anew.
    boot.close_open_alerts(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count());
    if (auto n = boot.reset_interrupted_transfers())
      actors::log_event(actors::log_level::info, "server:transfers:reset", {{"pdfs", n}});
  } catch (const std::exception& e) {
    actors::log_event(actors::log_level::error, "server:bootstrap:failed", {{"reason", e.what()}});
    return 1;
  }

  caf::actor_system_config caf_cfg;
  caf_cfg.set("scheduler.max-threads", 2);
  caf_cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{caf_cfg};
  auto db = actors::spawn_db_pool(sys, store_opts, cfg.db_workers);
  auto audience = std::make_shared<std::atomic<std::size_t>>(0);
  auto hub = sys.spawn(actors::client_hub, audience, db);
  // Storage and alerts: the alert_center, and the gate the storage_monitor
  // closes when the cache is full (uploads and new requests: 507).
  auto storage_gate = std::make_shared<actors::storage_gate>();
  actors::alert_center_options alert_opts;
  alert_opts.poll_interval = std::chrono::seconds(cfg.alert_poll_s);
  alert_opts.daemons.offline_after = std::chrono::minutes(cfg.alert_daemon_offline_min);
  alert_opts.daemons.offline_pct = cfg.alert_daemons_offline_pct;
  alert_opts.webhook = webhook;
  auto alerts = sys.spawn(actors::alert_center, db, hub, alert_opts);
  auto passwords = actors::spawn_password_pool(sys, cfg.password_workers);
  actors::auth_options auth_opts;
  auth_opts.session_ttl = std::chrono::hours(cfg.session_ttl_h);
  auto auth = sys.spawn(actors::auth_service, db, passwords, auth_opts);
  actors::transfer_options transfer_opts;
  transfer_opts.stall_timeout = std::chrono::milliseconds(cfg.upload_stall_ms);
  transfer_opts.attempts = cfg.upload_attempts;
  transfer_opts.rate_limit = cfg.upload_rate_limit;
  transfer_opts.rate_window = std::chrono::seconds(cfg.upload_rate_window_s);
  transfer_opts.storage = storage_gate;
  auto uploads_actor = sys.spawn(actors::upload_coordinator, db, hub, transfer_opts);
  actors::auto_upload_options auto_opts;
  auto_opts.days = cfg.auto_upload_days;
  auto_opts.interval = std::chrono::seconds(cfg.auto_upload_interval_s);
  auto_opts.time_zone = cfg.timezone;
  auto auto_uploads = sys.spawn(actors::auto_upload, db, uploads_actor, auto_opts);
  actors::registry_options registry_opts;
  registry_opts.audience = audience;
  registry_opts.uploads = uploads_actor;
  auto registry = sys.spawn(actors::daemon_registry, db, hub, registry_opts);
  actors::janitor_options janitor_opts;
  janitor_opts.storage_dir = cfg.storage_dir;
  janitor_opts.interval = std::chrono::seconds(cfg.janitor_interval_s);
  janitor_opts.quarantine_keep = std::chrono::hours(24 * cfg.quarantine_days);
  janitor_opts.prune.audit_days = cfg.audit_retention_days;
  janitor_opts.prune.session_margin_hours = cfg.session_prune_margin_h;
  janitor_opts.daily_at = *janitor_at;
  janitor_opts.alerts = alerts;
  auto janitor = sys.spawn<caf::detached>(actors::cache_janitor, db, hub, janitor_opts);
  auto sampler = sys.spawn(actors::metrics_sampler, db, actors::sampler_options{});
  actors::storage_monitor_options storage_opts;
  storage_opts.storage_dir = cfg.storage_dir;
  if (cfg.cache_capacity_gb > 0)
    storage_opts.limits.capacity_bytes = static_cast<std::uint64_t>(cfg.cache_capacity_gb * 1024 * 1024 * 1024);
  storage_opts.limits.min_free_bytes = cfg.min_free_disk_mb * 1024 * 1024;
  storage_opts.interval = std::chrono::seconds(cfg.storage_check_s);
  auto storage_mon = sys.spawn(actors::storage_monitor, db, alerts, janitor, storage_gate, storage_opts);

  boost::asio::io_context ioc{static_cast<int>(cfg.io_threads)};
  net::server_options net_opts;
  net_opts.engine.ping_interval = std::chrono::milliseconds(cfg.ping_interval_ms);
  net_opts.engine.ping_timeout = std::chrono::milliseconds(cfg.ping_timeout_ms);
  net_opts.max_connections = cfg.max_connections;
  net_opts.trusted_proxies = trusted_proxies;
  // The pages that may use browser sessions may also use the polling transport.
  net_opts.cors_origins = cfg.allowed_origins;
  net_opts.max_connections_per_address = cfg.max_connections_per_address;
  net_opts.engine.max_queued_bytes = cfg.ws_write_queue_kb * 1024;
  // REST bodies are small JSON documents; PDFs arrive on the streaming upload
  // route, which has its own limit (--max-upload-mb).
  net_opts.max_http_body = 64 * 1024;
  // The front's lines (malformed frames, overflows) join the server's log
  // with the same ts/level shape; all but the routine ones are warnings.
  net_opts.log = [](const nlohmann::json& line) {
    auto fields = line;
    auto event = fields.value("event", std::string("net"));
    fields.erase("event");
    // Listening and a polling session's upgrade are routine, not warnings.
    bool routine = event == "net:listening" || event == "eio:upgrade";
    actors::log_event(routine ? actors::log_level::debug : actors::log_level::warn, event, std::move(fields));
  };
  net::server front{ioc, net_opts};
  // One guard for both namespaces: a refused CONNECT costs the socket and its
  // address on either.
  auto connects = std::make_shared<actors::connect_guard>();
  front.add_namespace(actors::daemon_nsp, actors::make_daemon_namespace(sys, registry, connects));
  auto origins = std::make_shared<actors::origin_policy>();
  origins->allowed = cfg.allowed_origins;
  front.add_namespace(actors::client_nsp, actors::make_client_namespace(sys, db, hub, origins, connects));
  actors::api_context api;
  api.sys = &sys;
  api.db = db;
  api.registry = registry;
  api.uploads = uploads_actor;
  api.auth = auth;
  api.passwords = passwords;
  api.hub = hub;
  api.janitor = janitor;
  api.alerts = alerts;
  if (cfg.cache_capacity_gb > 0)
    api.cache_capacity_bytes = static_cast<std::uint64_t>(cfg.cache_capacity_gb * 1024 * 1024 * 1024);
  api.time_zone = cfg.timezone;
  api.origins = origins;
  api.session_ttl = std::chrono::hours(cfg.session_ttl_h);
  if (cfg.rate_per_s > 0)
    api.limiter = std::make_shared<actors::rate_limiter>(actors::rate_limiter::config{cfg.rate_per_s, cfg.rate_burst});
  // ---- GET /metrics, and every HTTP answer counted by route template ----
  api.metrics_allow = metrics_allow;
  api.metrics_snapshot = std::make_shared<actors::metrics_snapshot_state>();
  api.metrics_snapshot->interval = std::chrono::seconds(cfg.metrics_snapshot_s);
  front.set_http_handler(actors::instrument_http(actors::make_http_api(api)));
  front.add_file_route(actors::is_pdf_download_path, actors::instrument_files(actors::make_pdf_download(api)));
  if (!fs::exists(fs::path(cfg.ui_dir) / "index.html"))
    actors::log_event(actors::log_level::warn, "server:ui:missing",
                      {{"uiDir", cfg.ui_dir}, {"hint", "build it: cd ui && npm ci && npm run build"}});
  front.add_file_route(net::is_web_app_path,
                       actors::instrument_files(net::make_static_site({cfg.ui_dir, "ui/dist sem index.html"})));
  actors::upload_options uploads;
  uploads.storage_dir = cfg.storage_dir;
  uploads.max_file_bytes = cfg.max_upload_mb * 1024 * 1024;
  uploads.coordinator = uploads_actor;
  uploads.storage = storage_gate;
  actors::pdf_check_options check_opts;
  check_opts.reader_exe = cfg.pdf_reader;
  check_opts.time_limit = uploads.check_time_limit;
  auto checker = actors::spawn_pdf_check_pool(sys, check_opts, 2);
  uploads.checker = checker;
  front.add_streaming_route("/api/daemon/upload", uploads.max_file_bytes + actors::upload_envelope_bytes,
                            actors::instrument_streaming(actors::make_upload_handler(sys, db, uploads)));
  try {
    front.listen(cfg.host, cfg.port);
  } catch (const std::exception& e) {
    actors::log_event(actors::log_level::error, "server:listen:failed",
                      {{"host", cfg.host}, {"port", cfg.port}, {"reason", e.what()}});
    for (auto& a : {registry, uploads_actor, auto_uploads, janitor, sampler, storage_mon, alerts, checker, auth, passwords, hub, db})
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    return 1;
  }
  try {
    storage::metadata_store boot(store_opts);
    write_credentials(cfg, front.port(), boot);
  } catch (const std::exception& e) {
    actors::log_event(actors::log_level::error, "server:credentials:failed", {{"reason", e.what()}});
    front.stop();
    for (auto& a : {registry, uploads_actor, auto_uploads, janitor, sampler, storage_mon, alerts, checker, auth, passwords, hub, db})
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    return 1;
  }
  actors::log_event(actors::log_level::info, "server:listening",
                    {{"host", cfg.host}, {"port", front.port()}, {"version", SIBERIUS_VERSION},
                     {"trustedProxies", trusted_proxies}});

  // Bursts of ingest allocate and free many small blocks across threads; glibc
  // keeps the freed pages, so RSS would stay at the burst's peak. Giving them
  // back every few seconds costs a few milliseconds. (jemalloc returns them
  // by itself: see malloc_conf above.)
  boost::asio::steady_timer trim_timer{ioc};
  std::function<void()> schedule_trim = [&] {
#ifndef SIBERIUS_JEMALLOC
    trim_timer.expires_after(std::chrono::seconds(5));
    trim_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec)
        return;
      malloc_trim(0);
      schedule_trim();
    });
#endif
  };
  schedule_trim();

  // The actors the server cannot run without: if one ends, the server stops
  // and exits 1, and the service manager starts a whole one (docs/architecture.md).
  int exit_code = 0;
  auto watch = sys.spawn(actors::top_level_watch,
                         std::vector<std::pair<std::string, caf::actor>>{
                           {"daemon_registry", registry}, {"upload_coordinator", uploads_actor},
                           {"client_hub", hub}, {"auth_service", auth}, {"password_worker", passwords},
                           {"cache_janitor", janitor}, {"metrics_sampler", sampler}, {"db_pool", db},
                           {"pdf_check_pool", checker}, {"storage_monitor", storage_mon},
                           {"alert_center", alerts}, {"auto_upload", auto_uploads}},
                         [&ioc, &front, &trim_timer, &exit_code](const std::string&, const caf::error&) {
                           boost::asio::post(ioc, [&] {
                             exit_code = 1;
                             front.stop();
                             trim_timer.cancel();
                             ioc.stop();
                           });
                         });

  boost::asio::signal_set signals{ioc, SIGINT, SIGTERM};
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec)
      return;
    actors::log_event(actors::log_level::info, "server:stopping", {{"signal", sig}});
    front.stop();
    trim_timer.cancel();
    ioc.stop();
  });
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < cfg.io_threads; ++i)
    threads.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : threads)
    t.join();
  // First the watch, so the others' shutdown is not taken for a failure.
  caf::anon_send_exit(watch, caf::exit_reason::user_shutdown);
  for (auto& a : {registry, uploads_actor, auto_uploads, janitor, sampler, storage_mon, alerts, checker, auth, passwords, hub, db})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  try {
    storage::metadata_store(store_opts).reset_online_daemons();
  } catch (const std::exception&) {
    // The next start does it.
  }
  actors::log_event(actors::log_level::info, "server:stopped", {{"exitCode", exit_code}});
  return exit_code;
}
