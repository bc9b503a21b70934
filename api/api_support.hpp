// What every REST handler shares: who is asking (with_caller), a call on the
// store with the usual error answers (ask_db), the audit log, and JSON bodies.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "api/http_api.hpp"
#include "actors/messages.hpp"

namespace siberius::actors {

enum class access {
  user,  // any signed-in user or API token (technicians included)
  admin, // role admin only
};

using caller_step = std::function<void(caf::event_based_actor*, const storage::api_principal&)>;

/// Checks the bearer token (a session or an API token) in a short-lived
/// actor, then runs `then` there: 401 without a valid token (audited), 403
/// when the role is not enough, 503 when the database is away.
void with_caller(const api_context& ctx, const net::http_request& req, const std::string& remote,
                 const net::http_responder& respond, access need, caller_step then);

/// Runs `job` on a db_worker; invalid input -> 400 bad_request, a conflict ->
/// 409, anything else -> 503. `then` gets the job's JSON.
void ask_db(caf::event_based_actor* self, const api_context& ctx, const net::http_request& req,
            const net::http_responder& respond, std::function<nlohmann::json(storage::metadata_store&)> job,
            std::function<void(nlohmann::json)> then);

/// Appends a line to the audit log (fire and forget).
void audit(const api_context& ctx, const std::optional<storage::api_principal>& who, const std::string& ip,
           std::string action, std::optional<std::string> target, std::string outcome = "ok",
           nlohmann::json details = nlohmann::json::object());

/// The request's JSON body, an object; nullopt (and a 400 sent) otherwise.
/// An empty body is an empty object when `empty_ok`.
/// A 400 for a JSON body nested deeper than net::max_json_depth, found by
/// scanning the text before it is parsed; nullopt when the body is fine.
std::optional<net::http_response> too_deep(const net::http_request& req);
std::optional<nlohmann::json> json_body(const net::http_request& req, const net::http_responder& respond,
                                        bool empty_ok = false);

/// An admin-only read: the job's JSON as a 200.
void admin_read(const api_context& ctx, const net::http_request& req, const std::string& remote,
                const net::http_responder& respond, std::function<nlohmann::json(storage::metadata_store&)> job);

/// 405 {code: method_not_allowed} naming the path.
net::http_response not_allowed(const net::http_request& req);

/// 403 {code: forbidden}.
net::http_response forbidden(const net::http_request& req, const std::string& why);

std::optional<std::int64_t> parse_id(std::string_view digits);
std::string_view path_of_target(std::string_view target);

/// The value of `name` in the query string of `target` (percent-decoded);
/// nullopt when absent. Sets `bad` when the string cannot be decoded.
std::optional<std::string> query_param(std::string_view target, std::string_view name, bool& bad);

} // namespace siberius::actors
