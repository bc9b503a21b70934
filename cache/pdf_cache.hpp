// The PDF cache's files on disk: an upload is received into <storage>/tmp/
// and renamed into <storage>/YYYY/MM/ once checked; copies are deleted when
// they expire or are replaced. Every write and delete of a cached PDF goes
// through here (the upload endpoint, the cache janitor, the record of a new
// copy), so one place decides names, folders and what "on disk" means. The
// rows that name these files are storage/'s.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace siberius::cache {

/// Folders of <storage>/ that are not cached copies: partial uploads and the quarantine.
inline constexpr const char* partial_folder = "tmp";
inline constexpr const char* quarantine_folder = "quarantine";

/// A file being received: <storage>/tmp/<hash>.<random>.part, open for writing.
struct partial_file {
  std::string path;
  int fd = -1; // the caller closes it
};

/// Creates the partial file of an upload of `file_hash` (and tmp/ when
/// missing). On failure fd is -1, path is empty and `why` says why.
partial_file open_partial(const std::string& storage_dir, const std::string& file_hash, std::string& why);

/// Writes all `n` bytes to `fd`; false with `why` when the disk refuses.
bool append(int fd, const char* p, std::size_t n, std::string& why);

/// Moves the received file at `partial` into the cache so that a power cut
/// after the row says `cached` cannot lose it: <storage>/YYYY/MM/ (this UTC
/// month), under a name of its own, so deleting an expired copy of the same
/// PDF can never delete a newer one. The file's bytes and its new name are on
/// disk before this returns the copy's path; on failure it returns an empty
/// string, `why` says what failed and `partial` is still there.
std::string store_copy(const std::string& storage_dir, const std::string& partial, const std::string& file_hash,
                       const std::string& filename, std::string& why);

/// Deletes a file the cache does not keep (a partial upload, a copy no row
/// records, a copy replaced by a newer one); a failure is not reported.
void discard(const std::string& path);

struct removal {
  bool removed = false;    // the file was there and is gone
  std::uint64_t bytes = 0; // its size, when it could be read first
  std::string error;       // why it could not be deleted; empty when it was, or was gone already
};

/// Deletes the cached copy at `path`. A file gone already (deleted before a
/// crash kept its row from saying so) is neither removed nor an error.
removal remove_copy(const std::string& path);

/// Deletes <storage>/tmp/*.part files untouched for `age`: uploads that died
/// with the process (a live upload writes to its file all the time). Each
/// failure is added to `errors` as "remove <path>: <reason>".
std::size_t remove_stale_partials(const std::string& storage_dir, std::chrono::minutes age,
                                  std::vector<std::string>& errors);

/// The copy at `path` is on disk.
bool on_disk(const std::string& path);

/// "OS 89331 (final).pdf" -> "OS_89331_final_.pdf": letters, digits, '.', '-'
/// and '_' only, never hidden, at most 100 characters. For a copy's file name.
std::string safe_file_name(const std::string& name);

} // namespace siberius::cache
