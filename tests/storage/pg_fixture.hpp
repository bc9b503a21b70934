// A throw-away database per test: created from SIBERIUS_PG, migrated, and
// dropped afterwards, so suites can run in parallel against one cluster.
#pragma once

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include <pqxx/pqxx>

#include "storage/metadata_store.hpp"

namespace siberius::storage::testing {

inline std::string admin_conninfo() {
  const char* pg = std::getenv("SIBERIUS_PG");
  if (pg == nullptr || *pg == '\0')
    throw std::runtime_error("SIBERIUS_PG is not set: these tests need a PostgreSQL cluster "
                             "(scripts/test starts one)");
  return pg;
}

inline std::string schema_dir() {
  const char* src = std::getenv("SIBERIUS_SOURCE_DIR");
  return std::string(src != nullptr ? src : SIBERIUS_TEST_SOURCE_DIR) + "/schema";
}

/// `base` pointed at another database name (key=value or URL form).
inline std::string with_dbname(const std::string& base, const std::string& db) {
  if (base.find("://") != std::string::npos)
    return base + (base.find('?') == std::string::npos ? "?" : "&") + "dbname=" + db;
  return base + " dbname=" + db;
}

struct pg_database {
  std::string name;
  std::string conninfo;

  explicit pg_database(const std::string& tag, bool migrate = true) {
    static std::atomic<int> counter{0};
    name = "sib_" + tag + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    pqxx::connection admin(admin_conninfo());
    pqxx::nontransaction n(admin);
    n.exec("CREATE DATABASE " + admin.quote_name(name));
    conninfo = with_dbname(admin_conninfo(), name);
    if (migrate)
      apply_migrations(conninfo, schema_dir());
  }

  ~pg_database() {
    try {
      pqxx::connection admin(admin_conninfo());
      pqxx::nontransaction n(admin);
      n.exec("DROP DATABASE IF EXISTS " + admin.quote_name(name) + " WITH (FORCE)");
    } catch (...) {
      // a leftover test database is harmless; the cluster is throw-away
    }
  }

  /// Runs one SQL statement on a separate connection, returns the result.
  pqxx::result sql(const std::string& query) const {
    pqxx::connection c(conninfo);
    pqxx::work w(c);
    auto r = w.exec(query);
    w.commit();
    return r;
  }

  /// The first field of the first row as text ("" for NULL).
  std::string scalar(const std::string& query) const {
    auto r = sql(query);
    return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
  }

  store_options options(int retention_days = 15) const {
    store_options o;
    o.conninfo = conninfo;
    o.retention_days = retention_days;
    return o;
  }
};

inline std::string hex_hash(int n) {
  static const char digits[] = "0123456789abcdef";
  std::string h(64, '0');
  for (int i = 63; i >= 0 && n > 0; --i, n /= 16)
    h[i] = digits[n % 16];
  return h;
}

/// True when `f()` throws an E.
template <class E, class F>
bool throws(F f) {
  try {
    f();
  } catch (const E&) {
    return true;
  } catch (...) {
  }
  return false;
}

} // namespace siberius::storage::testing
