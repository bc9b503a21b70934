// PostgreSQL access for the server's metadata. One metadata_store owns one
// libpqxx connection and must be used from one thread only (one detached
// db_worker actor). Every method throws storage::unavailable when the database
// cannot be reached; the caller then fails the request (no ack) and the store
// reconnects on its next use.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pdf/sha256_stream.hpp"
#include "storage/accounts.hpp"
#include "storage/atendimentos.hpp"
#include "storage/alerts.hpp"
#include "storage/cache_reconcile.hpp"
#include "storage/monitor.hpp"
#include "storage/pdf_document.hpp"
#include "storage/pdf_query.hpp"
#include "storage/pdf_upload.hpp"

namespace siberius::storage {

/// A daemon:heartbeat reduced, where it arrives, to what is stored: the typed
/// columns (absent when the field is missing or unfit, so the column keeps its
/// value) and the payload as JSON text. A parsed tree of the same heartbeat is
/// several times larger, and thousands wait between bulk writes.
struct daemon_heartbeat {
  std::string client_id;
  std::optional<std::string> remote_addr, local_addr, daemon_version, runtime, platform, hostname;
  std::optional<std::int64_t> uptime_seconds, memory_bytes;
  std::string metadata = "{}"; // JSON object text
  /// The connection's latest Engine.IO ping round trip, in milliseconds, as
  /// the server measured it; absent before the first pong.
  std::optional<double> rtt_ms;

  /// `payload` as sent; `text` is its dump when the caller has it already.
  static daemon_heartbeat from(std::string client_id, const nlohmann::json& payload, std::string text = {});
};

/// The database cannot be reached right now (connection refused or broken).
struct unavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The request collides with what is stored (e.g. a client id that already
/// belongs to another daemon). The message says what to change.
struct conflict : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct store_options {
  std::string conninfo;                   // libpq connection string or URL
  int retention_days = 15;                // pdf expires_at = dataEvento + this
  /// An uploaded copy is kept at least this long, even when its event date
  /// + retention is already past (a user asked for an old PDF).
  int min_keep_hours = 24;
  /// An event date later than today + this many days counts as today + this
  /// for the expiry, so a daemon (or a misread year) cannot keep a cached
  /// copy for decades. The date itself is stored as sent.
  int max_event_days_ahead = 730;
  /// Days after the event per document type (orcamento, os, montagem,
  /// desconhecido); a type not named here keeps retention_days.
  std::map<std::string, int> retention_by_tipo;
  /// retention_by_tipo as the JSON object schema 010's functions read.
  std::string retention_json() const;
  /// No statement of this store runs longer (a lock held elsewhere, a stuck
  /// server): the caller gets storage::unavailable instead of a worker that
  /// never answers. 0 leaves PostgreSQL's setting.
  std::chrono::milliseconds statement_timeout{20000};
  /// Seconds a connection attempt may take when the conninfo does not say
  /// (libpq's PGCONNECT_TIMEOUT in the environment also counts as saying).
  int connect_timeout_s = 5;
};

/// Applies every schema/NNN_*.sql not yet in schema_migrations, each in its
/// own transaction, in order; returns the names applied. Throws on failure.
std::vector<std::string> apply_migrations(const std::string& conninfo, const std::string& schema_dir);

enum class auth_status { ok, unknown, blocked, client_mismatch };

struct daemon_identity {
  std::int64_t id = 0;
  std::string client_id;
  std::string name;
  std::optional<std::string> last_sync; // ISO 8601 UTC, when it last indexed or synced
  std::int64_t token_id = 0;            // the daemon_tokens row it connected with
  std::int64_t token_expires_epoch = 0; // when that token ends (a rotation's overlap), s since 1970; 0: never
  std::string config = "{}";            // settings an admin set (daemon:config_update), JSON text
  std::string connected_at;             // this connection's connected_at, exactly as stored
};

struct auth_outcome {
  auth_status status = auth_status::unknown;
  daemon_identity daemon; // valid when status == ok
};

enum class ingest_status { indexed, duplicate, updated, error };
const char* to_string(ingest_status s);

struct ingest_result {
  std::string file_hash;
  std::int64_t record_id = 0;  // 0 on error
  ingest_status status = ingest_status::error;
  std::string error;           // set when status == error
  /// The atendimento this document joined as it was indexed (one that
  /// references its tipo and numero, or has a version of it); 0 if none.
  std::int64_t linked_atendimento = 0;
};

struct sync_file {
  std::string file_hash;
  std::string file_path;
};

/// One file of a daemon:stat_check chunk: where it is and what stat said.
struct stat_entry {
  std::string file_path;
  std::int64_t file_size = 0;
  std::int64_t mtime_ms = 0; // ms since the Unix epoch
};

/// A stat_entry the server holds unchanged: its index in the chunk and its hash.
struct known_file {
  std::size_t index = 0;
  std::string file_hash;
};

struct issued_token {
  std::int64_t id = 0;
  std::string client_id; // daemon tokens: the bound client id ("" until first connect)
  std::string token;     // shown once, never stored
};


/// Tokens look like "<16 hex public id>.<64 hex secret>"; the database keeps
/// the public id and SHA-256 of the whole token, and compares in constant time.
using siberius::sha256_hex;

class metadata_store {
public:
  explicit metadata_store(store_options options);
  ~metadata_store();
  metadata_store(const metadata_store&) = delete;
  metadata_store& operator=(const metadata_store&) = delete;

  /// Checks the token of a connecting daemon. An unbound token is bound to
  /// `client_id`; a bound one must match it. On ok the daemon row goes online
  /// (connected_at, remote_addr, daemon_version) and an online connection
  /// event is recorded.
  auth_outcome authenticate_daemon(const std::string& token, const std::string& client_id,
                                   const std::string& version, const std::string& remote_addr);
  /// Marks the daemon offline, unless it connected again since `connected_at`
  /// (the connection this is about; empty: whatever connection), and records
  /// an offline connection event with `reason`.
  void mark_offline(const std::string& client_id, const std::string& connected_at = {},
                    const std::string& reason = {});
  /// Stores the latest heartbeat of each daemon in `beats` (a later entry for
  /// the same client id wins), a few hundred daemons per statement, and a
  /// latency sample for every beat that carries a round trip.
  void store_heartbeats(const std::vector<daemon_heartbeat>& beats);

  /// Ingests documents of several daemons in one transaction, deduplicated by
  /// file_hash: a known hash with the same metadata and path is a duplicate,
  /// with changes it is updated. Results are in input order.
  std::vector<ingest_result> ingest(const std::vector<std::pair<std::string, pdf_document>>& docs);

  /// The daemon a token belongs to, for HTTP calls from daemons (uploads):
  /// nullopt when the token is unknown, revoked, blocked or not yet bound.
  std::optional<daemon_identity> daemon_by_token(const std::string& token);
  /// The PDF `client_id` indexed with `file_hash`; nullopt when there is none.
  std::optional<upload_target> upload_target_for(const std::string& client_id, const std::string& file_hash);
  /// Records a cached copy: status cached, file_path, cached_at, expires_at
  /// (data_evento + retention, or now + retention when undated, and never
  /// sooner than now + min_keep_hours), the daemon's upload count, and a
  /// completed pdf_transfers row. A copy it replaces (another file of the
  /// same row) is deleted once committed. Returns expires_at.
  std::string record_upload(const stored_upload& u);
  /// A failed upload: a failed pdf_transfers row with the reason.
  void record_failed_upload(std::int64_t pdf_id, const std::string& client_id, const std::string& request_id,
                            std::int64_t bytes, const std::string& reason);

  /// The row a request for PDF `id` reads; nullopt when there is none.
  std::optional<request_target> request_target_for(std::int64_t id);
  /// Auto-upload ahead of events: for each online, unblocked daemon whose
  /// stored config has autoUpload true, the PDFs it has (a present location)
  /// with no cached copy (available_local or expired) whose event date is in
  /// [today, today + days] (today in `time_zone`, an IANA name), soonest
  /// event first, at most `per_daemon` each.
  std::vector<std::pair<std::string, std::vector<std::int64_t>>>
  auto_upload_candidates(const std::string& time_zone, int days, int per_daemon);
  /// The PDF linked to atendimento `id`.
  atendimento_pdf pdf_of_atendimento(std::int64_t id);
  /// A transfer of PDF `id` begins: status uploading (from available_local,
  /// expired, or cached when the copy was lost). False when the row is
  /// missing or gone.
  bool begin_transfer(std::int64_t id);
  /// A transfer ended without a cached copy: the status goes back to
  /// available_local (or missing), and a failed/cancelled pdf_transfers row
  /// keeps the reason.
  void end_transfer(std::int64_t id, const std::string& client_id, const std::string& request_id,
                    transfer_end how, const std::string& reason);
  /// `client_id`, asked for PDF `id` in transfer `request_id`, no longer has
  /// the file: only its location stops being present (local_present follows
  /// the others), and a failed pdf_transfers row keeps the reason. The status
  /// stays: the transfer goes on with another office, and its end decides.
  void mark_location_missing(std::int64_t id, const std::string& client_id, const std::string& request_id,
                             const std::string& reason);
  /// Server start: no transfer survives a restart, so rows left uploading go
  /// back to available_local.
  std::int64_t reset_interrupted_transfers();
  /// Marks up to `limit` cached copies past expires_at as expired (file_path
  /// cleared) and returns them, so their files can be deleted.
  std::vector<expired_copy> expire_due(int limit);
  /// Recomputes expires_at of every cached copy from its event date, type
  /// and cached_at under the current options; returns the rows changed.
  std::int64_t recompute_expiry();
  /// Stores a janitor run's report ({trigger, startedAt, finishedAt,
  /// filesRemoved, bytesFreed, expiredRows, staleTempFilesRemoved, errors,
  /// details}) and returns it as stored, with its id and durationMs.
  nlohmann::json record_cleanup_report(const nlohmann::json& report);
  /// The newest `limit` run reports, newest first.
  nlohmann::json cleanup_reports(int limit);
  /// Every row that names a file in the cache (cache_reconcile.hpp).
  std::vector<recorded_copy> recorded_copies();
  /// The rows of `lost` still cached with that very file go back to
  /// available_local without a file; returns their ids.
  std::vector<std::int64_t> revert_lost_copies(const std::vector<recorded_copy>& lost);
  /// Deletes the audit_log rows and sessions older than `policy` allows.
  prune_counts prune(const prune_policy& policy);

  /// The row a download of PDF `id` reads; nullopt when there is none.
  std::optional<download_target> download_target_for(std::int64_t id);
  /// A download began: last_accessed, and a pdf_transfers row (download, completed, bytes).
  void record_download(std::int64_t id, std::int64_t bytes, const std::string& requested_by);

  /// A page of indexed PDFs matching `f`, newest event first: {total,
  /// totalIsLowerBound, page, pageSize, nextCursor, items: [{id, tipo, numero,
  /// cliente, dataEvento, ...}]} (pdf_query.cpp).
  nlohmann::json list_pdfs(const pdf_filter& f);
  /// {id, status, fileHash, cachedUntil, progress, reason, ...}; nullopt when no such PDF.
  std::optional<nlohmann::json> pdf_status(std::int64_t id);

  /// Of `files` (one chunk of a daemon:sync), the hashes the server needs sent
  /// again: unknown, recorded at another path, or marked as gone.
  std::vector<std::string> sync_needed(const std::string& client_id, const std::vector<sync_file>& files);
  /// Of `files` (one daemon:stat_check chunk), those this daemon indexed at
  /// the same path with the same size and mtime, present, with their hashes,
  /// in chunk order.
  std::vector<known_file> stat_known(const std::string& client_id, const std::vector<stat_entry>& files);
  /// End of a full sync: rows of this daemon whose hash is not in `all_hashes`
  /// are marked as no longer present in the office (status missing unless
  /// cached). Returns how many were marked.
  std::int64_t sync_mark_missing(const std::string& client_id, const std::vector<std::string>& all_hashes);

  /// Stores a daemon:error report (and keeps it for the admin's detail view).
  void store_daemon_event(const std::string& client_id, const std::string& level, const nlohmann::json& event);

  issued_token create_daemon_token(const std::string& name, const std::optional<std::string>& client_id);
  issued_token create_api_token(const std::string& name, const std::string& role);
  /// A bearer token of either kind: a user's session (not expired, revoked,
  /// or of a disabled account) or an API token. nullopt for anything else.
  std::optional<api_principal> authenticate(const std::string& token);

  // --- users and sessions (accounts.cpp) ---
  std::optional<login_account> account_for_login(const std::string& login);
  issued_session open_session(const session_request& r);
  /// Revokes one session; false when it was not open.
  bool close_session(std::int64_t session_id);
  /// {users: [{id, login, nome, role, disabled, createdAt}]}.
  nlohmann::json list_users();
  /// The user as listed; nullopt when there is none.
  std::optional<nlohmann::json> user(std::int64_t id);
  /// Creates an account; throws conflict when the login is taken (any case).
  nlohmann::json create_user(const new_user& u);
  /// Replaces the password hash and revokes the user's sessions; false when no such user.
  bool set_password(std::int64_t id, const std::string& password_hash);
  /// Disables (revoking every session) or enables an account; nullopt when no such user.
  std::optional<nlohmann::json> set_disabled(std::int64_t id, bool disabled);
  std::int64_t count_users();
  /// {tokens: [{id, name, role, publicId, createdAt, lastUsedAt, revokedAt}]}.
  nlohmann::json list_api_tokens();
  /// Revokes an API token; false when it does not exist or was revoked already.
  bool revoke_api_token(std::int64_t id);
  void audit(const audit_entry& e);
  /// The newest audit lines, before id `before` when given: {items: [...]}.
  nlohmann::json list_audit(int limit, std::optional<std::int64_t> before);

  // --- atendimentos and who may see what (atendimentos.cpp) ---
  /// {items: [atendimento]} starting in [from, to] (dates, inclusive), all of
  /// them for an admin, only the ones `viewer` is scheduled on otherwise.
  nlohmann::json list_atendimentos(const std::optional<std::string>& from, const std::optional<std::string>& to,
                                   const api_principal& viewer);
  /// The same document as PostgreSQL wrote it, for GET /api/atendimentos to
  /// send as it is: a month's few hundred atendimentos, each with its
  /// technicians and PDFs, are not parsed and written again on the way out.
  std::string list_atendimentos_text(const std::optional<std::string>& from, const std::optional<std::string>& to,
                                     const api_principal& viewer);
  std::optional<nlohmann::json> atendimento(std::int64_t id);
  /// Creates one; throws std::invalid_argument naming an unknown technician or PDF.
  nlohmann::json create_atendimento(const atendimento_input& in, std::optional<std::int64_t> by);
  /// Changes the fields given; nullopt when there is no such atendimento.
  std::optional<nlohmann::json> update_atendimento(std::int64_t id, const atendimento_input& in,
                                                   std::optional<std::int64_t> by);
  /// "Escalar equipe" on an indexed PDF: a new atendimento from the PDF's
  /// cliente and event date, linked to it, with `in`'s technicians (and
  /// titulo/dataInicio when given). nullopt when there is no such PDF.
  std::optional<nlohmann::json> escalar(std::int64_t pdf_id, const atendimento_input& in,
                                        std::optional<std::int64_t> by);
  /// The design's userCanAccessPDF: an admin, or a technician scheduled on
  /// the atendimento the PDF is linked to.
  bool can_access_pdf(const api_principal& who, std::int64_t pdf_id);
  bool can_access_atendimento(const api_principal& who, std::int64_t atendimento_id);
  /// The technicians who may see PDF `pdf_id` (for socket events).
  std::vector<std::int64_t> users_for_pdf(std::int64_t pdf_id);

  /// Daemons as the admin views list them (JSON array of objects).
  nlohmann::json list_daemons();

  // --- daemon administration (daemon_admin.cpp) ---
  /// Everything about one daemon: its row, the latest heartbeat, the admin's
  /// config, its tokens, its PDFs by status and its recent reports and log
  /// lines. nullopt when there is no such daemon.
  std::optional<nlohmann::json> daemon_detail(std::int64_t daemon_id);
  /// {tokens: [{id, daemonId, clientId, name, publicId, state, createdAt, expiresAt, revokedAt}]}.
  nlohmann::json list_daemon_tokens();
  /// A new token for the daemon; its other live tokens expire after `overlap`
  /// (at once for zero). nullopt when there is no such daemon.
  std::optional<nlohmann::json> rotate_daemon_token(std::int64_t daemon_id, std::chrono::seconds overlap);
  /// Revokes one token: {tokenId, daemonId, clientId}; nullopt when it does
  /// not exist or was revoked already.
  std::optional<nlohmann::json> revoke_daemon_token(std::int64_t token_id);
  /// Blocks or unblocks a daemon: its row as listed; nullopt when there is none.
  std::optional<nlohmann::json> set_daemon_blocked(std::int64_t daemon_id, bool blocked);
  /// Merges `changes` into the daemon's stored config: {clientId, config}; nullopt when there is none.
  std::optional<nlohmann::json> update_daemon_config(std::int64_t daemon_id, const nlohmann::json& changes);
  /// {"connected": true, "pdfs_cached": n, "pdfs_total": n}
  nlohmann::json database_stats();

  /// Marks every daemon online in the database offline (server start: no
  /// session survives a restart), with an offline connection event each.
  void reset_online_daemons();

  // --- the system monitor (monitor.cpp) ---
  /// Throws std::invalid_argument when PostgreSQL does not know `time_zone`.
  void check_time_zone(const std::string& time_zone);
  /// {daemons: {online, total}, pdfs: {total, today}, cache: {bytes, files}};
  /// "today" began at midnight in `time_zone`.
  nlohmann::json monitor_summary(const std::string& time_zone);
  /// GET /metrics' figures: {daemons: [{clientId, online}], pdfs: {status: n}, cache: {bytes, files}}.
  nlohmann::json metrics_snapshot();
  /// {daemons: [{id, clientId, name, status, spans: [{start, end}]}]}: online
  /// spans clipped to `r`, end null while still online.
  nlohmann::json connection_spans(const time_range& r, std::optional<std::int64_t> daemon_id);
  /// {bucketSeconds: 3600, points: [{t, count}]}: every hour of `r`, zeros too.
  nlohmann::json pdfs_indexed_per_hour(const time_range& r);
  /// {points: [{t, bytes, files}]}: the cache samples taken in `r`.
  nlohmann::json cache_usage(const time_range& r);
  /// {bucketSeconds, daemons: [{id, clientId, name, points: [{t, avgMs, maxMs, samples}]}]}:
  /// every daemon, or those of `daemon_ids` that exist.
  nlohmann::json latency(const time_range& r, const std::vector<std::int64_t>& daemon_ids);
  /// Records the cached copies' total size now: {bytes, files}.
  nlohmann::json sample_cache_usage();
  /// Deletes what `keep` no longer covers: how many rows of each series.
  nlohmann::json prune_monitor(const monitor_retention& keep);

  // --- operational alerts and the cache's size (alerts.cpp) ---
  /// Writes each alert by id: a new row, or the clear of one written before.
  void write_alerts(const std::vector<alert_record>& alerts);
  /// The newest `limit` alerts, active or cleared, newest first.
  std::vector<alert_record> recent_alerts(int limit);
  /// Clears every alert still open (server start: conditions are judged again).
  std::int64_t close_open_alerts(std::int64_t at_ms);
  /// The cached copies' total size now, without recording it: {bytes, files}.
  nlohmann::json cache_totals();

private:
  void store_latency_samples(const std::vector<daemon_heartbeat>& beats);

  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace siberius::storage
