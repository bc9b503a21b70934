// Logins. auth_service (one per server) checks a login against the
// login_guard, the account and its Argon2id hash, then opens a session; the
// hashing runs on a small pool of password_workers, detached actors, because
// one hash costs tens of milliseconds of CPU and ~19 MiB that no scheduler
// thread should spend; the pool's size bounds that memory. Both are children
// of the server's root.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <caf/all.hpp>

#include "actors/login_guard.hpp"
#include "actors/messages.hpp"

namespace siberius::actors {

/// (hash_password, password) -> std::string; (verify_password, encoded, password) -> bool.
caf::behavior password_worker(caf::event_based_actor* self);

/// `n` password_workers behind one handle (round robin), at least one.
caf::actor spawn_password_pool(caf::actor_system& sys, std::size_t n);

struct auth_options {
  std::chrono::seconds session_ttl{std::chrono::hours(12)};
  login_guard::config guard;
  int max_in_flight_per_address = 8;
  /// Logins being checked at once, everywhere; past it 503 "busy" (each
  /// holds an Argon2 worker or waits for one).
  int max_in_flight = 32;
};

struct auth_service_state {
  /// One login under way, from the request to the answer.
  struct attempt {
    std::string login, password, ip, agent;
    std::string pair_key, address_key; // its slots in in_flight
    caf::typed_response_promise<request_answer> promise;
    nlohmann::json account; // {id, login, nome, role, hash, disabled}, or null: no such account
  };
  using attempt_ptr = std::shared_ptr<attempt>;

  caf::stateful_actor<auth_service_state>* self = nullptr;
  caf::actor db;
  caf::actor passwords;
  auth_options options;
  login_guard guard;
  std::unordered_map<std::string, int> in_flight; // "p:<login> <address>" / "i:<address>" -> logins under way
  int total_in_flight = 0;
  static inline const char* name = "auth_service";

  // The steps of a login, in order; each ends in the next or in finish().
  /// The guard and the slots: an answer at once (429, 503), or none and the attempt holds its slots.
  std::optional<request_answer> admit(attempt& a);
  void look_up_account(attempt_ptr a);
  void check_password(attempt_ptr a);
  void open_session(attempt_ptr a);
  /// Frees the attempt's slots and answers.
  void finish(const attempt_ptr& a, request_answer answer);
  void audit(const attempt& a, std::string action, std::string outcome, nlohmann::json details);
};

/// (login, login, password, ip, user agent) -> request_answer:
/// 200 {token, expiresAt, user}, 401 invalid_credentials, 403 account_disabled,
/// 429 too_many_attempts (Retry-After), 503 busy (Retry-After) or
/// database_unavailable.
caf::behavior auth_service(caf::stateful_actor<auth_service_state>* self, caf::actor db, caf::actor passwords,
                           auth_options options);

} // namespace siberius::actors
