// folder_index: the in-memory map path -> (size, mtime, facts) of this run.
// A file is read (hashed and parsed, by the pdf_parse_job pool) only when its
// size or mtime is new, so an unchanged file is never read twice in a run.
// What it learns goes to server_link; the reconciliation asks it for the
// whole picture.
#pragma once

#include <chrono>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "daemon/messages.hpp"

namespace siberius::daemon {

struct parse_job_options {
  std::string reader_exe;                      // siberius-pdf-reader
  std::chrono::milliseconds time_limit{20000}; // per file
  std::chrono::milliseconds idle_exit{10000};  // the reader process ends after this long without work
};

/// A worker that reads one PDF at a time through its own siberius-pdf-reader
/// process (spawned detached: reading blocks). The process starts with the
/// first file and ends after `idle_exit` without one, so an idle daemon holds
/// no poppler at all.
caf::behavior pdf_parse_job(caf::event_based_actor* self, parse_job_options options);

struct folder_index_state {
  struct tracked_file {
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
    bool reading = false;  // queued or with a worker
    bool have_facts = false;
    pdf_facts facts;
  };

  caf::event_based_actor* self = nullptr;
  caf::actor link; // server_link
  std::vector<caf::actor> workers;
  std::vector<caf::actor> idle_workers;
  std::unordered_map<std::string, tracked_file> files;
  std::deque<std::string> backlog; // paths waiting for a worker
  std::size_t reading_now = 0;
  bool scan_done = false;
  std::vector<caf::typed_response_promise<folder_inventory>> inventory_waiters;
  std::vector<std::pair<std::string, caf::typed_response_promise<std::vector<std::string>>>> locate_waiters;

  static inline const char* name = "folder_index";

  void on_file_ready(const std::string& path, std::int64_t size, std::int64_t mtime_ns);
  void on_file_gone(const std::string& path);
  void dispatch();
  void on_read(const std::string& path, caf::actor worker, std::int64_t size, std::int64_t mtime_ns,
               pdf_facts facts);
  bool settled() const { return scan_done && backlog.empty() && reading_now == 0; }
  folder_inventory snapshot() const;
  /// The paths read with this SHA-256.
  std::vector<std::string> paths_of(const std::string& hash) const;
  void answer_waiters();
};

caf::behavior folder_index(caf::stateful_actor<folder_index_state>* self, caf::actor link,
                           std::vector<caf::actor> workers);

/// The daemon:pdf_indexed document for a file that read fine.
nlohmann::json document_payload(const folder_entry& entry, const std::string& indexed_at);
/// The daemon:error object for a broken file.
nlohmann::json error_payload(const folder_entry& entry);

} // namespace siberius::daemon
