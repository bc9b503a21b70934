// Which files in the folder are PDFs to read, and when a file is finished
// being written. Pure rules, tested by table (tests/daemon/file_rules_test).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace siberius::daemon {

/// True for a name the daemon reads: ends in .pdf (any case) and is not an
/// office lock file (~$*), a temp or partial download (*.tmp, *.part), a
/// dot-file or Thumbs.db.
bool is_candidate_pdf(std::string_view filename);

/// True for a folder the watcher does not enter (dot-folders such as .git, .Trash-1000).
bool is_skipped_folder(std::string_view name);

/// One look at a file: what stat said and when (steady clock).
struct file_look {
  std::int64_t size = -1;
  std::int64_t mtime_ns = 0;
  std::chrono::steady_clock::time_point at{};
  bool same_content_as(const file_look& other) const { return size == other.size && mtime_ns == other.mtime_ns; }
};

/// What to do with a file given its first look since its last change and the
/// latest one, and the wall clock now (`wall_now_ns`, the epoch of mtime_ns). A
/// file whose mtime is already the settle interval old is not being written:
/// it is read at once, with or without %%EOF (a folder's old files are not held
/// back by the stable wait, nor by a settle wait when their end is broken).
enum class readiness {
  wait,       ///< changed since, or not yet looked at long enough
  read,       ///< unchanged for the stable interval and ends with %%EOF
  read_anyway ///< unchanged for the settle interval without %%EOF: read it and let
              ///< read_pdf say what is wrong (empty, truncated, not a PDF)
};
readiness judge_readiness(const file_look& first, const file_look& latest, bool ends_with_eof,
                          std::chrono::milliseconds stable_interval, std::chrono::milliseconds settle_interval,
                          std::int64_t wall_now_ns);

/// True when the file's own mtime is already the settle interval old: nobody
/// is writing it, and it is read whether or not it ends with %%EOF (so the
/// watcher need not open it to look: a folder's old files are only stat'ed).
bool written_long_ago(const file_look& look, std::chrono::milliseconds settle_interval, std::int64_t wall_now_ns);

/// Now on the wall clock, in the epoch and unit of file_look::mtime_ns.
std::int64_t wall_clock_ns();

/// True when "%%EOF" occurs in the last 1 KiB of the file (PDF writers may put
/// a newline or some junk after it). Opens the file read-only.
bool file_ends_with_eof(const std::string& path);

/// True when `text` ends with %%EOF in its last 1 KiB (the pure part of the above).
bool tail_has_eof(std::string_view tail);

} // namespace siberius::daemon
