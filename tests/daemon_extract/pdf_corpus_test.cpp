// Every sample PDF of ../shared/corpus/pdfs against its expected.json entry,
// through read_pdf as the daemon calls it.
#define CAF_SUITE daemon_pdf_corpus
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "pdf/pdf_metadata.hpp"
#include "pdf/sha256_stream.hpp"
#include "tests/daemon_extract/corpus_support.hpp"

using namespace siberius::daemon;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json load_expected() {
  std::ifstream in(test::corpus_dir() / "expected.json");
  if (!in)
    CAF_FAIL("cannot read " << (test::corpus_dir() / "expected.json"));
  return json::parse(in);
}

std::string field(const std::optional<std::string>& v) { return v ? "\"" + *v + "\"" : "null"; }

std::string amount(std::optional<double> v) {
  if (!v)
    return "null";
  std::ostringstream out;
  out.precision(2);
  out << std::fixed << *v;
  return out.str();
}

/// One line with the five fields, so a mismatch shows the whole picture.
std::string summary(const std::string& tipo, const std::string& numero, const std::string& cliente,
                    const std::string& data, const std::string& total) {
  return "tipo=" + tipo + " numero=" + numero + " cliente=" + cliente + " dataEvento=" + data
         + " valorTotal=" + total;
}

std::string summary_of(const pdf_metadata& m) {
  return summary(m.tipo, field(m.numero), field(m.cliente), field(m.data_evento), amount(m.valor_total));
}

std::string summary_of(const json& e) {
  auto text = [&](const char* key) {
    return e.contains(key) && !e[key].is_null() ? "\"" + e[key].get<std::string>() + "\"" : std::string("null");
  };
  auto total = e.contains("valorTotal") && !e["valorTotal"].is_null()
                 ? amount(e["valorTotal"].get<double>())
                 : std::string("null");
  return summary(e["tipo"].get<std::string>(), text("numero"), text("cliente"), text("dataEvento"), total);
}

std::string sha256_of_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return siberius::sha256_hex(bytes);
}

bool is_good_sample(const json& entry) { return entry.contains("layout"); }

} // namespace

CAF_TEST(every good sample gives exactly its expected metadata) {
  auto expected = load_expected();
  std::size_t good = 0, passed = 0;
  for (auto& [name, entry] : expected.items()) {
    if (!is_good_sample(entry))
      continue;
    ++good;
    auto facts = read_pdf((test::corpus_dir() / name).string());
    CAF_CHECK_EQUAL(name + ": " + to_string(facts.problem) + " " + facts.reason, name + ": none ");
    auto got = name + ": " + summary_of(facts.metadata);
    auto want = name + ": " + summary_of(entry);
    CAF_CHECK_EQUAL(got, want);
    if (got == want && facts.problem == pdf_problem::none)
      ++passed;
  }
  CAF_MESSAGE(passed << " of " << good << " good samples match expected.json");
  CAF_CHECK_EQUAL(good, 24u);
  CAF_CHECK_EQUAL(passed, good);
}

CAF_TEST(every file of the corpus folder has an expected entry and the other way round) {
  auto expected = load_expected();
  std::set<std::string> on_disk, listed;
  for (auto& entry : fs::directory_iterator(test::corpus_dir()))
    if (entry.path().extension() == ".pdf")
      on_disk.insert(entry.path().filename().string());
  for (auto& [name, entry] : expected.items())
    listed.insert(name);
  CAF_CHECK(on_disk == listed);
  CAF_CHECK_EQUAL(on_disk.size(), 29u);
}

CAF_TEST(each bad input is reported with its problem and a reason) {
  struct bad_case {
    const char* file;
    pdf_problem problem;
    const char* reason_says;
  };
  const bad_case cases[] = {
    {"bad_empty.pdf", pdf_problem::empty, "0 bytes"},
    {"bad_not_a_pdf.pdf", pdf_problem::not_a_pdf, "no %PDF- header"},
    {"bad_truncated.pdf", pdf_problem::truncated, "no %%EOF"},
    {"bad_encrypted.pdf", pdf_problem::encrypted, "password"},
    {"bad_scanned_image_only.pdf", pdf_problem::no_text_layer, "no text layer (scanned image?)"},
  };
  for (auto& c : cases) {
    auto facts = read_pdf((test::corpus_dir() / c.file).string());
    CAF_CHECK_EQUAL(std::string(c.file) + ": " + to_string(facts.problem), std::string(c.file) + ": " + to_string(c.problem));
    if (facts.reason.find(c.reason_says) == std::string::npos)
      CAF_ERROR(c.file << ": reason '" << facts.reason << "' should say '" << c.reason_says << "'");
    CAF_CHECK_EQUAL(facts.metadata.tipo, "desconhecido");
    CAF_CHECK(!facts.metadata.numero && !facts.metadata.cliente && !facts.metadata.valor_total);
    // Even a bad file is hashed: the server still learns it exists.
    CAF_CHECK_EQUAL(facts.sha256.size(), 64u);
  }
}

CAF_TEST(the hash of every corpus file equals an independent SHA-256 of its bytes) {
  for (auto& entry : fs::directory_iterator(test::corpus_dir())) {
    if (entry.path().extension() != ".pdf")
      continue;
    auto facts = read_pdf(entry.path().string());
    auto name = entry.path().filename().string();
    CAF_CHECK_EQUAL(name + ": " + facts.sha256, name + ": " + sha256_of_file(entry.path()));
    CAF_CHECK_EQUAL(facts.size, std::int64_t(fs::file_size(entry.path())));
  }
  // The SHA-256 of nothing, as sha256sum prints it for an empty file.
  CAF_CHECK_EQUAL(read_pdf((test::corpus_dir() / "bad_empty.pdf").string()).sha256,
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

CAF_TEST(a missing file or a folder is an io error without a hash) {
  auto missing = read_pdf((test::corpus_dir() / "no such file.pdf").string());
  CAF_CHECK_EQUAL(to_string(missing.problem), std::string("io_error"));
  CAF_CHECK(missing.reason.find("No such file") != std::string::npos);
  CAF_CHECK(missing.sha256.empty());
  auto folder = read_pdf(test::corpus_dir().string());
  CAF_CHECK_EQUAL(to_string(folder.problem), std::string("io_error"));
  CAF_CHECK(folder.reason.find("not a regular file") != std::string::npos);
}

CAF_TEST(a file not read within the time limit is too slow with the limit in the reason) {
  auto facts = read_pdf((test::corpus_dir() / "orcamento_3061_lines.pdf").string(), std::chrono::milliseconds(0));
  CAF_CHECK_EQUAL(to_string(facts.problem), std::string("too_slow"));
  CAF_CHECK(facts.reason.find("limit 0 ms") != std::string::npos);
  CAF_CHECK_EQUAL(facts.sha256.size(), 64u); // the hash is known before parsing starts
  CAF_CHECK_EQUAL(facts.metadata.tipo, "desconhecido");
}
