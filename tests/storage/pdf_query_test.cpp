// GET /api/pdfs and /api/pdfs/:id/status underneath: the query-string filter
// (pure) and the search over real rows (PostgreSQL).
#define CAF_SUITE storage_pdf_filter
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <algorithm>

#include "net/url.hpp"
#include "pg_fixture.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;
using nlohmann::json;

namespace {

/// A request target's filter, read as GET /api/pdfs reads it: the query
/// string by net/url.hpp, its fields by parse_pdf_filter.
std::variant<pdf_filter, std::string> parse_target(const std::string& target,
                                                   std::optional<std::int64_t> as = std::nullopt) {
  auto query = siberius::net::parse_query_fields(target);
  if (query.malformed)
    return *query.malformed + ": malformed percent-encoding";
  query_pairs fields;
  for (const auto& f : query.fields)
    fields.emplace_back(f.name, f.value);
  return parse_pdf_filter(fields, as);
}

pdf_filter filter_of(const std::string& target) {
  auto r = parse_target(target);
  if (auto e = std::get_if<std::string>(&r))
    CAF_FAIL("unexpected error: " << *e);
  return std::get<pdf_filter>(r);
}

std::string error_of(const std::string& target) {
  auto r = parse_target(target);
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

CAF_TEST(a cursor carries a position and belongs to its filters) {
  auto f = filter_of("/api/pdfs?tipo=os&cliente=Ana");
  auto cursor = pdf_cursor(f, {std::string("2026-05-19"), 1234, 3, 1000, true});
  // Safe in a query string as it is.
  CAF_CHECK(cursor.find_first_not_of("0123456789abcdefm.-") == std::string::npos);
  auto g = filter_of("/api/pdfs?cliente=Ana&tipo=os&pageSize=10&cursor=" + cursor);
  CAF_REQUIRE(g.after);
  CAF_CHECK(g.after->data_evento == std::string("2026-05-19"));
  CAF_CHECK_EQUAL(g.after->id, 1234);
  CAF_CHECK_EQUAL(g.page, 3);
  CAF_CHECK_EQUAL(g.after->total, 1000);
  CAF_CHECK(g.after->total_is_lower_bound);
  CAF_CHECK_EQUAL(g.page_size, 10); // the page size may change along the way
  CAF_CHECK(filter_of("/api/pdfs?tipo=os&cliente=Ana&page=1&cursor=" + cursor).after);
  auto undated = pdf_cursor(f, {std::nullopt, 77, 2, 40, false});
  auto u = filter_of("/api/pdfs?tipo=os&cliente=Ana&cursor=" + undated);
  CAF_REQUIRE(u.after);
  CAF_CHECK(!u.after->data_evento);
  CAF_CHECK_EQUAL(u.after->id, 77);
  CAF_CHECK_EQUAL(u.after->total, 40);
  CAF_CHECK(!u.after->total_is_lower_bound);
  CAF_CHECK(!filter_of("/api/pdfs?tipo=os&cliente=Ana&cursor=").after); // empty is no cursor
}

CAF_TEST(a cursor that was altered or moved to other filters is refused) {
  auto f = filter_of("/api/pdfs?tipo=os");
  auto cursor = pdf_cursor(f, {std::string("2026-05-19"), 1234, 3, 50, false});
  CAF_CHECK(error_of("/api/pdfs?tipo=os&cursor=" + cursor).rfind("(accepted)", 0) == 0);
  // Other filters, or none.
  CAF_CHECK(error_of("/api/pdfs?tipo=montagem&cursor=" + cursor).rfind("cursor:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?cursor=" + cursor).rfind("cursor:", 0) == 0);
  CAF_CHECK(error_of("/api/pdfs?tipo=os&status=cached&cursor=" + cursor).rfind("cursor:", 0) == 0);
  // Each part edited.
  auto edited = [&](const std::string& from, const std::string& to) {
    auto c = cursor;
    c.replace(c.find(from), from.size(), to);
    return error_of("/api/pdfs?tipo=os&cursor=" + c);
  };
  CAF_CHECK(edited("2026-05-19", "2026-05-18").rfind("cursor:", 0) == 0);
  CAF_CHECK(edited(".1234.", ".1235.").rfind("cursor:", 0) == 0);
  CAF_CHECK(edited(".3.", ".4.").rfind("cursor:", 0) == 0);
  CAF_CHECK(edited(".50.", ".51.").rfind("cursor:", 0) == 0);
  CAF_CHECK(edited(".50.", ".50m.").rfind("cursor:", 0) == 0);
  CAF_CHECK(edited("2026-05-19", "-").rfind("cursor:", 0) == 0);
  // Not a cursor at all.
  for (auto junk : {"x", "....", "2026-05-19.1234.3", "2026-05-19.1234.3.", "-1.2.3.4.0123456789abcdef",
                    "2026-13-01.1.2.3.0123456789abcdef", "2026-05-19.99999999999999999999.2.3.0123456789abcdef"})
  {
    CAF_MESSAGE("cursor=" << junk);
    CAF_CHECK(error_of(std::string("/api/pdfs?tipo=os&cursor=") + junk).rfind("cursor:", 0) == 0);
  }
  // A page number says where to start too: both at once are refused.
  CAF_CHECK(error_of("/api/pdfs?tipo=os&page=2&cursor=" + cursor).rfind("page:", 0) == 0);
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
    return store.list_pdfs(std::get<pdf_filter>(parse_target("/api/pdfs?" + query)));
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

CAF_TEST(a name given by a new or re-indexed pdf is found) {
  // The names the search looks among (pdf_clientes) follow the PDFs: a new
  // batch, and a PDF indexed again under another customer.
  store.ingest({{"office", doc(6, "os", "Carla Mendes", "2026-08-01")}});
  CAF_CHECK_EQUAL(numeros(list("cliente=mendes")), (std::vector<std::string>{"6"}));
  store.ingest({{"office", doc(3, "montagem", "Bruna Ortiz", "2026-05-20")}});
  CAF_CHECK_EQUAL(numeros(list("cliente=ortiz")), (std::vector<std::string>{"3"}));
  auto renamed = list("cliente=bruno%20costa"); // checks must not hold parts of a temporary
  CAF_CHECK(renamed.at("items").empty());
  CAF_CHECK_EQUAL(renamed.at("total"), 0);
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

CAF_TEST(every answer says whether its total is exact and where the next page starts) {
  auto p1 = list("pageSize=2");
  CAF_CHECK_EQUAL(p1.at("total"), 5);
  CAF_CHECK_EQUAL(p1.at("totalIsLowerBound"), false);
  CAF_REQUIRE(p1.at("nextCursor").is_string());
  auto p2 = list("pageSize=2&cursor=" + p1.at("nextCursor").get<std::string>());
  CAF_CHECK_EQUAL(numeros(p2), (std::vector<std::string>{"2", "1"}));
  CAF_CHECK_EQUAL(p2.at("page"), 2);
  CAF_CHECK_EQUAL(p2.at("total"), 5);
  auto p3 = list("pageSize=2&cursor=" + p2.at("nextCursor").get<std::string>());
  CAF_CHECK_EQUAL(numeros(p3), (std::vector<std::string>{"5"}));
  CAF_CHECK_EQUAL(p3.at("page"), 3);
  CAF_CHECK(p3.at("nextCursor").is_null());
  // A page reached by number continues by cursor as well.
  auto by_number = list("pageSize=2&page=2");
  CAF_CHECK_EQUAL(by_number.at("nextCursor"), p2.at("nextCursor"));
  auto everything = list("pageSize=5");
  CAF_CHECK(everything.at("nextCursor").is_null());
  CAF_CHECK_EQUAL(everything.at("total"), 5);
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

// A catalogue written straight into pdf_cache: many rows on the same few
// days, undated rows, two daemons, two customers, a technician.
namespace {

struct catalogue {
  pg_database db{"pqc"};
  metadata_store store{db.options()};
  std::int64_t tecnico = 0;

  catalogue() {
    // Row i: one of three days (or undated when i % 7 == 0), tipo os on even
    // rows, customer "Aurora Festas" on rows divisible by 3, daemon b on
    // rows divisible by 5, linked to the technician's atendimento when i % 4 == 1.
    db.sql("INSERT INTO pdf_cache (file_hash, filename, file_size, client_id, tipo, numero, cliente,"
           " data_evento, status)"
           " SELECT lpad(to_hex(i), 64, '0'), 'f' || i || '.pdf', 1000, CASE WHEN i % 5 = 0 THEN 'b' ELSE 'a' END,"
           "  CASE WHEN i % 2 = 0 THEN 'os' ELSE 'orcamento' END, i::text,"
           "  CASE WHEN i % 3 = 0 THEN 'Aurora Festas' ELSE 'Bruno Costa' END,"
           "  CASE WHEN i % 7 = 0 THEN NULL ELSE date '2026-05-01' + i % 3 END,"
           "  CASE WHEN i % 11 = 0 THEN 'cached' ELSE 'available_local' END"
           " FROM generate_series(1, 200) i");
    tecnico = std::stoll(db.scalar("INSERT INTO usuarios (login, role) VALUES ('ana', 'tecnico') RETURNING id"));
    auto atendimento = db.scalar("INSERT INTO atendimentos (titulo, data_inicio) VALUES ('Festa', now()) RETURNING id");
    db.sql("INSERT INTO atendimento_tecnicos VALUES (" + atendimento + ", " + std::to_string(tecnico) + ")");
    db.sql("UPDATE pdf_cache SET atendimento_id = " + atendimento + " WHERE numero::int % 4 = 1");
  }

  /// The ids of `query`'s rows as the database orders them, all at once.
  std::vector<std::int64_t> expected(const std::string& where) {
    std::vector<std::int64_t> out;
    for (const auto& row : db.sql("SELECT id FROM pdf_cache WHERE " + where +
                                  " ORDER BY data_evento DESC NULLS LAST, id DESC"))
      out.push_back(row[0].as<std::int64_t>());
    return out;
  }

  json list(pdf_filter f) {
    return store.list_pdfs(f);
  }

  json list(const std::string& query, std::optional<std::int64_t> as = std::nullopt) {
    auto f = parse_target("/api/pdfs?" + query, as);
    if (auto e = std::get_if<std::string>(&f))
      CAF_FAIL("unexpected error: " << *e);
    return store.list_pdfs(std::get<pdf_filter>(f));
  }

  /// Every page of `query` followed by cursor; the ids in the order served.
  std::vector<std::int64_t> walk(const std::string& query, std::optional<std::int64_t> as = std::nullopt,
                                 int* pages = nullptr) {
    std::vector<std::int64_t> ids;
    auto page = list(query, as);
    for (int n = 1;; ++n) {
      CAF_CHECK_EQUAL(page.at("page"), n);
      for (const auto& item : page.at("items"))
        ids.push_back(item.at("id").get<std::int64_t>());
      if (pages)
        *pages = n;
      if (page.at("nextCursor").is_null() || n > 300)
        break;
      CAF_CHECK(!page.at("items").empty());
      page = list(query + "&cursor=" + page.at("nextCursor").get<std::string>(), as);
    }
    return ids;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(pdf_cursor_tests, catalogue)

CAF_TEST(cursor pages follow the list order without gaps or repeats) {
  int pages = 0;
  auto all = walk("pageSize=7", std::nullopt, &pages);
  auto want = expected("true");
  CAF_CHECK_EQUAL(all.size(), 200u);
  CAF_CHECK_EQUAL(all, want); // ties on data_evento broken by id; undated rows last
  CAF_CHECK_EQUAL(pages, 29);
  // A page boundary between the dated and the undated rows.
  auto dated = std::stoi(db.scalar("SELECT count(*) FROM pdf_cache WHERE data_evento IS NOT NULL"));
  CAF_REQUIRE_EQUAL(dated, 172);
  CAF_CHECK_EQUAL(walk("pageSize=43"), want); // the fourth page ends on the last dated row
  CAF_CHECK_EQUAL(walk("pageSize=57"), want); // the fourth page holds the last dated row and the undated
  CAF_CHECK_EQUAL(walk("pageSize=100"), want);
  // The same pages by number.
  std::vector<std::int64_t> by_number;
  for (int n = 1; n <= 29; ++n) {
    auto page = list("pageSize=7&page=" + std::to_string(n));
    for (const auto& item : page.at("items"))
      by_number.push_back(item.at("id").get<std::int64_t>());
  }
  CAF_CHECK_EQUAL(by_number, want);
}

CAF_TEST(combined filters page by cursor too) {
  CAF_CHECK_EQUAL(walk("pageSize=4&tipo=os&cliente=aurora"), expected("tipo = 'os' AND cliente = 'Aurora Festas'"));
  CAF_CHECK_EQUAL(walk("pageSize=5&from=2026-05-02&to=2026-05-03&clientId=a"),
                  expected("data_evento BETWEEN '2026-05-02' AND '2026-05-03' AND client_id = 'a'"));
  CAF_CHECK_EQUAL(walk("pageSize=3&status=cached&tipo=orcamento"), expected("status = 'cached' AND tipo = 'orcamento'"));
  CAF_CHECK_EQUAL(walk("pageSize=2&numero=42"), expected("numero = '42'"));
  CAF_CHECK(walk("pageSize=2&cliente=nobody").empty());
}

CAF_TEST(a name on more pdfs than the count reaches pages the same way) {
  // Past total_cap matches the rows are found by walking the list order and
  // checking each name; up to it, through the matching names. Both routes,
  // and a name too short for the names' trigrams, give the database's order.
  db.sql("INSERT INTO pdf_cache (file_hash, filename, file_size, tipo, numero, cliente, data_evento)"
         " SELECT lpad(to_hex(10000 + i), 64, '0'), 'a' || i || '.pdf', 1, 'os', (10000 + i)::text,"
         "  'Aurora Eventos ' || i % 7, CASE WHEN i % 9 = 0 THEN NULL ELSE date '2026-04-01' + i % 40 END"
         " FROM generate_series(1, " + std::to_string(pdf_filter::total_cap) + ") i");
  auto many = list("cliente=aurora&pageSize=100");
  CAF_CHECK_EQUAL(many.at("total"), pdf_filter::total_cap);
  CAF_CHECK_EQUAL(many.at("totalIsLowerBound"), true);
  CAF_CHECK_EQUAL(walk("cliente=aurora&pageSize=100"), expected("cliente ILIKE '%aurora%'"));
  CAF_CHECK_EQUAL(walk("cliente=eventos%205&pageSize=30"), expected("cliente = 'Aurora Eventos 5'"));
  CAF_CHECK_EQUAL(walk("cliente=festas&pageSize=30"), expected("cliente = 'Aurora Festas'"));
  CAF_CHECK_EQUAL(walk("cliente=s%201&pageSize=50"), expected("cliente ILIKE '%s 1%'"));
  CAF_CHECK_EQUAL(walk("cliente=au&pageSize=100"), expected("cliente ILIKE '%au%'"));
  auto few = list("cliente=festas&pageSize=10&page=3");
  CAF_CHECK_EQUAL(few.at("total"), 66);
  CAF_CHECK_EQUAL(few.at("totalIsLowerBound"), false);
  std::vector<std::int64_t> ids;
  for (const auto& item : few.at("items"))
    ids.push_back(item.at("id").get<std::int64_t>());
  auto want = expected("cliente = 'Aurora Festas'");
  CAF_CHECK_EQUAL(ids, std::vector<std::int64_t>(want.begin() + 20, want.begin() + 30));
}

CAF_TEST(a technician pages through their own pdfs only) {
  auto want = expected("atendimento_id IS NOT NULL");
  CAF_CHECK_EQUAL(want.size(), 50u);
  CAF_CHECK_EQUAL(walk("pageSize=6", tecnico), want);
  CAF_CHECK_EQUAL(walk("pageSize=6&tipo=orcamento&cliente=aurora", tecnico),
                  expected("atendimento_id IS NOT NULL AND tipo = 'orcamento' AND cliente = 'Aurora Festas'"));
  // Another technician's (or an account's without atendimentos) list is empty.
  auto other = list("pageSize=6", tecnico + 1000);
  CAF_CHECK(other.at("items").empty());
  CAF_CHECK_EQUAL(other.at("total"), 0);
  // A cursor is valid for the view it came from only: the admin's (with the
  // admin's total in it) is refused to a technician, and one's to another.
  auto admin_cursor = list("pageSize=6").at("nextCursor").get<std::string>();
  auto tecnico_cursor = list("pageSize=6", tecnico).at("nextCursor").get<std::string>();
  auto refused = [](const std::string& query, std::optional<std::int64_t> as) {
    auto r = parse_target("/api/pdfs?" + query, as);
    auto e = std::get_if<std::string>(&r);
    return e != nullptr && e->rfind("cursor:", 0) == 0;
  };
  CAF_CHECK(refused("pageSize=6&cursor=" + admin_cursor, tecnico));
  CAF_CHECK(refused("pageSize=6&cursor=" + tecnico_cursor, tecnico + 1));
  CAF_CHECK(refused("pageSize=6&cursor=" + tecnico_cursor, std::nullopt));
  CAF_CHECK(!refused("pageSize=6&cursor=" + tecnico_cursor, tecnico));
}

CAF_TEST(rows added while paging neither repeat nor shift the pages) {
  auto first = list("pageSize=10");
  auto before = expected("true");
  // Newer rows (they belong before the cursor) and older ones (after it).
  db.sql("INSERT INTO pdf_cache (file_hash, filename, file_size, data_evento) VALUES"
         " (lpad(to_hex(1001), 64, '0'), 'new.pdf', 1, '2027-01-01'),"
         " (lpad(to_hex(1002), 64, '0'), 'old.pdf', 1, '2020-01-01')");
  auto second = list("pageSize=10&cursor=" + first.at("nextCursor").get<std::string>());
  std::vector<std::int64_t> ids;
  for (const auto& item : second.at("items"))
    ids.push_back(item.at("id").get<std::int64_t>());
  CAF_CHECK_EQUAL(ids, std::vector<std::int64_t>(before.begin() + 10, before.begin() + 20));
}

CAF_TEST(the total is exact up to the cap then a lower bound) {
  auto few = list("pageSize=10&tipo=os");
  CAF_CHECK_EQUAL(few.at("total"), 100);
  CAF_CHECK_EQUAL(few.at("totalIsLowerBound"), false);
  db.sql("INSERT INTO pdf_cache (file_hash, filename, file_size, tipo, data_evento)"
         " SELECT lpad(to_hex(5000 + i), 64, '0'), 'x.pdf', 1, 'montagem', date '2025-01-01' + i % 30"
         " FROM generate_series(1, " + std::to_string(pdf_filter::total_cap) + ") i");
  auto many = list("pageSize=10");
  CAF_CHECK_EQUAL(many.at("total"), pdf_filter::total_cap);
  CAF_CHECK_EQUAL(many.at("totalIsLowerBound"), true);
  auto next = list("pageSize=10&cursor=" + many.at("nextCursor").get<std::string>());
  CAF_CHECK_EQUAL(next.at("totalIsLowerBound"), true);
  // Exactly the cap is still exact.
  auto montagem = list("tipo=montagem&pageSize=10");
  CAF_CHECK_EQUAL(montagem.at("total"), pdf_filter::total_cap);
  CAF_CHECK_EQUAL(montagem.at("totalIsLowerBound"), false);
  // The last page by number knows its total without counting past the cap.
  auto last = list("pageSize=100&page=12");
  CAF_CHECK_EQUAL(last.at("total"), 200 + pdf_filter::total_cap);
  CAF_CHECK_EQUAL(last.at("totalIsLowerBound"), false);
  CAF_CHECK(last.at("nextCursor").is_null());
  auto beyond = list("pageSize=100&page=13");
  CAF_CHECK(beyond.at("items").empty());
  CAF_CHECK_EQUAL(beyond.at("totalIsLowerBound"), true);
}

CAF_TEST(every search uses an index) {
  // The statements list_pdfs sends, as EXPLAIN sees them on this small table
  // with sequential scans priced out: each must still find a plan.
  db.sql("ANALYZE pdf_cache");
  pqxx::connection c(db.conninfo);
  pqxx::nontransaction n(c);
  n.exec("SET enable_seqscan = off");
  auto plan = [&](const std::string& sql) {
    std::string text;
    for (const auto& row : n.exec("EXPLAIN " + sql))
      text += row[0].as<std::string>() + "\n";
    return text;
  };
  auto id_query = [](const std::string& where) {
    return "SELECT id FROM pdf_cache WHERE " + where + " ORDER BY data_evento DESC NULLS LAST, id DESC LIMIT 26";
  };
  struct expectation {
    std::string where, index;
  };
  for (const auto& e : std::vector<expectation>{
         {"true", "idx_pdf_cache_listing"},
         {"(data_evento, id) < ('2026-05-02'::date, 50::bigint)", "idx_pdf_cache_listing"},
         {"data_evento >= '2026-05-01'::date AND data_evento <= '2026-05-31'::date", "idx_pdf_cache_listing"},
         {"tipo = 'os'", "idx_pdf_cache_tipo_listing"},
         {"status = 'cached'", "idx_pdf_cache_status_listing"},
         {"client_id = 'b'", "idx_pdf_cache_client_listing"},
         {"numero = '42'", "idx_pdf_cache_numero"},
         {"cliente ILIKE '%aurora%'", "idx_pdf_cache_"},
         {"cliente = ANY (ARRAY(SELECT cliente FROM pdf_clientes WHERE cliente ILIKE '%aurora%'))",
          "pdf_clientes"},
       }) {
    auto text = plan(id_query(e.where));
    auto indexed = text.find(e.index) != std::string::npos && text.find("Seq Scan") == std::string::npos;
    if (!indexed)
      CAF_MESSAGE(e.where << ":\n" << text);
    CAF_CHECK(indexed);
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
