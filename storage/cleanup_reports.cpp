// The cache janitor's run reports (schema/010_janitor_reports.sql): written
// once per run, read newest first by GET /api/admin/cache/reports.
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "storage/metadata_store.hpp"
#include "storage/store_impl.hpp"

namespace siberius::storage {

namespace {

constexpr const char* report_json_sql =
  "json_build_object('id', id, 'trigger', trigger, 'startedAt', siberius_iso_utc(started_at),"
  " 'finishedAt', siberius_iso_utc(finished_at),"
  " 'durationMs', round(extract(epoch FROM finished_at - started_at) * 1000)::bigint,"
  " 'filesRemoved', files_removed, 'bytesFreed', bytes_freed, 'expiredRows', expired_rows,"
  " 'staleTempFilesRemoved', stale_temp_removed, 'errors', errors, 'details', details)::text";

} // namespace

nlohmann::json metadata_store::record_cleanup_report(const nlohmann::json& r) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    auto rows = n.exec_params(
      std::string("INSERT INTO cache_cleanup_reports (trigger, started_at, finished_at, files_removed, bytes_freed,"
                  " expired_rows, stale_temp_removed, errors, details)"
                  " VALUES ($1, $2::timestamptz, $3::timestamptz, $4, $5, $6, $7, $8::jsonb, $9::jsonb) RETURNING ") +
        report_json_sql,
      r.at("trigger").get<std::string>(), r.at("startedAt").get<std::string>(),
      r.at("finishedAt").get<std::string>(), r.value("filesRemoved", 0), r.value("bytesFreed", std::int64_t(0)),
      r.value("expiredRows", 0), r.value("staleTempFilesRemoved", 0),
      r.value("errors", nlohmann::json::array()).dump(), r.value("details", nlohmann::json::object()).dump());
    return nlohmann::json::parse(rows[0][0].as<std::string>());
  });
}

nlohmann::json metadata_store::cleanup_reports(int limit) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    auto rows = n.exec_params(std::string("SELECT ") + report_json_sql +
                                " FROM cache_cleanup_reports ORDER BY started_at DESC, id DESC LIMIT $1",
                              limit);
    auto out = nlohmann::json::array();
    for (const auto& row : rows)
      out.push_back(nlohmann::json::parse(row[0].as<std::string>()));
    return out;
  });
}

} // namespace siberius::storage
