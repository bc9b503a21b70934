// siberius-admin against a real siberius-server and PostgreSQL: the binary
// a person runs, its output and its exit codes. Needs SIBERIUS_PG.
#define CAF_SUITE cli_e2e
#include "caf/test/unit_test.hpp"

#include <cstdlib>
#include <memory>
#include <regex>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "child_process.hpp"
#include "cli/table.hpp"
#include "temp_dir.hpp"

using namespace siberius::cli;
using namespace siberius::cli::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

unsigned short free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

struct admin_run {
  int code = -1;
  std::string out;
  std::string err;
};

// One database and one server for the whole suite: starting them takes a
// second, the checks take milliseconds.
class e2e_world {
public:
  e2e_world() {
    const char* pg = std::getenv("SIBERIUS_PG");
    if (pg == nullptr || *pg == '\0')
      throw std::runtime_error("SIBERIUS_PG is not set: this suite needs a PostgreSQL cluster (scripts/test "
                               "starts one; by hand: source scripts/lib/pg.sh; siberius_pg_start DIR PORT)");
    admin_conninfo_ = pg;
    db_name_ = "sib_cli_e2e_" + std::to_string(::getpid());
    {
      pqxx::connection admin(admin_conninfo_);
      pqxx::nontransaction n(admin);
      n.exec("DROP DATABASE IF EXISTS " + admin.quote_name(db_name_) + " WITH (FORCE)");
      n.exec("CREATE DATABASE " + admin.quote_name(db_name_));
    }
    conninfo_ = admin_conninfo_ + " dbname=" + db_name_;
    credentials = dir.path() + "/credentials.json";
    for (int attempt = 0; attempt < 3 && !server_; ++attempt)
      start_server();
    if (!server_)
      throw std::runtime_error("siberius-server did not start:\n" + read_file(dir.path() + "/server.log"));
    creds = json::parse(read_file(credentials));
  }

  ~e2e_world() {
    server_.reset();
    try {
      pqxx::connection admin(admin_conninfo_);
      pqxx::nontransaction n(admin);
      n.exec("DROP DATABASE IF EXISTS " + admin.quote_name(db_name_) + " WITH (FORCE)");
    } catch (...) {
      // the cluster is throw-away
    }
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

  /// Runs the real siberius-admin with only the environment given.
  admin_run admin(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    static int n = 0;
    auto out = dir.path() + "/admin-" + std::to_string(++n) + ".out";
    auto err = dir.path() + "/admin-" + std::to_string(n) + ".err";
    std::vector<std::string> argv{SIBERIUS_ADMIN_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> envp{"PATH=/usr/bin:/bin", "LANG=C.UTF-8"};
    envp.insert(envp.end(), env.begin(), env.end());
    child_process p(argv, envp, out, err);
    admin_run r;
    r.code = p.wait(30s);
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
  }

  temp_dir dir;
  std::string credentials;
  json creds;
  unsigned short port = 0;

private:
  void start_server() {
    port = free_port();
    auto log = dir.path() + "/server.log";
    auto schema = env_or("SIBERIUS_SOURCE_DIR", SIBERIUS_TEST_SOURCE_DIR) + "/schema";
    server_ = std::make_unique<child_process>(
        std::vector<std::string>{SIBERIUS_SERVER_BIN, "--port", std::to_string(port), "--db", conninfo_,
                                 "--schema-dir", schema, "--credentials", credentials, "--public-url", url(),
                                 "--db-workers", "1", "--io-threads", "1"},
        std::vector<std::string>{"PATH=/usr/bin:/bin"}, log, log);
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (read_file(log).find("\"server:listening\"") != std::string::npos)
        return;
      if (!server_->running())
        break;
      std::this_thread::sleep_for(20ms);
    }
    server_.reset(); // port taken or a failure: the caller retries or reports the log
  }

  std::string admin_conninfo_;
  std::string db_name_;
  std::string conninfo_;
  std::unique_ptr<child_process> server_;
};

e2e_world& world() {
  static auto w = std::make_unique<e2e_world>();
  return *w;
}

// A daemon connected over a raw WebSocket: the server sees it online.
class raw_daemon {
public:
  raw_daemon(unsigned short port, const json& auth) : ws_(ioc_) {
    boost::asio::ip::tcp::resolver resolver(ioc_);
    boost::asio::connect(ws_.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
    ws_.handshake("127.0.0.1:" + std::to_string(port), "/socket.io/?EIO=4&transport=websocket");
    auto open = read();
    if (open.rfind("0{", 0) != 0)
      throw std::runtime_error("expected an Engine.IO open packet, got " + open);
    ws_.write(boost::asio::buffer("40/daemon," + auth.dump()));
    connect_reply = read();
  }

  // Next frame that is not a ping (pings are answered).
  std::string read() {
    for (;;) {
      boost::beast::flat_buffer buffer;
      ws_.read(buffer);
      auto text = boost::beast::buffers_to_string(buffer.data());
      if (text == "2") {
        ws_.write(boost::asio::buffer(std::string("3")));
        continue;
      }
      return text;
    }
  }

  std::string connect_reply;

private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
};

// Display column where `needle` starts in `line` (for alignment checks).
std::size_t column_of(const std::string& line, const std::string& needle) {
  auto at = line.find(needle);
  if (at == std::string::npos)
    return std::string::npos;
  return display_width(line.substr(0, at));
}

std::string line_starting(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0)
      return line;
  return "";
}

const std::string office_name = "Construtora São João";

} // namespace

CAF_TEST(health through the credentials file) {
  auto& w = world();
  auto r = w.admin({"health"}, {"SIBERIUS_CREDENTIALS=" + w.credentials});
  CAF_CHECK_EQUAL(r.code, 0);
  CAF_CHECK_EQUAL(r.err, "");
  CAF_CHECK(r.out.find("server    healthy, version ") != std::string::npos);
  CAF_CHECK(r.out.find("database  connected, 0 PDFs indexed, 0 cached on the server") != std::string::npos);
  // scripts/run's first start issues a demo daemon token.
  CAF_CHECK(r.out.find("daemons   0 online, 1 offline, 1 total") != std::string::npos);
}

CAF_TEST(daemon token is shown once with its env lines) {
  auto& w = world();
  auto r = w.admin({"--credentials", w.credentials, "daemon-token", "create", office_name, "--client-id", "office-e2e"});
  CAF_CHECK_EQUAL(r.code, 0);
  CAF_CHECK_EQUAL(r.err, "");
  std::smatch m;
  CAF_REQUIRE(std::regex_search(r.out, m, std::regex("\n  DAEMON_TOKEN=([0-9a-f]{16}\\.[0-9a-f]{64})\n")));
  CAF_CHECK(r.out.find("  CLIENT_ID=office-e2e\n") != std::string::npos);
  CAF_CHECK(r.out.find("shown only this once") != std::string::npos);
  CAF_CHECK(r.out.find("Daemon token created for \"" + office_name + "\"") == 0);

  // The same client id again: a conflict, exit 1, the server's reason.
  auto again = w.admin({"--credentials", w.credentials, "daemon-token", "create", "other", "--client-id", "office-e2e"});
  CAF_CHECK_EQUAL(again.code, 1);
  CAF_CHECK(again.err.find("(HTTP 409)\n") != std::string::npos);
  CAF_CHECK_EQUAL(again.out, "");

  // The printed token is the one the daemon authenticates with.
  raw_daemon daemon(w.port, {{"token", m[1].str()}, {"clientId", "office-e2e"}, {"version", "9.9.9-e2e"}});
  const std::string accepted = "40/daemon,";
  CAF_REQUIRE(daemon.connect_reply.rfind(accepted, 0) == 0);
  auto handshake = json::parse(daemon.connect_reply.substr(accepted.size()));
  CAF_CHECK(handshake.at("sid").is_string());
  CAF_CHECK(handshake.at("lastSync").is_null());

  auto list = w.admin({"daemons"}, {"SIBERIUS_SERVER=" + w.url(), "SIBERIUS_TOKEN=" + w.creds["adminToken"].get<std::string>()});
  CAF_CHECK_EQUAL(list.code, 0);
  auto header = line_starting(list.out, "NAME");
  auto row = line_starting(list.out, office_name);
  CAF_REQUIRE(!row.empty());
  // Columns line up in display columns despite the UTF-8 name.
  CAF_CHECK_EQUAL(column_of(row, "office-e2e"), column_of(header, "CLIENT ID"));
  CAF_CHECK_EQUAL(column_of(row, "online"), column_of(header, "STATUS"));
  CAF_CHECK_EQUAL(column_of(row, "127.0.0.1"), column_of(header, "REMOTE ADDR"));
  CAF_CHECK_EQUAL(column_of(row, "9.9.9-e2e"), column_of(header, "VERSION"));
  CAF_CHECK(row.find("s ago") != std::string::npos || row.find("just now") != std::string::npos);
  CAF_CHECK(!line_starting(list.out, "demo office daemon").empty());

  auto as_json = w.admin({"--credentials", w.credentials, "daemons", "list", "--json"});
  CAF_CHECK_EQUAL(as_json.code, 0);
  auto daemons = json::parse(as_json.out).at("daemons");
  json mine;
  for (auto& d : daemons)
    if (d.value("clientId", json()) == "office-e2e")
      mine = d;
  CAF_REQUIRE(mine.is_object());
  CAF_CHECK_EQUAL(mine["name"], office_name);
  CAF_CHECK_EQUAL(mine["status"], "online");
  CAF_CHECK_EQUAL(mine["blocked"], false);
  CAF_CHECK_EQUAL(mine["version"], "9.9.9-e2e");

  auto health = w.admin({"--credentials", w.credentials, "health"});
  CAF_CHECK_EQUAL(health.code, 0);
  CAF_CHECK(health.out.find("daemons   1 online, 1 offline, 2 total") != std::string::npos);
}

CAF_TEST(a wrong token exits 3 with the reason from the server) {
  auto& w = world();
  auto r = w.admin({"--server", w.url(), "--token", "0000000000000000." + std::string(64, '0'), "daemons"});
  CAF_CHECK_EQUAL(r.code, 3);
  CAF_CHECK_EQUAL(r.out, "");
  CAF_CHECK_EQUAL(r.err, "siberius-admin: invalid token (HTTP 401)\n");
  // The flag wins over a valid token in the environment and the file.
  auto flag_wins = w.admin({"--token", "nope", "health"},
                           {"SIBERIUS_TOKEN=" + w.creds["adminToken"].get<std::string>(),
                            "SIBERIUS_CREDENTIALS=" + w.credentials});
  CAF_CHECK_EQUAL(flag_wins.code, 3);
  auto none = w.admin({"--server", w.url(), "daemons"});
  CAF_CHECK_EQUAL(none.code, 3);
  CAF_CHECK(none.err.find("siberius-admin: no admin token") == 0);
}

CAF_TEST(usage and not found) {
  auto& w = world();
  CAF_CHECK_EQUAL(w.admin({"daemon-token", "create"}).code, 2);
  CAF_CHECK_EQUAL(w.admin({"--help"}).code, 0);
  // A server URL with a prefix the server does not serve: 404 → exit 4.
  auto r = w.admin({"--server", w.url() + "/nowhere", "--credentials", w.credentials, "daemons"});
  CAF_CHECK_EQUAL(r.code, 4);
  CAF_CHECK_EQUAL(r.err, "siberius-admin: no such endpoint: /nowhere/api/admin/daemons (HTTP 404)\n");
}
