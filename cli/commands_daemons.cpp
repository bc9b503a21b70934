// daemons / daemons list (issue 5 adds show, resync, disconnect, config here).
#include "cli/commands.hpp"
#include "cli/daemon_views.hpp"
#include "cli/errors.hpp"

namespace siberius::cli {

namespace {

int list_daemons(const command_context& ctx) {
  auto reply = ctx.client().get("/api/admin/daemons");
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_daemons(reply, wall_clock::now());
  return exit_ok;
}

} // namespace

void add_daemons_commands(CLI::App& app, command_context& ctx, command_action& chosen) {
  auto* group = app.add_subcommand("daemons", "List the office daemons and their status (same as `daemons list`)");
  group->require_subcommand(0, 1);
  auto* list = group->add_subcommand("list", "List the office daemons: status, address, version, last seen, PDFs");
  list->callback([&ctx, &chosen] { chosen = [&ctx] { return list_daemons(ctx); }; });
  // A subcommand's callback runs before its parent's, so a bare `daemons`
  // gets the list only when no subcommand chose something else.
  group->callback([&ctx, &chosen] {
    if (!chosen)
      chosen = [&ctx] { return list_daemons(ctx); };
  });
}

} // namespace siberius::cli
