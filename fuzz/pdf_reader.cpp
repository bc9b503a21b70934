// siberius-pdf-reader's work on any file's bytes: read_pdf (hash, poppler,
// text, metadata) and check_pdf (what uploads get) never crash, always say
// why a file is refused, and their answer survives the pipe's JSON.
// poppler itself is Debian's build (not instrumented); the code around it is.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_check.hpp"
#include "pdf/sha256_stream.hpp"
#include "pdf/pdf_metadata.hpp"

using namespace siberius::daemon;

namespace {

/// One scratch file per process, rewritten for every input.
const std::string& scratch_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    std::string p = std::string(dir && *dir ? dir : "/tmp") + "/siberius-fuzz-pdf-" + std::to_string(::getpid()) + ".pdf";
    std::atexit([] { std::remove(scratch_path().c_str()); });
    return p;
  }();
  return path;
}

void check_answer(const pdf_facts& f) {
  FUZZ_CHECK((f.problem == pdf_problem::none) == f.reason.empty());
  FUZZ_CHECK(f.problem != pdf_problem::io_error);
  auto json = facts_to_json(f);
  FUZZ_CHECK(facts_to_json(facts_from_json(json)) == json);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = scratch_path();
  std::FILE* out = std::fopen(path.c_str(), "wb");
  FUZZ_CHECK(out != nullptr);
  FUZZ_CHECK(size == 0 || std::fwrite(data, 1, size, out) == size);
  FUZZ_CHECK(std::fclose(out) == 0);

  // A generous limit: a slow input is a finding of libFuzzer's -timeout, not
  // an answer that changes with the machine's load.
  auto facts = read_pdf(path, std::chrono::seconds(60));
  check_answer(facts);
  FUZZ_CHECK(facts.size == static_cast<std::int64_t>(size));
  FUZZ_CHECK(siberius::is_sha256_hex(facts.sha256));
  if (facts.problem != pdf_problem::none)
    FUZZ_CHECK(facts.metadata.tipo == "desconhecido" && !facts.metadata.numero && !facts.metadata.cliente);

  auto checked = check_pdf(path);
  check_answer(checked);
  // Both see the same header and end of file.
  if (facts.problem == pdf_problem::empty || facts.problem == pdf_problem::not_a_pdf)
    FUZZ_CHECK(checked.problem == facts.problem);
  return 0;
}
