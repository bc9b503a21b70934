#define CAF_SUITE cli_pdf_views
#include "caf/test/unit_test.hpp"

#include "cli/pdf_views.hpp"
#include "cli_runner.hpp"

using namespace siberius::cli;
using nlohmann::json;
using siberius::testing::scoped_tz;

CAF_TEST(search table and page line) {
  auto reply = json::parse(R"({"total":42,"page":1,"pageSize":2,"items":[
    {"id":17,"tipo":"os","numero":"89331","cliente":"Ana Almeida Lima","dataEvento":"2026-05-19","valorTotal":null,
     "filename":"os_89331_html.pdf","status":"available_local","fileHash":"9f","clientId":"office-sp"},
    {"id":9,"tipo":"orcamento","numero":"120","cliente":"Construtora São João","dataEvento":null,"valorTotal":1234.5,
     "filename":"orc_120.pdf","status":"cached","fileHash":"aa","clientId":"office-sp"}]})");
  std::string expected =
      "ID  TYPE       NUMBER  CLIENT                EVENT         VALUE  STATUS           FILE\n"
      "17  os         89331   Ana Almeida Lima      2026-05-19        -  available_local  os_89331_html.pdf\n"
      " 9  orcamento  120     Construtora São João  -           1234.50  cached           orc_120.pdf\n"
      "\n"
      "42 PDFs, page 1 of 21; next: --page 2\n";
  CAF_CHECK_EQUAL(render_pdf_search(reply), expected);
  reply["page"] = 21;
  CAF_CHECK(render_pdf_search(reply).find("42 PDFs, page 21 of 21\n") != std::string::npos);
  // Past the server's count cap there is no last page to name.
  reply["total"] = 1000;
  reply["totalIsLowerBound"] = true;
  reply["page"] = 3;
  reply["pageSize"] = 2;
  CAF_CHECK(render_pdf_search(reply).find("more than 1000 PDFs, page 3; next: --page 4\n") != std::string::npos);
  reply["pageSize"] = 25;
  CAF_CHECK(render_pdf_search(reply).find("more than 1000 PDFs, page 3\n") != std::string::npos);
}

CAF_TEST(empty searches say so) {
  CAF_CHECK_EQUAL(render_pdf_search(json::parse(R"({"total":0,"page":1,"pageSize":25,"items":[]})")),
                  "No PDFs match.\n");
  CAF_CHECK_EQUAL(render_pdf_search(json::parse(R"({"total":30,"page":5,"pageSize":25,"items":[]})")),
                  "No PDFs on page 5: 30 match, on 2 pages.\n");
  bool thrown = false;
  try {
    render_pdf_search(json::parse(R"({"total":0})"));
  } catch (const std::runtime_error&) {
    thrown = true;
  }
  CAF_CHECK(thrown);
}

CAF_TEST(status while uploading) {
  scoped_tz utc("UTC0");
  auto reply = json::parse(R"({"id":17,"status":"uploading","fileHash":"9f2c","filename":"os_89331_html.pdf",
    "fileSize":48211,"cachedUntil":null,"progress":50,"reason":null,"lastTransfer":null,"localPresent":true,
    "clientId":"office-sp","requestId":"req-1",
    "transfer":{"requestId":"req-1","state":"uploading","priority":"high","bytes":24106,"totalBytes":48211,"progress":50}})");
  std::string expected =
      "id             17\n"
      "status         uploading\n"
      "file           os_89331_html.pdf (47.1 KiB)\n"
      "hash           9f2c\n"
      "cached until   -\n"
      "progress       50%\n"
      "reason         -\n"
      "transfer       uploading, high priority, 23.5 KiB of 47.1 KiB (req-1)\n"
      "last transfer  -\n";
  CAF_CHECK_EQUAL(render_pdf_status(reply), expected);
  CAF_CHECK_EQUAL(describe_pdf_progress(17, reply), "PDF 17: uploading 50%");
}

CAF_TEST(status after a cancelled upload and while waiting for the daemon) {
  scoped_tz utc("UTC0");
  auto reply = json::parse(R"({"id":17,"status":"available_local","fileHash":"9f2c","filename":"a.pdf","fileSize":10,
    "cachedUntil":null,"progress":null,"reason":"cancelled by admin",
    "lastTransfer":{"requestId":"req-4","status":"cancelled","error":"cancelled by admin","bytes":null,
                    "at":"2026-05-02T13:12:40Z"}})");
  auto text = render_pdf_status(reply);
  CAF_CHECK(text.find("last transfer  cancelled 2026-05-02 13:12: cancelled by admin\n") != std::string::npos);
  CAF_CHECK(text.find("reason         cancelled by admin\n") != std::string::npos);
  auto waiting = json::parse(R"({"id":3,"status":"daemon_offline","progress":0,
    "transfer":{"requestId":"req-9","state":"daemon_offline","priority":"normal","bytes":0,"queuePosition":2}})");
  CAF_CHECK_EQUAL(describe_pdf_progress(3, waiting), "PDF 3: daemon_offline 0%, waiting for the office daemon to connect");
  CAF_CHECK(render_pdf_status(waiting).find(
                "transfer       waiting for the office daemon to connect, normal priority, position 2 in the queue "
                "(req-9)\n") != std::string::npos);
}

CAF_TEST(request answers) {
  scoped_tz utc("UTC0");
  auto queued = json::parse(R"({"requestId":"req-4f","pdfId":17,"status":"uploading","state":"queued","coalesced":true})");
  CAF_CHECK_EQUAL(render_pdf_request(17, queued),
                  "Requested PDF 17 (req-4f): queued behind the daemon's other uploads, joined the transfer already "
                  "under way.\nFollow it with `siberius-admin pdf status 17`, or wait for it with "
                  "`siberius-admin pdf request 17 --wait`.\n");
  auto cached = json::parse(
      R"({"status":"cached","pdfId":17,"pdfUrl":"/api/pdfs/17/download","expiresAt":"2026-06-03T00:00:00Z"})");
  CAF_CHECK_EQUAL(render_pdf_request(17, cached), "PDF 17 is cached on the server until 2026-06-03 00:00. Download "
                                                  "it with:\n  siberius-admin pdf download 17\n");
}

CAF_TEST(money) {
  auto j = json::parse(R"({"a":1234.5,"b":"R$ 10,00","c":null,"d":7})");
  CAF_CHECK_EQUAL(format_money(j, "a"), "1234.50");
  CAF_CHECK_EQUAL(format_money(j, "b"), "R$ 10,00");
  CAF_CHECK_EQUAL(format_money(j, "c"), "-");
  CAF_CHECK_EQUAL(format_money(j, "d"), "7.00");
  CAF_CHECK_EQUAL(format_money(j, "missing"), "-");
}
