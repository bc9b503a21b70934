// The atoms and message types of the daemon's actors. Which actor takes
// which message, from whom and what it answers is in daemon/actors.hpp, as
// typed interfaces the compiler checks.
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

  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, look, "look")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, vanished, "vanished")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, scan_folder, "scanfolder")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, rescan, "rescan")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, tick, "tick")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, file_ready, "fileready")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, file_gone, "filegone")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, scan_done, "scandone")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, parse, "parse")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, inventory, "inventory")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, document, "document")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, broken, "broken")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, folder_changed, "folderchg")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, link_up, "linkup")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, link_refused, "linkrefuse")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, link_down, "linkdown")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, ack_arrived, "ackarrived")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, connect_now, "connectnow")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, heartbeat, "heartbeat")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, drain, "drain")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, sync_due, "syncdue")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, stat_check, "statcheck")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, reread, "reread")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, queue_room, "queueroom")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, verify_tick, "verifytick")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, reader_idle, "readeridle")

  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, uploader, "uploader")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, upload_request, "uprequest")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, cancel_upload, "cancelup")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, locate, "locate")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, upload_progress, "upprogress")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, upload_finished, "upfinished")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, upload_report, "upreport")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, upload_timing, "uptiming")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, read_timing, "readtiming")

  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, watcher, "watcher")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, scan_interval, "scaninterv")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, set_scan, "setscan")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, resync, "resync")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, config_update, "configupd")
  CAF_ADD_ATOM(siberius_daemon, siberius::daemon::atom, log_line, "logline")
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
