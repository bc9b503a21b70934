// read_pdf: one pass over the file's bytes feeds both SHA-256 and poppler.
//
// The time limit: poppler's calls cannot be interrupted, so the deadline is
// checked before loading and between pages. One pathological page can
// overrun the limit by its own parse time; a many-page document cannot. A
// hard stop would need a child process per file, which costs more than a
// whole parse of an ordinary document.
#include "pdf/pdf_metadata.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#endif

#include <openssl/evp.h>
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include "pdf/extract_rules.hpp"
#include "pdf/pdf_text.hpp"
#include "pdf/sha256_stream.hpp"
#include "platform/files.hpp"

namespace siberius::daemon {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr std::size_t chunk_size = 64 * 1024;
// Larger files are hashed in chunks and handed to poppler by path (read
// twice) rather than held whole in memory; poppler also takes an int length.
constexpr std::int64_t max_in_memory = 256LL << 20;
// PDF readers accept junk before "%PDF-" within the first KiB, and a few
// bytes (a comment, line ends) after the last "%%EOF".
constexpr std::size_t header_window = 1024;
constexpr std::size_t eof_window = 1024;
constexpr std::size_t max_warnings = 8;

// Poppler reports through one process-wide callback, on the thread that
// parses; each read_pdf collects the messages of its own file.
thread_local std::vector<std::string>* current_warnings = nullptr;

void collect_poppler_message(const std::string& message, void*) {
  if (current_warnings && current_warnings->size() < max_warnings)
    current_warnings->push_back(message);
}

/// A valid one-page PDF of a few hundred bytes, built with exact xref offsets.
std::string tiny_pdf() {
  std::string pdf = "%PDF-1.4\n";
  const char* objects[] = {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                           "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"};
  std::vector<std::size_t> offsets;
  for (int i = 0; i < 3; ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  auto xref = pdf.size();
  pdf += "xref\n0 4\n0000000000 65535 f \n";
  for (auto offset : offsets) {
    auto digits = std::to_string(offset);
    pdf += std::string(10 - digits.size(), '0') + digits + " 00000 n \n";
  }
  pdf += "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

/// Once per process: poppler's messages go to collect_poppler_message, and
/// one tiny document stays open for good. poppler-cpp builds its global state
/// (font and encoding tables) when the first document opens and tears it down
/// when the last one closes; a daemon parsing files one after the other would
/// rebuild it for every file, which doubles the cost of an ordinary PDF.
void prepare_poppler() {
  static std::once_flag once;
  std::call_once(once, [] {
    poppler::set_debug_error_function(collect_poppler_message, nullptr);
    // Never freed: a parse still running on another thread when the process
    // exits must not see the global state go away under it.
    static const auto* resident_pdf = new std::string(tiny_pdf());
    static const auto* resident =
      poppler::document::load_from_raw_data(resident_pdf->data(), int(resident_pdf->size()));
    (void)resident;
  });
}

struct warnings_scope {
  explicit warnings_scope(std::vector<std::string>& into) { current_warnings = &into; }
  ~warnings_scope() { current_warnings = nullptr; }
};

/// Reads the whole file once: every chunk is hashed as it arrives and, unless
/// the file is huge, kept for poppler. Returns an error text or "".
std::string read_and_hash(const std::string& path, pdf_facts& facts, std::vector<char>& content, bool& kept) {
  platform::input_file file;
  std::string error;
  if (!file.open(path, error))
    return error.rfind("not a regular file", 0) == 0 ? error : "cannot open: " + error;
  auto size = file.size();
  if (size < 0)
    return "cannot stat: " + platform::last_system_error();
  kept = size <= max_in_memory;
  // One chunk of spare room: the read that finds the end needs somewhere to go.
  if (kept)
    content.resize(std::size_t(size) + chunk_size);
  else
    content.resize(chunk_size);
  sha256_stream sha;
  std::int64_t total = 0;
  for (;;) {
    std::size_t offset = kept ? std::size_t(total) : 0;
    if (kept && offset + chunk_size > content.size()) {
      // The file is still growing; follow it, within reason.
      if (std::int64_t(content.size()) > max_in_memory)
        return "the file grew past " + std::to_string(max_in_memory >> 20) + " MiB while being read";
      content.resize(offset + chunk_size);
    }
    auto n = file.read(content.data() + offset, chunk_size);
    if (n < 0)
      return "read failed: " + file.last_error();
    if (n == 0)
      break;
    sha.update(content.data() + offset, std::size_t(n));
    total += n;
  }
  content.resize(kept ? std::size_t(total) : 0);
  facts.size = total;
  facts.sha256 = sha.hex();
  return {};
}

/// The name poppler opens a file by. On Windows poppler takes each byte of
/// the name as one character, so a name with accents goes by its short (8.3)
/// alias when the volume has them; only files too large to read into memory
/// are opened by name.
std::string poppler_file_name(const std::string& path) {
#ifdef _WIN32
  if (std::all_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return path;
  std::wstring wide = platform::win32_path(path);
  std::wstring alias(wide.size() + 1, L'\0');
  DWORD n = ::GetShortPathNameW(wide.c_str(), alias.data(), static_cast<DWORD>(alias.size()));
  if (n == 0 || n >= alias.size())
    return path;
  alias.resize(n);
  return platform::narrow(alias);
#else
  return path;
#endif
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string with_first_warning(std::string reason, const std::vector<std::string>& warnings) {
  if (!warnings.empty())
    reason += " (poppler: " + warnings.front() + ")";
  return reason;
}

void parse(const std::string& path, const std::vector<char>& content, bool kept, clock_type::time_point deadline,
           std::chrono::milliseconds limit, pdf_facts& facts) {
  auto fail = [&](pdf_problem p, std::string reason) {
    facts.problem = p;
    facts.reason = std::move(reason);
  };
  if (facts.size == 0)
    return fail(pdf_problem::empty, "empty: the file has 0 bytes");
  if (kept) {
    std::string_view bytes(content.data(), content.size());
    if (!contains(bytes.substr(0, header_window), "%PDF-"))
      return fail(pdf_problem::not_a_pdf, "not a PDF: no %PDF- header in the first 1024 bytes");
    if (!contains(bytes.substr(bytes.size() - std::min(bytes.size(), eof_window)), "%%EOF"))
      return fail(pdf_problem::truncated,
                  "truncated: no %%EOF in the last 1024 bytes (cut short, or still being written)");
  }
  auto too_slow = [&](const std::string& where) {
    fail(pdf_problem::too_slow, "too slow: gave up " + where + " (limit " + std::to_string(limit.count()) + " ms)");
  };
  if (clock_type::now() > deadline)
    return too_slow("before parsing");

  std::unique_ptr<poppler::document> doc(
    kept ? poppler::document::load_from_raw_data(content.data(), int(content.size()))
         : poppler::document::load_from_file(poppler_file_name(path)));
  if (!doc) {
    if (!kept) // the header and %%EOF were not checked for a huge file
      return fail(pdf_problem::truncated,
                  with_first_warning("not a PDF or damaged: poppler cannot open it", facts.warnings));
    return fail(pdf_problem::truncated,
                with_first_warning("truncated or damaged: poppler cannot read its cross-reference table",
                                   facts.warnings));
  }
  if (doc->is_locked())
    return fail(pdf_problem::encrypted, "encrypted: the PDF needs a password to open");

  int page_count = doc->pages();
  std::vector<page_words> pages;
  pages.reserve(std::size_t(std::max(page_count, 0)));
  std::size_t word_count = 0;
  for (int i = 0; i < page_count; ++i) {
    if (clock_type::now() > deadline)
      return too_slow("after " + std::to_string(i) + " of " + std::to_string(page_count) + " pages");
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) {
      pages.emplace_back();
      continue;
    }
    pages.push_back(read_page_words(*page));
    word_count += pages.back().words.size();
  }
  if (clock_type::now() > deadline)
    return too_slow("after reading all " + std::to_string(page_count) + " pages");
  if (word_count == 0)
    return fail(pdf_problem::no_text_layer, page_count == 0 ? "no text layer: the document has no pages"
                                                            : "no text layer (scanned image?)");
  facts.metadata = extract_metadata(pages);
}

} // namespace

pdf_facts read_pdf(const std::string& path, std::chrono::milliseconds time_limit) {
  auto deadline = clock_type::now() + time_limit;
  prepare_poppler();
  pdf_facts facts;
  warnings_scope collect(facts.warnings);
  try {
    std::vector<char> content;
    bool kept = false;
    if (auto error = read_and_hash(path, facts, content, kept); !error.empty()) {
      facts.sha256.clear();
      facts.problem = pdf_problem::io_error;
      facts.reason = "io error: " + error;
      return facts;
    }
    parse(path, content, kept, deadline, time_limit, facts);
  } catch (const std::bad_alloc&) {
    facts.problem = pdf_problem::truncated;
    facts.reason = "damaged: parsing it needs more memory than there is";
  } catch (const std::exception& e) {
    facts.problem = pdf_problem::truncated;
    facts.reason = std::string("damaged: ") + e.what();
  }
  if (facts.problem != pdf_problem::none)
    facts.metadata = pdf_metadata{}; // tipo desconhecido, no fields
  return facts;
}

pdf_facts check_pdf(const std::string& path) {
  prepare_poppler();
  pdf_facts facts;
  warnings_scope collect(facts.warnings);
  auto fail = [&](pdf_problem p, std::string reason) {
    facts.problem = p;
    facts.reason = std::move(reason);
    return facts;
  };
  platform::input_file file;
  std::string error;
  if (!file.open(path, error) || (facts.size = file.size()) < 0)
    return fail(pdf_problem::io_error, "io error: cannot open: " + (error.empty() ? platform::last_system_error() : error));
  if (facts.size == 0)
    return fail(pdf_problem::empty, "empty: the file has 0 bytes");
  auto window = [&](std::int64_t at, std::size_t n) {
    std::string bytes(n, '\0');
    auto got = file.read_at(bytes.data(), n, at);
    bytes.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    return bytes;
  };
  auto size = static_cast<std::size_t>(facts.size);
  if (!contains(window(0, std::min(size, header_window)), "%PDF-"))
    return fail(pdf_problem::not_a_pdf, "not a PDF: no %PDF- header in the first 1024 bytes");
  auto tail = std::min(size, eof_window);
  if (!contains(window(static_cast<std::int64_t>(size - tail), tail), "%%EOF"))
    return fail(pdf_problem::truncated, "truncated: no %%EOF in the last 1024 bytes");
  // poppler reads what it needs (the cross-reference table, the catalog)
  // from the file; nothing is loaded whole.
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(poppler_file_name(path)));
  if (!doc)
    return fail(pdf_problem::truncated,
                with_first_warning("truncated or damaged: poppler cannot read its cross-reference table",
                                   facts.warnings));
  if (doc->is_locked())
    return fail(pdf_problem::encrypted, "encrypted: the PDF needs a password to open");
  return facts;
}

} // namespace siberius::daemon
