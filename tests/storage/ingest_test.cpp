#define CAF_SUITE storage_ingest
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <algorithm>
#include <map>
#include <thread>

#include "pg_fixture.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;
using nlohmann::json;

namespace {

pdf_document make_doc(int n, const std::string& date = "2026-01-03") {
  json event = {{"filename", "ORC-" + std::to_string(n) + ".pdf"},
                {"fileHash", hex_hash(n)},
                {"fileSize", 1000 + n},
                {"filePath", "C:\\Docs\\ORC-" + std::to_string(n) + ".pdf"},
                {"metadata", {{"tipo", "orcamento"}, {"numero", std::to_string(n)}, {"cliente", "Buffet \"Alegria\" {x}, \\o/"},
                              {"dataEvento", date}, {"valorTotal", 1500.25}, {"extra", {1, 2}}}},
                {"indexedAt", "2026-01-02T10:00:00.000Z"}};
  return std::get<pdf_document>(parse_pdf_document(event));
}

struct fixture {
  pg_database db{"ing"};
  metadata_store store{db.options()};

  fixture() {
    store.create_daemon_token("Office", std::string("office"));
    store.create_daemon_token("Branch", std::string("branch"));
  }

  std::vector<ingest_result> ingest(const std::vector<pdf_document>& docs, const std::string& client = "office") {
    std::vector<std::pair<std::string, pdf_document>> batch;
    for (const auto& d : docs)
      batch.emplace_back(client, d);
    return store.ingest(batch);
  }

  std::string column(const std::string& col, int n) {
    return db.scalar("SELECT " + col + " FROM pdf_cache WHERE file_hash = '" + hex_hash(n) + "'");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(ingest_tests, fixture)

CAF_TEST(a new document is indexed with its typed metadata) {
  auto r = ingest({make_doc(1)});
  CAF_REQUIRE_EQUAL(r.size(), 1u);
  CAF_CHECK(r[0].status == ingest_status::indexed);
  CAF_CHECK_EQUAL(r[0].file_hash, hex_hash(1));
  CAF_CHECK(r[0].record_id > 0);
  CAF_CHECK_EQUAL(column("id", 1), std::to_string(r[0].record_id));
  CAF_CHECK_EQUAL(column("filename", 1), "ORC-1.pdf");
  CAF_CHECK_EQUAL(column("local_path", 1), "C:\\Docs\\ORC-1.pdf");
  CAF_CHECK_EQUAL(column("file_size", 1), "1001");
  CAF_CHECK_EQUAL(column("tipo", 1), "orcamento");
  CAF_CHECK_EQUAL(column("numero", 1), "1");
  CAF_CHECK_EQUAL(column("cliente", 1), "Buffet \"Alegria\" {x}, \\o/");
  CAF_CHECK_EQUAL(column("data_evento", 1), "2026-01-03");
  CAF_CHECK_EQUAL(column("valor_total", 1), "1500.25");
  CAF_CHECK_EQUAL(column("status", 1), "available_local");
  CAF_CHECK_EQUAL(column("local_present", 1), "t");
  CAF_CHECK_EQUAL(column("client_id", 1), "office");
  CAF_CHECK_EQUAL(column("siberius_iso_utc(expires_at)", 1), "2026-01-18T00:00:00Z");
  CAF_CHECK_EQUAL(column("siberius_iso_utc(indexed_at)", 1), "2026-01-02T10:00:00Z");
  CAF_CHECK_EQUAL(column("metadata->'metadata'->>'extra'", 1), "[1, 2]");
  CAF_CHECK_EQUAL(column("metadata->>'fileHash'", 1), hex_hash(1));
  CAF_CHECK_EQUAL(db.scalar("SELECT pdfs_indexed FROM daemon_clients WHERE client_id = 'office'"), "1");
  CAF_CHECK_EQUAL(db.scalar("SELECT last_pdf_indexed IS NOT NULL FROM daemon_clients WHERE client_id = 'office'"),
                  "t");
  CAF_CHECK_EQUAL(to_string(r[0].status), std::string("indexed"));
}

CAF_TEST(the same event twice is a duplicate and writes nothing) {
  auto first = ingest({make_doc(1)});
  auto xmin = column("xmin", 1);
  auto second = ingest({make_doc(1)});
  CAF_CHECK(second[0].status == ingest_status::duplicate);
  CAF_CHECK_EQUAL(second[0].record_id, first[0].record_id);
  CAF_CHECK_EQUAL(column("xmin", 1), xmin);
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM pdf_cache"), "1");
  CAF_CHECK_EQUAL(db.scalar("SELECT pdfs_indexed FROM daemon_clients WHERE client_id = 'office'"), "1");
  // only the indexing time differs: still a duplicate
  auto later = make_doc(1);
  later.indexed_at = "2026-02-01T00:00:00Z";
  CAF_CHECK(ingest({later})[0].status == ingest_status::duplicate);
}

CAF_TEST(changed metadata or path updates the row and another daemon adds a location) {
  auto first = ingest({make_doc(1)});
  auto renamed = make_doc(1);
  renamed.filename = "ORC-1 final.pdf";
  renamed.file_path = "C:\\Docs\\2026\\ORC-1 final.pdf";
  auto r = ingest({renamed});
  CAF_CHECK(r[0].status == ingest_status::updated);
  CAF_CHECK_EQUAL(r[0].record_id, first[0].record_id);
  CAF_CHECK_EQUAL(column("filename", 1), "ORC-1 final.pdf");
  CAF_CHECK_EQUAL(column("local_path", 1), "C:\\Docs\\2026\\ORC-1 final.pdf");

  auto moved_date = renamed;
  moved_date.data_evento = "2026-03-01";
  CAF_CHECK(ingest({moved_date})[0].status == ingest_status::updated);
  CAF_CHECK_EQUAL(column("siberius_iso_utc(expires_at)", 1), "2026-03-16T00:00:00Z");

  auto no_value = moved_date;
  no_value.valor_total.reset();
  CAF_CHECK(ingest({no_value})[0].status == ingest_status::updated);
  CAF_CHECK_EQUAL(column("valor_total IS NULL", 1), "t");

  // The same file in another office: a location of its own, the row stays office's.
  CAF_CHECK(ingest({no_value}, "branch")[0].status == ingest_status::updated);
  CAF_CHECK_EQUAL(column("client_id", 1), "office");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM pdf_cache"), "1");
  CAF_CHECK_EQUAL(db.scalar("SELECT string_agg(client_id, ',' ORDER BY client_id) FROM pdf_locations"),
                  "branch,office");
  CAF_CHECK(ingest({no_value}, "branch")[0].status == ingest_status::duplicate);
  CAF_CHECK_EQUAL(db.scalar("SELECT pdfs_indexed FROM daemon_clients WHERE client_id = 'office'"), "1");
  CAF_CHECK_EQUAL(db.scalar("SELECT pdfs_indexed FROM daemon_clients WHERE client_id = 'branch'"), "1");
}

CAF_TEST(a missing file that comes back is available again and a cached one stays cached) {
  ingest({make_doc(1), make_doc(2)});
  db.sql("UPDATE pdf_cache SET local_present = false, status = 'missing' WHERE file_hash = '" + hex_hash(1) + "'");
  db.sql("UPDATE pdf_cache SET local_present = false, status = 'cached' WHERE file_hash = '" + hex_hash(2) + "'");
  auto r = ingest({make_doc(1), make_doc(2)});
  CAF_CHECK(r[0].status == ingest_status::updated);
  CAF_CHECK(r[1].status == ingest_status::updated);
  CAF_CHECK_EQUAL(column("status", 1), "available_local");
  CAF_CHECK_EQUAL(column("local_present", 1), "t");
  CAF_CHECK_EQUAL(column("status", 2), "cached");
  CAF_CHECK_EQUAL(column("local_present", 2), "t");
}

CAF_TEST(duplicated hashes inside one batch are handled in order) {
  auto changed = make_doc(1);
  changed.cliente = "Outro Cliente";
  auto r = ingest({make_doc(1), make_doc(2), make_doc(1), changed, make_doc(3)});
  CAF_REQUIRE_EQUAL(r.size(), 5u);
  CAF_CHECK(r[0].status == ingest_status::indexed);
  CAF_CHECK(r[1].status == ingest_status::indexed);
  CAF_CHECK(r[2].status == ingest_status::duplicate);
  CAF_CHECK(r[3].status == ingest_status::updated);
  CAF_CHECK(r[4].status == ingest_status::indexed);
  CAF_CHECK_EQUAL(r[0].record_id, r[2].record_id);
  CAF_CHECK_EQUAL(r[0].record_id, r[3].record_id);
  CAF_CHECK_EQUAL(column("cliente", 1), "Outro Cliente");
  CAF_CHECK_EQUAL(db.scalar("SELECT pdfs_indexed FROM daemon_clients WHERE client_id = 'office'"), "3");
}

CAF_TEST(documents of several daemons share one batch) {
  std::vector<std::pair<std::string, pdf_document>> batch = {
    {"office", make_doc(1)}, {"branch", make_doc(2)}, {"branch", make_doc(3)}};
  auto r = store.ingest(batch);
  for (const auto& x : r)
    CAF_CHECK(x.status == ingest_status::indexed);
  CAF_CHECK_EQUAL(db.scalar("SELECT pdfs_indexed FROM daemon_clients WHERE client_id = 'office'"), "1");
  CAF_CHECK_EQUAL(db.scalar("SELECT pdfs_indexed FROM daemon_clients WHERE client_id = 'branch'"), "2");
}

CAF_TEST(a document without a date never expires and retention is configurable) {
  auto undated = make_doc(1);
  undated.data_evento.reset();
  ingest({undated});
  CAF_CHECK_EQUAL(column("expires_at IS NULL", 1), "t");
  metadata_store week(db.options(7));
  week.ingest({{"office", make_doc(2, "2024-02-25")}});
  CAF_CHECK_EQUAL(column("siberius_iso_utc(expires_at)", 2), "2024-03-03T00:00:00Z");
}

CAF_TEST(a cached undated copy keeps its expiry when the document is indexed again) {
  auto undated = make_doc(1);
  undated.data_evento.reset();
  ingest({undated});
  auto id = std::stoll(column("id", 1));
  stored_upload u;
  u.pdf_id = id;
  u.client_id = "office";
  u.request_id = "req-1";
  u.file_path = "/cache/2026/01/x.pdf";
  u.bytes = 1001;
  auto expires = store.record_upload(u);
  CAF_CHECK_EQUAL(column("siberius_iso_utc(expires_at)", 1), expires);
  undated.file_path = "C:\\Docs\\moved\\ORC-1.pdf"; // moved: the row is rewritten
  auto r = ingest({undated});
  CAF_CHECK(r[0].status == ingest_status::updated);
  CAF_CHECK_EQUAL(column("status", 1), "cached");
  CAF_CHECK_EQUAL(column("siberius_iso_utc(expires_at)", 1), expires);
}

CAF_TEST(an old document copied on request keeps its minimum keep when indexed again) {
  auto old = make_doc(1, "2020-05-01"); // long past: only the minimum keep holds the copy
  ingest({old});
  stored_upload u;
  u.pdf_id = std::stoll(column("id", 1));
  u.client_id = "office";
  u.request_id = "req-1";
  u.file_path = "/cache/2020/05/x.pdf";
  u.bytes = 1001;
  auto expires = store.record_upload(u);
  CAF_CHECK_EQUAL(column("expires_at > now() + interval '23 hours'", 1), "t");
  old.file_path = "C:\\Docs\\moved\\ORC-1.pdf"; // moved, and its date read again
  old.data_evento = "2020-04-01";
  auto r = ingest({old});
  CAF_CHECK(r[0].status == ingest_status::updated);
  CAF_CHECK_EQUAL(column("status", 1), "cached");
  CAF_CHECK_EQUAL(column("data_evento", 1), "2020-04-01");
  // Before: the new date's expiry (2020-04-16), in the past, and the next sweep took the copy.
  CAF_CHECK_EQUAL(column("siberius_iso_utc(expires_at)", 1), expires);
  // A later date still extends it.
  old.data_evento = "2099-01-01";
  ingest({old});
  CAF_CHECK_EQUAL(column("expires_at > now() + interval '700 days'", 1), "t");
}

CAF_TEST(a new version of a document an atendimento references joins that atendimento) {
  ingest({make_doc(1)}); // orcamento 1
  auto a = db.scalar("INSERT INTO atendimentos (titulo, data_inicio) VALUES ('Casamento', now()) RETURNING id");
  db.sql("UPDATE pdf_cache SET atendimento_id = " + a + " WHERE file_hash = '" + hex_hash(1) + "'");
  // The same quote saved again (another file, another hash), and an unrelated one.
  auto v2 = make_doc(2);
  v2.file_hash = hex_hash(3);
  v2.numero = "1";
  auto other = make_doc(4);
  auto r = ingest({v2, other});
  CAF_CHECK(r[0].status == ingest_status::indexed);
  CAF_CHECK_EQUAL(column("atendimento_id", 3), a);
  CAF_CHECK_EQUAL(column("coalesce(atendimento_id::text, 'none')", 4), "none");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM atendimentos"), "1"); // none created
  // A document whose tipo and numero nobody references stays unlinked when it changes.
  other.file_path = "C:\\Docs\\moved\\ORC-4.pdf";
  ingest({other});
  CAF_CHECK_EQUAL(column("coalesce(atendimento_id::text, 'none')", 4), "none");
}

CAF_TEST(one unfit document fails alone) {
  auto bad = make_doc(2);
  bad.file_hash = "not-a-hash";
  auto bad_date = make_doc(3);
  bad_date.data_evento = "2026-02-30";
  auto r = ingest({make_doc(1), bad, bad_date, make_doc(4)});
  CAF_CHECK(r[0].status == ingest_status::indexed);
  CAF_CHECK(r[1].status == ingest_status::error);
  CAF_CHECK_EQUAL(r[1].error, "fileHash: expected 64 lowercase hex digits");
  CAF_CHECK_EQUAL(r[1].record_id, 0);
  CAF_CHECK(r[2].status == ingest_status::error);
  CAF_CHECK_EQUAL(r[2].error, "metadata.dataEvento: not a real date (2026-02-30)");
  CAF_CHECK(r[3].status == ingest_status::indexed);
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM pdf_cache"), "2");
  // a bad indexedAt is not fatal: the server's clock is used
  auto odd_time = make_doc(5);
  odd_time.indexed_at = "yesterday";
  CAF_CHECK(ingest({odd_time})[0].status == ingest_status::indexed);
  CAF_CHECK_EQUAL(column("indexed_at > now() - interval '1 minute'", 5), "t");
  CAF_CHECK(ingest({}).empty());
}

CAF_TEST(a big batch is indexed in one go) {
  std::vector<pdf_document> docs;
  for (int i = 1; i <= 1000; ++i)
    docs.push_back(make_doc(i));
  auto r = ingest(docs);
  std::size_t indexed = 0;
  for (const auto& x : r)
    indexed += x.status == ingest_status::indexed ? 1 : 0;
  CAF_CHECK_EQUAL(indexed, 1000u);
  CAF_CHECK_EQUAL(db.scalar("SELECT count(DISTINCT id) FROM pdf_cache"), "1000");
  auto again = ingest(docs);
  std::size_t duplicates = 0;
  for (std::size_t i = 0; i < again.size(); ++i)
    duplicates += again[i].status == ingest_status::duplicate && again[i].record_id == r[i].record_id ? 1 : 0;
  CAF_CHECK_EQUAL(duplicates, 1000u);
}

CAF_TEST(sync asks for unknown moved and missing files) {
  ingest({make_doc(1), make_doc(2), make_doc(3)});
  store.sync_mark_missing("office", {hex_hash(1), hex_hash(2)});
  CAF_CHECK_EQUAL(column("status", 3), "missing");
  std::string upper = hex_hash(9);
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto needed = store.sync_needed("office", {{hex_hash(1), "C:\\Docs\\ORC-1.pdf"},
                                             {hex_hash(2), "C:\\Elsewhere\\ORC-2.pdf"},
                                             {hex_hash(3), "C:\\Docs\\ORC-3.pdf"},
                                             {"garbage", "x"},
                                             {upper, "C:\\Docs\\new.pdf"},
                                             {hex_hash(9), "C:\\Docs\\new.pdf"}});
  CAF_REQUIRE_EQUAL(needed.size(), 3u);
  CAF_CHECK_EQUAL(needed[0], hex_hash(2));
  CAF_CHECK_EQUAL(needed[1], hex_hash(3));
  CAF_CHECK_EQUAL(needed[2], hex_hash(9));
  CAF_CHECK(store.sync_needed("office", {}).empty());
}

CAF_TEST(sync marks what the daemon no longer has) {
  ingest({make_doc(1), make_doc(2), make_doc(3), make_doc(4)});
  ingest({make_doc(5)}, "branch");
  db.sql("UPDATE pdf_cache SET status = 'cached' WHERE file_hash = '" + hex_hash(3) + "'");
  db.sql("UPDATE pdf_cache SET status = 'uploading' WHERE file_hash = '" + hex_hash(4) + "'");
  auto marked = store.sync_mark_missing("office", {hex_hash(1)});
  CAF_CHECK_EQUAL(marked, 3);
  CAF_CHECK_EQUAL(column("status", 1), "available_local");
  CAF_CHECK_EQUAL(column("status", 2), "missing");
  CAF_CHECK_EQUAL(column("local_present", 2), "f");
  CAF_CHECK_EQUAL(column("status", 3), "cached");
  CAF_CHECK_EQUAL(column("local_present", 3), "f");
  CAF_CHECK_EQUAL(column("status", 4), "missing");
  CAF_CHECK_EQUAL(column("status", 5), "available_local"); // another daemon's file
  CAF_CHECK_EQUAL(db.scalar("SELECT last_sync_at > now() - interval '1 minute' FROM daemon_clients WHERE client_id = 'office'"),
                  "t");
  CAF_CHECK_EQUAL(db.scalar("SELECT last_sync_at IS NULL FROM daemon_clients WHERE client_id = 'branch'"), "t");
  // marking again changes nothing; the file coming back makes it available
  CAF_CHECK_EQUAL(store.sync_mark_missing("office", {hex_hash(1)}), 0);
  auto needed = store.sync_needed("office", {{hex_hash(2), "C:\\Docs\\ORC-2.pdf"}});
  CAF_REQUIRE_EQUAL(needed.size(), 1u);
  CAF_CHECK(ingest({make_doc(2)})[0].status == ingest_status::updated);
  CAF_CHECK_EQUAL(column("status", 2), "available_local");
  CAF_CHECK(store.sync_needed("office", {{hex_hash(2), "C:\\Docs\\ORC-2.pdf"}}).empty());
  // an empty list means the office folder is empty
  CAF_CHECK_EQUAL(store.sync_mark_missing("office", {}), 2);
}

CAF_TEST(stat check knows a file by daemon path size and mtime and nothing else) {
  auto with_mtime = [](int n, std::int64_t mtime_ms) {
    auto d = make_doc(n);
    d.file_mtime_ms = mtime_ms;
    return d;
  };
  auto p = [](int n) { return "C:\\Docs\\ORC-" + std::to_string(n) + ".pdf"; };
  // 1 and 2 indexed with their mtime by office; 3 without one (a daemon before
  // fileMtimeMs); 4 by another daemon.
  ingest({with_mtime(1, 1700000000123), with_mtime(2, 1700000000456), make_doc(3)});
  ingest({with_mtime(4, 1700000000789)}, "branch");
  CAF_CHECK_EQUAL(column("local_mtime_ms", 1), "1700000000123");
  auto known = store.stat_known("office", {{p(1), 1001, 1700000000123},   // unchanged
                                           {p(2), 1002, 1700000000999},   // another mtime
                                           {p(3), 1003, 1700000000000},   // no mtime stored
                                           {p(4), 1004, 1700000000789},   // another daemon's
                                           {p(5), 1005, 1700000000000},   // unknown path
                                           {p(2), 9999, 1700000000456}}); // another size
  CAF_REQUIRE_EQUAL(known.size(), 1u);
  CAF_CHECK_EQUAL(known[0].index, 0u);
  CAF_CHECK_EQUAL(known[0].file_hash, hex_hash(1));
  // The order of the chunk is kept, duplicates answered each.
  known = store.stat_known("office", {{p(2), 1002, 1700000000456}, {p(1), 1001, 1700000000123}});
  CAF_REQUIRE_EQUAL(known.size(), 2u);
  CAF_CHECK_EQUAL(known[0].index, 0u);
  CAF_CHECK_EQUAL(known[0].file_hash, hex_hash(2));
  CAF_CHECK_EQUAL(known[1].index, 1u);
  // A touched file re-indexed with a new mtime: the row takes it (an update, same hash).
  CAF_CHECK(ingest({with_mtime(1, 1700000005000)})[0].status == ingest_status::updated);
  CAF_CHECK(store.stat_known("office", {{p(1), 1001, 1700000000123}}).empty());
  CAF_CHECK_EQUAL(store.stat_known("office", {{p(1), 1001, 1700000005000}}).size(), 1u);
  // A file marked missing is not vouched for: the daemon reads it and sends it again.
  store.sync_mark_missing("office", {hex_hash(2), hex_hash(3)});
  CAF_CHECK(store.stat_known("office", {{p(1), 1001, 1700000005000}}).empty());
  CAF_CHECK(store.stat_known("office", {}).empty());
}

CAF_TEST(two writers racing on the same hashes agree on one row each) {
  // Two connections (two db workers) ingest the same documents in opposite
  // orders: every result must carry the row's id, and each hash is indexed once.
  constexpr int n = 600;
  std::vector<std::vector<ingest_result>> out(2);
  auto writer = [&](int w) {
    metadata_store mine(db.options());
    std::vector<std::pair<std::string, pdf_document>> batch;
    for (int k = 0; k < n; ++k) {
      int i = w == 0 ? k + 1 : n - k;
      batch.emplace_back("office", make_doc(i));
      if (batch.size() == 50) {
        auto r = mine.ingest(batch);
        out[w].insert(out[w].end(), r.begin(), r.end());
        batch.clear();
      }
    }
  };
  std::thread a(writer, 0), b(writer, 1);
  a.join();
  b.join();
  std::map<std::string, std::int64_t> ids;
  for (const auto& row : db.sql("SELECT file_hash, id FROM pdf_cache"))
    ids[row[0].as<std::string>()] = row[1].as<std::int64_t>();
  std::size_t indexed = 0, with_id = 0;
  for (const auto& rs : out)
    for (const auto& r : rs) {
      indexed += r.status == ingest_status::indexed ? 1 : 0;
      with_id += r.record_id > 0 && ids[r.file_hash] == r.record_id ? 1 : 0;
    }
  CAF_CHECK_EQUAL(indexed, static_cast<std::size_t>(n));
  CAF_CHECK_EQUAL(with_id, static_cast<std::size_t>(2 * n));
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM pdf_cache"), std::to_string(n));
  CAF_CHECK_EQUAL(db.scalar("SELECT pdfs_indexed FROM daemon_clients WHERE client_id = 'office'"), std::to_string(n));
}

CAF_TEST(one document in two offices keeps its first metadata and is missing only when both lost it) {
  auto mine = make_doc(1);
  auto theirs = make_doc(1);
  theirs.filename = "copia.pdf";
  theirs.file_path = "D:\\Filial\\copia.pdf";
  theirs.cliente = "Outro nome";
  theirs.data_evento = "2030-01-01";
  auto first = ingest({mine});
  auto second = ingest({theirs}, "branch");
  CAF_CHECK_EQUAL(second[0].record_id, first[0].record_id);
  // The second office neither takes the row over nor rewrites what it says.
  CAF_CHECK_EQUAL(column("client_id", 1), "office");
  CAF_CHECK_EQUAL(column("filename", 1), "ORC-1.pdf");
  CAF_CHECK_EQUAL(column("local_path", 1), "C:\\Docs\\ORC-1.pdf");
  CAF_CHECK_EQUAL(column("cliente", 1), "Buffet \"Alegria\" {x}, \\o/");
  CAF_CHECK_EQUAL(column("siberius_iso_utc(expires_at)", 1), "2026-01-18T00:00:00Z");
  auto where = [&](const std::string& client) {
    return db.scalar("SELECT local_path || ':' || present FROM pdf_locations WHERE client_id = '" + client + "'");
  };
  CAF_CHECK_EQUAL(where("office"), "C:\\Docs\\ORC-1.pdf:true");
  CAF_CHECK_EQUAL(where("branch"), "D:\\Filial\\copia.pdf:true");
  // Each office syncing again, in turns: nothing to send, nothing changes hands.
  for (int round = 0; round < 3; ++round) {
    CAF_CHECK(store.sync_needed("office", {{hex_hash(1), "C:\\Docs\\ORC-1.pdf"}}).empty());
    CAF_CHECK_EQUAL(store.sync_mark_missing("office", {hex_hash(1)}), 0);
    CAF_CHECK(store.sync_needed("branch", {{hex_hash(1), "D:\\Filial\\copia.pdf"}}).empty());
    CAF_CHECK_EQUAL(store.sync_mark_missing("branch", {hex_hash(1)}), 0);
    CAF_CHECK(ingest({mine})[0].status == ingest_status::duplicate);
    CAF_CHECK(ingest({theirs}, "branch")[0].status == ingest_status::duplicate);
    CAF_CHECK_EQUAL(column("client_id", 1), "office");
    CAF_CHECK_EQUAL(column("status", 1), "available_local");
  }
  // A third office that only heard of the hash is asked for the file.
  CAF_CHECK_EQUAL(store.sync_needed("third", {{hex_hash(1), "E:\\x.pdf"}}).size(), 1u);
  // Office loses its copy: the branch still has it, so it is not missing.
  CAF_CHECK_EQUAL(store.sync_mark_missing("office", {}), 1);
  CAF_CHECK_EQUAL(column("status", 1), "available_local");
  CAF_CHECK_EQUAL(column("local_present", 1), "t");
  CAF_CHECK_EQUAL(where("office"), "C:\\Docs\\ORC-1.pdf:false");
  auto target = store.request_target_for(first[0].record_id);
  CAF_REQUIRE(target.has_value());
  CAF_CHECK_EQUAL(target->client_id, "branch");
  CAF_CHECK_EQUAL(target->holders, std::vector<std::string>{"branch"});
  // Both lost it: now it is missing.
  CAF_CHECK_EQUAL(store.sync_mark_missing("branch", {}), 1);
  CAF_CHECK_EQUAL(column("status", 1), "missing");
  CAF_CHECK_EQUAL(column("local_present", 1), "f");
  // The branch finds it again: available, still described by office.
  CAF_CHECK(ingest({theirs}, "branch")[0].status == ingest_status::updated);
  CAF_CHECK_EQUAL(column("status", 1), "available_local");
  CAF_CHECK_EQUAL(column("cliente", 1), "Buffet \"Alegria\" {x}, \\o/");
}

CAF_TEST(both offices are offered for a request and an upload needs a location of the daemon) {
  auto r = ingest({make_doc(1)});
  ingest({make_doc(1)}, "branch");
  auto target = store.request_target_for(r[0].record_id);
  CAF_REQUIRE(target.has_value());
  CAF_CHECK_EQUAL(target->client_id, "office");
  CAF_CHECK_EQUAL(target->holders, (std::vector<std::string>{"office", "branch"}));
  CAF_CHECK(store.upload_target_for("office", hex_hash(1)).has_value());
  CAF_CHECK(store.upload_target_for("branch", hex_hash(1)).has_value());
  CAF_CHECK(!store.upload_target_for("elsewhere", hex_hash(1)).has_value());
  // One office says the file is gone while uploading: the other still has it.
  CAF_CHECK(store.begin_transfer(r[0].record_id));
  store.end_transfer(r[0].record_id, "office", "req-1", transfer_end::missing, "no file with this hash");
  CAF_CHECK_EQUAL(column("status", 1), "available_local");
  CAF_CHECK_EQUAL(db.scalar("SELECT present FROM pdf_locations WHERE client_id = 'office'"), "f");
  CAF_CHECK(store.begin_transfer(r[0].record_id));
  store.end_transfer(r[0].record_id, "branch", "req-2", transfer_end::missing, "no file with this hash");
  CAF_CHECK_EQUAL(column("status", 1), "missing");
}

CAF_TEST(an office that lost the file mid transfer loses only its location and the transfer goes on) {
  auto r = ingest({make_doc(1)});
  ingest({make_doc(1)}, "branch");
  auto id = r[0].record_id;
  CAF_CHECK(store.begin_transfer(id));
  // Office answered file_missing; the branch is asked next under the same request.
  store.mark_location_missing(id, "office", "req-1", "no file with this hash");
  CAF_CHECK_EQUAL(db.scalar("SELECT string_agg(client_id || ':' || present, ',' ORDER BY client_id)"
                            " FROM pdf_locations"),
                  "branch:true,office:false");
  CAF_CHECK_EQUAL(column("status", 1), "uploading");
  CAF_CHECK_EQUAL(column("local_present", 1), "t");
  CAF_CHECK_EQUAL(db.scalar("SELECT status || '|' || client_id || '|' || request_id || '|' || error_message"
                            " FROM pdf_transfers WHERE pdf_cache_id = " + std::to_string(id)),
                  "failed|office|req-1|no file with this hash");
  // The request is offered to the branch alone from now on.
  auto target = store.request_target_for(id);
  CAF_REQUIRE(target.has_value());
  CAF_CHECK_EQUAL(target->holders, std::vector<std::string>{"branch"});
  // The branch serves it: cached, and office's location stays gone.
  stored_upload u;
  u.pdf_id = id;
  u.client_id = "branch";
  u.request_id = "req-1";
  u.file_path = "/cache/x.pdf";
  u.bytes = 1001;
  store.record_upload(u);
  CAF_CHECK_EQUAL(column("status", 1), "cached");
  CAF_CHECK_EQUAL(db.scalar("SELECT present FROM pdf_locations WHERE client_id = 'office'"), "f");
}

CAF_TEST(the last office that lost the file makes it missing after the others did mid transfer) {
  auto r = ingest({make_doc(1)});
  ingest({make_doc(1)}, "branch");
  auto id = r[0].record_id;
  CAF_CHECK(store.begin_transfer(id));
  store.mark_location_missing(id, "office", "req-1", "the file changed since it was indexed");
  store.end_transfer(id, "branch", "req-1", transfer_end::missing, "no file with this hash");
  CAF_CHECK_EQUAL(column("status", 1), "missing");
  CAF_CHECK_EQUAL(column("local_present", 1), "f");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM pdf_locations WHERE present"), "0");
  CAF_CHECK_EQUAL(db.scalar("SELECT string_agg(client_id || ':' || status, ',' ORDER BY id) FROM pdf_transfers"),
                  "office:failed,branch:failed");
  // The only office losing it mid transfer: not present anywhere, the status
  // is the transfer's end to decide.
  auto only = ingest({make_doc(2)})[0].record_id;
  CAF_CHECK(store.begin_transfer(only));
  store.mark_location_missing(only, "office", "req-2", "no file with this hash");
  CAF_CHECK_EQUAL(column("status", 2), "uploading");
  CAF_CHECK_EQUAL(column("local_present", 2), "f");
  // A PDF deleted meanwhile records nothing and fails nothing.
  db.sql("DELETE FROM pdf_cache WHERE id = " + std::to_string(only));
  store.mark_location_missing(only, "office", "req-2", "no file with this hash");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM pdf_transfers WHERE pdf_cache_id = " + std::to_string(only)), "0");
}

CAF_TEST(an event date far ahead does not keep a cached copy for years) {
  auto far = make_doc(1, "2099-12-31");
  ingest({far});
  // Stored as sent; the expiry counts from today + 730 days (the default bound).
  CAF_CHECK_EQUAL(column("data_evento", 1), "2099-12-31");
  CAF_CHECK_EQUAL(column("expires_at = (current_date + 745)::timestamp AT TIME ZONE 'UTC'", 1), "t");
  stored_upload u;
  u.pdf_id = std::stoll(column("id", 1));
  u.client_id = "office";
  u.request_id = "req-1";
  u.file_path = "/cache/x.pdf";
  u.bytes = 1;
  store.record_upload(u);
  CAF_CHECK_EQUAL(column("expires_at = (current_date + 745)::timestamp AT TIME ZONE 'UTC'", 1), "t");
  // The bound is a setting.
  auto o = db.options();
  o.max_event_days_ahead = 30;
  metadata_store strict(o);
  strict.ingest({{"office", make_doc(2, "2099-12-31")}});
  CAF_CHECK_EQUAL(column("expires_at = (current_date + 45)::timestamp AT TIME ZONE 'UTC'", 2), "t");
  // A date within the bound is untouched.
  auto soon = make_doc(3, "2026-01-03");
  strict.ingest({{"office", soon}});
  CAF_CHECK_EQUAL(column("siberius_iso_utc(expires_at)", 3), "2026-01-18T00:00:00Z");
}

CAF_TEST_FIXTURE_SCOPE_END()
