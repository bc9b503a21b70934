#define CAF_SUITE storage_tokens
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <regex>

#include "pg_fixture.hpp"

using namespace siberius::storage;
using namespace siberius::storage::testing;

namespace {

struct fixture {
  pg_database db{"tok"};
  metadata_store store{db.options()};

  /// The token with its last secret digit changed.
  static std::string tampered(std::string token) {
    token.back() = token.back() == '0' ? '1' : '0';
    return token;
  }
};

} // namespace

CAF_TEST(sha256_hex matches the standard test vector) {
  CAF_CHECK_EQUAL(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CAF_CHECK_EQUAL(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

CAF_TEST_FIXTURE_SCOPE(token_tests, fixture)

CAF_TEST(daemon tokens are random and well formed and stored hashed) {
  auto a = store.create_daemon_token("Escritorio", std::nullopt);
  auto b = store.create_daemon_token("Filial", std::string("filial-1"));
  std::regex shape("^[0-9a-f]{16}\\.[0-9a-f]{64}$");
  CAF_CHECK(std::regex_match(a.token, shape));
  CAF_CHECK(std::regex_match(b.token, shape));
  CAF_CHECK_NOT_EQUAL(a.token, b.token);
  CAF_CHECK_EQUAL(a.client_id, "");
  CAF_CHECK_EQUAL(b.client_id, "filial-1");
  CAF_CHECK_EQUAL(db.scalar("SELECT token_hash FROM daemon_tokens WHERE daemon_id = " + std::to_string(a.id)),
                  sha256_hex(a.token));
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM daemon_tokens WHERE token_hash LIKE '%" + a.token.substr(17) + "%'"),
                  "0");
  CAF_CHECK_EQUAL(db.scalar("SELECT client_name FROM daemon_clients WHERE id = " + std::to_string(a.id)),
                  "Escritorio");
}

CAF_TEST(a client id that already has a daemon is a conflict) {
  store.create_daemon_token("A", std::string("office"));
  std::string error;
  try {
    store.create_daemon_token("B", std::string("office"));
  } catch (const conflict& e) {
    error = e.what();
  }
  CAF_CHECK_EQUAL(error, "client id 'office' already belongs to another daemon");
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM daemon_clients"), "1");
}

CAF_TEST(bad names are refused before the database) {
  CAF_CHECK(throws<std::invalid_argument>([&] { store.create_daemon_token("", std::nullopt); }));
  CAF_CHECK(throws<std::invalid_argument>([&] { store.create_daemon_token("x", std::string(101, 'c')); }));
  CAF_CHECK(throws<std::invalid_argument>([&] { store.create_api_token("x", "root"); }));
}

CAF_TEST(an unbound token binds to the first client id and then only accepts it) {
  auto t = store.create_daemon_token("Escritorio", std::nullopt);
  auto first = store.authenticate_daemon(t.token, "office-pc", "1.2.3", "203.0.113.7");
  CAF_REQUIRE(first.status == auth_status::ok);
  CAF_CHECK_EQUAL(first.daemon.id, t.id);
  CAF_CHECK_EQUAL(first.daemon.client_id, "office-pc");
  CAF_CHECK_EQUAL(first.daemon.name, "Escritorio");
  CAF_CHECK(!first.daemon.last_sync);
  auto row = db.sql("SELECT client_id, status, remote_addr, daemon_version, connected_at IS NOT NULL,"
                    " last_seen IS NOT NULL FROM daemon_clients WHERE id = " + std::to_string(t.id))[0];
  CAF_CHECK_EQUAL(row[0].as<std::string>(), "office-pc");
  CAF_CHECK_EQUAL(row[1].as<std::string>(), "online");
  CAF_CHECK_EQUAL(row[2].as<std::string>(), "203.0.113.7");
  CAF_CHECK_EQUAL(row[3].as<std::string>(), "1.2.3");
  CAF_CHECK(row[4].as<bool>());
  CAF_CHECK(row[5].as<bool>());
  auto other = store.authenticate_daemon(t.token, "someone-else", "1.2.3", "203.0.113.8");
  CAF_CHECK(other.status == auth_status::client_mismatch);
  auto again = store.authenticate_daemon(t.token, "office-pc", "1.2.4", "203.0.113.9");
  CAF_CHECK(again.status == auth_status::ok);
}

CAF_TEST(a token cannot bind to a client id another daemon holds) {
  store.create_daemon_token("A", std::string("office"));
  auto t = store.create_daemon_token("B", std::nullopt);
  CAF_CHECK(store.authenticate_daemon(t.token, "office", "1", "::1").status == auth_status::client_mismatch);
  CAF_CHECK_EQUAL(db.scalar("SELECT count(*) FROM daemon_clients WHERE client_id IS NULL"), "1");
  CAF_CHECK(store.authenticate_daemon(t.token, "", "1", "::1").status == auth_status::client_mismatch);
}

CAF_TEST(wrong secret unknown id and garbage are unknown) {
  auto t = store.create_daemon_token("A", std::string("office"));
  CAF_CHECK(store.authenticate_daemon(tampered(t.token), "office", "1", "::1").status == auth_status::unknown);
  auto unknown_id = "0000000000000000" + t.token.substr(16);
  CAF_CHECK(store.authenticate_daemon(unknown_id, "office", "1", "::1").status == auth_status::unknown);
  for (std::string junk : {std::string(), std::string("x"), t.token + "0", t.token.substr(1),
                           std::string(t.token).replace(16, 1, ":")})
    CAF_CHECK(store.authenticate_daemon(junk, "office", "1", "::1").status == auth_status::unknown);
  CAF_CHECK_EQUAL(db.scalar("SELECT status FROM daemon_clients"), "offline");
}

CAF_TEST(blocked revoked and expired tokens are refused) {
  auto t = store.create_daemon_token("A", std::string("office"));
  db.sql("UPDATE daemon_clients SET blocked = true");
  CAF_CHECK(store.authenticate_daemon(t.token, "office", "1", "::1").status == auth_status::blocked);
  // a blocked daemon is refused even with the wrong client id: blocked wins
  CAF_CHECK(store.authenticate_daemon(t.token, "elsewhere", "1", "::1").status == auth_status::blocked);
  db.sql("UPDATE daemon_clients SET blocked = false");
  CAF_CHECK(store.authenticate_daemon(t.token, "office", "1", "::1").status == auth_status::ok);
  db.sql("UPDATE daemon_tokens SET expires_at = now() - interval '1 second'");
  CAF_CHECK(store.authenticate_daemon(t.token, "office", "1", "::1").status == auth_status::unknown);
  db.sql("UPDATE daemon_tokens SET expires_at = now() + interval '1 hour', revoked_at = now()");
  CAF_CHECK(store.authenticate_daemon(t.token, "office", "1", "::1").status == auth_status::unknown);
}

CAF_TEST(last sync is the later of the last sync and the last indexed pdf) {
  auto t = store.create_daemon_token("A", std::string("office"));
  db.sql("UPDATE daemon_clients SET last_sync_at = '2026-01-03T10:00:00Z', last_pdf_indexed = '2026-01-02T09:00:00Z'");
  auto a = store.authenticate_daemon(t.token, "office", "1", "::1");
  CAF_CHECK_EQUAL(a.daemon.last_sync.value_or("none"), "2026-01-03T10:00:00Z");
  db.sql("UPDATE daemon_clients SET last_sync_at = NULL, last_pdf_indexed = '2026-01-04T08:30:05.123+02:00'");
  auto b = store.authenticate_daemon(t.token, "office", "1", "::1");
  CAF_CHECK_EQUAL(b.daemon.last_sync.value_or("none"), "2026-01-04T06:30:05Z");
}

CAF_TEST(api tokens authenticate until revoked) {
  auto t = store.create_api_token("automation", "admin");
  CAF_CHECK(t.id > 0);
  CAF_CHECK_EQUAL(db.scalar("SELECT last_used_at IS NULL FROM api_tokens"), "t");
  auto p = store.authenticate(t.token);
  CAF_REQUIRE(p.has_value());
  CAF_CHECK_EQUAL(p->token_id, t.id);
  CAF_CHECK_EQUAL(p->name, "automation");
  CAF_CHECK_EQUAL(p->role, "admin");
  CAF_CHECK_EQUAL(db.scalar("SELECT last_used_at IS NOT NULL FROM api_tokens"), "t");
  CAF_CHECK(!store.authenticate(tampered(t.token)));
  CAF_CHECK(!store.authenticate("nonsense"));
  db.sql("UPDATE api_tokens SET revoked_at = now()");
  CAF_CHECK(!store.authenticate(t.token));
  // a daemon token is not an API token
  auto d = store.create_daemon_token("A", std::nullopt);
  CAF_CHECK(!store.authenticate(d.token));
}

CAF_TEST_FIXTURE_SCOPE_END()
