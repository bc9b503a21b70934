#include "daemon/file_rules.hpp"

#include <algorithm>
#include <cctype>

#include "platform/files.hpp"

namespace siberius::daemon {

namespace {
bool iends_with(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size())
    return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - suffix.size(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}
} // namespace

bool is_candidate_pdf(std::string_view name) {
  if (name.empty() || name[0] == '.')
    return false;
  if (name.rfind("~$", 0) == 0) // Office lock files
    return false;
  if (iends_with(name, ".tmp") || iends_with(name, ".part") || iends_with(name, "Thumbs.db"))
    return false;
  // ".pdf" alone is a dot-file (caught above); a name needs something before the extension.
  return name.size() > 4 && iends_with(name, ".pdf");
}

bool is_skipped_folder(std::string_view name) { return name.empty() || name[0] == '.'; }

readiness judge_readiness(const file_look& first, const file_look& latest, bool ends_with_eof,
                          std::chrono::milliseconds stable_interval, std::chrono::milliseconds settle_interval,
                          std::int64_t wall_now_ns) {
  if (!first.same_content_as(latest) || latest.size < 0)
    return readiness::wait;
  // Last written a settle interval ago by its own mtime: nobody is writing it.
  // (An mtime in the future, a share's clock ahead of ours, falls to the rules below.)
  if (written_long_ago(latest, settle_interval, wall_now_ns))
    return ends_with_eof ? readiness::read : readiness::read_anyway;
  auto unchanged_for = latest.at - first.at;
  if (unchanged_for >= stable_interval && ends_with_eof)
    return readiness::read;
  if (unchanged_for >= settle_interval)
    return readiness::read_anyway;
  return readiness::wait;
}

bool written_long_ago(const file_look& look, std::chrono::milliseconds settle_interval, std::int64_t wall_now_ns) {
  auto settle_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(settle_interval).count();
  return wall_now_ns - look.mtime_ns >= settle_ns;
}

std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool tail_has_eof(std::string_view tail) { return tail.find("%%EOF") != std::string_view::npos; }

bool file_ends_with_eof(const std::string& path) {
  platform::input_file file;
  std::string error;
  if (!file.open(path, error))
    return false;
  auto size = file.size();
  if (size <= 0)
    return false;
  char buf[1024];
  auto want = std::min<std::int64_t>(size, sizeof buf);
  auto got = file.read_at(buf, static_cast<std::size_t>(want), size - want);
  return got > 0 && tail_has_eof(std::string_view(buf, static_cast<std::size_t>(got)));
}

} // namespace siberius::daemon
