#include "actors/alert_rules.hpp"

#include <cmath>
#include <cstdio>
#include <set>

namespace siberius::actors {

using json = nlohmann::json;

std::vector<daemon_fact> daemon_facts_of(const json& list) {
  std::vector<daemon_fact> out;
  if (!list.is_array())
    return out;
  for (auto& d : list) {
    if (!d.is_object() || !d.contains("clientId") || !d["clientId"].is_string())
      continue;
    daemon_fact f;
    f.client_id = d["clientId"].get<std::string>();
    if (d.contains("name") && d["name"].is_string())
      f.name = d["name"].get<std::string>();
    f.online = d.value("status", json()) == "online";
    f.blocked = d.value("blocked", json(false)) == true;
    f.ever_seen = f.online || (d.contains("lastSeen") && d["lastSeen"].is_string()) ||
                  (d.contains("connectedAt") && d["connectedAt"].is_string());
    if (d.contains("version") && d["version"].is_string())
      f.version = d["version"].get<std::string>();
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<alert_condition> daemon_conditions(const std::vector<daemon_fact>& daemons,
                                               const std::map<std::string, caf::timespan>& offline_for,
                                               const daemon_rule_options& opts) {
  std::vector<alert_condition> out;
  std::size_t counted = 0, offline = 0;
  std::map<std::string, std::vector<std::string>> versions; // version -> online clientIds
  for (auto& d : daemons) {
    if (d.blocked || !d.ever_seen)
      continue;
    ++counted;
    if (d.online) {
      if (!d.version.empty())
        versions[d.version].push_back(d.client_id);
      continue;
    }
    auto i = offline_for.find(d.client_id);
    if (i == offline_for.end())
      continue;
    if (i->second >= opts.offline_pct_after)
      ++offline;
    if (i->second < opts.offline_after)
      continue;
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(i->second).count();
    auto label = d.name.empty() ? d.client_id : d.name + " (" + d.client_id + ")";
    out.push_back({alert_daemon_offline, d.client_id, "warning",
                   "daemon " + label + " offline for " + std::to_string(minutes) + " min",
                   {{"clientId", d.client_id}, {"name", d.name}, {"offlineMinutes", minutes},
                    {"thresholdMinutes", opts.offline_after.count()}}});
  }
  if (counted > 0) {
    double pct = 100.0 * static_cast<double>(offline) / static_cast<double>(counted);
    if (offline > 0 && pct > opts.offline_pct)
      out.push_back({alert_daemons_offline_pct, "all", "critical",
                     std::to_string(offline) + " of " + std::to_string(counted) + " daemons offline (" +
                         std::to_string(static_cast<int>(std::round(pct))) + "%)",
                     {{"offline", offline}, {"total", counted}, {"percent", std::round(pct * 10) / 10},
                      {"thresholdPercent", opts.offline_pct}}});
  }
  if (versions.size() > 1) {
    json by_version = json::object();
    std::string list;
    for (auto& [v, ids] : versions) {
      by_version[v] = ids;
      list += (list.empty() ? "" : ", ") + v + " (" + std::to_string(ids.size()) + ")";
    }
    out.push_back({alert_daemon_versions, "all", "warning", "daemons run different versions: " + list,
                   {{"versions", by_version}}});
  }
  return out;
}

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

storage_verdict judge_storage(const storage_reading& r, const storage_limits& limits) {
  storage_verdict v;
  if (limits.capacity_bytes && *limits.capacity_bytes > 0) {
    auto cap = *limits.capacity_bytes;
    double ratio = static_cast<double>(r.cache_bytes) / static_cast<double>(cap);
    if (ratio >= limits.warn_ratio) {
      bool over = r.cache_bytes >= cap;
      int pct = static_cast<int>(std::floor(ratio * 100));
      v.conditions.push_back({alert_cache_capacity, "cache", over ? "critical" : "warning",
                              "PDF cache at " + std::to_string(pct) + "% of its capacity (" +
                                  human_bytes(r.cache_bytes) + " of " + human_bytes(cap) + ")",
                              {{"cacheBytes", r.cache_bytes}, {"cacheFiles", r.cache_files},
                               {"capacityBytes", cap}, {"percent", pct}}});
      v.cleanup_wanted = true;
      if (over) {
        v.full = true;
        v.reason = "the PDF cache is full (" + human_bytes(r.cache_bytes) + " of " + human_bytes(cap) + ")";
      }
    }
  }
  if (r.disk_known && r.disk_free_bytes < limits.min_free_bytes) {
    v.conditions.push_back({alert_disk_floor, "disk", "critical",
                            "free disk space below the floor (" + human_bytes(r.disk_free_bytes) + " free, floor " +
                                human_bytes(limits.min_free_bytes) + ")",
                            {{"freeBytes", r.disk_free_bytes}, {"totalBytes", r.disk_total_bytes},
                             {"minFreeBytes", limits.min_free_bytes}}});
    v.cleanup_wanted = true;
    v.full = true;
    v.reason = "the server's disk is almost full (" + human_bytes(r.disk_free_bytes) + " free, at least " +
               human_bytes(limits.min_free_bytes) + " must stay free)";
  }
  return v;
}

} // namespace siberius::actors
