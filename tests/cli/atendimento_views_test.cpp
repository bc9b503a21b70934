#define CAF_SUITE cli_atendimento_views
#include "caf/test/unit_test.hpp"

#include "cli/atendimento_views.hpp"
#include "cli_runner.hpp"

using namespace siberius::cli;
using nlohmann::json;
using siberius::testing::scoped_tz;

namespace {

json palco() {
  return json::parse(R"({"id":12,"titulo":"Montagem palco","cliente":"Construtora São João",
    "dataInicio":"2030-05-10T11:00:00Z","dataFim":"2030-05-10T21:00:00Z","local":"Pavilhão 3",
    "tecnicos":[{"id":4,"login":"bia","nome":"Beatriz"},{"id":5,"login":"caio","nome":""}],
    "pdfs":[{"id":17,"tipo":"os","numero":"89331","fileHash":"9f2c","status":"cached"}],
    "createdAt":"2030-05-01T12:00:00Z","updatedAt":"2030-05-02T12:00:00Z"})");
}

} // namespace

CAF_TEST(list table in local time) {
  scoped_tz sao_paulo("<-03>3");
  auto reply = json{{"items", json::array({palco(), json::parse(R"({"id":3,"titulo":"Visita","cliente":null,
    "dataInicio":"2030-05-11T12:00:00Z","dataFim":null,"local":null,"tecnicos":[],"pdfs":[{"id":20}]})")})}};
  std::string expected =
      "ID  START             END               TITLE           CLIENT                PLACE       TECHNICIANS  PDFS\n"
      "12  2030-05-10 08:00  2030-05-10 18:00  Montagem palco  Construtora São João  Pavilhão 3  bia, caio    os 89331\n"
      " 3  2030-05-11 09:00  -                 Visita          -                     -           -            #20\n";
  CAF_CHECK_EQUAL(render_atendimentos(reply), expected);
  CAF_CHECK_EQUAL(render_atendimentos(json::parse(R"({"items":[]})")), "No atendimentos in that period.\n");
}

CAF_TEST(one atendimento in full) {
  scoped_tz utc("UTC0");
  std::string expected =
      "id           12\n"
      "title        Montagem palco\n"
      "client       Construtora São João\n"
      "start        2030-05-10 11:00\n"
      "end          2030-05-10 21:00\n"
      "place        Pavilhão 3\n"
      "technicians  bia (Beatriz), caio\n"
      "created      2030-05-01 12:00\n"
      "updated      2030-05-02 12:00\n"
      "\n"
      "PDF  TYPE  NUMBER  STATUS  HASH\n"
      " 17  os    89331   cached  9f2c\n";
  CAF_CHECK_EQUAL(render_atendimento(palco()), expected);
  auto bare = palco();
  bare["pdfs"] = json::array();
  CAF_CHECK(render_atendimento(bare).find("\nNo PDFs linked.\n") != std::string::npos);
}

CAF_TEST(documents awaited by tipo and numero are shown as pending) {
  scoped_tz utc("UTC0");
  auto a = palco();
  a["referencias"] = json::parse(R"([{"tipo":"montagem","numero":"7/2026","pending":true},
    {"tipo":"os","numero":"555","pending":true},{"tipo":"os","numero":"89331","pending":false}])");
  auto full = render_atendimento(a);
  CAF_CHECK(full.find(" 17  os    89331   cached  9f2c\nWaiting for PDFs not indexed yet: montagem 7/2026, os 555\n") !=
            std::string::npos);
  a["pdfs"] = json::array();
  CAF_CHECK(render_atendimento(a).find("\nNo PDFs linked.\nWaiting for PDFs not indexed yet: montagem 7/2026, os 555\n") !=
            std::string::npos);
  auto list = render_atendimentos(json{{"items", json::array({a})}});
  CAF_CHECK(list.find("  montagem 7/2026 (pending), os 555 (pending)\n") != std::string::npos);
  // Nothing awaited: nothing said.
  CAF_CHECK(render_atendimento(palco()).find("Waiting") == std::string::npos);
}

CAF_TEST(a list reply without items is an error) {
  bool thrown = false;
  try {
    render_atendimentos(json::parse(R"({"atendimentos":[]})"));
  } catch (const std::runtime_error& e) {
    thrown = true;
    CAF_CHECK_EQUAL(std::string(e.what()), "unexpected reply from the server: no \"items\" list");
  }
  CAF_CHECK(thrown);
}
