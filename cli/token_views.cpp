#include "cli/token_views.hpp"

#include <stdexcept>

#include "cli/format.hpp"
#include "cli/local_time.hpp"
#include "cli/table.hpp"

namespace siberius::cli {

namespace {

const nlohmann::json& tokens_in(const nlohmann::json& reply) {
  if (!reply.is_object() || !reply.contains("tokens") || !reply["tokens"].is_array())
    throw std::runtime_error("unexpected reply from the server: no \"tokens\" list");
  for (const auto& t : reply["tokens"])
    if (!t.is_object())
      throw std::runtime_error("unexpected reply from the server: a token is not an object");
  return reply["tokens"];
}

std::string token_of(const nlohmann::json& reply) {
  auto token = string_field(reply, "token");
  if (!token || token->empty())
    throw std::runtime_error("unexpected reply from the server: no token in it");
  return printable(*token);
}

std::string time_cell(const nlohmann::json& t, const char* key) { return format_local_time(string_field(t, key)); }

// The token shown once, then the lines a daemon's .env file needs.
std::string daemon_env_lines(const std::string& token, const nlohmann::json& reply) {
  auto client_id = string_field(reply, "clientId");
  std::string out = "It is shown only this once: the server keeps only its hash.\n\n";
  out += "  " + token + "\n\n";
  out += "Put it in the daemon's .env file:\n\n";
  out += "  DAEMON_TOKEN=" + token + "\n";
  if (client_id && !client_id->empty())
    out += "  CLIENT_ID=" + printable(*client_id) + "\n";
  else
    out += "\nThe token is bound to the CLIENT_ID of the first daemon that connects with it.\n";
  return out;
}

// "daemon 3 (office-sp)", or "daemon 3" before a daemon bound a clientId.
std::string daemon_named(const nlohmann::json& reply, const char* id_key) {
  std::string out = "daemon " + cell_text(reply, id_key);
  if (auto client_id = string_field(reply, "clientId"); client_id && !client_id->empty())
    out += " (" + printable(*client_id) + ")";
  return out;
}

} // namespace

std::string render_created_daemon_token(const nlohmann::json& reply) {
  auto token = token_of(reply);
  return "Daemon token created for \"" + printable(cell_text(reply, "name")) + "\" (id " + cell_text(reply, "id") +
         ").\n" + daemon_env_lines(token, reply);
}

std::string render_daemon_tokens(const nlohmann::json& reply) {
  const auto& tokens = tokens_in(reply);
  if (tokens.empty())
    return "No daemon tokens yet. Create one with:\n"
           "  siberius-admin daemon-token create NAME\n";
  text_table table({{"ID", alignment::right},
                    {"DAEMON", alignment::right},
                    {"CLIENT ID"},
                    {"NAME"},
                    {"PUBLIC ID"},
                    {"STATE"},
                    {"CREATED"},
                    {"EXPIRES"}});
  for (const auto& t : tokens)
    table.add_row({cell_text(t, "id"), cell_text(t, "daemonId"), cell_text(t, "clientId"), cell_text(t, "name"),
                   cell_text(t, "publicId"), cell_text(t, "state"), time_cell(t, "createdAt"),
                   time_cell(t, "expiresAt")});
  return table.render();
}

std::string render_rotated_daemon_token(const nlohmann::json& reply) {
  auto token = token_of(reply);
  std::string out = "New token for " + daemon_named(reply, "daemonId") + " (token id " +
                    cell_text(reply, "tokenId") + ").\n" + daemon_env_lines(token, reply) + "\n";
  if (auto ends = string_field(reply, "previousTokensExpireAt"))
    out += "Its previous tokens stop working at " + format_local_time(ends) +
           ": give the daemon the new one before then.\n";
  else
    out += "It had no other live token.\n";
  return out;
}

std::string render_revoked_daemon_token(const nlohmann::json& reply) {
  std::string out = "Revoked daemon token " + cell_text(reply, "tokenId") + " of " + daemon_named(reply, "daemonId");
  auto disconnected = reply.is_object() ? reply.find("disconnected") : reply.end();
  if (disconnected != reply.end() && disconnected->is_boolean() && disconnected->get<bool>())
    out += "; the daemon connected with it was disconnected";
  return out + ".\n";
}

std::string render_api_tokens(const nlohmann::json& reply) {
  const auto& tokens = tokens_in(reply);
  if (tokens.empty())
    return "No API tokens. Create one with:\n"
           "  siberius-admin api-token create NAME\n";
  text_table table(
      {{"ID", alignment::right}, {"NAME"}, {"ROLE"}, {"PUBLIC ID"}, {"STATE"}, {"CREATED"}, {"LAST USED"}});
  for (const auto& t : tokens) {
    auto revoked = string_field(t, "revokedAt");
    auto last_used = string_field(t, "lastUsedAt");
    table.add_row({cell_text(t, "id"), cell_text(t, "name"), cell_text(t, "role"), cell_text(t, "publicId"),
                   revoked ? "revoked" : "active", time_cell(t, "createdAt"),
                   last_used ? format_local_time(last_used) : "never"});
  }
  return table.render();
}

std::string render_created_api_token(const nlohmann::json& reply) {
  auto token = token_of(reply);
  return "API token created: \"" + printable(cell_text(reply, "name")) + "\" (" + printable(cell_text(reply, "role")) +
         ", id " + cell_text(reply, "id") + ").\n"
         "It is shown only this once: the server keeps only its hash.\n\n"
         "  " + token + "\n\n"
         "Send it as `Authorization: Bearer TOKEN`; siberius-admin takes it with --token or SIBERIUS_TOKEN.\n";
}

std::string render_revoked_api_token(const nlohmann::json& reply) {
  return "Revoked API token " + cell_text(reply, "id") + ": requests with it are refused from now on.\n";
}

} // namespace siberius::cli
