// The metadata of one PDF as the daemon reports it, validated. Pure code:
// turns the JSON of a daemon:pdf_indexed event into a typed record or a reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace siberius::storage {

struct pdf_document {
  std::string file_hash;  // 64 lowercase hex digits (SHA-256)
  std::string filename;   // base name, as on the office disk
  std::string file_path;  // path on the office machine
  std::int64_t file_size = 0;
  std::string tipo;       // orcamento | os | montagem | desconhecido
  std::optional<std::string> numero;
  std::optional<std::string> cliente;
  std::optional<std::string> data_evento; // ISO YYYY-MM-DD, a real date
  std::optional<double> valor_total;      // >= 0, finite
  std::optional<std::string> indexed_at;  // ISO 8601 as sent
  std::optional<std::int64_t> file_mtime_ms; // the office file's mtime (ms since the epoch), when sent
  std::string raw;        // everything the daemon sent, as JSON text (stored as JSONB)
};

/// Validates one document object. Errors name the field and what is wrong,
/// e.g. "fileHash: expected 64 hex digits".
std::variant<pdf_document, std::string> parse_pdf_document(const nlohmann::json& j);

/// True when `s` is YYYY-MM-DD and names a real calendar date.
bool is_iso_date(const std::string& s);

} // namespace siberius::storage
