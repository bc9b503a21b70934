#include "storage/pdf_query.hpp"

#include <cstdlib>
#include <tuple>
#include <utility>
#include <vector>
#include <pqxx/pqxx>

#include "storage/pdf_document.hpp"
#include "storage/store_impl.hpp"

namespace siberius::storage {

namespace {

constexpr std::size_t max_text_param = 200;

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  for (auto* a : allowed)
    if (v == a)
      return true;
  return false;
}

/// "Ana_%" -> "Ana\_\%": the user's text matched literally by ILIKE.
std::string like_literal(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '%' || c == '_')
      out += '\\';
    out += c;
  }
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  return true;
}

/// What a cursor is bound to: the filters, each with its length so no two
/// different searches write the same text, and whose view it is (the total it
/// carries is that view's). The page size is left out: a client may change it
/// between pages without losing its place.
std::string search_signature(const pdf_filter& f) {
  std::string out = f.visible_to ? "user " + std::to_string(*f.visible_to) + ';' : std::string("all;");
  for (const auto* v : {&f.tipo, &f.numero, &f.cliente, &f.status, &f.client_id, &f.date_from, &f.date_to}) {
    if (*v)
      out += std::to_string(v->value().size()) + ':' + v->value();
    out += ';';
  }
  return out;
}

/// The check that ends a cursor. It is not a secret: a cursor grants nothing
/// (every page applies the caller's access rules, and a forged total would
/// only mislead the one who forged it); the check turns an edited or
/// misplaced cursor into a clear 400.
std::string cursor_check(const pdf_filter& f, const std::string& position) {
  return sha256_hex("siberius pdf cursor 1\n" + position + '\n' + search_signature(f)).substr(0, 16);
}

/// "2026-05-19.1234.3.1000m.<check>" (the date "-" for an undated row, the
/// total's "m" for "more than") back to a position.
std::optional<pdf_position> decode_cursor(const pdf_filter& f, const std::string& text) {
  auto check_at = text.rfind('.');
  if (check_at == std::string::npos)
    return std::nullopt;
  auto position = text.substr(0, check_at);
  if (text.substr(check_at + 1) != cursor_check(f, position))
    return std::nullopt;
  std::vector<std::string> parts;
  for (std::size_t from = 0;;) {
    auto dot = position.find('.', from);
    parts.push_back(position.substr(from, dot == std::string::npos ? std::string::npos : dot - from));
    if (dot == std::string::npos)
      break;
    from = dot + 1;
  }
  if (parts.size() != 4)
    return std::nullopt;
  const auto &date = parts[0], &id = parts[1], &page = parts[2];
  auto total = parts[3];
  pdf_position at;
  if (!total.empty() && total.back() == 'm') {
    at.total_is_lower_bound = true;
    total.pop_back();
  }
  if ((date != "-" && !is_iso_date(date)) || !all_digits(id) || id.size() > 18 || !all_digits(page) ||
      page.size() > 8 || !all_digits(total) || total.size() > 8)
    return std::nullopt;
  if (date != "-")
    at.data_evento = date;
  at.id = std::stoll(id);
  at.page = std::stoi(page);
  at.total = std::stoll(total);
  if (at.page < 2 || at.page > 1000001)
    return std::nullopt;
  return at;
}

} // namespace

std::string pdf_cursor(const pdf_filter& f, const pdf_position& at) {
  auto position = at.data_evento.value_or("-") + '.' + std::to_string(at.id) + '.' + std::to_string(at.page) + '.' +
                  std::to_string(at.total) + (at.total_is_lower_bound ? "m" : "");
  return position + '.' + cursor_check(f, position);
}

std::variant<pdf_filter, std::string> parse_pdf_filter(const query_pairs& query, std::optional<std::int64_t> visible_to) {
  pdf_filter f;
  f.visible_to = visible_to;
  std::optional<std::string> cursor;
  for (const auto& field : query) {
    const std::string &name = field.first, &value = field.second;
    if (value.size() > max_text_param || value.find('\0') != std::string::npos)
      return name + ": at most " + std::to_string(max_text_param) + " characters";
    if (value.empty())
      continue; // "?cliente=" is no filter
    auto number = [&](int lo, int hi, int& out) -> std::optional<std::string> {
      char* end = nullptr;
      long n = std::strtol(value.c_str(), &end, 10);
      if (*end != '\0' || n < lo || n > hi)
        return name + ": expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
      out = static_cast<int>(n);
      return std::nullopt;
    };
    if (name == "tipo") {
      if (!one_of(value, {"orcamento", "os", "montagem", "desconhecido"}))
        return std::string("tipo: expected orcamento, os, montagem or desconhecido");
      f.tipo = value;
    } else if (name == "status") {
      if (!one_of(value, {"available_local", "uploading", "cached", "expired", "missing"}))
        return std::string("status: expected available_local, uploading, cached, expired or missing");
      f.status = value;
    } else if (name == "numero") {
      f.numero = value;
    } else if (name == "cliente") {
      f.cliente = value;
    } else if (name == "clientId") {
      f.client_id = value;
    } else if (name == "from" || name == "to") {
      if (!is_iso_date(value))
        return name + ": expected a date YYYY-MM-DD";
      (name == "from" ? f.date_from : f.date_to) = value;
    } else if (name == "page") {
      if (auto e = number(1, 1000000, f.page))
        return *e;
    } else if (name == "pageSize") {
      if (auto e = number(1, pdf_filter::max_page_size, f.page_size))
        return *e;
    } else if (name == "cursor") {
      cursor = value;
    } else {
      return name + ": unknown parameter (tipo, numero, cliente, status, clientId, from, to, page, pageSize, cursor)";
    }
  }
  if (f.date_from && f.date_to && *f.date_from > *f.date_to)
    return std::string("from: after to");
  if (cursor) {
    // Read once every filter is known: the cursor must belong to them.
    if (f.page != 1)
      return std::string("page: must be absent or 1 with a cursor (the cursor says where the page starts)");
    f.after = decode_cursor(f, *cursor);
    if (!f.after)
      return std::string("cursor: not a cursor of this search (altered, or the filters or the account "
                         "changed); start again without it");
    f.page = f.after->page;
  }
  return f;
}

void prepare_pdf_query_statements(pqxx::connection& c) {
  c.prepare("pdf_status",
            "SELECT json_build_object('id', p.id, 'status', p.status, 'fileHash', p.file_hash,"
            " 'filename', p.filename, 'fileSize', p.file_size,"
            " 'cachedUntil', CASE WHEN p.status = 'cached' THEN siberius_iso_utc(p.expires_at) END,"
            " 'progress', CASE WHEN p.status = 'cached' THEN 100 END,"
            " 'reason', CASE WHEN p.status = 'missing' THEN 'the file is no longer in the office folder'"
            "                WHEN p.status = 'expired' THEN 'the cached copy expired; request it again'"
            "                WHEN p.status = 'available_local' AND t.status IN ('failed', 'cancelled')"
            "                THEN t.error_message END,"
            " 'lastTransfer', CASE WHEN t.id IS NOT NULL THEN json_build_object('requestId', t.request_id,"
            "   'status', t.status, 'error', t.error_message, 'bytes', t.bytes_transferred,"
            "   'at', siberius_iso_utc(coalesce(t.completed_at, t.requested_at))) END,"
            " 'localPresent', p.local_present, 'clientId', p.client_id)::text"
            " FROM pdf_cache p LEFT JOIN LATERAL (SELECT * FROM pdf_transfers x WHERE x.pdf_cache_id = p.id"
            "   AND x.transfer_type = 'upload' ORDER BY x.id DESC LIMIT 1) t ON true"
            " WHERE p.id = $1");
}

namespace {

/// How a search on the customer's name reaches its rows (schema/006).
enum class cliente_route {
  /// cliente ILIKE on each row an index walks in the list order: the first
  /// page of a name on more than total_cap PDFs is near the start of the walk.
  each_row,
  /// The matching names first (pdf_clientes), then their PDFs from
  /// idx_pdf_cache_cliente_listing: few rows, sorted; the capped count.
  names,
};

/// Whether the names can serve `f`'s cliente: it has a trigram to look up
/// (3 characters), and the view is everything (a technician's PDFs are found
/// through their atendimentos, a few hundred rows to check one by one).
bool names_can_serve(const pdf_filter& f) {
  if (!f.cliente || f.visible_to)
    return false;
  std::size_t characters = 0;
  for (unsigned char c : *f.cliente)
    characters += (c & 0xC0) != 0x80; // UTF-8: continuation bytes are not characters
  return characters >= 3;
}

/// The SQL of one search: only the filters it has, each value a bound
/// parameter. A statement per combination of filters (rather than one with
/// "$n IS NULL OR ...") lets PostgreSQL plan each with the index that fits:
/// the list order's own for a date range, (tipo|status|client_id, list
/// order) for those, numero's for it, the names' for a customer's name.
/// Unnamed statements are planned with their values (a prepared one could
/// switch to a generic plan, which cannot tell "aurora" from "a").
struct pdf_search {
  std::vector<std::string> params;
  std::string where = "true";

  pdf_search(const pdf_filter& f, cliente_route route) {
    auto match = [&](const std::optional<std::string>& v, const char* sql_before, const char* sql_after) {
      if (v)
        where += std::string(" AND ") + sql_before + bind(*v) + sql_after;
    };
    match(f.tipo, "tipo = ", "");
    match(f.numero, "numero = ", "");
    if (f.cliente) {
      auto pattern = bind("%" + like_literal(*f.cliente) + "%");
      // The same rows either way: a row's name is in pdf_clientes.
      if (route == cliente_route::names)
        where += " AND cliente = ANY (ARRAY(SELECT cliente FROM pdf_clientes WHERE cliente ILIKE " + pattern + "))";
      else
        where += " AND cliente ILIKE " + pattern;
    }
    match(f.status, "status = ", "");
    match(f.client_id, "client_id = ", "");
    match(f.date_from, "data_evento >= ", "::date");
    match(f.date_to, "data_evento <= ", "::date");
    // A technician's atendimentos become one array first: their PDFs are then
    // probed in idx_pdf_cache_atendimento_listing, where a semi-join would
    // walk every linked PDF.
    if (f.visible_to)
      where += " AND atendimento_id = ANY (ARRAY(SELECT atendimento_id FROM atendimento_tecnicos"
               " WHERE usuario_id = " + bind(std::to_string(*f.visible_to)) + "::bigint))";
  }

  std::string bind(std::string value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  }
};

// The list order; every index of 005_pdf_search.sql and 006 ends in it.
constexpr const char* list_order = "data_evento DESC NULLS LAST, id DESC";

/// Appends up to `limit` rows of `search` that also meet `extra`, skipping
/// `offset`, in the list order. The page's ids are found first (from an index
/// alone when the filters allow), then only those rows are read whole.
void append_rows(pqxx::transaction_base& n, const pdf_search& search, const std::string& extra, int limit,
                 long long offset, nlohmann::json& items) {
  if (limit <= 0)
    return;
  auto s = search;
  auto sql = std::string("SELECT coalesce(json_agg(json_build_object(") +
             "'id', p.id, 'tipo', p.tipo, 'numero', p.numero, 'cliente', p.cliente,"
             " 'dataEvento', to_char(p.data_evento, 'YYYY-MM-DD'), 'valorTotal', p.valor_total,"
             " 'filename', p.filename, 'fileSize', p.file_size, 'fileHash', p.file_hash, 'status', p.status,"
             " 'clientId', p.client_id, 'localPresent', p.local_present, 'atendimentoId', p.atendimento_id,"
             " 'indexedAt', siberius_iso_utc(p.indexed_at), 'cachedAt', siberius_iso_utc(p.cached_at),"
             " 'expiresAt', siberius_iso_utc(p.expires_at), 'lastAccessed', siberius_iso_utc(p.last_accessed))"
             " ORDER BY p.data_evento DESC NULLS LAST, p.id DESC), '[]'::json)::text"
             " FROM (SELECT id FROM pdf_cache WHERE " +
             s.where + extra + " ORDER BY " + list_order + " LIMIT " + s.bind(std::to_string(limit)) +
             "::bigint OFFSET " + s.bind(std::to_string(offset)) + "::bigint) k JOIN pdf_cache p ON p.id = k.id";
  auto row = n.exec_params1(sql, pqxx::prepare::make_dynamic_params(s.params));
  for (auto& item : nlohmann::json::parse(row[0].as<std::string>()))
    items.push_back(std::move(item));
}

/// How many rows `search` matches, up to total_cap; capped: more than that.
std::pair<long long, bool> capped_count(pqxx::transaction_base& n, const pdf_search& search) {
  auto s = search;
  auto sql = "SELECT count(*) FROM (SELECT 1 FROM pdf_cache WHERE " + s.where + " LIMIT " +
             s.bind(std::to_string(pdf_filter::total_cap + 1)) + "::bigint) c";
  auto total = n.exec_params1(sql, pqxx::prepare::make_dynamic_params(s.params))[0].as<long long>();
  if (total > pdf_filter::total_cap)
    return {pdf_filter::total_cap, true};
  return {total, false};
}

} // namespace

nlohmann::json metadata_store::list_pdfs(const pdf_filter& f) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::read_transaction n(c);
    // Every statement below reads a bounded index range; a parallel plan only
    // comes from a wrong estimate (ILIKE '%text%' is guessed from ANALYZE's
    // sample, 100 to 20,000 rows for the same name), and starting its workers
    // takes longer than the whole walk.
    n.exec("SET LOCAL max_parallel_workers_per_gather = 0");
    long long total = 0;
    bool capped = false, counted = false;
    if (f.after) {
      // Counted once, for the first page: following pages repeat that figure.
      total = f.after->total;
      capped = f.after->total_is_lower_bound;
      counted = true;
    } else if (names_can_serve(f)) {
      // Counted first (through the names, cheap): the count picks the route.
      std::tie(total, capped) = capped_count(n, pdf_search(f, cliente_route::names));
      counted = true;
    }
    // A name on at most total_cap PDFs: those rows sorted, never a walk of the
    // list that could pass a million rows to find them.
    const auto route = names_can_serve(f) && !capped ? cliente_route::names : cliente_route::each_row;
    pdf_search search(f, route);
    // One row more than the page says whether a next page exists.
    const int want = f.page_size + 1;
    const long long offset = f.after ? 0 : static_cast<long long>(f.page - 1) * f.page_size;
    const bool undated_possible = !f.date_from && !f.date_to;
    auto items = nlohmann::json::array();
    if (!f.after) {
      append_rows(n, search, "", want, offset, items);
    } else if (f.after->data_evento) {
      // Keyset: the rows after the cursor's. A row comparison is an index
      // range; an undated row never meets it, so those follow separately.
      auto s = search;
      auto after = " AND (data_evento, id) < (" + s.bind(*f.after->data_evento) + "::date, " +
                   s.bind(std::to_string(f.after->id)) + "::bigint)";
      append_rows(n, s, after, want, 0, items);
      if (undated_possible)
        append_rows(n, search, " AND data_evento IS NULL", want - static_cast<int>(items.size()), 0, items);
    } else {
      auto s = search;
      auto after = " AND data_evento IS NULL AND id < " + s.bind(std::to_string(f.after->id)) + "::bigint";
      append_rows(n, s, after, want, 0, items);
    }

    const bool more = static_cast<int>(items.size()) > f.page_size;
    if (more)
      items.erase(items.end() - 1);
    if (!counted) {
      if (!more && (offset == 0 || !items.empty()))
        total = offset + static_cast<long long>(items.size()); // the last page: every match was seen
      else
        std::tie(total, capped) = capped_count(n, search);
    }

    nlohmann::json next = nullptr;
    if (more) {
      const auto& last = items.back();
      pdf_position at;
      if (!last.at("dataEvento").is_null())
        at.data_evento = last.at("dataEvento").get<std::string>();
      at.id = last.at("id").get<std::int64_t>();
      at.page = f.page + 1;
      at.total = total;
      at.total_is_lower_bound = capped;
      next = pdf_cursor(f, at);
    }
    n.commit();
    return nlohmann::json{{"total", total},
                          {"totalIsLowerBound", capped},
                          {"page", f.page},
                          {"pageSize", f.page_size},
                          {"items", std::move(items)},
                          {"nextCursor", std::move(next)}};
  });
}

std::optional<nlohmann::json> metadata_store::pdf_status(std::int64_t id) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<nlohmann::json> {
    pqxx::nontransaction n(c);
    auto r = n.exec_prepared("pdf_status", id);
    if (r.empty())
      return std::nullopt;
    return nlohmann::json::parse(r[0][0].as<std::string>());
  });
}

} // namespace siberius::storage
