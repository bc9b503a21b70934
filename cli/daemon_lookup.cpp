#include "cli/daemon_lookup.hpp"

#include <algorithm>
#include <stdexcept>

#include "cli/errors.hpp"
#include "cli/format.hpp"

namespace siberius::cli {

namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

std::string resolve_daemon_id(const api_client& client, const std::string& daemon) {
  if (all_digits(daemon))
    return daemon;
  auto reply = client.get("/api/admin/daemons");
  if (!reply.is_object() || !reply.contains("daemons") || !reply["daemons"].is_array())
    throw std::runtime_error("unexpected reply from the server: no \"daemons\" list");
  for (const auto& d : reply["daemons"])
    if (string_field(d, "clientId") == daemon && number_field(d, "id"))
      return cell_text(d, "id");
  throw not_found_error("no daemon with client id \"" + daemon + "\"; see `siberius-admin daemons list`");
}

std::string check_daemon_argument(const std::string& daemon) {
  return daemon.empty() ? std::string("DAEMON must not be empty") : std::string();
}

} // namespace siberius::cli
