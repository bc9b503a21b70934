// atendimentos list / show / create / assign / escalar against the scripted server.
#define CAF_SUITE cli_atendimento_commands
#include "caf/test/unit_test.hpp"

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "fake_server.hpp"

using namespace siberius::testing;
using nlohmann::json;

namespace {

std::map<std::string, std::string> env_for(const fake_http_server& server) {
  return {{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_TOKEN", "admin-token"}};
}

const std::string palco = R"({"id":12,"titulo":"Montagem palco","cliente":"Construtora São João",
  "dataInicio":"2030-05-10T11:00:00Z","dataFim":"2030-05-10T21:00:00Z","local":"Pavilhão 3",
  "tecnicos":[{"id":4,"login":"bia","nome":"Beatriz"}],"pdfs":[],
  "createdAt":"2030-05-01T12:00:00Z","updatedAt":"2030-05-01T12:00:00Z"})";

const std::string hash = std::string(64, 'a');

} // namespace

CAF_TEST(list asks for the period and shows a table) {
  scoped_tz utc("UTC0");
  fake_http_server server({{200, "{\"items\":[" + palco + "]}"}, {200, R"({"items":[]})"}});
  auto o = run({"atendimentos", "list", "--from", "2030-05-01", "--to", "2030-05-31"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("12  2030-05-10 11:00  2030-05-10 21:00  Montagem palco") != std::string::npos);
  CAF_CHECK_EQUAL(run({"atendimentos", "list"}, env_for(server)).out, "No atendimentos in that period.\n");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].target, "/api/atendimentos?from=2030-05-01&to=2030-05-31");
  CAF_CHECK_EQUAL(reqs[1].target, "/api/atendimentos");
}

CAF_TEST(list and show argument errors exit 2) {
  fake_http_server server({});
  auto env = env_for(server);
  CAF_CHECK_EQUAL(run({"atendimentos", "list", "--from", "2030-13-01"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"atendimentos", "list", "--from", "2030-05-02", "--to", "2030-05-01"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"atendimentos", "show"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"atendimentos", "show", "-3"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"atendimentos"}, env).code, 2);
  CAF_CHECK(server.requests().empty());
}

CAF_TEST(show one and a missing one exits 4) {
  scoped_tz utc("UTC0");
  fake_http_server server({{200, palco}, {404, R"({"error":"no such atendimento","code":"not_found"})"}});
  auto o = run({"atendimentos", "show", "12"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("technicians  bia (Beatriz)\n") != std::string::npos);
  auto missing = run({"atendimentos", "show", "13"}, env_for(server));
  CAF_CHECK_EQUAL(missing.code, 4);
  CAF_CHECK_EQUAL(missing.err, "siberius-admin: no such atendimento (HTTP 404)\n");
  CAF_CHECK_EQUAL(std::string(server.requests()[1].target), "/api/atendimentos/13");
}

CAF_TEST(create sends local times as UTC with technicians and pdfs) {
  scoped_tz sao_paulo("<-03>3");
  fake_http_server server({{201, palco}, {201, palco}});
  auto o = run({"atendimentos", "create", "--titulo", "Montagem palco", "--inicio", "2030-05-10T08:00", "--fim",
                "2030-05-10T18:00", "--cliente", "Construtora São João", "--local", "Pavilhão 3", "--tecnico", "bia",
                "--tecnico", "caio", "--pdf", "17", "--pdf", "18", "--hash", hash, "--tipo", "os", "--numero", "89331"},
               env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("Created atendimento 12.\n\nid           12\n") == 0);
  CAF_CHECK(o.out.find("start        2030-05-10 08:00\n") != std::string::npos); // shown in local time again
  auto minimal = run({"atendimentos", "create", "--titulo", "Visita", "--inicio", "2030-05-11", "--json"},
                     env_for(server));
  CAF_CHECK_EQUAL(minimal.code, 0);
  CAF_CHECK_EQUAL(json::parse(minimal.out), json::parse(palco));
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/atendimentos");
  CAF_CHECK_EQUAL(json::parse(reqs[0].body), json::parse(R"({"titulo":"Montagem palco",
    "dataInicio":"2030-05-10T11:00:00Z","dataFim":"2030-05-10T21:00:00Z","cliente":"Construtora São João",
    "local":"Pavilhão 3","tecnicos":["bia","caio"],
    "pdfs":[{"id":17},{"id":18},{"fileHash":")" + hash + R"("},{"tipo":"os","numero":"89331"}]})"));
  CAF_CHECK_EQUAL(json::parse(reqs[1].body), (json{{"titulo", "Visita"}, {"dataInicio", "2030-05-11T03:00:00Z"}}));
}

CAF_TEST(create argument errors exit 2) {
  fake_http_server server({});
  auto env = env_for(server);
  std::vector<std::string> base{"atendimentos", "create", "--titulo", "T", "--inicio", "2030-05-10T08:00"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args, env);
  };
  CAF_CHECK_EQUAL(run({"atendimentos", "create", "--inicio", "2030-05-10"}, env).code, 2); // no --titulo
  CAF_CHECK_EQUAL(run({"atendimentos", "create", "--titulo", "T"}, env).code, 2);          // no --inicio
  auto bad = run({"atendimentos", "create", "--titulo", "T", "--inicio", "10/05/2030"}, env);
  CAF_CHECK_EQUAL(bad.code, 2);
  CAF_CHECK(bad.err.find("--inicio: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM") != std::string::npos);
  CAF_CHECK_EQUAL(with({"--fim", "2030-05-10T25:00"}).code, 2);
  auto backwards = with({"--fim", "2030-05-09"});
  CAF_CHECK_EQUAL(backwards.code, 2);
  CAF_CHECK(backwards.err.find("--fim 2030-05-09 is before --inicio 2030-05-10T08:00") != std::string::npos);
  CAF_CHECK_EQUAL(with({"--tipo", "os"}).code, 2);        // --tipo needs --numero
  CAF_CHECK_EQUAL(with({"--numero", "1"}).code, 2);       // and the other way round
  CAF_CHECK_EQUAL(with({"--tipo", "nota", "--numero", "1"}).code, 2);
  CAF_CHECK_EQUAL(with({"--hash", "abc"}).code, 2);
  CAF_CHECK_EQUAL(with({"--pdf", "x"}).code, 2);
  CAF_CHECK_EQUAL(with({"--tecnico", ""}).code, 2);
  CAF_CHECK(server.requests().empty());
}

CAF_TEST(assign replaces the technicians) {
  fake_http_server server({{200, palco}, {409, R"({"error":"unknown technician: zeca","code":"conflict"})"}});
  auto o = run({"atendimentos", "assign", "12", "--tecnico", "bia", "caio"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("Technicians of atendimento 12 replaced.\n") == 0);
  CAF_CHECK_EQUAL(run({"atendimentos", "assign", "12", "--tecnico", "zeca"}, env_for(server)).code, 6);
  CAF_CHECK_EQUAL(run({"atendimentos", "assign", "12"}, env_for(server)).code, 2); // --tecnico is required
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].method, "PUT");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/atendimentos/12/tecnicos");
  CAF_CHECK_EQUAL(json::parse(reqs[0].body), (json{{"tecnicos", {"bia", "caio"}}}));
}

CAF_TEST(escalar creates an atendimento from a pdf) {
  scoped_tz utc("UTC0");
  fake_http_server server({{201, palco},
                           {201, palco},
                           {404, R"({"error":"no such PDF","code":"not_found"})"},
                           {429, R"({"error":"slow down","code":"rate_limited"})", "application/json",
                            {{"Retry-After", "5"}}}});
  auto o = run({"atendimentos", "escalar", "--tecnico", "bia", "17"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("Created atendimento 12 from PDF 17.\n") == 0);
  CAF_CHECK_EQUAL(run({"atendimentos", "escalar", "17", "--tecnico", "bia", "--titulo", "Palco", "--inicio",
                       "2030-05-10T08:00"},
                      env_for(server))
                      .code,
                  0);
  CAF_CHECK_EQUAL(run({"atendimentos", "escalar", "99", "--tecnico", "bia"}, env_for(server)).code, 4);
  CAF_CHECK_EQUAL(run({"atendimentos", "escalar", "17", "--tecnico", "bia"}, env_for(server)).code, 7);
  CAF_CHECK_EQUAL(run({"atendimentos", "escalar", "17"}, env_for(server)).code, 2);
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 4u);
  CAF_CHECK_EQUAL(reqs[0].target, "/api/pdfs/17/escalar");
  CAF_CHECK_EQUAL(json::parse(reqs[0].body), (json{{"tecnicos", {"bia"}}}));
  CAF_CHECK_EQUAL(json::parse(reqs[1].body),
                  (json{{"tecnicos", {"bia"}}, {"titulo", "Palco"}, {"dataInicio", "2030-05-10T08:00:00Z"}}));
}
