// REST: the admin's system monitor (/api/admin/monitor/*): the summary cards
// and the series its charts draw (connection spans, PDFs indexed per hour,
// cache usage, heartbeat latency) for a time range. Admin-only; the series
// are aggregated by the database (storage/monitor.cpp).
#include <algorithm>
#include <cmath>
#include <variant>

#include "api/api_support.hpp"
#include "actors/log.hpp"
#include "storage/monitor.hpp"

namespace siberius::actors {

namespace {

namespace http = net::http;
using json = nlohmann::json;

enum class series { summary, connections, pdfs_indexed, cache, latency };

std::optional<series> series_named(std::string_view name) {
  if (name == "summary")
    return series::summary;
  if (name == "connections")
    return series::connections;
  if (name == "pdfs-indexed")
    return series::pdfs_indexed;
  if (name == "cache")
    return series::cache;
  if (name == "latency")
    return series::latency;
  return std::nullopt;
}

struct monitor_query {
  series what = series::summary;
  storage::time_range range;
  std::optional<std::int64_t> daemon_id;
  /// /latency only: several daemons at once (the chart's top few).
  std::vector<std::int64_t> daemon_ids;
};

/// Ids one /latency request may name: the chart draws a handful of lines.
constexpr std::size_t max_latency_daemons = 20;

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

/// Now, rounded up to a whole second: a range ending now includes this instant.
std::int64_t now_ceiled() {
  using namespace std::chrono;
  return ceil<seconds>(system_clock::now().time_since_epoch()).count();
}

/// What the request asks for, or why it cannot be answered (a 400's text).
std::variant<monitor_query, std::string> parse_query(series what, std::string_view target) {
  monitor_query q;
  q.what = what;
  if (what == series::summary)
    return q;
  bool bad = false;
  auto from = query_param(target, "from", bad);
  auto to = query_param(target, "to", bad);
  auto daemon = query_param(target, "daemonId", bad);
  if (bad)
    return std::string("the query string has malformed percent-encoding");
  auto range = storage::parse_time_range(from, to, now_ceiled());
  if (auto why = std::get_if<std::string>(&range))
    return *why;
  q.range = std::get<storage::time_range>(range);
  if (daemon && !daemon->empty()) {
    if (what != series::connections && what != series::latency)
      return std::string("daemonId: only /connections and /latency are kept per daemon");
    std::string_view rest = *daemon;
    while (true) {
      auto comma = rest.find(',');
      auto item = std::string(rest.substr(0, comma));
      auto id = parse_id(item);
      if (!id || *id == 0)
        return "daemonId: expected a daemon's id (a whole number), got '" + item.substr(0, 32) + "'";
      q.daemon_ids.push_back(*id);
      if (comma == std::string_view::npos)
        break;
      rest.remove_prefix(comma + 1);
    }
    if (q.daemon_ids.size() > 1 && what != series::latency)
      return std::string("daemonId: /connections takes one daemon; /latency up to ") +
             std::to_string(max_latency_daemons) + ", separated by commas";
    if (q.daemon_ids.size() > max_latency_daemons)
      return "daemonId: at most " + std::to_string(max_latency_daemons) + " daemons per request";
    std::sort(q.daemon_ids.begin(), q.daemon_ids.end());
    q.daemon_ids.erase(std::unique(q.daemon_ids.begin(), q.daemon_ids.end()), q.daemon_ids.end());
    if (q.daemon_ids.size() == 1)
      q.daemon_id = q.daemon_ids.front();
  }
  return q;
}

std::function<json(storage::metadata_store&)> job_for(const api_context& ctx, const monitor_query& q) {
  switch (q.what) {
    case series::summary:
      return [tz = ctx.time_zone](storage::metadata_store& s) { return s.monitor_summary(tz); };
    case series::connections:
      return [q](storage::metadata_store& s) { return s.connection_spans(q.range, q.daemon_id); };
    case series::pdfs_indexed:
      return [q](storage::metadata_store& s) { return s.pdfs_indexed_per_hour(q.range); };
    case series::cache:
      return [q](storage::metadata_store& s) { return s.cache_usage(q.range); };
    case series::latency:
      return [q](storage::metadata_store& s) { return s.latency(q.range, q.daemon_ids); };
  }
  return {};
}

json capacity(const api_context& ctx) {
  return ctx.cache_capacity_bytes ? json(*ctx.cache_capacity_bytes) : json(nullptr);
}

/// The summary's server card: when it started and for how long it has run.
json server_card(const api_context& ctx) {
  using namespace std::chrono;
  auto up = steady_clock::now() - ctx.started;
  auto started_at = system_clock::now() - duration_cast<system_clock::duration>(up);
  return {{"version", SIBERIUS_VERSION},
          {"startedAt", storage::iso_utc(unix_seconds(started_at))},
          {"uptimeSeconds", std::round(duration_cast<duration<double>>(up).count() * 10) / 10}};
}

/// The database's answer completed with what the server knows itself.
net::http_response answer(const api_context& ctx, const net::http_request& req, const monitor_query& q, json body) {
  if (q.what == series::summary) {
    body["cache"]["capacityBytes"] = capacity(ctx);
    body["server"] = server_card(ctx);
    body["at"] = now_iso8601();
    return json_response(req, http::status::ok, body);
  }
  if (q.daemon_id && body["daemons"].empty())
    return error_response(req, http::status::not_found, "not_found",
                          "no daemon with id " + std::to_string(*q.daemon_id));
  body["from"] = storage::iso_utc(q.range.from);
  body["to"] = storage::iso_utc(q.range.to);
  if (q.what == series::cache)
    body["capacityBytes"] = capacity(ctx);
  return json_response(req, http::status::ok, body);
}

} // namespace

bool serve_monitor_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                       const net::http_responder& respond) {
  constexpr std::string_view prefix = "/api/admin/monitor/";
  auto path = path_of_target(req.target());
  if (path.substr(0, prefix.size()) != prefix)
    return false;
  auto what = series_named(path.substr(prefix.size()));
  if (!what) {
    respond(error_response(req, http::status::not_found, "not_found", "no such endpoint: " + std::string(path)));
    return true;
  }
  if (req.method() != http::verb::get) {
    respond(not_allowed(req));
    return true;
  }
  // Who asks comes first: an anonymous request learns nothing, not even
  // that its range is wrong.
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto&) {
    auto parsed = parse_query(*what, req.target());
    if (auto why = std::get_if<std::string>(&parsed))
      return respond(error_response(req, http::status::bad_request, "bad_request", *why));
    auto q = std::get<monitor_query>(parsed);
    ask_db(self, ctx, req, respond, job_for(ctx, q), [=](json body) { respond(answer(ctx, req, q, std::move(body))); });
  });
  return true;
}

} // namespace siberius::actors
