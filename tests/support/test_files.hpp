// Small helpers the process-level suites share: where the sources and the
// sample corpus are, a file's SHA-256 (the daemon's own sha256_stream), log
// counting, and polling until something holds.
#pragma once

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "pdf/sha256_stream.hpp"

namespace siberius::testing {

/// SIBERIUS_SOURCE_DIR (set by ctest), else the folder the test was built from.
inline std::string source_dir() {
  const char* v = std::getenv("SIBERIUS_SOURCE_DIR");
  return v != nullptr && *v != '\0' ? v : SIBERIUS_TEST_SOURCE_DIR;
}

/// The sample business PDFs shared by every suite.
inline std::string corpus_dir() { return source_dir() + "/../shared/corpus/pdfs"; }

/// The SHA-256 of a file, lowercase hex.
inline std::string sha256_of(const std::string& path) {
  auto bytes = read_file(path);
  sha256_stream digest;
  digest.update(bytes.data(), bytes.size());
  return digest.hex();
}

/// How often `what` occurs in `text` (log lines, say).
inline std::size_t count_in(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
    ++n;
  return n;
}

/// Polls `check` every `every` until it holds or `limit` passes; its last answer.
template <class Check>
bool eventually(Check check, std::chrono::milliseconds limit = std::chrono::seconds(20),
                std::chrono::milliseconds every = std::chrono::milliseconds(50)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check())
      return true;
    std::this_thread::sleep_for(every);
  }
  return check();
}

} // namespace siberius::testing
