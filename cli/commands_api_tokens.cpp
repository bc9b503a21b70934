// api-token list / create / revoke: the tokens automation uses instead of a
// person's session, acting as an admin or a technician.
#include <memory>

#include "cli/commands.hpp"
#include "cli/errors.hpp"
#include "cli/token_views.hpp"

namespace siberius::cli {

namespace {

struct create_args {
  std::string name;
  std::string role = "admin";
};

struct revoke_args {
  std::int64_t id = 0;
};

int list_api_tokens(const command_context& ctx) {
  auto reply = ctx.client().get("/api/admin/api-tokens");
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_api_tokens(reply);
  return exit_ok;
}

int create_api_token(const command_context& ctx, const create_args& args) {
  auto reply = ctx.client().post("/api/admin/api-tokens", {{"name", args.name}, {"role", args.role}});
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_created_api_token(reply);
  return exit_ok;
}

int revoke_api_token(const command_context& ctx, const revoke_args& args) {
  auto reply = ctx.client().del("/api/admin/api-tokens/" + std::to_string(args.id));
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_revoked_api_token(reply);
  return exit_ok;
}

} // namespace

void add_api_token_commands(CLI::App& app, command_context& ctx, command_action& chosen) {
  auto* group = app.add_subcommand("api-token", "Manage the API tokens scripts use (Authorization: Bearer)");
  group->require_subcommand(1);

  auto* list = group->add_subcommand("list", "List API tokens: name, role, public id, active or revoked, last use");
  list->callback([&ctx, &chosen] { chosen = [&ctx] { return list_api_tokens(ctx); }; });

  auto create = std::make_shared<create_args>();
  auto* add = group->add_subcommand(
      "create", "Create an API token and print it once (the server stores only its SHA-256)");
  add->add_option("NAME", create->name, "What the token is for, e.g. the script that uses it")
      ->required()
      ->check([](const std::string& v) { return v.empty() ? std::string("NAME must not be empty") : std::string(); });
  add->add_option("--role", create->role, "admin (everything) or tecnico (what a technician may do)")
      ->check(CLI::IsMember({"admin", "tecnico"}))
      ->capture_default_str();
  add->callback([&ctx, &chosen, create] { chosen = [&ctx, create] { return create_api_token(ctx, *create); }; });

  auto revoke = std::make_shared<revoke_args>();
  auto* rev = group->add_subcommand("revoke", "Revoke an API token: requests with it are refused from now on");
  rev->add_option("ID", revoke->id, "The token's ID (see `api-token list`)")->required()->check(CLI::PositiveNumber);
  rev->callback([&ctx, &chosen, revoke] { chosen = [&ctx, revoke] { return revoke_api_token(ctx, *revoke); }; });
}

} // namespace siberius::cli
