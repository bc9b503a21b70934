// storage-ingest-bench: acked documents per second through metadata_store::ingest
// for batch sizes 1, 10, 100 and 500, with 1 and 2 writer connections, into a
// fresh database on the cluster named by SIBERIUS_PG. Prints one JSON line per
// run. A document counts once ingest() has returned, i.e. after its commit.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <unistd.h>

#include <pqxx/pqxx>

#include "storage/metadata_store.hpp"

using namespace siberius::storage;
using clock_type = std::chrono::steady_clock;

namespace {

std::string hash_of(std::uint64_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string h(64, 'a');
  for (int i = 63; i >= 0 && n > 0; --i, n /= 16)
    h[i] = digits[n % 16];
  return h;
}

pdf_document document(std::uint64_t n) {
  auto name = "ORC-" + std::to_string(n) + " Buffet.pdf";
  nlohmann::json event = {{"filename", name},
                          {"fileHash", hash_of(n)},
                          {"fileSize", 150000 + n % 1000},
                          {"filePath", "C:\\Orcamentos\\2026\\" + name},
                          {"metadata", {{"tipo", "orcamento"}, {"numero", std::to_string(n)},
                                        {"cliente", "Cliente " + std::to_string(n % 97)},
                                        {"dataEvento", "2026-03-14"}, {"valorTotal", 1234.5}}},
                          {"indexedAt", "2026-01-02T10:00:00.000Z"}};
  return std::get<pdf_document>(parse_pdf_document(event));
}

std::string with_dbname(const std::string& base, const std::string& db) {
  if (base.find("://") != std::string::npos)
    return base + (base.find('?') == std::string::npos ? "?" : "&") + "dbname=" + db;
  return base + " dbname=" + db;
}

/// Each worker ingests `per_worker` new documents in batches of `batch`.
double run(const std::string& conninfo, std::size_t batch, std::size_t workers, std::size_t per_worker,
           std::uint64_t& next_id) {
  std::vector<std::vector<std::vector<std::pair<std::string, pdf_document>>>> work(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    for (std::size_t done = 0; done < per_worker; done += batch) {
      std::vector<std::pair<std::string, pdf_document>> b;
      for (std::size_t i = 0; i < batch && done + i < per_worker; ++i)
        b.emplace_back(w % 2 == 0 ? "bench-a" : "bench-b", document(next_id++));
      work[w].push_back(std::move(b));
    }
  }
  std::vector<std::unique_ptr<metadata_store>> stores;
  for (std::size_t w = 0; w < workers; ++w) {
    store_options o;
    o.conninfo = conninfo;
    stores.push_back(std::make_unique<metadata_store>(o));
    stores.back()->database_stats(); // connect and warm up outside the clock
  }
  auto start = clock_type::now();
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < workers; ++w)
    threads.emplace_back([&, w] {
      for (const auto& b : work[w])
        stores[w]->ingest(b);
    });
  for (auto& t : threads)
    t.join();
  std::chrono::duration<double> secs = clock_type::now() - start;
  return static_cast<double>(workers * per_worker) / secs.count();
}

} // namespace

int main() {
  const char* pg = std::getenv("SIBERIUS_PG");
  if (pg == nullptr || *pg == '\0') {
    std::cerr << "storage-ingest-bench: set SIBERIUS_PG to a PostgreSQL conninfo\n";
    return 2;
  }
  const char* src = std::getenv("SIBERIUS_SOURCE_DIR");
  std::string schema = std::string(src != nullptr ? src : SIBERIUS_BENCH_SOURCE_DIR) + "/schema";
  std::string db = "sib_ingest_bench_" + std::to_string(getpid());
  try {
    pqxx::connection admin(pg);
    std::string settings;
    {
      pqxx::nontransaction n(admin);
      n.exec("CREATE DATABASE " + admin.quote_name(db));
      auto r = n.exec("SELECT current_setting('fsync'), current_setting('synchronous_commit')");
      settings = "fsync=" + r[0][0].as<std::string>() + " synchronous_commit=" + r[0][1].as<std::string>();
    }
    auto conninfo = with_dbname(pg, db);
    apply_migrations(conninfo, schema);
    {
      store_options o;
      o.conninfo = conninfo;
      metadata_store setup(o);
      setup.create_daemon_token("bench a", std::string("bench-a"));
      setup.create_daemon_token("bench b", std::string("bench-b"));
    }
    std::cout << "{\"event\":\"bench:ingest:settings\",\"cluster\":\"" << settings << "\"}\n";
    std::uint64_t next_id = 1;
    for (std::size_t workers : {1u, 2u}) {
      for (std::size_t batch : {1u, 10u, 100u, 500u}) {
        std::size_t per_worker = batch == 1 ? 3000 : batch == 10 ? 10000 : 30000;
        double rate = run(conninfo, batch, workers, per_worker, next_id);
        std::cout << "{\"event\":\"bench:ingest\",\"batch\":" << batch << ",\"workers\":" << workers
                  << ",\"documents\":" << workers * per_worker << ",\"docsPerSecond\":"
                  << static_cast<long>(rate) << "}" << std::endl;
      }
    }
    pqxx::nontransaction n(admin);
    n.exec("DROP DATABASE " + admin.quote_name(db) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    std::cerr << "{\"event\":\"bench:ingest:failed\",\"reason\":" << nlohmann::json(e.what()).dump() << "}\n";
    return 1;
  }
  return 0;
}
