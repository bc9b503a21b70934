// Schema migrations: schema/NNN_name.sql files applied in name order, each in
// its own transaction and recorded with a checksum, under an advisory lock so
// two servers starting together do not both apply the same file.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <pqxx/pqxx>

#include "storage/metadata_store.hpp"

namespace siberius::storage {

namespace {

// Any constant shared by every server of this schema; "siberius" in ASCII.
constexpr long migration_lock_key = 0x7369626572697573;

struct migration_file {
  std::string name;
  std::string sql;
};

std::vector<migration_file> read_migrations(const std::string& schema_dir) {
  namespace fs = std::filesystem;
  static const std::regex pattern("^[0-9]{3}_[A-Za-z0-9_]+\\.sql$");
  std::error_code ec;
  if (!fs::is_directory(schema_dir, ec))
    throw std::runtime_error("schema folder not found: " + schema_dir);
  std::vector<migration_file> files;
  for (const auto& entry : fs::directory_iterator(schema_dir)) {
    auto name = entry.path().filename().string();
    if (!entry.is_regular_file() || !std::regex_match(name, pattern))
      continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof())
      throw std::runtime_error("cannot read migration " + entry.path().string());
    files.push_back({name, text.str()});
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < files.size(); ++i)
    if (files[i].name.compare(0, 3, files[i - 1].name, 0, 3) == 0)
      throw std::runtime_error("two migrations share the number " + files[i].name.substr(0, 3) + ": " +
                               files[i - 1].name + " and " + files[i].name);
  return files;
}

} // namespace

std::vector<std::string> apply_migrations(const std::string& conninfo, const std::string& schema_dir) {
  auto files = read_migrations(schema_dir);
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(conninfo);
  } catch (const pqxx::broken_connection& e) {
    throw unavailable(std::string("cannot connect to PostgreSQL to apply migrations: ") + e.what());
  }
  {
    // Session-level lock: released when this connection closes, even on error.
    pqxx::nontransaction n(*conn);
    n.exec("SET client_min_messages = warning");
    n.exec("SELECT pg_advisory_lock(" + std::to_string(migration_lock_key) + ")");
    n.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
           " name text PRIMARY KEY,"
           " checksum text NOT NULL,"
           " applied_at timestamptz NOT NULL DEFAULT now())");
  }
  std::map<std::string, std::string> applied;
  {
    pqxx::nontransaction n(*conn);
    for (const auto& row : n.exec("SELECT name, checksum FROM schema_migrations"))
      applied[row[0].as<std::string>()] = row[1].as<std::string>();
  }
  std::vector<std::string> done;
  for (const auto& f : files) {
    auto checksum = sha256_hex(f.sql);
    auto it = applied.find(f.name);
    if (it != applied.end()) {
      if (it->second != checksum)
        throw std::runtime_error("migration " + f.name +
                                 " changed after it was applied; put the change in a new migration file");
      continue;
    }
    try {
      pqxx::work w(*conn);
      w.exec(f.sql);
      w.exec_params("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", f.name, checksum);
      w.commit();
    } catch (const pqxx::broken_connection& e) {
      throw unavailable("lost PostgreSQL while applying " + f.name + ": " + e.what());
    } catch (const pqxx::sql_error& e) {
      throw std::runtime_error("migration " + f.name + " failed: " + e.what());
    }
    done.push_back(f.name);
  }
  return done;
}

} // namespace siberius::storage
