#include "storage/cache_reconcile.hpp"

#include <pqxx/pqxx>

#include "storage/metadata_store.hpp"
#include "storage/store_impl.hpp"

namespace siberius::storage {

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
