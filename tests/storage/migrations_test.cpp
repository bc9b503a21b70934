#define CAF_SUITE storage_migrations
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <filesystem>
#include <fstream>
#include <future>

#include "pg_fixture.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;
namespace fs = std::filesystem;

namespace {

/// A private copy of schema/ that a test may edit.
struct schema_copy {
  fs::path dir;
  schema_copy() {
    dir = fs::temp_directory_path() / ("siberius-schema-" + std::to_string(getpid()) + "-" +
                                       std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(dir);
    for (const auto& e : fs::directory_iterator(schema_dir()))
      fs::copy_file(e.path(), dir / e.path().filename(), fs::copy_options::overwrite_existing);
  }
  ~schema_copy() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
  }
};

} // namespace

CAF_TEST(migrations apply once and are recorded) {
  pg_database db("mig", false);
  auto first = apply_migrations(db.conninfo, schema_dir());
  CAF_REQUIRE(!first.empty());
  CAF_CHECK_EQUAL(first.front(), "001_initial.sql");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM schema_migrations"), std::to_string(first.size()));
  auto second = apply_migrations(db.conninfo, schema_dir());
  CAF_CHECK(second.empty());
  // the design's tables are there
  for (auto table : {"daemon_clients", "daemon_tokens", "daemon_events", "api_tokens", "usuarios", "atendimentos",
                     "atendimento_tecnicos", "atendimento_refs", "pdf_cache", "pdf_transfers"})
    CAF_CHECK_EQUAL(db.scalar(std::string("SELECT to_regclass('") + table + "') IS NOT NULL"), "t");
}

CAF_TEST(a later migration file is applied on the next start) {
  pg_database db("mig", false);
  schema_copy copy;
  apply_migrations(db.conninfo, copy.dir.string());
  copy.write("900_extra.sql", "CREATE TABLE extra_thing (id int);");
  auto applied = apply_migrations(db.conninfo, copy.dir.string());
  CAF_REQUIRE_EQUAL(applied.size(), 1u);
  CAF_CHECK_EQUAL(applied[0], "900_extra.sql");
  CAF_CHECK_EQUAL(db.scalar("SELECT to_regclass('extra_thing') IS NOT NULL"), "t");
}

CAF_TEST(an edited applied migration is refused) {
  pg_database db("mig", false);
  schema_copy copy;
  copy.write("900_extra.sql", "CREATE TABLE extra_thing (id int);");
  apply_migrations(db.conninfo, copy.dir.string());
  copy.write("900_extra.sql", "CREATE TABLE extra_thing (id bigint);");
  std::string error;
  try {
    apply_migrations(db.conninfo, copy.dir.string());
  } catch (const std::exception& e) {
    error = e.what();
  }
  CAF_CHECK_EQUAL(error, "migration 900_extra.sql changed after it was applied; put the change in a new migration file");
}

CAF_TEST(a failing migration leaves nothing behind) {
  pg_database db("mig", false);
  schema_copy copy;
  copy.write("900_broken.sql", "CREATE TABLE half_done (id int); SELECT no_such_function();");
  std::string error;
  try {
    apply_migrations(db.conninfo, copy.dir.string());
  } catch (const std::exception& e) {
    error = e.what();
  }
  CAF_CHECK(error.find("migration 900_broken.sql failed") == 0);
  CAF_CHECK_EQUAL(db.scalar("SELECT to_regclass('half_done') IS NULL"), "t");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM schema_migrations WHERE name = '900_broken.sql'"), "0");
  // the earlier files were committed in their own transactions
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM schema_migrations WHERE name = '001_initial.sql'"), "1");
}

CAF_TEST(two servers starting at once apply each file once) {
  pg_database db("mig", false);
  auto run = [&] { return apply_migrations(db.conninfo, schema_dir()); };
  auto a = std::async(std::launch::async, run);
  auto b = std::async(std::launch::async, run);
  auto ra = a.get();
  auto rb = b.get();
  CAF_CHECK(ra.empty() != rb.empty());
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM schema_migrations WHERE name = '001_initial.sql'"), "1");
}

CAF_TEST(a missing schema folder is a clear error) {
  pg_database db("mig", false);
  std::string error;
  try {
    apply_migrations(db.conninfo, "/nonexistent/schema");
  } catch (const std::exception& e) {
    error = e.what();
  }
  CAF_CHECK_EQUAL(error, "schema folder not found: /nonexistent/schema");
}

CAF_TEST(the locations migration carries every existing row over) {
  pg_database db("mig", false);
  schema_copy copy;
  fs::remove(copy.dir / "008_pdf_locations.sql");
  for (const auto& e : fs::directory_iterator(copy.dir))
    if (e.path().filename().string() > "008")
      fs::remove(e.path()); // later migrations expect 008 first
  apply_migrations(db.conninfo, copy.dir.string());
  db.sql("INSERT INTO pdf_cache (file_hash, filename, file_size, local_path, local_present, client_id, status,"
         " local_mtime_ms) VALUES"
         " ('" + hex_hash(1) + "', 'a.pdf', 1, 'C:\\a.pdf', true, 'office', 'available_local', 1700000000000),"
         " ('" + hex_hash(2) + "', 'b.pdf', 2, 'C:\\b.pdf', false, 'office', 'missing', NULL),"
         " ('" + hex_hash(3) + "', 'c.pdf', 3, NULL, true, NULL, 'available_local', NULL)");
  fs::copy_file(fs::path(schema_dir()) / "008_pdf_locations.sql", copy.dir / "008_pdf_locations.sql");
  auto applied = apply_migrations(db.conninfo, copy.dir.string());
  CAF_REQUIRE(!applied.empty());
  CAF_CHECK_EQUAL(applied[0], "008_pdf_locations.sql");
  CAF_CHECK_EQUAL(db.scalar("SELECT string_agg(p.filename || ':' || l.client_id || ':' || l.local_path || ':' ||"
                            " l.present || ':' || coalesce(l.local_mtime_ms::text, '-'), ',' ORDER BY p.id)"
                            " FROM pdf_locations l JOIN pdf_cache p ON p.id = l.pdf_id"),
                  "a.pdf:office:C:\\a.pdf:true:1700000000000,b.pdf:office:C:\\b.pdf:false:-");
  // The documents themselves are untouched.
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM pdf_cache"), "3");
}
