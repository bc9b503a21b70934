// reader_process: one siberius-pdf-reader child, started on first use, asked
// for one file at a time. A reader that crashes or exceeds its time limit is
// killed and reported for that file only; the next read starts a new one.
// Used from one thread (a detached pdf_parse_job).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "pdf/pdf_metadata.hpp"

namespace siberius::daemon {

class reader_process {
public:
  /// `exe`: the siberius-pdf-reader binary; `time_limit`: per file (the reader
  /// enforces it itself; past it plus a grace period the process is killed).
  reader_process(std::string exe, std::chrono::milliseconds time_limit,
                 std::chrono::milliseconds grace = std::chrono::seconds(5), std::vector<std::string> extra_args = {});
  ~reader_process();
  reader_process(const reader_process&) = delete;
  reader_process& operator=(const reader_process&) = delete;

  /// Hashes and parses `path` in the child. Never throws for a bad file.
  pdf_facts read(const std::string& path);

  /// Ends the child (closes its input, waits briefly, then kills it).
  void stop();

  bool running() const;
  /// The child's process id, or -1.
  long long pid() const;

  /// siberius-pdf-reader beside the running executable.
  static std::string default_exe();

private:
  enum class read_outcome { ok, closed, timed_out };

  // One implementation per platform: reader_process_posix.cpp (posix_spawn,
  // pipes, SIGKILL), reader_process_windows.cpp (CreateProcessW, pipes, a job
  // object that kills the child with it).
  bool start(std::string& error);
  /// Sends one request; false when the child is gone.
  bool send(const std::string& path);
  /// Reads exactly n bytes of the answer before `deadline`.
  read_outcome receive(void* buf, std::size_t n, std::chrono::steady_clock::time_point deadline);
  /// Kills and reaps the child; returns how it ended, for the report.
  std::string reap(bool kill_first);

  std::string exe_;
  std::chrono::milliseconds time_limit_;
  std::chrono::milliseconds grace_;
  std::vector<std::string> extra_args_; // e.g. --check-only
#ifdef _WIN32
  void* process_ = nullptr;    // HANDLE
  void* job_ = nullptr;        // HANDLE: closing it (or TerminateJobObject) ends the child
  void* to_child_ = nullptr;   // HANDLE: its standard input (anonymous pipe)
  void* from_child_ = nullptr; // HANDLE: its standard output (named pipe, overlapped on our side)
  void* read_event_ = nullptr; // HANDLE
  long long pid_ = -1;
#else
  long long pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
#endif
};

/// A reader_process kept for the next file and ended after a quiet spell,
/// for an actor that reads files one at a time (the daemon's pdf_parse_job,
/// the server's upload checks). Each read() returns a turn; the actor sends
/// itself that turn after the idle time, and end_if_idle(turn) stops the
/// process when no read came since.
class resident_reader {
public:
  resident_reader(std::string exe, std::chrono::milliseconds time_limit, std::vector<std::string> extra_args = {})
    : reader_(std::move(exe), time_limit, std::chrono::seconds(5), std::move(extra_args)) {}

  /// The facts of `path` (never throws: anything unexpected is io_error) and
  /// this read's turn. `restarted` tells whether the reader process died with it.
  pdf_facts read(const std::string& path, std::uint64_t& turn, bool& restarted);

  void end_if_idle(std::uint64_t turn) {
    if (turn == turn_ && reader_.running())
      reader_.stop();
  }

  void stop() { reader_.stop(); }

private:
  reader_process reader_;
  std::uint64_t turn_ = 0;
};

} // namespace siberius::daemon
