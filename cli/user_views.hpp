// What people read about accounts: the login, who they are, the user list
// and the one-time passwords. Pure functions of the server's replies.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace siberius::cli {

/// POST /api/auth/login → "logged in as LOGIN (role) until EXPIRES".
std::string render_login(const nlohmann::json& reply);

/// GET /api/me → login, name, role, id and how the token was issued.
std::string render_me(const nlohmann::json& reply);

/// GET /api/admin/users → table (ID, LOGIN, NAME, ROLE, STATUS, CREATED), or
/// a hint when there are none. Throws std::runtime_error without "users".
std::string render_users(const nlohmann::json& reply);

/// POST /api/admin/users → who was created, and the generated password
/// once when the server made one.
std::string render_created_user(const nlohmann::json& reply);

/// PUT /api/admin/users/:id/password for `login` → the generated password
/// once, or a confirmation when the caller chose it.
std::string render_password_changed(const nlohmann::json& reply, const std::string& login);

/// POST /api/admin/users/:id/disable or /enable → the user's state now.
std::string render_user_state(const nlohmann::json& user);

} // namespace siberius::cli
