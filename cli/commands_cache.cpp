// cache cleanup / cache reports: the cache janitor's runs (a run now, and the
// reports of the last ones).
#include <algorithm>
#include <chrono>
#include <memory>

#include "cli/commands.hpp"
#include "cli/errors.hpp"
#include "cli/format.hpp"
#include "cli/local_time.hpp"
#include "cli/table.hpp"

namespace siberius::cli {

namespace {

using nlohmann::json;

/// The server waits up to 50 s for a run's report; the CLI a little longer,
/// unless --timeout says otherwise.
constexpr std::chrono::milliseconds run_wait{60000};

std::string duration_text(const json& r) {
  auto ms = number_field(r, "durationMs").value_or(0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000.0);
  return buf;
}

std::string errors_text(const json& r) {
  auto& errors = json_member(r, "errors");
  return errors.is_array() ? std::to_string(errors.size()) : "0";
}

std::string render_report(const json& r) {
  auto freed = number_field(r, "bytesFreed").value_or(0);
  std::string out = render_fields({
    {"Run", cell_text(r, "id") + " (" + cell_text(r, "trigger") + ")"},
    {"Started", format_local_time(string_field(r, "startedAt"))},
    {"Duration", duration_text(r)},
    {"Files removed", cell_text(r, "filesRemoved") + " (" + format_bytes(freed) + " freed)"},
    {"Expired rows", cell_text(r, "expiredRows")},
    {"Stale temp files", cell_text(r, "staleTempFilesRemoved")},
    {"Errors", errors_text(r)},
  });
  auto& errors = json_member(r, "errors");
  if (errors.is_array())
    for (auto& e : errors)
      out += "  " + printable(e.is_string() ? e.get<std::string>() : e.dump()) + "\n";
  return out;
}

int cleanup(const command_context& ctx) {
  auto settings = ctx.settings();
  if (!ctx.flags.timeout_given)
    settings.timeout = std::max(settings.timeout, run_wait);
  auto reply = api_client(settings).post("/api/admin/cache/cleanup");
  if (ctx.flags.json) {
    ctx.print_json(reply);
    return exit_ok;
  }
  if (reply.value("running", false)) {
    *ctx.out << "The cleanup is still running; its report will be in `siberius-admin cache reports`.\n";
    return exit_ok;
  }
  auto& report = json_member(reply, "report");
  if (reply.value("joined", false))
    *ctx.out << "A " << cell_text(report, "trigger") << " run was already under way; its report:\n";
  *ctx.out << render_report(report);
  return exit_ok;
}

int reports(const command_context& ctx, int limit) {
  auto reply = ctx.client().get("/api/admin/cache/reports?limit=" + std::to_string(limit));
  if (ctx.flags.json) {
    ctx.print_json(reply);
    return exit_ok;
  }
  text_table table({{"ID", alignment::right},
                    {"TRIGGER"},
                    {"STARTED"},
                    {"DURATION", alignment::right},
                    {"FILES", alignment::right},
                    {"FREED", alignment::right},
                    {"EXPIRED", alignment::right},
                    {"TEMP", alignment::right},
                    {"ERRORS", alignment::right}});
  for (auto& r : json_member(reply, "items"))
    table.add_row({cell_text(r, "id"), cell_text(r, "trigger"), format_local_time(string_field(r, "startedAt")),
                   duration_text(r), cell_text(r, "filesRemoved"),
                   format_bytes(number_field(r, "bytesFreed").value_or(0)), cell_text(r, "expiredRows"),
                   cell_text(r, "staleTempFilesRemoved"), errors_text(r)});
  if (table.row_count() == 0)
    *ctx.out << "No cleanup run yet.\n";
  else
    *ctx.out << table.render();
  return exit_ok;
}

} // namespace

void add_cache_commands(CLI::App& app, command_context& ctx, command_action& chosen) {
  auto* cache = app.add_subcommand("cache", "The PDF cache's cleanup runs");
  cache->require_subcommand(1);
  auto* run = cache->add_subcommand(
    "cleanup", "Run the cache cleanup now (or wait for the run under way) and print its report");
  run->callback([&ctx, &chosen] { chosen = [&ctx] { return cleanup(ctx); }; });
  auto* list = cache->add_subcommand("reports", "The last cleanup runs, newest first");
  auto limit = std::make_shared<int>(20); // lives as long as the callback that reads it
  list->add_option("--limit", *limit, "How many (1 to 100)")->check(CLI::Range(1, 100))->capture_default_str();
  list->callback([&ctx, &chosen, limit] { chosen = [&ctx, limit] { return reports(ctx, *limit); }; });
}

} // namespace siberius::cli
