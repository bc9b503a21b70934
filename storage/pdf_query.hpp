// The PDF list and status the REST API serves (GET /api/pdfs, GET
// /api/pdfs/:id/status): the filter read from a query string (pure, bounded)
// and its SQL (pdf_query.cpp, run by metadata_store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace siberius::storage {

/// Where a page of the list starts: just after the row (data_evento, id) in
/// the list order, which is what a cursor carries, with the number the answer
/// reports for that page (the first page is 1) and the total the first page
/// counted (pages reached by cursor do not count again).
struct pdf_position {
  std::optional<std::string> data_evento; // YYYY-MM-DD; nullopt: an undated row
  std::int64_t id = 0;
  int page = 2;
  long long total = 0;
  bool total_is_lower_bound = false;
};

struct pdf_filter {
  std::optional<std::string> tipo;      // orcamento | os | montagem | desconhecido
  std::optional<std::string> numero;    // exact
  std::optional<std::string> cliente;   // part of the name, any case
  std::optional<std::string> status;    // available_local | uploading | cached | expired | missing
  std::optional<std::string> client_id; // the daemon that has the file
  std::optional<std::string> date_from; // data_evento >= (YYYY-MM-DD)
  std::optional<std::string> date_to;   // data_evento <= (YYYY-MM-DD)
  std::optional<std::int64_t> visible_to; // a technician: only PDFs of their atendimentos
  std::optional<pdf_position> after;    // from `cursor`; then page is 1
  int page = 1;                         // 1-based
  int page_size = 25;                   // at most max_page_size
  static constexpr int max_page_size = 100;
  // total counts matches up to this many; past it the answer says "more than
  // total_cap" (totalIsLowerBound), so no search reads every row it matches.
  static constexpr int total_cap = 1000;
};

/// The decoded name=value fields of a query string, in order (net/url.hpp reads them).
using query_pairs = std::vector<std::pair<std::string, std::string>>;

/// Reads tipo, numero, cliente, status, clientId, from, to, page, pageSize and
/// cursor from the fields of a query string ("cliente=Ana&page=2") for a caller
/// who sees everything, or only the PDFs of user `visible_to`'s atendimentos.
/// Unknown parameters are refused too, so a typo never silently widens a
/// search; so is a cursor that was altered or issued for other filters or
/// another view. On error: a message naming the parameter.
std::variant<pdf_filter, std::string> parse_pdf_filter(const query_pairs& query,
                                                       std::optional<std::int64_t> visible_to = std::nullopt);

/// The cursor of the page that starts after `at`, for the filters and view of
/// `f` (text safe in a URL without escaping).
std::string pdf_cursor(const pdf_filter& f, const pdf_position& at);

} // namespace siberius::storage
