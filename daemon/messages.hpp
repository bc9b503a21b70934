// Every message between the daemon's actors, declared once. Read this file to
// know the protocol inside the daemon: each atom has a line saying who sends
// it to whom and what comes back.
//
//   inotify reader --look/vanished/scan_folder--> folder_watcher --file_ready/file_gone/scan_done--> folder_index
//   folder_index --parse--> pdf_parse_job (detached, PARSE_WORKERS of them) --pipe--> siberius-pdf-reader
//   folder_index --document/broken/folder_changed--> server_link --Socket.IO--> siberius-server
//   server_link --queue_room--> folder_index (reading waits while the connected queue is full)
//   folder_index --stat_check--> server_link --daemon:stat_check--> siberius-server (at start: which
//     files the server holds unchanged, so only the others are read)
//   server_link --inventory--> folder_index (the reconciliation's snapshot)
//   server_link --reread--> folder_index (documents the server asked for, read again and sent)
//   server_link --upload_request/cancel_upload--> uploader --locate--> folder_index
//   uploader --> upload worker (detached, at most 3) --HTTP POST--> siberius-server /api/daemon/upload
//   uploader --upload_report--> server_link (daemon:error when a file cannot be sent; counters)
//   server_link --scan_interval/set_scan--> folder_watcher (the rescan interval: asked, changed)
//   any thread's warn/error log line --log_line--> server_link --daemon:log--> siberius-server
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "pdf/pdf_metadata.hpp"
#include "pdf/sha256_stream.hpp"
#include "net/client/sio_client.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(siberius_daemon, caf::first_custom_type_id)

  // inotify reader -> folder_watcher: (look, path) a file was written or moved in.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, look, "look")
  // inotify reader -> folder_watcher: (vanished, path) a file or folder was deleted or moved out.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, vanished, "vanished")
  // inotify reader -> folder_watcher: (scan_folder, path) a new sub-folder, now watched, to scan once.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, scan_folder, "scanfolder")
  // inotify overflow -> folder_watcher: (rescan) walk the whole folder again now;
  // folder_watcher timer -> itself: (rescan, generation) the periodic one (stale generations are ignored).
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, rescan, "rescan")
  // folder_watcher -> itself: (tick) look again at files not yet stable.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, tick, "tick")
  // folder_watcher -> folder_index: (file_ready, path, size, mtime_ns) the file is complete.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, file_ready, "fileready")
  // folder_watcher -> folder_index: (file_gone, path) the file is no longer in the folder.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, file_gone, "filegone")
  // folder_watcher -> folder_index: (scan_done) every file of the first scan was judged.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, scan_done, "scandone")
  // folder_index -> pdf_parse_job: (parse, path) -> pdf_facts
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, parse, "parse")
  // server_link -> folder_index: (inventory) -> folder_inventory, answered once no file is
  // waiting to be read, so the snapshot is complete. main -> server_link: (inventory, index)
  // says where to ask, and starts the connection.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, inventory, "inventory")
  // folder_index -> server_link: (document, folder_entry) a PDF read fine (or without text).
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, document, "document")
  // folder_index -> server_link: (broken, folder_entry) a file that cannot be indexed.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, broken, "broken")
  // folder_index -> server_link: (folder_changed) a file left: report the folder (debounced).
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, folder_changed, "folderchg")
  // sio_client callbacks -> server_link: (link_up, attempt, connect data), (link_refused, attempt,
  // message, data), (link_down, attempt, reason).
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, link_up, "linkup")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, link_refused, "linkrefuse")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, link_down, "linkdown")
  // sio_client ack callback -> server_link: (ack_arrived, ack ticket, ack_result).
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, ack_arrived, "ackarrived")
  // server_link timers: (connect_now, attempt), (heartbeat), (drain), (sync_due).
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, connect_now, "connectnow")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, heartbeat, "heartbeat")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, drain, "drain")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, sync_due, "syncdue")
  // folder_index -> server_link: (stat_check, std::vector<stat_probe>) -> stat_answer: which of
  // these files the server holds with the same (path, size, mtime), and their hashes. Answered
  // once the server answered (held while offline); supported == false for a server without it.
  // folder_index -> itself: (stat_check) send the burst of file_ready just taken in as one chunk.
  // server_link timer -> itself: (stat_check) ask again after a retryable failure.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, stat_check, "statcheck")
  // server_link -> folder_index: (reread, std::vector<std::string> paths) read these again and
  // send their documents (the reconciliation's "needed": the index keeps no documents).
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, reread, "reread")
  // server_link -> folder_index: (queue_room, bool) false: the outbound queue is full while
  // connected, start no read; true: room again (back-pressure, so no read outruns the acks).
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, queue_room, "queueroom")
  // folder_index timer -> itself: (verify_tick) re-read one file the server vouched for, if idle.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, verify_tick, "verifytick")
  // pdf_parse_job -> itself: (reader_idle, generation) no file came since: end the reader process.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, reader_idle, "readeridle")

  // main -> server_link: (uploader, actor) where the server's upload requests go.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, uploader, "uploader")
  // server_link -> uploader: (upload_request, payload) a daemon:upload_request from the server;
  // (cancel_upload, request id) a daemon:cancel_upload.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, upload_request, "uprequest")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, cancel_upload, "cancelup")
  // uploader -> folder_index: (locate, hash) -> std::vector<std::string> paths read with that hash.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, locate, "locate")
  // upload worker -> uploader: (upload_progress, request id, sent, total);
  // (upload_finished, request id, outcome code, message) code "stored", "cancelled" or why not.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, upload_progress, "upprogress")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, upload_finished, "upfinished")
  // uploader -> server_link: (upload_report, stored?, daemon:error payload or null).
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, upload_report, "upreport")
  // uploader -> server_link: (upload_timing, bytes, microseconds) one stored upload, for the
  // heartbeat's average upload speed.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, upload_timing, "uptiming")
  // folder_index -> server_link: (read_timing, microseconds) one file read by a parse worker, for
  // the heartbeat's average parse time.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, read_timing, "readtiming")

  // main -> server_link: (watcher, actor) the folder_watcher, whose rescan interval the server may change.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, watcher, "watcher")
  // server_link -> folder_watcher: (scan_interval) -> std::int64_t ms of the periodic full rescan now in force.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, scan_interval, "scaninterv")
  // server_link -> folder_watcher: (set_scan, std::int64_t ms) rescan this often from now on (no answer).
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, set_scan, "setscan")
  // sio_client callback -> server_link: (resync, attempt, reason) daemon:resync, already acked.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, resync, "resync")
  // sio_client callback -> server_link: (config_update, payload, ack_responder) daemon:config_update;
  // server_link applies it and answers through the responder.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, config_update, "configupd")
  // log tap (any thread) -> server_link: (log_line, line) a warn/error line to forward.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, log_line, "logline")
  // server_link timer: (log_flush) the next daemon:log batch may go.
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, log_flush, "logflush")

CAF_END_TYPE_ID_BLOCK(siberius_daemon)

namespace siberius::daemon {

/// One file the index read: where it is and what read_pdf said.
struct folder_entry {
  std::string path;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  pdf_facts facts;
  /// True when the file must not be indexed (empty, not a PDF, truncated, encrypted, too slow, unreadable).
  bool is_broken() const;
  /// "path|size|mtime": a broken file is reported once per key.
  std::string report_key() const;
};

/// One file of a daemon:stat_check: what stat said.
struct stat_probe {
  std::string path;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
};

/// The server's answer to one stat_check: the probes it holds unchanged.
struct stat_answer {
  bool supported = true; // false: the server has no daemon:stat_check (read everything)
  std::vector<std::pair<std::string, std::string>> known; // path, SHA-256 hex
};

// sha256_bytes (pdf/sha256_stream.hpp): a SHA-256 kept as 32 bytes (the hex
// form is twice as large, and on the heap).

/// The indexable files of one folder as the reconciliation lists them: the
/// folder's path once, then each file's name and hash (a snapshot of 100,000
/// files is a few MB, not a full path and a hex string per file).
struct indexed_folder {
  std::string path;
  std::vector<std::pair<std::string, sha256_bytes>> files; // name, SHA-256
};

/// Every file the index knows, at one moment: the indexable ones (hash
/// only: documents are not kept) and the broken ones with what was wrong.
struct folder_inventory {
  std::vector<indexed_folder> indexed;
  std::vector<folder_entry> broken;
  std::size_t indexed_count() const {
    std::size_t n = 0;
    for (auto& f : indexed)
      n += f.files.size();
    return n;
  }
};

} // namespace siberius::daemon

// In-process only: these never cross a process boundary.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(nlohmann::json)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::daemon::pdf_facts)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::daemon::folder_entry)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::daemon::folder_inventory)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<siberius::daemon::stat_probe>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::daemon::stat_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::net::ack_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(siberius::net::ack_responder)
