// pdf search / status / request (--wait) / download against the scripted server.
#define CAF_SUITE cli_pdf_commands
#include "caf/test/unit_test.hpp"

#include <nlohmann/json.hpp>

#include "../support/child_process.hpp"
#include "../support/temp_dir.hpp"
#include "cli_runner.hpp"
#include "fake_server.hpp"

using namespace siberius::testing;
using nlohmann::json;

namespace {

std::map<std::string, std::string> env_for(const fake_http_server& server) {
  return {{"SIBERIUS_SERVER", server.url()}, {"SIBERIUS_TOKEN", "admin-token"}};
}

const std::string empty_page = R"({"total":0,"page":1,"pageSize":25,"items":[]})";

std::string status_body(const std::string& status, const std::string& extra = "") {
  return R"({"id":17,"status":")" + status + R"(","fileHash":"9f","filename":"os_1.pdf","fileSize":10,)"
         R"("cachedUntil":)" + (status == "cached" ? std::string(R"("2030-06-03T00:00:00Z")") : "null") +
         R"(,"progress":null,"reason":null,"lastTransfer":null)" + extra + "}";
}

// The PDF bytes and the SHA-256 the server puts in the ETag.
const std::string pdf_bytes = "%PDF-1.4 tiny\n";
const std::string pdf_sha256 = "5ddc8e031f4a5acf14286d3d181725fbc4bdf49a1e426363648a4806e99d3fa9";
const std::string other_sha256 = "d3ff0bc1ab13a0a0e8e6e28e91c22ee3f5d3ee2f5f8fe2a9d4ea2d0e7d2b8c6a";

canned_reply pdf_reply(const std::string& disposition, const std::string& etag = "") {
  canned_reply r{200, pdf_bytes, "application/pdf", {{"Content-Disposition", disposition}}};
  if (!etag.empty())
    r.headers["ETag"] = etag;
  return r;
}

} // namespace

CAF_TEST(search sends the filters under the API names) {
  fake_http_server server({{200, empty_page}, {200, empty_page}});
  auto o = run({"pdf", "search", "--tipo", "os", "--cliente", "São João & Filhos", "--from", "2024-05-01", "--to",
                "2024-05-31", "--status", "cached", "--page", "2", "--page-size", "50", "--numero", "89331"},
               env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "No PDFs match.\n");
  CAF_CHECK_EQUAL(run({"pdf", "search"}, env_for(server)).code, 0);
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].target, "/api/pdfs?tipo=os&numero=89331&cliente=S%C3%A3o%20Jo%C3%A3o%20%26%20Filhos&"
                                  "status=cached&from=2024-05-01&to=2024-05-31&page=2&pageSize=50");
  CAF_CHECK_EQUAL(reqs[1].target, "/api/pdfs");
}

CAF_TEST(search argument errors exit 2) {
  fake_http_server server({});
  auto env = env_for(server);
  auto bad_date = run({"pdf", "search", "--from", "2024-02-30"}, env);
  CAF_CHECK_EQUAL(bad_date.code, 2);
  CAF_CHECK(bad_date.err.find("expected a date YYYY-MM-DD") != std::string::npos);
  CAF_CHECK_EQUAL(run({"pdf", "search", "--to", "31/05/2024"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"pdf", "search", "--from", "2024-06-01", "--to", "2024-05-01"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"pdf", "search", "--tipo", "nota"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"pdf", "search", "--status", "gone"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"pdf", "search", "--page-size", "101"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"pdf", "search", "--page", "0"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"pdf", "status", "abc"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"pdf", "status", "0"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"pdf", "request", "3", "--priority", "urgent"}, env).code, 2);
  CAF_CHECK_EQUAL(run({"pdf", "request", "3", "--timeout-s", "5"}, env).code, 2); // needs --wait
  CAF_CHECK(server.requests().empty());
}

CAF_TEST(status of a missing pdf exits 4) {
  fake_http_server server({{200, status_body("available_local")}, {404, R"({"error":"no such PDF","code":"not_found"})"}});
  auto o = run({"pdf", "status", "17"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("status         available_local\n") != std::string::npos);
  auto missing = run({"pdf", "status", "18"}, env_for(server));
  CAF_CHECK_EQUAL(missing.code, 4);
  CAF_CHECK_EQUAL(std::string(server.requests()[1].target), "/api/pdfs/18/status");
}

CAF_TEST(request sends the priority and reports rate limiting with exit 7) {
  fake_http_server server(
      {{202, R"({"requestId":"req-1","pdfId":17,"status":"uploading","state":"requested","coalesced":false})"},
       {429, R"({"error":"too many uploads asked of this daemon","code":"rate_limited"})", "application/json",
        {{"Retry-After", "120"}}},
       {409, R"({"error":"the file is no longer in the office folder","code":"missing","status":"missing"})"}});
  auto o = run({"pdf", "request", "17", "--priority", "high"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK(o.out.find("Requested PDF 17 (req-1): the daemon was asked for it.\n") == 0);
  auto limited = run({"pdf", "request", "17"}, env_for(server));
  CAF_CHECK_EQUAL(limited.code, 7);
  CAF_CHECK_EQUAL(limited.err,
                  "siberius-admin: too many uploads asked of this daemon (HTTP 429, retry after 120 s)\n");
  CAF_CHECK_EQUAL(run({"pdf", "request", "17"}, env_for(server)).code, 6);
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 3u);
  CAF_CHECK_EQUAL(reqs[0].method, "POST");
  CAF_CHECK_EQUAL(reqs[0].target, "/api/pdfs/17/request");
  CAF_CHECK_EQUAL(json::parse(reqs[0].body), (json{{"priority", "high"}}));
  CAF_CHECK_EQUAL(json::parse(reqs[1].body), (json{{"priority", "normal"}}));
}

CAF_TEST(request wait polls until cached) {
  scoped_tz utc("UTC0");
  std::string uploading = status_body("uploading", R"(,"transfer":{"requestId":"req-1","state":"uploading","progress":40})");
  uploading.replace(uploading.find(R"("progress":null)"), 15, R"("progress":40)");
  fake_http_server server(
      {{202, R"({"requestId":"req-1","pdfId":17,"status":"daemon_offline","state":"daemon_offline"})"},
       {200, status_body("daemon_offline")},
       {200, uploading},
       {200, status_body("cached")}});
  auto o = run({"pdf", "request", "17", "--wait"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "PDF 17 is cached on the server until 2030-06-03 00:00. Download it with:\n"
                         "  siberius-admin pdf download 17\n");
  CAF_CHECK_EQUAL(o.err, "PDF 17: daemon_offline\nPDF 17: uploading 40%\nPDF 17: cached\n");
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 4u);
  for (std::size_t i = 1; i < 4; ++i)
    CAF_CHECK_EQUAL(reqs[i].target, "/api/pdfs/17/status");
}

CAF_TEST(request wait exits 1 with the reason when the upload fails or the file is missing) {
  fake_http_server server(
      {{202, R"({"requestId":"req-1","status":"uploading","state":"requested"})"},
       {200, status_body("available_local",
                         R"(,"lastTransfer":{"requestId":"req-1","status":"failed","error":"hash_mismatch"})")},
       {202, R"({"requestId":"req-2","status":"uploading","state":"requested"})"},
       {200, R"({"id":17,"status":"missing","reason":"the file is no longer in the office folder"})"}});
  auto failed = run({"pdf", "request", "17", "--wait"}, env_for(server));
  CAF_CHECK_EQUAL(failed.code, 1);
  CAF_CHECK(failed.err.find("siberius-admin: PDF 17 did not arrive: hash_mismatch\n") != std::string::npos);
  CAF_CHECK_EQUAL(failed.out, "");
  auto missing = run({"pdf", "request", "17", "--wait", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(missing.code, 1);
  CAF_CHECK_EQUAL(json(json::parse(missing.out)["status"]), "missing");
  CAF_CHECK_EQUAL(missing.err,
                  "siberius-admin: PDF 17 did not arrive: the file is no longer in the office folder\n");
}

CAF_TEST(request wait gives up after its timeout) {
  std::vector<canned_reply> replies{{202, R"({"requestId":"req-1","status":"uploading","state":"queued"})"}};
  for (int i = 0; i < 6; ++i)
    replies.push_back({200, status_body("uploading")});
  fake_http_server server(replies);
  auto started = std::chrono::steady_clock::now();
  auto o = run({"pdf", "request", "17", "--wait", "--timeout-s", "1"}, env_for(server));
  auto took = std::chrono::steady_clock::now() - started;
  CAF_CHECK_EQUAL(o.code, 1);
  CAF_CHECK(o.err.find("PDF 17 is still uploading after 1 s") != std::string::npos);
  CAF_CHECK(took < std::chrono::seconds(3));
  CAF_CHECK(server.requests().size() >= 3u); // the request and a poll every 500 ms
}

CAF_TEST(download saves under the server name and refuses to overwrite) {
  temp_dir dir;
  scoped_cwd cwd(dir.path());
  fake_http_server server({pdf_reply(R"(attachment; filename="os_89331.pdf"; filename*=UTF-8''os_89331.pdf)",
                                     "\"" + pdf_sha256 + "\""),
                           pdf_reply(R"(attachment; filename="os_89331.pdf")"),
                           pdf_reply(R"(attachment; filename="os_89331.pdf")")});
  auto o = run({"pdf", "download", "17"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(o.out, "Saved os_89331.pdf (14 B).\n");
  CAF_CHECK_EQUAL(read_file(dir.path() + "/os_89331.pdf"), pdf_bytes);
  dir.write("os_89331.pdf", "mine");
  auto refused = run({"pdf", "download", "17"}, env_for(server));
  CAF_CHECK_EQUAL(refused.code, 1);
  CAF_CHECK(refused.err.find("os_89331.pdf already exists; pass --force") != std::string::npos);
  CAF_CHECK_EQUAL(read_file(dir.path() + "/os_89331.pdf"), "mine");
  auto forced = run({"pdf", "download", "17", "--force", "--json"}, env_for(server));
  CAF_CHECK_EQUAL(forced.code, 0);
  auto j = json::parse(forced.out);
  CAF_CHECK_EQUAL(j["file"], "os_89331.pdf");
  CAF_CHECK_EQUAL(j["bytes"], pdf_bytes.size());
  CAF_CHECK_EQUAL(j["sha256"], pdf_sha256);
  CAF_CHECK_EQUAL(read_file(dir.path() + "/os_89331.pdf"), pdf_bytes);
  auto reqs = server.requests();
  CAF_REQUIRE_EQUAL(reqs.size(), 3u);
  CAF_CHECK_EQUAL(reqs[0].target, "/api/pdfs/17/download");
  CAF_CHECK_EQUAL(reqs[0].authorization, "Bearer admin-token");
}

CAF_TEST(download to a chosen file checks it before asking) {
  temp_dir dir;
  auto target = dir.write("taken.pdf", "mine");
  fake_http_server server({pdf_reply("attachment; filename=\"../../evil.pdf\"")});
  CAF_CHECK_EQUAL(run({"pdf", "download", "17", "-o", target}, env_for(server)).code, 1);
  CAF_CHECK(server.requests().empty());
  auto o = run({"pdf", "download", "17", "-o", dir.path() + "/chosen.pdf"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 0);
  CAF_CHECK_EQUAL(read_file(dir.path() + "/chosen.pdf"), pdf_bytes);
}

CAF_TEST(a download that does not match its ETag is not kept) {
  temp_dir dir;
  scoped_cwd cwd(dir.path());
  fake_http_server server({pdf_reply("attachment; filename=\"os.pdf\"", "\"" + other_sha256 + "\"")});
  auto o = run({"pdf", "download", "17"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 1);
  CAF_CHECK(o.err.find("the download is damaged") != std::string::npos);
  CAF_CHECK(read_file(dir.path() + "/os.pdf").empty());
  // Nor any temporary file.
  struct stat st {};
  CAF_CHECK(::stat((dir.path() + "/.os.pdf.part-" + std::to_string(::getpid())).c_str(), &st) != 0);
}

CAF_TEST(not cached exits 6 and says what to run) {
  temp_dir dir;
  scoped_cwd cwd(dir.path());
  fake_http_server server({{409, R"({"error":"the PDF is not cached","code":"not_cached"})"},
                           {404, R"({"error":"no such PDF","code":"not_found"})"}});
  auto o = run({"pdf", "download", "17"}, env_for(server));
  CAF_CHECK_EQUAL(o.code, 6);
  CAF_CHECK_EQUAL(o.err, "siberius-admin: PDF 17 is not cached on the server: run `siberius-admin pdf request 17 "
                         "--wait` first (HTTP 409)\n");
  CAF_CHECK_EQUAL(run({"pdf", "download", "18"}, env_for(server)).code, 4);
  CAF_CHECK(read_file(dir.path() + "/pdf-17.pdf").empty());
}
