// Every message between the server's actors, declared once. Read this file to
// know the protocol between actors; each atom has a line saying who sends it to
// whom and what comes back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "pdf/pdf_metadata.hpp"
#include "net/server.hpp"
#include "storage/metadata_store.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(siberius, caf::first_custom_type_id)

  // front -> daemon_registry: (connect, connection, auth json) -> bool; the registry answers on
  // the connection, and tells the front whether it accepted (an error: the database is away).
  CAF_ADD_ATOM(siberius, siberius::atom, connect, "connect")
  // front -> daemon_session: (sio_event, name, args, ack id); registry -> session: (replace).
  CAF_ADD_ATOM(siberius, siberius::atom, sio_event, "sioevent")
  CAF_ADD_ATOM(siberius, siberius::atom, replace, "replace")
  // front -> daemon_session: (disconnect, reason); the namespace was left.
  CAF_ADD_ATOM(siberius, siberius::atom, disconnect, "disconnect")
  // daemon_session -> daemon_registry: (heartbeat, daemon_heartbeat); kept and written in bulk.
  CAF_ADD_ATOM(siberius, siberius::atom, heartbeat, "heartbeat")
  // timers: daemon_registry flushes heartbeats; db_worker flushes its write batch.
  CAF_ADD_ATOM(siberius, siberius::atom, flush, "flush")
  // registry -> db_worker: (auth_daemon, token, client id, version, remote) -> auth_outcome
  CAF_ADD_ATOM(siberius, siberius::atom, auth_daemon, "authdaemon")
  // registry -> db_worker: (offline, client id, connected_at, reason) -> bool;
  // daemon_session -> registry: (disconnect, reason) why the session is about to end.
  CAF_ADD_ATOM(siberius, siberius::atom, offline, "offline")
  // session -> db_worker: (ingest, client id, docs) -> std::vector<ingest_result>; batched with others.
  CAF_ADD_ATOM(siberius, siberius::atom, ingest, "ingest")
  // session -> db_worker: (sync, client id, files) -> needed hashes;
  // (sync_done, client id, all hashes) -> rows marked missing.
  CAF_ADD_ATOM(siberius, siberius::atom, sync, "sync")
  CAF_ADD_ATOM(siberius, siberius::atom, sync_done, "syncdone")
  // session -> db_worker: (daemon_event, client id, level, json) -> ok
  CAF_ADD_ATOM(siberius, siberius::atom, daemon_event, "daemonevt")
  // http api, /client front -> db_worker: (api_auth, token) -> optional<api_principal>
  // (a user's session or an API token)
  CAF_ADD_ATOM(siberius, siberius::atom, api_auth, "apiauth")
  // http api -> db_worker: (create_token, name, client id?) -> issued_token
  CAF_ADD_ATOM(siberius, siberius::atom, create_token, "newtoken")
  // http api -> db_worker: (list_daemons) -> json_reply (array); (db_stats) -> json_reply (object)
  CAF_ADD_ATOM(siberius, siberius::atom, list_daemons, "lsdaemons")
  CAF_ADD_ATOM(siberius, siberius::atom, db_stats, "dbstats")
  // http api -> db_worker: (list_pdfs, pdf_filter) -> json_reply {total, totalIsLowerBound, page, pageSize, nextCursor, items};
  // (pdf_status, id) -> json_reply (null when there is no such PDF)
  CAF_ADD_ATOM(siberius, siberius::atom, list_pdfs, "lspdfs")
  CAF_ADD_ATOM(siberius, siberius::atom, pdf_status, "pdfstatus")
  // upload endpoint -> db_worker: (daemon_by_token, token) -> optional<daemon_identity>;
  // (upload_target, client id, hash) -> optional<upload_target>; (upload_done, stored_upload) ->
  // string expires_at; (upload_failed, pdf id, client id, request id, bytes, reason) -> bool
  CAF_ADD_ATOM(siberius, siberius::atom, daemon_by_token, "dmnbytok")
  CAF_ADD_ATOM(siberius, siberius::atom, upload_target, "uptarget")
  CAF_ADD_ATOM(siberius, siberius::atom, upload_done, "updone")
  CAF_ADD_ATOM(siberius, siberius::atom, upload_failed, "upfailed")
  // download endpoint -> db_worker: (download_target, id) -> optional<download_target>;
  // (downloaded, id, bytes, who) -> bool
  CAF_ADD_ATOM(siberius, siberius::atom, download_target, "dltarget")
  CAF_ADD_ATOM(siberius, siberius::atom, downloaded, "downloaded")
  // /client front -> client_hub: (join, connection, role) before accepting; (leave, connection) when it ends.
  CAF_ADD_ATOM(siberius, siberius::atom, join, "join")
  CAF_ADD_ATOM(siberius, siberius::atom, leave, "leave")
  // anyone -> client_hub: (broadcast, event name, payload) to every /client connection.
  CAF_ADD_ATOM(siberius, siberius::atom, broadcast, "broadcast")
  // http api -> daemon_registry: (online_count) -> size_t sessions alive in this process
  CAF_ADD_ATOM(siberius, siberius::atom, online_count, "onlinecnt")
  // anyone -> client_hub: (publish, event name, payload, pdf id) to the /client connections that
  // may see that PDF.
  CAF_ADD_ATOM(siberius, siberius::atom, publish, "publish")
  // http api -> upload_coordinator: (request_pdf, pdf id, high priority?, who) -> request_answer;
  // (cancel_request, pdf id, who) -> request_answer; (transfer_status, pdf id) -> json_reply (null
  // when no transfer is under way).
  CAF_ADD_ATOM(siberius, siberius::atom, request_pdf, "requestpdf")
  CAF_ADD_ATOM(siberius, siberius::atom, cancel_request, "cancelreq")
  CAF_ADD_ATOM(siberius, siberius::atom, transfer_status, "xferstatus")
  // daemon_registry -> upload_coordinator: (daemon_up, client id, session), (daemon_down, client id);
  // upload_coordinator -> upload_transfer: (daemon_down) the daemon left, wait for it.
  CAF_ADD_ATOM(siberius, siberius::atom, daemon_up, "daemonup")
  CAF_ADD_ATOM(siberius, siberius::atom, daemon_down, "daemondown")
  // upload endpoint -> upload_coordinator -> upload_transfer: (upload_progress, pdf id, request id,
  // bytes), (upload_stored, pdf id, request id, expires_at, bytes), (upload_rejected, pdf id,
  // request id, code, reason).
  CAF_ADD_ATOM(siberius, siberius::atom, upload_progress, "upprogress")
  CAF_ADD_ATOM(siberius, siberius::atom, upload_stored, "upstored")
  CAF_ADD_ATOM(siberius, siberius::atom, upload_rejected, "uprejected")
  // daemon_session -> upload_coordinator -> upload_transfer: (upload_refused, client id, request id,
  // code, reason) the daemon answered an upload request with daemon:error.
  CAF_ADD_ATOM(siberius, siberius::atom, upload_refused, "uprefused")
  // upload endpoint -> upload_coordinator: (upload_admit, client id, pdf id, request id) ->
  // request_answer (200: receive the body; else the refusal) for a transfer asked of that daemon
  // and in flight, within its stream limit; (upload_closed, client id) that stream ended.
  CAF_ADD_ATOM(siberius, siberius::atom, upload_admit, "upadmit")
  CAF_ADD_ATOM(siberius, siberius::atom, upload_closed, "upclosed")
  // upload_coordinator -> upload_transfer: (start_upload, session, client id) ask that daemon now;
  // (cancel_upload, who) stop. upload_transfer -> daemon_session: (upload_request, payload),
  // (cancel_upload, payload): emitted to the daemon as daemon:upload_request / daemon:cancel_upload.
  CAF_ADD_ATOM(siberius, siberius::atom, start_upload, "startup")
  CAF_ADD_ATOM(siberius, siberius::atom, upload_request, "uprequest")
  CAF_ADD_ATOM(siberius, siberius::atom, cancel_upload, "cancelup")
  // upload_transfer -> itself: (stalled, generation) no byte arrived in time.
  CAF_ADD_ATOM(siberius, siberius::atom, stalled, "stalled")
  // upload_transfer -> upload_coordinator: (transfer_over, pdf id, request id) it ended, either way.
  CAF_ADD_ATOM(siberius, siberius::atom, transfer_over, "xferover")
  // upload_coordinator -> upload_transfer: (priority_raised, high) a person joined an
  // auto-upload (or asked again with high priority): it is their transfer from now on.
  // upload_coordinator -> daemon_session: (cancel_upload, {requestId, reason: preempted}) an
  // auto-upload gives its place to a person's transfer.
  CAF_ADD_ATOM(siberius, siberius::atom, priority_raised, "prioraised")
  // auto_upload -> upload_coordinator: (auto_upload, client id, pdf ids) that daemon's PDFs to
  // ask for ahead of their events, soonest first (replaces the last list). auto_upload ->
  // itself: (auto_tick) every interval.
  CAF_ADD_ATOM(siberius, siberius::atom, auto_upload, "autoupload")
  CAF_ADD_ATOM(siberius, siberius::atom, auto_tick, "autotick")
  // upload_coordinator -> db_worker: (request_target, id) -> optional<request_target>.
  // upload_transfer -> db_worker: (transfer_begin, id) -> bool; (transfer_end, id, client id,
  // request id, transfer_end, reason) -> bool; (location_missing, id, client id, request id,
  // reason) -> bool: that daemon no longer has the file, the transfer goes on elsewhere.
  // upload_coordinator -> upload_transfer: (location_missing, client id, code, reason) that
  // daemon refused as file_missing/hash_changed and another office is asked instead.
  CAF_ADD_ATOM(siberius, siberius::atom, request_target, "reqtarget")
  CAF_ADD_ATOM(siberius, siberius::atom, transfer_begin, "xferbegin")
  CAF_ADD_ATOM(siberius, siberius::atom, transfer_end, "xferend")
  CAF_ADD_ATOM(siberius, siberius::atom, location_missing, "locmissing")
  // http api -> db_worker: (list_atendimentos, atendimento_period) -> json_text {items}: the calendar
  CAF_ADD_ATOM(siberius, siberius::atom, list_atendimentos, "lsatend")
  // http api -> db_worker: (atendimento_pdf, atendimento id) -> atendimento_pdf
  CAF_ADD_ATOM(siberius, siberius::atom, atendimento_pdf, "atendpdf")
  // cache_janitor -> itself: (sweep) every interval; cache_janitor -> db_worker: (expire_due, limit)
  // -> std::vector<expired_copy>.
  CAF_ADD_ATOM(siberius, siberius::atom, sweep, "sweep")
  CAF_ADD_ATOM(siberius, siberius::atom, expire_due, "expiredue")
  // cache_janitor -> itself: (daily_due) the daily run's timer, re-read against the wall clock.
  // http api -> cache_janitor: (cache_cleanup, trigger "on_demand" | "early") -> json_reply
  // {joined, report}: a full run (recompute expiries, expire, temp files, reconcile, prune), or
  // the report of the run under way when it ends (joined). Its database calls are db_run jobs.
  CAF_ADD_ATOM(siberius, siberius::atom, daily_due, "dailydue")
  CAF_ADD_ATOM(siberius, siberius::atom, cache_cleanup, "cachclean")
  // upload endpoint -> pdf_parse_job: (check_pdf, path) -> daemon::pdf_facts;
  // pdf_parse_job -> itself: (reader_idle, generation) end the idle reader process.
  CAF_ADD_ATOM(siberius, siberius::atom, check_pdf, "checkpdf")
  CAF_ADD_ATOM(siberius, siberius::atom, reader_idle, "readeridle")
  // anyone -> db_worker: (db_run, db_job) -> json_reply: one request/answer call on the
  // store, for the REST API's account, atendimento and audit endpoints.
  CAF_ADD_ATOM(siberius, siberius::atom, db_run, "dbrun")
  // auth_service -> password_worker: (hash_password, password) -> std::string;
  // (verify_password, encoded, password) -> bool (an empty encoded hash spends
  // the time of a verification and answers false).
  CAF_ADD_ATOM(siberius, siberius::atom, hash_password, "pwhash")
  CAF_ADD_ATOM(siberius, siberius::atom, verify_password, "pwverify")
  // http api -> auth_service: (login, login, password, ip, user agent) -> request_answer.
  CAF_ADD_ATOM(siberius, siberius::atom, login, "login")
  // http api -> client_hub: (publish_to, event, payload, user ids) to admins and those
  // users; (audience_changed) who may see which PDF changed (forget the cache);
  // (drop_session, session id) / (drop_user, user id) close their /client sockets.
  CAF_ADD_ATOM(siberius, siberius::atom, publish_to, "publishto")
  CAF_ADD_ATOM(siberius, siberius::atom, audience_changed, "audchanged")
  CAF_ADD_ATOM(siberius, siberius::atom, drop_session, "dropsess")
  CAF_ADD_ATOM(siberius, siberius::atom, drop_user, "dropuser")
  // http api -> client_hub: (drop_api_token, token id) closes the /client sockets
  // opened with that API token (revoked).
  CAF_ADD_ATOM(siberius, siberius::atom, drop_api_token, "dropapitok")
  // http api -> daemon_registry: (token_rotated, client id, new token id, overlap seconds):
  // the daemon's other tokens end after the overlap, and so does a socket opened with one.
  // daemon_registry -> itself: (token_ended, token id) disconnects the daemons connected with it.
  CAF_ADD_ATOM(siberius, siberius::atom, token_rotated, "tokrotated")
  CAF_ADD_ATOM(siberius, siberius::atom, token_ended, "tokended")
  // http api -> daemon_registry: (daemon_command, client id, event, payload) -> json_reply
  // {connected, ack | timeout}; the registry delegates to the session, which emits the event
  // with an ack id. (kick, client id, reason) / (kick_token, token id, reason) -> bool: the
  // session (or the sessions connected with that token) disconnect(s) the daemon.
  CAF_ADD_ATOM(siberius, siberius::atom, daemon_command, "dmncmd")
  CAF_ADD_ATOM(siberius, siberius::atom, kick, "kick")
  CAF_ADD_ATOM(siberius, siberius::atom, kick_token, "kicktoken")
  // front -> daemon_session: (sio_ack, ack id, args) the daemon acknowledged an event;
  // daemon_session -> itself: (ack_timeout, ack id).
  CAF_ADD_ATOM(siberius, siberius::atom, sio_ack, "sioack")
  CAF_ADD_ATOM(siberius, siberius::atom, ack_timeout, "acktimeout")
  // metrics_sampler -> itself, then -> db_worker: (sample) -> json_reply {bytes, files}, a cache
  // usage sample; (prune, monitor_retention) -> json_reply, rows deleted per monitor series.
  CAF_ADD_ATOM(siberius, siberius::atom, sample, "sample")
  CAF_ADD_ATOM(siberius, siberius::atom, prune, "prune")
  // pool supervisor -> itself: (respawn) a failed worker's replacement joins the pool now.
  CAF_ADD_ATOM(siberius, siberius::atom, respawn, "respawn")

  // --- storage and alerts (issue 15): storage_monitor, alert_center ---
  // storage_monitor -> itself: (storage_check) every interval: the cache's totals (a db_run
  // job) and the disk's free space (statvfs).
  CAF_ADD_ATOM(siberius, siberius::atom, storage_check, "storcheck")
  // storage_monitor -> cache_janitor: (cleanup_now, reason) run a cleanup early, because the
  // cache is near its capacity or the disk below its floor (reason "cache_capacity" or
  // "disk_floor"). Sent with anon_send: any answer is dropped, and a janitor that does not
  // handle it yet only drops it.
  CAF_ADD_ATOM(siberius, siberius::atom, cleanup_now, "cleanupnow")
  // anyone -> alert_center: (alert_raise, alert_condition) raised once per kind + subject;
  // (alert_clear, kind, subject) cleared when resolved; (list_alerts) -> json_reply {active, recent}.
  CAF_ADD_ATOM(siberius, siberius::atom, alert_raise, "alertraise")
  CAF_ADD_ATOM(siberius, siberius::atom, alert_clear, "alertclear")
  CAF_ADD_ATOM(siberius, siberius::atom, list_alerts, "lsalerts")
  // cache_janitor -> alert_center: (janitor_failed, reason) a run failed (alert janitor_failed);
  // (janitor_ok) a later run succeeded (the alert clears).
  CAF_ADD_ATOM(siberius, siberius::atom, janitor_failed, "janfailed")
  CAF_ADD_ATOM(siberius, siberius::atom, janitor_ok, "janok")
  // alert_center -> itself: (alert_poll) every interval: the daemons (list_daemons) and whether
  // PostgreSQL answers; (alert_flush) write the raises and clears PostgreSQL has not seen yet.
  CAF_ADD_ATOM(siberius, siberius::atom, alert_poll, "alertpoll")
  CAF_ADD_ATOM(siberius, siberius::atom, alert_flush, "alertflush")

CAF_END_TYPE_ID_BLOCK(siberius)

namespace siberius::actors {
/// The latest heartbeat of several daemons.
using heartbeat_batch = std::vector<storage::daemon_heartbeat>;

/// A JSON document as a request's answer. caf::result<T> brace-initialises
/// its value, and nlohmann::json{j} is a one-element array around j: the
/// wrapper keeps the document as it is.
struct json_reply {
  nlohmann::json value;
};

/// A JSON document written by PostgreSQL, sent as a body as it is (a month of
/// the calendar is some 200 kB: parsing and writing it again costs
/// milliseconds).
struct json_text {
  std::string body;
};

/// The calendar's question: atendimentos overlapping [from, to] (dates, both
/// optional), those `viewer` is scheduled on unless an admin asks.
struct atendimento_period {
  std::optional<std::string> from, to;
  storage::api_principal viewer;
};

/// A call on the store run by a db_worker (atom::db_run). The function runs on
/// the worker's thread and must only touch the store and its own captures.
struct db_job {
  std::function<nlohmann::json(storage::metadata_store&)> run;
};

/// An HTTP answer decided by an actor (the upload coordinator): status, JSON
/// body, and Retry-After in seconds when non-zero.
struct request_answer {
  int status = 200;
  nlohmann::json body;
  int retry_after = 0;
};
} // namespace siberius::actors

// Handles that never leave the process (no serialization needed).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::net::connection_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(nlohmann::json)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<std::uint64_t>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<std::string>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::storage::auth_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::storage::pdf_document)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<siberius::storage::pdf_document>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<siberius::storage::ingest_result>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<siberius::storage::sync_file>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::actors::heartbeat_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::storage::daemon_heartbeat)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::storage::pdf_filter)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::storage::stored_upload)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<siberius::storage::daemon_identity>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<siberius::storage::upload_target>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<siberius::storage::download_target>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::actors::json_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::actors::json_text)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::actors::atendimento_period)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::actors::request_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::daemon::pdf_facts)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<siberius::storage::request_target>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::storage::atendimento_pdf)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::storage::transfer_end)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<siberius::storage::expired_copy>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::storage::issued_token)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<siberius::storage::api_principal>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::storage::api_principal)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::actors::db_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<std::int64_t>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::storage::monitor_retention)

namespace siberius::actors {

/// How long an actor waits for the database before giving up on a request.
constexpr auto db_timeout = std::chrono::seconds(30);

/// Why a database request failed; the reason for people travels as the message.
enum class db_errc : std::uint8_t {
  unavailable = 1, // PostgreSQL unreachable or failing: retry later
  conflict,        // the request clashes with what is stored (a taken clientId)
  invalid,         // the request itself is wrong
};

inline caf::error db_error(db_errc code, std::string reason) {
  return caf::error(static_cast<std::uint8_t>(code), caf::atom("db"), caf::make_message(std::move(reason)));
}

inline caf::error db_unavailable(std::string reason) {
  return db_error(db_errc::unavailable, std::move(reason));
}

/// True when `err` came from db_error with this code.
inline bool is(const caf::error& err, db_errc code) {
  return err.category() == caf::atom("db") && err.code() == static_cast<std::uint8_t>(code);
}

/// The human-readable reason carried by an error from db_worker.
std::string reason_of(caf::actor_system& sys, const caf::error& err);

} // namespace siberius::actors
