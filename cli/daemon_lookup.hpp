// Which daemon a command means. The API addresses daemons by numeric id;
// people know them by clientId too, so a DAEMON that is not all digits is
// looked up in the daemon list before anything is sent.
#pragma once

#include <string>

#include "cli/api_client.hpp"

namespace siberius::cli {

/// The daemon's id as a path segment: `daemon` itself when all digits, else
/// the id of the daemon whose clientId it is (GET /api/admin/daemons).
/// Throws not_found_error when no daemon has that clientId.
std::string resolve_daemon_id(const api_client& client, const std::string& daemon);

/// CLI11 check for a DAEMON argument: "" when fine, else what is wrong.
std::string check_daemon_argument(const std::string& daemon);

} // namespace siberius::cli
