// alerts: the server's operational alerts (GET /api/admin/alerts).
#include "cli/commands.hpp"
#include "cli/errors.hpp"
#include "cli/local_time.hpp"
#include "cli/table.hpp"

namespace siberius::cli {

namespace {

using json = nlohmann::json;

std::string text_of(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::optional<std::string> time_of(const json& j, const char* key) {
  if (j.contains(key) && j[key].is_string())
    return j[key].get<std::string>();
  return std::nullopt;
}

std::string render_alerts(const json& body, bool all) {
  const json empty = json::array();
  const auto& active = body.contains("active") && body["active"].is_array() ? body["active"] : empty;
  const auto& recent = body.contains("recent") && body["recent"].is_array() ? body["recent"] : empty;
  std::string out;
  if (active.empty()) {
    out += "No active alerts.\n";
  } else {
    text_table t({{"SEVERITY"}, {"KIND"}, {"SUBJECT"}, {"RAISED"}, {"MESSAGE"}});
    for (auto& a : active)
      t.add_row({text_of(a, "severity"), text_of(a, "kind"), text_of(a, "subject"),
                 format_local_time(time_of(a, "raisedAt")), text_of(a, "message")});
    out += t.render();
  }
  if (all && !recent.empty()) {
    out += "\nRecently cleared:\n";
    text_table t({{"SEVERITY"}, {"KIND"}, {"SUBJECT"}, {"RAISED"}, {"CLEARED"}, {"MESSAGE"}});
    for (auto& a : recent)
      t.add_row({text_of(a, "severity"), text_of(a, "kind"), text_of(a, "subject"),
                 format_local_time(time_of(a, "raisedAt")), format_local_time(time_of(a, "clearedAt")),
                 text_of(a, "message")});
    out += t.render();
  }
  return out;
}

} // namespace

void add_alerts_command(CLI::App& app, command_context& ctx, command_action& chosen) {
  auto* alerts = app.add_subcommand("alerts", "List the server's active alerts (--all: the recently cleared too)");
  auto all = std::make_shared<bool>(false);
  alerts->add_flag("--all", *all, "Also list the alerts cleared recently");
  alerts->callback([&ctx, &chosen, all] {
    chosen = [&ctx, all] {
      auto body = ctx.client().get("/api/admin/alerts");
      if (ctx.flags.json)
        ctx.print_json(body);
      else
        *ctx.out << render_alerts(body, *all);
      return exit_ok;
    };
  });
}

} // namespace siberius::cli
