#include "actors/client_hub.hpp"

#include "actors/messages.hpp"

namespace siberius::actors {

caf::behavior client_hub(caf::stateful_actor<client_hub_state>* self, audience_count audience) {
  self->state.audience = std::move(audience);
  auto publish = [self] { self->state.audience->store(self->state.clients.size(), std::memory_order_relaxed); };
  return {
    [=](atom::join, const net::connection_ptr& conn, const std::string& role) {
      self->state.clients.emplace(conn.get(), client_hub_state::client{conn, role});
      publish();
    },
    [=](atom::leave, const net::connection_ptr& conn) {
      self->state.clients.erase(conn.get());
      publish();
    },
    [=](atom::broadcast, const std::string& event, const nlohmann::json& payload) {
      auto args = nlohmann::json::array({payload});
      for (auto& [_, c] : self->state.clients)
        if (c.role == "admin")
          c.conn->emit(client_nsp, event, args);
    },
    [=](atom::publish, const std::string& event, const nlohmann::json& payload, std::int64_t) {
      // Who may see a PDF: admins. Technicians will see the PDFs of the
      // atendimentos they are scheduled on once those rules exist.
      auto args = nlohmann::json::array({payload});
      for (auto& [_, c] : self->state.clients)
        if (c.role == "admin")
          c.conn->emit(client_nsp, event, args);
    },
  };
}

} // namespace siberius::actors
