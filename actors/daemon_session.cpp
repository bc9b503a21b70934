#include "actors/daemon_session.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "actors/server_metrics.hpp"
#include "actors/supervision.hpp"
#include "pdf/sha256_stream.hpp"
#include "storage/pdf_document.hpp"

namespace siberius::actors {

namespace {

constexpr std::size_t max_batch_documents = 10;
constexpr std::size_t max_sync_chunk = 2000;
constexpr std::size_t max_stat_chunk = 2000;
constexpr std::size_t max_local_path = 1024;
constexpr std::int64_t max_file_size = std::int64_t{1} << 40;
constexpr std::int64_t max_mtime_ms = std::int64_t{1} << 53;
constexpr std::size_t max_heartbeat_bytes = 16 * 1024;

using json = nlohmann::json;

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json result_json(const storage::ingest_result& r) {
  json j = {{"fileHash", r.file_hash}, {"status", storage::to_string(r.status)}};
  if (r.status == storage::ingest_status::error)
    j["error"] = r.error;
  else
    j["recordId"] = r.record_id;
  return j;
}

/// One document's ack counted by outcome: indexed, updated, duplicate,
/// rejected (invalid, or refused by the store) or retry (database away).
void count_ack(const std::string& status, std::size_t n = 1) {
  server_series().ingest_acks.with({status == "error" ? std::string("rejected") : status}).inc(n);
}

/// The heartbeat's counters that /metrics shows per daemon (labelled by
/// client id, so bounded by the daemons): what the daemon counted since it
/// started. A field missing or of the wrong type leaves its series as it was.
void record_daemon_counters(const std::string& client_id, const json& payload) {
  auto counters = payload.find("counters");
  if (counters == payload.end() || !counters->is_object())
    return;
  auto number = [&](const char* key) -> std::optional<double> {
    auto v = counters->find(key);
    if (v == counters->end() || !v->is_number() || v->get<double>() < 0 || v->get<double>() > 1e15)
      return std::nullopt;
    return v->get<double>();
  };
  auto& m = server_series();
  if (auto v = number("reconnections"))
    m.daemon_reconnections.with({client_id}).set(static_cast<std::uint64_t>(*v));
  if (auto v = number("uploadsFailed"))
    m.daemon_uploads_failed.with({client_id}).set(static_cast<std::uint64_t>(*v));
  if (auto v = number("avgUploadBytesPerSecond"))
    m.daemon_upload_speed.with({client_id}).set(*v);
  if (auto v = number("avgParseMs"))
    m.daemon_parse_seconds.with({client_id}).set(*v / 1000.0);
}

/// An integer in [0, max] (JSON numbers such as 12.0 included), or nothing.
std::optional<std::int64_t> bounded_integer(const json& v, std::int64_t max) {
  if (v.is_number_unsigned())
    return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(max) ? std::optional<std::int64_t>(v.get<std::int64_t>())
                                                                      : std::nullopt;
  if (v.is_number_integer())
    return v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() <= max ? std::optional<std::int64_t>(v.get<std::int64_t>())
                                                                       : std::nullopt;
  return std::nullopt;
}

/// One daemon:stat_check entry, or nothing when it does not fit the rules of protocol.md 3.5a.
std::optional<storage::stat_entry> parse_stat_entry(const json& f) {
  if (!f.is_object())
    return std::nullopt;
  auto path = f.find("filePath");
  auto size = f.find("fileSize");
  auto mtime = f.find("mtimeMs");
  if (path == f.end() || !path->is_string() || size == f.end() || mtime == f.end())
    return std::nullopt;
  auto& p = path->get_ref<const std::string&>();
  auto bytes = bounded_integer(*size, max_file_size);
  auto ms = bounded_integer(*mtime, max_mtime_ms);
  if (p.empty() || p.size() > max_local_path || p.find('\0') != std::string::npos || !bytes || !ms)
    return std::nullopt;
  return storage::stat_entry{p, *bytes, *ms};
}

/// The first argument of an event, or null when it has none.
json first_arg(json& args) {
  return args.is_array() && !args.empty() ? std::move(args[0]) : json();
}

} // namespace

void daemon_session_state::ack(std::optional<std::uint64_t> ack_id, json payload) {
  if (ack_id)
    conn->ack(daemon_nsp, *ack_id, json::array({std::move(payload)}));
}

void daemon_session_state::on_event(const std::string& event, json& args, std::optional<std::uint64_t> ack_id) {
  // A payload of the wrong shape costs its sender an error ack, never the
  // session: a type the handlers did not foresee surfaces here as an exception.
  try {
    dispatch(event, args, ack_id);
  } catch (const std::exception& e) {
    log_event(log_level::warn, "daemon:event:malformed",
              {{"clientId", info.client_id}, {"name", event}, {"reason", e.what()}});
    ack(ack_id, {{"error", "malformed " + event + " payload: " + e.what()}});
  }
}

void daemon_session_state::dispatch(const std::string& event, json& args, std::optional<std::uint64_t> ack_id) {
  auto payload = first_arg(args);
  if (event == "daemon:heartbeat")
    on_heartbeat(payload, ack_id);
  else if (event == "daemon:pdf_indexed")
    on_pdf_indexed(payload, ack_id);
  else if (event == "daemon:pdf_indexed_batch")
    on_pdf_indexed_batch(payload, ack_id);
  else if (event == "daemon:sync")
    on_sync(payload, ack_id);
  else if (event == "daemon:stat_check")
    on_stat_check(payload, ack_id);
  else if (event == "daemon:error")
    on_error_report(payload, ack_id);
  else if (event == "daemon:log")
    on_log_lines(payload, ack_id);
  else {
    log_event(log_level::warn, "daemon:event:unknown", {{"clientId", info.client_id}, {"name", event}});
    ack(ack_id, {{"error", "unknown event: " + event}});
  }
}

void daemon_session_state::on_heartbeat(json& payload, std::optional<std::uint64_t> ack_id) {
  if (!payload.is_object())
    return ack(ack_id, {{"ok", false}, {"error", "heartbeat must be an object"}});
  auto text = payload.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > max_heartbeat_bytes)
    return ack(ack_id, {{"ok", false}, {"error", "heartbeat larger than 16 KiB"}});
  // Acknowledged at once: a heartbeat says "alive", and its fields are written
  // in bulk with the other daemons' within a couple of seconds.
  auto beat = storage::daemon_heartbeat::from(info.client_id, payload, std::move(text));
  if (auto rtt = conn->round_trip())
    beat.rtt_ms = std::round(static_cast<double>(rtt->count()) / 10.0) / 100.0;
  if (audience_listening())
    self->send(hub, atom::broadcast_v, std::string("daemon:heartbeat"), compact_heartbeat(beat, payload));
  self->send(registry, atom::heartbeat_v, std::move(beat));
  record_daemon_counters(info.client_id, payload);
  ack(ack_id, {{"ok", true}, {"serverTime", now_iso8601()}});
}

json daemon_session_state::compact_heartbeat(const storage::daemon_heartbeat& beat, const json& payload) const {
  auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  // The daemon's own counters since it started (counters.indexed/uploaded).
  auto counter = [&](const char* key) {
    auto counters = payload.find("counters");
    if (counters == payload.end() || !counters->is_object())
      return json(nullptr);
    auto v = counters->find(key);
    if (v == counters->end() || !v->is_number() || v->get<double>() < 0 || v->get<double>() > 1e15)
      return json(nullptr);
    return json(static_cast<std::int64_t>(v->get<double>()));
  };
  return {{"id", info.daemon_id != 0 ? json(info.daemon_id) : json(nullptr)},
          {"clientId", info.client_id},
          {"at", now_iso8601()},
          {"rttMs", opt(beat.rtt_ms)},
          {"uptimeSeconds", opt(beat.uptime_seconds)},
          {"memoryBytes", opt(beat.memory_bytes)},
          {"pdfsIndexed", counter("indexed")},
          {"pdfsUploaded", counter("uploaded")},
          {"localAddr", opt(beat.local_addr)},
          {"version", opt(beat.daemon_version)}};
}

void daemon_session_state::end(const std::string& reason) {
  self->send(registry, atom::disconnect_v, reason);
  self->quit();
}

void daemon_session_state::on_pdf_indexed(const json& payload, std::optional<std::uint64_t> ack_id) {
  auto parsed = storage::parse_pdf_document(payload);
  if (auto err = std::get_if<std::string>(&parsed)) {
    log_event(log_level::warn, "pdf:indexed:rejected", {{"clientId", info.client_id}, {"reason", *err}});
    count_ack("rejected");
    return ack(ack_id, {{"received", false}, {"error", *err}});
  }
  std::vector<storage::pdf_document> docs{std::move(std::get<storage::pdf_document>(parsed))};
  // A copy for the announcement only when someone listens.
  auto heard = audience_listening() ? docs : std::vector<storage::pdf_document>{};
  self->request(db, db_timeout, atom::ingest_v, info.client_id, std::move(docs))
    .then(
      [=](const std::vector<storage::ingest_result>& results) {
        announce_links(results);
        announce(heard, results);
        auto& r = results.at(0);
        count_ack(storage::to_string(r.status));
        if (r.status == storage::ingest_status::error)
          return ack(ack_id, {{"received", false}, {"error", r.error}});
        ack(ack_id, {{"received", true}, {"recordId", r.record_id}, {"status", storage::to_string(r.status)}});
      },
      [=](const caf::error& err) {
        // Nothing was committed: say so, and the daemon sends it again later.
        count_ack("retry");
        ack(ack_id, {{"received", false}, {"error", "database unavailable, retry later"}, {"retryable", true}});
      });
}

void daemon_session_state::on_pdf_indexed_batch(const json& payload, std::optional<std::uint64_t> ack_id) {
  const json* docs = nullptr;
  if (payload.is_array())
    docs = &payload;
  else if (payload.is_object() && payload.contains("documents") && payload["documents"].is_array())
    docs = &payload["documents"];
  if (docs == nullptr)
    return ack(ack_id, {{"error", "expected {documents: [...]}"}});
  if (docs->size() > max_batch_documents)
    return ack(ack_id, {{"error", "at most 10 documents per batch"}});
  // Validate each; only valid ones go to the database, results keep input order.
  auto results = std::make_shared<json>(json::array());
  std::vector<storage::pdf_document> valid;
  std::vector<std::size_t> slots;
  for (auto& d : *docs) {
    auto parsed = storage::parse_pdf_document(d);
    if (auto err = std::get_if<std::string>(&parsed)) {
      json r = {{"status", "error"}, {"error", *err}};
      if (d.is_object() && d.contains("fileHash") && d["fileHash"].is_string())
        r["fileHash"] = d["fileHash"];
      results->push_back(std::move(r));
    } else {
      slots.push_back(results->size());
      results->push_back(nullptr);
      valid.push_back(std::move(std::get<storage::pdf_document>(parsed)));
    }
  }
  auto finish = [this, ack_id, results] {
    std::size_t processed = 0, duplicates = 0, errors = 0;
    for (auto& r : *results) {
      auto status = r["status"].get<std::string>();
      count_ack(status);
      if (status == "duplicate")
        ++duplicates;
      else if (status == "error")
        ++errors;
      else
        ++processed;
    }
    ack(ack_id, {{"processed", processed}, {"duplicates", duplicates}, {"errors", errors}, {"results", *results}});
  };
  if (valid.empty())
    return finish();
  auto heard = audience_listening() ? valid : std::vector<storage::pdf_document>{};
  self->request(db, db_timeout, atom::ingest_v, info.client_id, std::move(valid))
    .then(
      [=](const std::vector<storage::ingest_result>& stored) {
        announce_links(stored);
        announce(heard, stored);
        for (std::size_t i = 0; i < stored.size() && i < slots.size(); ++i)
          (*results)[slots[i]] = result_json(stored[i]);
        finish();
      },
      [=](const caf::error&) {
        count_ack("retry", results->size());
        ack(ack_id, {{"error", "database unavailable, retry later"}, {"retryable", true}});
      });
}

bool daemon_session_state::audience_listening() const {
  return !info.audience || info.audience->load(std::memory_order_relaxed) > 0;
}

void daemon_session_state::announce(const std::vector<storage::pdf_document>& docs,
                                    const std::vector<storage::ingest_result>& results) {
  for (std::size_t i = 0; i < docs.size() && i < results.size(); ++i) {
    if (results[i].status != storage::ingest_status::indexed)
      continue;
    auto& d = docs[i];
    auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
    self->send(hub, atom::publish_v, std::string("pdf:indexed"),
               json{{"pdfId", results[i].record_id}, {"fileHash", d.file_hash}, {"filename", d.filename},
                    {"tipo", d.tipo}, {"numero", opt(d.numero)}, {"cliente", opt(d.cliente)},
                    {"dataEvento", opt(d.data_evento)}, {"valorTotal", opt(d.valor_total)},
                    {"clientId", info.client_id}},
               results[i].record_id);
  }
}

void daemon_session_state::announce_links(const std::vector<storage::ingest_result>& results) {
  std::vector<std::int64_t> ids;
  for (const auto& r : results)
    if (r.linked_atendimento > 0 && std::find(ids.begin(), ids.end(), r.linked_atendimento) == ids.end())
      ids.push_back(r.linked_atendimento);
  if (ids.empty())
    return;
  // Who may see those PDFs changed: audiences looked up before are stale.
  self->send(hub, atom::audience_changed_v);
  if (!audience_listening())
    return;
  // The atendimentos as they are now (their PDFs, their references no longer
  // pending), as an admin's edit would announce them; asked by an actor of its
  // own, since a daemon may leave (and its session end) right after the ack.
  self->system().spawn([db = db, hub = hub, ids, client_id = info.client_id](caf::event_based_actor* a) {
    a->request(db, db_timeout, atom::db_run_v, db_job{[ids](storage::metadata_store& s) {
                 json out = json::array();
                 for (auto id : ids)
                   if (auto found = s.atendimento(id))
                     out.push_back(std::move(*found));
                 return out;
               }})
      .then(
        [=](const json_reply& reply) {
          for (const auto& at : reply.value) {
            std::vector<std::int64_t> users;
            for (const auto& t : at["tecnicos"])
              users.push_back(t["id"].get<std::int64_t>());
            a->send(hub, atom::publish_to_v, std::string("atendimento:updated"), at, users);
          }
        },
        [=](const caf::error& err) {
          log_event(log_level::warn, "atendimento:updated:unannounced",
                    {{"clientId", client_id}, {"atendimentos", ids}, {"reason", reason_of(a->system(), err)}});
        });
  });
}

void daemon_session_state::on_sync(const json& payload, std::optional<std::uint64_t> ack_id) {
  if (!payload.is_object() || !payload.contains("files") || !payload["files"].is_array())
    return ack(ack_id, {{"error", "expected {syncId, files: [{fileHash, filePath}], done}"}});
  auto& files = payload["files"];
  if (files.size() > max_sync_chunk)
    return ack(ack_id, {{"error", "at most 2000 files per sync chunk"}});
  auto sync_field = payload.find("syncId");
  auto done_field = payload.find("done");
  if ((sync_field != payload.end() && !sync_field->is_string()) ||
      (done_field != payload.end() && !done_field->is_boolean()))
    return ack(ack_id, {{"error", "expected {syncId: string, files: [{fileHash, filePath}], done: boolean}"}});
  auto id = sync_field != payload.end() ? sync_field->get<std::string>() : std::string{};
  bool done = done_field != payload.end() ? done_field->get<bool>() : true;
  if (id != sync_id) {
    sync_id = id;
    sync_hashes.clear();
  }
  std::vector<storage::sync_file> chunk;
  chunk.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto& f = files[i];
    // Hashes are accepted in either case and kept in lowercase.
    auto hash = f.is_object() ? f.value("fileHash", json()) : json();
    auto h = hash.is_string() ? lower(hash.get<std::string>()) : std::string();
    if (!is_sha256_hex(h) || !f.value("filePath", json()).is_string())
      return ack(ack_id, {{"error", "files[" + std::to_string(i) + "]: expected {fileHash: 64 hex, filePath}"}});
    chunk.push_back({std::move(h), f["filePath"].get<std::string>()});
    sync_hashes.insert(chunk.back().file_hash);
  }
  if (sync_hashes.size() > info.max_sync_files) {
    sync_hashes.clear();
    sync_id.clear();
    return ack(ack_id, {{"error", "sync larger than the server's limit of files"}});
  }
  std::vector<std::string> all;
  if (done) {
    all.assign(sync_hashes.begin(), sync_hashes.end());
    sync_hashes.clear();
    sync_id.clear();
  }
  auto fail = [=](const caf::error&) {
    ack(ack_id, {{"error", "database unavailable, retry later"}, {"retryable", true}});
  };
  self->request(db, db_timeout, atom::sync_v, info.client_id, std::move(chunk))
    .then(
      [=](const std::vector<std::string>& needed) {
        if (!done)
          return ack(ack_id, {{"needed", needed}});
        self->request(db, db_timeout, atom::sync_done_v, info.client_id, all)
          .then(
            [=](std::int64_t marked) {
              log_event(log_level::info, "daemon:sync",
                        {{"clientId", info.client_id}, {"files", all.size()}, {"markedMissing", marked}});
              ack(ack_id, {{"needed", needed}, {"markedMissing", marked}});
            },
            fail);
      },
      fail);
}

void daemon_session_state::on_stat_check(const json& payload, std::optional<std::uint64_t> ack_id) {
  if (!payload.is_object() || !payload.value("files", json()).is_array())
    return ack(ack_id, {{"error", "expected {files: [{filePath, fileSize, mtimeMs}]}"}});
  auto& files = payload["files"];
  if (files.size() > max_stat_chunk)
    return ack(ack_id, {{"error", "at most 2000 files per stat_check chunk"}});
  auto entries = std::make_shared<std::vector<storage::stat_entry>>();
  entries->reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto e = parse_stat_entry(files[i]);
    if (!e)
      return ack(ack_id, {{"error", "files[" + std::to_string(i) +
                                        "]: expected {filePath: 1 to 1024 bytes, fileSize: 0 to 2^40, "
                                        "mtimeMs: 0 to 2^53}"}});
    entries->push_back(std::move(*e));
  }
  auto client_id = info.client_id;
  self->request(db, db_timeout, atom::db_run_v, db_job{[client_id, entries](storage::metadata_store& s) {
                  json known = json::array();
                  for (auto& k : s.stat_known(client_id, *entries))
                    known.push_back({{"filePath", (*entries)[k.index].file_path}, {"fileHash", k.file_hash}});
                  return known;
                }})
    .then([=](const json_reply& known) { ack(ack_id, {{"known", known.value}}); },
          [=](const caf::error&) {
            ack(ack_id, {{"error", "database unavailable, retry later"}, {"retryable", true}});
          });
}

void daemon_session_state::on_error_report(const json& payload, std::optional<std::uint64_t> ack_id) {
  if (!payload.is_object() || !payload.value("message", json()).is_string())
    return ack(ack_id, {{"ok", false}, {"error", "expected {message, code?, filePath?, fileHash?, details?}"}});
  if (payload.dump().size() > max_heartbeat_bytes)
    return ack(ack_id, {{"ok", false}, {"error", "error report larger than 16 KiB"}});
  log_event(log_level::warn, "daemon:error:reported", {{"clientId", info.client_id}, {"report", payload}});
  // The answer to a daemon:upload_request the daemon cannot serve.
  if (auto rid = payload.value("requestId", json()); rid.is_string() && info.uploads) {
    auto code = payload.value("code", json());
    self->send(info.uploads, atom::upload_refused_v, info.client_id, rid.get<std::string>(),
               code.is_string() ? code.get<std::string>() : std::string("upload_failed"),
               payload["message"].get<std::string>());
  }
  self->request(db, db_timeout, atom::daemon_event_v, info.client_id, std::string("error"), payload)
    .then([=](bool) { ack(ack_id, {{"ok", true}}); },
          [=](const caf::error&) {
            ack(ack_id, {{"ok", false}, {"error", "database unavailable, retry later"}, {"retryable", true}});
          });
}

void daemon_session_state::on_log_lines(const json& payload, std::optional<std::uint64_t> ack_id) {
  // {lines: [{ts, level, event, ...}]}: the daemon's own warnings and errors,
  // kept (newest 200 per daemon) for the admin's detail view. One database
  // call for the batch, so the lines keep their order.
  if (!payload.is_object() || !payload.value("lines", json()).is_array() || payload["lines"].size() > 50)
    return ack(ack_id, {{"ok", false}, {"error", "expected {lines: [at most 50 objects]}"}});
  std::vector<std::pair<std::string, json>> lines;
  for (auto& line : payload["lines"]) {
    if (!line.is_object())
      continue;
    auto level = line.value("level", json("warn"));
    json entry = line;
    entry["source"] = "daemon:log";
    lines.emplace_back(level.is_string() && level.get<std::string>().size() <= 16 ? level.get<std::string>()
                                                                                  : std::string("warn"),
                       std::move(entry));
  }
  auto client_id = info.client_id;
  self->request(db, db_timeout, atom::db_run_v, db_job{[client_id, lines](storage::metadata_store& s) {
                  for (auto& [level, entry] : lines)
                    s.store_daemon_event(client_id, level, entry);
                  return json(lines.size());
                }})
    .then([=](const json_reply& stored) { ack(ack_id, {{"ok", true}, {"stored", stored.value}}); },
          [=](const caf::error&) {
            ack(ack_id, {{"ok", false}, {"error", "database unavailable, retry later"}, {"retryable", true}});
          });
}

void daemon_session_state::command(const std::string& event, const json& payload, caf::response_promise rp) {
  auto id = next_ack_id++;
  waiting_acks.emplace(id, std::move(rp));
  conn->emit_with_ack(daemon_nsp, event, json::array({payload}), id);
  self->delayed_send(self, std::chrono::seconds(10), atom::ack_timeout_v, id);
}

caf::behavior daemon_session(caf::stateful_actor<daemon_session_state>* self, net::connection_ptr conn,
                             caf::actor registry, caf::actor db, caf::actor hub, session_info info) {
  auto& st = self->state;
  st.self = self;
  st.conn = std::move(conn);
  st.registry = std::move(registry);
  st.db = std::move(db);
  st.hub = std::move(hub);
  st.info = std::move(info);
  // Sessions are monitored by the registry, not linked (a session that fails,
  // even killed outright, must not take every other daemon with it), and end
  // when the registry does.
  if (st.registry) {
    self->monitor(st.registry);
    self->set_down_handler([self](caf::down_msg& msg) {
      if (msg.source == self->state.registry.address())
        self->quit(msg.reason);
    });
  }
  // Settings an admin set while the daemon was away (or before a restart:
  // the daemon keeps none) go out as soon as it is connected.
  // An exception out of a reply handler ends the session (its state may be
  // half-updated), with the reason in the log rather than a bare exit code.
  self->set_exception_handler([self](std::exception_ptr& e) -> caf::error {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      log_event(log_level::error, "daemon:session:exception",
                {{"clientId", self->state.info.client_id}, {"reason", x.what()}});
    } catch (...) {
    }
    return caf::exit_reason::unhandled_exception;
  });
  // However the session ends (the daemon left, a kick, a replacement, a
  // failure), its namespace goes with it: a socket whose session is gone
  // would take events that nobody answers. A failure closes the whole
  // connection, so the daemon reconnects at once; an orderly end leaves the
  // other namespaces a client may have on the same connection (a tool, a
  // test) alone (a DISCONNECT of a namespace already left is a no-op).
  self->attach_functor([conn = st.conn, client_id = st.info.client_id](const caf::error& reason) {
    if (is_failure(reason)) {
      log_event(log_level::error, "daemon:session:failed",
                {{"clientId", client_id}, {"reason", caf::to_string(reason)}});
      conn->close("session ended");
    } else {
      conn->disconnect(daemon_nsp, "session ended");
    }
  });
  auto config = json::parse(st.info.config, nullptr, false);
  if (config.is_object() && !config.empty()) {
    auto rp = self->make_response_promise();
    st.command("daemon:config_update", config, rp);
  }
  return {
    [=](atom::sio_event, const std::string& event, json& args, std::optional<std::uint64_t> ack_id) {
      self->state.on_event(event, args, ack_id);
    },
    [=](atom::disconnect, const std::string& reason) {
      log_event(log_level::info, "daemon:disconnected",
                {{"clientId", self->state.info.client_id}, {"reason", reason}});
      self->state.end(reason);
    },
    [=](atom::upload_request, const json& payload) {
      self->state.conn->emit(daemon_nsp, "daemon:upload_request", json::array({payload}));
    },
    [=](atom::cancel_upload, const json& payload) {
      self->state.conn->emit(daemon_nsp, "daemon:cancel_upload", json::array({payload}));
    },
    [=](atom::daemon_command, const std::string& event, const json& payload) {
      auto rp = self->make_response_promise();
      self->state.command(event, payload, rp);
      return rp;
    },
    [=](atom::sio_ack, std::uint64_t id, const json& args) {
      auto i = self->state.waiting_acks.find(id);
      if (i == self->state.waiting_acks.end())
        return;
      auto payload = args.is_array() && !args.empty() ? args[0] : json();
      if (i->second.pending())
        i->second.deliver(json_reply{{{"connected", true}, {"ack", payload}}});
      else
        log_event(log_level::info, "daemon:ack", {{"clientId", self->state.info.client_id}, {"ack", payload}});
      self->state.waiting_acks.erase(i);
    },
    [=](atom::ack_timeout, std::uint64_t id) {
      auto i = self->state.waiting_acks.find(id);
      if (i == self->state.waiting_acks.end())
        return;
      log_event(log_level::warn, "daemon:ack:timeout", {{"clientId", self->state.info.client_id}});
      if (i->second.pending())
        i->second.deliver(json_reply{{{"connected", true}, {"timeout", true}}});
      self->state.waiting_acks.erase(i);
    },
    [=](atom::kick, const std::string& reason) {
      log_event(log_level::info, "daemon:kicked", {{"clientId", self->state.info.client_id}, {"reason", reason}});
      self->state.conn->disconnect(daemon_nsp, reason);
      self->state.end(reason);
    },
    [=](atom::replace) {
      self->state.conn->disconnect(daemon_nsp, "replaced by a new connection");
      self->quit();
    },
  };
}

} // namespace siberius::actors
