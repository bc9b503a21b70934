#include "cache/reconcile.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <set>

namespace siberius::cache {

namespace fs = std::filesystem;

namespace {

/// The canonical form of `p` (symbolic links and .. resolved), or `p` itself
/// when that fails.
std::string canonical_text(const fs::path& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal().string() : c.string();
}

/// A name in `folder` that does not exist yet: `name`, else name.1, name.2...
fs::path free_name(const fs::path& folder, const std::string& name) {
  std::error_code ec;
  auto candidate = folder / name;
  for (int n = 1; fs::exists(fs::symlink_status(candidate, ec)); ++n)
    candidate = folder / (name + "." + std::to_string(n));
  return candidate;
}

} // namespace

std::vector<recorded_copy> lost_copies(const std::vector<recorded_copy>& rows) {
  std::vector<recorded_copy> lost;
  for (const auto& r : rows) {
    if (r.status != "cached")
      continue;
    struct stat st {};
    bool intact = ::stat(r.file_path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
                  static_cast<std::int64_t>(st.st_size) == r.file_size;
    if (!intact)
      lost.push_back(r);
  }
  return lost;
}

orphan_report quarantine_orphans(const std::string& storage_dir, const std::vector<recorded_copy>& known,
                                 std::chrono::seconds grace) {
  orphan_report report;
  std::set<std::string> named;
  for (const auto& r : known)
    named.insert(canonical_text(r.file_path));
  const fs::path root(storage_dir);
  const auto quarantine = root / quarantine_folder;
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const auto& path = it->path();
    std::error_code e2;
    auto st = it->symlink_status(e2);
    if (it.depth() == 0 && fs::is_directory(st) &&
        (path.filename() == partial_folder || path.filename() == quarantine_folder)) {
      it.disable_recursion_pending();
      continue;
    }
    if (!fs::is_regular_file(st) || named.count(canonical_text(path)))
      continue; // folders, links a person made, and the copies rows name
    auto written = fs::last_write_time(path, e2);
    if (e2 || now - written < grace) {
      ++report.too_young;
      continue;
    }
    auto relative = path.lexically_relative(root);
    auto target = free_name(quarantine / relative.parent_path(), relative.filename().string());
    fs::create_directories(target.parent_path(), e2);
    if (!e2)
      fs::rename(path, target, e2);
    // The quarantine's clock starts now, not when the file was written.
    if (!e2)
      fs::last_write_time(target, fs::file_time_type::clock::now(), e2);
    if (e2 && fs::exists(path))
      report.failed.push_back(path.string() + ": " + e2.message());
    else
      report.quarantined.push_back(path.string());
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    report.failed.push_back(storage_dir + ": " + ec.message());
  return report;
}

std::size_t purge_quarantine(const std::string& storage_dir, std::chrono::hours age) {
  std::size_t removed = 0;
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  fs::recursive_directory_iterator it(fs::path(storage_dir) / quarantine_folder, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code e2;
    if (!fs::is_regular_file(it->symlink_status(e2)))
      continue;
    auto written = fs::last_write_time(it->path(), e2);
    if (!e2 && now - written > age && fs::remove(it->path(), e2))
      ++removed;
  }
  return removed;
}

} // namespace siberius::cache
