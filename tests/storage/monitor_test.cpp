#define CAF_SUITE storage_monitor
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "pg_fixture.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;
using nlohmann::json;

namespace {

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

struct fixture {
  pg_database db{"mon"};
  metadata_store store{db.options()};
  std::string office_token;
  std::int64_t office = 0, branch = 0;
  std::int64_t now = unix_now();

  fixture() {
    office_token = store.create_daemon_token("Escritorio", std::string("office")).token;
    store.create_daemon_token("Filial", std::string("branch"));
    office = std::stoll(db.scalar("SELECT id FROM daemon_clients WHERE client_id = 'office'"));
    branch = std::stoll(db.scalar("SELECT id FROM daemon_clients WHERE client_id = 'branch'"));
  }

  void event(std::int64_t daemon, std::int64_t at, const std::string& kind) {
    db.sql("INSERT INTO daemon_connection_events (daemon_id, at, kind) VALUES (" + std::to_string(daemon) +
           ", to_timestamp(" + std::to_string(at) + "), '" + kind + "')");
  }

  void set_status(std::int64_t daemon, const std::string& status, const std::string& disconnected_at = "NULL") {
    db.sql("UPDATE daemon_clients SET status = '" + status + "', disconnected_at = " + disconnected_at +
           " WHERE id = " + std::to_string(daemon));
  }

  /// One PDF row, created `at`, with `status` and `size` bytes.
  void pdf(int n, std::int64_t at, const std::string& status = "available_local", std::int64_t size = 1000) {
    db.sql("INSERT INTO pdf_cache (file_hash, filename, file_size, client_id, status, created_at) VALUES ('" +
           hex_hash(n) + "', 'f" + std::to_string(n) + ".pdf', " + std::to_string(size) + ", 'office', '" + status +
           "', to_timestamp(" + std::to_string(at) + "))");
  }

  /// The spans of one daemon as "start..end" in seconds relative to `now`
  /// ("open" for a null end), e.g. {"-9h..-8h"}.
  std::vector<std::string> spans(std::int64_t daemon, std::int64_t from, std::int64_t to) {
    auto all = store.connection_spans({from, to}, std::nullopt)["daemons"];
    std::vector<std::string> out;
    for (auto& d : all) {
      if (d["id"] != daemon)
        continue;
      for (auto& s : d["spans"])
        out.push_back(relative(s["start"]) + ".." + (s["end"].is_null() ? "open" : relative(s["end"])));
    }
    return out;
  }

  std::string relative(const json& iso) {
    auto t = parse_iso_time(iso.get<std::string>());
    CAF_REQUIRE(t.has_value());
    auto d = *t - now;
    if (d % hour == 0)
      return std::to_string(d / hour) + "h";
    return std::to_string(d) + "s";
  }

  json list_entry(const std::string& client_id) {
    for (auto& d : store.list_daemons())
      if (d["clientId"] == client_id)
        return d;
    return nullptr;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(monitor_tests, fixture)

CAF_TEST(connecting and leaving are recorded with the address and the reason) {
  auto first = store.authenticate_daemon(office_token, "office", "1.0", "203.0.113.5");
  CAF_REQUIRE(first.status == auth_status::ok);
  auto second = store.authenticate_daemon(office_token, "office", "1.0", "203.0.113.6");
  CAF_REQUIRE(second.status == auth_status::ok);
  // The replaced connection's late offline is not an event: the daemon is still online.
  store.mark_offline("office", first.daemon.connected_at, "transport close");
  store.mark_offline("office", second.daemon.connected_at, "ping timeout");
  store.mark_offline("office", second.daemon.connected_at, "again"); // already offline: nothing
  CAF_CHECK_EQUAL(db.scalar("SELECT string_agg(kind || ' ' || coalesce(remote_addr, '-') || ' ' ||"
                            " coalesce(reason, '-'), ' | ' ORDER BY id) FROM daemon_connection_events"
                            " WHERE daemon_id = " + std::to_string(office)),
                  "online 203.0.113.5 - | online 203.0.113.6 - | offline - ping timeout");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM daemon_connection_events e JOIN daemon_clients d"
                            " ON d.id = e.daemon_id WHERE e.kind = 'online' AND e.at = d.connected_at"),
                  "1");
  // Both connections make one span, closed when the second left.
  auto list = store.connection_spans({now - hour, now + hour}, office)["daemons"];
  CAF_REQUIRE_EQUAL(list.size(), 1u);
  CAF_CHECK_EQUAL(list[0]["clientId"], "office");
  CAF_CHECK_EQUAL(list[0]["name"], "Escritorio");
  CAF_CHECK_EQUAL(list[0]["status"], "offline");
  CAF_REQUIRE_EQUAL(list[0]["spans"].size(), 1u);
  CAF_CHECK(!list[0]["spans"][0]["end"].is_null());
}

CAF_TEST(a server restart closes the spans it left open) {
  CAF_REQUIRE(store.authenticate_daemon(office_token, "office", "1.0", "::1").status == auth_status::ok);
  auto open = spans(office, now - hour, now + hour);
  CAF_REQUIRE_EQUAL(open.size(), 1u);
  CAF_CHECK(open[0].find("..open") != std::string::npos);
  store.reset_online_daemons();
  CAF_CHECK_EQUAL(db.scalar("SELECT reason FROM daemon_connection_events WHERE kind = 'offline'"),
                  "server stopped or restarted");
  auto closed = spans(office, now - hour, now + hour);
  CAF_REQUIRE_EQUAL(closed.size(), 1u);
  CAF_CHECK(closed[0].find("..open") == std::string::npos);
}

CAF_TEST(spans are clipped to the range and open while the daemon is online) {
  event(office, now - 10 * hour, "online");
  event(office, now - 8 * hour, "offline");
  event(office, now - 2 * hour, "online");
  event(office, now - 3 * hour / 2, "online"); // a reconnection that replaced the session
  set_status(office, "online");
  CAF_CHECK_EQUAL(spans(office, now - 9 * hour, now - hour), (std::vector<std::string>{"-9h..-8h", "-2h..-1h"}));
  CAF_CHECK_EQUAL(spans(office, now - 12 * hour, now + hour), (std::vector<std::string>{"-10h..-8h", "-2h..open"}));
  CAF_CHECK_EQUAL(spans(office, now - 20 * hour, now - 15 * hour), std::vector<std::string>{});
  CAF_CHECK_EQUAL(spans(office, now - 9 * hour - 1800, now - 9 * hour), std::vector<std::string>{"-34200s..-9h"});
  CAF_CHECK_EQUAL(spans(branch, now - 12 * hour, now + hour), std::vector<std::string>{});
  // Every daemon is listed, in id order, with or without spans.
  auto all = store.connection_spans({now - hour, now}, std::nullopt)["daemons"];
  CAF_REQUIRE_EQUAL(all.size(), 2u);
  CAF_CHECK_EQUAL(all[0]["id"], office);
  CAF_CHECK_EQUAL(all[1]["id"], branch);
  CAF_CHECK_EQUAL(all[1]["spans"], json::array());
  auto only = store.connection_spans({now - hour, now}, branch)["daemons"];
  CAF_REQUIRE_EQUAL(only.size(), 1u);
  CAF_CHECK_EQUAL(only[0]["clientId"], "branch");
  auto unknown = store.connection_spans({now - hour, now}, 987654);
  CAF_CHECK_EQUAL(unknown["daemons"], json::array());
  // The row says offline but no event does (a lost offline): the span ends when the row says.
  set_status(office, "offline", "to_timestamp(" + std::to_string(now - 1800) + ")");
  CAF_CHECK_EQUAL(spans(office, now - 3 * hour, now + hour), std::vector<std::string>{"-2h..-1800s"});
}

CAF_TEST(pdfs indexed are counted per hour with the empty hours as zeros) {
  auto h = now / hour * hour;
  for (int i = 0; i < 3; ++i)
    pdf(i, h + 600 + i);
  pdf(10, h - 2 * hour + 300);
  pdf(11, h - 5 * hour); // before the range
  auto r = store.pdfs_indexed_per_hour({h - 3 * hour + 1800, h + 3599});
  CAF_CHECK_EQUAL(r["bucketSeconds"], 3600);
  json expected = json::array();
  for (auto [t, n] : std::vector<std::pair<std::int64_t, int>>{{h - 3 * hour, 0}, {h - 2 * hour, 1}, {h - hour, 0}, {h, 3}})
    expected.push_back({{"t", iso_utc(t)}, {"count", n}});
  CAF_CHECK_EQUAL(r["points"], expected);
  // A range ending on the hour has no bucket starting at its end.
  auto aligned = store.pdfs_indexed_per_hour({h - 2 * hour, h})["points"];
  CAF_REQUIRE_EQUAL(aligned.size(), 2u);
  CAF_CHECK_EQUAL(aligned[0]["count"], 1);
  // A month has 744 hourly points, zeros included.
  auto month = store.pdfs_indexed_per_hour({h - 31 * day, h});
  CAF_CHECK_EQUAL(month["points"].size(), 744u);
}

CAF_TEST(cache samples record the cached copies only) {
  pdf(1, now, "cached", 1000);
  pdf(2, now, "cached", 2500);
  pdf(3, now, "available_local", 9999);
  pdf(4, now, "expired", 7777);
  CAF_CHECK_EQUAL(store.sample_cache_usage(), (json{{"bytes", 3500}, {"files", 2}}));
  db.sql("INSERT INTO cache_usage_samples (at, bytes, files) VALUES (now() - interval '2 days', 1, 1)");
  auto points = store.cache_usage({now - hour, now + 60})["points"];
  CAF_REQUIRE_EQUAL(points.size(), 1u);
  CAF_CHECK_EQUAL(points[0]["bytes"], 3500);
  CAF_CHECK_EQUAL(points[0]["files"], 2);
  CAF_CHECK(parse_iso_time(points[0]["t"].get<std::string>()).has_value());
  auto days = store.cache_usage({now - 3 * day, now + 60});
  CAF_CHECK_EQUAL(days["points"].size(), 2u);
}

CAF_TEST(heartbeats with a round trip become latency samples and latencyMs) {
  auto beat = [](const std::string& id, std::optional<double> rtt) {
    auto h = daemon_heartbeat::from(id, json{{"version", "1.0"}});
    h.rtt_ms = rtt;
    return h;
  };
  // Unfit round trips are no samples; the latest beat of a daemon sets latencyMs.
  store.store_heartbeats({beat("office", std::nan("")), beat("office", -1.0), beat("office", 10.0),
                          beat("office", 20.5), beat("branch", std::nullopt), beat("nobody", 5.0)});
  CAF_CHECK_EQUAL(db.scalar("SELECT sum(samples) FROM daemon_latency_buckets"), "2");
  auto listed = list_entry("office");
  CAF_CHECK_EQUAL(listed["latencyMs"], 20.5);
  CAF_CHECK(list_entry("branch")["latencyMs"].is_null());
  auto detail = store.daemon_detail(office).value_or(json());
  CAF_CHECK_EQUAL(detail["latencyMs"], 20.5);
  // A beat before the first pong keeps the latest round trip.
  store.store_heartbeats({beat("office", std::nullopt)});
  listed = list_entry("office");
  CAF_CHECK_EQUAL(listed["latencyMs"], 20.5);
  auto r = store.latency({now - hour, now + 60}, {});
  CAF_CHECK_EQUAL(r["bucketSeconds"], 300);
  CAF_REQUIRE_EQUAL(r["daemons"].size(), 2u);
  auto& points = r["daemons"][0]["points"];
  CAF_CHECK_EQUAL(r["daemons"][0]["clientId"], "office");
  CAF_REQUIRE_EQUAL(points.size(), 1u);
  CAF_CHECK_EQUAL(points[0]["avgMs"], 15.25);
  CAF_CHECK_EQUAL(points[0]["maxMs"], 20.5);
  CAF_CHECK_EQUAL(points[0]["samples"], 2);
  CAF_CHECK_EQUAL(parse_iso_time(points[0]["t"].get<std::string>()).value_or(1) % 300, 0);
  CAF_CHECK_EQUAL(r["daemons"][1]["points"], json::array());
  auto one = store.latency({now - hour, now + 60}, {branch})["daemons"];
  CAF_REQUIRE_EQUAL(one.size(), 1u);
  CAF_CHECK_EQUAL(one[0]["clientId"], "branch");
  // Several daemons in one answer; an id that names none is left out.
  auto some = store.latency({now - hour, now + 60}, {office, branch, 987654})["daemons"];
  CAF_REQUIRE_EQUAL(some.size(), 2u);
  CAF_CHECK_EQUAL(some[0]["clientId"], "office");
  CAF_CHECK_EQUAL(some[0]["points"].size(), 1u);
  CAF_CHECK_EQUAL(some[1]["clientId"], "branch");
}

CAF_TEST(latency over a week is averaged per hour weighting every sample) {
  auto h = now / hour * hour - 2 * day;
  db.sql("INSERT INTO daemon_latency_buckets (bucket, daemon_id, samples, sum_ms, max_ms) VALUES"
         " (to_timestamp(" + std::to_string(h) + "), " + std::to_string(office) + ", 2, 20, 15),"
         " (to_timestamp(" + std::to_string(h + 300) + "), " + std::to_string(office) + ", 1, 40, 40),"
         " (to_timestamp(" + std::to_string(h + hour) + "), " + std::to_string(office) + ", 4, 4, 1.5)");
  auto r = store.latency({now - 7 * day, now}, {office});
  CAF_CHECK_EQUAL(r["bucketSeconds"], 3600);
  auto points = r["daemons"][0]["points"];
  CAF_REQUIRE_EQUAL(points.size(), 2u);
  CAF_CHECK_EQUAL(points[0], (json{{"t", iso_utc(h)}, {"avgMs", 20}, {"maxMs", 40}, {"samples", 3}}));
  CAF_CHECK_EQUAL(points[1], (json{{"t", iso_utc(h + hour)}, {"avgMs", 1}, {"maxMs", 1.5}, {"samples", 4}}));
}

CAF_TEST(the summary counts daemons pdfs and today in the server time zone) {
  CAF_REQUIRE(store.authenticate_daemon(office_token, "office", "1.0", "::1").status == auth_status::ok);
  pdf(1, now);
  pdf(2, now, "cached", 500);
  pdf(3, now - 3 * day);
  auto s = store.monitor_summary("America/Sao_Paulo");
  CAF_CHECK_EQUAL(s, (json{{"daemons", {{"online", 1}, {"total", 2}}},
                           {"pdfs", {{"total", 3}, {"today", 2}}},
                           {"cache", {{"bytes", 500}, {"files", 1}}}}));
  // "today" starts at midnight where the office is: a PDF of 23:30 yesterday there is not today's.
  auto midnight = std::stoll(db.scalar("SELECT extract(epoch FROM date_trunc('day', now() AT TIME ZONE"
                                       " 'America/Sao_Paulo') AT TIME ZONE 'America/Sao_Paulo')::bigint"));
  pdf(4, midnight - 1800);
  pdf(5, midnight + 1);
  s = store.monitor_summary("America/Sao_Paulo");
  CAF_CHECK_EQUAL(s["pdfs"]["today"], 3);
  store.check_time_zone("UTC");
  store.check_time_zone("America/Sao_Paulo");
  CAF_CHECK(throws<std::invalid_argument>([&] { store.check_time_zone("Mars/Olympus_Mons"); }));
  CAF_CHECK(throws<std::invalid_argument>([&] { store.check_time_zone(""); }));
  // The store is still usable after a refused name.
  s = store.monitor_summary("UTC");
  CAF_CHECK_EQUAL(s["daemons"]["total"], 2);
}

CAF_TEST(pruning keeps the retention and the state of each daemon at the cutoff) {
  event(office, now - 40 * day, "online");
  event(office, now - 35 * day, "offline");
  event(office, now - 34 * day, "online");
  event(office, now - day, "offline");
  event(branch, now - 50 * day, "online");
  for (auto age : {10 * day, day}) {
    auto at = "to_timestamp(" + std::to_string(now - age) + ")";
    db.sql("INSERT INTO daemon_latency_buckets (bucket, daemon_id, samples, sum_ms, max_ms) VALUES (" + at + ", " +
           std::to_string(office) + ", 1, 3, 3)");
  }
  db.sql("INSERT INTO cache_usage_samples (at, bytes, files) VALUES (now() - interval '40 days', 1, 1),"
         " (now() - interval '1 day', 2, 2)");
  auto deleted = store.prune_monitor({});
  CAF_CHECK_EQUAL(deleted, (json{{"connectionEvents", 2}, {"latencyBuckets", 1},
                                 {"cacheSamples", 1}}));
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM daemon_connection_events"), "3");
  // Online since 34 days ago: a range starting 31 days ago still knows it.
  CAF_CHECK_EQUAL(spans(office, now - 31 * day, now - 30 * day),
                  std::vector<std::string>{std::to_string(-31 * 24) + "h.." + std::to_string(-30 * 24) + "h"});
  CAF_CHECK_EQUAL(spans(branch, now - 31 * day, now - 30 * day).size(), 1u);
  // Nothing left to prune.
  CAF_CHECK_EQUAL(store.prune_monitor({}), (json{{"connectionEvents", 0},
                                                 {"latencyBuckets", 0}, {"cacheSamples", 0}}));
}

CAF_TEST_FIXTURE_SCOPE_END()
