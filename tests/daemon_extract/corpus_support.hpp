// Where the shared sample PDFs are, for the suites that read them.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace siberius::daemon::test {

/// ${SIBERIUS_SOURCE_DIR}/../shared/corpus/pdfs; the source tree's location
/// when the variable is unset (running the binary by hand from the build folder).
inline std::filesystem::path corpus_dir() {
  const char* source = std::getenv("SIBERIUS_SOURCE_DIR");
  std::filesystem::path root = source ? source : SIBERIUS_TEST_SOURCE_DIR;
  return root / ".." / "shared" / "corpus" / "pdfs";
}

} // namespace siberius::daemon::test
