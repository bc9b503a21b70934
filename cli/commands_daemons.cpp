// daemons [list] / show / resync / disconnect / block / unblock / config: the
// office daemons, one at a time by numeric id or clientId (daemon_lookup.hpp).
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/daemon_detail_view.hpp"
#include "cli/daemon_lookup.hpp"
#include "cli/daemon_views.hpp"
#include "cli/errors.hpp"
#include "cli/format.hpp"

namespace siberius::cli {

namespace {

// The server waits 10 s for a daemon's ack before it answers 504; a request
// that waits for one gets this long, unless --timeout says otherwise.
constexpr std::chrono::milliseconds ack_wait{15000};

struct daemon_args {
  std::string daemon;
  std::string reason;
  CLI::Option* reason_opt = nullptr;
};

struct config_args {
  std::string daemon;
  int scan_interval = 0;
  std::string log_level;
  std::string auto_upload;
  CLI::Option *scan_interval_opt = nullptr, *log_level_opt = nullptr, *auto_upload_opt = nullptr;
};

std::string daemon_path(const std::string& id, const char* action = "") {
  return "/api/admin/daemons/" + encode_path_segment(id) + action;
}

api_client client_awaiting_ack(const command_context& ctx) {
  auto settings = ctx.settings();
  if (!ctx.flags.timeout_given)
    settings.timeout = std::max(settings.timeout, ack_wait);
  return api_client(settings);
}

// 409 not_connected in words a person acts on.
[[noreturn]] void rethrow_offline(const api_error& e, const std::string& daemon, const std::string& what_then) {
  if (e.status == 409 && e.code == "not_connected")
    throw api_error(e.status, "daemon " + daemon + " is not connected (offline): " + what_then, e.code);
  throw e;
}

// Why the daemon's ack says it did not do what was asked; nullopt when it did.
std::optional<std::string> refusal(const nlohmann::json& reply) {
  const auto& ack = json_member(reply, "ack");
  if (json_member(ack, "ok") != false)
    return std::nullopt;
  if (auto error = string_field(ack, "error"))
    return *error;
  return json_member(ack, "rejected").dump();
}

// Exit 1 with the daemon's reason; with --json the reply still goes to
// stdout, since scripts read the ack.
[[noreturn]] void report_refusal(const command_context& ctx, const nlohmann::json& reply, const std::string& what) {
  if (ctx.flags.json)
    ctx.print_json(reply);
  throw std::runtime_error(what);
}

int show_reply(const command_context& ctx, const nlohmann::json& reply, std::string (*render)(const nlohmann::json&)) {
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render(reply);
  return exit_ok;
}

int list_daemons(const command_context& ctx) {
  auto reply = ctx.client().get("/api/admin/daemons");
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_daemons(reply, wall_clock::now());
  return exit_ok;
}

int show_daemon(const command_context& ctx, const daemon_args& args) {
  auto client = ctx.client();
  auto reply = client.get(daemon_path(resolve_daemon_id(client, args.daemon)));
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_daemon_detail(reply, wall_clock::now());
  return exit_ok;
}

int resync_daemon(const command_context& ctx, const daemon_args& args) {
  auto client = client_awaiting_ack(ctx);
  auto path = daemon_path(resolve_daemon_id(client, args.daemon), "/resync");
  nlohmann::json body = nlohmann::json::object();
  if (args.reason_opt->count() > 0)
    body["reason"] = args.reason;
  nlohmann::json reply;
  try {
    reply = client.post(path, body);
  } catch (const api_error& e) {
    rethrow_offline(e, args.daemon, "it reconciles with the server by itself when it connects");
  }
  if (auto why = refusal(reply))
    report_refusal(ctx, reply, "daemon " + args.daemon + " refused the resync: " + *why);
  return show_reply(ctx, reply, render_resync_started);
}

int disconnect_daemon(const command_context& ctx, const daemon_args& args) {
  auto client = ctx.client();
  auto path = daemon_path(resolve_daemon_id(client, args.daemon), "/disconnect");
  nlohmann::json reply;
  try {
    reply = client.post(path);
  } catch (const api_error& e) {
    rethrow_offline(e, args.daemon, "there is no connection to close");
  }
  return show_reply(ctx, reply, render_daemon_disconnected);
}

int set_blocked(const command_context& ctx, const daemon_args& args, bool blocked) {
  auto client = ctx.client();
  auto reply = client.post(daemon_path(resolve_daemon_id(client, args.daemon), blocked ? "/block" : "/unblock"));
  return show_reply(ctx, reply, render_daemon_blocked);
}

int configure_daemon(const command_context& ctx, const config_args& args) {
  nlohmann::json changes = nlohmann::json::object();
  if (args.scan_interval_opt->count() > 0)
    changes["scanIntervalSeconds"] = args.scan_interval;
  if (args.log_level_opt->count() > 0)
    changes["logLevel"] = args.log_level;
  if (args.auto_upload_opt->count() > 0)
    changes["autoUpload"] = args.auto_upload == "true";
  if (changes.empty())
    throw usage_error("nothing to change: give --scan-interval, --log-level or --auto-upload");
  auto client = client_awaiting_ack(ctx);
  auto reply = client.put(daemon_path(resolve_daemon_id(client, args.daemon), "/config"), changes);
  if (auto why = refusal(reply))
    report_refusal(ctx, reply, "daemon " + args.daemon + " applied none of the settings: " + *why +
                                   " (the server keeps them and sends them again when the daemon connects)");
  return show_reply(ctx, reply, render_daemon_config);
}

CLI::Option* add_daemon(CLI::App* sub, std::string& daemon) {
  return sub->add_option("DAEMON", daemon, "The daemon's numeric ID or its CLIENT_ID (see `daemons list`)")
      ->required()
      ->check(check_daemon_argument);
}

} // namespace

void add_daemons_commands(CLI::App& app, command_context& ctx, command_action& chosen) {
  auto* group = app.add_subcommand(
      "daemons", "The office daemons: list them (the default), show one, resync, disconnect, block, configure");
  group->require_subcommand(0, 1);
  auto* list = group->add_subcommand("list", "List the office daemons: status, address, version, last seen, PDFs");
  list->callback([&ctx, &chosen] { chosen = [&ctx] { return list_daemons(ctx); }; });

  auto show_args = std::make_shared<daemon_args>();
  auto* show = group->add_subcommand(
      "show", "One daemon in full: its fields, PDFs by status, tokens and latest events");
  add_daemon(show, show_args->daemon);
  show->callback([&ctx, &chosen, show_args] { chosen = [&ctx, show_args] { return show_daemon(ctx, *show_args); }; });

  auto resync_args = std::make_shared<daemon_args>();
  auto* resync = group->add_subcommand(
      "resync", "Ask a connected daemon to send the list of every PDF in its folder again (a full reconciliation)");
  add_daemon(resync, resync_args->daemon);
  resync_args->reason_opt = resync->add_option("--reason", resync_args->reason, "Why, for the daemon's log");
  resync->callback(
      [&ctx, &chosen, resync_args] { chosen = [&ctx, resync_args] { return resync_daemon(ctx, *resync_args); }; });

  auto disconnect_args = std::make_shared<daemon_args>();
  auto* disconnect = group->add_subcommand(
      "disconnect", "Close a daemon's connection; it connects again by itself (revoke or block to keep it out)");
  add_daemon(disconnect, disconnect_args->daemon);
  disconnect->callback([&ctx, &chosen, disconnect_args] {
    chosen = [&ctx, disconnect_args] { return disconnect_daemon(ctx, *disconnect_args); };
  });

  for (bool blocked : {true, false}) {
    auto args = std::make_shared<daemon_args>();
    auto* sub = group->add_subcommand(blocked ? "block" : "unblock",
                                      blocked ? "Block a daemon: disconnected now, and refused until unblocked"
                                              : "Let a blocked daemon connect again");
    add_daemon(sub, args->daemon);
    sub->callback([&ctx, &chosen, args, blocked] {
      chosen = [&ctx, args, blocked] { return set_blocked(ctx, *args, blocked); };
    });
  }

  auto cfg = std::make_shared<config_args>();
  auto* config = group->add_subcommand(
      "config", "Change a daemon's runtime settings (at least one); a daemon offline gets them when it connects");
  add_daemon(config, cfg->daemon);
  cfg->scan_interval_opt =
      config->add_option("--scan-interval", cfg->scan_interval, "Seconds between rescans of its folder, 5 to 86400")
          ->check(CLI::Range(5, 86400));
  cfg->log_level_opt =
      config->add_option("--log-level", cfg->log_level, "The daemon's log level: debug, info, warn or error")
          ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  cfg->auto_upload_opt =
      config->add_option("--auto-upload", cfg->auto_upload, "The daemon's autoUpload setting: true or false")
          ->check(CLI::IsMember({"true", "false"}));
  config->callback([&ctx, &chosen, cfg] { chosen = [&ctx, cfg] { return configure_daemon(ctx, *cfg); }; });

  // A subcommand's callback runs before its parent's, so a bare `daemons`
  // gets the list only when no subcommand chose something else.
  group->callback([&ctx, &chosen] {
    if (!chosen)
      chosen = [&ctx] { return list_daemons(ctx); };
  });
}

} // namespace siberius::cli
