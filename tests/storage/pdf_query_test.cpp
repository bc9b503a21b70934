// GET /api/pdfs and /api/pdfs/:id/status underneath: the query-string filter
// (pure) and the search over real rows (PostgreSQL).
#define CAF_SUITE storage_pdf_filter
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "pg_fixture.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;
using nlohmann::json;

namespace {

pdf_filter filter_of(const std::string& target) {
  auto r = parse_pdf_filter(target);
  if (auto e = std::get_if<std::string>(&r))
    CAF_FAIL("unexpected error: " << *e);
  return std::get<pdf_filter>(r);
}

std::string error_of(const std::string& target) {
  auto r = parse_pdf_filter(target);
  auto e = std::get_if<std::string>(&r);
  return e ? *e : std::string("(accepted)");
}

} // namespace

CAF_TEST(a query string becomes a filter) {
  auto f = filter_of("/api/pdfs?tipo=os&cliente=Ana%20Lima&from=2026-01-01&to=2026-12-31&page=2&pageSize=50"
                     "&status=cached&numero=89331&clientId=office+1");
  CAF_CHECK(f.tipo == std::string("os"));
  CAF_CHECK(f.cliente == std::string("Ana Lima"));
  CAF_CHECK(f.date_from == std::string("2026-01-01"));
  CAF_CHECK(f.date_to == std::string("2026-12-31"));
  CAF_CHECK(f.status == std::string("cached"));
  CAF_CHECK(f.numero == std::string("89331"));
  CAF_CHECK(f.client_id == std::string("office 1"));
  CAF_CHECK_EQUAL(f.page, 2);
  CAF_CHECK_EQUAL(f.page_size, 50);
  auto d = filter_of("/api/pdfs");
  CAF_CHECK(!d.tipo && !d.cliente);
  CAF_CHECK_EQUAL(d.page, 1);
  CAF_CHECK_EQUAL(d.page_size, 25);
  CAF_CHECK(!filter_of("/api/pdfs?cliente=&tipo=").cliente); // empty is no filter
}

CAF_TEST(bad parameters are refused by name) {
  CAF_CHECK(error_of("/api/pdfs?tipo=fatura").rfind("tipo:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?status=gone").rfind("status:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?from=2026-02-30").rfind("from:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?from=2026-03-01&to=2026-02-01").rfind("from:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?page=0").rfind("page:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?pageSize=101").rfind("pageSize:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?pageSize=1e3").rfind("pageSize:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?cliente=%zz").rfind("cliente:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?cliente=%4").rfind("cliente:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?cliente=a%00b").rfind("cliente:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?cliente=" + std::string(201, 'a')).rfind("cliente:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?client=Ana").rfind("client: unknown parameter", 0) == 0);
}

#undef CAF_SUITE
#define CAF_SUITE storage_pdf_query

namespace {

pdf_document doc(int n, const std::string& tipo, const std::string& cliente, const std::string& date) {
  json event = {{"filename", tipo + "-" + std::to_string(n) + ".pdf"},
                {"fileHash", hex_hash(n)},
                {"fileSize", 1000 + n},
                {"filePath", "/office/" + tipo + "-" + std::to_string(n) + ".pdf"},
                {"metadata", {{"tipo", tipo}, {"numero", std::to_string(n)}, {"cliente", cliente},
                              {"dataEvento", date}, {"valorTotal", 100.5 * n}}}};
  return std::get<pdf_document>(parse_pdf_document(event));
}

struct fixture {
  pg_database db{"pq"};
  metadata_store store{db.options()};

  fixture() {
    store.create_daemon_token("Office", std::string("office"));
    store.create_daemon_token("Branch", std::string("branch"));
    store.ingest({{"office", doc(1, "orcamento", "Ana Lima", "2026-03-10")},
                  {"office", doc(2, "os", "Ana Lima", "2026-05-19")},
                  {"office", doc(3, "montagem", "Bruno Costa", "2026-05-20")},
                  {"branch", doc(4, "os", "100% Festas_Eventos", "2026-07-01")},
                  {"branch", doc(5, "orcamento", "analista", "2026-01-02")}});
  }

  std::vector<std::string> numeros(const json& page) {
    std::vector<std::string> out;
    for (const auto& item : page.at("items"))
      out.push_back(item.at("numero").get<std::string>());
    return out;
  }

  json list(const std::string& query) {
    return store.list_pdfs(std::get<pdf_filter>(parse_pdf_filter("/api/pdfs?" + query)));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(pdf_query_tests, fixture)

CAF_TEST(the newest event comes first and every filter narrows) {
  auto all = list("");
  CAF_CHECK_EQUAL(all.at("total"), 5);
  CAF_CHECK_EQUAL(numeros(all), (std::vector<std::string>{"4", "3", "2", "1", "5"}));
  auto first = all.at("items").at(0);
  CAF_CHECK_EQUAL(first.at("tipo"), "os");
  CAF_CHECK_EQUAL(first.at("dataEvento"), "2026-07-01");
  CAF_CHECK_EQUAL(first.at("status"), "available_local");
  CAF_CHECK_EQUAL(first.at("clientId"), "branch");
  CAF_CHECK_EQUAL(first.at("fileHash"), hex_hash(4));
  CAF_CHECK_EQUAL(first.at("expiresAt"), "2026-07-16T00:00:00Z");
  CAF_CHECK_EQUAL(numeros(list("tipo=os")), (std::vector<std::string>{"4", "2"}));
  CAF_CHECK_EQUAL(numeros(list("cliente=ana")), (std::vector<std::string>{"2", "1", "5"}));
  CAF_CHECK_EQUAL(numeros(list("cliente=ANA%20LIMA&tipo=orcamento")), (std::vector<std::string>{"1"}));
  CAF_CHECK_EQUAL(numeros(list("from=2026-05-01&to=2026-05-31")), (std::vector<std::string>{"3", "2"}));
  CAF_CHECK_EQUAL(numeros(list("clientId=branch")), (std::vector<std::string>{"4", "5"}));
  CAF_CHECK_EQUAL(numeros(list("numero=3")), (std::vector<std::string>{"3"}));
  auto cached = list("status=cached"); // checks must not hold parts of a temporary
  CAF_CHECK_EQUAL(cached.at("total"), 0);
}

CAF_TEST(percent and underscore in a name are matched literally) {
  CAF_CHECK_EQUAL(numeros(list("cliente=100%25")), (std::vector<std::string>{"4"}));
  CAF_CHECK_EQUAL(numeros(list("cliente=s_E")), (std::vector<std::string>{"4"}));
  auto percent = list("cliente=%25");
  auto underscore = list("cliente=_");
  CAF_CHECK_EQUAL(percent.at("total"), 1);
  CAF_CHECK_EQUAL(underscore.at("total"), 1);
}

CAF_TEST(pages split the result) {
  auto p1 = list("pageSize=2");
  auto p3 = list("pageSize=2&page=3");
  auto p4 = list("pageSize=2&page=4");
  CAF_CHECK_EQUAL(numeros(p1), (std::vector<std::string>{"4", "3"}));
  CAF_CHECK_EQUAL(numeros(p3), (std::vector<std::string>{"5"}));
  CAF_CHECK_EQUAL(p4.at("items").size(), 0u);
  CAF_CHECK_EQUAL(p4.at("total"), 5);
  CAF_CHECK_EQUAL(p3.at("page"), 3);
  CAF_CHECK_EQUAL(p3.at("pageSize"), 2);
}

CAF_TEST(the status of one pdf) {
  auto id = std::stoll(db.scalar("SELECT id FROM pdf_cache WHERE numero = '2'"));
  auto s = store.pdf_status(id);
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL(s->at("status"), "available_local");
  CAF_CHECK_EQUAL(s->at("fileHash"), hex_hash(2));
  CAF_CHECK(s->at("cachedUntil").is_null());
  CAF_CHECK(s->at("progress").is_null());
  CAF_CHECK(s->at("reason").is_null());
  // The daemon no longer has it: missing, with the reason.
  store.sync_mark_missing("office", {hex_hash(1), hex_hash(3)});
  s = store.pdf_status(id);
  CAF_CHECK_EQUAL(s->at("status"), "missing");
  CAF_CHECK_EQUAL(s->at("reason"), "the file is no longer in the office folder");
  CAF_CHECK(!store.pdf_status(999999));
}

CAF_TEST_FIXTURE_SCOPE_END()
