// Internals of metadata_store shared by its source files: the lazily opened
// connection, the prepared statements, and the rule that turns a lost
// connection into storage::unavailable. Not part of the contract.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <pqxx/pqxx>

#include "storage/metadata_store.hpp"

namespace siberius::storage {

struct metadata_store::impl {
  store_options options;
  std::unique_ptr<pqxx::connection> conn;

  explicit impl(store_options o) : options(std::move(o)) {}

  /// The open connection, connecting (and preparing statements) on first use.
  pqxx::connection& connection();

  /// Forgets the connection; the next use reconnects.
  void drop() noexcept;

  /// Runs `f(connection)`; a lost connection becomes storage::unavailable.
  template <class F>
  auto run(F&& f) -> decltype(f(std::declval<pqxx::connection&>())) {
    auto& c = connection();
    try {
      return f(c);
    } catch (const pqxx::broken_connection& e) {
      drop();
      throw unavailable(std::string("lost the connection to PostgreSQL: ") + e.what());
    } catch (const pqxx::in_doubt_error& e) {
      // The commit may or may not have happened: the caller must not ack,
      // and a retry is a harmless duplicate.
      drop();
      throw unavailable(std::string("lost the connection to PostgreSQL during commit: ") + e.what());
    } catch (const pqxx::sql_error& e) {
      if (connection_lost(e, c)) {
        drop();
        throw unavailable(std::string("PostgreSQL ended the session: ") + e.what());
      }
      // statement_timeout: the statement was cancelled and rolled back.
      if (e.sqlstate() == "57014")
        throw unavailable(std::string("PostgreSQL did not answer in time: ") + e.what());
      throw;
    } catch (const pqxx::failure& e) {
      // Other library failures are only "unavailable" when the socket died.
      if (!c.is_open()) {
        drop();
        throw unavailable(std::string("lost the connection to PostgreSQL: ") + e.what());
      }
      throw;
    }
  }

private:
  static bool connection_lost(const pqxx::sql_error& e, pqxx::connection& c);
};

/// Appends one element to a PostgreSQL array literal under construction;
/// nullptr becomes NULL. Every element is quoted so no content can break out.
void append_array_element(std::string& literal, const char* value, std::size_t size);
inline void append_array_element(std::string& literal, const std::string& value) {
  append_array_element(literal, value.data(), value.size());
}
inline void append_null_element(std::string& literal) {
  append_array_element(literal, nullptr, 0);
}
/// Closes an array literal begun with "{".
inline void close_array(std::string& literal) {
  literal += '}';
}

/// An optional text parameter of a prepared statement: nullptr is SQL NULL.
const char* opt_param(const std::optional<std::string>& s);

/// The daemon_token_lookup row (token_hash, daemon id, client_id, client_name,
/// blocked) of `token` when its secret matches (constant-time compare of the
/// SHA-256), else an empty result.
pqxx::result find_daemon_token(pqxx::transaction_base& t, const std::string& token);

/// Builds "{...}" from a list of strings.
std::string text_array(const std::vector<std::string>& values);

/// True when `s` is an ISO 8601 timestamp PostgreSQL reads the same way
/// (YYYY-MM-DDTHH:MM:SS[.frac][Z|±HH:MM]).
bool is_iso_timestamp(const std::string& s);

} // namespace siberius::storage
