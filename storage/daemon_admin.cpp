// metadata_store: what an admin does to daemons: the detail view, tokens
// (list, rotate with an overlap, revoke), blocking, and the settings pushed
// to a daemon (daemon:config_update).
#include "storage/metadata_store.hpp"
#include "storage/store_impl.hpp"
#include "storage/tokens.hpp"

namespace siberius::storage {

namespace {

using json = nlohmann::json;

constexpr const char* daemon_json_sql =
    "json_build_object('id', d.id, 'clientId', d.client_id, 'name', d.client_name, 'status', d.status,"
    " 'blocked', d.blocked, 'lastSeen', siberius_iso_utc(d.last_seen),"
    " 'lastHeartbeat', siberius_iso_utc(d.last_heartbeat), 'connectedAt', siberius_iso_utc(d.connected_at),"
    " 'disconnectedAt', siberius_iso_utc(d.disconnected_at), 'remoteAddr', d.remote_addr,"
    " 'localAddr', d.local_addr, 'version', d.daemon_version, 'runtime', d.runtime, 'platform', d.platform,"
    " 'hostname', d.hostname, 'pdfsIndexed', d.pdfs_indexed, 'pdfsUploaded', d.pdfs_uploaded,"
    " 'lastPdfIndexed', siberius_iso_utc(d.last_pdf_indexed), 'lastSyncAt', siberius_iso_utc(d.last_sync_at),"
    " 'uptimeSeconds', d.uptime_seconds, 'memoryBytes', d.memory_bytes, 'latencyMs', d.latency_ms,"
    " 'config', d.config,"
    " 'createdAt', siberius_iso_utc(d.created_at))";

constexpr const char* token_json_sql =
    "json_build_object('id', t.id, 'daemonId', t.daemon_id, 'clientId', d.client_id, 'name', d.client_name,"
    " 'publicId', t.public_id, 'state', CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked'"
    "   WHEN t.expires_at IS NOT NULL AND t.expires_at <= now() THEN 'expired'"
    "   WHEN t.expires_at IS NOT NULL THEN 'expiring' ELSE 'active' END,"
    " 'createdAt', siberius_iso_utc(t.created_at), 'expiresAt', siberius_iso_utc(t.expires_at),"
    " 'revokedAt', siberius_iso_utc(t.revoked_at))";

} // namespace

void prepare_daemon_admin_statements(pqxx::connection& c) {
  std::string daemon = daemon_json_sql, token = token_json_sql;
  c.prepare("daemon_detail",
            "SELECT (" + daemon + "::jsonb || jsonb_build_object("
            " 'heartbeat', d.metadata,"
            " 'tokens', coalesce((SELECT json_agg(" + token + " ORDER BY t.id)"
            "   FROM daemon_tokens t WHERE t.daemon_id = d.id), '[]'::json),"
            // The documents this daemon has or had (its locations), by status
            // as seen from its folder: missing once gone from it, whatever
            // another office has.
            " 'pdfs', (SELECT json_build_object('total', count(*),"
            "   'availableLocal', count(*) FILTER (WHERE s = 'available_local'),"
            "   'uploading', count(*) FILTER (WHERE s = 'uploading'),"
            "   'cached', count(*) FILTER (WHERE s = 'cached'),"
            "   'expired', count(*) FILTER (WHERE s = 'expired'),"
            "   'missing', count(*) FILTER (WHERE s = 'missing'))"
            "   FROM (SELECT CASE WHEN NOT l.present AND p.status IN ('available_local', 'uploading') THEN 'missing'"
            "                     ELSE p.status END AS s"
            "         FROM pdf_locations l JOIN pdf_cache p ON p.id = l.pdf_id WHERE l.client_id = d.client_id) x),"
            " 'recentEvents', coalesce((SELECT json_agg(json_build_object('at', siberius_iso_utc(e.created_at),"
            "   'level', e.level, 'event', e.event) ORDER BY e.id DESC)"
            "   FROM (SELECT * FROM daemon_events WHERE daemon_id = d.id ORDER BY id DESC LIMIT 50) e), '[]'::json)"
            "))::text FROM daemon_clients d WHERE d.id = $1");
  c.prepare("daemon_tokens_list",
            "SELECT coalesce(json_agg(" + token + " ORDER BY t.id), '[]'::json)::text"
            " FROM daemon_tokens t JOIN daemon_clients d ON d.id = t.daemon_id");
  c.prepare("daemon_client_of", "SELECT client_id FROM daemon_clients WHERE id = $1");
  // Rotation: the daemon's other live tokens end after the overlap.
  c.prepare("daemon_tokens_expire_others",
            "UPDATE daemon_tokens SET expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $3))"
            " WHERE daemon_id = $1 AND id <> $2 AND revoked_at IS NULL"
            " AND (expires_at IS NULL OR expires_at > now())"
            " RETURNING siberius_iso_utc(expires_at)");
  c.prepare("daemon_token_insert",
            "INSERT INTO daemon_tokens (daemon_id, public_id, token_hash) VALUES ($1, $2, $3) RETURNING id");
  c.prepare("daemon_token_revoke",
            "UPDATE daemon_tokens t SET revoked_at = now() FROM daemon_clients d"
            " WHERE t.id = $1 AND d.id = t.daemon_id AND t.revoked_at IS NULL"
            " RETURNING t.id, t.daemon_id, d.client_id");
  c.prepare("daemon_set_blocked",
            "UPDATE daemon_clients d SET blocked = $2, updated_at = now() WHERE d.id = $1"
            " RETURNING " + daemon + "::text");
  c.prepare("daemon_config_merge",
            "UPDATE daemon_clients SET config = config || $2::jsonb, updated_at = now() WHERE id = $1"
            " RETURNING client_id, config::text");
}

std::optional<json> metadata_store::daemon_detail(std::int64_t daemon_id) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<json> {
    pqxx::nontransaction n(c);
    auto r = n.exec_prepared("daemon_detail", daemon_id);
    if (r.empty())
      return std::nullopt;
    return json::parse(r[0][0].as<std::string>());
  });
}

json metadata_store::list_daemon_tokens() {
  auto text = impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared1("daemon_tokens_list")[0].as<std::string>();
  });
  return {{"tokens", json::parse(text)}};
}

std::optional<json> metadata_store::rotate_daemon_token(std::int64_t daemon_id, std::chrono::seconds overlap) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<json> {
    for (int attempt = 0;; ++attempt) {
      auto token = generate_token();
      try {
        pqxx::work w(c);
        auto client = w.exec_prepared("daemon_client_of", daemon_id);
        if (client.empty())
          return std::nullopt;
        auto id = w.exec_prepared1("daemon_token_insert", daemon_id, split_token(token)->public_id,
                                   sha256_hex(token))[0]
                      .as<std::int64_t>();
        auto others = w.exec_prepared("daemon_tokens_expire_others", daemon_id, id,
                                      static_cast<double>(overlap.count()));
        w.commit();
        json ends = json::array();
        for (auto row : others)
          ends.push_back(row[0].as<std::string>());
        return json{{"daemonId", daemon_id},
                    {"clientId", client[0][0].is_null() ? json() : json(client[0][0].as<std::string>())},
                    {"tokenId", id},
                    {"token", token},
                    {"previousTokensExpireAt", ends.empty() ? json() : ends[0]}};
      } catch (const pqxx::unique_violation&) {
        if (attempt >= 2)
          throw;
      }
    }
  });
}

std::optional<json> metadata_store::revoke_daemon_token(std::int64_t token_id) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<json> {
    pqxx::work w(c);
    auto r = w.exec_prepared("daemon_token_revoke", token_id);
    w.commit();
    if (r.empty())
      return std::nullopt;
    return json{{"tokenId", r[0][0].as<std::int64_t>()},
                {"daemonId", r[0][1].as<std::int64_t>()},
                {"clientId", r[0][2].is_null() ? json() : json(r[0][2].as<std::string>())}};
  });
}

std::optional<json> metadata_store::set_daemon_blocked(std::int64_t daemon_id, bool blocked) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<json> {
    pqxx::work w(c);
    auto r = w.exec_prepared("daemon_set_blocked", daemon_id, blocked);
    w.commit();
    if (r.empty())
      return std::nullopt;
    return json::parse(r[0][0].as<std::string>());
  });
}

std::optional<json> metadata_store::update_daemon_config(std::int64_t daemon_id, const json& changes) {
  auto text = changes.dump();
  return impl_->run([&](pqxx::connection& c) -> std::optional<json> {
    pqxx::work w(c);
    auto r = w.exec_prepared("daemon_config_merge", daemon_id, text);
    w.commit();
    if (r.empty())
      return std::nullopt;
    return json{{"clientId", r[0][0].is_null() ? json() : json(r[0][0].as<std::string>())},
                {"config", json::parse(r[0][1].as<std::string>())}};
  });
}

} // namespace siberius::storage
