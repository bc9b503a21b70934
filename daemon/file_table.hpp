// file_table: a small record per file, keyed by the file's path, kept
// compact for folders of 100,000 files (issue 13). Each folder's path is kept
// once; each file keeps only its name (a short one fits inside the record) and
// its record, in one sorted vector per folder instead of a hash-map node per
// file with its own copy of the full path.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "platform/files.hpp"

namespace siberius::daemon {

template <class Record>
class file_table {
public:
  /// The record of `path`, or null. Valid until the next insertion or erasure.
  Record* find(const std::string& path) {
    auto [folder, name] = split(path);
    auto f = folders_.find(folder);
    if (f == folders_.end())
      return nullptr;
    auto* e = f->second.find(name);
    return e ? &e->record : nullptr;
  }
  const Record* find(const std::string& path) const { return const_cast<file_table*>(this)->find(path); }

  /// The record of `path`, value-initialised when new (second: true).
  std::pair<Record*, bool> try_emplace(const std::string& path) {
    auto [folder, name] = split(path);
    auto& f = folders_[folder];
    if (auto* e = f.find(name))
      return {&e->record, false};
    ++size_;
    return {&f.add(std::move(name)).record, true};
  }

  bool erase(const std::string& path) {
    auto [folder, name] = split(path);
    auto f = folders_.find(folder);
    if (f == folders_.end() || !f->second.erase(name))
      return false;
    --size_;
    if (f->second.empty())
      folders_.erase(f);
    return true;
  }

  /// visit(path, record) for every file; the path is built for the call.
  template <class Visit>
  void for_each(Visit visit) {
    for_each_file([&](const std::string& folder, const std::string& name, Record& r) {
      visit(platform::join(folder, name), r);
    });
  }
  /// visit(folder, name, record) for every file: no path is built.
  template <class Visit>
  void for_each_file(Visit visit) {
    for (auto& [folder, f] : folders_)
      f.for_each([&](entry& e) { visit(folder, e.name, e.record); });
  }
  template <class Visit>
  void for_each(Visit visit) const {
    const_cast<file_table*>(this)->for_each(
        [&](const std::string& path, Record& r) { visit(path, static_cast<const Record&>(r)); });
  }
  template <class Visit>
  void for_each_file(Visit visit) const {
    const_cast<file_table*>(this)->for_each_file(
        [&](const std::string& folder, const std::string& name, Record& r) {
          visit(folder, name, static_cast<const Record&>(r));
        });
  }

  /// Every file in `folder` itself (not in its sub-folders): visit(name, record).
  template <class Visit>
  void for_each_in(const std::string& folder, Visit visit) {
    auto f = folders_.find(folder);
    if (f != folders_.end())
      f->second.for_each([&](entry& e) { visit(e.name, e.record); });
  }

  /// The folders holding files, `folder` itself or under it.
  std::vector<std::string> folders_under(const std::string& folder) const {
    std::vector<std::string> out;
    for (auto& [path, f] : folders_)
      if (path == folder || platform::is_under(path, folder))
        out.push_back(path);
    return out;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

private:
  struct entry {
    std::string name;
    Record record{};
  };
  static bool by_name(const entry& a, const entry& b) { return a.name < b.name; }

  // Sorted entries plus a short unsorted tail of recent additions, merged
  // when it grows: an insertion costs no shift of a 100,000-file vector.
  struct folder {
    std::vector<entry> sorted;
    std::vector<entry> recent;

    entry* find(const std::string& name) {
      auto it = std::lower_bound(sorted.begin(), sorted.end(), name,
                                 [](const entry& e, const std::string& n) { return e.name < n; });
      if (it != sorted.end() && it->name == name)
        return &*it;
      for (auto& e : recent)
        if (e.name == name)
          return &e;
      return nullptr;
    }
    entry& add(std::string name) {
      if (recent.size() >= std::max<std::size_t>(8, sorted.size() / 32))
        merge();
      recent.push_back({std::move(name), Record{}});
      return recent.back();
    }
    void merge() {
      std::sort(recent.begin(), recent.end(), by_name);
      std::vector<entry> all;
      all.reserve(sorted.size() + recent.size());
      std::merge(std::make_move_iterator(sorted.begin()), std::make_move_iterator(sorted.end()),
                 std::make_move_iterator(recent.begin()), std::make_move_iterator(recent.end()),
                 std::back_inserter(all), by_name);
      sorted.swap(all);
      std::vector<entry>().swap(recent);
    }
    bool erase(const std::string& name) {
      auto it = std::lower_bound(sorted.begin(), sorted.end(), name,
                                 [](const entry& e, const std::string& n) { return e.name < n; });
      if (it != sorted.end() && it->name == name) {
        sorted.erase(it);
        return true;
      }
      for (auto r = recent.begin(); r != recent.end(); ++r)
        if (r->name == name) {
          recent.erase(r);
          return true;
        }
      return false;
    }
    template <class Visit>
    void for_each(Visit visit) {
      for (auto& e : sorted)
        visit(e);
      for (auto& e : recent)
        visit(e);
    }
    bool empty() const { return sorted.empty() && recent.empty(); }
  };

  // (folder, name): the split at the last separator ('/' too on Windows).
  static std::pair<std::string, std::string> split(const std::string& path) {
    auto cut = path.find_last_of(platform::separator == '/' ? "/" : "/\\");
    if (cut == std::string::npos)
      return {std::string(), path};
    // A file right under "/" keeps the separator as its folder, so join() rebuilds the path.
    return {path.substr(0, cut == 0 ? 1 : cut), path.substr(cut + 1)};
  }

  std::unordered_map<std::string, folder> folders_;
  std::size_t size_ = 0;
};

} // namespace siberius::daemon
