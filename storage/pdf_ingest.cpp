// PDF metadata ingest and the daemon:sync reconciliation. Ingest is set-based:
// one INSERT ... SELECT FROM unnest(arrays) ... ON CONFLICT per round, all
// rounds of a batch in one transaction, so the cost per document is a few
// microseconds of SQL rather than a round trip.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "pdf/sha256_stream.hpp"
#include "storage/store_impl.hpp"

namespace siberius::storage {

namespace {

constexpr int max_ingest_attempts = 3;

// The typed columns come from arrays; a document only rewrites its row when
// something a user would see changed, so re-sending an event writes nothing.
// The metadata is the first indexing daemon's (the row's client_id): another
// daemon with the same file adds its location and, when the document was
// missing, makes it available again, but never rewrites what it says.
constexpr const char* ingest_upsert_sql = R"SQL(
WITH input AS (
  SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
                       $7::text[], $8::text[], $9::text[], $10::date[], $11::numeric[], $12::jsonb[],
                       $13::timestamptz[], $15::bigint[])
    AS t(ord, client_id, file_hash, filename, local_path, file_size,
         tipo, numero, cliente, data_evento, valor_total, metadata, indexed_at, local_mtime_ms)
),
upsert AS (
  INSERT INTO pdf_cache AS p (file_hash, filename, file_size, local_path, local_present, client_id,
                              tipo, numero, cliente, data_evento, valor_total, metadata,
                              status, expires_at, indexed_at, local_mtime_ms)
  SELECT file_hash, filename, file_size, local_path, true, client_id,
         tipo, numero, cliente, data_evento, valor_total, metadata,
         -- An event date far ahead (a misread year) does not keep a cached copy for years.
         'available_local',
         CASE WHEN data_evento IS NOT NULL
              THEN siberius_retention_end(data_evento, tipo, now(), $18::jsonb, $14::int, $16::int) END,
         coalesce(indexed_at, now()), local_mtime_ms
  FROM input ORDER BY file_hash
  ON CONFLICT (file_hash) DO UPDATE SET
    filename = CASE WHEN @MINE@ THEN EXCLUDED.filename ELSE p.filename END,
    local_path = CASE WHEN @MINE@ THEN EXCLUDED.local_path ELSE p.local_path END,
    local_present = true,
    client_id = CASE WHEN @MINE@ THEN EXCLUDED.client_id ELSE p.client_id END,
    tipo = CASE WHEN @MINE@ THEN EXCLUDED.tipo ELSE p.tipo END,
    numero = CASE WHEN @MINE@ THEN EXCLUDED.numero ELSE p.numero END,
    cliente = CASE WHEN @MINE@ THEN EXCLUDED.cliente ELSE p.cliente END,
    data_evento = CASE WHEN @MINE@ THEN EXCLUDED.data_evento ELSE p.data_evento END,
    valor_total = CASE WHEN @MINE@ THEN EXCLUDED.valor_total ELSE p.valor_total END,
    metadata = CASE WHEN @MINE@ THEN EXCLUDED.metadata ELSE p.metadata END,
    -- A cached copy's expiry counts from when it was cached (schema 010's
    -- one definition, also the janitor's): a new date never ends a copy
    -- before its minimum keep.
    expires_at = CASE WHEN NOT @MINE@ THEN p.expires_at
                      WHEN p.status = 'cached'
                      THEN siberius_cache_expiry(EXCLUDED.data_evento, EXCLUDED.tipo, coalesce(p.cached_at, now()),
                                                 $18::jsonb, $14::int, $17::int, $16::int)
                      ELSE EXCLUDED.expires_at END,
    indexed_at = CASE WHEN @MINE@ THEN EXCLUDED.indexed_at ELSE p.indexed_at END,
    local_mtime_ms = CASE WHEN @MINE@ THEN EXCLUDED.local_mtime_ms ELSE p.local_mtime_ms END,
    status = CASE WHEN p.status = 'missing' THEN 'available_local' ELSE p.status END,
    updated_at = now()
  WHERE NOT (p.local_present AND p.status <> 'missing'
             AND (NOT @MINE@
                  OR (p.filename = EXCLUDED.filename
                      AND p.local_path IS NOT DISTINCT FROM EXCLUDED.local_path
                      AND p.local_mtime_ms IS NOT DISTINCT FROM EXCLUDED.local_mtime_ms
                      AND p.client_id IS NOT DISTINCT FROM EXCLUDED.client_id
                      AND p.tipo = EXCLUDED.tipo
                      AND p.numero IS NOT DISTINCT FROM EXCLUDED.numero
                      AND p.cliente IS NOT DISTINCT FROM EXCLUDED.cliente
                      AND p.data_evento IS NOT DISTINCT FROM EXCLUDED.data_evento
                      AND p.valor_total IS NOT DISTINCT FROM EXCLUDED.valor_total)))
  RETURNING p.id, p.file_hash, (p.xmax = 0) AS inserted
),
-- A duplicate is not in RETURNING; its id comes from an index probe that
-- coalesce only evaluates for those rows (NULL when another worker committed
-- the row after this statement began: fill_missing_ids takes those).
ids AS (
  SELECT i.*, coalesce(u.id, (SELECT c.id FROM pdf_cache c WHERE c.file_hash = i.file_hash)) AS pdf_id,
         u.id IS NOT NULL AS written, coalesce(u.inserted, false) AS inserted
  FROM input i LEFT JOIN upsert u ON u.file_hash = i.file_hash
),
located AS (
  INSERT INTO pdf_locations AS l (pdf_id, client_id, local_path, local_mtime_ms, present)
  SELECT pdf_id, client_id, local_path, local_mtime_ms, true FROM ids WHERE pdf_id IS NOT NULL
  ORDER BY pdf_id, client_id
  ON CONFLICT (pdf_id, client_id) DO UPDATE SET
    local_path = EXCLUDED.local_path, local_mtime_ms = EXCLUDED.local_mtime_ms, present = true, updated_at = now()
  WHERE NOT (l.present AND l.local_path IS NOT DISTINCT FROM EXCLUDED.local_path
             AND l.local_mtime_ms IS NOT DISTINCT FROM EXCLUDED.local_mtime_ms)
  RETURNING l.pdf_id, l.client_id, (l.xmax = 0) AS inserted
)
)SQL";

// The daemon counters (files each daemon indexed: its new locations) as part
// of the same statement: the aggregate needs the whole upsert first, so every
// pdf_cache and pdf_locations lock is taken before the daemon row's.
constexpr const char* ingest_count_sql = R"SQL(,
counted AS (
  UPDATE daemon_clients d SET pdfs_indexed = d.pdfs_indexed + n.n, last_pdf_indexed = now(), updated_at = now()
  FROM (SELECT client_id, count(*) AS n FROM located WHERE inserted GROUP BY client_id ORDER BY client_id) n
  WHERE d.client_id = n.client_id
  RETURNING 1
)
)SQL";

// Per input: its row's id, 1 new document / 2 changed document or location /
// 0 duplicate, and whether the location is new (counted for its daemon).
constexpr const char* ingest_result_sql = R"SQL(
SELECT i.ord, i.pdf_id,
       CASE WHEN i.inserted THEN 1 WHEN i.written OR l.pdf_id IS NOT NULL THEN 2 ELSE 0 END,
       coalesce(l.inserted, false)
FROM ids i LEFT JOIN located l ON l.pdf_id = i.pdf_id AND l.client_id = i.client_id
)SQL";

/// The statement's text with the ownership test in place: the row is this
/// daemon's to describe (it indexed it first, or nobody is recorded).
std::string with_owner_test(std::string sql) {
  static const std::string marker = "@MINE@";
  static const std::string mine = "(p.client_id IS NULL OR p.client_id = EXCLUDED.client_id)";
  for (auto at = sql.find(marker); at != std::string::npos; at = sql.find(marker, at + mine.size()))
    sql.replace(at, marker.size(), mine);
  return sql;
}

bool nul_free(const std::string& s) {
  return s.find('\0') == std::string::npos;
}

bool nul_free(const std::optional<std::string>& s) {
  return !s || nul_free(*s);
}

/// The invariants the SQL relies on. parse_pdf_document already enforces
/// them; checking again keeps one hand-built document from failing a batch.
std::optional<std::string> unfit_for_ingest(const std::string& client_id, const pdf_document& d) {
  if (client_id.empty() || client_id.size() > 100 || !nul_free(client_id))
    return std::string("clientId: expected 1 to 100 characters");
  if (!is_sha256_hex(d.file_hash))
    return std::string("fileHash: expected 64 lowercase hex digits");
  if (d.filename.empty() || d.filename.size() > 255 || !nul_free(d.filename))
    return std::string("filename: expected 1 to 255 characters");
  if (!nul_free(d.file_path) || d.file_path.size() > 1024)
    return std::string("filePath: longer than 1024 bytes or contains NUL");
  if (d.file_size < 0)
    return std::string("fileSize: must not be negative");
  if (d.tipo != "orcamento" && d.tipo != "os" && d.tipo != "montagem" && d.tipo != "desconhecido")
    return std::string("metadata.tipo: expected one of orcamento, os, montagem, desconhecido");
  if (!nul_free(d.numero) || !nul_free(d.cliente))
    return std::string("metadata: text contains a NUL character");
  if (d.data_evento && !is_iso_date(*d.data_evento))
    return "metadata.dataEvento: not a real date (" + *d.data_evento + ")";
  if (d.valor_total && !(std::isfinite(*d.valor_total) && *d.valor_total >= 0 && *d.valor_total < 1e12))
    return std::string("metadata.valorTotal: expected a finite number from 0 to 1e12");
  return std::nullopt;
}

/// Column arrays of one ingest round, as PostgreSQL array literals.
struct ingest_arrays {
  std::string ord = "{", client_id = "{", file_hash = "{", filename = "{", local_path = "{",
              file_size = "{", tipo = "{", numero = "{", cliente = "{", data_evento = "{",
              valor_total = "{", metadata = "{", indexed_at = "{", local_mtime_ms = "{";

  /// Room for `n` documents whose metadata texts add up to `metadata_bytes`,
  /// so the literals grow once instead of doubling their way up.
  void reserve(std::size_t n, std::size_t metadata_bytes) {
    ord.reserve(8 * n);
    client_id.reserve(40 * n);
    file_hash.reserve(68 * n);
    filename.reserve(64 * n);
    local_path.reserve(128 * n);
    file_size.reserve(12 * n);
    tipo.reserve(16 * n);
    numero.reserve(24 * n);
    cliente.reserve(48 * n);
    data_evento.reserve(14 * n);
    valor_total.reserve(16 * n);
    metadata.reserve(metadata_bytes + metadata_bytes / 8 + 4 * n);
    indexed_at.reserve(32 * n);
    local_mtime_ms.reserve(16 * n);
  }

  void add(int index, const std::string& client, const pdf_document& d) {
    append_array_element(ord, std::to_string(index));
    append_array_element(client_id, client);
    append_array_element(file_hash, d.file_hash);
    append_array_element(filename, d.filename);
    append_array_element(local_path, d.file_path);
    append_array_element(file_size, std::to_string(d.file_size));
    append_array_element(tipo, d.tipo);
    add_optional(numero, d.numero);
    add_optional(cliente, d.cliente);
    add_optional(data_evento, d.data_evento);
    if (d.valor_total) {
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof(buf), *d.valor_total);
      append_array_element(valor_total, buf, static_cast<std::size_t>(res.ptr - buf));
    } else {
      append_null_element(valor_total);
    }
    if (d.raw.empty())
      append_array_element(metadata, std::string("{}"));
    else
      append_array_element(metadata, d.raw);
    if (d.indexed_at && is_iso_timestamp(*d.indexed_at))
      append_array_element(indexed_at, *d.indexed_at);
    else
      append_null_element(indexed_at);
    if (d.file_mtime_ms)
      append_array_element(local_mtime_ms, std::to_string(*d.file_mtime_ms));
    else
      append_null_element(local_mtime_ms);
  }

  void close() {
    for (auto* s : {&ord, &client_id, &file_hash, &filename, &local_path, &file_size, &tipo, &numero,
                    &cliente, &data_evento, &valor_total, &metadata, &indexed_at,
                    &local_mtime_ms})
      close_array(*s);
  }

  static void add_optional(std::string& literal, const std::optional<std::string>& v) {
    if (v)
      append_array_element(literal, *v);
    else
      append_null_element(literal);
  }
};

} // namespace

void prepare_ingest_statements(pqxx::connection& c) {
  // One round trip for the usual batch (no repeated hash): counted and
  // committed by the one statement.
  c.prepare("pdf_ingest_counted", with_owner_test(std::string(ingest_upsert_sql) + ingest_count_sql + ingest_result_sql));
  c.prepare("pdf_ingest", with_owner_test(std::string(ingest_upsert_sql) + ingest_result_sql));
  c.prepare("pdf_ids_by_hash", "SELECT file_hash, id FROM pdf_cache WHERE file_hash = ANY($1::text[])");
  // A document new or changed, not linked yet, joins the atendimento that
  // references its tipo and numero (atendimento_refs: named before the PDF
  // existed) or has another document of them linked (a new version of a
  // quote, say); the most recent reference or link if several. Never creates
  // an atendimento, never moves a linked document.
  c.prepare("pdf_link_by_reference",
            "WITH fresh AS (SELECT id, tipo, numero FROM pdf_cache"
            "  WHERE id = ANY($1::bigint[]) AND atendimento_id IS NULL AND numero IS NOT NULL),"
            " candidate AS (SELECT f.id, o.atendimento_id, o.updated_at AS at, o.id AS tie FROM fresh f"
            "  JOIN pdf_cache o ON o.tipo = f.tipo AND o.numero = f.numero AND o.id <> f.id"
            "   AND o.atendimento_id IS NOT NULL"
            "  UNION ALL"
            "  SELECT f.id, r.atendimento_id, r.created_at, 0 FROM fresh f"
            "  JOIN atendimento_refs r ON r.tipo = f.tipo AND r.numero = f.numero),"
            " ref AS (SELECT DISTINCT ON (id) id, atendimento_id FROM candidate"
            "  ORDER BY id, at DESC, tie DESC, atendimento_id DESC)"
            " UPDATE pdf_cache p SET atendimento_id = ref.atendimento_id, updated_at = now()"
            " FROM ref WHERE p.id = ref.id AND p.atendimento_id IS NULL"
            " RETURNING p.id, p.atendimento_id");
  c.prepare("daemon_count_indexed",
            "UPDATE daemon_clients d SET pdfs_indexed = d.pdfs_indexed + c.n, last_pdf_indexed = now(),"
            " updated_at = now() FROM unnest($1::text[], $2::bigint[]) AS c(client_id, n)"
            " WHERE d.client_id = c.client_id");
  // The locations of rows another worker committed during an ingest statement.
  c.prepare("pdf_locate",
            "WITH located AS (INSERT INTO pdf_locations AS l (pdf_id, client_id, local_path, local_mtime_ms)"
            "  SELECT c.id, f.client_id, f.local_path, f.local_mtime_ms"
            "  FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS f(client_id, file_hash, local_path,"
            "    local_mtime_ms)"
            "  JOIN pdf_cache c ON c.file_hash = f.file_hash ORDER BY 1, 2"
            "  ON CONFLICT (pdf_id, client_id) DO UPDATE SET local_path = EXCLUDED.local_path,"
            "   local_mtime_ms = EXCLUDED.local_mtime_ms, present = true, updated_at = now()"
            "  RETURNING l.client_id, (l.xmax = 0) AS inserted)"
            " SELECT client_id, count(*) FILTER (WHERE inserted) FROM located GROUP BY client_id ORDER BY client_id");
  // A hash is needed again when this daemon has no location of it at that
  // path: unknown, known only from another office, moved, or marked gone.
  c.prepare("pdf_sync_needed",
            "SELECT f.file_hash FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS f(file_hash, local_path, ord)"
            " LEFT JOIN pdf_cache c ON c.file_hash = f.file_hash"
            " LEFT JOIN pdf_locations l ON l.pdf_id = c.id AND l.client_id = $3"
            " WHERE l.pdf_id IS NULL OR NOT l.present OR l.local_path IS DISTINCT FROM f.local_path"
            " ORDER BY f.ord");
  // daemon:stat_check: the files this daemon indexed at these paths with the
  // same size and mtime (an unchanged file), with their hashes.
  c.prepare("pdf_stat_known",
            "SELECT f.ord - 1, c.file_hash FROM unnest($2::text[], $3::bigint[], $4::bigint[]) WITH ORDINALITY"
            "   AS f(local_path, file_size, mtime_ms, ord)"
            " JOIN pdf_locations l ON l.client_id = $1 AND l.local_path = f.local_path AND l.present"
            "   AND l.local_mtime_ms = f.mtime_ms"
            " JOIN pdf_cache c ON c.id = l.pdf_id AND c.file_size = f.file_size"
            " ORDER BY f.ord");
  // End of a full sync: only this daemon's locations change; a document is
  // missing once no daemon has it (another office's copy keeps it available).
  c.prepare("pdf_sync_mark_missing",
            "WITH present AS (SELECT unnest($2::text[]) AS file_hash),"
            " gone AS (UPDATE pdf_locations l SET present = false, updated_at = now()"
            "   FROM pdf_cache p WHERE p.id = l.pdf_id AND l.client_id = $1 AND l.present"
            "   AND NOT EXISTS (SELECT 1 FROM present k WHERE k.file_hash = p.file_hash) RETURNING l.pdf_id),"
            " orphaned AS (UPDATE pdf_cache p SET local_present = false,"
            "   status = CASE WHEN p.status IN ('available_local', 'uploading') THEN 'missing' ELSE p.status END,"
            "   updated_at = now()"
            "   FROM gone g WHERE p.id = g.pdf_id"
            "   AND NOT EXISTS (SELECT 1 FROM pdf_locations o WHERE o.pdf_id = p.id AND o.client_id <> $1 AND o.present)"
            "   RETURNING 1),"
            " synced AS (UPDATE daemon_clients SET last_sync_at = now(), updated_at = now()"
            "   WHERE client_id = $1 RETURNING 1)"
            " SELECT count(*) FROM gone");
}

std::vector<ingest_result> metadata_store::ingest(const std::vector<std::pair<std::string, pdf_document>>& docs) {
  std::vector<ingest_result> results(docs.size());
  // Round k holds the k-th occurrence of each hash: one INSERT cannot touch
  // a row twice, and a later occurrence must see the earlier one.
  std::vector<std::vector<std::size_t>> rounds;
  std::unordered_map<std::string, std::size_t> occurrences;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    results[i].file_hash = docs[i].second.file_hash;
    if (auto why = unfit_for_ingest(docs[i].first, docs[i].second)) {
      results[i].error = *why;
      continue;
    }
    auto k = occurrences[docs[i].second.file_hash]++;
    if (k == rounds.size())
      rounds.emplace_back();
    rounds[k].push_back(i);
  }
  if (rounds.empty())
    return results;

  std::vector<ingest_arrays> encoded(rounds.size());
  for (std::size_t r = 0; r < rounds.size(); ++r) {
    std::size_t metadata_bytes = 0;
    for (auto i : rounds[r])
      metadata_bytes += docs[i].second.raw.size();
    encoded[r].reserve(rounds[r].size(), metadata_bytes);
    for (auto i : rounds[r])
      encoded[r].add(static_cast<int>(i), docs[i].first, docs[i].second);
    encoded[r].close();
  }

  // Documents whose location is new: each counts as indexed by its daemon.
  std::vector<bool> new_location(docs.size(), false);
  auto record = [&](const pqxx::result& rows, std::vector<std::size_t>& missing_ids) {
    for (const auto& row : rows) {
      auto i = row[0].as<std::size_t>();
      auto& res = results[i];
      switch (row[2].as<int>()) {
        case 1: res.status = ingest_status::indexed; break;
        case 2: res.status = ingest_status::updated; break;
        default: res.status = ingest_status::duplicate; break;
      }
      new_location[i] = row[3].as<bool>();
      if (row[1].is_null())
        missing_ids.push_back(i); // committed by another worker after this statement began
      else
        res.record_id = row[1].as<std::int64_t>();
    }
  };
  auto exec_round = [&](pqxx::transaction_base& t, const char* statement, const ingest_arrays& a) {
    return t.exec_prepared(statement, a.ord, a.client_id, a.file_hash, a.filename, a.local_path, a.file_size,
                           a.tipo, a.numero, a.cliente, a.data_evento, a.valor_total, a.metadata, a.indexed_at,
                           impl_->options.retention_days, a.local_mtime_ms, impl_->options.max_event_days_ahead,
                           impl_->options.min_keep_hours, impl_->options.retention_json());
  };
  // The rows another worker committed meanwhile: their ids, and this
  // daemon's location of each. Returns the new locations per daemon.
  auto fill_missing_ids = [&](pqxx::transaction_base& t, const std::vector<std::size_t>& missing_ids) {
    std::map<std::string, std::int64_t> located;
    if (missing_ids.empty())
      return located;
    std::vector<std::string> hashes;
    std::string clients = "{", paths = "{", mtimes = "{", located_hashes = "{";
    for (auto i : missing_ids) {
      const auto& d = docs[i].second;
      hashes.push_back(results[i].file_hash);
      append_array_element(clients, docs[i].first);
      append_array_element(located_hashes, d.file_hash);
      append_array_element(paths, d.file_path);
      if (d.file_mtime_ms)
        append_array_element(mtimes, std::to_string(*d.file_mtime_ms));
      else
        append_null_element(mtimes);
    }
    for (auto* a : {&clients, &paths, &mtimes, &located_hashes})
      close_array(*a);
    std::unordered_map<std::string, std::int64_t> ids;
    for (const auto& row : t.exec_prepared("pdf_ids_by_hash", text_array(hashes)))
      ids[row[0].as<std::string>()] = row[1].as<std::int64_t>();
    for (auto i : missing_ids)
      results[i].record_id = ids[results[i].file_hash];
    for (const auto& row : t.exec_prepared("pdf_locate", clients, located_hashes, paths, mtimes))
      located[row[0].as<std::string>()] += row[1].as<std::int64_t>();
    return located;
  };
  auto count_indexed = [&](pqxx::transaction_base& t, const std::map<std::string, std::int64_t>& per_client) {
    std::vector<std::string> ids, counts;
    for (const auto& [client, n] : per_client)
      if (n > 0) {
        ids.push_back(client);
        counts.push_back(std::to_string(n));
      }
    if (!ids.empty())
      t.exec_prepared("daemon_count_indexed", text_array(ids), text_array(counts));
  };

  auto link_by_reference = [&](pqxx::transaction_base& t) {
    std::vector<std::string> ids;
    for (const auto& r : results)
      if (r.record_id > 0 && (r.status == ingest_status::indexed || r.status == ingest_status::updated))
        ids.push_back(std::to_string(r.record_id));
    if (ids.empty())
      return;
    std::unordered_map<std::int64_t, std::int64_t> joined;
    for (const auto& row : t.exec_prepared("pdf_link_by_reference", text_array(ids)))
      joined[row[0].as<std::int64_t>()] = row[1].as<std::int64_t>();
    for (auto& r : results)
      if (auto i = joined.find(r.record_id); i != joined.end() && r.record_id > 0)
        r.linked_atendimento = i->second;
  };

  return impl_->run([&](pqxx::connection& c) {
    for (int attempt = 1;; ++attempt) {
      std::vector<std::size_t> missing_ids;
      try {
        if (encoded.size() == 1) {
          // The usual case: one statement that inserts, counts and commits.
          pqxx::nontransaction n(c);
          record(exec_round(n, "pdf_ingest_counted", encoded[0]), missing_ids);
          count_indexed(n, fill_missing_ids(n, missing_ids));
          link_by_reference(n);
          return results;
        }
        pqxx::work w(c);
        for (const auto& a : encoded)
          record(exec_round(w, "pdf_ingest", a), missing_ids);
        auto per_client = fill_missing_ids(w, missing_ids);
        // Per-daemon counters last, in client id order, so concurrent batches lock alike.
        for (std::size_t i = 0; i < docs.size(); ++i)
          if (new_location[i])
            ++per_client[docs[i].first];
        count_indexed(w, per_client);
        link_by_reference(w);
        w.commit();
        return results;
      } catch (const pqxx::transaction_rollback&) {
        // Deadlock or serialization failure between workers: everything
        // rolled back, so running the batch again is safe.
        if (attempt >= max_ingest_attempts)
          throw;
        for (auto& r : results)
          if (r.error.empty()) {
            r.status = ingest_status::error;
            r.record_id = 0;
            r.linked_atendimento = 0;
          }
        std::fill(new_location.begin(), new_location.end(), false);
      }
    }
  });
}

std::vector<std::string> metadata_store::sync_needed(const std::string& client_id,
                                                     const std::vector<sync_file>& files) {
  std::string hashes = "{", paths = "{";
  std::unordered_set<std::string> seen;
  for (const auto& f : files) {
    std::string h = f.file_hash;
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char ch) { return std::tolower(ch); });
    // A malformed hash cannot be ingested either: nothing to ask for.
    if (!is_sha256_hex(h) || !seen.insert(h).second)
      continue;
    append_array_element(hashes, h);
    if (f.file_path.size() <= 1024 && nul_free(f.file_path))
      append_array_element(paths, f.file_path);
    else
      append_null_element(paths);
  }
  close_array(hashes);
  close_array(paths);
  if (seen.empty())
    return {};
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    std::vector<std::string> needed;
    for (const auto& row : n.exec_prepared("pdf_sync_needed", hashes, paths, client_id))
      needed.push_back(row[0].as<std::string>());
    return needed;
  });
}

std::int64_t metadata_store::sync_mark_missing(const std::string& client_id,
                                               const std::vector<std::string>& all_hashes) {
  std::string present = "{";
  for (auto h : all_hashes) {
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (is_sha256_hex(h))
      append_array_element(present, h);
  }
  close_array(present);
  return impl_->run([&](pqxx::connection& c) {
    pqxx::work w(c);
    auto n = w.exec_prepared1("pdf_sync_mark_missing", client_id, present)[0].as<std::int64_t>();
    w.commit();
    return n;
  });
}

std::vector<known_file> metadata_store::stat_known(const std::string& client_id, const std::vector<stat_entry>& files) {
  std::string paths = "{", sizes = "{", mtimes = "{";
  for (const auto& f : files) {
    append_array_element(paths, f.file_path);
    append_array_element(sizes, std::to_string(f.file_size));
    append_array_element(mtimes, std::to_string(f.mtime_ms));
  }
  close_array(paths);
  close_array(sizes);
  close_array(mtimes);
  if (files.empty())
    return {};
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    std::vector<known_file> known;
    for (const auto& row : n.exec_prepared("pdf_stat_known", client_id, paths, sizes, mtimes))
      known.push_back({row[0].as<std::size_t>(), row[1].as<std::string>()});
    return known;
  });
}

} // namespace siberius::storage
