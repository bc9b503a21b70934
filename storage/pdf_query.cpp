#include "storage/pdf_query.hpp"

#include <cstdlib>
#include <pqxx/pqxx>

#include "storage/pdf_document.hpp"
#include "storage/store_impl.hpp"

namespace siberius::storage {

namespace {

constexpr std::size_t max_text_param = 200;

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

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



} // namespace

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size())
        return std::nullopt;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::variant<pdf_filter, std::string> parse_pdf_filter(std::string_view target) {
  pdf_filter f;
  auto q = target.find('?');
  if (q == std::string_view::npos)
    return f;
  auto query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty())
      continue;
    auto eq = pair.find('=');
    auto name = std::string(pair.substr(0, eq));
    auto decoded = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!decoded)
      return name + ": malformed percent-encoding";
    auto value = *decoded;
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
    } else {
      return name + ": unknown parameter (tipo, numero, cliente, status, clientId, from, to, page, pageSize)";
    }
  }
  if (f.date_from && f.date_to && *f.date_from > *f.date_to)
    return std::string("from: after to");
  return f;
}

void prepare_pdf_query_statements(pqxx::connection& c) {
  // One shape for every filter: an absent one is NULL and matches everything.
  c.prepare("pdf_list",
            "WITH f AS ("
            "  SELECT * FROM pdf_cache"
            "  WHERE ($1::text IS NULL OR tipo = $1) AND ($2::text IS NULL OR numero = $2)"
            "    AND ($3::text IS NULL OR cliente ILIKE '%' || $3 || '%')"
            "    AND ($4::text IS NULL OR status = $4) AND ($5::text IS NULL OR client_id = $5)"
            "    AND ($6::date IS NULL OR data_evento >= $6) AND ($7::date IS NULL OR data_evento <= $7)"
            "    AND ($10::bigint IS NULL OR atendimento_id IN"
            "         (SELECT atendimento_id FROM atendimento_tecnicos WHERE usuario_id = $10))),"
            " page AS (SELECT * FROM f ORDER BY data_evento DESC NULLS LAST, id DESC LIMIT $8 OFFSET $9)"
            " SELECT (SELECT count(*) FROM f),"
            "  coalesce((SELECT json_agg(json_build_object("
            "   'id', id, 'tipo', tipo, 'numero', numero, 'cliente', cliente,"
            "   'dataEvento', to_char(data_evento, 'YYYY-MM-DD'), 'valorTotal', valor_total,"
            "   'filename', filename, 'fileSize', file_size, 'fileHash', file_hash, 'status', status,"
            "   'clientId', client_id, 'localPresent', local_present, 'atendimentoId', atendimento_id,"
            "   'indexedAt', siberius_iso_utc(indexed_at), 'cachedAt', siberius_iso_utc(cached_at),"
            "   'expiresAt', siberius_iso_utc(expires_at), 'lastAccessed', siberius_iso_utc(last_accessed))"
            "   ORDER BY data_evento DESC NULLS LAST, id DESC) FROM page), '[]'::json)::text");
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

nlohmann::json metadata_store::list_pdfs(const pdf_filter& f) {
  auto cliente = f.cliente ? std::optional<std::string>(like_literal(*f.cliente)) : std::nullopt;
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    auto row = n.exec_prepared1("pdf_list", opt_param(f.tipo), opt_param(f.numero), opt_param(cliente),
                                opt_param(f.status), opt_param(f.client_id), opt_param(f.date_from),
                                opt_param(f.date_to), f.page_size,
                                static_cast<long long>(f.page - 1) * f.page_size, f.visible_to);
    return nlohmann::json{{"total", row[0].as<long long>()},
                          {"page", f.page},
                          {"pageSize", f.page_size},
                          {"items", nlohmann::json::parse(row[1].as<std::string>())}};
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
