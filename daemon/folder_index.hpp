// folder_index: the in-memory map path -> (size, mtime, SHA-256) of this run.
// The first scan's files are first offered to the server (daemon:stat_check):
// those it holds with the same path, size and mtime are trusted with the
// server's hash and not read; the others are read (hashed and parsed, by the
// pdf_parse_job pool) and each document goes to server_link as soon as it is
// read. A small share of the trusted files is re-read in the background
// (VERIFY_PER_HOUR) so a change that kept its mtime is still caught.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "daemon/actors.hpp"
#include "daemon/file_table.hpp"
#include "daemon/messages.hpp"
#include "pdf/sha256_stream.hpp"

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
pdf_parse_actor::behavior_type pdf_parse_job(pdf_parse_actor::pointer self, parse_job_options options);

struct index_options {
  /// Background re-verification: this percentage of the files the server
  /// vouched for (not read in this run) is read again per hour; 0 turns it off.
  double verify_per_hour = 5;
  /// Only files of the first scan whose mtime is this old are offered to the
  /// server: a file written just now is new to it, and is read at once.
  std::chrono::milliseconds settle_interval{30000};
  /// Makes a parse worker to take the place of one that died (spawned
  /// detached, like the first ones); none: the pool shrinks instead.
  std::function<pdf_parse_actor()> replace_worker;
};

struct folder_index_state {
  /// What the index keeps per file, and nothing more: no document (it is
  /// sent as soon as it is read, and read again if the server asks later).
  struct tracked_file {
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
    sha256_bytes hash{};
    enum class state : std::uint8_t {
      unchecked, // waits for the server's stat_check answer
      checking,  // in a stat_check in flight
      reading,   // queued or with a worker
      known,     // hash known: read fine (or without text), or vouched for by the server
      broken,    // read, cannot be indexed (its facts are in broken_facts)
    } status = state::unchecked;
    bool vouched = false;   // hash from the server, not yet read in this run: re-verify it
    bool verifying = false; // this read is a re-verification
    bool gone = false;      // deleted while being read or checked
  };

  folder_index_actor::pointer self = nullptr;
  server_link_actor link;
  index_options options;
  std::vector<pdf_parse_actor> workers;
  std::vector<pdf_parse_actor> idle_workers;
  struct read_in_flight {
    std::string path;
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
  };
  // worker -> the file it reads: a worker that dies mid-read ends that read.
  std::unordered_map<caf::actor_addr, read_in_flight> in_flight;
  // Workers spawned in place of dead ones (shared with the functor that ends them with the index).
  std::shared_ptr<std::vector<pdf_parse_actor>> replacements = std::make_shared<std::vector<pdf_parse_actor>>();
  file_table<tracked_file> files;
  std::unordered_map<std::string, pdf_facts> broken_facts; // the few broken files' reports
  std::deque<std::string> backlog;   // paths waiting for a worker
  std::deque<std::string> unchecked; // paths of the first scan waiting for a stat_check
  bool check_in_flight = false;
  bool check_scheduled = false;
  bool server_checks = true; // false once the server turned out not to know daemon:stat_check
  std::size_t reading_now = 0;
  bool link_full = false; // server_link's queue is full: start no read until it has room
  bool scan_done = false;
  bool verify_armed = false;
  std::vector<caf::typed_response_promise<folder_inventory>> inventory_waiters;
  std::vector<std::pair<std::string, caf::typed_response_promise<std::vector<std::string>>>> locate_waiters;

  static inline const char* name = "folder_index";

  void on_file_ready(const std::string& path, std::int64_t size, std::int64_t mtime_ns);
  void on_file_gone(const std::string& path);
  void start_reading(const std::string& path, tracked_file& f);
  /// Sends the next stat_check chunk of the first scan's files, one at a time.
  void check_more();
  void on_checked(std::vector<std::string> paths, stat_answer answer);
  void dispatch();
  void on_read(const std::string& path, pdf_parse_actor worker, std::int64_t size, std::int64_t mtime_ns,
               pdf_facts facts);
  /// A parse worker ended: it leaves the pool, its read ends as a failed one,
  /// and a new worker takes its place.
  void on_worker_down(const caf::down_msg& msg);
  void reread(const std::vector<std::string>& paths);
  void arm_verify();
  void verify_one();
  bool settled() const {
    return scan_done && unchecked.empty() && !check_in_flight && !check_scheduled && backlog.empty() &&
           reading_now == 0;
  }
  folder_inventory snapshot() const;
  /// The paths read with this SHA-256.
  std::vector<std::string> paths_of(const std::string& hash) const;
  void answer_waiters();
};

folder_index_actor::behavior_type folder_index(folder_index_actor::stateful_pointer<folder_index_state> self,
                                               server_link_actor link, std::vector<pdf_parse_actor> workers,
                                               index_options options = {});

/// The daemon:pdf_indexed document for a file that read fine.
nlohmann::json document_payload(const folder_entry& entry, const std::string& indexed_at);
/// The daemon:error object for a broken file.
nlohmann::json error_payload(const folder_entry& entry);

} // namespace siberius::daemon
