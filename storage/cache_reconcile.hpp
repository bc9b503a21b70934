// The rows' side of bringing the PDF cache's files and pdf_cache's rows back
// into agreement (at start and once a day, by the cache janitor), and the
// pruning of old audit rows and dead sessions done in the same pass. The
// files' side is cache/reconcile.hpp: rows whose copy is lost go back to
// `available_local` here (the office still has the PDF, a user can request
// it again); files no row names go to the quarantine there.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cache/reconcile.hpp"

namespace siberius::storage {

/// A pdf_cache row that names a file in the cache (cache/reconcile.hpp).
using cache::recorded_copy;

/// How old what the daily pass deletes must be.
struct prune_policy {
  int audit_days = 365;          // audit_log rows, cleanup reports and cleared alerts older than this; 0 keeps them all
  int session_margin_hours = 24; // sessions expired or revoked longer ago than this
};

struct prune_counts {
  std::int64_t audit_rows = 0;
  std::int64_t sessions = 0;
  std::int64_t cleanup_reports = 0;
  std::int64_t alerts = 0;
};

} // namespace siberius::storage
