#include "actors/auth_service.hpp"

#include <cctype>

#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "actors/rate_limiter.hpp"
#include "storage/passwords.hpp"

namespace siberius::actors {

namespace {

using json = nlohmann::json;

request_answer answer(int status, json body, int retry_after = 0) {
  return request_answer{status, std::move(body), retry_after};
}

json error_body(const std::string& code, const std::string& message) {
  return {{"error", message}, {"code", code}};
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

caf::behavior password_worker(caf::event_based_actor*) {
  return {
    [](atom::hash_password, const std::string& password) -> caf::result<std::string> {
      try {
        return storage::hash_password(password);
      } catch (const std::exception& e) {
        return caf::make_error(caf::sec::runtime_error, e.what());
      }
    },
    [](atom::verify_password, const std::string& encoded, const std::string& password) {
      if (encoded.empty()) {
        storage::verify_nothing(password);
        return false;
      }
      return storage::verify_password(encoded, password);
    },
  };
}

caf::actor spawn_password_pool(caf::actor_system& sys, std::size_t n) {
  auto factory = [&sys] { return sys.spawn<caf::detached>(password_worker); };
  return caf::actor_pool::make(sys.dummy_execution_unit(), std::max<std::size_t>(n, 1), factory,
                               caf::actor_pool::round_robin());
}

caf::behavior auth_service(caf::stateful_actor<auth_service_state>* self, caf::actor db, caf::actor passwords,
                           auth_options options) {
  self->state.guard = login_guard(options.guard);
  return {
    [=](atom::login, const std::string& login, const std::string& password, const std::string& ip,
        const std::string& agent) -> caf::result<request_answer> {
      auto& st = self->state;
      auto now = login_guard::clock::now();
      auto audit = [=](std::string action, std::string outcome, json details) {
        storage::audit_entry e;
        e.actor = login;
        e.action = std::move(action);
        e.outcome = std::move(outcome);
        e.ip = ip;
        e.details = std::move(details);
        caf::anon_send(db, atom::db_run_v, db_job{[e](storage::metadata_store& s) {
                     s.audit(e);
                     return json();
                   }});
      };
      if (auto wait = st.guard.retry_after(login, ip, now); wait.count() > 0) {
        audit("auth.login_throttled", "denied", {{"retryAfter", wait.count()}});
        return answer(429,
                      error_body("too_many_attempts", "too many failed logins; retry in " +
                                                          std::to_string(wait.count()) + " s"),
                      static_cast<int>(wait.count()));
      }
      // One check at a time per account and address, a few per address:
      // parallel guesses would all pass the guard before the first failure
      // counts. Not one per account: a guesser elsewhere must not keep the
      // real user's login waiting. And a bounded number overall, since
      // each one holds an Argon2 worker.
      auto pair_key = "p:" + lower(login) + " " + address_key(ip), ip_key = "i:" + address_key(ip);
      auto count_of = [&](const std::string& k) {
        auto i = st.in_flight.find(k);
        return i == st.in_flight.end() ? 0 : i->second;
      };
      if (count_of(pair_key) >= 1)
        return answer(429, error_body("too_many_attempts", "a login for this account is under way"), 1);
      if (count_of(ip_key) >= options.max_in_flight_per_address)
        return answer(429, error_body("too_many_attempts", "too many logins under way from this address"), 1);
      if (st.total_in_flight >= options.max_in_flight)
        return answer(503, error_body("busy", "too many logins under way; retry in a second"), 1);
      ++st.in_flight[pair_key];
      ++st.in_flight[ip_key];
      ++st.total_in_flight;
      auto done = [=] {
        for (auto& k : {pair_key, ip_key})
          if (--self->state.in_flight[k] <= 0)
            self->state.in_flight.erase(k);
        --self->state.total_in_flight;
      };
      auto rp = self->make_response_promise<request_answer>();
      auto unavailable = [=](const caf::error&) mutable {
        done();
        rp.deliver(answer(503, error_body("database_unavailable", "database unavailable, retry later")));
      };
      self->request(db, db_timeout, atom::db_run_v, db_job{[login](storage::metadata_store& s) {
                      auto a = s.account_for_login(login);
                      if (!a)
                        return json();
                      return json{{"id", a->id}, {"login", a->login}, {"nome", a->nome}, {"role", a->role},
                                  {"hash", a->password_hash}, {"disabled", a->disabled}};
                    }})
        .then(
          [=](const json_reply& account) mutable {
            auto hash = account.value.is_object() ? account.value.value("hash", "") : std::string();
            self->request(passwords, db_timeout, atom::verify_password_v, hash, password)
              .then(
                [=](bool match) mutable {
                  auto& st = self->state;
                  auto now = login_guard::clock::now();
                  if (!match) {
                    done();
                    st.guard.failed(login, ip, now);
                    audit("auth.login_failed", "denied",
                          {{"reason", account.value.is_object() ? "bad_password" : "unknown_account"}});
                    log_event(log_level::warn, "auth:login:failed", {{"login", login}, {"ip", ip}});
                    rp.deliver(answer(401, error_body("invalid_credentials", "invalid login or password")));
                    return;
                  }
                  auto user = account.value;
                  if (user.value("disabled", false)) {
                    done();
                    audit("auth.login_failed", "denied", {{"reason", "disabled"}});
                    rp.deliver(answer(403, error_body("account_disabled", "this account is disabled")));
                    return;
                  }
                  st.guard.succeeded(login, ip, now);
                  storage::session_request r;
                  r.user_id = user["id"].get<std::int64_t>();
                  r.ttl = options.session_ttl;
                  r.remote_addr = ip;
                  r.user_agent = agent;
                  self->request(db, db_timeout, atom::db_run_v, db_job{[r](storage::metadata_store& s) {
                                  auto opened = s.open_session(r);
                                  return json{{"token", opened.token}, {"expiresAt", opened.expires_at},
                                              {"sessionId", opened.id}};
                                }})
                    .then(
                      [=](const json_reply& session) mutable {
                        done();
                        audit("auth.login", "ok", {{"sessionId", session.value["sessionId"]}});
                        log_event(log_level::info, "auth:login", {{"login", user["login"]}, {"ip", ip}});
                        rp.deliver(answer(200, {{"token", session.value["token"]},
                                                {"expiresAt", session.value["expiresAt"]},
                                                {"user",
                                                 {{"id", user["id"]},
                                                  {"login", user["login"]},
                                                  {"nome", user["nome"]},
                                                  {"role", user["role"]}}}}));
                      },
                      unavailable);
                },
                unavailable);
          },
          unavailable);
      return rp;
    },
  };
}

} // namespace siberius::actors
