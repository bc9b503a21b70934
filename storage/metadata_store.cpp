// metadata_store: connection handling, daemon and API tokens, heartbeats,
// daemon events and the admin views. PDF ingest and sync live in pdf_ingest.cpp.
#include "storage/metadata_store.hpp"

#include <poll.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <map>
#include <string_view>
#include <unordered_map>

#include "net/client_id.hpp"
#include "storage/store_impl.hpp"
#include "storage/tokens.hpp"

namespace siberius::storage {

void prepare_ingest_statements(pqxx::connection& c);    // pdf_ingest.cpp
void prepare_pdf_query_statements(pqxx::connection& c); // pdf_query.cpp
void prepare_upload_statements(pqxx::connection& c);    // pdf_upload.cpp
void prepare_account_statements(pqxx::connection& c);   // accounts.cpp
void prepare_atendimento_statements(pqxx::connection& c); // atendimentos.cpp
void prepare_daemon_admin_statements(pqxx::connection& c); // daemon_admin.cpp
void prepare_monitor_statements(pqxx::connection& c);     // monitor.cpp
void prepare_reconcile_statements(pqxx::connection& c);   // cache_reconcile.cpp
void prepare_alert_statements(pqxx::connection& c);       // alerts.cpp

namespace {

using net::valid_client_id;
constexpr std::size_t max_name = 255;
constexpr std::size_t max_events_per_daemon = 200;
// jsonb rejects NUL characters; the dump shows them as this escape.
constexpr const char* nul_escape = "\\u0000";
constexpr std::size_t max_heartbeat_text = 16 * 1024;
constexpr std::size_t heartbeats_per_statement = 250;

void prepare_statements(pqxx::connection& c) {
  c.prepare("daemon_token_lookup",
            "SELECT t.token_hash, d.id, d.client_id, d.client_name, d.blocked, t.id,"
            " ceil(extract(epoch FROM t.expires_at))::bigint"
            " FROM daemon_tokens t JOIN daemon_clients d ON d.id = t.daemon_id"
            " WHERE t.public_id = $1 AND t.revoked_at IS NULL"
            " AND (t.expires_at IS NULL OR t.expires_at > now())");
  c.prepare("daemon_bind",
            "UPDATE daemon_clients SET client_id = $2, updated_at = now()"
            " WHERE id = $1 AND client_id IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM daemon_clients WHERE client_id = $2)");
  c.prepare("daemon_online",
            "UPDATE daemon_clients SET status = 'online', connected_at = now(), last_seen = now(),"
            " remote_addr = $2, daemon_version = $3, updated_at = now() WHERE id = $1"
            " RETURNING id, client_id, client_name, siberius_iso_utc(greatest(last_sync_at, last_pdf_indexed)),"
            " config::text, connected_at::text");
  c.prepare("daemon_online_event",
            "INSERT INTO daemon_connection_events (daemon_id, at, kind, remote_addr) VALUES ($1, now(), 'online', $2)");
  c.prepare("daemon_offline",
            "WITH off AS (UPDATE daemon_clients SET status = 'offline', disconnected_at = now(), updated_at = now()"
            " WHERE client_id = $1 AND status = 'online' AND ($2::timestamptz IS NULL OR connected_at = $2)"
            " RETURNING id)"
            " INSERT INTO daemon_connection_events (daemon_id, at, kind, reason) SELECT id, now(), 'offline', $3 FROM off");
  c.prepare("daemons_reset_online",
            "WITH off AS (UPDATE daemon_clients SET status = 'offline', disconnected_at = now(), updated_at = now()"
            " WHERE status = 'online' RETURNING id)"
            " INSERT INTO daemon_connection_events (daemon_id, at, kind, reason)"
            " SELECT id, now(), 'offline', 'server stopped or restarted' FROM off");
  c.prepare("daemon_heartbeats",
            "UPDATE daemon_clients d SET"
            " remote_addr = coalesce(h.remote_addr, d.remote_addr),"
            " local_addr = coalesce(h.local_addr, d.local_addr),"
            " daemon_version = coalesce(h.daemon_version, d.daemon_version),"
            " runtime = coalesce(h.runtime, d.runtime),"
            " platform = coalesce(h.platform, d.platform),"
            " hostname = coalesce(h.hostname, d.hostname),"
            " uptime_seconds = coalesce(h.uptime_seconds, d.uptime_seconds),"
            " memory_bytes = coalesce(h.memory_bytes, d.memory_bytes),"
            " latency_ms = coalesce(h.latency_ms, d.latency_ms),"
            " metadata = h.metadata, last_heartbeat = now(), last_seen = now(), updated_at = now()"
            " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
            " $8::bigint[], $9::bigint[], $10::jsonb[], $11::real[]) AS h(client_id, remote_addr, local_addr,"
            " daemon_version, runtime, platform, hostname, uptime_seconds, memory_bytes, metadata, latency_ms)"
            " WHERE d.client_id = h.client_id");
  c.prepare("daemon_event_insert",
            "INSERT INTO daemon_events (daemon_id, level, event)"
            " SELECT id, $2, $3::jsonb FROM daemon_clients WHERE client_id = $1 RETURNING daemon_id");
  c.prepare("daemon_event_trim",
            "DELETE FROM daemon_events WHERE daemon_id = $1 AND id <= ("
            " SELECT id FROM daemon_events WHERE daemon_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)");
  c.prepare("daemon_create",
            "INSERT INTO daemon_clients (client_name, client_id) VALUES ($1, $2) RETURNING id");
  c.prepare("daemon_token_create",
            "INSERT INTO daemon_tokens (daemon_id, public_id, token_hash) VALUES ($1, $2, $3)");
  c.prepare("api_token_create",
            "INSERT INTO api_tokens (name, role, public_id, token_hash) VALUES ($1, $2, $3, $4) RETURNING id");
  c.prepare("api_token_lookup",
            "SELECT id, name, role, token_hash FROM api_tokens WHERE public_id = $1 AND revoked_at IS NULL");
  c.prepare("api_token_used", "UPDATE api_tokens SET last_used_at = now() WHERE id = $1");
  c.prepare("daemons_list",
            "SELECT coalesce(json_agg(json_build_object("
            " 'id', id, 'clientId', client_id, 'name', client_name, 'status', status, 'blocked', blocked,"
            " 'lastSeen', siberius_iso_utc(last_seen), 'lastHeartbeat', siberius_iso_utc(last_heartbeat),"
            " 'connectedAt', siberius_iso_utc(connected_at), 'disconnectedAt', siberius_iso_utc(disconnected_at),"
            " 'remoteAddr', remote_addr, 'localAddr', local_addr, 'version', daemon_version,"
            " 'runtime', runtime, 'platform', platform, 'hostname', hostname,"
            " 'pdfsIndexed', pdfs_indexed, 'pdfsUploaded', pdfs_uploaded,"
            " 'lastPdfIndexed', siberius_iso_utc(last_pdf_indexed), 'lastSyncAt', siberius_iso_utc(last_sync_at),"
            " 'uptimeSeconds', uptime_seconds, 'memoryBytes', memory_bytes, 'latencyMs', latency_ms)"
            " ORDER BY id), '[]'::json)::text"
            " FROM daemon_clients");
  c.prepare("database_stats",
            "SELECT count(*) FILTER (WHERE status = 'cached'), count(*) FROM pdf_cache");
  prepare_ingest_statements(c);
  prepare_pdf_query_statements(c);
  prepare_upload_statements(c);
  prepare_account_statements(c);
  prepare_atendimento_statements(c);
  prepare_daemon_admin_statements(c);
  prepare_monitor_statements(c);
  prepare_reconcile_statements(c);
  prepare_alert_statements(c);
}


/// Text for a text column: bounded, NUL-free, or nullopt.
std::optional<std::string> bounded_text(const std::string& s, std::size_t max) {
  if (s.empty() || s.size() > max || s.find('\0') != std::string::npos)
    return std::nullopt;
  return s;
}

std::optional<std::string> heartbeat_text(const nlohmann::json& beat, const char* key, std::size_t max) {
  auto it = beat.find(key);
  if (it == beat.end() || !it->is_string())
    return std::nullopt;
  return bounded_text(it->get<std::string>(), max);
}

std::optional<std::int64_t> heartbeat_count(const nlohmann::json& beat, const char* key, double max) {
  auto it = beat.find(key);
  if (it == beat.end() || !it->is_number())
    return std::nullopt;
  double v = it->get<double>();
  if (!std::isfinite(v) || v < 0 || v > max)
    return std::nullopt;
  return static_cast<std::int64_t>(v);
}

/// A round trip as a real[] element: finite, 0 to 10 minutes, or nothing.
std::optional<std::string> rtt_text(const std::optional<double>& ms) {
  if (!ms || !std::isfinite(*ms) || *ms < 0 || *ms > 600000)
    return std::nullopt;
  char out[32];
  std::snprintf(out, sizeof out, "%.3f", *ms);
  return std::string(out);
}

std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

const char* opt_param(const std::optional<std::string>& s) {
  return s ? s->c_str() : nullptr;
}

pqxx::result find_daemon_token(pqxx::transaction_base& t, const std::string& token) {
  auto parts = split_token(token);
  if (!parts)
    return {};
  auto rows = t.exec_prepared("daemon_token_lookup", parts->public_id);
  if (rows.empty() || !same_digest(rows[0][0].as<std::string>(), sha256_hex(token)))
    return {};
  return rows;
}

// -- connection ---------------------------------------------------------------

namespace {

/// `conninfo` with connect_timeout added unless it (or the environment) sets one.
std::string with_connect_timeout(const std::string& conninfo, int seconds) {
  if (seconds <= 0 || conninfo.find("connect_timeout") != std::string::npos || std::getenv("PGCONNECT_TIMEOUT"))
    return conninfo;
  auto t = std::to_string(seconds);
  if (conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0)
    return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=" + t;
  return conninfo + (conninfo.empty() ? "" : " ") + "connect_timeout=" + t;
}

} // namespace

namespace {

// A kept connection sits idle between uses and has nothing to say (nothing
// here LISTENs): a socket that is readable or hung up means PostgreSQL ended
// the session (a restart sends 57P01 and closes it). Left alone, libpqxx
// would find out on the next statement and fail that request, once for each
// database worker, although the database is back.
bool ended_while_idle(const pqxx::connection& c) {
  int fd = c.sock();
  if (fd < 0)
    return true;
  pollfd p{};
  p.fd = fd;
  p.events = POLLIN;
  return ::poll(&p, 1, 0) != 0;
}

} // namespace

pqxx::connection& metadata_store::impl::connection() {
  if (conn && !ended_while_idle(*conn))
    return *conn;
  drop();
  try {
    auto fresh = std::make_unique<pqxx::connection>(with_connect_timeout(options.conninfo, options.connect_timeout_s));
    {
      pqxx::nontransaction n(*fresh);
      n.exec("SET TIME ZONE 'UTC'");
      if (options.statement_timeout.count() > 0)
        n.exec("SET statement_timeout = " + std::to_string(options.statement_timeout.count()));
    }
    prepare_statements(*fresh);
    conn = std::move(fresh);
  } catch (const pqxx::broken_connection& e) {
    throw unavailable(std::string("cannot connect to PostgreSQL: ") + e.what());
  } catch (const pqxx::sql_error& e) {
    throw unavailable(std::string("cannot set up the PostgreSQL session: ") + e.what());
  } catch (const pqxx::failure& e) {
    throw unavailable(std::string("cannot connect to PostgreSQL: ") + e.what());
  }
  return *conn;
}

void metadata_store::impl::drop() noexcept {
  try {
    conn.reset();
  } catch (...) {
    conn.release(); // a destructor that throws on a dead socket must not take us down
  }
}

bool metadata_store::impl::connection_lost(const pqxx::sql_error& e, pqxx::connection& c) {
  const auto& state = e.sqlstate();
  // 08xxx: connection exception; 57P01-57P03: server shutting down or gone.
  if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0)
    return true;
  return !c.is_open();
}

void append_array_element(std::string& literal, const char* value, std::size_t size) {
  if (literal.size() > 1)
    literal += ',';
  if (value == nullptr) {
    literal += "NULL";
    return;
  }
  literal += '"';
  // Copy runs between the two characters that need a backslash.
  const char* end = value + size;
  for (const char* p = value; p < end;) {
    const char* q = p;
    while (q < end && *q != '"' && *q != '\\')
      ++q;
    literal.append(p, static_cast<std::size_t>(q - p));
    if (q == end)
      break;
    literal += '\\';
    literal += *q;
    p = q + 1;
  }
  literal += '"';
}

std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const auto& v : values)
    append_array_element(out, v);
  close_array(out);
  return out;
}

bool is_iso_timestamp(const std::string& s) {
  // YYYY-MM-DDTHH:MM:SS then optional .fraction then optional Z or ±HH:MM
  if (s.size() < 19 || s.size() > 40 || !is_iso_date(s.substr(0, 10)) || (s[10] != 'T' && s[10] != ' '))
    return false;
  auto digits = [&](std::size_t at, std::size_t n, int max) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (i >= s.size() || s[i] < '0' || s[i] > '9')
        return false;
      v = v * 10 + (s[i] - '0');
    }
    return v <= max;
  };
  if (!digits(11, 2, 23) || s[13] != ':' || !digits(14, 2, 59) || s[16] != ':' || !digits(17, 2, 59))
    return false;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i;
    if (i == start || i - start > 9)
      return false;
  }
  if (i == s.size())
    return true;
  if (s[i] == 'Z')
    return i + 1 == s.size();
  if (s[i] == '+' || s[i] == '-')
    return s.size() == i + 6 && digits(i + 1, 2, 14) && s[i + 3] == ':' && digits(i + 4, 2, 59);
  return false;
}

// -- metadata_store ------------------------------------------------------------

const char* to_string(ingest_status s) {
  switch (s) {
    case ingest_status::indexed: return "indexed";
    case ingest_status::duplicate: return "duplicate";
    case ingest_status::updated: return "updated";
    case ingest_status::error: return "error";
  }
  return "error";
}

std::string store_options::retention_json() const {
  return nlohmann::json(retention_by_tipo).dump();
}

metadata_store::metadata_store(store_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

metadata_store::~metadata_store() = default;

auth_outcome metadata_store::authenticate_daemon(const std::string& token, const std::string& client_id,
                                                 const std::string& version, const std::string& remote_addr) {
  auth_outcome out;
  if (!split_token(token))
    return out; // malformed: unknown, without a database round trip
  return impl_->run([&](pqxx::connection& c) {
    pqxx::work w(c);
    auto rows = find_daemon_token(w, token);
    if (rows.empty())
      return out;
    auto daemon_id = rows[0][1].as<std::int64_t>();
    if (rows[0][4].as<bool>()) {
      out.status = auth_status::blocked;
      return out;
    }
    if (!valid_client_id(client_id)) {
      out.status = auth_status::client_mismatch;
      return out;
    }
    if (rows[0][2].is_null()) {
      // First connect with this token: it becomes this client id's token.
      try {
        auto bound = w.exec_prepared("daemon_bind", daemon_id, client_id);
        if (bound.affected_rows() != 1) {
          out.status = auth_status::client_mismatch;
          return out;
        }
      } catch (const pqxx::unique_violation&) {
        out.status = auth_status::client_mismatch; // bound elsewhere concurrently
        return out;
      }
    } else if (rows[0][2].as<std::string>() != client_id) {
      out.status = auth_status::client_mismatch;
      return out;
    }
    auto version_text = bounded_text(version, 64);
    auto addr_text = bounded_text(remote_addr, 64);
    auto online = w.exec_prepared1("daemon_online", daemon_id, opt_param(addr_text), opt_param(version_text));
    w.exec_prepared("daemon_online_event", daemon_id, opt_param(addr_text));
    w.commit();
    out.status = auth_status::ok;
    out.daemon.id = online[0].as<std::int64_t>();
    out.daemon.client_id = online[1].as<std::string>();
    out.daemon.name = online[2].as<std::string>();
    if (!online[3].is_null())
      out.daemon.last_sync = online[3].as<std::string>();
    out.daemon.token_id = rows[0][5].as<std::int64_t>();
    out.daemon.token_expires_epoch = rows[0][6].is_null() ? 0 : rows[0][6].as<std::int64_t>();
    out.daemon.config = online[4].as<std::string>();
    out.daemon.connected_at = online[5].as<std::string>();
    return out;
  });
}

void metadata_store::mark_offline(const std::string& client_id, const std::string& connected_at,
                                  const std::string& reason) {
  auto reason_text = bounded_text(reason, 200);
  impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    n.exec_prepared("daemon_offline", client_id,
                    connected_at.empty() ? std::optional<std::string>() : std::optional<std::string>(connected_at),
                    reason_text);
  });
}

daemon_heartbeat daemon_heartbeat::from(std::string client_id, const nlohmann::json& payload, std::string text) {
  daemon_heartbeat h;
  h.client_id = std::move(client_id);
  if (!payload.is_object())
    return h; // still a sign of life
  h.remote_addr = heartbeat_text(payload, "publicAddr", 64);
  h.local_addr = heartbeat_text(payload, "localAddr", 64);
  h.daemon_version = heartbeat_text(payload, "version", 64);
  h.runtime = heartbeat_text(payload, "runtime", 64);
  h.platform = heartbeat_text(payload, "platform", 64);
  h.hostname = heartbeat_text(payload, "hostname", 255);
  h.uptime_seconds = heartbeat_count(payload, "uptimeSeconds", 1e11);
  h.memory_bytes = heartbeat_count(payload, "memoryBytes", 1e15);
  if (text.empty())
    text = dump_json(payload);
  // jsonb refuses \u0000; an oversize payload is not kept either.
  if (text.size() <= max_heartbeat_text && text.find(nul_escape) == std::string::npos)
    h.metadata = std::move(text);
  else
    h.metadata = R"({"truncated":true})";
  h.metadata.shrink_to_fit();
  return h;
}

void metadata_store::store_heartbeats(const std::vector<daemon_heartbeat>& beats) {
  // Latest beat per daemon, in client id order so that concurrent writers
  // touch the daemon rows alike.
  std::map<std::string_view, std::size_t> latest;
  for (std::size_t i = 0; i < beats.size(); ++i)
    if (valid_client_id(beats[i].client_id))
      latest[beats[i].client_id] = i;
  if (latest.empty())
    return;
  // A statement carries at most heartbeats_per_statement beats: libpq keeps
  // its output buffer at the largest statement it ever sent.
  auto it = latest.begin();
  while (it != latest.end()) {
    std::string ids = "{", remote = "{", local = "{", version = "{", runtime = "{", platform = "{",
                hostname = "{", uptime = "{", memory = "{", metadata = "{", latency = "{";
    auto put = [](std::string& literal, const std::optional<std::string>& v) {
      if (v)
        append_array_element(literal, *v);
      else
        append_null_element(literal);
    };
    auto put_count = [](std::string& literal, const std::optional<std::int64_t>& v) {
      if (v)
        append_array_element(literal, std::to_string(*v));
      else
        append_null_element(literal);
    };
    for (std::size_t n = 0; it != latest.end() && n < heartbeats_per_statement; ++it, ++n) {
      const auto& h = beats[it->second];
      append_array_element(ids, h.client_id);
      put(remote, h.remote_addr);
      put(local, h.local_addr);
      put(version, h.daemon_version);
      put(runtime, h.runtime);
      put(platform, h.platform);
      put(hostname, h.hostname);
      put_count(uptime, h.uptime_seconds);
      put_count(memory, h.memory_bytes);
      append_array_element(metadata, h.metadata);
      put(latency, rtt_text(h.rtt_ms));
    }
    for (auto* a : {&ids, &remote, &local, &version, &runtime, &platform, &hostname, &uptime, &memory, &metadata,
                    &latency})
      close_array(*a);
    impl_->run([&](pqxx::connection& c) {
      pqxx::nontransaction n(c);
      n.exec_prepared("daemon_heartbeats", ids, remote, local, version, runtime, platform, hostname, uptime,
                      memory, metadata, latency);
    });
  }
  store_latency_samples(beats);
}

void metadata_store::store_latency_samples(const std::vector<daemon_heartbeat>& beats) {
  // Every beat that carries a round trip is a sample, not only the latest.
  std::string ids = "{", rtts = "{";
  std::size_t n = 0;
  auto write = [&] {
    close_array(ids);
    close_array(rtts);
    impl_->run([&](pqxx::connection& c) {
      pqxx::nontransaction t(c);
      t.exec_prepared("monitor_latency_record", ids, rtts);
    });
    ids = rtts = "{";
    n = 0;
  };
  for (const auto& h : beats) {
    auto rtt = rtt_text(h.rtt_ms);
    if (!rtt || !valid_client_id(h.client_id))
      continue;
    append_array_element(ids, h.client_id);
    append_array_element(rtts, *rtt);
    if (++n == heartbeats_per_statement)
      write();
  }
  if (n > 0)
    write();
}

void metadata_store::store_daemon_event(const std::string& client_id, const std::string& level,
                                        const nlohmann::json& event) {
  if (!valid_client_id(client_id))
    return;
  auto level_text = bounded_text(level, 16).value_or("error");
  auto text = dump_json(event);
  if (text.size() > 64 * 1024 || text.find(nul_escape) != std::string::npos)
    text = dump_json(nlohmann::json{{"unstorable", true}, {"bytes", text.size()}});
  impl_->run([&](pqxx::connection& c) {
    pqxx::work w(c);
    auto r = w.exec_prepared("daemon_event_insert", client_id, level_text, text);
    if (!r.empty()) {
      // Keep the newest events only: the admin's detail view needs recent ones.
      w.exec_prepared("daemon_event_trim", r[0][0].as<std::int64_t>(),
                      static_cast<long>(max_events_per_daemon));
    }
    w.commit();
  });
}

issued_token metadata_store::create_daemon_token(const std::string& name,
                                                 const std::optional<std::string>& client_id) {
  if (name.empty() || name.size() > max_name || name.find('\0') != std::string::npos)
    throw std::invalid_argument("daemon name: expected 1 to 255 characters");
  if (client_id && !valid_client_id(*client_id))
    throw std::invalid_argument("client id: expected 1 to 100 characters");
  return impl_->run([&](pqxx::connection& c) {
    for (int attempt = 0;; ++attempt) {
      issued_token out;
      out.token = generate_token();
      try {
        pqxx::work w(c);
        out.id = w.exec_prepared1("daemon_create", name, opt_param(client_id))[0].as<std::int64_t>();
        w.exec_prepared("daemon_token_create", out.id, split_token(out.token)->public_id, sha256_hex(out.token));
        w.commit();
        out.client_id = client_id.value_or("");
        return out;
      } catch (const pqxx::unique_violation& e) {
        if (client_id && std::string(e.what()).find("client_id") != std::string::npos)
          throw conflict("client id '" + *client_id + "' already belongs to another daemon");
        if (attempt >= 2)
          throw; // public ids are 64 random bits: repeated collisions mean something else
      }
    }
  });
}

issued_token metadata_store::create_api_token(const std::string& name, const std::string& role) {
  if (name.empty() || name.size() > max_name || name.find('\0') != std::string::npos)
    throw std::invalid_argument("token name: expected 1 to 255 characters");
  if (role != "admin" && role != "tecnico")
    throw std::invalid_argument("role: expected admin or tecnico");
  return impl_->run([&](pqxx::connection& c) {
    for (int attempt = 0;; ++attempt) {
      issued_token out;
      out.token = generate_token();
      try {
        pqxx::work w(c);
        out.id = w.exec_prepared1("api_token_create", name, role, split_token(out.token)->public_id,
                                  sha256_hex(out.token))[0]
                     .as<std::int64_t>();
        w.commit();
        return out;
      } catch (const pqxx::unique_violation&) {
        if (attempt >= 2)
          throw;
      }
    }
  });
}

nlohmann::json metadata_store::list_daemons() {
  auto text = impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared1("daemons_list")[0].as<std::string>();
  });
  return nlohmann::json::parse(text);
}

nlohmann::json metadata_store::database_stats() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    auto row = n.exec_prepared1("database_stats");
    return nlohmann::json{{"connected", true},
                          {"pdfs_cached", row[0].as<std::int64_t>()},
                          {"pdfs_total", row[1].as<std::int64_t>()}};
  });
}

void metadata_store::reset_online_daemons() {
  impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    n.exec_prepared("daemons_reset_online");
  });
}

} // namespace siberius::storage
