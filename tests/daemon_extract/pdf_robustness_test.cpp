// Hostile files made from the good samples: cut at many offsets (with and
// without a forged %%EOF) and with random bytes flipped. read_pdf must answer
// every one with metadata or a problem and a reason, in time, never crash.
#define CAF_SUITE daemon_pdf_robustness
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <thread>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "pdf/pdf_metadata.hpp"
#include "tests/daemon_extract/corpus_support.hpp"

using namespace siberius::daemon;
namespace fs = std::filesystem;

namespace {

constexpr auto time_limit = std::chrono::seconds(5);
// Poppler cannot be interrupted within a page: allow one page's overrun.
constexpr auto answer_within = std::chrono::seconds(10);

struct scratch_folder {
  fs::path path;
  scratch_folder() {
    auto pattern = (fs::temp_directory_path() / "siberius-extract-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      CAF_FAIL("cannot make a temporary folder");
    path = pattern;
  }
  ~scratch_folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

std::vector<fs::path> good_samples() {
  std::vector<fs::path> out;
  for (auto& entry : fs::directory_iterator(test::corpus_dir())) {
    auto name = entry.path().filename().string();
    if (entry.path().extension() == ".pdf" && name.rfind("bad_", 0) != 0)
      out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct tally {
  std::size_t files = 0, with_metadata = 0;
  std::set<std::string> problems;
};

/// Reads one hostile file and checks what any caller relies on.
void check_answer(const fs::path& file, const std::string& label, tally& t) {
  auto start = std::chrono::steady_clock::now();
  auto facts = read_pdf(file.string(), time_limit);
  auto took = std::chrono::steady_clock::now() - start;
  ++t.files;
  if (took > answer_within)
    CAF_ERROR(label << ": took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  if (facts.sha256.size() != 64)
    CAF_ERROR(label << ": no hash (" << to_string(facts.problem) << " " << facts.reason << ")");
  static const std::set<std::string> tipos{"orcamento", "os", "montagem", "desconhecido"};
  if (!tipos.count(facts.metadata.tipo))
    CAF_ERROR(label << ": tipo '" << facts.metadata.tipo << "'");
  if (facts.problem == pdf_problem::none) {
    ++t.with_metadata;
  } else {
    t.problems.insert(to_string(facts.problem));
    if (facts.reason.empty())
      CAF_ERROR(label << ": problem " << to_string(facts.problem) << " without a reason");
    if (facts.metadata.tipo != "desconhecido")
      CAF_ERROR(label << ": problem " << to_string(facts.problem) << " but tipo " << facts.metadata.tipo);
  }
}

} // namespace

CAF_TEST(cut files give a problem or metadata and never crash) {
  scratch_folder scratch;
  tally t;
  for (auto& sample : good_samples()) {
    auto bytes = read_all(sample);
    auto n = bytes.size();
    for (std::size_t cut : {std::size_t(1), std::size_t(5), std::size_t(9), n / 10, n / 3, n / 2, n * 9 / 10, n - 200, n - 7, n - 1}) {
      auto name = sample.filename().string() + "@" + std::to_string(cut);
      auto cut_file = scratch.path / "cut.pdf";
      write_all(cut_file, bytes.substr(0, cut));
      check_answer(cut_file, name, t);
      // The same cut with a forged end marker reaches poppler's own parser.
      write_all(cut_file, bytes.substr(0, cut) + "\n%%EOF\n");
      check_answer(cut_file, name + "+%%EOF", t);
    }
  }
  CAF_MESSAGE(t.files << " cut files: " << t.with_metadata << " still readable");
  CAF_CHECK(t.problems.count("truncated") == 1);
}

CAF_TEST(files with flipped bytes give a problem or metadata and never crash) {
  scratch_folder scratch;
  tally t;
  std::mt19937 random(20260115); // fixed: a failure can be replayed
  for (auto& sample : good_samples()) {
    auto bytes = read_all(sample);
    for (int variant = 0; variant < 30; ++variant) {
      auto hostile = bytes;
      std::uniform_int_distribution<int> flips(1, 16);
      // Half the variants aim at the last 2 KiB: the xref table and trailer.
      std::size_t from = variant % 2 ? 0 : (hostile.size() > 2048 ? hostile.size() - 2048 : 0);
      std::uniform_int_distribution<std::size_t> where(from, hostile.size() - 1);
      std::uniform_int_distribution<int> mask(1, 255);
      for (int f = flips(random); f > 0; --f)
        hostile[where(random)] ^= char(mask(random));
      auto file = scratch.path / "flipped.pdf";
      write_all(file, hostile);
      check_answer(file, sample.filename().string() + " variant " + std::to_string(variant), t);
    }
  }
  CAF_MESSAGE(t.files << " flipped files: " << t.with_metadata << " still readable");
  CAF_CHECK_GREATER(t.files, 0u);
}

CAF_TEST(a file of random bytes behind a pdf header is refused) {
  scratch_folder scratch;
  tally t;
  std::mt19937 random(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::size_t size : {16, 1000, 70000}) {
    std::string noise = "%PDF-1.7\n";
    while (noise.size() < size)
      noise += char(byte(random));
    noise += "\n%%EOF\n";
    auto file = scratch.path / "noise.pdf";
    write_all(file, noise);
    check_answer(file, "noise " + std::to_string(size), t);
  }
  CAF_CHECK_EQUAL(t.with_metadata, 0u);
}

CAF_TEST(poppler complaints land in the facts and not on stderr) {
  scratch_folder scratch;
  auto bytes = read_all(test::corpus_dir() / "orcamento_3061_lines.pdf");
  auto damaged = scratch.path / "damaged.pdf";
  write_all(damaged, bytes.substr(0, bytes.size() / 2) + "\n%%EOF\n");
  auto captured = scratch.path / "stderr.txt";
  std::fflush(stderr);
  int saved = ::dup(2);
  int into = ::open(captured.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(into, 2);
  auto facts = read_pdf(damaged.string());
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  ::close(into);
  CAF_CHECK_EQUAL(read_all(captured), "");
  CAF_CHECK(!facts.warnings.empty());
  CAF_MESSAGE(to_string(facts.problem) << ": " << facts.reason);
}

CAF_TEST(two workers parsing at once get the same answers as one) {
  auto samples = good_samples();
  std::vector<std::string> alone;
  for (auto& f : samples) {
    auto facts = read_pdf(f.string());
    alone.push_back(facts.sha256 + " " + to_string(facts.problem) + " " + facts.metadata.tipo + " "
                    + facts.metadata.numero.value_or("-") + " " + facts.metadata.cliente.value_or("-"));
  }
  std::vector<std::string> together(samples.size() * 4);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (auto i = next++; i < together.size(); i = next++) {
      auto facts = read_pdf(samples[i % samples.size()].string());
      together[i] = facts.sha256 + " " + to_string(facts.problem) + " " + facts.metadata.tipo + " "
                    + facts.metadata.numero.value_or("-") + " " + facts.metadata.cliente.value_or("-");
    }
  };
  std::thread second(work);
  work();
  second.join();
  for (std::size_t i = 0; i < together.size(); ++i)
    CAF_CHECK_EQUAL(together[i], alone[i % samples.size()]);
}
