// The PDF list and status the REST API serves (GET /api/pdfs, GET
// /api/pdfs/:id/status): the filter read from a query string (pure, bounded)
// and its SQL (pdf_query.cpp, run by metadata_store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace siberius::storage {

struct pdf_filter {
  std::optional<std::string> tipo;      // orcamento | os | montagem | desconhecido
  std::optional<std::string> numero;    // exact
  std::optional<std::string> cliente;   // part of the name, any case
  std::optional<std::string> status;    // available_local | uploading | cached | expired | missing
  std::optional<std::string> client_id; // the daemon that has the file
  std::optional<std::string> date_from; // data_evento >= (YYYY-MM-DD)
  std::optional<std::string> date_to;   // data_evento <= (YYYY-MM-DD)
  std::optional<std::int64_t> visible_to; // a technician: only PDFs of their atendimentos
  int page = 1;                         // 1-based
  int page_size = 25;                   // at most max_page_size
  static constexpr int max_page_size = 100;
};

/// Reads tipo, numero, cliente, status, clientId, from, to, page, pageSize from
/// a request target ("/api/pdfs?cliente=Ana&page=2"). Unknown parameters are
/// refused too, so a typo never silently widens a search. On error: a message
/// naming the parameter.
std::variant<pdf_filter, std::string> parse_pdf_filter(std::string_view target);

/// "%41na+Lima" -> "Ana Lima"; nullopt when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view s);

} // namespace siberius::storage
