// Which names the watcher reads, and when a file counts as completely written.
#define CAF_SUITE daemon_file_filter
#include "caf/test/unit_test.hpp"

#include <fstream>

#include "../support/temp_dir.hpp"
#include "daemon/file_rules.hpp"

using namespace siberius::daemon;
using namespace std::chrono_literals;

CAF_TEST(junk names table) {
  struct row {
    const char* name;
    bool read;
  };
  row rows[] = {
      {"OS-2024-0153 Construtora São João.pdf", true},
      {"orcamento.PDF", true},
      {"Montagem.Pdf", true},
      {"~$orcamento.pdf", false},
      {"orcamento.pdf.tmp", false},
      {"orcamento.pdf.part", false},
      {"orcamento.tmp", false},
      {".orcamento.pdf", false},
      {".pdf", false},
      {"Thumbs.db", false},
      {"desktop.ini", false},
      {"notes.txt", false},
      {"orcamento.pdf.bak", false},
      {"orcamentopdf", false},
      {"", false},
  };
  for (auto& r : rows)
    CAF_CHECK_EQUAL(is_candidate_pdf(r.name), r.read);
  CAF_CHECK(is_skipped_folder(".git"));
  CAF_CHECK(is_skipped_folder(".Trash-1000"));
  CAF_CHECK(!is_skipped_folder("2024"));
}

#undef CAF_SUITE
#define CAF_SUITE daemon_stability
#include "caf/test/unit_test.hpp"

namespace {
file_look look(std::int64_t size, std::int64_t mtime, std::chrono::milliseconds at) {
  return {size, mtime, std::chrono::steady_clock::time_point(at)};
}
} // namespace

CAF_TEST(stable rule table) {
  auto stable = 1000ms, settle = 30000ms;
  // The wall clock a moment after the mtimes below (1 and 2 ns): files being written now.
  const std::int64_t just_now = 1000;
  // unchanged for long enough and ends with %%EOF: read.
  CAF_CHECK(judge_readiness(look(10, 1, 0ms), look(10, 1, 1000ms), true, stable, settle, just_now) == readiness::read);
  // too soon.
  CAF_CHECK(judge_readiness(look(10, 1, 0ms), look(10, 1, 999ms), true, stable, settle, just_now) == readiness::wait);
  // size changed (still being written).
  CAF_CHECK(judge_readiness(look(10, 1, 0ms), look(20, 1, 5000ms), true, stable, settle, just_now) == readiness::wait);
  // same size, new mtime (rewritten in place).
  CAF_CHECK(judge_readiness(look(10, 1, 0ms), look(10, 2, 5000ms), true, stable, settle, just_now) == readiness::wait);
  // no %%EOF yet: wait, until the settle interval says read it anyway.
  CAF_CHECK(judge_readiness(look(10, 1, 0ms), look(10, 1, 5000ms), false, stable, settle, just_now) == readiness::wait);
  CAF_CHECK(judge_readiness(look(10, 1, 0ms), look(10, 1, 30000ms), false, stable, settle, just_now) ==
            readiness::read_anyway);
  // an empty file is never "complete", only settled.
  CAF_CHECK(judge_readiness(look(0, 1, 0ms), look(0, 1, 30000ms), false, stable, settle, just_now) == readiness::read_anyway);
}

CAF_TEST(a file last written long ago is read at once) {
  using namespace std::chrono;
  auto stable = 1000ms, settle = 30000ms;
  const std::int64_t mtime = duration_cast<nanoseconds>(hours(24 * 400)).count(); // some day in 1971
  const std::int64_t settle_ns = duration_cast<nanoseconds>(settle).count();
  // Found at start, looked at once: no stable wait, with or without %%EOF.
  CAF_CHECK(judge_readiness(look(10, mtime, 0ms), look(10, mtime, 0ms), true, stable, settle, mtime + settle_ns) ==
            readiness::read);
  CAF_CHECK(judge_readiness(look(10, mtime, 0ms), look(10, mtime, 0ms), false, stable, settle,
                            mtime + 3600 * 1000000000LL) == readiness::read_anyway);
  // A moment younger than the settle interval: the usual waits.
  CAF_CHECK(judge_readiness(look(10, mtime, 0ms), look(10, mtime, 0ms), true, stable, settle, mtime + settle_ns - 1) ==
            readiness::wait);
  CAF_CHECK(judge_readiness(look(10, mtime, 0ms), look(10, mtime, 5000ms), false, stable, settle,
                            mtime + settle_ns - 1) == readiness::wait);
  // An old mtime but the size moved between the looks: written now (a copy that kept the original's mtime).
  CAF_CHECK(judge_readiness(look(10, mtime, 0ms), look(20, mtime, 500ms), true, stable, settle, mtime + settle_ns * 10) ==
            readiness::wait);
  // An mtime ahead of our clock (a share's clock): the usual waits.
  CAF_CHECK(judge_readiness(look(10, mtime, 0ms), look(10, mtime, 0ms), true, stable, settle, mtime - settle_ns) ==
            readiness::wait);
}

CAF_TEST(eof in the last kilobyte) {
  CAF_CHECK(tail_has_eof("...trailer\n%%EOF\n"));
  CAF_CHECK(tail_has_eof("%%EOF"));
  CAF_CHECK(!tail_has_eof("%%EO"));
  siberius::testing::temp_dir dir;
  auto full = dir.write("a.pdf", "%PDF-1.4\n" + std::string(5000, 'x') + "\n%%EOF\n");
  auto half = dir.write("b.pdf", "%PDF-1.4\n%%EOF\n" + std::string(5000, 'x'));
  auto empty = dir.write("c.pdf", "");
  CAF_CHECK(file_ends_with_eof(full));
  CAF_CHECK(!file_ends_with_eof(half)); // an %%EOF of an earlier revision, far from the end
  CAF_CHECK(!file_ends_with_eof(empty));
  CAF_CHECK(!file_ends_with_eof(dir.path() + "/missing.pdf"));
}
