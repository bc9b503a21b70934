#define CAF_SUITE pdf_document
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "storage/pdf_document.hpp"

using nlohmann::json;
using namespace siberius::storage;

namespace {

const std::string hash64 = "ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789";

json valid_event() {
  return json{{"filename", "ORC-1234 Festa.pdf"},
              {"fileHash", hash64},
              {"fileSize", 123456},
              {"filePath", "C:\\Docs\\ORC-1234 Festa.pdf"},
              {"metadata",
               {{"tipo", "orcamento"},
                {"numero", "1234"},
                {"cliente", "Buffet Alegria"},
                {"dataEvento", "2026-01-03"},
                {"valorTotal", 1500.5},
                {"paginas", 2}}},
              {"indexedAt", "2026-01-02T10:00:00.000Z"}};
}

/// The event with `pointer` set to `value` (or removed when value is discarded).
json with(const std::string& pointer, const json& value) {
  auto j = valid_event();
  json::json_pointer ptr(pointer);
  if (value.is_discarded())
    j[ptr.parent_pointer()].erase(ptr.back());
  else
    j[ptr] = value;
  return j;
}

json removed() {
  return json(json::value_t::discarded);
}

std::string error_of(const json& j) {
  auto r = parse_pdf_document(j);
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : std::string();
}

} // namespace

CAF_TEST(a valid event becomes a typed document) {
  auto r = parse_pdf_document(valid_event());
  CAF_REQUIRE(std::holds_alternative<pdf_document>(r));
  const auto& d = std::get<pdf_document>(r);
  CAF_CHECK_EQUAL(d.file_hash, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  CAF_CHECK_EQUAL(d.filename, "ORC-1234 Festa.pdf");
  CAF_CHECK_EQUAL(d.file_path, "C:\\Docs\\ORC-1234 Festa.pdf");
  CAF_CHECK_EQUAL(d.file_size, 123456);
  CAF_CHECK_EQUAL(d.tipo, "orcamento");
  CAF_CHECK_EQUAL(d.numero.value_or(""), "1234");
  CAF_CHECK_EQUAL(d.cliente.value_or(""), "Buffet Alegria");
  CAF_CHECK_EQUAL(d.data_evento.value_or(""), "2026-01-03");
  CAF_CHECK_EQUAL(d.valor_total.value_or(-1), 1500.5);
  CAF_CHECK_EQUAL(d.indexed_at.value_or(""), "2026-01-02T10:00:00.000Z");
  // unknown fields are kept for the JSONB column
  auto raw = nlohmann::json::parse(d.raw);
  CAF_CHECK_EQUAL(raw["metadata"]["paginas"], 2);
}

CAF_TEST(optional metadata may be absent or null) {
  struct row {
    json event;
    std::string tipo;
  };
  std::vector<row> rows = {
    {with("/metadata", removed()), "desconhecido"},
    {with("/metadata", nullptr), "desconhecido"},
    {with("/metadata/tipo", removed()), "desconhecido"},
    {with("/metadata/tipo", nullptr), "desconhecido"},
    {with("/metadata/tipo", "os"), "os"},
    {with("/metadata/tipo", "montagem"), "montagem"},
    {with("/metadata/tipo", "desconhecido"), "desconhecido"},
  };
  for (const auto& r : rows) {
    auto parsed = parse_pdf_document(r.event);
    CAF_REQUIRE(std::holds_alternative<pdf_document>(parsed));
    CAF_CHECK_EQUAL(std::get<pdf_document>(parsed).tipo, r.tipo);
  }
  for (auto field : {"numero", "cliente", "dataEvento", "valorTotal"}) {
    for (const auto& v : {json(nullptr), removed()}) {
      auto parsed = parse_pdf_document(with(std::string("/metadata/") + field, v));
      CAF_REQUIRE(std::holds_alternative<pdf_document>(parsed));
      const auto& d = std::get<pdf_document>(parsed);
      CAF_CHECK(std::string(field) != "numero" || !d.numero);
      CAF_CHECK(std::string(field) != "cliente" || !d.cliente);
      CAF_CHECK(std::string(field) != "dataEvento" || !d.data_evento);
      CAF_CHECK(std::string(field) != "valorTotal" || !d.valor_total);
    }
  }
  auto no_time = parse_pdf_document(with("/indexedAt", removed()));
  CAF_REQUIRE(std::holds_alternative<pdf_document>(no_time));
  CAF_CHECK(!std::get<pdf_document>(no_time).indexed_at);
}

CAF_TEST(boundary values are accepted) {
  std::vector<json> ok = {
    with("/fileSize", 0),
    with("/fileSize", std::int64_t{1} << 40),
    with("/fileSize", 2048.0),
    with("/filename", std::string(255, 'a')),
    with("/filePath", std::string(1024, 'p')),
    with("/metadata/numero", std::string(255, 'n')),
    with("/metadata/cliente", std::string(255, 'c')),
    with("/metadata/dataEvento", "2024-02-29"),
    with("/metadata/dataEvento", "2000-02-29"),
    with("/metadata/dataEvento", "2026-12-31"),
    with("/metadata/valorTotal", 0),
    with("/metadata/valorTotal", 999999999999.99),
    with("/filename", "Orçamento nº 12 – São Paulo.pdf"),
  };
  for (const auto& j : ok)
    CAF_CHECK_EQUAL(error_of(j), "");
}

CAF_TEST(every rule names the field it broke) {
  struct row {
    json event;
    std::string error;
  };
  std::string nul_name = "a";
  nul_name += '\0';
  nul_name += "b.pdf";
  std::vector<row> rows = {
    {json::array(), "document: expected an object"},
    {json("text"), "document: expected an object"},
    {with("/fileHash", removed()), "fileHash: expected 64 hex digits"},
    {with("/fileHash", 12), "fileHash: expected 64 hex digits"},
    {with("/fileHash", std::string(63, 'a')), "fileHash: expected 64 hex digits (got 63 characters)"},
    {with("/fileHash", std::string(65, 'a')), "fileHash: expected 64 hex digits (got 65 characters)"},
    {with("/fileHash", std::string(63, 'a') + "g"), "fileHash: expected 64 hex digits (got \"" + std::string(40, 'a') + "...\")"},
    {with("/filename", removed()), "filename: expected a string"},
    {with("/filename", ""), "filename: must not be empty"},
    {with("/filename", std::string(256, 'a')), "filename: longer than 255 bytes"},
    {with("/filename", "../etc/passwd"), "filename: must be a base name without '/' (got \"../etc/passwd\")"},
    {with("/filename", nul_name), "filename: contains a NUL character"},
    {with("/filePath", removed()), "filePath: expected a string"},
    {with("/filePath", ""), "filePath: must not be empty"},
    {with("/filePath", std::string(1025, 'p')), "filePath: longer than 1024 bytes"},
    {with("/fileSize", removed()), "fileSize: expected an integer number of bytes"},
    {with("/fileSize", "12"), "fileSize: expected an integer number of bytes"},
    {with("/fileSize", 1.5), "fileSize: expected an integer number of bytes"},
    {with("/fileSize", -1), "fileSize: out of range (0 to 1099511627776)"},
    {with("/fileSize", (std::int64_t{1} << 40) + 1), "fileSize: out of range (0 to 1099511627776)"},
    {with("/metadata", "orcamento"), "metadata: expected an object"},
    {with("/metadata/tipo", "invoice"), "metadata.tipo: expected one of orcamento, os, montagem, desconhecido (got \"invoice\")"},
    {with("/metadata/tipo", 3), "metadata.tipo: expected one of orcamento, os, montagem, desconhecido"},
    {with("/metadata/numero", 1234), "metadata.numero: expected a string or null"},
    {with("/metadata/numero", std::string(256, 'n')), "metadata.numero: longer than 255 bytes"},
    {with("/metadata/cliente", json::object()), "metadata.cliente: expected a string or null"},
    {with("/metadata/cliente", std::string(256, 'c')), "metadata.cliente: longer than 255 bytes"},
    {with("/metadata/dataEvento", "2026-02-30"), "metadata.dataEvento: not a real date (2026-02-30)"},
    {with("/metadata/dataEvento", "2025-02-29"), "metadata.dataEvento: not a real date (2025-02-29)"},
    {with("/metadata/dataEvento", "1900-02-29"), "metadata.dataEvento: not a real date (1900-02-29)"},
    {with("/metadata/dataEvento", "2026-13-01"), "metadata.dataEvento: not a real date (2026-13-01)"},
    {with("/metadata/dataEvento", "2026-04-31"), "metadata.dataEvento: not a real date (2026-04-31)"},
    {with("/metadata/dataEvento", "0000-01-01"), "metadata.dataEvento: not a real date (0000-01-01)"},
    {with("/metadata/dataEvento", "03/01/2026"), "metadata.dataEvento: expected YYYY-MM-DD (got \"03/01/2026\")"},
    {with("/metadata/dataEvento", "2026-1-3"), "metadata.dataEvento: expected YYYY-MM-DD (got \"2026-1-3\")"},
    {with("/metadata/dataEvento", "2026-01-03T00:00:00Z"), "metadata.dataEvento: expected YYYY-MM-DD (got \"2026-01-03T00:00:00Z\")"},
    {with("/metadata/dataEvento", 20260103), "metadata.dataEvento: expected YYYY-MM-DD or null"},
    {with("/metadata/valorTotal", "1.500,00"), "metadata.valorTotal: expected a number or null"},
    {with("/metadata/valorTotal", -0.01), "metadata.valorTotal: must not be negative"},
    {with("/metadata/valorTotal", 1e12), "metadata.valorTotal: must be below 1e12"},
    {with("/metadata/valorTotal", std::numeric_limits<double>::infinity()), "metadata.valorTotal: not a finite number"},
    {with("/indexedAt", 17), "indexedAt: expected a string"},
    {with("/indexedAt", std::string(65, '1')), "indexedAt: longer than 64 bytes"},
    {with("/metadata/extra", std::string("x\0y", 3)), "metadata.extra: contains a NUL character"},
    {with("/metadata/big", std::string(70000, 'x')), "document: too large (70352 bytes, at most 65536)"},
  };
  for (const auto& r : rows) {
    CAF_MESSAGE("expecting: " << r.error);
    CAF_CHECK_EQUAL(error_of(r.event), r.error);
  }
}

CAF_TEST(is_iso_date knows the calendar) {
  CAF_CHECK(is_iso_date("2026-01-03"));
  CAF_CHECK(is_iso_date("2024-02-29"));
  CAF_CHECK(!is_iso_date("2026-02-29"));
  CAF_CHECK(!is_iso_date("2026-00-10"));
  CAF_CHECK(!is_iso_date("2026-06-00"));
  CAF_CHECK(!is_iso_date("2026-06-31"));
  CAF_CHECK(!is_iso_date("2026-06-1"));
  CAF_CHECK(!is_iso_date("2026-06-1x"));
  CAF_CHECK(!is_iso_date(""));
  CAF_CHECK(!is_iso_date("+026-06-10"));
}
