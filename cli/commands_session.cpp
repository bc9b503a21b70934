// login, logout, whoami: a person's own session, kept in the session file
// (see settings.hpp) so that later commands run as that person.
#include <memory>

#include "cli/commands.hpp"
#include "cli/errors.hpp"
#include "cli/session_file.hpp"
#include "cli/user_views.hpp"

namespace siberius::cli {

namespace {

struct login_args {
  std::string user;
  std::string password;
  bool password_stdin = false;
  CLI::Option* user_opt = nullptr;
  CLI::Option* password_opt = nullptr;
};

const char* no_session_path =
    "nowhere to keep the session: pass --session-file FILE, or set SIBERIUS_SESSION_FILE or HOME";

std::string login_name(const command_context& ctx, const login_args& args) {
  if (args.user_opt->count() > 0)
    return args.user;
  // stdin is taken when the password comes through it.
  if (args.password_stdin || !ctx.console.stdin_is_terminal())
    throw usage_error("--user LOGIN is required when stdin is not a terminal or carries the password");
  auto typed = ctx.console.prompt("Login: ", false);
  if (!typed || typed->empty())
    throw usage_error("no login given");
  return *typed;
}

std::string password_for(const command_context& ctx, const login_args& args, const std::string& login) {
  std::optional<std::string> password;
  if (args.password_opt->count() > 0) {
    password = args.password;
  } else if (args.password_stdin) {
    password = ctx.console.read_line();
  } else if (ctx.console.stdin_is_terminal()) {
    password = ctx.console.prompt("Password for " + login + ": ", true);
  } else {
    throw usage_error("no password: pipe it in with --password-stdin, or run in a terminal to be asked");
  }
  if (!password || password->empty())
    throw usage_error("the password is empty");
  return *password;
}

stored_session session_from(const nlohmann::json& reply, const std::string& server) {
  auto user = reply.value("user", nlohmann::json::object());
  stored_session s;
  s.server = server;
  s.token = reply.value("token", "");
  s.login = user.is_object() ? user.value("login", "") : "";
  s.role = user.is_object() ? user.value("role", "") : "";
  s.expires_at = reply.value("expiresAt", "");
  if (s.token.empty())
    throw std::runtime_error("unexpected reply from the server: no token in it");
  return s;
}

int log_in(const command_context& ctx, const login_args& args) {
  auto settings = ctx.settings();
  if (!settings.session_file)
    throw usage_error(no_session_path);
  auto login = login_name(ctx, args);
  auto password = password_for(ctx, args, login);
  auto reply = api_client(settings).post_without_token("/api/auth/login", {{"login", login}, {"password", password}});
  write_session_file(*settings.session_file, session_from(reply, settings.server_url));
  if (ctx.flags.json) {
    // The token stays in the session file: scripts that need it read it there.
    reply.erase("token");
    reply["server"] = settings.server_url;
    reply["sessionFile"] = *settings.session_file;
    ctx.print_json(reply);
  } else {
    *ctx.out << render_login(reply);
  }
  return exit_ok;
}

int log_out(const command_context& ctx) {
  auto path = session_file_path(ctx.flags, ctx.env);
  if (!path)
    throw usage_error(no_session_path);
  auto session = read_session_file(*path);
  if (!session) {
    *ctx.err << "siberius-admin: not logged in (no session in " << *path << ")\n";
    return exit_ok;
  }
  // The session's own server, whatever --server says: its token belongs there.
  auto settings = ctx.settings();
  settings.server_url = session->server;
  settings.token = session->token;
  settings.token_source = setting_source::session_file;
  bool ended_already = false;
  try {
    api_client(settings).post("/api/auth/logout");
  } catch (const api_error& e) {
    if (e.status != 401)
      throw; // keep the file: the token may still be valid on the server
    ended_already = true;
  }
  remove_session_file(*path);
  if (ctx.flags.json) {
    ctx.print_json({{"loggedOut", session->login}, {"server", session->server}, {"endedAlready", ended_already}});
  } else if (ended_already) {
    *ctx.out << "The session of " << session->login << " had already ended on the server; removed " << *path << "\n";
  } else {
    *ctx.out << "logged out " << session->login << " from " << session->server << "\n";
  }
  return exit_ok;
}

int who_am_i(const command_context& ctx) {
  auto reply = ctx.client().get("/api/me");
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_me(reply);
  return exit_ok;
}

} // namespace

void add_session_commands(CLI::App& app, command_context& ctx, command_action& chosen) {
  auto args = std::make_shared<login_args>();
  auto* login = app.add_subcommand(
      "login", "Log in as a user and keep the session in the session file (mode 0600) for later commands");
  args->user_opt = login->add_option("--user", args->user, "LOGIN to log in as (asked for on a terminal)");
  args->user_opt->check(
      [](const std::string& v) { return v.empty() ? std::string("--user must not be empty") : std::string(); });
  args->password_opt = login->add_option(
      "--password", args->password, "The password (visible to other local users in the process list; prefer "
                                    "--password-stdin or the prompt)");
  auto* from_stdin =
      login->add_flag("--password-stdin", args->password_stdin, "Read the password from the first line of stdin");
  args->password_opt->excludes(from_stdin);
  login->callback([&ctx, &chosen, args] { chosen = [&ctx, args] { return log_in(ctx, *args); }; });

  auto* logout = app.add_subcommand("logout", "End the stored session on its server and delete the session file");
  logout->callback([&ctx, &chosen] { chosen = [&ctx] { return log_out(ctx); }; });

  auto* whoami = app.add_subcommand("whoami", "Show who the token in use belongs to (GET /api/me)");
  whoami->callback([&ctx, &chosen] { chosen = [&ctx] { return who_am_i(ctx); }; });
}

} // namespace siberius::cli
