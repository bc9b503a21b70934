// What the daemon learns from one PDF on disk: its SHA-256 and the business
// metadata printed in it. Pure functions of the file's bytes; no network.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siberius::daemon {

/// The business fields of a document (the corpus README's rules).
struct pdf_metadata {
  std::string tipo = "desconhecido"; // orcamento | os | montagem | desconhecido
  std::optional<std::string> numero;
  std::optional<std::string> cliente;
  std::optional<std::string> data_evento; // ISO YYYY-MM-DD
  std::optional<double> valor_total;
};

/// Why a file could not be read as a PDF. `none` = fine.
enum class pdf_problem { none, empty, not_a_pdf, truncated, encrypted, no_text_layer, too_slow, io_error, reader_crashed };
const char* to_string(pdf_problem p);

struct pdf_facts {
  std::string sha256;          // 64 lowercase hex digits (always set unless io_error)
  std::int64_t size = 0;
  pdf_problem problem = pdf_problem::none;
  std::string reason;          // for people: "truncated: no %%EOF and no readable trailer"
  pdf_metadata metadata;       // filled when problem is none (or no_text_layer: tipo desconhecido)
  std::vector<std::string> warnings; // poppler's first complaints about the file, for the log
};

/// Extracts the metadata from the text of a document whose pages are given
/// with the positions of their words. Pure; see pdf_text.hpp for the input.
struct page_words;
pdf_metadata extract_metadata(const std::vector<page_words>& pages);

/// pdf_facts as one JSON text and back: what siberius-pdf-reader answers.
std::string facts_to_json(const pdf_facts& f);
/// Throws std::invalid_argument when `text` is not what facts_to_json writes.
pdf_facts facts_from_json(const std::string& text);

/// Whether poppler can open the file as a PDF (header, %%EOF, cross-reference
/// table, not encrypted), without hashing it or extracting text: for files
/// whose hash is already known (uploads). `sha256` stays empty.
pdf_facts check_pdf(const std::string& path);

/// Hashes (streaming) and parses one file under a time limit.
pdf_facts read_pdf(const std::string& path, std::chrono::milliseconds time_limit = std::chrono::seconds(20));

} // namespace siberius::daemon
