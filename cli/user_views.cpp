#include "cli/user_views.hpp"

#include <stdexcept>

#include "cli/format.hpp"
#include "cli/local_time.hpp"
#include "cli/table.hpp"

namespace siberius::cli {

namespace {

std::string state_of(const nlohmann::json& user) {
  auto it = user.find("disabled");
  return it != user.end() && it->is_boolean() && it->get<bool>() ? "disabled" : "active";
}

// "bob (tecnico, id 7)"
std::string who(const nlohmann::json& user) {
  return printable(cell_text(user, "login")) + " (" + printable(cell_text(user, "role")) + ", id " +
         cell_text(user, "id") + ")";
}

std::string shown_once(const std::string& password) { return "\n  " + printable(password) + "\n"; }

} // namespace

std::string render_login(const nlohmann::json& reply) {
  auto user = reply.value("user", nlohmann::json::object());
  return "logged in as " + printable(cell_text(user, "login")) + " (" + printable(cell_text(user, "role")) +
         ") until " + format_local_time(string_field(reply, "expiresAt")) + "\n";
}

std::string render_me(const nlohmann::json& reply) {
  return render_fields({{"login", cell_text(reply, "login")},
                        {"name", cell_text(reply, "nome")},
                        {"role", cell_text(reply, "role")},
                        {"id", cell_text(reply, "id")},
                        {"via", cell_text(reply, "via")}});
}

std::string render_users(const nlohmann::json& reply) {
  if (!reply.is_object() || !reply.contains("users") || !reply["users"].is_array())
    throw std::runtime_error("unexpected reply from the server: no \"users\" list");
  const auto& users = reply["users"];
  if (users.empty())
    return "No users yet. Add one with:\n"
           "  siberius-admin users add LOGIN --role admin|tecnico\n";
  text_table table({{"ID", alignment::right}, {"LOGIN"}, {"NAME"}, {"ROLE"}, {"STATUS"}, {"CREATED"}});
  for (const auto& u : users) {
    if (!u.is_object())
      throw std::runtime_error("unexpected reply from the server: a user is not an object");
    table.add_row({cell_text(u, "id"), cell_text(u, "login"), cell_text(u, "nome"), cell_text(u, "role"), state_of(u),
                   format_local_time(string_field(u, "createdAt"))});
  }
  return table.render();
}

std::string render_created_user(const nlohmann::json& reply) {
  std::string out = "Created user " + who(reply) + ".\n";
  if (auto password = string_field(reply, "password"); password && !password->empty())
    out += "Its password is shown only this once:\n" + shown_once(*password);
  return out;
}

std::string render_password_changed(const nlohmann::json& reply, const std::string& login) {
  std::string name = printable(login) + " (id " + cell_text(reply, "id") + ")";
  if (auto password = string_field(reply, "password"); password && !password->empty())
    return "New password for " + name + ", shown only this once:\n" + shown_once(*password);
  return "Password changed for " + name + ".\n";
}

std::string render_user_state(const nlohmann::json& user) {
  return "User " + who(user) + " is " + state_of(user) + ".\n";
}

} // namespace siberius::cli
