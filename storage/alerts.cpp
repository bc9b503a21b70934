// Alerts in PostgreSQL: written by id (a raise and its clear are the same
// row, so writing one again after a lost connection is harmless).
#include "storage/alerts.hpp"

#include <cstdio>
#include <ctime>

#include "storage/metadata_store.hpp"
#include "storage/store_impl.hpp"

namespace siberius::storage {

using json = nlohmann::json;

namespace {

/// "2026-05-01T12:00:00.123Z"
std::string iso_utc_ms(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

} // namespace

json to_json(const alert_record& a) {
  return {{"id", a.id},
          {"kind", a.kind},
          {"subject", a.subject},
          {"severity", a.severity},
          {"message", a.message},
          {"details", a.details},
          {"raisedAt", iso_utc_ms(a.raised_at_ms)},
          {"clearedAt", a.cleared_at_ms ? json(iso_utc_ms(*a.cleared_at_ms)) : json(nullptr)}};
}

json alert_to_row(const alert_record& a) {
  return {{"id", a.id},           {"kind", a.kind},       {"subject", a.subject},
          {"severity", a.severity}, {"message", a.message}, {"details", a.details},
          {"raisedAtMs", a.raised_at_ms},
          {"clearedAtMs", a.cleared_at_ms ? json(*a.cleared_at_ms) : json(nullptr)}};
}

alert_record alert_from_row(const json& row) {
  alert_record a;
  a.id = row.value("id", "");
  a.kind = row.value("kind", "");
  a.subject = row.value("subject", "");
  a.severity = row.value("severity", "warning");
  a.message = row.value("message", "");
  a.details = row.value("details", json::object());
  a.raised_at_ms = row.value("raisedAtMs", std::int64_t{0});
  if (row.contains("clearedAtMs") && row["clearedAtMs"].is_number())
    a.cleared_at_ms = row["clearedAtMs"].get<std::int64_t>();
  return a;
}

void prepare_alert_statements(pqxx::connection& c) {
  c.prepare("alert_write",
            "INSERT INTO alerts (id, kind, subject, severity, message, details, raised_at, cleared_at)"
            " VALUES ($1, $2, $3, $4, $5, $6::jsonb, to_timestamp($7::bigint / 1000.0),"
            "         to_timestamp($8::bigint / 1000.0))"
            " ON CONFLICT (id) DO UPDATE SET cleared_at = EXCLUDED.cleared_at, details = EXCLUDED.details,"
            "   message = EXCLUDED.message, severity = EXCLUDED.severity");
  c.prepare("alerts_recent",
            "SELECT id, kind, subject, severity, message, details::text,"
            " (extract(epoch FROM raised_at) * 1000)::bigint,"
            " (extract(epoch FROM cleared_at) * 1000)::bigint"
            " FROM alerts ORDER BY raised_at DESC, id LIMIT $1");
  c.prepare("alerts_close_open",
            "UPDATE alerts SET cleared_at = to_timestamp($1::bigint / 1000.0) WHERE cleared_at IS NULL");
  c.prepare("cache_totals",
            "SELECT coalesce(sum(file_size), 0)::bigint, count(*) FROM pdf_cache WHERE status = 'cached'");
}

void metadata_store::write_alerts(const std::vector<alert_record>& alerts) {
  if (alerts.empty())
    return;
  impl_->run([&](pqxx::connection& c) {
    pqxx::work w(c);
    for (auto& a : alerts)
      w.exec_prepared("alert_write", a.id, a.kind, a.subject, a.severity, a.message, a.details.dump(),
                      a.raised_at_ms, a.cleared_at_ms);
    w.commit();
  });
}

std::vector<alert_record> metadata_store::recent_alerts(int limit) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    std::vector<alert_record> out;
    for (auto row : n.exec_prepared("alerts_recent", limit)) {
      alert_record a;
      a.id = row[0].as<std::string>();
      a.kind = row[1].as<std::string>();
      a.subject = row[2].as<std::string>();
      a.severity = row[3].as<std::string>();
      a.message = row[4].as<std::string>();
      a.details = json::parse(row[5].as<std::string>(), nullptr, false);
      a.raised_at_ms = row[6].as<std::int64_t>();
      if (!row[7].is_null())
        a.cleared_at_ms = row[7].as<std::int64_t>();
      out.push_back(std::move(a));
    }
    return out;
  });
}

std::int64_t metadata_store::close_open_alerts(std::int64_t at_ms) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return static_cast<std::int64_t>(n.exec_prepared("alerts_close_open", at_ms).affected_rows());
  });
}

json metadata_store::cache_totals() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    auto row = n.exec_prepared1("cache_totals");
    return json{{"bytes", row[0].as<std::int64_t>()}, {"files", row[1].as<std::int64_t>()}};
  });
}

} // namespace siberius::storage
