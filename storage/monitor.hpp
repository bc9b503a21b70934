// The system monitor's vocabulary: the time range an admin asks a series for
// (?from&to, parsed here without I/O), the bucket sizes of the series, and how
// long each recorded series is kept. The queries are metadata_store methods
// (storage/monitor.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace siberius::storage {

/// [from, to] in whole seconds since the Unix epoch.
struct time_range {
  std::int64_t from = 0;
  std::int64_t to = 0;
};

/// The longest range one monitor query may span.
constexpr std::int64_t max_range_seconds = 31 * 86400;
/// The range when the request names neither end.
constexpr std::int64_t default_range_seconds = 86400;
/// PDFs indexed are counted per hour.
constexpr std::int64_t pdfs_bucket_seconds = 3600;

/// Seconds since the epoch of an ISO 8601 time: YYYY-MM-DD, optionally
/// followed by T (or a space) HH:MM[:SS[.fraction]] and Z or ±HH[:MM]; no zone
/// means UTC. A space where the zone's sign goes is read as '+' (an unencoded
/// '+' in a query string arrives as a space). Fractions are dropped. nullopt
/// when `s` is not such a time, or is before 1970 or after 9999.
std::optional<std::int64_t> parse_iso_time(std::string_view s);
/// The same; `fraction` says whether a non-zero fraction of a second was dropped.
std::optional<std::int64_t> parse_iso_time(std::string_view s, bool& fraction);

/// "YYYY-MM-DDTHH:MM:SSZ".
std::string iso_utc(std::int64_t seconds);

/// The range of ?from&to: the 24 h before `now` by default, `to` = now when
/// only `from` is given, `from` = 24 h before `to` when only `to` is. Or why
/// not, in words for a 400 answer. Ranges are whole seconds: a `to` with a
/// fraction is rounded up, and `now` should be too, so that what happened a
/// moment ago is inside a range that ends now.
std::variant<time_range, std::string> parse_time_range(const std::optional<std::string>& from,
                                                       const std::optional<std::string>& to, std::int64_t now);

/// Seconds per latency point: 300 up to a day, coarser for longer ranges so
/// that a daemon has at most 300 points, and coarser still when many daemons
/// are drawn together, so that they have at most 25,000 points in all (one
/// answer stays under about 2 MB). Always one of 300, 900, 1800, 3600, 7200,
/// 10800, 21600, 43200 or 86400.
std::int64_t latency_bucket_seconds(const time_range& r, std::int64_t daemons = 1);

/// How long the recorded series are kept (metadata_store::prune_monitor).
/// Connection events outlive the longest range a query may ask for; the
/// newest event before the cutoff of each daemon is kept too, so its state at
/// the start of any range stays known.
struct monitor_retention {
  std::chrono::hours connection_events{32 * 24};
  std::chrono::hours latency{8 * 24};
  std::chrono::hours cache_samples{32 * 24};
};

} // namespace siberius::storage
