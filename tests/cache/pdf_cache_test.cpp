// pdf_cache: the cache's files on a real folder. A partial upload is written
// under tmp/, renamed into its month with a name of its own, and deleted; old
// partial files are cleared, young ones kept.
#define CAF_SUITE pdf_cache
#include "caf/test/dsl.hpp"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "../support/temp_dir.hpp"
#include "cache/pdf_cache.hpp"

namespace fs = std::filesystem;
using namespace siberius;

namespace {

const std::string hash(64, 'a');

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string this_month() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char month[16];
  std::strftime(month, sizeof month, "%Y/%m", &utc);
  return month;
}

} // namespace

CAF_TEST(an upload is written under tmp then stored in its month) {
  testing::temp_dir dir;
  std::string why;
  auto part = cache::open_partial(dir.path(), hash, why);
  CAF_REQUIRE(part.fd >= 0);
  CAF_CHECK_EQUAL(fs::path(part.path).parent_path(), fs::path(dir.path()) / "tmp");
  CAF_CHECK_EQUAL(fs::path(part.path).extension(), ".part");
  CAF_CHECK(cache::append(part.fd, "%PDF-1.4 body", 13, why));
  ::close(part.fd);
  auto copy = cache::store_copy(dir.path(), part.path, hash, "OS 89331 (final).pdf", why);
  CAF_REQUIRE(!copy.empty());
  CAF_CHECK_EQUAL(why, "");
  CAF_CHECK(!fs::exists(part.path));
  CAF_CHECK_EQUAL(fs::path(copy).parent_path(), fs::path(dir.path()) / this_month());
  auto name = fs::path(copy).filename().string();
  CAF_CHECK_EQUAL(name.substr(0, hash.size() + 1), hash + "-");
  CAF_CHECK_EQUAL(name.substr(name.size() - 20), "_OS_89331_final_.pdf");
  CAF_CHECK_EQUAL(read_all(copy), "%PDF-1.4 body");
  CAF_CHECK(cache::on_disk(copy));
}

CAF_TEST(two copies of one PDF get names of their own) {
  testing::temp_dir dir;
  std::string why;
  std::string copies[2];
  for (auto& copy : copies) {
    auto part = cache::open_partial(dir.path(), hash, why);
    CAF_REQUIRE(part.fd >= 0);
    ::close(part.fd);
    copy = cache::store_copy(dir.path(), part.path, hash, "a.pdf", why);
    CAF_REQUIRE(!copy.empty());
  }
  CAF_CHECK_NOT_EQUAL(copies[0], copies[1]);
}

CAF_TEST(a partial file that cannot be moved stays and says why) {
  testing::temp_dir dir;
  std::string why;
  auto copy = cache::store_copy(dir.path(), dir.path() + "/tmp/none.part", hash, "a.pdf", why);
  CAF_CHECK_EQUAL(copy, "");
  CAF_CHECK_NOT_EQUAL(why, "");
}

CAF_TEST(removing a copy reports its size and a copy gone already is no error) {
  testing::temp_dir dir;
  auto path = dir.write("2026/copy.pdf", std::string(1234, 'x'));
  auto r = cache::remove_copy(path);
  CAF_CHECK(r.removed);
  CAF_CHECK_EQUAL(r.bytes, 1234u);
  CAF_CHECK_EQUAL(r.error, "");
  CAF_CHECK(!cache::on_disk(path));
  auto again = cache::remove_copy(path);
  CAF_CHECK(!again.removed);
  CAF_CHECK_EQUAL(again.bytes, 0u);
  CAF_CHECK_EQUAL(again.error, "");
}

CAF_TEST(a copy that cannot be deleted says why) {
  testing::temp_dir dir;
  auto folder = dir.path() + "/2026";
  fs::create_directories(folder + "/not-a-file.pdf/inside");
  auto r = cache::remove_copy(folder + "/not-a-file.pdf");
  CAF_CHECK(!r.removed);
  CAF_CHECK_NOT_EQUAL(r.error, "");
}

CAF_TEST(only old partial files are cleared) {
  testing::temp_dir dir;
  auto old_part = dir.write("tmp/old.part", "x");
  auto young_part = dir.write("tmp/young.part", "x");
  auto other = dir.write("tmp/notes.txt", "x");
  fs::last_write_time(old_part, fs::file_time_type::clock::now() - std::chrono::hours(2));
  fs::last_write_time(other, fs::file_time_type::clock::now() - std::chrono::hours(2));
  std::vector<std::string> errors;
  CAF_CHECK_EQUAL(cache::remove_stale_partials(dir.path(), std::chrono::minutes(60), errors), 1u);
  CAF_CHECK(errors.empty());
  CAF_CHECK(!fs::exists(old_part));
  CAF_CHECK(fs::exists(young_part));
  CAF_CHECK(fs::exists(other));
}

CAF_TEST(discard ignores a path that is empty or gone) {
  testing::temp_dir dir;
  cache::discard("");
  cache::discard(dir.path() + "/gone.part");
  auto path = dir.write("tmp/a.part", "x");
  cache::discard(path);
  CAF_CHECK(!fs::exists(path));
}

CAF_TEST(safe file names) {
  CAF_CHECK_EQUAL(cache::safe_file_name("OS 89331 (final).pdf"), "OS_89331_final_.pdf");
  CAF_CHECK_EQUAL(cache::safe_file_name("..hidden.pdf"), "hidden.pdf");
  CAF_CHECK_EQUAL(cache::safe_file_name(""), "document.pdf");
  CAF_CHECK_EQUAL(cache::safe_file_name(std::string(150, 'a') + ".pdf").size(), 100u);
}
