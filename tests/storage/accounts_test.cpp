// Users, passwords, sessions, the audit log, atendimentos and the access rule
// (storage/accounts.cpp, storage/atendimentos.cpp, storage/passwords.cpp).
#define CAF_SUITE storage_passwords
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <regex>

#include "pg_fixture.hpp"
#include "storage/passwords.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;
using json = nlohmann::json;

CAF_TEST(passwords are hashed with argon2id and a fresh salt) {
  auto a = hash_password("correct horse battery");
  auto b = hash_password("correct horse battery");
  CAF_CHECK(a.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
  CAF_CHECK_NOT_EQUAL(a, b);
  CAF_CHECK(a.find("correct") == std::string::npos);
  CAF_CHECK(verify_password(a, "correct horse battery"));
  CAF_CHECK(verify_password(b, "correct horse battery"));
  CAF_CHECK(!verify_password(a, "correct horse batterY"));
  CAF_CHECK(!verify_password("", "x"));
  CAF_CHECK(!verify_password("$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "x"));
  CAF_CHECK(!verify_password("plain text", "plain text"));
}

CAF_TEST(password rules and generated passwords) {
  CAF_CHECK(unfit_password("short"));
  CAF_CHECK(unfit_password(std::string(257, 'a')));
  CAF_CHECK(unfit_password(std::string("with\nnewline")));
  CAF_CHECK(!unfit_password("eight ch"));
  std::regex shape("^[a-km-zA-HJ-NP-Z2-9]{20}$");
  auto p = generate_password(), q = generate_password();
  CAF_CHECK(std::regex_match(p, shape));
  CAF_CHECK_NOT_EQUAL(p, q);
  CAF_CHECK(unfit_login(""));
  CAF_CHECK(unfit_login("a b"));
  CAF_CHECK(unfit_login("../x"));
  CAF_CHECK(!unfit_login("ana.lima@festas"));
}

CAF_TEST(atendimento bodies are read strictly) {
  auto error_of = [](const json& body, bool creating) {
    auto r = parse_atendimento_input(body, creating);
    auto e = std::get_if<std::string>(&r);
    return e ? *e : std::string();
  };
  CAF_CHECK_EQUAL(error_of({{"dataInicio", "2026-12-01"}}, true), "titulo: required");
  CAF_CHECK_EQUAL(error_of({{"titulo", "x"}}, true), "dataInicio: required");
  CAF_CHECK_EQUAL(error_of({{"titulo", "x"}}, false), "");
  CAF_CHECK(error_of({{"titulo", "x"}, {"dataInicio", "2026-02-30"}}, true).rfind("dataInicio:", 0) == 0);
  CAF_CHECK(error_of({{"titulo", "x"}, {"dataInicio", "2026-12-01T25"}}, true).rfind("dataInicio:", 0) == 0);
  CAF_CHECK_EQUAL(error_of({{"titulo", "x"}, {"dataInicio", "2026-12-01T14:30"}}, true), "");
  CAF_CHECK_EQUAL(error_of({{"titulo", "x"}, {"dataInicio", "2026-12-01T14:30:00-03:00"}}, true), "");
  CAF_CHECK(error_of({{"titulo", ""}}, false).rfind("titulo:", 0) == 0);
  CAF_CHECK(error_of({{"titulo", std::string(201, 'a')}}, false).rfind("titulo:", 0) == 0);
  CAF_CHECK(error_of({{"tecnicos", {1, true}}}, false).rfind("tecnicos:", 0) == 0);
  CAF_CHECK(error_of({{"tecnicos", json::array({0})}}, false).rfind("tecnicos:", 0) == 0);
  CAF_CHECK(error_of({{"pdfs", {{{"fileHash", "abc"}}}}}, false).rfind("pdfs:", 0) == 0);
  CAF_CHECK_EQUAL(error_of({{"pdfs", {{{"tipo", "os"}}}}}, false), "pdfs[0].numero: 1 to 100 characters");
  CAF_CHECK(error_of({{"titlo", "x"}}, false).rfind("titlo: unknown field", 0) == 0);
  CAF_CHECK(error_of(json::array(), false).rfind("body:", 0) == 0);
  json many = json::array();
  for (int i = 1; i <= 101; ++i)
    many.push_back(i);
  CAF_CHECK(error_of({{"tecnicos", many}}, false).rfind("tecnicos:", 0) == 0);
  auto ok = parse_atendimento_input({{"dataFim", nullptr}, {"cliente", nullptr}, {"tecnicos", {3, "ana"}},
                                     {"pdfs", {7, {{"id", 8}}, {{"fileHash", std::string(64, 'A')}},
                                               {{"tipo", "os"}, {"numero", "12"}}}}},
                                    false);
  auto& in = std::get<atendimento_input>(ok);
  CAF_REQUIRE(in.data_fim.has_value());
  CAF_CHECK(!in.data_fim->has_value());
  CAF_CHECK(!in.local.has_value());
  CAF_REQUIRE_EQUAL(in.tecnicos->size(), 2u);
  CAF_CHECK_EQUAL((*in.tecnicos)[0].id, 3);
  CAF_CHECK_EQUAL((*in.tecnicos)[1].login, "ana");
  CAF_REQUIRE_EQUAL(in.pdfs->size(), 4u);
  CAF_CHECK_EQUAL((*in.pdfs)[1].id, 8);
  CAF_CHECK_EQUAL((*in.pdfs)[2].file_hash, std::string(64, 'a'));
  CAF_CHECK_EQUAL((*in.pdfs)[3].numero, "12");
}

#undef CAF_SUITE
#define CAF_SUITE storage_accounts

namespace {

pdf_document doc(int n, const std::string& tipo, const std::string& numero, const std::string& date) {
  json event = {{"filename", tipo + "-" + numero + ".pdf"},
                {"fileHash", hex_hash(n)},
                {"fileSize", 1000 + n},
                {"filePath", "/office/" + tipo + "-" + numero + ".pdf"},
                {"metadata", {{"tipo", tipo}, {"numero", numero}, {"cliente", "Ana Lima"}, {"dataEvento", date}}}};
  return std::get<pdf_document>(parse_pdf_document(event));
}

struct fixture {
  pg_database db{"acc"};
  metadata_store store{db.options()};
  std::int64_t admin_id = 0, ana = 0, bruno = 0;

  fixture() {
    admin_id = store.create_user({"chefe", "Chefe", "admin", hash_password("chefe-pass")})["id"].get<std::int64_t>();
    ana = store.create_user({"ana", "Ana", "tecnico", hash_password("ana-pass-1")})["id"].get<std::int64_t>();
    bruno = store.create_user({"bruno", "Bruno", "tecnico", hash_password("bruno-pass")})["id"].get<std::int64_t>();
    store.create_daemon_token("Office", std::string("office"));
    store.ingest({{"office", doc(1, "orcamento", "100", "2026-12-05")},
                  {"office", doc(2, "os", "200", "2026-12-05")},
                  {"office", doc(3, "montagem", "300", "2026-12-20")}});
  }

  std::int64_t pdf_id(int n) {
    return std::stoll(db.scalar("SELECT id FROM pdf_cache WHERE file_hash = '" + hex_hash(n) + "'"));
  }

  api_principal who(std::int64_t id) {
    auto u = *store.user(id);
    api_principal p;
    p.user_id = id;
    p.name = u["login"];
    p.role = u["role"];
    p.via = "session";
    return p;
  }

  static atendimento_input input(const json& body, bool creating = true) {
    return std::get<atendimento_input>(parse_atendimento_input(body, creating));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(account_tests, fixture)

CAF_TEST(users are stored with an argon2id hash and logins are unique in any case) {
  auto hash = db.scalar("SELECT password_hash FROM usuarios WHERE login = 'ana'");
  CAF_CHECK(hash.rfind("$argon2id$", 0) == 0);
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM usuarios WHERE password_hash LIKE '%ana-pass-1%'"), "0");
  CAF_CHECK(throws<conflict>([&] { store.create_user({"ANA", "", "tecnico", hash}); }));
  CAF_CHECK(throws<std::invalid_argument>([&] { store.create_user({"x y", "", "tecnico", hash}); }));
  CAF_CHECK(throws<std::invalid_argument>([&] { store.create_user({"carla", "", "chefe", hash}); }));
  auto a = store.account_for_login("AnA");
  CAF_REQUIRE(a.has_value());
  CAF_CHECK_EQUAL(a->id, ana);
  CAF_CHECK(verify_password(a->password_hash, "ana-pass-1"));
  CAF_CHECK(!store.account_for_login("nobody"));
  CAF_CHECK_EQUAL(store.list_users()["users"].size(), 3u);
  CAF_CHECK_EQUAL(store.count_users(), 3);
}

CAF_TEST(sessions are opaque tokens stored as their sha256) {
  session_request r;
  r.user_id = ana;
  r.remote_addr = "203.0.113.9";
  auto s = store.open_session(r);
  CAF_CHECK(std::regex_match(s.token, std::regex("^[0-9a-f]{16}\\.[0-9a-f]{64}$")));
  CAF_CHECK_EQUAL(db.scalar("SELECT token_hash FROM sessions WHERE id = " + std::to_string(s.id)), sha256_hex(s.token));
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM sessions WHERE token_hash LIKE '%" + s.token.substr(17, 20) + "%'"),
                  "0");
  auto p = store.authenticate(s.token);
  CAF_REQUIRE(p.has_value());
  CAF_CHECK_EQUAL(p->user_id, ana);
  CAF_CHECK_EQUAL(p->name, "ana");
  CAF_CHECK_EQUAL(p->role, "tecnico");
  CAF_CHECK_EQUAL(p->via, "session");
  auto forged = s.token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  CAF_CHECK(!store.authenticate(forged));
  CAF_CHECK(store.close_session(s.id));
  CAF_CHECK(!store.close_session(s.id));
  CAF_CHECK(!store.authenticate(s.token));
}

CAF_TEST(expired sessions and those of disabled or re-passworded users stop working) {
  session_request r;
  r.user_id = ana;
  auto expired = store.open_session(r);
  db.sql("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = " + std::to_string(expired.id));
  CAF_CHECK(!store.authenticate(expired.token));
  auto s1 = store.open_session(r);
  CAF_CHECK(store.set_disabled(ana, true).has_value());
  CAF_CHECK(!store.authenticate(s1.token));
  auto enabled = *store.set_disabled(ana, false);
  CAF_CHECK_EQUAL(enabled["disabled"], false);
  CAF_CHECK(!store.authenticate(s1.token)); // revoked, not just hidden
  auto s2 = store.open_session(r);
  CAF_CHECK(store.authenticate(s2.token).has_value());
  CAF_CHECK(store.set_password(ana, hash_password("new-pass-123")));
  CAF_CHECK(!store.authenticate(s2.token));
  CAF_CHECK(!store.set_password(999999, "x"));
  CAF_CHECK(!store.set_disabled(999999, true));
}

CAF_TEST(api tokens still authenticate as automation) {
  auto t = store.create_api_token("ci", "admin");
  auto p = store.authenticate(t.token);
  CAF_REQUIRE(p.has_value());
  CAF_CHECK_EQUAL(p->via, "api_token");
  CAF_CHECK_EQUAL(p->user_id, 0);
  CAF_CHECK(p->admin());
}

CAF_TEST(the audit log keeps the newest first and pages) {
  for (int i = 0; i < 5; ++i) {
    audit_entry e;
    e.actor = "chefe";
    e.action = "user.create";
    e.target = "user " + std::to_string(i);
    e.details = {{"n", i}};
    store.audit(e);
  }
  audit_entry odd;
  odd.action = "auth.login_failed";
  odd.outcome = "denied";
  odd.actor = std::string("nul\0inside", 10);
  odd.details = {{"reason", std::string("a\0b", 3)}};
  store.audit(odd);
  auto page = store.list_audit(3, std::nullopt)["items"];
  CAF_REQUIRE_EQUAL(page.size(), 3u);
  CAF_CHECK_EQUAL(page[0]["action"], "auth.login_failed");
  CAF_CHECK_EQUAL(page[0]["actor"], "nulinside");
  CAF_CHECK_EQUAL(page[1]["target"], "user 4");
  auto next = store.list_audit(10, page[2]["id"].get<std::int64_t>())["items"];
  CAF_CHECK_EQUAL(next.size(), 3u);
  CAF_CHECK_EQUAL(next[0]["target"], "user 2");
}

CAF_TEST(atendimentos link technicians and pdfs and decide who sees what) {
  auto a = store.create_atendimento(
    input({{"titulo", "Casamento"}, {"dataInicio", "2026-12-05"}, {"tecnicos", {"ANA"}},
           {"pdfs", {{{"fileHash", hex_hash(1)}}, {{"tipo", "os"}, {"numero", "200"}}}}}),
    admin_id);
  CAF_CHECK_EQUAL(a["titulo"], "Casamento");
  CAF_CHECK_EQUAL(a["dataInicio"], "2026-12-05T00:00:00Z");
  CAF_REQUIRE_EQUAL(a["tecnicos"].size(), 1u);
  CAF_CHECK_EQUAL(a["tecnicos"][0]["login"], "ana");
  CAF_CHECK_EQUAL(a["pdfs"].size(), 2u);
  auto id = a["id"].get<std::int64_t>();
  CAF_CHECK(store.can_access_pdf(who(ana), pdf_id(1)));
  CAF_CHECK(store.can_access_pdf(who(ana), pdf_id(2)));
  CAF_CHECK(!store.can_access_pdf(who(ana), pdf_id(3)));
  CAF_CHECK(!store.can_access_pdf(who(bruno), pdf_id(1)));
  CAF_CHECK(store.can_access_pdf(who(admin_id), pdf_id(3)));
  CAF_CHECK(store.can_access_atendimento(who(ana), id));
  CAF_CHECK(!store.can_access_atendimento(who(bruno), id));
  CAF_CHECK_EQUAL(store.users_for_pdf(pdf_id(1)), std::vector<std::int64_t>{ana});
  CAF_CHECK(store.users_for_pdf(pdf_id(3)).empty());
  // The PDF list of a technician holds only the PDFs of their atendimentos.
  pdf_filter f;
  f.visible_to = ana;
  auto anas = store.list_pdfs(f);
  CAF_CHECK_EQUAL(anas["total"], 2);
  f.visible_to = bruno;
  auto brunos = store.list_pdfs(f);
  CAF_CHECK_EQUAL(brunos["total"], 0);
  // The calendar.
  CAF_CHECK_EQUAL(store.list_atendimentos(std::string("2026-12-01"), std::string("2026-12-31"), who(ana))["items"].size(),
                  1u);
  CAF_CHECK_EQUAL(store.list_atendimentos(std::nullopt, std::nullopt, who(bruno))["items"].size(), 0u);
  CAF_CHECK_EQUAL(store.list_atendimentos(std::string("2026-12-06"), std::nullopt, who(admin_id))["items"].size(), 0u);
  CAF_CHECK_EQUAL(store.list_atendimentos(std::string("2026-12-05"), std::string("2026-12-05"), who(admin_id))["items"].size(),
                  1u);
  // Reassigning moves the access.
  auto moved = store.update_atendimento(id, input({{"tecnicos", {bruno}}}, false), admin_id);
  CAF_REQUIRE(moved.has_value());
  CAF_CHECK_EQUAL((*moved)["tecnicos"][0]["login"], "bruno");
  CAF_CHECK(!store.can_access_pdf(who(ana), pdf_id(1)));
  CAF_CHECK(store.can_access_pdf(who(bruno), pdf_id(1)));
}

CAF_TEST(atendimento edits and mistakes) {
  auto a = store.create_atendimento(
    input({{"titulo", "Feira"}, {"dataInicio", "2026-12-10T08:00:00-03:00"}, {"dataFim", "2026-12-12"},
           {"local", "Pavilhao"}}),
    std::nullopt);
  auto id = a["id"].get<std::int64_t>();
  CAF_CHECK_EQUAL(a["dataInicio"], "2026-12-10T11:00:00Z");
  auto edited = store.update_atendimento(id, input({{"dataFim", nullptr}, {"local", nullptr}, {"titulo", "Feira 2"}}, false),
                                         admin_id);
  CAF_REQUIRE(edited.has_value());
  CAF_CHECK((*edited)["dataFim"].is_null());
  CAF_CHECK((*edited)["local"].is_null());
  CAF_CHECK_EQUAL((*edited)["titulo"], "Feira 2");
  CAF_CHECK(!store.update_atendimento(999999, input({{"titulo", "x"}}, false), admin_id));
  CAF_CHECK(throws<std::invalid_argument>(
    [&] { store.create_atendimento(input({{"titulo", "x"}, {"dataInicio", "2026-12-10"}, {"tecnicos", {"nobody"}}}), {}); }));
  CAF_CHECK(throws<std::invalid_argument>(
    [&] { store.create_atendimento(input({{"titulo", "x"}, {"dataInicio", "2026-12-10"}, {"tecnicos", {"chefe"}}}), {}); }));
  CAF_CHECK(throws<std::invalid_argument>(
    [&] { store.create_atendimento(input({{"titulo", "x"}, {"dataInicio", "2026-12-10"}, {"pdfs", {424242}}}), {}); }));
  CAF_CHECK(throws<std::invalid_argument>([&] {
    store.create_atendimento(input({{"titulo", "x"}, {"dataInicio", "2026-12-10"}, {"dataFim", "2026-12-01"}}), {});
  }));
  // Nothing of the refused ones was kept.
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM atendimentos"), "1");
}

CAF_TEST(escalar equipe creates an atendimento from the pdf) {
  auto a = store.escalar(pdf_id(3), input({{"tecnicos", {"ana", "bruno"}}}, false), admin_id);
  CAF_REQUIRE(a.has_value());
  CAF_CHECK_EQUAL((*a)["titulo"], "montagem 300 - Ana Lima");
  CAF_CHECK_EQUAL((*a)["cliente"], "Ana Lima");
  CAF_CHECK_EQUAL((*a)["dataInicio"], "2026-12-20T00:00:00Z");
  CAF_CHECK_EQUAL((*a)["tecnicos"].size(), 2u);
  CAF_REQUIRE_EQUAL((*a)["pdfs"].size(), 1u);
  CAF_CHECK_EQUAL((*a)["pdfs"][0]["id"], pdf_id(3));
  CAF_CHECK(!store.escalar(999999, input(json::object(), false), admin_id));
}

CAF_TEST_FIXTURE_SCOPE_END()
