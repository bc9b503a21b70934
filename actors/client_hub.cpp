#include "actors/client_hub.hpp"

#include "actors/log.hpp"
#include "actors/messages.hpp"

namespace siberius::actors {

namespace {

using json = nlohmann::json;

void emit_to(client_hub_state& st, const std::string& event, const json& payload,
             const std::unordered_set<std::int64_t>& users) {
  auto args = json::array({payload});
  for (auto& [_, c] : st.clients)
    if (c.who.admin() || (c.who.user_id != 0 && users.count(c.who.user_id)))
      c.conn->emit(client_nsp, event, args);
}

bool any_technician(const client_hub_state& st) {
  for (auto& [_, c] : st.clients)
    if (!c.who.admin())
      return true;
  return false;
}

} // namespace

caf::behavior client_hub(caf::stateful_actor<client_hub_state>* self, audience_count audience, caf::actor db) {
  self->state.audience = std::move(audience);
  self->state.db = std::move(db);
  auto count = [self] { self->state.audience->store(self->state.clients.size(), std::memory_order_relaxed); };
  return {
    [=](atom::join, const net::connection_ptr& conn, const storage::api_principal& who) {
      self->state.clients.emplace(conn.get(), client_hub_state::client{conn, who});
      count();
      // A session's sockets end with it, even if nobody logs out.
      if (who.via == "session" && who.expires_epoch > 0) {
        auto now = std::chrono::system_clock::now().time_since_epoch();
        auto left = std::chrono::seconds(who.expires_epoch) - std::chrono::duration_cast<std::chrono::seconds>(now);
        self->delayed_send(self, std::max(left, std::chrono::seconds(0)), atom::drop_session_v, who.token_id);
      }
    },
    [=](atom::leave, const net::connection_ptr& conn) {
      self->state.clients.erase(conn.get());
      count();
    },
    [=](atom::broadcast, const std::string& event, const json& payload) {
      emit_to(self->state, event, payload, {});
    },
    [=](atom::publish_to, const std::string& event, const json& payload, const std::vector<std::int64_t>& users) {
      emit_to(self->state, event, payload, {users.begin(), users.end()});
    },
    [=](atom::publish, const std::string& event, const json& payload, std::int64_t pdf_id) {
      auto& st = self->state;
      if (!any_technician(st))
        return emit_to(st, event, payload, {});
      auto now = std::chrono::steady_clock::now();
      auto& a = st.pdfs[pdf_id];
      if (!a.loading && a.waiting.empty() && a.fetched != std::chrono::steady_clock::time_point{} &&
          now - a.fetched < pdf_audience_ttl)
        return emit_to(st, event, payload, a.users);
      a.waiting.emplace_back(event, payload);
      if (a.loading)
        return;
      a.loading = true;
      auto generation = st.generation;
      auto deliver = [=](std::optional<std::unordered_set<std::int64_t>> users) {
        auto& st = self->state;
        auto i = st.pdfs.find(pdf_id);
        if (i == st.pdfs.end())
          return;
        auto& a = i->second;
        a.loading = false;
        if (users && generation == st.generation) {
          a.users = std::move(*users);
          a.fetched = std::chrono::steady_clock::now();
        } else if (!users) {
          a.users.clear(); // the database is away: admins only, this time
          a.fetched = {};
        }
        while (!a.waiting.empty()) {
          emit_to(st, a.waiting.front().first, a.waiting.front().second, a.users);
          a.waiting.pop_front();
        }
        if (a.fetched == std::chrono::steady_clock::time_point{})
          st.pdfs.erase(i);
      };
      self->request(st.db, db_timeout, atom::db_run_v, db_job{[pdf_id](storage::metadata_store& s) {
                      return json(s.users_for_pdf(pdf_id));
                    }})
        .then(
          [=](const json_reply& reply) {
            std::unordered_set<std::int64_t> users;
            for (auto& u : reply.value)
              users.insert(u.get<std::int64_t>());
            deliver(std::move(users));
          },
          [=](const caf::error&) {
            log_event(log_level::warn, "client:audience:unavailable", {{"pdfId", pdf_id}});
            deliver(std::nullopt);
          });
    },
    [=](atom::audience_changed) {
      auto& st = self->state;
      ++st.generation;
      for (auto i = st.pdfs.begin(); i != st.pdfs.end();) {
        if (i->second.loading) {
          i->second.fetched = {};
          ++i;
        } else {
          i = st.pdfs.erase(i);
        }
      }
    },
    [=](atom::drop_session, std::int64_t session_id) {
      for (auto& [_, c] : self->state.clients)
        if (c.who.via == "session" && c.who.token_id == session_id)
          c.conn->disconnect(client_nsp, "session ended");
    },
    [=](atom::drop_api_token, std::int64_t token_id) {
      for (auto& [_, c] : self->state.clients)
        if (c.who.via == "api_token" && c.who.token_id == token_id)
          c.conn->disconnect(client_nsp, "token revoked");
    },
    [=](atom::drop_user, std::int64_t user_id) {
      for (auto& [_, c] : self->state.clients)
        if (c.who.user_id == user_id)
          c.conn->disconnect(client_nsp, "account changed; sign in again");
    },
  };
}

} // namespace siberius::actors
