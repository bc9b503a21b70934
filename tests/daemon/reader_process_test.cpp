// reader_process: the daemon's side of siberius-pdf-reader. The real reader
// on corpus files; for a reader that crashes or hangs, small shell stand-ins
// (poppler cannot be made to crash on demand).
#define CAF_SUITE daemon_reader_process
#include "caf/test/unit_test.hpp"

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>

#include "../support/temp_dir.hpp"
#include "pdf/reader_process.hpp"

using namespace siberius::daemon;
using siberius::testing::temp_dir;
using namespace std::chrono_literals;

namespace {

std::string corpus(const std::string& name) {
  return std::string(SIBERIUS_TEST_SOURCE_DIR) + "/../shared/corpus/pdfs/" + name;
}

/// An executable shell script standing in for the reader.
std::string script(const temp_dir& dir, const std::string& name, const std::string& body) {
  auto path = dir.path() + "/" + name;
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  ::chmod(path.c_str(), 0755);
  return path;
}

bool alive(pid_t pid) {
  return pid > 0 && ::kill(pid, 0) == 0;
}

} // namespace

CAF_TEST(the real reader gives the facts of a corpus file and stays up for the next) {
  reader_process r(SIBERIUS_PDF_READER_BIN, 20s);
  CAF_CHECK(!r.running());
  auto f = r.read(corpus("orcamento_3061_lines.pdf"));
  CAF_CHECK_EQUAL(to_string(f.problem), std::string("none"));
  CAF_CHECK_EQUAL(f.sha256.size(), 64u);
  CAF_CHECK_EQUAL(f.metadata.tipo, "orcamento");
  CAF_CHECK(f.metadata.numero == std::string("3061"));
  CAF_REQUIRE(r.running());
  auto pid = r.pid();
  auto g = r.read(corpus("os_89331_html.pdf"));
  CAF_CHECK_EQUAL(g.metadata.tipo, "os");
  CAF_CHECK_EQUAL(r.pid(), pid); // the same process read both
  r.stop();
  CAF_CHECK(!r.running());
  CAF_CHECK(!alive(pid));
  // A stopped reader starts again on the next file.
  CAF_CHECK_EQUAL(r.read(corpus("orcamento_3061_lines.pdf")).sha256, f.sha256);
  CAF_CHECK(r.running());
}

CAF_TEST(a broken file is the file's problem not the reader's) {
  temp_dir dir;
  auto junk = dir.path() + "/junk.pdf";
  std::ofstream(junk) << "not a pdf at all";
  reader_process r(SIBERIUS_PDF_READER_BIN, 20s);
  auto f = r.read(junk);
  CAF_CHECK_EQUAL(to_string(f.problem), std::string("not_a_pdf"));
  CAF_CHECK(r.running());
  auto missing = r.read(dir.path() + "/gone.pdf");
  CAF_CHECK_EQUAL(to_string(missing.problem), std::string("io_error"));
  CAF_CHECK(r.running());
}

CAF_TEST(a reader that crashes is reported for that file and replaced) {
  temp_dir dir;
  // Reads the request, then dies the way a poppler crash would.
  auto crasher = script(dir, "crasher", "head -c 4 >/dev/null; kill -SEGV $$");
  reader_process r(crasher, 20s);
  auto f = r.read(corpus("orcamento_3061_lines.pdf"));
  CAF_CHECK_EQUAL(to_string(f.problem), std::string("reader_crashed"));
  CAF_CHECK(f.reason.find("signal 11") != std::string::npos);
  CAF_CHECK(f.sha256.empty());
  CAF_CHECK(!r.running()); // reaped, no zombie left
  // The next file gets a new process (which crashes again, and says so again).
  CAF_CHECK_EQUAL(to_string(r.read(corpus("os_89331_html.pdf")).problem), std::string("reader_crashed"));
}

CAF_TEST(a reader that hangs past the time limit is killed) {
  temp_dir dir;
  auto sleeper = script(dir, "sleeper", "exec sleep 60");
  reader_process r(sleeper, 200ms, 100ms);
  auto started = std::chrono::steady_clock::now();
  auto f = r.read(corpus("orcamento_3061_lines.pdf"));
  CAF_CHECK_EQUAL(to_string(f.problem), std::string("too_slow"));
  CAF_CHECK(std::chrono::steady_clock::now() - started < 30s);
  CAF_CHECK(!r.running());
}

CAF_TEST(a reader that cannot start is an io error) {
  reader_process r("/nonexistent/siberius-pdf-reader", 20s);
  auto f = r.read(corpus("orcamento_3061_lines.pdf"));
  CAF_CHECK_EQUAL(to_string(f.problem), std::string("io_error"));
  CAF_CHECK(f.reason.find("cannot start") != std::string::npos);
}

CAF_TEST(check only mode opens the file without hashing it) {
  reader_process r(SIBERIUS_PDF_READER_BIN, 20s, 5s, {"--check-only"});
  auto ok = r.read(corpus("orcamento_3061_lines.pdf"));
  CAF_CHECK_EQUAL(to_string(ok.problem), std::string("none"));
  CAF_CHECK(ok.sha256.empty());
  CAF_CHECK(ok.size > 0);
  CAF_CHECK_EQUAL(to_string(r.read(corpus("bad_truncated.pdf")).problem), std::string("truncated"));
  CAF_CHECK_EQUAL(to_string(r.read(corpus("bad_not_a_pdf.pdf")).problem), std::string("not_a_pdf"));
  CAF_CHECK_EQUAL(to_string(r.read(corpus("bad_encrypted.pdf")).problem), std::string("encrypted"));
  CAF_CHECK_EQUAL(to_string(r.read(corpus("bad_empty.pdf")).problem), std::string("empty"));
}
