#include "cli/daemon_views.hpp"

#include <stdexcept>

#include "cli/format.hpp"
#include "cli/table.hpp"

namespace siberius::cli {

namespace {

std::string status_cell(const nlohmann::json& d) {
  auto blocked = d.find("blocked");
  if (blocked != d.end() && blocked->is_boolean() && blocked->get<bool>())
    return "blocked";
  return cell_text(d, "status");
}

// The most recent sign of life the server recorded for a daemon.
std::optional<std::string> last_seen(const nlohmann::json& d) {
  for (const char* key : {"lastSeen", "lastHeartbeat", "disconnectedAt", "connectedAt"})
    if (auto v = string_field(d, key); v && !v->empty())
      return v;
  return std::nullopt;
}

std::string daemons_table(const nlohmann::json& list, wall_clock::time_point now) {
  text_table table({{"ID", alignment::right},
                    {"NAME"},
                    {"CLIENT ID"},
                    {"STATUS"},
                    {"REMOTE ADDR"},
                    {"VERSION"},
                    {"LAST SEEN"},
                    {"PDFS", alignment::right}});
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& d = list[i];
    // A reply of the wrong shape must not pass for "no daemons".
    if (!d.is_object())
      throw std::runtime_error("unexpected reply from the server: daemon " + std::to_string(i) +
                               " is not an object");
    table.add_row({cell_text(d, "id"), cell_text(d, "name"), cell_text(d, "clientId"), status_cell(d),
                   cell_text(d, "remoteAddr"), cell_text(d, "version"), describe_time_ago(last_seen(d), now),
                   cell_text(d, "pdfsIndexed")});
  }
  return table.render();
}

const nlohmann::json& daemons_array(const nlohmann::json& holder, const char* key, const char* what) {
  if (!holder.is_object() || !holder.contains(key) || !holder[key].is_array())
    throw std::runtime_error(std::string("unexpected reply from the server: ") + what);
  return holder[key];
}

} // namespace

std::string render_daemons(const nlohmann::json& reply, wall_clock::time_point now) {
  const auto& list = daemons_array(reply, "daemons", "no \"daemons\" list");
  if (list.empty())
    return "No daemons registered yet. Create a token for one with:\n"
           "  siberius-admin daemon-token create NAME\n";
  return daemons_table(list, now);
}

std::string describe_daemon(const nlohmann::json& reply) {
  std::string out = "daemon " + cell_text(reply, "id");
  if (auto client_id = string_field(reply, "clientId"); client_id && !client_id->empty())
    out += " (" + printable(*client_id) + ")";
  return out;
}

std::string compact_settings(const nlohmann::json& settings) {
  if (!settings.is_object() || settings.empty())
    return "-";
  std::string out;
  for (const auto& [key, value] : settings.items()) {
    if (!out.empty())
      out += " ";
    out += key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return printable(out);
}

std::string render_resync_started(const nlohmann::json& reply) {
  return "Resync acknowledged by " + describe_daemon(reply) +
         ": it sends the server the list of every PDF in its folder now.\n";
}

std::string render_daemon_disconnected(const nlohmann::json& reply) {
  return "Disconnected " + describe_daemon(reply) +
         ". It connects again by itself unless its token is revoked or the daemon is blocked.\n";
}

std::string render_daemon_blocked(const nlohmann::json& daemon) {
  if (json_member(daemon, "blocked") == true)
    return "Blocked " + describe_daemon(daemon) + ": it is disconnected and cannot connect until `siberius-admin "
           "daemons unblock " + cell_text(daemon, "id") + "`.\n";
  return "Unblocked " + describe_daemon(daemon) + ": it may connect again.\n";
}

std::string render_daemon_config(const nlohmann::json& reply) {
  std::string out;
  if (json_member(reply, "delivered") == true) {
    const auto& ack = json_member(reply, "ack");
    out = "Sent to " + describe_daemon(reply) + ". It applied: " + compact_settings(json_member(ack, "applied")) +
          "\n";
    if (const auto& rejected = json_member(ack, "rejected"); rejected.is_object() && !rejected.empty())
      out += "It rejected: " + compact_settings(rejected) + "\n";
  } else {
    out = "Stored for " + describe_daemon(reply) +
          ", which is not connected: it gets the settings when it connects.\n";
  }
  return out + "Settings the server sends it on connecting: " + compact_settings(json_member(reply, "config")) +
         "\n";
}

bool health_is_ok(const nlohmann::json& reply) {
  if (!reply.is_object())
    return false;
  auto server = reply.value("server", nlohmann::json::object());
  auto database = reply.value("database", nlohmann::json::object());
  auto status = string_field(server, "status");
  auto connected = database.is_object() ? database.find("connected") : database.end();
  // The server says "healthy" (or "degraded"); "ok" is accepted as well.
  return status && (*status == "healthy" || *status == "ok") && connected != database.end() && connected->is_boolean() &&
         connected->get<bool>();
}

std::string render_health(const nlohmann::json& reply, wall_clock::time_point now) {
  if (!reply.is_object() || !reply.contains("server"))
    throw std::runtime_error("unexpected reply from the server: no \"server\" section");
  const auto& server = reply["server"];
  auto database = reply.value("database", nlohmann::json::object());
  auto daemons = reply.value("daemons", nlohmann::json::object());

  std::string server_line = cell_text(server, "status");
  if (auto v = string_field(server, "version"))
    server_line += ", version " + *v;
  if (auto up = number_field(server, "uptime"))
    server_line += ", up " + format_duration(static_cast<std::int64_t>(*up));
  if (server.is_object() && server.contains("memory"))
    if (auto rss = number_field(server["memory"], "rssBytes"))
      server_line += ", RSS " + format_bytes(*rss);

  std::string database_line;
  auto connected = database.is_object() ? database.find("connected") : database.end();
  if (connected != database.end() && connected->is_boolean() && connected->get<bool>()) {
    database_line = "connected, " + cell_text(database, "pdfs_total") + " PDFs indexed, " +
                    cell_text(database, "pdfs_cached") + " cached on the server";
  } else {
    database_line = "NOT CONNECTED";
  }

  std::string daemons_line = cell_text(daemons, "online") + " online, " + cell_text(daemons, "offline") +
                             " offline, " + cell_text(daemons, "total") + " total";

  text_table summary({{"SERVICE"}, {"STATE"}});
  summary.add_row({"server", server_line});
  summary.add_row({"database", database_line});
  summary.add_row({"daemons", daemons_line});
  std::string out = summary.render();
  if (daemons.is_object() && daemons.contains("list") && daemons["list"].is_array() && !daemons["list"].empty())
    out += "\n" + daemons_table(daemons["list"], now);
  return out;
}

} // namespace siberius::cli
