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

void auth_service_state::audit(const attempt& a, std::string action, std::string outcome, json details) {
  storage::audit_entry e;
  e.actor = a.login;
  e.action = std::move(action);
  e.outcome = std::move(outcome);
  e.ip = a.ip;
  e.details = std::move(details);
  caf::anon_send(db, atom::db_run_v, db_job{[e](storage::metadata_store& s) {
                   s.audit(e);
                   return json();
                 }});
}

std::optional<request_answer> auth_service_state::admit(attempt& a) {
  if (auto wait = guard.retry_after(a.login, a.ip, login_guard::clock::now()); wait.count() > 0) {
    audit(a, "auth.login_throttled", "denied", {{"retryAfter", wait.count()}});
    return answer(429,
                  error_body("too_many_attempts",
                             "too many failed logins; retry in " + std::to_string(wait.count()) + " s"),
                  static_cast<int>(wait.count()));
  }
  // One check at a time per account and address, a few per address:
  // parallel guesses would all pass the guard before the first failure
  // counts. Not one per account: a guesser elsewhere must not keep the
  // real user's login waiting. And a bounded number overall, since
  // each one holds an Argon2 worker.
  a.pair_key = "p:" + lower(a.login) + " " + address_key(a.ip);
  a.address_key = "i:" + address_key(a.ip);
  auto count_of = [&](const std::string& k) {
    auto i = in_flight.find(k);
    return i == in_flight.end() ? 0 : i->second;
  };
  if (count_of(a.pair_key) >= 1)
    return answer(429, error_body("too_many_attempts", "a login for this account is under way"), 1);
  if (count_of(a.address_key) >= options.max_in_flight_per_address)
    return answer(429, error_body("too_many_attempts", "too many logins under way from this address"), 1);
  if (total_in_flight >= options.max_in_flight)
    return answer(503, error_body("busy", "too many logins under way; retry in a second"), 1);
  ++in_flight[a.pair_key];
  ++in_flight[a.address_key];
  ++total_in_flight;
  return std::nullopt;
}

void auth_service_state::finish(const attempt_ptr& a, request_answer result) {
  for (auto& k : {a->pair_key, a->address_key})
    if (--in_flight[k] <= 0)
      in_flight.erase(k);
  --total_in_flight;
  a->promise.deliver(std::move(result));
}

namespace {
request_answer database_unavailable() {
  return answer(503, error_body("database_unavailable", "database unavailable, retry later"));
}
} // namespace

void auth_service_state::look_up_account(attempt_ptr a) {
  self->request(db, db_timeout, atom::db_run_v, db_job{[login = a->login](storage::metadata_store& s) {
                  auto acc = s.account_for_login(login);
                  if (!acc)
                    return json();
                  return json{{"id", acc->id},     {"login", acc->login},         {"nome", acc->nome},
                              {"role", acc->role}, {"hash", acc->password_hash}, {"disabled", acc->disabled}};
                }})
      .then(
          [this, a](const json_reply& account) {
            a->account = account.value;
            check_password(a);
          },
          [this, a](const caf::error&) { finish(a, database_unavailable()); });
}

void auth_service_state::check_password(attempt_ptr a) {
  // No account: a hash is still computed (verify_nothing), so the answer takes as long.
  auto hash = a->account.is_object() ? a->account.value("hash", "") : std::string();
  self->request(passwords, db_timeout, atom::verify_password_v, hash, a->password)
      .then(
          [this, a](bool match) {
            auto now = login_guard::clock::now();
            if (!match) {
              guard.failed(a->login, a->ip, now);
              audit(*a, "auth.login_failed", "denied",
                    {{"reason", a->account.is_object() ? "bad_password" : "unknown_account"}});
              log_event(log_level::warn, "auth:login:failed", {{"login", a->login}, {"ip", a->ip}});
              return finish(a, answer(401, error_body("invalid_credentials", "invalid login or password")));
            }
            if (a->account.value("disabled", false)) {
              audit(*a, "auth.login_failed", "denied", {{"reason", "disabled"}});
              return finish(a, answer(403, error_body("account_disabled", "this account is disabled")));
            }
            guard.succeeded(a->login, a->ip, now);
            open_session(a);
          },
          [this, a](const caf::error&) { finish(a, database_unavailable()); });
}

void auth_service_state::open_session(attempt_ptr a) {
  storage::session_request r;
  r.user_id = a->account["id"].get<std::int64_t>();
  r.ttl = options.session_ttl;
  r.remote_addr = a->ip;
  r.user_agent = a->agent;
  self->request(db, db_timeout, atom::db_run_v, db_job{[r](storage::metadata_store& s) {
                  auto opened = s.open_session(r);
                  return json{{"token", opened.token}, {"expiresAt", opened.expires_at}, {"sessionId", opened.id}};
                }})
      .then(
          [this, a](const json_reply& session) {
            auto& user = a->account;
            audit(*a, "auth.login", "ok", {{"sessionId", session.value["sessionId"]}});
            log_event(log_level::info, "auth:login", {{"login", user["login"]}, {"ip", a->ip}});
            finish(a, answer(200, {{"token", session.value["token"]},
                                   {"expiresAt", session.value["expiresAt"]},
                                   {"user",
                                    {{"id", user["id"]},
                                     {"login", user["login"]},
                                     {"nome", user["nome"]},
                                     {"role", user["role"]}}}}));
          },
          [this, a](const caf::error&) { finish(a, database_unavailable()); });
}

caf::behavior auth_service(caf::stateful_actor<auth_service_state>* self, caf::actor db, caf::actor passwords,
                           auth_options options) {
  auto& st = self->state;
  st.self = self;
  st.db = std::move(db);
  st.passwords = std::move(passwords);
  st.options = options;
  st.guard = login_guard(options.guard);
  return {
    [self](atom::login, const std::string& login, const std::string& password, const std::string& ip,
           const std::string& agent) -> caf::result<request_answer> {
      auto a = std::make_shared<auth_service_state::attempt>();
      a->login = login;
      a->password = password;
      a->ip = ip;
      a->agent = agent;
      if (auto refused = self->state.admit(*a))
        return *refused;
      a->promise = self->make_response_promise<request_answer>();
      self->state.look_up_account(a);
      return a->promise;
    },
  };
}

} // namespace siberius::actors
