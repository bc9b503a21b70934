#include "cli/daemon_detail_view.hpp"

#include <cstdio>
#include <stdexcept>

#include "cli/daemon_views.hpp"
#include "cli/format.hpp"
#include "cli/local_time.hpp"
#include "cli/table.hpp"

namespace siberius::cli {

namespace {

std::string time_cell(const nlohmann::json& j, const char* key) { return format_local_time(string_field(j, key)); }

// "5s ago (2024-05-01 11:59)", or "never".
std::string seen_cell(const nlohmann::json& d, const char* key, wall_clock::time_point now) {
  auto at = string_field(d, key);
  if (!at || at->empty())
    return "never";
  return describe_time_ago(at, now) + " (" + format_local_time(at) + ")";
}

std::string duration_cell(const nlohmann::json& d, const char* key) {
  auto seconds = number_field(d, key);
  return seconds ? format_duration(static_cast<std::int64_t>(*seconds)) : "-";
}

std::string bytes_cell(const nlohmann::json& d, const char* key) {
  auto bytes = number_field(d, key);
  return bytes ? format_bytes(*bytes) : "-";
}

// The heartbeat counters that get a line of their own (below), not a place in "counters".
bool has_own_line(const std::string& key) {
  return key == "reconnections" || key == "uploadsFailed" || key == "avgUploadBytesPerSecond" || key == "avgParseMs";
}

// "indexed 1520, uploaded 12, errors 3, queued 0" from the heartbeat's counters.
std::string counters_cell(const nlohmann::json& counters) {
  if (!counters.is_object() || counters.empty())
    return "-";
  std::string out;
  for (const auto& [key, value] : counters.items())
    if (!has_own_line(key))
      out += (out.empty() ? "" : ", ") + key + " " + (value.is_string() ? value.get<std::string>() : value.dump());
  return out.empty() ? "-" : out;
}

// The daemon's averages since it started; "-" from a daemon that does not send them, or
// before its first upload / read.
std::string speed_cell(const nlohmann::json& counters) {
  auto v = number_field(counters, "avgUploadBytesPerSecond");
  return v && *v > 0 ? format_bytes(*v) + "/s" : "-";
}

std::string parse_time_cell(const nlohmann::json& counters) {
  auto v = number_field(counters, "avgParseMs");
  if (!v || *v <= 0)
    return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", *v);
  return buf;
}

std::string pdf_counts(const nlohmann::json& pdfs) {
  return "PDFs: " + cell_text(pdfs, "total") + " in all: " + cell_text(pdfs, "availableLocal") +
         " only in the office, " + cell_text(pdfs, "uploading") + " uploading, " + cell_text(pdfs, "cached") +
         " cached on the server, " + cell_text(pdfs, "expired") + " expired, " + cell_text(pdfs, "missing") +
         " missing\n";
}

std::string tokens_table(const nlohmann::json& tokens) {
  if (!tokens.is_array() || tokens.empty())
    return "Tokens: none. Give it one with `siberius-admin daemon-token rotate DAEMON`.\n";
  text_table table({{"TOKEN ID", alignment::right}, {"PUBLIC ID"}, {"STATE"}, {"CREATED"}, {"EXPIRES"}, {"REVOKED"}});
  for (const auto& t : tokens)
    table.add_row({cell_text(t, "id"), cell_text(t, "publicId"), cell_text(t, "state"), time_cell(t, "createdAt"),
                   time_cell(t, "expiresAt"), time_cell(t, "revokedAt")});
  return "Tokens:\n" + table.render();
}

// An event's headline (its `event`, else its `message`) and the rest of it as compact JSON.
std::pair<std::string, std::string> event_cells(const nlohmann::json& event) {
  if (!event.is_object())
    return {"-", event.is_null() ? "" : event.dump()};
  auto rest = event;
  std::string headline = "-";
  for (const char* key : {"event", "message"}) {
    if (auto text = string_field(event, key)) {
      headline = *text;
      rest.erase(key);
      break;
    }
  }
  rest.erase("level"); // a column of its own
  return {headline, rest.empty() ? "" : rest.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

std::string events_table(const nlohmann::json& events) {
  if (!events.is_array() || events.empty())
    return "Recent events: none.\n";
  text_table table({{"TIME"}, {"LEVEL"}, {"EVENT"}, {"DETAILS"}});
  for (std::size_t i = 0; i < events.size() && i < daemon_events_shown; ++i) {
    const auto& e = events[i];
    auto [headline, rest] = event_cells(json_member(e, "event"));
    table.add_row({time_cell(e, "at"), cell_text(e, "level"), headline, rest});
  }
  std::string heading = "Recent events, newest first";
  if (events.size() > daemon_events_shown)
    heading += " (" + std::to_string(daemon_events_shown) + " of " + std::to_string(events.size()) +
               "; all of them with --json)";
  return heading + ":\n" + table.render();
}

} // namespace

std::string render_daemon_detail(const nlohmann::json& d, wall_clock::time_point now) {
  if (!d.is_object() || !d.contains("id"))
    throw std::runtime_error("unexpected reply from the server: not a daemon");
  const auto& heartbeat = json_member(d, "heartbeat");
  std::string out = render_fields({{"id", cell_text(d, "id")},
                                   {"name", cell_text(d, "name")},
                                   {"client id", cell_text(d, "clientId")},
                                   {"status", cell_text(d, "status")},
                                   {"blocked", cell_text(d, "blocked")},
                                   {"last seen", seen_cell(d, "lastSeen", now)},
                                   {"last heartbeat", seen_cell(d, "lastHeartbeat", now)},
                                   {"connected at", time_cell(d, "connectedAt")},
                                   {"disconnected at", time_cell(d, "disconnectedAt")},
                                   {"remote addr", cell_text(d, "remoteAddr")},
                                   {"local addr", cell_text(d, "localAddr")},
                                   {"hostname", cell_text(d, "hostname")},
                                   {"version", cell_text(d, "version")},
                                   {"runtime", cell_text(d, "runtime")},
                                   {"platform", cell_text(d, "platform")},
                                   {"uptime", duration_cell(d, "uptimeSeconds")},
                                   {"memory", bytes_cell(d, "memoryBytes")},
                                   {"counters", counters_cell(json_member(heartbeat, "counters"))},
                                   {"reconnections", cell_text(json_member(heartbeat, "counters"), "reconnections")},
                                   {"uploads failed", cell_text(json_member(heartbeat, "counters"), "uploadsFailed")},
                                   {"avg upload speed", speed_cell(json_member(heartbeat, "counters"))},
                                   {"avg read time", parse_time_cell(json_member(heartbeat, "counters"))},
                                   {"PDFs indexed", cell_text(d, "pdfsIndexed")},
                                   {"PDFs uploaded", cell_text(d, "pdfsUploaded")},
                                   {"last PDF indexed", time_cell(d, "lastPdfIndexed")},
                                   {"last sync", time_cell(d, "lastSyncAt")},
                                   {"settings in use", compact_settings(json_member(heartbeat, "config"))},
                                   {"settings set by admin", compact_settings(json_member(d, "config"))},
                                   {"created", time_cell(d, "createdAt")}});
  out += "\n" + pdf_counts(json_member(d, "pdfs"));
  out += "\n" + tokens_table(json_member(d, "tokens"));
  out += "\n" + events_table(json_member(d, "recentEvents"));
  return out;
}

} // namespace siberius::cli
