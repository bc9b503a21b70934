#include "storage/cache_reconcile.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <set>

#include <pqxx/pqxx>

#include "storage/metadata_store.hpp"
#include "storage/store_impl.hpp"

namespace siberius::storage {

namespace fs = std::filesystem;

namespace {

/// The canonical form of `p` (symbolic links and .. resolved), or `p` itself
/// when that fails.
std::string canonical_text(const fs::path& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal().string() : c.string();
}

/// A name in `folder` that does not exist yet: `name`, else name.1, name.2...
fs::path free_name(const fs::path& folder, const std::string& name) {
  std::error_code ec;
  auto candidate = folder / name;
  for (int n = 1; fs::exists(fs::symlink_status(candidate, ec)); ++n)
    candidate = folder / (name + "." + std::to_string(n));
  return candidate;
}

} // namespace

std::vector<recorded_copy> lost_copies(const std::vector<recorded_copy>& rows) {
  std::vector<recorded_copy> lost;
  for (const auto& r : rows) {
    if (r.status != "cached")
      continue;
    struct stat st {};
    bool intact = ::stat(r.file_path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
                  static_cast<std::int64_t>(st.st_size) == r.file_size;
    if (!intact)
      lost.push_back(r);
  }
  return lost;
}

orphan_report quarantine_orphans(const std::string& storage_dir, const std::vector<recorded_copy>& known,
                                 std::chrono::seconds grace) {
  orphan_report report;
  std::set<std::string> named;
  for (const auto& r : known)
    named.insert(canonical_text(r.file_path));
  const fs::path root(storage_dir);
  const auto quarantine = root / cache::quarantine_folder;
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const auto& path = it->path();
    std::error_code e2;
    auto st = it->symlink_status(e2);
    if (it.depth() == 0 && fs::is_directory(st) &&
        (path.filename() == cache::partial_folder || path.filename() == cache::quarantine_folder)) {
      it.disable_recursion_pending();
      continue;
    }
    if (!fs::is_regular_file(st) || named.count(canonical_text(path)))
      continue; // folders, links a person made, and the copies rows name
    auto written = fs::last_write_time(path, e2);
    if (e2 || now - written < grace) {
      ++report.too_young;
      continue;
    }
    auto relative = path.lexically_relative(root);
    auto target = free_name(quarantine / relative.parent_path(), relative.filename().string());
    fs::create_directories(target.parent_path(), e2);
    if (!e2)
      fs::rename(path, target, e2);
    // The quarantine's clock starts now, not when the file was written.
    if (!e2)
      fs::last_write_time(target, fs::file_time_type::clock::now(), e2);
    if (e2 && fs::exists(path))
      report.failed.push_back(path.string() + ": " + e2.message());
    else
      report.quarantined.push_back(path.string());
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    report.failed.push_back(storage_dir + ": " + ec.message());
  return report;
}

std::size_t purge_quarantine(const std::string& storage_dir, std::chrono::hours age) {
  std::size_t removed = 0;
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  fs::recursive_directory_iterator it(fs::path(storage_dir) / cache::quarantine_folder, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code e2;
    if (!fs::is_regular_file(it->symlink_status(e2)))
      continue;
    auto written = fs::last_write_time(it->path(), e2);
    if (!e2 && now - written > age && fs::remove(it->path(), e2))
      ++removed;
  }
  return removed;
}

void prepare_reconcile_statements(pqxx::connection& c) {
  c.prepare("recorded_copies",
            "SELECT id, file_hash, file_path, file_size, status FROM pdf_cache WHERE file_path IS NOT NULL");
  // Only a row still cached with the very file that was checked goes back: a
  // copy uploaded or expired since then is left as it is.
  c.prepare("revert_lost_copies",
            "UPDATE pdf_cache p SET status = 'available_local', file_path = NULL, updated_at = now()"
            " FROM unnest($1::bigint[], $2::text[]) AS lost(id, file_path)"
            " WHERE p.id = lost.id AND p.file_path = lost.file_path AND p.status = 'cached'"
            " RETURNING p.id");
  // In slices, so the first pass over years of rows stays under statement_timeout.
  c.prepare("prune_audit",
            "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log"
            " WHERE at < now() - make_interval(days => $1::int) LIMIT $2)");
  // The janitor's own reports and the alerts cleared long ago: history kept as
  // long as the audit log.
  c.prepare("prune_cleanup_reports",
            "DELETE FROM cache_cleanup_reports WHERE finished_at < now() - make_interval(days => $1::int)");
  c.prepare("prune_alerts",
            "DELETE FROM alerts WHERE cleared_at < now() - make_interval(days => $1::int)");
  c.prepare("prune_sessions",
            "DELETE FROM sessions WHERE least(expires_at, coalesce(revoked_at, expires_at))"
            " < now() - make_interval(hours => $1::int)");
}

std::vector<recorded_copy> metadata_store::recorded_copies() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    auto rows = n.exec_prepared("recorded_copies");
    std::vector<recorded_copy> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
      out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                     r[3].as<std::int64_t>(), r[4].as<std::string>()});
    return out;
  });
}

std::vector<std::int64_t> metadata_store::revert_lost_copies(const std::vector<recorded_copy>& lost) {
  std::vector<std::int64_t> reverted;
  if (lost.empty())
    return reverted;
  std::string ids = "{";
  std::vector<std::string> paths;
  for (const auto& l : lost) {
    if (ids.size() > 1)
      ids += ',';
    ids += std::to_string(l.pdf_id);
    paths.push_back(l.file_path);
  }
  ids += '}';
  return impl_->run([&](pqxx::connection& c) {
    pqxx::work w(c);
    auto rows = w.exec_prepared("revert_lost_copies", ids, text_array(paths));
    w.commit();
    for (const auto& r : rows)
      reverted.push_back(r[0].as<std::int64_t>());
    return reverted;
  });
}

prune_counts metadata_store::prune(const prune_policy& policy) {
  constexpr int slice = 10000;
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    prune_counts counts;
    for (std::size_t deleted = slice; policy.audit_days > 0 && deleted == slice;) {
      deleted = n.exec_prepared("prune_audit", policy.audit_days, slice).affected_rows();
      counts.audit_rows += static_cast<std::int64_t>(deleted);
    }
    counts.sessions =
      static_cast<std::int64_t>(n.exec_prepared("prune_sessions", policy.session_margin_hours).affected_rows());
    if (policy.audit_days > 0) {
      counts.cleanup_reports =
        static_cast<std::int64_t>(n.exec_prepared("prune_cleanup_reports", policy.audit_days).affected_rows());
      counts.alerts = static_cast<std::int64_t>(n.exec_prepared("prune_alerts", policy.audit_days).affected_rows());
    }
    return counts;
  });
}

} // namespace siberius::storage
