// metadata_store: the system monitor's series. Connection spans, PDFs indexed
// per hour, cache usage and heartbeat latency for a time range, the summary
// cards, the cache sampler and the pruning of what is recorded. Every series
// is aggregated and zero-filled in SQL and comes back as one JSON text.
#include "storage/monitor.hpp"

#include <algorithm>
#include <cstdio>

#include <date/date.h>

#include "storage/metadata_store.hpp"
#include "storage/store_impl.hpp"

namespace siberius::storage {

namespace {

using json = nlohmann::json;

// -- time ---------------------------------------------------------------------

/// The day of a civil date (proleptic Gregorian); not ok() for 2026-02-30.
date::year_month_day civil(int year, int month, int day) {
  return {date::year(year), date::month(static_cast<unsigned>(month)), date::day(static_cast<unsigned>(day))};
}

/// Reads `n` digits at `at`; false when they are not all digits.
bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size())
    return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

constexpr const char* time_example = "an ISO 8601 time such as 2026-05-01T00:00:00Z";

} // namespace

std::optional<std::int64_t> parse_iso_time(std::string_view s) {
  bool fraction = false;
  return parse_iso_time(s, fraction);
}

std::optional<std::int64_t> parse_iso_time(std::string_view s, bool& fraction) {
  fraction = false;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day))
    return std::nullopt;
  if (year < 1970 || !civil(year, month, day).ok())
    return std::nullopt;
  std::size_t i = 10;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
      return std::nullopt;
    if (!digits(s, i + 1, 2, hour) || s.size() < i + 6 || s[i + 3] != ':' || !digits(s, i + 4, 2, minute))
      return std::nullopt;
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!digits(s, i + 1, 2, second))
        return std::nullopt;
      i += 3;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        std::size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
          ++i;
        if (i == start || i - start > 9)
          return std::nullopt;
        fraction = s.substr(start, i - start).find_first_not_of('0') != std::string_view::npos;
      }
    }
    if (hour > 23 || minute > 59 || second > 59)
      return std::nullopt;
  }
  std::int64_t offset = 0; // seconds east of UTC
  if (i < s.size()) {
    if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
      ++i;
    } else if (s[i] == '+' || s[i] == '-' || (s[i] == ' ' && i > 10)) {
      int sign = s[i] == '-' ? -1 : 1, oh = 0, om = 0;
      auto rest = s.size() - i - 1;
      bool ok = digits(s, i + 1, 2, oh) &&
                (rest == 2 || (rest == 4 && digits(s, i + 3, 2, om)) ||
                 (rest == 5 && s[i + 3] == ':' && digits(s, i + 4, 2, om)));
      if (!ok || oh > 14 || om > 59)
        return std::nullopt;
      offset = sign * (oh * 3600 + om * 60);
      i = s.size();
    } else {
      return std::nullopt;
    }
  }
  if (i != s.size())
    return std::nullopt;
  std::chrono::seconds day_start = date::sys_days(civil(year, month, day)).time_since_epoch(); // 64 bits
  return day_start.count() + hour * 3600 + minute * 60 + second - offset;
}

std::string iso_utc(std::int64_t seconds) {
  return date::format("%FT%TZ", date::sys_seconds(std::chrono::seconds(seconds)));
}

std::variant<time_range, std::string> parse_time_range(const std::optional<std::string>& from,
                                                       const std::optional<std::string>& to, std::int64_t now) {
  time_range r;
  if (to && !to->empty()) {
    bool fraction = false;
    auto t = parse_iso_time(*to, fraction);
    if (!t)
      return "to: expected " + std::string(time_example) + ", got '" + to->substr(0, 64) + "'";
    r.to = *t + (fraction ? 1 : 0); // the range keeps the whole last second
  } else {
    r.to = now;
  }
  if (from && !from->empty()) {
    auto f = parse_iso_time(*from);
    if (!f)
      return "from: expected " + std::string(time_example) + ", got '" + from->substr(0, 64) + "'";
    r.from = *f;
  } else {
    r.from = r.to - default_range_seconds;
  }
  if (r.from >= r.to)
    return "from must be before to (from " + iso_utc(r.from) + ", to " + iso_utc(r.to) + ")";
  if (r.to - r.from > max_range_seconds)
    return "the range may span at most 31 days (from " + iso_utc(r.from) + " to " + iso_utc(r.to) + " is " +
           std::to_string((r.to - r.from + 86399) / 86400) + " days)";
  return r;
}

std::int64_t latency_bucket_seconds(const time_range& r, std::int64_t daemons) {
  static constexpr std::array<std::int64_t, 9> steps = {300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
  auto per_daemon = std::min<std::int64_t>(300, 25000 / std::max<std::int64_t>(daemons, 1));
  for (auto step : steps)
    if ((r.to - r.from + step - 1) / step <= per_daemon)
      return step;
  return steps.back();
}

// -- statements ---------------------------------------------------------------

namespace {

// Spans of each daemon clipped to [from, to]; `end` is null while the daemon
// is still online and the range reaches the present (`to` within a minute of
// now, or later: a range that ends "now" was computed a moment ago).
constexpr const char* connections_sql = R"SQL(
WITH p AS (SELECT $1::timestamptz AS f, $2::timestamptz AS t),
d AS (
  SELECT id, client_id, client_name, status, disconnected_at FROM daemon_clients
  WHERE $3::bigint IS NULL OR id = $3
),
-- each daemon's state at `from` (its latest event), then its events in the range
ev AS (
  SELECT b.daemon_id, b.at, b.id, b.kind FROM d, p, LATERAL (
    SELECT e.daemon_id, e.at, e.id, e.kind FROM daemon_connection_events e
    WHERE e.daemon_id = d.id AND e.at <= p.f ORDER BY e.at DESC, e.id DESC LIMIT 1) b
  UNION ALL
  SELECT e.daemon_id, e.at, e.id, e.kind FROM daemon_connection_events e JOIN d ON d.id = e.daemon_id, p
  WHERE e.at > p.f AND e.at <= p.t
),
-- a reconnection that replaced a live session is online after online: one span
flips AS (
  SELECT daemon_id, at, id, kind, lag(kind) OVER (PARTITION BY daemon_id ORDER BY at, id) AS before FROM ev
),
spans AS (
  SELECT daemon_id, kind, greatest(at, p.f) AS start_at,
         lead(at) OVER (PARTITION BY daemon_id ORDER BY at, id) AS end_at
  FROM flips, p WHERE before IS DISTINCT FROM kind
),
per_daemon AS (
  SELECT s.daemon_id, json_agg(json_build_object(
    'start', siberius_iso_utc(s.start_at),
    'end', siberius_iso_utc(CASE WHEN s.end_at IS NOT NULL THEN s.end_at
                                 WHEN p.t < now() - interval '1 minute' THEN p.t
                                 WHEN d.status = 'online' THEN NULL
                                 ELSE least(greatest(d.disconnected_at, s.start_at), p.t) END))
    ORDER BY s.start_at) AS spans
  FROM spans s JOIN d ON d.id = s.daemon_id, p
  WHERE s.kind = 'online' AND s.start_at <= now()
  GROUP BY s.daemon_id
)
SELECT coalesce(json_agg(json_build_object('id', d.id, 'clientId', d.client_id, 'name', d.client_name,
  'status', d.status, 'spans', coalesce(x.spans, '[]'::json)) ORDER BY d.id), '[]'::json)::text
FROM d LEFT JOIN per_daemon x ON x.daemon_id = d.id
)SQL";

// Whole buckets: a point t counts [t, t + 1 h), for every bucket that starts
// before `to`, zeros included; buckets are aligned to the epoch (UTC hours).
constexpr const char* pdfs_indexed_sql = R"SQL(
WITH p AS (SELECT date_bin('1 hour', $1::timestamptz, TIMESTAMPTZ 'epoch') AS first,
                  date_bin('1 hour', $2::timestamptz - interval '1 microsecond', TIMESTAMPTZ 'epoch') AS last),
counts AS (
  SELECT date_bin('1 hour', c.created_at, TIMESTAMPTZ 'epoch') AS t, count(*) AS n
  FROM pdf_cache c, p WHERE c.created_at >= p.first AND c.created_at < p.last + interval '1 hour'
  GROUP BY 1
)
SELECT coalesce(json_agg(json_build_object('t', siberius_iso_utc(s.t), 'count', coalesce(counts.n, 0))
  ORDER BY s.t), '[]'::json)::text
FROM p CROSS JOIN LATERAL generate_series(p.first, p.last, interval '1 hour') AS s(t)
  LEFT JOIN counts ON counts.t = s.t
)SQL";

constexpr const char* cache_usage_sql = R"SQL(
SELECT coalesce(json_agg(json_build_object('t', siberius_iso_utc(at), 'bytes', bytes, 'files', files)
  ORDER BY at), '[]'::json)::text
FROM cache_usage_samples WHERE at >= $1::timestamptz AND at <= $2::timestamptz
)SQL";

// The 5-minute buckets re-aggregated into `step`-second ones; empty buckets
// are left out (no heartbeat is not a latency of zero). {daemon} is the
// daemon filter: two statements, so that the one for a single daemon keeps
// its index scan in a generic plan.
constexpr const char* latency_sql = R"SQL(
WITH p AS (SELECT make_interval(secs => $3::double precision) AS step),
r AS (SELECT date_bin(p.step, $1::timestamptz, TIMESTAMPTZ 'epoch') AS first,
             date_bin(p.step, $2::timestamptz - interval '1 microsecond', TIMESTAMPTZ 'epoch') + p.step AS stop,
             p.step FROM p),
d AS (SELECT id, client_id, client_name FROM daemon_clients WHERE {daemon}),
pts AS (
  SELECT b.daemon_id, date_bin(r.step, b.bucket, TIMESTAMPTZ 'epoch') AS t,
         sum(b.sum_ms) / sum(b.samples) AS avg_ms, max(b.max_ms) AS max_ms, sum(b.samples) AS samples
  FROM daemon_latency_buckets b, r
  WHERE b.bucket >= r.first AND b.bucket < r.stop AND {bucket_daemon}
  GROUP BY 1, 2
),
per_daemon AS (
  SELECT daemon_id, json_agg(json_build_object('t', siberius_iso_utc(t), 'avgMs', round(avg_ms::numeric, 2),
    'maxMs', round(max_ms::numeric, 2), 'samples', samples) ORDER BY t) AS points
  FROM pts GROUP BY daemon_id
)
SELECT coalesce(json_agg(json_build_object('id', d.id, 'clientId', d.client_id, 'name', d.client_name,
  'points', coalesce(x.points, '[]'::json)) ORDER BY d.id), '[]'::json)::text
FROM d LEFT JOIN per_daemon x ON x.daemon_id = d.id
)SQL";

constexpr const char* summary_sql = R"SQL(
SELECT (SELECT count(*) FROM daemon_clients WHERE status = 'online'),
       (SELECT count(*) FROM daemon_clients),
       (SELECT count(*) FROM pdf_cache),
       (SELECT count(*) FROM pdf_cache
         WHERE created_at >= date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1),
       c.bytes, c.files
FROM (SELECT coalesce(sum(file_size), 0) AS bytes, count(*) AS files FROM pdf_cache WHERE status = 'cached') c
)SQL";

// GET /metrics' database figures, in one statement: each daemon's state (a
// label per daemon, bounded by the daemons), PDFs by status, the cache.
constexpr const char* metrics_snapshot_sql = R"SQL(
SELECT json_build_object(
  'daemons', coalesce((SELECT json_agg(json_build_object('clientId', client_id, 'online', status = 'online')
                       ORDER BY client_id) FROM daemon_clients), '[]'::json),
  'pdfs', coalesce((SELECT json_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM pdf_cache
                    GROUP BY status) s), '{}'::json),
  'cache', (SELECT json_build_object('bytes', coalesce(sum(file_size), 0), 'files', count(*))
            FROM pdf_cache WHERE status = 'cached'))::text
)SQL";

/// Rows deleted per statement when pruning: a backlog (a server that was
/// down for weeks) is deleted in short statements, not one long one.
constexpr long prune_batch = 50000;

json parse_text(const pqxx::row& row) {
  return json::parse(row[0].as<std::string>());
}

} // namespace

void prepare_monitor_statements(pqxx::connection& c) {
  c.prepare("monitor_connections", connections_sql);
  c.prepare("monitor_pdfs_indexed", pdfs_indexed_sql);
  c.prepare("monitor_cache_usage", cache_usage_sql);
  auto latency = [](const char* daemon, const char* bucket_daemon) {
    std::string sql = latency_sql;
    sql.replace(sql.find("{daemon}"), 8, daemon);
    sql.replace(sql.find("{bucket_daemon}"), 15, bucket_daemon);
    return sql;
  };
  c.prepare("monitor_latency", latency("$4::bigint IS NULL", "$4::bigint IS NULL"));
  c.prepare("monitor_latency_one", latency("id = $4::bigint", "b.daemon_id = $4::bigint"));
  c.prepare("monitor_latency_some", latency("id = ANY ($4::bigint[])", "b.daemon_id = ANY ($4::bigint[])"));
  c.prepare("monitor_daemon_count", "SELECT count(*) FROM daemon_clients");
  c.prepare("monitor_summary", summary_sql);
  c.prepare("metrics_snapshot", metrics_snapshot_sql);
  c.prepare("monitor_cache_sample",
            "INSERT INTO cache_usage_samples (bytes, files)"
            " SELECT coalesce(sum(file_size), 0), count(*) FROM pdf_cache WHERE status = 'cached'"
            " ON CONFLICT (at) DO NOTHING RETURNING bytes, files");
  // A daemon's newest event before the cutoff stays: its state at the cutoff.
  c.prepare("monitor_prune_connections",
            "DELETE FROM daemon_connection_events e WHERE e.at < now() - make_interval(hours => $1)"
            " AND EXISTS (SELECT 1 FROM daemon_connection_events n WHERE n.daemon_id = e.daemon_id"
            " AND n.at < now() - make_interval(hours => $1) AND (n.at, n.id) > (e.at, e.id))");
  c.prepare("monitor_prune_latency_buckets",
            "DELETE FROM daemon_latency_buckets WHERE ctid = ANY (ARRAY(SELECT ctid FROM daemon_latency_buckets"
            " WHERE bucket < now() - make_interval(hours => $1) LIMIT $2))");
  c.prepare("monitor_prune_cache_samples",
            "DELETE FROM cache_usage_samples WHERE at < now() - make_interval(hours => $1)");
  c.prepare("monitor_time_zone_check", "SELECT now() AT TIME ZONE $1");
  // Heartbeats: each beat that carries a round trip is one sample of its
  // daemon's 5-minute bucket.
  c.prepare("monitor_latency_record",
            "WITH s AS (SELECT d.id AS daemon_id, s.rtt FROM unnest($1::text[], $2::real[]) AS s(client_id, rtt)"
            "   JOIN daemon_clients d ON d.client_id = s.client_id)"
            " INSERT INTO daemon_latency_buckets AS b (bucket, daemon_id, samples, sum_ms, max_ms)"
            " SELECT date_bin('5 minutes', now(), TIMESTAMPTZ 'epoch'), daemon_id, count(*), sum(rtt), max(rtt)"
            " FROM s GROUP BY daemon_id ORDER BY daemon_id"
            " ON CONFLICT (bucket, daemon_id) DO UPDATE SET samples = b.samples + EXCLUDED.samples,"
            " sum_ms = b.sum_ms + EXCLUDED.sum_ms, max_ms = greatest(b.max_ms, EXCLUDED.max_ms)");
}

void metadata_store::check_time_zone(const std::string& time_zone) {
  if (time_zone.empty() || time_zone.size() > 64 || time_zone.find('\0') != std::string::npos)
    throw std::invalid_argument("time zone: expected a name such as America/Sao_Paulo");
  impl_->run([&](pqxx::connection& c) {
    try {
      pqxx::nontransaction n(c);
      n.exec_prepared("monitor_time_zone_check", time_zone);
    } catch (const pqxx::data_exception&) {
      throw std::invalid_argument("unknown time zone '" + time_zone + "' (a name such as America/Sao_Paulo)");
    }
  });
}

json metadata_store::monitor_summary(const std::string& time_zone) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    auto row = n.exec_prepared1("monitor_summary", time_zone);
    return json{{"daemons", {{"online", row[0].as<std::int64_t>()}, {"total", row[1].as<std::int64_t>()}}},
                {"pdfs", {{"total", row[2].as<std::int64_t>()}, {"today", row[3].as<std::int64_t>()}}},
                {"cache", {{"bytes", row[4].as<std::int64_t>()}, {"files", row[5].as<std::int64_t>()}}}};
  });
}

json metadata_store::metrics_snapshot() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return parse_text(n.exec_prepared1("metrics_snapshot"));
  });
}

json metadata_store::connection_spans(const time_range& r, std::optional<std::int64_t> daemon_id) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return json{{"daemons", parse_text(n.exec_prepared1("monitor_connections", iso_utc(r.from), iso_utc(r.to),
                                                        daemon_id))}};
  });
}

json metadata_store::pdfs_indexed_per_hour(const time_range& r) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return json{{"bucketSeconds", pdfs_bucket_seconds},
                {"points", parse_text(n.exec_prepared1("monitor_pdfs_indexed", iso_utc(r.from), iso_utc(r.to)))}};
  });
}

json metadata_store::cache_usage(const time_range& r) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return json{{"points", parse_text(n.exec_prepared1("monitor_cache_usage", iso_utc(r.from), iso_utc(r.to)))}};
  });
}

json metadata_store::latency(const time_range& r, const std::vector<std::int64_t>& daemon_ids) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    if (daemon_ids.size() > 1) {
      // A bigint[] literal: the ids are numbers, nothing to escape.
      std::string ids = "{";
      for (auto id : daemon_ids)
        ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
      ids += "}";
      auto step = latency_bucket_seconds(r, static_cast<std::int64_t>(daemon_ids.size()));
      return json{{"bucketSeconds", step},
                  {"daemons", parse_text(n.exec_prepared1("monitor_latency_some", iso_utc(r.from), iso_utc(r.to),
                                                          step, ids))}};
    }
    std::optional<std::int64_t> one;
    if (!daemon_ids.empty())
      one = daemon_ids.front();
    auto daemons = one ? 1 : n.exec_prepared1("monitor_daemon_count")[0].as<std::int64_t>();
    auto step = latency_bucket_seconds(r, daemons);
    auto statement = one ? "monitor_latency_one" : "monitor_latency";
    return json{{"bucketSeconds", step},
                {"daemons", parse_text(n.exec_prepared1(statement, iso_utc(r.from), iso_utc(r.to), step, one))}};
  });
}

json metadata_store::sample_cache_usage() {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    auto r = n.exec_prepared("monitor_cache_sample");
    if (r.empty())
      return json(); // another sample at the same instant
    return json{{"bytes", r[0][0].as<std::int64_t>()}, {"files", r[0][1].as<std::int64_t>()}};
  });
}

json metadata_store::prune_monitor(const monitor_retention& keep) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    auto batched = [&](const char* statement, std::chrono::hours age) {
      std::int64_t total = 0;
      for (;;) {
        auto deleted = n.exec_prepared(statement, static_cast<int>(age.count()), prune_batch).affected_rows();
        total += static_cast<std::int64_t>(deleted);
        if (static_cast<long>(deleted) < prune_batch)
          return total;
      }
    };
    json out;
    out["connectionEvents"] =
      n.exec_prepared("monitor_prune_connections", static_cast<int>(keep.connection_events.count())).affected_rows();
    out["latencyBuckets"] = batched("monitor_prune_latency_buckets", keep.latency);
    out["cacheSamples"] =
      n.exec_prepared("monitor_prune_cache_samples", static_cast<int>(keep.cache_samples.count())).affected_rows();
    return out;
  });
}

} // namespace siberius::storage
