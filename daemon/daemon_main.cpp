// siberius-daemon: watches the office's PDF folder and mirrors what it finds
// to siberius-server. No database, no state file: the folder is the truth.
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>

#include "daemon/config.hpp"
#include "daemon/folder_index.hpp"
#include "daemon/folder_watcher.hpp"
#include "daemon/log.hpp"
#include "daemon/messages.hpp"
#include "daemon/server_link.hpp"
#include "daemon/stop_signal.hpp"
#include "daemon/uploader.hpp"
#include "daemon/windows_service.hpp"
#include "log/rotating_file.hpp"
#include "platform/files.hpp"

using namespace siberius::daemon;

namespace {

constexpr int exit_config = 2;

int config_failure(const config_error& err) {
  log_event(log_level::error, "config:invalid", {{"setting", err.setting}, {"message", err.line()}});
  return exit_config;
}

/// The settings from the configuration file (the one given, else .env or
/// config.json here, else the service's), the environment and the flags, in
/// rising order of precedence; 0, or the exit code after saying what is wrong.
int load_config(const std::string& config_file, const setting_map& flags, daemon_config& cfg) {
  setting_map file;
  if (!config_file.empty()) {
    if (auto err = read_config_file(config_file, file))
      return config_failure(*err);
  } else {
    std::vector<std::string> candidates = {".env", "config.json"};
#ifdef _WIN32
    candidates.push_back(siberius::platform::join(windows_service::data_folder(), "daemon.env"));
#endif
    for (auto& candidate : candidates)
      if (siberius::platform::status_of(candidate).kind == siberius::platform::file_kind::regular) {
        if (auto err = read_config_file(candidate, file))
          return config_failure(*err);
        break;
      }
  }
  auto built = build_config(file, settings_from_environment(), flags);
  if (!built.config)
    return config_failure(*built.error);
  cfg = *built.config;
  return 0;
}

// --check: the configuration, then one real connection to /daemon.
int run_check(const daemon_config& cfg) {
  boost::asio::io_context ioc;
  siberius::net::client_options opts;
  opts.url = cfg.server_url;
  opts.nsp = "/daemon";
  opts.auth = {{"token", cfg.daemon_token}, {"clientId", cfg.client_id}, {"version", SIBERIUS_VERSION}};
  opts.ca_file = cfg.ca_file;
  opts.connect_timeout = std::chrono::seconds(10);
  siberius::net::sio_client client(ioc.get_executor(), opts);
  std::string outcome;
  bool ok = false;
  client.on_connect([&](const nlohmann::json& data) {
    ok = true;
    outcome = "connected and authenticated (lastSync " +
              (data.contains("lastSync") && data["lastSync"].is_string() ? data["lastSync"].get<std::string>()
                                                                         : std::string("never")) +
              ")";
    client.close();
  });
  client.on_connect_error([&](const siberius::net::connect_error& err) {
    outcome = "refused: " + err.message;
    if (err.data.is_object() && err.data.contains("code"))
      outcome += " (code " + err.data["code"].dump() + ")";
    ioc.stop();
  });
  client.on_disconnect([&](const std::string&) { ioc.stop(); });
  client.connect();
  ioc.run_for(std::chrono::seconds(15));
  std::printf("server:      %s\nclient id:   %s\nfolder:      %s\nworkers:     %u\nconnection:  %s\n",
              cfg.server_url.c_str(), cfg.client_id.c_str(), cfg.pdf_directory.c_str(), cfg.parse_workers,
              outcome.empty() ? "no answer within 15 s" : outcome.c_str());
  return ok ? 0 : 1;
}

// The daemon's actors, as spawn_actors made them.
struct daemon_actors {
  server_link_actor link;
  std::vector<pdf_parse_actor> workers;
  folder_index_actor index;
  uploader_actor uploads;
  folder_watcher_actor watcher;
};

// Step 1 of run_daemon: the actor system's settings, sized for an office PC.
void configure_actor_system(caf::actor_system_config& caf_cfg) {
  caf_cfg.set("scheduler.max-threads", 2);
  caf_cfg.set("logger.verbosity", caf::atom("quiet"));
  // An idle CAF worker waits on a condition variable that new work signals,
  // but also wakes every relaxed-sleep-duration (10 ms by default) to look for
  // work to steal: 200 wake-ups a second for an office daemon that mostly
  // waits. Its actors do little work each, so stealing can wait a second.
  caf_cfg.set("work-stealing.relaxed-sleep-duration", caf::timespan{std::chrono::seconds(1)});
}

// Step 2: the actors, wired to one another; the link starts connecting once it knows the index.
daemon_actors spawn_actors(caf::actor_system& sys, const daemon_config& cfg) {
  daemon_actors a;
  link_options link_opts;
  link_opts.url = cfg.server_url;
  link_opts.token = cfg.daemon_token;
  link_opts.client_id = cfg.client_id;
  link_opts.ca_file = cfg.ca_file;
  link_opts.pdf_directory = cfg.pdf_directory;
  link_opts.queue_limit = cfg.queue_limit;
  link_opts.heartbeat = cfg.heartbeat;
  link_opts.reconnect_base = cfg.reconnect_base;
  link_opts.auth_retry = cfg.auth_retry;
  link_opts.sync_debounce = cfg.sync_debounce;
  a.link = sys.spawn(server_link, link_opts);
  auto link = a.link;
  // From here on the daemon's own warn and error lines also go to the server (daemon:log).
  set_log_tap([link](nlohmann::json line) { caf::anon_send(link, atom::log_line_v, std::move(line)); });

  parse_job_options parse_opts;
  parse_opts.reader_exe = cfg.pdf_reader;
  parse_opts.time_limit = cfg.parse_time_limit;
  parse_opts.idle_exit = cfg.reader_idle_exit;
  for (unsigned i = 0; i < cfg.parse_workers; ++i)
    a.workers.push_back(sys.spawn<caf::detached>(pdf_parse_job, parse_opts));
  index_options index_opts;
  index_opts.verify_per_hour = cfg.verify_per_hour;
  index_opts.settle_interval = cfg.settle_interval;
  // A parse worker that dies is replaced by the index (the replacements end
  // with the index).
  index_opts.replace_worker = [&sys, parse_opts] { return sys.spawn<caf::detached>(pdf_parse_job, parse_opts); };
  a.index = sys.spawn(folder_index, link, a.workers, index_opts);
  uploader_options upload_opts;
  upload_opts.url = cfg.server_url;
  upload_opts.token = cfg.daemon_token;
  upload_opts.ca_file = cfg.ca_file;
  a.uploads = sys.spawn(uploader, link, a.index, upload_opts);
  caf::anon_send(link, atom::uploader_v, a.uploads);
  caf::anon_send(link, atom::inventory_v, a.index);

  watcher_options watch_opts;
  watch_opts.root = cfg.pdf_directory;
  watch_opts.stable_interval = cfg.stable_interval;
  watch_opts.settle_interval = cfg.settle_interval;
  watch_opts.safety_rescan = cfg.check_interval;
  watch_opts.poll_interval = cfg.poll_interval;
  watch_opts.force_poll = cfg.force_poll;
  a.watcher = sys.spawn(folder_watcher, a.index, watch_opts);
  caf::anon_send(link, atom::watcher_v, a.watcher);
  return a;
}

// Step 3: the watch. The daemon cannot do its work without any of its actors:
// if one ends, the daemon stops and exits 1, and the service manager starts it again.
caf::actor supervise(caf::actor_system& sys, const daemon_actors& a, std::shared_ptr<std::atomic<bool>> failed) {
  std::vector<std::pair<std::string, caf::actor_addr>> named = {{"server_link", a.link.address()},
                                                              {"folder_index", a.index.address()},
                                                              {"uploader", a.uploads.address()},
                                                              {"folder_watcher", a.watcher.address()}};
  return sys.spawn([failed, named](caf::event_based_actor* self) -> caf::behavior {
    auto names = std::make_shared<std::vector<std::pair<std::string, caf::actor_addr>>>(named);
    for (auto& [name, addr] : named)
      self->monitor(addr);
    self->set_down_handler([self, names, failed](caf::down_msg& msg) {
      for (auto& [name, addr] : *names)
        if (addr == msg.source) {
          log_event(log_level::error, "daemon:actor:down",
                    {{"actor", name}, {"reason", caf::to_string(msg.reason)}, {"action", "exiting"}});
          failed->store(true);
          request_stop(name + " stopped");
          return self->quit();
        }
    });
    return {[](atom::tick) {}};
  });
}

// Step 5: the stop, in order; returns once every actor has ended.
void stop_actors(caf::actor_system& sys, const daemon_actors& a, const caf::actor& watch) {
  // First the watch, so the others' stop is not taken for a failure.
  caf::anon_send_exit(watch, caf::exit_reason::user_shutdown);
  for (auto& addr :
       std::vector<caf::actor_addr>{a.watcher.address(), a.uploads.address(), a.index.address(), a.link.address()})
    caf::anon_send_exit(addr, caf::exit_reason::user_shutdown);
  for (auto& w : a.workers)
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  sys.await_all_actors_done();
  set_log_tap(nullptr); // it holds the link's handle, which must go before the actor system
}

// The daemon itself, until a stop is requested (SIGTERM, Ctrl+C, the service
// manager). Returns the process's exit code.
int run_daemon(const daemon_config& cfg) {
#if defined(__GLIBC__)
  // The daemon's threads allocate little (PDFs are read in siberius-pdf-reader);
  // one malloc arena instead of one per busy thread keeps its idle footprint
  // small (docs/daemon.md: about 1 MB less after a first index of 2,000 files).
  mallopt(M_ARENA_MAX, 1);
#endif

  log_event(log_level::info, "daemon:starting",
            {{"version", SIBERIUS_VERSION},
             {"server", cfg.server_url},
             {"clientId", cfg.client_id},
             {"folder", cfg.pdf_directory},
             {"parseWorkers", cfg.parse_workers},
             {"queueLimit", cfg.queue_limit}});
#ifdef _WIN32
  // Never destroyed on Windows, like the actor system below, which keeps a
  // reference to it: the private thread of a detached actor (a parse worker)
  // that ends after run_daemon returned still reads the configuration's
  // thread hooks (actor_system::thread_terminates), and crashed the service
  // on every stop when the configuration was a local here.
  caf::actor_system_config& caf_cfg = *new caf::actor_system_config;
#else
  caf::actor_system_config caf_cfg;
#endif
  configure_actor_system(caf_cfg);
#ifdef _WIN32
  // Never destroyed on Windows: under Wine the actor system's destructor does
  // not return once the daemon's actors are done (the process stayed in
  // STOP_PENDING, holding its executable, so the uninstaller could neither
  // delete it nor the service). Every actor has ended by the time run_daemon
  // returns; main ends the process without running destructors.
  caf::actor_system& sys = *new caf::actor_system{caf_cfg};
#else
  caf::actor_system sys{caf_cfg};
#endif
  // Steps 2 and 3.
  auto actors = spawn_actors(sys, cfg);
  auto failed = std::make_shared<std::atomic<bool>>(false);
  auto watch = supervise(sys, actors, failed);
  // Step 4: run until a stop is asked (a signal, the service manager, an actor that ended).
  auto why = wait_for_stop();
  log_event(log_level::info, "daemon:stopping", {{"reason", why}});
  stop_actors(sys, actors, watch);
  log_event(log_level::info, "daemon:stopped", {{"exitCode", failed->load() ? 1 : 0}});
  stop_finished();
  return failed->load() ? 1 : 0;
}

/// LOG_FILE: lines go to a file rotated at 10 MiB, five kept (and, in a
/// service, warnings and errors to the event log as well).
void log_to_file(const std::string& path, bool event_log) {
  auto file = std::make_shared<siberius::rotating_file>(path, 10u << 20, 5);
  siberius::set_log_writer([file, event_log](siberius::log_level level, const std::string& line) {
    if (!file->write(line))
      std::fputs(line.c_str(), stderr); // nowhere better to say it
#ifdef _WIN32
    if (event_log && level >= siberius::log_level::warn)
      windows_service::report_event(level == siberius::log_level::error, line);
#else
    (void)event_log;
    (void)level;
#endif
  });
}

#ifdef _WIN32
/// Ends the process at once: no DLL detach routines, which could touch the
/// actor system's still-running threads.
[[noreturn]] void end_process(int code) {
  std::fflush(nullptr);
  ::TerminateProcess(::GetCurrentProcess(), static_cast<UINT>(code));
  std::_Exit(code);
}
#endif

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"siberius-daemon: indexes the office's PDF folder into siberius-server"};
  std::string config_file;
  bool check = false;
  app.add_option("--config", config_file, "a .env (KEY=VALUE) or config.json file");
  app.add_flag("--check", check, "validate the configuration and the connection, then exit (0 ok, 1 not)");
  app.set_version_flag("--version", SIBERIUS_VERSION);
#ifdef _WIN32
  bool as_service = false, install_service = false, uninstall_service = false;
  std::string service_account, service_password;
  app.add_flag("--service", as_service, "run under the Windows service manager (as installed by --install-service)");
  app.add_flag("--install-service", install_service,
               "install the Windows service SiberiusDaemon with this --config (as administrator), then exit");
  app.add_flag("--uninstall-service", uninstall_service, "stop and remove the Windows service, then exit");
  app.add_option("--service-account", service_account,
                 "with --install-service: the account it runs as (default NT AUTHORITY\\LocalService)");
  app.add_option("--service-password", service_password, "with --service-account: its password");
#endif
#ifdef _WIN32
  windows_service::report_crashes();
#endif
  setting_map flags;
  std::vector<std::string> flag_values(setting_table().size());
  for (std::size_t i = 0; i < setting_table().size(); ++i) {
    auto& s = setting_table()[i];
    std::string help = std::string(s.help) + " [" + s.name + "]";
    app.add_option(s.flag, flag_values[i], help);
  }
  try {
#ifdef _WIN32
    // main's argv is in the ANSI code page; the real arguments are UTF-16.
    auto args = siberius::platform::utf8_arguments();
    std::vector<std::string> rest(args.size() > 1 ? args.begin() + 1 : args.end(), args.end());
    std::reverse(rest.begin(), rest.end()); // CLI11 takes them last first
    app.parse(rest);
#else
    app.parse(argc, argv);
#endif
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : exit_config;
  }
  for (std::size_t i = 0; i < setting_table().size(); ++i)
    if (app.count(setting_table()[i].flag) > 0)
      flags[setting_table()[i].name] = flag_values[i];

#ifdef _WIN32
  if (uninstall_service) {
    auto err = windows_service::uninstall();
    std::printf("%s\n", err.empty() ? "service SiberiusDaemon removed" : err.c_str());
    return err.empty() ? 0 : 1;
  }
  if (config_file.empty() && (as_service || install_service))
    config_file = siberius::platform::join(windows_service::data_folder(), "daemon.env");
#endif

  daemon_config cfg;
  if (int code = load_config(config_file, flags, cfg); code != 0)
    return code;
  log_level level = log_level::info;
  parse_log_level(cfg.log_level, level);
  set_log_level(level);
#ifndef _WIN32
  std::signal(SIGPIPE, SIG_IGN);
#endif
  if (check)
    return run_check(cfg);

#ifdef _WIN32
  if (install_service) {
    windows_service::install_options opts;
    opts.config_file = siberius::platform::canonical_folder(config_file);
    opts.account = service_account;
    opts.password = service_password;
    auto err = windows_service::install(opts);
    std::printf("%s\n", err.empty() ? "service SiberiusDaemon installed (automatic start)" : err.c_str());
    return err.empty() ? 0 : 1;
  }
  if (as_service) {
    log_to_file(cfg.log_file.empty() ? siberius::platform::join(windows_service::data_folder(), "logs\\daemon.log")
                                     : cfg.log_file,
                true);
    prepare_stop_signals();
    int code = windows_service::run([&cfg] { return run_daemon(cfg); });
    // The actor system is left standing (see run_daemon): end here, after
    // the service manager has been told SERVICE_STOPPED.
    end_process(code);
  }
#endif
  if (!cfg.log_file.empty())
    log_to_file(cfg.log_file, false);
  prepare_stop_signals();
#ifdef _WIN32
  end_process(run_daemon(cfg));
#else
  return run_daemon(cfg);
#endif
}
