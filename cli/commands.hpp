// How a command group plugs into siberius-admin. Each group (daemon-token,
// daemons, api-token, health, login/logout/whoami, users, pdf, atendimentos)
// lives in its own commands_*.cpp and registers its subcommands here; a leaf
// command's CLI11 callback only chooses the action, which runs after parsing
// so that its errors map to exit codes in one place (app.cpp).
#pragma once

#include <functional>
#include <ostream>

#include <CLI/CLI.hpp>

#include "cli/api_client.hpp"
#include "cli/console.hpp"
#include "cli/settings.hpp"

namespace siberius::cli {

struct command_context {
  global_flags flags;
  env_lookup env;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  console_input console;

  /// Flags, environment, session and credentials files, resolved (throws usage_error).
  resolved_settings settings() const { return resolve_settings(flags, env); }
  api_client client() const { return api_client(settings()); }
  /// Writes JSON for scripts: pretty, one document, newline-terminated.
  void print_json(const nlohmann::json& j) const { *out << j.dump(2) << '\n'; }
};

/// The action chosen on the command line; returns the exit code.
using command_action = std::function<int()>;

void add_daemon_token_commands(CLI::App& app, command_context& ctx, command_action& chosen);
void add_daemons_commands(CLI::App& app, command_context& ctx, command_action& chosen);
void add_api_token_commands(CLI::App& app, command_context& ctx, command_action& chosen);
void add_health_command(CLI::App& app, command_context& ctx, command_action& chosen);
void add_session_commands(CLI::App& app, command_context& ctx, command_action& chosen);
void add_users_commands(CLI::App& app, command_context& ctx, command_action& chosen);
void add_pdf_commands(CLI::App& app, command_context& ctx, command_action& chosen);
void add_atendimentos_commands(CLI::App& app, command_context& ctx, command_action& chosen);
void add_cache_commands(CLI::App& app, command_context& ctx, command_action& chosen);
void add_alerts_command(CLI::App& app, command_context& ctx, command_action& chosen);

} // namespace siberius::cli
