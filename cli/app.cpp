#include "cli/app.hpp"

#include <algorithm>

#include "cli/commands.hpp"
#include "cli/errors.hpp"

namespace siberius::cli {

namespace {

constexpr const char* footer =
    "Settings, first found wins:\n"
    "  server  --server, $SIBERIUS_SERVER, \"url\" in the credentials file, http://127.0.0.1:8080\n"
    "  token   --token, $SIBERIUS_TOKEN, the session `login` stored (for that server, until it\n"
    "          ends), \"adminToken\" in the credentials file\n"
    "  credentials file  --credentials, $SIBERIUS_CREDENTIALS, ./var/credentials.json if present\n"
    "  session file      --session-file, $SIBERIUS_SESSION_FILE, $XDG_CONFIG_HOME/siberius/session.json,\n"
    "                    $HOME/.config/siberius/session.json\n"
    "Dates and times on the command line and in tables are local time (TZ); --json shows the\n"
    "server's UTC.\n"
    "\n"
    "Exit codes: 0 ok, 1 other error, 2 usage, 3 authentication or authorization (HTTP 401/403,\n"
    "no token), 4 not found (HTTP 404, or no such user or daemon), 5 server or connection error\n"
    "(HTTP 5xx, unreachable, timeout), 6 conflict (HTTP 409: exists already, or not in the needed\n"
    "state, e.g. a daemon not connected), 7 rate limited (HTTP 429: retry after the time given).";

void report(std::ostream& err, const std::string& message) { err << "siberius-admin: " << message << '\n'; }

// "HTTP 429, retry after 30 s" from the status and a Retry-After of seconds
// or an HTTP date.
std::string http_note(const api_error& e) {
  std::string note = "HTTP " + std::to_string(e.status);
  if (!e.retry_after.empty()) {
    bool seconds = e.retry_after.find_first_not_of("0123456789") == std::string::npos;
    note += ", retry after " + e.retry_after + (seconds ? " s" : "");
  }
  return note;
}

int run_action(const command_action& action, std::ostream& err) {
  try {
    return action();
  } catch (const api_error& e) {
    report(err, std::string(e.what()) + " (" + http_note(e) + ")");
    return exit_code_for_status(e.status);
  } catch (const missing_token_error& e) {
    report(err, e.what());
    return exit_auth;
  } catch (const not_found_error& e) {
    report(err, e.what());
    return exit_not_found;
  } catch (const usage_error& e) {
    report(err, e.what());
    return exit_usage;
  } catch (const connection_error& e) {
    report(err, e.what());
    return exit_server;
  } catch (const std::exception& e) {
    report(err, e.what());
    return exit_other;
  }
}

} // namespace

int run_admin_cli(const std::vector<std::string>& args, const env_lookup& env, std::ostream& out,
                  std::ostream& err) {
  return run_admin_cli(args, env, out, err, process_console(err));
}

int run_admin_cli(const std::vector<std::string>& args, const env_lookup& env, std::ostream& out, std::ostream& err,
                  const console_input& console) {
  CLI::App app{"siberius-admin: administer a Siberius server over its REST API", "siberius-admin"};
  app.footer(footer);
  // Global options are accepted after the subcommand too: `daemons --json`.
  app.fallthrough();
  // No require_subcommand: a mistyped command then reads "not expected: X".
  app.set_version_flag("--version", std::string(SIBERIUS_VERSION));

  command_context ctx;
  ctx.env = env;
  ctx.out = &out;
  ctx.err = &err;
  ctx.console = console;
  std::string server, token, credentials, session_file;
  auto* server_opt = app.add_option("--server", server, "Server base URL, http://HOST:PORT or https://HOST:PORT");
  auto* token_opt = app.add_option("--token", token, "API token or session token (Authorization: Bearer)");
  auto* cred_opt = app.add_option("--credentials", credentials, "credentials.json written by scripts/run");
  auto* session_opt = app.add_option("--session-file", session_file, "Where `login` keeps the session");
  app.add_flag("--json", ctx.flags.json, "Print the server's JSON instead of tables");
  auto* timeout_opt = app.add_option("--timeout", ctx.flags.timeout_seconds, "Seconds allowed for each request")
                          ->capture_default_str();

  command_action chosen;
  add_daemon_token_commands(app, ctx, chosen);
  add_daemons_commands(app, ctx, chosen);
  add_api_token_commands(app, ctx, chosen);
  add_health_command(app, ctx, chosen);
  add_session_commands(app, ctx, chosen);
  add_users_commands(app, ctx, chosen);
  add_pdf_commands(app, ctx, chosen);
  add_atendimentos_commands(app, ctx, chosen);
  add_cache_commands(app, ctx, chosen);
  add_alerts_command(app, ctx, chosen);

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend()); // CLI11 consumes from the back
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err) == 0 ? exit_ok : exit_usage;
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err) == 0 ? exit_ok : exit_usage;
  } catch (const CLI::CallForVersion& e) {
    app.exit(e, out, err);
    return exit_ok;
  } catch (const CLI::ParseError& e) {
    app.exit(e, out, err);
    return exit_usage;
  }

  if (server_opt->count() > 0)
    ctx.flags.server = server;
  if (token_opt->count() > 0)
    ctx.flags.token = token;
  if (cred_opt->count() > 0)
    ctx.flags.credentials_file = credentials;
  if (session_opt->count() > 0)
    ctx.flags.session_file = session_file;
  ctx.flags.timeout_given = timeout_opt->count() > 0;
  if (!chosen) {
    report(err, "no command given; see --help");
    return exit_usage;
  }
  return run_action(chosen, err);
}

} // namespace siberius::cli
