// The real siberius-daemon against a real siberius-server and PostgreSQL
// (SIBERIUS_PG): real files in temporary folders, checked in the database.
#define CAF_SUITE daemon_e2e
#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "../support/child_process.hpp"
#include "../support/server_under_test.hpp"
#include "../support/temp_dir.hpp"

using namespace siberius::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// One database, one server on a fixed port (so it can be restarted), one folder.
class world {
public:
  world() {
    port = free_port();
    fs::create_directories(folder());
    start_server();
    creds = json::parse(read_file(server.credentials_path()));
  }
  ~world() {
    daemon.reset();
    server.stop();
  }

  std::string folder() const { return dir.path() + "/pdfs"; }
  std::string server_log() const { return read_file(server.log_path()); }
  std::string daemon_log() const { return read_file(dir.path() + "/daemon.log"); }

  void start_server() {
    if (!server.start(port, 30s))
      throw std::runtime_error("siberius-server did not start: " + read_file(server.log_path()));
  }

  void start_daemon(std::vector<std::string> extra = {}) {
    std::vector<std::string> env{"PATH=/usr/bin:/bin",
                                 "SERVER_URL=http://127.0.0.1:" + std::to_string(port),
                                 "DAEMON_TOKEN=" + creds["daemonToken"].get<std::string>(),
                                 "CLIENT_ID=" + creds["clientId"].get<std::string>(),
                                 "PDF_DIRECTORY=" + folder(),
                                 "STABLE_MS=200",
                                 "SETTLE_MS=2500",
                                 "RECONNECT_BASE_MS=200",
                                 "SYNC_DEBOUNCE_MS=300",
                                 "PARSE_WORKERS=2"};
    for (auto& x : extra) { // a later setting replaces the default of the same name
      auto key = x.substr(0, x.find('=') + 1);
      env.erase(std::remove_if(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(key, 0) == 0; }),
                env.end());
      env.push_back(x);
    }
    auto log = dir.path() + "/daemon.log";
    daemon = std::make_unique<child_process>(std::vector<std::string>{SIBERIUS_DAEMON_BIN, "--config", "/dev/null"},
                                             env, log, log);
  }

  /// file_hash -> (status, local_path) of every row.
  std::map<std::string, std::pair<std::string, std::string>> rows() {
    std::map<std::string, std::pair<std::string, std::string>> out;
    pqxx::connection c(db.conninfo());
    pqxx::nontransaction t(c);
    for (auto r : t.exec("SELECT file_hash, status, coalesce(local_path, '') FROM pdf_cache"))
      out[r[0].as<std::string>()] = {r[1].as<std::string>(), r[2].as<std::string>()};
    return out;
  }

  pqxx::result query(const std::string& sql) {
    pqxx::connection c(db.conninfo());
    pqxx::nontransaction t(c);
    return t.exec(sql);
  }

  /// The hashes of the PDFs the folder holds, as the server should see them.
  std::set<std::string> folder_hashes(std::set<std::string> skip = {}) {
    std::set<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(folder()))
      if (e.is_regular_file() && e.path().extension() == ".pdf" && skip.count(e.path().filename().string()) == 0)
        out.insert(sha256_of(e.path().string()));
    return out;
  }

  std::set<std::string> available_hashes() {
    std::set<std::string> out;
    for (auto& [h, v] : rows())
      if (v.first == "available_local")
        out.insert(h);
    return out;
  }

  temp_dir dir;
  scratch_database db{"sib_daemon_e2e"};
  server_process server{dir.path(), db.conninfo()};
  json creds;
  unsigned short port = 0;
  std::unique_ptr<child_process> daemon;
};

const std::set<std::string> broken_names = {"bad_empty.pdf", "bad_not_a_pdf.pdf", "bad_truncated.pdf",
                                            "bad_encrypted.pdf"};

std::map<std::string, std::string> listing(const std::string& root) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    auto t = fs::last_write_time(e.path()).time_since_epoch().count();
    out[e.path().string()] = std::to_string(t) + "/" + (e.is_regular_file() ? std::to_string(e.file_size()) : "d");
  }
  return out;
}

void copy_corpus(const std::string& to, const std::string& nested) {
  fs::create_directories(to + "/" + nested);
  int i = 0;
  for (auto& e : fs::directory_iterator(corpus_dir())) {
    if (e.path().extension() != ".pdf")
      continue;
    auto target = (++i % 3 == 0 ? to + "/" + nested : to) + "/" + e.path().filename().string();
    fs::copy_file(e.path(), target);
  }
}

} // namespace

CAF_TEST(every corpus file once with its metadata and junk ignored and folder untouched) {
  world w;
  copy_corpus(w.folder(), "2025/10");
  for (auto junk : {"~$orcamento.pdf", "rascunho.pdf.tmp", "download.pdf.part", ".escondido.pdf", "Thumbs.db",
                    "notas.txt"})
    fs::copy_file(corpus_dir() + "/orcamento_3061_lines.pdf", w.folder() + "/" + junk);
  auto before = listing(w.folder());
  w.start_daemon();
  auto expected_hashes = w.folder_hashes(broken_names);
  CAF_REQUIRE(eventually([&] { return w.rows().size() >= expected_hashes.size(); }));
  std::this_thread::sleep_for(3s); // broken files settle after SETTLE_MS; nothing more may arrive
  auto rows = w.rows();
  CAF_CHECK_EQUAL(rows.size(), expected_hashes.size());
  for (auto& h : expected_hashes)
    CAF_CHECK(rows.count(h) == 1);
  // No junk path was recorded.
  for (auto& [h, v] : rows)
    CAF_CHECK(v.second.find("~$") == std::string::npos && v.second.find(".tmp") == std::string::npos &&
              v.second.find("/.") == std::string::npos);
  // Metadata as expected.json says.
  auto expected = json::parse(read_file(corpus_dir() + "/expected.json"));
  auto meta = w.query("SELECT local_path, tipo, numero, cliente, to_char(data_evento, 'YYYY-MM-DD'), valor_total "
                      "FROM pdf_cache");
  int checked = 0;
  for (auto r : meta) {
    auto name = fs::path(r[0].as<std::string>()).filename().string();
    if (!expected.contains(name))
      continue;
    auto& x = expected[name];
    CAF_CHECK_EQUAL(r[1].as<std::string>(), x.value("tipo", "desconhecido"));
    if (x.contains("numero"))
      CAF_CHECK_EQUAL(r[2].is_null() ? "null" : r[2].as<std::string>(),
                      x["numero"].is_null() ? "null" : x["numero"].get<std::string>());
    if (x.contains("dataEvento"))
      CAF_CHECK_EQUAL(r[4].is_null() ? "null" : r[4].as<std::string>(),
                      x["dataEvento"].is_null() ? "null" : x["dataEvento"].get<std::string>());
    if (x.contains("valorTotal") && !x["valorTotal"].is_null())
      CAF_CHECK_LESS(std::abs(r[5].as<double>() - x["valorTotal"].get<double>()), 0.005);
    ++checked;
  }
  CAF_CHECK_GREATER_OR_EQUAL(checked, 24);
  // Broken files: reported through daemon:error with their problem as the code, not indexed.
  auto codes = w.query("SELECT event->>'code' FROM daemon_events ORDER BY 1");
  std::multiset<std::string> seen;
  for (auto r : codes)
    seen.insert(r[0].c_str());
  for (auto code : {"empty", "encrypted", "not_a_pdf", "truncated"})
    CAF_CHECK_EQUAL(seen.count(code), 1u);
  // The daemon never wrote into the folder.
  CAF_CHECK(listing(w.folder()) == before);
  CAF_CHECK_EQUAL(w.daemon->stop(10s), 0);
}

CAF_TEST(slow write and write then rename and deletion) {
  world w;
  w.start_daemon();
  CAF_REQUIRE(eventually([&] { return w.daemon_log().find("sync:done") != std::string::npos; }));
  auto bytes = read_file(corpus_dir() + "/orcamento_3061_lines.pdf");
  auto hash = sha256_of(corpus_dir() + "/orcamento_3061_lines.pdf");
  {
    std::ofstream out(w.folder() + "/lento.pdf", std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
    out.flush();
    std::this_thread::sleep_for(1200ms); // > STABLE_MS, < SETTLE_MS: no %%EOF yet, so not read
    CAF_CHECK(w.rows().empty());
    out.write(bytes.data() + bytes.size() / 2, static_cast<std::streamsize>(bytes.size() - bytes.size() / 2));
  }
  CAF_REQUIRE(eventually([&] { return w.rows().count(hash) == 1; }));
  CAF_CHECK_EQUAL(w.rows().size(), 1u);
  CAF_CHECK_EQUAL(count_in(w.daemon_log(), "\"pdf:broken\""), 0u);

  auto other = corpus_dir() + "/os_89331_html.pdf";
  fs::copy_file(other, w.folder() + "/novo.pdf.part");
  std::this_thread::sleep_for(600ms);
  fs::rename(w.folder() + "/novo.pdf.part", w.folder() + "/novo.pdf");
  auto other_hash = sha256_of(other);
  CAF_REQUIRE(eventually([&] { return w.rows().count(other_hash) == 1; }));
  CAF_CHECK(w.rows()[other_hash].second == w.folder() + "/novo.pdf");

  fs::remove(w.folder() + "/lento.pdf");
  CAF_CHECK(eventually([&] { return w.rows()[hash].first == "missing"; }));
  CAF_CHECK_EQUAL(w.rows()[other_hash].first, "available_local");
}

CAF_TEST(old files are read at once and a broken one does not hold back the first index) {
  world w;
  // A folder as an office PC has it at the daemon's start: documents written
  // long ago, one of them cut short (no %%EOF). With a settle wait of ten
  // minutes, the old truncated file must not make everything wait for it.
  fs::copy_file(corpus_dir() + "/orcamento_3061_lines.pdf", w.folder() + "/orcamento.pdf");
  fs::copy_file(corpus_dir() + "/os_89331_html.pdf", w.folder() + "/os.pdf");
  fs::copy_file(corpus_dir() + "/bad_truncated.pdf", w.folder() + "/cortado.pdf");
  auto an_hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (auto name : {"orcamento.pdf", "os.pdf", "cortado.pdf"})
    fs::last_write_time(w.folder() + "/" + name, an_hour_ago);
  w.start_daemon({"SETTLE_MS=600000", "STABLE_MS=2000"});
  CAF_REQUIRE(eventually([&] { return w.rows().size() == 2; }, 30s));
  CAF_REQUIRE(eventually([&] { return w.query("SELECT 1 FROM daemon_events WHERE event->>'code' = 'truncated'").size() == 1; },
                         30s));
  // A file written now, without its end, still waits for it (the rule is the mtime's age, not the start).
  auto bytes = read_file(corpus_dir() + "/orcamento_3061_lines.pdf");
  {
    std::ofstream out(w.folder() + "/escrevendo.pdf", std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  std::this_thread::sleep_for(3s); // > STABLE_MS: no %%EOF, a fresh mtime, so not read
  CAF_CHECK_EQUAL(count_in(w.daemon_log(), "escrevendo.pdf"), 0u);
  CAF_CHECK_EQUAL(w.daemon->stop(10s), 0);
}

CAF_TEST(server killed and restarted while PDFs arrive) {
  world w;
  w.start_daemon();
  CAF_REQUIRE(eventually([&] { return w.daemon_log().find("sync:done") != std::string::npos; }));
  std::vector<fs::path> corpus;
  for (auto& e : fs::directory_iterator(corpus_dir()))
    if (e.path().extension() == ".pdf" && broken_names.count(e.path().filename().string()) == 0)
      corpus.push_back(e.path());
  std::sort(corpus.begin(), corpus.end());
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    fs::copy_file(corpus[i], w.folder() + "/" + corpus[i].filename().string());
    if (i == 6)
      w.server.stop(); // SIGKILL: no goodbye
    if (i == 16)
      w.start_server();
    std::this_thread::sleep_for(100ms);
  }
  auto want = w.folder_hashes();
  CAF_CHECK(eventually([&] { return w.available_hashes() == want; }, 30s));
  CAF_CHECK_EQUAL(w.rows().size(), want.size());
  CAF_CHECK_GREATER_OR_EQUAL(count_in(w.daemon_log(), "\"daemon:connected\""), 2u);
}

CAF_TEST(queue overflow is healed by the reconciliation) {
  world w;
  copy_corpus(w.folder(), "sub");
  for (auto& b : broken_names)
    fs::remove(fs::exists(w.folder() + "/" + b) ? w.folder() + "/" + b : w.folder() + "/sub/" + b);
  w.start_daemon({"QUEUE_LIMIT=3"});
  CAF_REQUIRE(eventually([&] { return w.available_hashes() == w.folder_hashes(); }));
  w.server.stop();
  // While the server is down: new files (more than the queue holds), a deletion and a move.
  fs::create_directories(w.folder() + "/novos");
  int n = 0;
  for (auto& e : fs::directory_iterator(w.folder()))
    if (e.is_regular_file() && ++n <= 8) {
      auto bytes = read_file(e.path().string());
      std::ofstream(w.folder() + "/novos/copia" + std::to_string(n) + ".pdf", std::ios::binary)
          << bytes << "\n% distinct " << n << "\n%%EOF\n";
    }
  auto victim = fs::directory_iterator(w.folder() + "/sub")->path();
  fs::remove(victim);
  std::this_thread::sleep_for(1500ms);
  CAF_CHECK(eventually([&] { return w.daemon_log().find("queue:overflow") != std::string::npos; }, 10s));
  w.start_server();
  auto want = w.folder_hashes();
  CAF_CHECK(eventually([&] { return w.available_hashes() == want; }, 30s));
}

CAF_TEST(invalid token gives a clear error and no hot loop) {
  world w;
  w.start_daemon({"DAEMON_TOKEN=0123456789abcdef." + std::string(64, 'a')});
  std::this_thread::sleep_for(3s);
  auto log = w.daemon_log();
  CAF_CHECK_EQUAL(count_in(log, "\"daemon:auth:failed\""), 1u);
  CAF_CHECK(log.find("\"code\":401") != std::string::npos);
  CAF_CHECK_LESS_OR_EQUAL(count_in(w.server_log(), "daemon:auth:failed"), 1u);
  CAF_CHECK(w.daemon->running());
}

CAF_TEST(a restart reads only new and changed files and the server keeps the rest) {
  world w;
  copy_corpus(w.folder(), "2025/10");
  for (auto& b : broken_names)
    fs::remove(fs::exists(w.folder() + "/" + b) ? w.folder() + "/" + b : w.folder() + "/2025/10/" + b);
  // The office's documents, written long ago.
  auto an_hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  std::vector<fs::path> pdfs;
  for (auto& e : fs::recursive_directory_iterator(w.folder()))
    if (e.is_regular_file()) {
      fs::last_write_time(e.path(), an_hour_ago);
      pdfs.push_back(e.path());
    }
  std::sort(pdfs.begin(), pdfs.end());
  CAF_REQUIRE_GREATER_OR_EQUAL(pdfs.size(), 10u);
  w.start_daemon({"VERIFY_PER_HOUR=0"});
  CAF_REQUIRE(eventually([&] { return w.available_hashes() == w.folder_hashes(); }));
  CAF_REQUIRE(eventually([&] { return w.daemon_log().find("\"sync:done\"") != std::string::npos; }));
  CAF_CHECK_EQUAL(count_in(w.daemon_log(), "\"pdf:read\""), pdfs.size());
  CAF_REQUIRE_EQUAL(w.daemon->stop(10s), 0);

  // While the daemon is stopped: one file touched (same bytes, new mtime), one deleted, one new.
  fs::last_write_time(pdfs[0], an_hour_ago + std::chrono::minutes(5));
  auto gone_hash = sha256_of(pdfs[1].string());
  fs::remove(pdfs[1]);
  {
    std::ofstream out(w.folder() + "/novo.pdf", std::ios::binary);
    out << read_file(pdfs[2].string()) << "\n% a new document\n%%EOF\n";
  }
  fs::last_write_time(w.folder() + "/novo.pdf", an_hour_ago);
  auto before = w.daemon_log().size();
  auto second_run = [&] { return w.daemon_log().substr(before); };
  w.start_daemon({"VERIFY_PER_HOUR=0"});
  CAF_REQUIRE(eventually([&] { return second_run().find("\"sync:done\"") != std::string::npos; }));
  auto log = second_run();
  CAF_CHECK_EQUAL(count_in(log, "\"pdf:read\""), 2u);
  CAF_CHECK(log.find(pdfs[0].filename().string()) != std::string::npos);
  CAF_CHECK(log.find("novo.pdf") != std::string::npos);
  CAF_CHECK(eventually([&] { return w.available_hashes() == w.folder_hashes(); }));
  CAF_CHECK(eventually([&] { return w.rows()[gone_hash].first == "missing"; }));
  CAF_REQUIRE_EQUAL(w.daemon->stop(10s), 0);

  // Nothing changed since: a restart reads nothing at all.
  before = w.daemon_log().size();
  w.start_daemon({"VERIFY_PER_HOUR=0"});
  CAF_REQUIRE(eventually([&] { return second_run().find("\"sync:done\"") != std::string::npos; }));
  std::this_thread::sleep_for(1s);
  CAF_CHECK_EQUAL(count_in(second_run(), "\"pdf:read\""), 0u);
  // The reconciliation still lists every file (one deleted, one new: as many as at first).
  CAF_CHECK_EQUAL(count_in(second_run(), "\"sync:done\",\"files\":" + std::to_string(pdfs.size())), 1u);
  CAF_CHECK(w.available_hashes() == w.folder_hashes());
  CAF_CHECK_EQUAL(w.daemon->stop(10s), 0);
}
