// client_hub: knows every connected /client (web admin, mobile app) and pushes
// server events to them: daemon:status_changed and pdf:indexed (broadcast, to
// admins), the pdf:* events of one PDF (publish: to admins and to the
// technicians scheduled on the atendimento the PDF is linked to), and
// atendimento:updated (publish_to: admins and the users named). It also closes
// the sockets of a session that logged out or expired, of a user who was
// disabled and of an API token that was revoked.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/all.hpp>

#include "net/server.hpp"
#include "storage/accounts.hpp"

namespace siberius::actors {

/// How many /client connections are listening, readable from any actor:
/// with nobody listening, sessions do not even build the events.
using audience_count = std::shared_ptr<std::atomic<std::size_t>>;

struct client_hub_state {
  struct client {
    net::connection_ptr conn;
    storage::api_principal who;
  };
  /// Who may see one PDF (technicians), looked up once and kept a while;
  /// events that arrive during the lookup wait in order behind it.
  struct pdf_audience {
    std::unordered_set<std::int64_t> users;
    std::chrono::steady_clock::time_point fetched{};
    bool loading = false;
    std::deque<std::pair<std::string, nlohmann::json>> waiting;
  };
  std::unordered_map<const net::connection*, client> clients;
  std::unordered_map<std::int64_t, pdf_audience> pdfs;
  std::uint64_t generation = 0; // bumped by audience_changed: lookups under way are stale
  audience_count audience;
  caf::actor db;
  static inline const char* name = "client_hub";
};

caf::behavior client_hub(caf::stateful_actor<client_hub_state>* self, audience_count audience, caf::actor db);

/// The web and mobile clients' namespace.
inline const std::string client_nsp = "/client";

/// How long a PDF's audience is trusted without a change announced.
constexpr auto pdf_audience_ttl = std::chrono::seconds(30);

} // namespace siberius::actors
