// The compact per-file table the watcher and the index keep (issue 13).
#define CAF_SUITE daemon_file_table
#include "caf/test/unit_test.hpp"

#include "daemon/file_table.hpp"

#include <set>
#include <string>

using namespace siberius::daemon;
namespace platform = siberius::platform;

namespace {
std::string in(const std::string& folder, const std::string& name) { return platform::join(folder, name); }

std::set<std::string> paths_of(file_table<int>& t) {
  std::set<std::string> all;
  t.for_each([&](const std::string& path, int&) { all.insert(path); });
  return all;
}
} // namespace

CAF_TEST(a path is found again whole and its record kept) {
  file_table<int> t;
  auto root = in("", "root");
  auto [r, fresh] = t.try_emplace(in(root, "a.pdf"));
  CAF_CHECK(fresh);
  *r = 7;
  auto again = t.try_emplace(in(root, "a.pdf"));
  CAF_CHECK(!again.second);
  CAF_CHECK_EQUAL(*again.first, 7);
  CAF_REQUIRE(t.find(in(root, "a.pdf")) != nullptr);
  CAF_CHECK_EQUAL(*t.find(in(root, "a.pdf")), 7);
  CAF_CHECK(t.find(in(root, "b.pdf")) == nullptr);
  CAF_CHECK(t.find(in(in(root, "sub"), "a.pdf")) == nullptr);
  CAF_CHECK_EQUAL(paths_of(t), std::set<std::string>{in(root, "a.pdf")});
}

CAF_TEST(many files in one folder in any order stay findable and erasable) {
  file_table<int> t;
  auto root = in("", "big");
  const int n = 5000;
  for (int i = 0; i < n; ++i) {
    int k = (i * 7919) % n; // not in name order
    *t.try_emplace(in(root, "doc-" + std::to_string(k) + ".pdf")).first = k;
  }
  CAF_CHECK_EQUAL(t.size(), static_cast<std::size_t>(n));
  bool all_found = true;
  for (int k = 0; k < n; ++k) {
    auto* r = t.find(in(root, "doc-" + std::to_string(k) + ".pdf"));
    all_found = all_found && r && *r == k;
  }
  CAF_CHECK(all_found);
  for (int k = 0; k < n; k += 2)
    CAF_CHECK(t.erase(in(root, "doc-" + std::to_string(k) + ".pdf")));
  CAF_CHECK(!t.erase(in(root, "doc-0.pdf")));
  CAF_CHECK_EQUAL(t.size(), static_cast<std::size_t>(n / 2));
  CAF_CHECK(t.find(in(root, "doc-1.pdf")) != nullptr);
  CAF_CHECK(t.find(in(root, "doc-2.pdf")) == nullptr);
}

CAF_TEST(folders under a folder and the files of one folder) {
  file_table<int> t;
  auto root = in("", "r");
  auto sub = in(root, "sub");
  auto subsub = in(sub, "deeper");
  auto sibling = in(root, "sub2");
  for (auto& folder : {root, sub, subsub, sibling})
    t.try_emplace(in(folder, "x.pdf"));
  t.try_emplace(in(sub, "y.pdf"));
  auto under = t.folders_under(sub);
  CAF_CHECK_EQUAL(std::set<std::string>(under.begin(), under.end()), (std::set<std::string>{sub, subsub}));
  std::set<std::string> names;
  t.for_each_in(sub, [&](const std::string& name, int&) { names.insert(name); });
  CAF_CHECK_EQUAL(names, (std::set<std::string>{"x.pdf", "y.pdf"}));
  // The last file of a folder takes the folder with it.
  CAF_CHECK(t.erase(in(subsub, "x.pdf")));
  CAF_CHECK_EQUAL(t.folders_under(sub).size(), 1u);
}

CAF_TEST(a file right under the top folder keeps its full path) {
  file_table<int> t;
  std::string top(1, platform::separator);
  t.try_emplace(top + "a.pdf");
  CAF_CHECK(t.find(top + "a.pdf") != nullptr);
  CAF_CHECK_EQUAL(paths_of(t), std::set<std::string>{top + "a.pdf"});
}
