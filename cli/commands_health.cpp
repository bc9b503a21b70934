// health: the server's detailed health, for people and for monitoring scripts.
#include "cli/commands.hpp"
#include "cli/daemon_views.hpp"
#include "cli/errors.hpp"

namespace siberius::cli {

namespace {

int show_health(const command_context& ctx) {
  auto client = ctx.client();
  auto reply = client.call("GET", "/health/detailed", std::nullopt);
  bool success = reply.status >= 200 && reply.status < 300;
  nlohmann::json body;
  if (success) {
    body = api_client::parse_body(reply);
  } else {
    // A degraded server may still describe itself (503 with the health
    // document); anything else is an ordinary error.
    body = nlohmann::json::parse(reply.body, nullptr, false);
    if (!body.is_object() || !body.contains("server"))
      throw api_error_from_response(reply.status, reply.body);
  }
  if (ctx.flags.json)
    ctx.print_json(body);
  else
    *ctx.out << render_health(body, wall_clock::now());
  if (!success)
    return exit_code_for_status(reply.status);
  return health_is_ok(body) ? exit_ok : exit_server;
}

} // namespace

void add_health_command(CLI::App& app, command_context& ctx, command_action& chosen) {
  auto* health = app.add_subcommand(
      "health", "Show the server's detailed health; exits 5 when the server or its database is not ok");
  health->callback([&ctx, &chosen] { chosen = [&ctx] { return show_health(ctx); }; });
}

} // namespace siberius::cli
