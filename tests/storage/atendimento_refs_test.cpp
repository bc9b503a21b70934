// An atendimento that references a tipo and numero before any PDF has them
// (storage/atendimentos.cpp, the ingest's pdf_link_by_reference in
// storage/pdf_ingest.cpp, schema/013_atendimento_refs.sql).
#define CAF_SUITE atendimento_references
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include "pg_fixture.hpp"
#include "storage/atendimentos.hpp"
#include "storage/passwords.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;
using nlohmann::json;

namespace {

std::string error_of(const json& body) {
  auto r = parse_atendimento_input(body, false);
  auto e = std::get_if<std::string>(&r);
  return e ? *e : std::string();
}

json ref(const std::string& tipo, const std::string& numero) {
  return {{"tipo", tipo}, {"numero", numero}};
}

} // namespace

CAF_TEST(a reference names a known tipo and a numero of 1 to 100 characters) {
  auto pdfs = [](json list) { return json{{"pdfs", std::move(list)}}; };
  CAF_CHECK_EQUAL(error_of(pdfs({ref("nota", "1")})), "pdfs[0].tipo: expected one of orcamento, os, montagem");
  CAF_CHECK_EQUAL(error_of(pdfs({ref("desconhecido", "1")})), "pdfs[0].tipo: expected one of orcamento, os, montagem");
  CAF_CHECK_EQUAL(error_of(pdfs({ref("os", "1"), ref("OS", "2")})),
                  "pdfs[1].tipo: expected one of orcamento, os, montagem");
  CAF_CHECK_EQUAL(error_of(pdfs({ref("os", "")})), "pdfs[0].numero: 1 to 100 characters");
  CAF_CHECK_EQUAL(error_of(pdfs({ref("os", std::string(101, '7'))})), "pdfs[0].numero: 1 to 100 characters");
  CAF_CHECK_EQUAL(error_of(pdfs({ref("os", std::string("1\0", 2))})), "pdfs[0].numero: 1 to 100 characters");
  CAF_CHECK_EQUAL(error_of(pdfs({{{"tipo", "os"}}})), "pdfs[0].numero: 1 to 100 characters");
  CAF_CHECK_EQUAL(error_of(pdfs({{{"numero", "1"}}})), "pdfs[0].tipo: expected one of orcamento, os, montagem");
  CAF_CHECK_EQUAL(error_of(pdfs({{{"tipo", "os"}, {"numero", 12}}})), "pdfs[0].numero: 1 to 100 characters");
  CAF_CHECK_EQUAL(error_of(pdfs({{{"tipo", "os"}, {"numero", "1"}, {"cliente", "x"}}})),
                  "pdfs[0].cliente: unknown field (tipo, numero)");
  // 100 characters of two bytes each are 100 characters.
  std::string accented;
  for (int i = 0; i < 100; ++i)
    accented += "\xc3\xa9";
  CAF_CHECK_EQUAL(error_of(pdfs({ref("montagem", accented), ref("orcamento", std::string(100, '9'))})), "");
  CAF_CHECK_EQUAL(error_of(pdfs({ref("montagem", accented + "x")})), "pdfs[0].numero: 1 to 100 characters");
  // The same rule for a reference named in a path, which is not checked by a JSON parser.
  CAF_CHECK(!unfit_reference("os", "89331"));
  CAF_CHECK_EQUAL(unfit_reference("os", "\xff\xfe").value_or(""), "numero: 1 to 100 characters");
  CAF_CHECK_EQUAL(unfit_reference("recibo", "1").value_or(""), "tipo: expected one of orcamento, os, montagem");
}

#undef CAF_SUITE
#define CAF_SUITE storage_atendimento_refs

namespace {

pdf_document doc(int n, const std::string& tipo, const std::string& numero) {
  json event = {{"filename", tipo + "-" + numero + "-" + std::to_string(n) + ".pdf"},
                {"fileHash", hex_hash(n)},
                {"fileSize", 1000 + n},
                {"filePath", "/office/" + tipo + "-" + numero + "-" + std::to_string(n) + ".pdf"},
                {"metadata", {{"tipo", tipo}, {"numero", numero}, {"cliente", "Ana Lima"}, {"dataEvento", "2026-12-05"}}}};
  return std::get<pdf_document>(parse_pdf_document(event));
}

struct fixture {
  pg_database db{"ref"};
  metadata_store store{db.options()};
  std::int64_t admin_id = 0, ana = 0;

  fixture() {
    admin_id = store.create_user({"chefe", "Chefe", "admin", hash_password("chefe-pass")})["id"].get<std::int64_t>();
    ana = store.create_user({"ana", "Ana", "tecnico", hash_password("ana-pass-1")})["id"].get<std::int64_t>();
    store.create_daemon_token("Office", std::string("office"));
    ingest({doc(1, "os", "200")});
  }

  std::vector<ingest_result> ingest(const std::vector<pdf_document>& docs) {
    std::vector<std::pair<std::string, pdf_document>> batch;
    for (const auto& d : docs)
      batch.emplace_back("office", d);
    return store.ingest(batch);
  }

  std::int64_t pdf_id(int n) {
    return std::stoll(db.scalar("SELECT id FROM pdf_cache WHERE file_hash = '" + hex_hash(n) + "'"));
  }

  std::string linked_to(int n) {
    return db.scalar("SELECT coalesce(atendimento_id::text, 'none') FROM pdf_cache WHERE file_hash = '" +
                     hex_hash(n) + "'");
  }

  static atendimento_input input(const json& body, bool creating = true) {
    return std::get<atendimento_input>(parse_atendimento_input(body, creating));
  }

  json create(const std::string& titulo, json pdfs, json tecnicos = json::array()) {
    return store.create_atendimento(
      input({{"titulo", titulo}, {"dataInicio", "2026-12-05"}, {"tecnicos", tecnicos}, {"pdfs", pdfs}}), admin_id);
  }

  /// "os 200:false,os 999:true": the atendimento's references and whether each is pending.
  static std::string refs_of(const json& a) {
    std::string out;
    for (auto& r : a["referencias"])
      out += (out.empty() ? "" : ",") + r["tipo"].get<std::string>() + " " + r["numero"].get<std::string>() + ":" +
             (r["pending"].get<bool>() ? "true" : "false");
    return out;
  }

  json get(std::int64_t id) { return *store.atendimento(id); }

  static api_principal who(std::int64_t id, const std::string& role = "tecnico") {
    api_principal p;
    p.user_id = id;
    p.name = role;
    p.role = role;
    p.via = "session";
    return p;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(atendimento_ref_tests, fixture)

CAF_TEST(a reference is stored without any indexed PDF and shown pending) {
  auto a = create("Casamento", {ref("os", "999"), ref("os", "200"), ref("os", "999")});
  CAF_CHECK_EQUAL(refs_of(a), "os 200:false,os 999:true");
  CAF_REQUIRE_EQUAL(a["pdfs"].size(), 1u);
  CAF_CHECK_EQUAL(a["pdfs"][0]["id"], pdf_id(1));
  auto id = a["id"].get<std::int64_t>();
  // An edit adds references to the ones kept.
  auto edited = store.update_atendimento(id, input({{"pdfs", {ref("montagem", "12/2026")}}}, false), admin_id);
  CAF_REQUIRE(edited.has_value());
  CAF_CHECK_EQUAL(refs_of(*edited), "montagem 12/2026:true,os 200:false,os 999:true");
  // The calendar shows them too.
  auto list = store.list_atendimentos(std::string("2026-12-01"), std::string("2026-12-31"), who(admin_id, "admin"));
  CAF_REQUIRE_EQUAL(list["items"].size(), 1u);
  CAF_CHECK_EQUAL(refs_of(list["items"][0]), "montagem 12/2026:true,os 200:false,os 999:true");
  // Without references: an empty list.
  auto plain = create("Feira", json::array());
  CAF_CHECK_EQUAL(plain["referencias"], json::array());
  // Ids and hashes cannot appear later: still refused, and nothing of the call is kept.
  CAF_CHECK(throws<std::invalid_argument>([&] { create("x", {ref("os", "1"), {{"id", 424242}}}); }));
  CAF_CHECK(throws<std::invalid_argument>([&] { create("x", {ref("os", "1"), {{"fileHash", hex_hash(77)}}}); }));
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM atendimentos"), "2");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM atendimento_refs WHERE numero = '1'"), "0");
  // Deleting an atendimento deletes its references.
  db.sql("DELETE FROM atendimentos WHERE id = " + std::to_string(id));
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM atendimento_refs"), "0");
}

CAF_TEST(a PDF indexed later joins the atendimento that referenced it and its technicians see it) {
  auto a = create("Formatura", {ref("os", "999")}, {"ana"});
  auto id = a["id"].get<std::int64_t>();
  auto r = ingest({doc(2, "os", "999"), doc(3, "os", "998")});
  CAF_CHECK(r[0].status == ingest_status::indexed);
  CAF_CHECK_EQUAL(r[0].linked_atendimento, id);
  CAF_CHECK_EQUAL(r[1].linked_atendimento, 0);
  CAF_CHECK_EQUAL(linked_to(2), std::to_string(id));
  CAF_CHECK_EQUAL(linked_to(3), "none");
  auto now = get(id);
  CAF_CHECK_EQUAL(refs_of(now), "os 999:false");
  CAF_REQUIRE_EQUAL(now["pdfs"].size(), 1u);
  CAF_CHECK_EQUAL(now["pdfs"][0]["id"], pdf_id(2));
  CAF_CHECK(store.can_access_pdf(who(ana), pdf_id(2)));
  CAF_CHECK_EQUAL(store.users_for_pdf(pdf_id(2)), std::vector<std::int64_t>{ana});
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM atendimentos"), "1"); // none created
  // The same event again writes nothing and reports no new link.
  CAF_CHECK_EQUAL(ingest({doc(2, "os", "999")})[0].linked_atendimento, 0);
  // A document of another tipo with the same numero is another document.
  CAF_CHECK_EQUAL(ingest({doc(4, "montagem", "999")})[0].linked_atendimento, 0);
  CAF_CHECK_EQUAL(linked_to(4), "none");
}

CAF_TEST(the most recent reference wins and a linked PDF is not moved) {
  auto first = create("Primeiro", {ref("orcamento", "500"), ref("orcamento", "499"), ref("orcamento", "497")})["id"]
                 .get<std::int64_t>();
  db.sql("UPDATE atendimento_refs SET created_at = now() - interval '1 hour'");
  auto second = create("Segundo", {ref("orcamento", "500")})["id"].get<std::int64_t>();
  CAF_CHECK_EQUAL(ingest({doc(5, "orcamento", "500")})[0].linked_atendimento, second);
  CAF_CHECK_EQUAL(refs_of(get(first)), "orcamento 497:true,orcamento 499:true,orcamento 500:true");
  CAF_CHECK_EQUAL(refs_of(get(second)), "orcamento 500:false");
  // A PDF linked elsewhere whose numero is corrected to a referenced one stays where it is.
  auto renamed = doc(6, "orcamento", "501");
  ingest({renamed});
  auto other = create("Outro", {{{"id", pdf_id(6)}}})["id"].get<std::int64_t>();
  renamed.numero = "499";
  auto r = ingest({renamed});
  CAF_CHECK(r[0].status == ingest_status::updated);
  CAF_CHECK_EQUAL(r[0].linked_atendimento, 0);
  CAF_CHECK_EQUAL(linked_to(6), std::to_string(other));
  CAF_CHECK_EQUAL(refs_of(get(first)), "orcamento 497:true,orcamento 499:true,orcamento 500:true");
  // An unlinked one corrected that way joins the atendimento that referenced it.
  auto loose = doc(8, "orcamento", "498");
  ingest({loose});
  loose.numero = "497";
  auto joined = ingest({loose});
  CAF_CHECK(joined[0].status == ingest_status::updated);
  CAF_CHECK_EQUAL(joined[0].linked_atendimento, first);
  CAF_CHECK_EQUAL(refs_of(get(first)), "orcamento 497:false,orcamento 499:true,orcamento 500:true");
  // The latest decision wins: a document of 499 was linked to "Outro" after
  // "Primeiro" referenced 499, so another version of it goes to "Outro".
  auto later = doc(9, "orcamento", "499");
  CAF_CHECK_EQUAL(ingest({later})[0].linked_atendimento, other);
}

CAF_TEST(unlinking a PDF drops the reference to its tipo and numero) {
  auto id = create("Aniversario", {ref("os", "999"), ref("os", "777")})["id"].get<std::int64_t>();
  ingest({doc(2, "os", "999")});
  CAF_CHECK_EQUAL(linked_to(2), std::to_string(id));
  atendimento_input unlink;
  unlink.unlink_pdfs = {pdf_id(2)};
  auto after = store.update_atendimento(id, unlink, admin_id);
  CAF_REQUIRE(after.has_value());
  CAF_CHECK_EQUAL(refs_of(*after), "os 777:true");
  CAF_CHECK_EQUAL((*after)["pdfs"].size(), 0u);
  // Its next version does not come back.
  CAF_CHECK_EQUAL(ingest({doc(3, "os", "999")})[0].linked_atendimento, 0);
  CAF_CHECK_EQUAL(linked_to(3), "none");
  // Unlinking a PDF linked to another atendimento touches neither.
  auto other = create("Outro", {ref("os", "200")})["id"].get<std::int64_t>();
  auto mine = create("Meu", {ref("os", "555")})["id"].get<std::int64_t>();
  db.sql("INSERT INTO atendimento_refs (atendimento_id, tipo, numero) VALUES (" + std::to_string(mine) +
         ", 'os', '200')");
  atendimento_input wrong;
  wrong.unlink_pdfs = {pdf_id(1)};
  CAF_REQUIRE(store.update_atendimento(mine, wrong, admin_id));
  CAF_CHECK_EQUAL(linked_to(1), std::to_string(other));
  CAF_CHECK_EQUAL(refs_of(get(other)), "os 200:false");
  CAF_CHECK_EQUAL(refs_of(get(mine)), "os 200:true,os 555:true");
}

CAF_TEST(dropping a reference keeps the linked PDFs and stops later ones) {
  auto id = create("Festa", {ref("os", "200"), ref("os", "999")})["id"].get<std::int64_t>();
  atendimento_input drop;
  drop.unlink_refs = {{"os", "999"}, {"os", "200"}};
  auto after = store.update_atendimento(id, drop, admin_id);
  CAF_REQUIRE(after.has_value());
  CAF_CHECK_EQUAL((*after)["referencias"], json::array());
  CAF_REQUIRE_EQUAL((*after)["pdfs"].size(), 1u); // os 200 stays linked
  CAF_CHECK_EQUAL(ingest({doc(2, "os", "999")})[0].linked_atendimento, 0);
  CAF_CHECK_EQUAL(linked_to(2), "none");
  // A new version of the PDF still linked follows it, as before references existed.
  CAF_CHECK_EQUAL(ingest({doc(3, "os", "200")})[0].linked_atendimento, id);
}

CAF_TEST_FIXTURE_SCOPE_END()
