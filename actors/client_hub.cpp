#include "actors/client_hub.hpp"

#include "actors/messages.hpp"

namespace siberius::actors {

caf::behavior client_hub(caf::stateful_actor<client_hub_state>* self, audience_count audience) {
  self->state.audience = std::move(audience);
  auto publish = [self] { self->state.audience->store(self->state.clients.size(), std::memory_order_relaxed); };
  return {
    [=](atom::join, const net::connection_ptr& conn) {
      self->state.clients.emplace(conn.get(), conn);
      publish();
    },
    [=](atom::leave, const net::connection_ptr& conn) {
      self->state.clients.erase(conn.get());
      publish();
    },
    [=](atom::broadcast, const std::string& event, const nlohmann::json& payload) {
      auto args = nlohmann::json::array({payload});
      for (auto& [_, conn] : self->state.clients)
        conn->emit(client_nsp, event, args);
    },
  };
}

} // namespace siberius::actors
