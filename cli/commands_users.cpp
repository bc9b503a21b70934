// users list / add / passwd / disable / enable. The API addresses users by
// numeric id; people know logins, so a LOGIN is looked up in the user list.
#include <algorithm>
#include <memory>

#include "cli/commands.hpp"
#include "cli/errors.hpp"
#include "cli/format.hpp"
#include "cli/user_views.hpp"

namespace siberius::cli {

namespace {

struct add_args {
  std::string login;
  std::string role;
  std::string nome;
  std::string password;
  CLI::Option* nome_opt = nullptr;
  CLI::Option* password_opt = nullptr;
};

struct user_args {
  std::string who; // LOGIN or ID
  std::string password;
  CLI::Option* password_opt = nullptr;
};

std::string not_empty(const std::string& v) { return v.empty() ? std::string("must not be empty") : std::string(); }

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The user named by login, or by id when no login matches (so a login made of
// digits still means that login).
nlohmann::json find_user(const api_client& client, const std::string& who) {
  auto reply = client.get("/api/admin/users");
  if (!reply.contains("users") || !reply["users"].is_array())
    throw std::runtime_error("unexpected reply from the server: no \"users\" list");
  const auto& users = reply["users"];
  for (const auto& u : users)
    if (string_field(u, "login") == who)
      return u;
  if (all_digits(who))
    for (const auto& u : users)
      if (cell_text(u, "id") == who)
        return u;
  throw not_found_error("no user with login or id \"" + who + "\"; see `siberius-admin users list`");
}

std::string user_path(const nlohmann::json& user, const std::string& action) {
  return "/api/admin/users/" + encode_path_segment(cell_text(user, "id")) + action;
}

int list_users(const command_context& ctx) {
  auto reply = ctx.client().get("/api/admin/users");
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_users(reply);
  return exit_ok;
}

int add_user(const command_context& ctx, const add_args& args) {
  nlohmann::json body{{"login", args.login}, {"role", args.role}};
  if (args.nome_opt->count() > 0)
    body["nome"] = args.nome;
  if (args.password_opt->count() > 0)
    body["password"] = args.password;
  auto reply = ctx.client().post("/api/admin/users", body);
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_created_user(reply);
  return exit_ok;
}

int change_password(const command_context& ctx, const user_args& args) {
  auto client = ctx.client();
  auto user = find_user(client, args.who);
  nlohmann::json body = nlohmann::json::object();
  if (args.password_opt->count() > 0)
    body["password"] = args.password;
  auto reply = client.put(user_path(user, "/password"), body);
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_password_changed(reply, cell_text(user, "login"));
  return exit_ok;
}

int set_user_state(const command_context& ctx, const user_args& args, const std::string& action) {
  auto client = ctx.client();
  auto reply = client.post(user_path(find_user(client, args.who), "/" + action));
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_user_state(reply);
  return exit_ok;
}

} // namespace

void add_users_commands(CLI::App& app, command_context& ctx, command_action& chosen) {
  auto* group = app.add_subcommand("users", "Manage the people who log in: admins and technicians");
  group->require_subcommand(1);

  auto* list = group->add_subcommand("list", "List users: id, login, name, role, active or disabled, created");
  list->callback([&ctx, &chosen] { chosen = [&ctx] { return list_users(ctx); }; });

  auto add = std::make_shared<add_args>();
  auto* create = group->add_subcommand(
      "add", "Add a user; without --password the server makes one up and it is printed once");
  create->add_option("LOGIN", add->login, "What the user logs in with")->required()->check(not_empty);
  create->add_option("--role", add->role, "admin (everything) or tecnico (their own atendimentos)")
      ->required()
      ->check(CLI::IsMember({"admin", "tecnico"}));
  add->nome_opt = create->add_option("--nome", add->nome, "The person's name");
  add->password_opt = create->add_option("--password", add->password, "Choose the password instead");
  add->password_opt->check(not_empty);
  create->callback([&ctx, &chosen, add] { chosen = [&ctx, add] { return add_user(ctx, *add); }; });

  auto passwd_args = std::make_shared<user_args>();
  auto* passwd = group->add_subcommand(
      "passwd", "Set a user's password; without --password the server makes one up and it is printed once");
  passwd->add_option("USER", passwd_args->who, "LOGIN or numeric ID")->required()->check(not_empty);
  passwd_args->password_opt = passwd->add_option("--password", passwd_args->password, "The new password");
  passwd_args->password_opt->check(not_empty);
  passwd->callback(
      [&ctx, &chosen, passwd_args] { chosen = [&ctx, passwd_args] { return change_password(ctx, *passwd_args); }; });

  for (const char* action : {"disable", "enable"}) {
    auto args = std::make_shared<user_args>();
    bool disable = std::string(action) == "disable";
    auto* sub = group->add_subcommand(
        action, disable ? "Disable a user's account: kept, but unable to log in"
                        : "Enable a disabled user again");
    sub->add_option("USER", args->who, "LOGIN or numeric ID")->required()->check(not_empty);
    std::string name = action;
    sub->callback([&ctx, &chosen, args, name] {
      chosen = [&ctx, args, name] { return set_user_state(ctx, *args, name); };
    });
  }
}

} // namespace siberius::cli
