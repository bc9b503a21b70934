// The files' side of bringing the PDF cache and pdf_cache's rows back into
// agreement (at start and once a day, by the cache janitor; the rows' side is
// storage/cache_reconcile.hpp). A crash, a restored backup or a full disk can
// leave a row that says `cached` without its file (or with a truncated one),
// or a file no row names. Such files go to <storage>/quarantine/, where they
// stay a while before they are deleted, so nothing an operator might want
// back disappears at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cache/pdf_cache.hpp"

namespace siberius::cache {

/// A pdf_cache row that names a file in the cache (file_path not null).
struct recorded_copy {
  std::int64_t pdf_id = 0;
  std::string file_hash;
  std::string file_path;
  std::int64_t file_size = 0; // what the daemon indexed; the cached copy has the same size
  std::string status;         // cached, or uploading / available_local with an older copy
};

/// The `cached` rows of `rows` whose file is gone, is not a regular file, or
/// has another size than the row records.
std::vector<recorded_copy> lost_copies(const std::vector<recorded_copy>& rows);

struct orphan_report {
  std::vector<std::string> quarantined; // their paths before the move
  std::vector<std::string> failed;      // "path: reason"
  std::size_t too_young = 0;            // left alone: written within the grace period
};

/// Moves every regular file under `storage_dir` (outside tmp/ and
/// quarantine/) that no row of `known` names into <storage>/quarantine/, at
/// the same relative path. Files written within `grace` are left alone: an
/// upload renames its file into place before its row is committed. Paths
/// are compared in canonical form, so a relative and an absolute
/// --storage-dir name the same files.
orphan_report quarantine_orphans(const std::string& storage_dir, const std::vector<recorded_copy>& known,
                                 std::chrono::seconds grace);

/// Deletes the files quarantined longer ago than `age`; returns how many.
std::size_t purge_quarantine(const std::string& storage_dir, std::chrono::hours age);

} // namespace siberius::cache
