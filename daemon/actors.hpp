// The daemon's actors and the messages each one takes, as types the compiler
// checks: a send, a request or a handler that does not match the receiver's
// interface does not build. One line per handler says who sends it and why;
// the atoms and message types themselves are in daemon/messages.hpp.
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

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "daemon/messages.hpp"
#include "net/client/sio_client.hpp"

namespace siberius::daemon {

/// Reads one PDF at a time through its own siberius-pdf-reader process (folder_index.hpp).
using pdf_parse_actor = caf::typed_actor<
    // folder_index: read this file; the facts say whether it can be indexed.
    caf::replies_to<atom::parse, std::string>::with<pdf_facts>,
    // its own timer: no file came since this turn; end the reader process.
    caf::reacts_to<atom::reader_idle, std::uint64_t>>;

/// Turns the reader thread's changes and its own scans into "this file is complete" (folder_watcher.hpp).
using folder_watcher_actor = caf::typed_actor<
    // reader thread: a file was written or moved in.
    caf::reacts_to<atom::look, std::string>,
    // reader thread: a file or folder was deleted or moved out.
    caf::reacts_to<atom::vanished, std::string>,
    // reader thread: a new sub-folder, now watched, to scan once.
    caf::reacts_to<atom::scan_folder, std::string>,
    // its own timer: look again at the files not yet stable.
    caf::reacts_to<atom::tick>,
    // reader thread (overflow): walk the whole folder again now.
    caf::reacts_to<atom::rescan>,
    // its own timer: the periodic full rescan of this generation (older ones are ignored).
    caf::reacts_to<atom::rescan, std::uint64_t>,
    // server_link: the rescan interval in force, in milliseconds (answered after the first scan).
    caf::replies_to<atom::scan_interval>::with<std::int64_t>,
    // server_link (daemon:config_update): rescan this often from now on.
    caf::reacts_to<atom::set_scan, std::int64_t>>;

/// The map path -> (size, mtime, SHA-256) of this run; feeds server_link (folder_index.hpp).
using folder_index_actor = caf::typed_actor<
    // folder_watcher: the file (path, size, mtime_ns) is complete.
    caf::reacts_to<atom::file_ready, std::string, std::int64_t, std::int64_t>,
    // folder_watcher: the file is no longer in the folder.
    caf::reacts_to<atom::file_gone, std::string>,
    // folder_watcher: every file of the first scan was judged.
    caf::reacts_to<atom::scan_done>,
    // server_link (reconciliation): read these again and send their documents.
    caf::reacts_to<atom::reread, std::vector<std::string>>,
    // itself: send the burst of files just taken in as one daemon:stat_check chunk.
    caf::reacts_to<atom::stat_check>,
    // its own timer: re-read one file the server vouched for, if idle.
    caf::reacts_to<atom::verify_tick>,
    // server_link: false, its connected queue is full (start no read); true, room again.
    caf::reacts_to<atom::queue_room, bool>,
    // uploader: the paths read with this SHA-256 (hex).
    caf::replies_to<atom::locate, std::string>::with<std::vector<std::string>>,
    // server_link: the reconciliation's snapshot, answered once no file waits to be read.
    caf::replies_to<atom::inventory>::with<folder_inventory>>;

/// Serves the server's upload requests, at most a few at once, by priority (uploader.hpp).
using uploader_actor = caf::typed_actor<
    // server_link: a daemon:upload_request payload.
    caf::reacts_to<atom::upload_request, nlohmann::json>,
    // server_link: a daemon:cancel_upload for this request id.
    caf::reacts_to<atom::cancel_upload, std::string>,
    // upload worker: (request id, bytes sent, total).
    caf::reacts_to<atom::upload_progress, std::string, std::uint64_t, std::uint64_t>,
    // upload worker: (request id, outcome code: "stored", "cancelled" or why not, message).
    caf::reacts_to<atom::upload_finished, std::string, std::string, std::string>>;

/// The one connection to siberius-server's /daemon namespace (server_link.hpp).
using server_link_actor = caf::typed_actor<
    // main: where folder_index is; starts connecting.
    caf::reacts_to<atom::inventory, folder_index_actor>,
    // main: where the server's upload requests go.
    caf::reacts_to<atom::uploader, uploader_actor>,
    // main: the folder_watcher, whose rescan interval the server may change.
    caf::reacts_to<atom::watcher, folder_watcher_actor>,
    // Socket.IO client callbacks of connection `attempt`: connected (with the server's data),
    // refused (message, data), dropped (reason).
    caf::reacts_to<atom::link_up, std::uint64_t, nlohmann::json>,
    caf::reacts_to<atom::link_refused, std::uint64_t, std::string, nlohmann::json>,
    caf::reacts_to<atom::link_down, std::uint64_t, std::string>,
    // Socket.IO client: the ack (or its failure) of the emit with this ticket.
    caf::reacts_to<atom::ack_arrived, std::uint64_t, net::ack_result>,
    // Socket.IO client: daemon:upload_request / daemon:cancel_upload on connection `attempt`, already acked.
    caf::reacts_to<atom::upload_request, std::uint64_t, std::string, nlohmann::json>,
    // Socket.IO client: daemon:resync on connection `attempt`, already acked (the sync is the answer).
    caf::reacts_to<atom::resync, std::uint64_t, nlohmann::json>,
    // Socket.IO client: daemon:config_update, answered through the responder once applied.
    caf::reacts_to<atom::config_update, nlohmann::json, net::ack_responder>,
    // its own timers: reconnect (attempt), heartbeat (attempt), retry sending, the debounced
    // reconciliation, the next daemon:log batch, a daemon:stat_check asked again.
    caf::reacts_to<atom::connect_now, std::uint64_t>,
    caf::reacts_to<atom::heartbeat, std::uint64_t>,
    caf::reacts_to<atom::drain>,
    caf::reacts_to<atom::sync_due>,
    caf::reacts_to<atom::log_flush>,
    caf::reacts_to<atom::stat_check>,
    // folder_index: a PDF read fine (or without text), sent as soon as it is read.
    caf::reacts_to<atom::document, folder_entry>,
    // folder_index: a file that cannot be indexed (reported once per path, size and mtime).
    caf::reacts_to<atom::broken, folder_entry>,
    // folder_index: a file left; a reconciliation follows (debounced).
    caf::reacts_to<atom::folder_changed>,
    // folder_index: one file read by a parse worker in this many microseconds (heartbeat average).
    caf::reacts_to<atom::read_timing, std::int64_t>,
    // folder_index: which of these first-scan files the server holds unchanged (held while offline).
    caf::replies_to<atom::stat_check, std::vector<stat_probe>>::with<stat_answer>,
    // uploader: an upload stored (true) or not, with the daemon:error payload to send (or null).
    caf::reacts_to<atom::upload_report, bool, nlohmann::json>,
    // uploader: one stored upload of this many bytes in this many microseconds (heartbeat average).
    caf::reacts_to<atom::upload_timing, std::int64_t, std::int64_t>,
    // any thread's log tap: a warn/error line to forward as daemon:log.
    caf::reacts_to<atom::log_line, nlohmann::json>>;

} // namespace siberius::daemon
