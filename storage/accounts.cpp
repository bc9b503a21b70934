// metadata_store: user accounts, sessions, bearer-token checks and the audit log.
#include <cctype>

#include "storage/metadata_store.hpp"
#include "storage/store_impl.hpp"
#include "storage/tokens.hpp"

namespace siberius::storage {

namespace {

constexpr const char* user_json_sql =
    "json_build_object('id', id, 'login', login, 'nome', nome, 'role', role, 'disabled', disabled,"
    " 'createdAt', siberius_iso_utc(created_at))";

std::string sql(const std::string& head, const std::string& tail = {}) {
  return head + tail;
}

} // namespace

void prepare_account_statements(pqxx::connection& c) {
  c.prepare("account_by_login",
            "SELECT id, login, nome, role, coalesce(password_hash, ''), disabled FROM usuarios"
            " WHERE lower(login) = lower($1)");
  c.prepare("session_create",
            "INSERT INTO sessions (usuario_id, public_id, token_hash, expires_at, remote_addr, user_agent)"
            " VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5, $6)"
            " RETURNING id, siberius_iso_utc(expires_at)");
  c.prepare("session_lookup",
            "SELECT s.id, s.token_hash, u.id, u.login, u.role, siberius_iso_utc(s.expires_at),"
            " extract(epoch FROM s.expires_at)::bigint FROM sessions s JOIN usuarios u ON u.id = s.usuario_id"
            " WHERE s.public_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled");
  // Once a minute is enough to say when a session was last used.
  c.prepare("session_touch",
            "UPDATE sessions SET last_used_at = now() WHERE id = $1 AND last_used_at < now() - interval '60 seconds'");
  c.prepare("session_close", "UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL");
  c.prepare("sessions_revoke_user",
            "UPDATE sessions SET revoked_at = now() WHERE usuario_id = $1 AND revoked_at IS NULL");
  c.prepare("users_list", sql("SELECT coalesce(json_agg(", user_json_sql) +
                              " ORDER BY id), '[]'::json)::text FROM usuarios");
  c.prepare("user_get", sql("SELECT ", user_json_sql) + "::text FROM usuarios WHERE id = $1");
  c.prepare("user_create", "INSERT INTO usuarios (login, nome, role, password_hash) VALUES ($1, $2, $3, $4)"
                           " RETURNING " + std::string(user_json_sql) + "::text");
  c.prepare("user_set_password", "UPDATE usuarios SET password_hash = $2 WHERE id = $1");
  c.prepare("user_set_disabled", "UPDATE usuarios SET disabled = $2 WHERE id = $1 RETURNING " +
                                     std::string(user_json_sql) + "::text");
  c.prepare("users_count", "SELECT count(*) FROM usuarios");
  c.prepare("api_tokens_list",
            "SELECT coalesce(json_agg(json_build_object('id', id, 'name', name, 'role', role, 'publicId', public_id,"
            " 'createdAt', siberius_iso_utc(created_at), 'lastUsedAt', siberius_iso_utc(last_used_at),"
            " 'revokedAt', siberius_iso_utc(revoked_at)) ORDER BY id), '[]'::json)::text FROM api_tokens");
  c.prepare("api_token_revoke", "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL");
  c.prepare("audit_insert", "INSERT INTO audit_log (actor, actor_role, action, target, outcome, ip, details)"
                            " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)");
  c.prepare("audit_list",
            "SELECT coalesce(json_agg(json_build_object('id', id, 'at', siberius_iso_utc(at), 'actor', actor,"
            " 'actorRole', actor_role, 'action', action, 'target', target, 'outcome', outcome, 'ip', ip,"
            " 'details', details) ORDER BY id DESC), '[]'::json)::text"
            " FROM (SELECT * FROM audit_log WHERE ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $1) a");
}

std::optional<std::string> unfit_login(const std::string& login) {
  if (login.empty() || login.size() > 100)
    return std::string("login: 1 to 100 characters");
  for (unsigned char c : login)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-' && c != '@')
      return std::string("login: only letters, digits, '.', '_', '-' and '@'");
  return std::nullopt;
}

std::optional<api_principal> metadata_store::authenticate(const std::string& token) {
  auto parts = split_token(token);
  if (!parts)
    return std::nullopt;
  auto digest = sha256_hex(token);
  return impl_->run([&](pqxx::connection& c) -> std::optional<api_principal> {
    pqxx::nontransaction n(c);
    auto s = n.exec_prepared("session_lookup", parts->public_id);
    if (!s.empty()) {
      if (!same_digest(s[0][1].as<std::string>(), digest))
        return std::nullopt;
      api_principal p;
      p.token_id = s[0][0].as<std::int64_t>();
      p.user_id = s[0][2].as<std::int64_t>();
      p.name = s[0][3].as<std::string>();
      p.role = s[0][4].as<std::string>();
      p.via = "session";
      p.expires_at = s[0][5].as<std::string>();
      p.expires_epoch = s[0][6].as<std::int64_t>();
      n.exec_prepared("session_touch", p.token_id);
      return p;
    }
    auto rows = n.exec_prepared("api_token_lookup", parts->public_id);
    if (rows.empty() || !same_digest(rows[0][3].as<std::string>(), digest))
      return std::nullopt;
    api_principal p;
    p.token_id = rows[0][0].as<std::int64_t>();
    p.name = rows[0][1].as<std::string>();
    p.role = rows[0][2].as<std::string>();
    p.via = "api_token";
    n.exec_prepared("api_token_used", p.token_id);
    return p;
  });
}

std::optional<login_account> metadata_store::account_for_login(const std::string& login) {
  if (unfit_login(login))
    return std::nullopt;
  return impl_->run([&](pqxx::connection& c) -> std::optional<login_account> {
    pqxx::nontransaction n(c);
    auto r = n.exec_prepared("account_by_login", login);
    if (r.empty())
      return std::nullopt;
    login_account a;
    a.id = r[0][0].as<std::int64_t>();
    a.login = r[0][1].as<std::string>();
    a.nome = r[0][2].as<std::string>();
    a.role = r[0][3].as<std::string>();
    a.password_hash = r[0][4].as<std::string>();
    a.disabled = r[0][5].as<bool>();
    return a;
  });
}

issued_session metadata_store::open_session(const session_request& r) {
  auto agent = r.user_agent.substr(0, 200);
  return impl_->run([&](pqxx::connection& c) {
    for (int attempt = 0;; ++attempt) {
      issued_session out;
      out.token = generate_token();
      try {
        pqxx::work w(c);
        auto row = w.exec_prepared1("session_create", r.user_id, split_token(out.token)->public_id,
                                    sha256_hex(out.token), static_cast<double>(r.ttl.count()),
                                    r.remote_addr.substr(0, 100), agent);
        out.id = row[0].as<std::int64_t>();
        out.expires_at = row[1].as<std::string>();
        w.commit();
        return out;
      } catch (const pqxx::unique_violation&) {
        if (attempt >= 2)
          throw;
      }
    }
  });
}

bool metadata_store::close_session(std::int64_t session_id) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared("session_close", session_id).affected_rows() > 0;
  });
}

nlohmann::json metadata_store::list_users() {
  auto text = impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared1("users_list")[0].as<std::string>();
  });
  return {{"users", nlohmann::json::parse(text)}};
}

std::optional<nlohmann::json> metadata_store::user(std::int64_t id) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<nlohmann::json> {
    pqxx::nontransaction n(c);
    auto r = n.exec_prepared("user_get", id);
    if (r.empty())
      return std::nullopt;
    return nlohmann::json::parse(r[0][0].as<std::string>());
  });
}

nlohmann::json metadata_store::create_user(const new_user& u) {
  if (auto why = unfit_login(u.login))
    throw std::invalid_argument(*why);
  if (u.role != "admin" && u.role != "tecnico")
    throw std::invalid_argument("role: expected admin or tecnico");
  if (u.nome.size() > 200 || u.nome.find('\0') != std::string::npos)
    throw std::invalid_argument("nome: at most 200 characters");
  return impl_->run([&](pqxx::connection& c) {
    try {
      pqxx::work w(c);
      auto text = w.exec_prepared1("user_create", u.login, u.nome, u.role, u.password_hash)[0].as<std::string>();
      w.commit();
      return nlohmann::json::parse(text);
    } catch (const pqxx::unique_violation&) {
      throw conflict("login " + u.login + " is taken");
    }
  });
}

bool metadata_store::set_password(std::int64_t id, const std::string& password_hash) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::work w(c);
    if (w.exec_prepared("user_set_password", id, password_hash).affected_rows() == 0)
      return false;
    w.exec_prepared("sessions_revoke_user", id);
    w.commit();
    return true;
  });
}

std::optional<nlohmann::json> metadata_store::set_disabled(std::int64_t id, bool disabled) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<nlohmann::json> {
    pqxx::work w(c);
    auto r = w.exec_prepared("user_set_disabled", id, disabled);
    if (r.empty())
      return std::nullopt;
    if (disabled)
      w.exec_prepared("sessions_revoke_user", id);
    w.commit();
    return nlohmann::json::parse(r[0][0].as<std::string>());
  });
}

std::int64_t metadata_store::count_users() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared1("users_count")[0].as<std::int64_t>();
  });
}

nlohmann::json metadata_store::list_api_tokens() {
  auto text = impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared1("api_tokens_list")[0].as<std::string>();
  });
  return {{"tokens", nlohmann::json::parse(text)}};
}

bool metadata_store::revoke_api_token(std::int64_t id) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared("api_token_revoke", id).affected_rows() > 0;
  });
}

void metadata_store::audit(const audit_entry& e) {
  auto clip = [](const std::optional<std::string>& s) -> std::optional<std::string> {
    if (!s)
      return s;
    auto v = s->substr(0, 200);
    v.erase(std::remove(v.begin(), v.end(), '\0'), v.end());
    return v;
  };
  auto details = e.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (details.size() > 4096 || details.find("\\u0000") != std::string::npos)
    details = "{}";
  impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    n.exec_prepared("audit_insert", clip(e.actor), clip(e.actor_role), e.action, clip(e.target), e.outcome,
                    clip(e.ip), details);
  });
}

nlohmann::json metadata_store::list_audit(int limit, std::optional<std::int64_t> before) {
  auto text = impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared1("audit_list", limit, before)[0].as<std::string>();
  });
  return {{"items", nlohmann::json::parse(text)}};
}

} // namespace siberius::storage
