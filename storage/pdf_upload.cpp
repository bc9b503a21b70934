#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "cache/pdf_cache.hpp"
#include "storage/metadata_store.hpp"
#include "storage/store_impl.hpp"
#include "storage/tokens.hpp"

namespace siberius::storage {

void prepare_upload_statements(pqxx::connection& c) {
  // The daemon uploading must have the file: a location of it, whichever
  // daemon indexed it first.
  c.prepare("upload_target",
            "SELECT p.id, p.filename, p.status, to_char(p.data_evento, 'YYYY-MM-DD') FROM pdf_cache p"
            " JOIN pdf_locations l ON l.pdf_id = p.id AND l.client_id = $2"
            " WHERE p.file_hash = $1");
  c.prepare("upload_record",
            "WITH previous AS (SELECT id, file_path FROM pdf_cache WHERE id = $1 FOR UPDATE),"
            " cached AS ("
            "  UPDATE pdf_cache p SET status = 'cached', file_path = $2, cached_at = now(),"
            "   expires_at = siberius_cache_expiry(data_evento, tipo, now(), $10::jsonb, $3::int, $8::int, $9::int),"
            "   updated_at = now()"
            "  FROM previous WHERE p.id = previous.id RETURNING p.id, p.expires_at, previous.file_path AS replaced),"
            " counted AS (UPDATE daemon_clients SET pdfs_uploaded = pdfs_uploaded + 1, updated_at = now()"
            "  WHERE client_id = $4 RETURNING 1),"
            " transfer AS (INSERT INTO pdf_transfers (pdf_cache_id, transfer_type, request_id, started_at, completed_at,"
            "   status, progress, bytes_transferred, client_id)"
            "  SELECT id, 'upload', $5, now() - make_interval(secs => $7::float8), now(), 'completed', 100, $6, $4"
            "  FROM cached RETURNING 1)"
            " SELECT siberius_iso_utc(expires_at), (SELECT count(*) FROM counted), (SELECT count(*) FROM transfer),"
            "  replaced FROM cached");
  // The janitor's run: the expiry of every cached copy from its event date,
  // type and cached_at under the current settings (a changed --retention
  // applies to copies already cached).
  c.prepare("recompute_expiry",
            "UPDATE pdf_cache p SET expires_at = e.x, updated_at = now()"
            " FROM (SELECT id, siberius_cache_expiry(data_evento, tipo, cached_at, $1::jsonb, $2::int, $3::int, $4::int)"
            "       AS x FROM pdf_cache WHERE status = 'cached' AND cached_at IS NOT NULL) e"
            " WHERE p.id = e.id AND p.status = 'cached' AND p.expires_at IS DISTINCT FROM e.x");
  // Auto-upload candidates: the event range first (the listing index), then
  // the locations of daemons with autoUpload on; a window keeps each daemon's
  // first few.
  c.prepare("auto_upload_candidates",
            "SELECT client_id, id FROM ("
            " SELECT l.client_id, p.id, row_number() OVER (PARTITION BY l.client_id ORDER BY p.data_evento, p.id) AS n"
            " FROM pdf_cache p JOIN pdf_locations l ON l.pdf_id = p.id AND l.present"
            " JOIN daemon_clients d ON d.client_id = l.client_id AND d.status = 'online' AND NOT d.blocked"
            "  AND d.config @> '{\"autoUpload\": true}'::jsonb"
            " WHERE p.data_evento BETWEEN (now() AT TIME ZONE $1)::date AND (now() AT TIME ZONE $1)::date + $2::int"
            "  AND p.status IN ('available_local', 'expired')) c"
            " WHERE n <= $3 ORDER BY client_id, n");
  c.prepare("download_target", "SELECT status, file_path, filename, file_hash FROM pdf_cache WHERE id = $1");
  c.prepare("download_record",
            "WITH touched AS (UPDATE pdf_cache SET last_accessed = now() WHERE id = $1 RETURNING id)"
            " INSERT INTO pdf_transfers (pdf_cache_id, transfer_type, request_id, started_at, completed_at, status,"
            "  progress, bytes_transferred)"
            " SELECT id, 'download', $3, now(), now(), 'completed', 100, $2 FROM touched");
  c.prepare("upload_failed",
            "INSERT INTO pdf_transfers (pdf_cache_id, transfer_type, request_id, started_at, completed_at, status,"
            " bytes_transferred, error_message, client_id)"
            " VALUES ($1, 'upload', $2, now(), now(), 'failed', $3, $4,"
            "  (SELECT client_id FROM daemon_clients WHERE client_id = $5))");
  // The daemons that have the file, the one whose metadata the document
  // carries first, then the most recently seen.
  c.prepare("request_target",
            "SELECT p.id, coalesce(p.client_id, ''), p.file_hash, p.filename, p.status, p.file_size,"
            " CASE WHEN p.status = 'cached' THEN siberius_iso_utc(p.expires_at) END, p.file_path,"
            " (SELECT coalesce(json_agg(l.client_id ORDER BY l.client_id = p.client_id DESC, l.updated_at DESC,"
            "   l.client_id), '[]')::text FROM pdf_locations l WHERE l.pdf_id = p.id AND l.present)"
            " FROM pdf_cache p WHERE p.id = $1");
  c.prepare("atendimento_pdf",
            "SELECT a.id, (SELECT p.id FROM pdf_cache p WHERE p.atendimento_id = a.id"
            "              ORDER BY p.indexed_at DESC NULLS LAST, p.id DESC LIMIT 1)"
            " FROM atendimentos a WHERE a.id = $1");
  c.prepare("transfer_begin",
            "UPDATE pdf_cache SET status = 'uploading', updated_at = now()"
            " WHERE id = $1 AND status IN ('available_local', 'expired', 'uploading', 'cached')");
  // The daemon no longer has the file ($5): its location goes, and the
  // document is missing only when no other daemon has it.
  c.prepare("transfer_end",
            "WITH gone AS (UPDATE pdf_locations SET present = false, updated_at = now()"
            "  WHERE $5 AND pdf_id = $1 AND client_id = $6 RETURNING 1),"
            " elsewhere AS (SELECT EXISTS (SELECT 1 FROM pdf_locations o WHERE o.pdf_id = $1"
            "  AND o.client_id IS DISTINCT FROM $6 AND o.present) AS found),"
            " reverted AS ("
            "  UPDATE pdf_cache SET status = CASE WHEN $5 AND NOT e.found THEN 'missing' ELSE 'available_local' END,"
            "   local_present = CASE WHEN $5 THEN e.found ELSE local_present END, updated_at = now()"
            "  FROM elsewhere e WHERE id = $1 AND status = 'uploading' RETURNING id)"
            " INSERT INTO pdf_transfers (pdf_cache_id, transfer_type, request_id, started_at, completed_at, status,"
            "  error_message, client_id)"
            " VALUES ($1, 'upload', $2, now(), now(), $3, $4,"
            "  (SELECT client_id FROM daemon_clients WHERE client_id = $6))");
  // One office refused mid-transfer: the same location change as a missing
  // end, without ending the transfer (another office is asked next).
  c.prepare("location_missing",
            "WITH gone AS (UPDATE pdf_locations SET present = false, updated_at = now()"
            "  WHERE pdf_id = $1 AND client_id = $2 AND present RETURNING 1),"
            " elsewhere AS (SELECT EXISTS (SELECT 1 FROM pdf_locations o WHERE o.pdf_id = $1"
            "  AND o.client_id <> $2 AND o.present) AS found),"
            " followed AS (UPDATE pdf_cache SET local_present = e.found, updated_at = now()"
            "  FROM elsewhere e WHERE id = $1 AND local_present <> e.found RETURNING id)"
            " INSERT INTO pdf_transfers (pdf_cache_id, transfer_type, request_id, started_at, completed_at, status,"
            "  error_message, client_id)"
            " SELECT $1, 'upload', $3, now(), now(), 'failed', $4,"
            "  (SELECT client_id FROM daemon_clients WHERE client_id = $2)"
            " WHERE EXISTS (SELECT 1 FROM pdf_cache WHERE id = $1)");
  c.prepare("transfers_reset",
            "UPDATE pdf_cache SET status = 'available_local', updated_at = now() WHERE status = 'uploading'");
  c.prepare("expire_due",
            "WITH due AS (SELECT id, file_path FROM pdf_cache WHERE status = 'cached' AND expires_at <= now()"
            "             ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
            " UPDATE pdf_cache p SET status = 'expired', file_path = NULL, updated_at = now()"
            " FROM due WHERE p.id = due.id"
            // A file another row still names is that row's copy: not to be deleted.
            " RETURNING p.id, p.file_hash, CASE WHEN EXISTS (SELECT 1 FROM pdf_cache o"
            "   WHERE o.file_path = due.file_path AND o.id <> p.id) THEN '' ELSE coalesce(due.file_path, '') END");
}

std::optional<daemon_identity> metadata_store::daemon_by_token(const std::string& token) {
  if (!split_token(token))
    return std::nullopt;
  return impl_->run([&](pqxx::connection& c) -> std::optional<daemon_identity> {
    pqxx::nontransaction n(c);
    auto rows = find_daemon_token(n, token);
    if (rows.empty() || rows[0][4].as<bool>() || rows[0][2].is_null())
      return std::nullopt; // blocked, or never connected (no client id yet)
    daemon_identity d;
    d.id = rows[0][1].as<std::int64_t>();
    d.client_id = rows[0][2].as<std::string>();
    d.name = rows[0][3].as<std::string>();
    return d;
  });
}

std::optional<upload_target> metadata_store::upload_target_for(const std::string& client_id,
                                                               const std::string& file_hash) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<upload_target> {
    pqxx::nontransaction n(c);
    auto rows = n.exec_prepared("upload_target", file_hash, client_id);
    if (rows.empty())
      return std::nullopt;
    upload_target t;
    t.pdf_id = rows[0][0].as<std::int64_t>();
    t.filename = rows[0][1].as<std::string>();
    t.status = rows[0][2].as<std::string>();
    if (!rows[0][3].is_null())
      t.data_evento = rows[0][3].as<std::string>();
    return t;
  });
}

std::string metadata_store::record_upload(const stored_upload& u) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::work w(c);
    auto rows = w.exec_prepared("upload_record", u.pdf_id, u.file_path, impl_->options.retention_days, u.client_id,
                                u.request_id, u.bytes, u.seconds, impl_->options.min_keep_hours,
                                impl_->options.max_event_days_ahead, impl_->options.retention_json());
    if (rows.empty())
      throw std::invalid_argument("no PDF with id " + std::to_string(u.pdf_id));
    w.commit();
    // The copy this one replaces (a PDF uploaded again while still cached)
    // has a name of its own: once no row names it, it goes.
    if (!rows[0][3].is_null()) {
      auto replaced = rows[0][3].as<std::string>();
      if (replaced != u.file_path)
        cache::discard(replaced);
    }
    return rows[0][0].as<std::string>();
  });
}

std::int64_t metadata_store::recompute_expiry() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    auto& o = impl_->options;
    return static_cast<std::int64_t>(
      n.exec_prepared("recompute_expiry", o.retention_json(), o.retention_days, o.min_keep_hours, o.max_event_days_ahead)
        .affected_rows());
  });
}

void metadata_store::record_failed_upload(std::int64_t pdf_id, const std::string& client_id,
                                          const std::string& request_id, std::int64_t bytes,
                                          const std::string& reason) {
  impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    n.exec_prepared("upload_failed", pdf_id, request_id, bytes, reason.substr(0, 500), client_id);
  });
}

std::optional<request_target> metadata_store::request_target_for(std::int64_t id) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<request_target> {
    pqxx::nontransaction n(c);
    auto rows = n.exec_prepared("request_target", id);
    if (rows.empty())
      return std::nullopt;
    auto& r = rows[0];
    request_target t;
    t.pdf_id = r[0].as<std::int64_t>();
    t.client_id = r[1].as<std::string>();
    t.file_hash = r[2].as<std::string>();
    t.filename = r[3].as<std::string>();
    t.status = r[4].as<std::string>();
    t.file_size = r[5].as<std::int64_t>();
    if (!r[6].is_null())
      t.expires_at = r[6].as<std::string>();
    if (!r[7].is_null())
      t.file_path = r[7].as<std::string>();
    t.holders = nlohmann::json::parse(r[8].as<std::string>()).get<std::vector<std::string>>();
    if (!t.holders.empty() && t.holders.front() != t.client_id)
      t.client_id = t.holders.front(); // the first daemon no longer has it
    return t;
  });
}

std::vector<std::pair<std::string, std::vector<std::int64_t>>>
metadata_store::auto_upload_candidates(const std::string& time_zone, int days, int per_daemon) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> out;
    for (auto row : n.exec_prepared("auto_upload_candidates", time_zone, days, per_daemon)) {
      auto client = row[0].as<std::string>();
      if (out.empty() || out.back().first != client)
        out.emplace_back(client, std::vector<std::int64_t>{});
      out.back().second.push_back(row[1].as<std::int64_t>());
    }
    return out;
  });
}

atendimento_pdf metadata_store::pdf_of_atendimento(std::int64_t id) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    auto rows = n.exec_prepared("atendimento_pdf", id);
    atendimento_pdf a;
    if (rows.empty())
      return a;
    a.atendimento_exists = true;
    if (!rows[0][1].is_null())
      a.pdf_id = rows[0][1].as<std::int64_t>();
    return a;
  });
}

bool metadata_store::begin_transfer(std::int64_t id) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared("transfer_begin", id).affected_rows() > 0;
  });
}

void metadata_store::end_transfer(std::int64_t id, const std::string& client_id, const std::string& request_id,
                                  transfer_end how, const std::string& reason) {
  impl_->run([&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec_prepared("transfer_end", id, request_id, how == transfer_end::cancelled ? "cancelled" : "failed",
                    reason.substr(0, 500), how == transfer_end::missing, client_id);
    w.commit();
  });
}

void metadata_store::mark_location_missing(std::int64_t id, const std::string& client_id,
                                           const std::string& request_id, const std::string& reason) {
  impl_->run([&](pqxx::connection& c) {
    pqxx::work w(c);
    w.exec_prepared("location_missing", id, client_id, request_id, reason.substr(0, 500));
    w.commit();
  });
}

std::int64_t metadata_store::reset_interrupted_transfers() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return static_cast<std::int64_t>(n.exec_prepared("transfers_reset").affected_rows());
  });
}

std::vector<expired_copy> metadata_store::expire_due(int limit) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::work w(c);
    auto rows = w.exec_prepared("expire_due", limit);
    w.commit();
    std::vector<expired_copy> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
      out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>()});
    return out;
  });
}

std::optional<download_target> metadata_store::download_target_for(std::int64_t id) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<download_target> {
    pqxx::nontransaction n(c);
    auto rows = n.exec_prepared("download_target", id);
    if (rows.empty())
      return std::nullopt;
    download_target t;
    t.status = rows[0][0].as<std::string>();
    if (!rows[0][1].is_null())
      t.file_path = rows[0][1].as<std::string>();
    t.filename = rows[0][2].as<std::string>();
    t.file_hash = rows[0][3].as<std::string>();
    return t;
  });
}

void metadata_store::record_download(std::int64_t id, std::int64_t bytes, const std::string& requested_by) {
  impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    n.exec_prepared("download_record", id, bytes, requested_by.substr(0, 100));
  });
}

} // namespace siberius::storage
