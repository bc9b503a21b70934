// Atendimentos (scheduled jobs at an event) as the REST API creates and edits
// them: the body read from JSON (pure, bounded; atendimentos.cpp) and the
// references to technicians and PDFs it may carry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace siberius::storage {

/// A technician named by id or by login.
struct user_ref {
  std::int64_t id = 0;
  std::string login; // when id == 0
};

/// A PDF named by id, by file hash, or by tipo + numero. Only the last may
/// name a document not indexed yet: it is kept as a reference of the
/// atendimento, and the PDF joins it when indexed.
struct pdf_ref {
  std::int64_t id = 0;
  std::string file_hash;
  std::string tipo, numero;
};

/// A tipo and numero an atendimento references (atendimento_refs).
struct doc_ref {
  std::string tipo, numero;
};

/// The fields of a create or an edit; absent ones are left as they are.
/// `data_fim`, `cliente` and `local` may be given as null to clear them.
struct atendimento_input {
  std::optional<std::string> titulo;
  std::optional<std::string> data_inicio; // YYYY-MM-DD or ISO 8601 timestamp
  std::optional<std::optional<std::string>> data_fim, cliente, local;
  std::optional<std::vector<user_ref>> tecnicos; // replaces the list when given
  std::optional<std::vector<pdf_ref>> pdfs;      // links these (added to the linked ones)
  /// PDF ids to unlink from this atendimento (DELETE /api/atendimentos/:id/pdfs/:pdfId);
  /// never read from a body. A PDF linked elsewhere is left where it is.
  std::vector<std::int64_t> unlink_pdfs;
  /// References to drop (DELETE /api/atendimentos/:id/referencias/:tipo/:numero);
  /// never read from a body. Linked PDFs stay linked.
  std::vector<doc_ref> unlink_refs;
  static constexpr std::size_t max_refs = 100;
};

/// Reads a request body. `creating` requires titulo and dataInicio. Unknown
/// fields are refused, so a typo never goes unnoticed. On error: a message
/// naming the field.
std::variant<atendimento_input, std::string> parse_atendimento_input(const nlohmann::json& body, bool creating);

/// Why a tipo and numero cannot be a reference (tipo one of orcamento, os,
/// montagem; numero 1 to 100 characters), naming the field as `prefix` +
/// "tipo" or "numero"; nullopt when they can.
std::optional<std::string> unfit_reference(const std::string& tipo, const std::string& numero,
                                           const std::string& prefix = "");

/// True for "YYYY-MM-DD" naming a real date (pdf_document.hpp).
bool is_iso_date(const std::string& s);

} // namespace siberius::storage
