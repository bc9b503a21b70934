// daemon-token create / list / rotate / revoke: the credentials office
// daemons connect with.
#include <memory>

#include "cli/commands.hpp"
#include "cli/daemon_lookup.hpp"
#include "cli/errors.hpp"
#include "cli/token_views.hpp"

namespace siberius::cli {

namespace {

struct create_args {
  std::string name;
  std::string client_id;
  CLI::Option* client_id_opt = nullptr;
};

struct rotate_args {
  std::string daemon;
  int overlap_hours = 24;
};

struct revoke_args {
  std::int64_t token_id = 0;
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

int list_daemon_tokens(const command_context& ctx) {
  auto reply = ctx.client().get("/api/admin/daemon-tokens");
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_daemon_tokens(reply);
  return exit_ok;
}

int rotate_daemon_token(const command_context& ctx, const rotate_args& args) {
  auto client = ctx.client();
  auto id = resolve_daemon_id(client, args.daemon);
  auto reply = client.post("/api/admin/daemons/" + encode_path_segment(id) + "/rotate-token",
                           {{"overlapHours", args.overlap_hours}});
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_rotated_daemon_token(reply);
  return exit_ok;
}

int revoke_daemon_token(const command_context& ctx, const revoke_args& args) {
  auto reply = ctx.client().del("/api/admin/daemon-tokens/" + std::to_string(args.token_id));
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_revoked_daemon_token(reply);
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

  auto* list = group->add_subcommand(
      "list", "List every daemon token: its daemon, public id, state (active, expiring, expired, revoked), dates");
  list->callback([&ctx, &chosen] { chosen = [&ctx] { return list_daemon_tokens(ctx); }; });

  auto rotate = std::make_shared<rotate_args>();
  auto* rot = group->add_subcommand(
      "rotate", "Give a daemon a new token, printed once; its other tokens stop working after the overlap");
  rot->add_option("DAEMON", rotate->daemon, "The daemon's numeric ID or its CLIENT_ID (see `daemons list`)")
      ->required()
      ->check(check_daemon_argument);
  rot->add_option("--overlap-hours", rotate->overlap_hours,
                  "Hours the previous tokens keep working, 0 to 720 (0: they stop now)")
      ->check(CLI::Range(0, 720))
      ->capture_default_str();
  rot->callback([&ctx, &chosen, rotate] { chosen = [&ctx, rotate] { return rotate_daemon_token(ctx, *rotate); }; });

  auto revoke = std::make_shared<revoke_args>();
  auto* rev = group->add_subcommand(
      "revoke", "Revoke a daemon token at once; a daemon connected with it is disconnected");
  rev->add_option("TOKEN_ID", revoke->token_id, "The token's ID (see `daemon-token list`)")
      ->required()
      ->check(CLI::PositiveNumber);
  rev->callback([&ctx, &chosen, revoke] { chosen = [&ctx, revoke] { return revoke_daemon_token(ctx, *revoke); }; });
}

} // namespace siberius::cli
