// daemon-token create (issue 5 adds list, rotate, revoke here).
#include <memory>

#include "cli/commands.hpp"
#include "cli/daemon_views.hpp"
#include "cli/errors.hpp"

namespace siberius::cli {

namespace {

struct create_args {
  std::string name;
  std::string client_id;
  CLI::Option* client_id_opt = nullptr;
};

int create_daemon_token(const command_context& ctx, const create_args& args) {
  nlohmann::json body{{"name", args.name}};
  if (args.client_id_opt->count() > 0)
    body["clientId"] = args.client_id;
  auto reply = ctx.client().post("/api/admin/daemon-tokens", body);
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_created_daemon_token(reply);
  return exit_ok;
}

} // namespace

void add_daemon_token_commands(CLI::App& app, command_context& ctx, command_action& chosen) {
  auto* group = app.add_subcommand("daemon-token", "Manage the tokens daemons authenticate with");
  group->require_subcommand(1);

  auto args = std::make_shared<create_args>();
  auto* create = group->add_subcommand(
      "create", "Create a daemon token and print it once (the server stores only its SHA-256)");
  create->add_option("NAME", args->name, "A name people recognise, e.g. the office it runs in")
      ->required()
      ->check([](const std::string& v) { return v.empty() ? std::string("NAME must not be empty") : std::string(); });
  args->client_id_opt = create->add_option(
      "--client-id", args->client_id,
      "Bind the token to this daemon CLIENT_ID now (default: bound by the first daemon that connects)");
  args->client_id_opt->check(
      [](const std::string& v) { return v.empty() ? std::string("--client-id must not be empty") : std::string(); });
  create->callback([&ctx, &chosen, args] { chosen = [&ctx, args] { return create_daemon_token(ctx, *args); }; });
}

} // namespace siberius::cli
