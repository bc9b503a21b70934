// siberius-admin against a real siberius-server and PostgreSQL: the binary
// a person runs, its output and its exit codes. Needs SIBERIUS_PG.
#define CAF_SUITE cli_e2e
#include "caf/test/unit_test.hpp"

#include <cstdlib>
#include <memory>
#include <regex>

#include <sys/stat.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "../support/child_process.hpp"
#include "../support/server_under_test.hpp"
#include "cli/table.hpp"
#include "../support/temp_dir.hpp"

using namespace siberius::cli;
using namespace siberius::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

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
    // A free port may be taken again before the server binds it: retry.
    for (int attempt = 0; attempt < 3 && !server_.running(); ++attempt) {
      port = free_port();
      server_.start(port);
    }
    if (!server_.running())
      throw std::runtime_error("siberius-server did not start:\n" + read_file(server_.log_path()));
    credentials = server_.credentials_path();
    creds = json::parse(read_file(credentials));
  }

  ~e2e_world() { server_.stop(); }

  std::string url() const { return server_.url(); }

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
  scratch_database db_{"sib_cli_e2e"};
  server_process server_{dir.path(), db_.conninfo()};
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

// The first line of `text` that holds `needle`.
std::string line_with(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.find(needle) != std::string::npos)
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
  // The server wrote the tokens and the first admin's password for its operator only.
  struct stat st {};
  CAF_REQUIRE_EQUAL(::stat(w.credentials.c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0600u);
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

  // The same client id again: a conflict, exit 6, the server's reason.
  auto again = w.admin({"--credentials", w.credentials, "daemon-token", "create", "other", "--client-id", "office-e2e"});
  CAF_CHECK_EQUAL(again.code, 6);
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
  auto header = line_starting(list.out, "ID");
  auto row = line_with(list.out, office_name);
  CAF_REQUIRE(!row.empty());
  // Columns line up in display columns despite the UTF-8 name.
  CAF_CHECK_EQUAL(column_of(row, "office-e2e"), column_of(header, "CLIENT ID"));
  CAF_CHECK_EQUAL(column_of(row, "online"), column_of(header, "STATUS"));
  CAF_CHECK_EQUAL(column_of(row, "127.0.0.1"), column_of(header, "REMOTE ADDR"));
  CAF_CHECK_EQUAL(column_of(row, "9.9.9-e2e"), column_of(header, "VERSION"));
  CAF_CHECK(row.find("s ago") != std::string::npos || row.find("just now") != std::string::npos);
  CAF_CHECK_EQUAL(column_of(row, office_name), column_of(header, "NAME"));
  CAF_CHECK(!line_with(list.out, "demo office daemon").empty());

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
  CAF_CHECK_EQUAL(r.err, "siberius-admin: invalid or expired token (HTTP 401)\n");
  // The flag wins over a valid token in the environment and the file.
  auto flag_wins = w.admin({"--token", "nope", "health"},
                           {"SIBERIUS_TOKEN=" + w.creds["adminToken"].get<std::string>(),
                            "SIBERIUS_CREDENTIALS=" + w.credentials});
  CAF_CHECK_EQUAL(flag_wins.code, 3);
  auto none = w.admin({"--server", w.url(), "daemons"});
  CAF_CHECK_EQUAL(none.code, 3);
  CAF_CHECK(none.err.find("siberius-admin: no token") == 0);
}

CAF_TEST(usage and not found) {
  auto& w = world();
  CAF_CHECK_EQUAL(w.admin({"daemon-token", "create"}).code, 2);
  CAF_CHECK_EQUAL(w.admin({"--help"}).code, 0);
  // A server URL with a prefix the server does not serve: 404 → exit 4.
  auto r = w.admin({"--server", w.url() + "/nowhere", "--token", w.creds["adminToken"].get<std::string>(), "daemons"});
  CAF_CHECK_EQUAL(r.code, 4);
  CAF_CHECK_EQUAL(r.err, "siberius-admin: no such endpoint: /nowhere/api/admin/daemons (HTTP 404)\n");
}

CAF_TEST(the token of a credentials file is not sent to another server) {
  auto& w = world();
  auto r = w.admin({"--server", w.url() + "/elsewhere", "--credentials", w.credentials, "daemons"});
  CAF_CHECK_NOT_EQUAL(r.code, 0);
  CAF_CHECK(r.err.find("siberius-admin: no token for " + w.url() + "/elsewhere (the token in " + w.credentials +
                       " is for " + w.url()) == 0);
  CAF_CHECK(r.err.find("so it is not sent here") != std::string::npos);
  CAF_CHECK(r.err.find(w.creds["adminToken"].get<std::string>()) == std::string::npos);
  // The same file with its own server works.
  CAF_CHECK_EQUAL(w.admin({"--server", w.url(), "--credentials", w.credentials, "daemons"}).code, 0);
}

CAF_TEST(a person logs in and schedules a new technician then logs out) {
  auto& w = world();
  auto home = w.dir.path() + "/home";
  auto session = home + "/.config/siberius/session.json"; // the default place, under HOME
  std::vector<std::string> env{"SIBERIUS_SERVER=" + w.url(), "HOME=" + home, "TZ=UTC0"};

  // The first person account comes from the admin API token scripts/run wrote.
  auto chefe = w.admin({"--credentials", w.credentials, "users", "add", "chefe", "--role", "admin", "--nome",
                        "Chefe do Escritório", "--password", "chefe-senha-e2e"});
  CAF_REQUIRE_EQUAL(chefe.code, 0);
  CAF_CHECK(chefe.out.find("Created user chefe (admin, id ") == 0);
  CAF_CHECK(chefe.out.find("shown only this once") == std::string::npos); // a chosen password is not printed

  auto login = w.admin({"login", "--user", "chefe", "--password", "chefe-senha-e2e"}, env);
  CAF_REQUIRE_EQUAL(login.code, 0);
  CAF_CHECK_EQUAL(login.err, "");
  CAF_CHECK(login.out.find("logged in as chefe (admin) until ") == 0);
  struct stat st {};
  CAF_REQUIRE_EQUAL(::stat(session.c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 0777, 0600u);
  auto stored = json::parse(read_file(session));
  CAF_CHECK_EQUAL(stored.at("server"), w.url());
  CAF_CHECK_EQUAL(stored.at("login"), "chefe");
  CAF_CHECK_EQUAL(stored.at("role"), "admin");
  auto token = stored.at("token").get<std::string>();
  CAF_CHECK(!token.empty());

  auto me = w.admin({"whoami", "--json"}, env);
  CAF_REQUIRE_EQUAL(me.code, 0);
  auto who = json::parse(me.out);
  CAF_CHECK_EQUAL(who.at("login"), "chefe");
  CAF_CHECK_EQUAL(who.at("nome"), "Chefe do Escritório");
  CAF_CHECK_EQUAL(who.at("role"), "admin");
  CAF_CHECK_EQUAL(who.at("via"), "session");
  CAF_CHECK(w.admin({"whoami"}, env).out.find("via    session\n") != std::string::npos);

  // A technician with a password the server makes up, shown once.
  auto tec = w.admin({"users", "add", "tec-e2e", "--role", "tecnico", "--nome", "Técnico E2E"}, env);
  CAF_REQUIRE_EQUAL(tec.code, 0);
  std::smatch m;
  CAF_CHECK(std::regex_search(tec.out, m, std::regex("Its password is shown only this once:\n\n  (\\S{8,})\n")));
  CAF_CHECK_EQUAL(w.admin({"users", "add", "tec-e2e", "--role", "tecnico"}, env).code, 6);
  auto users = json::parse(w.admin({"users", "list", "--json"}, env).out).at("users");
  bool listed = false;
  for (const auto& u : users)
    listed = listed || (u.at("login") == "tec-e2e" && u.at("role") == "tecnico" && u.at("disabled") == false);
  CAF_CHECK(listed);

  auto created = w.admin({"--json", "atendimentos", "create", "--titulo", "Montagem palco", "--inicio",
                          "2030-05-10T08:00", "--fim", "2030-05-10T18:00", "--cliente", office_name, "--local",
                          "Pavilhão 3", "--tecnico", "tec-e2e"},
                         env);
  CAF_REQUIRE_EQUAL(created.code, 0);
  auto a = json::parse(created.out);
  CAF_CHECK_EQUAL(a.at("titulo"), "Montagem palco");
  CAF_CHECK_EQUAL(a.at("cliente"), office_name);
  CAF_CHECK_EQUAL(a.at("dataInicio").get<std::string>().rfind("2030-05-10T08:00", 0), 0u);
  CAF_CHECK_EQUAL(a.at("dataFim").get<std::string>().rfind("2030-05-10T18:00", 0), 0u);
  CAF_REQUIRE_EQUAL(a.at("tecnicos").size(), 1u);
  CAF_CHECK_EQUAL(a.at("tecnicos")[0].at("login"), "tec-e2e");

  auto list = w.admin({"atendimentos", "list", "--from", "2030-05-01", "--to", "2030-05-31"}, env);
  CAF_REQUIRE_EQUAL(list.code, 0);
  auto header = line_starting(list.out, "ID");
  auto row = line_with(list.out, "Montagem palco");
  CAF_REQUIRE(!row.empty());
  CAF_CHECK_EQUAL(column_of(row, "2030-05-10 08:00"), column_of(header, "START"));
  CAF_CHECK_EQUAL(column_of(row, "2030-05-10 18:00"), column_of(header, "END"));
  CAF_CHECK_EQUAL(column_of(row, office_name), column_of(header, "CLIENT"));
  CAF_CHECK_EQUAL(column_of(row, "tec-e2e"), column_of(header, "TECHNICIANS"));
  auto listed_json =
      json::parse(w.admin({"atendimentos", "list", "--from", "2030-05-01", "--to", "2030-05-31", "--json"}, env).out);
  bool found = false;
  for (const auto& item : listed_json.at("items"))
    found = found || item.at("id") == a.at("id");
  CAF_CHECK(found);

  // A document the office has not written yet: kept as a reference, shown as awaited.
  auto awaiting = w.admin({"atendimentos", "create", "--titulo", "Festa", "--inicio", "2030-05-12", "--tipo", "os",
                           "--numero", "900001"},
                          env);
  CAF_CHECK_EQUAL(awaiting.code, 0);
  CAF_CHECK(awaiting.out.find("\nNo PDFs linked.\nWaiting for PDFs not indexed yet: os 900001\n") != std::string::npos);

  auto out = w.admin({"logout"}, env);
  CAF_CHECK_EQUAL(out.code, 0);
  CAF_CHECK_EQUAL(out.out, "logged out chefe from " + w.url() + "\n");
  CAF_CHECK(::stat(session.c_str(), &st) != 0);
  // No session left, and the old token is closed on the server.
  auto after = w.admin({"whoami"}, env);
  CAF_CHECK_EQUAL(after.code, 3);
  CAF_CHECK(after.err.find("siberius-admin: no token") == 0);
  CAF_CHECK_EQUAL(w.admin({"whoami", "--token", token}, env).code, 3);
}

namespace {

// The token printed on a line of its own after "shown only this once".
std::string printed_token(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("shown only this once[^\n]*\n\n  (\\S+)\n")))
    return "";
  return m[1].str();
}

json token_with_id(const json& tokens, const json& id) {
  for (const auto& t : tokens)
    if (t.at("id") == id)
      return t;
  return json();
}

} // namespace

CAF_TEST(daemons show of the demo daemon) {
  auto& w = world();
  auto client_id = w.creds.at("clientId").get<std::string>();
  auto r = w.admin({"--credentials", w.credentials, "daemons", "show", client_id});
  CAF_CHECK_EQUAL(r.code, 0);
  CAF_CHECK_EQUAL(r.err, "");
  CAF_CHECK(r.out.find("client id              " + client_id + "\n") != std::string::npos);
  CAF_CHECK(r.out.find("name                   demo office daemon\n") != std::string::npos);
  CAF_CHECK(r.out.find("status                 offline\n") != std::string::npos);
  CAF_CHECK(r.out.find("\nPDFs: 0 in all: 0 only in the office") != std::string::npos);
  CAF_CHECK(r.out.find("\nTokens:\nTOKEN ID  PUBLIC ID") != std::string::npos);
  CAF_CHECK(r.out.find("Recent events: none.\n") != std::string::npos);

  auto as_json = w.admin({"--credentials", w.credentials, "--json", "daemons", "show", client_id});
  CAF_REQUIRE_EQUAL(as_json.code, 0);
  auto d = json::parse(as_json.out);
  CAF_CHECK_EQUAL(d.at("clientId"), client_id);
  CAF_REQUIRE_EQUAL(d.at("tokens").size(), 1u);
  auto token = d.at("tokens")[0];
  CAF_CHECK_EQUAL(token.at("state"), "active");
  // The numeric id means the same daemon.
  auto by_id = w.admin({"--credentials", w.credentials, "--json", "daemons", "show", d.at("id").dump()});
  CAF_REQUIRE_EQUAL(by_id.code, 0);
  auto same = json::parse(by_id.out);
  CAF_CHECK_EQUAL(same.at("clientId"), client_id);

  auto unknown = w.admin({"--credentials", w.credentials, "daemons", "show", "no-such-office"});
  CAF_CHECK_EQUAL(unknown.code, 4);
  CAF_CHECK(unknown.err.find("no daemon with client id \"no-such-office\"") != std::string::npos);
  CAF_CHECK_EQUAL(w.admin({"--credentials", w.credentials, "daemons", "show", "999999"}).code, 4);
}

CAF_TEST(resync and disconnect of an offline daemon exit 6) {
  auto& w = world();
  auto client_id = w.creds.at("clientId").get<std::string>();
  auto resync = w.admin({"--credentials", w.credentials, "daemons", "resync", client_id, "--reason", "e2e"});
  CAF_CHECK_EQUAL(resync.code, 6);
  CAF_CHECK_EQUAL(resync.out, "");
  CAF_CHECK(resync.err.find("not connected") != std::string::npos);
  CAF_CHECK(resync.err.find("(HTTP 409)\n") != std::string::npos);
  auto disconnect = w.admin({"--credentials", w.credentials, "daemons", "disconnect", client_id});
  CAF_CHECK_EQUAL(disconnect.code, 6);
  CAF_CHECK(disconnect.err.find("not connected") != std::string::npos);
}

CAF_TEST(config of an offline daemon is stored until it connects) {
  auto& w = world();
  auto client_id = w.creds.at("clientId").get<std::string>();
  auto r = w.admin({"--credentials", w.credentials, "daemons", "config", client_id, "--log-level", "debug"});
  CAF_CHECK_EQUAL(r.code, 0);
  CAF_CHECK_EQUAL(r.err, "");
  CAF_CHECK(r.out.find("which is not connected: it gets the settings when it connects.\n") != std::string::npos);
  auto j = w.admin({"--credentials", w.credentials, "--json", "daemons", "config", client_id, "--scan-interval",
                    "600"});
  CAF_REQUIRE_EQUAL(j.code, 0);
  auto stored = json::parse(j.out);
  CAF_CHECK_EQUAL(stored.at("delivered"), false);
  CAF_CHECK_EQUAL(stored.at("config"), (json{{"logLevel", "debug"}, {"scanIntervalSeconds", 600}}));
  auto show = w.admin({"--credentials", w.credentials, "daemons", "show", client_id});
  CAF_CHECK(show.out.find("settings set by admin  logLevel=debug scanIntervalSeconds=600\n") != std::string::npos);
  CAF_CHECK_EQUAL(w.admin({"--credentials", w.credentials, "daemons", "config", client_id}).code, 2);
}

CAF_TEST(block and unblock a daemon) {
  auto& w = world();
  auto client_id = w.creds.at("clientId").get<std::string>();
  auto block = w.admin({"--credentials", w.credentials, "daemons", "block", client_id});
  CAF_CHECK_EQUAL(block.code, 0);
  CAF_CHECK(block.out.find("Blocked daemon ") == 0);
  auto list = w.admin({"--credentials", w.credentials, "daemons"});
  CAF_CHECK_EQUAL(list.out.rfind("ID  NAME", 0), 0u); // the id DAEMON may be given as
  CAF_CHECK(line_with(list.out, client_id).find(client_id + "  blocked  ") != std::string::npos);
  auto unblock = w.admin({"--credentials", w.credentials, "--json", "daemons", "unblock", client_id});
  CAF_REQUIRE_EQUAL(unblock.code, 0);
  auto d = json::parse(unblock.out);
  CAF_CHECK_EQUAL(d.at("blocked"), false);
}

CAF_TEST(daemon token list rotate and revoke) {
  auto& w = world();
  auto client_id = w.creds.at("clientId").get<std::string>();
  auto list = w.admin({"--credentials", w.credentials, "daemon-token", "list"});
  CAF_CHECK_EQUAL(list.code, 0);
  auto header = line_starting(list.out, "ID");
  CAF_CHECK(header.find("DAEMON  CLIENT ID") != std::string::npos);
  CAF_CHECK(list.out.find(client_id) != std::string::npos);

  auto rotated = w.admin({"--credentials", w.credentials, "daemon-token", "rotate", client_id, "--overlap-hours", "2"});
  CAF_REQUIRE_EQUAL(rotated.code, 0);
  CAF_CHECK_EQUAL(rotated.err, "");
  auto token = printed_token(rotated.out);
  CAF_CHECK(std::regex_match(token, std::regex("[0-9a-f]{16}\\.[0-9a-f]{64}")));
  CAF_CHECK(rotated.out.find("  DAEMON_TOKEN=" + token + "\n  CLIENT_ID=" + client_id + "\n") != std::string::npos);
  CAF_CHECK(rotated.out.find("Its previous tokens stop working at ") != std::string::npos);
  std::smatch m;
  CAF_REQUIRE(std::regex_search(rotated.out, m, std::regex("\\(token id (\\d+)\\)")));
  auto new_id = std::stoll(m[1].str());

  auto tokens = json::parse(w.admin({"--credentials", w.credentials, "--json", "daemon-token", "list"}).out).at("tokens");
  auto fresh = token_with_id(tokens, json(new_id));
  CAF_REQUIRE(fresh.is_object());
  CAF_CHECK_EQUAL(fresh.at("state"), "active");
  CAF_CHECK_EQUAL(fresh.at("clientId"), client_id);
  std::vector<std::string> others; // the daemon's earlier tokens: they end after the overlap
  for (const auto& t : tokens)
    if (t.at("clientId") == client_id && t.at("id") != json(new_id))
      others.push_back(t.at("state").get<std::string>());
  CAF_CHECK_EQUAL(others, std::vector<std::string>{"expiring"});

  // The new token is the one the daemon connects with; revoking it
  // disconnects that daemon.
  raw_daemon daemon(w.port, {{"token", token}, {"clientId", client_id}, {"version", "9.9.9-e2e"}});
  CAF_REQUIRE(daemon.connect_reply.rfind("40/daemon,", 0) == 0);
  auto revoked = w.admin({"--credentials", w.credentials, "daemon-token", "revoke", std::to_string(new_id)});
  CAF_CHECK_EQUAL(revoked.code, 0);
  CAF_CHECK_EQUAL(revoked.out, "Revoked daemon token " + std::to_string(new_id) + " of daemon " +
                                   fresh.at("daemonId").dump() + " (" + client_id +
                                   "); the daemon connected with it was disconnected.\n");
  auto again = w.admin({"--credentials", w.credentials, "daemon-token", "revoke", std::to_string(new_id)});
  CAF_CHECK_EQUAL(again.code, 4);
  CAF_CHECK(again.err.find("(HTTP 404)\n") != std::string::npos);
  CAF_CHECK_EQUAL(w.admin({"--credentials", w.credentials, "daemon-token", "rotate", "no-such-office"}).code, 4);
}

CAF_TEST(api token create list revoke and the revoked token refused) {
  auto& w = world();
  auto created = w.admin({"--credentials", w.credentials, "api-token", "create", "e2e script"});
  CAF_REQUIRE_EQUAL(created.code, 0);
  CAF_CHECK_EQUAL(created.err, "");
  CAF_CHECK(created.out.find("API token created: \"e2e script\" (admin, id ") == 0);
  auto token = printed_token(created.out);
  CAF_REQUIRE(!token.empty());
  std::smatch m;
  CAF_REQUIRE(std::regex_search(created.out, m, std::regex("id (\\d+)\\)")));
  auto id = m[1].str();

  auto used = w.admin({"--server", w.url(), "--token", token, "daemons"});
  CAF_CHECK_EQUAL(used.code, 0);
  auto list = w.admin({"--credentials", w.credentials, "api-token", "list"});
  CAF_CHECK_EQUAL(list.code, 0);
  auto mine = line_with(list.out, "e2e script");
  CAF_CHECK(mine.find("  admin  ") != std::string::npos);
  CAF_CHECK(mine.find("  active  ") != std::string::npos);

  auto revoked = w.admin({"--credentials", w.credentials, "api-token", "revoke", id});
  CAF_CHECK_EQUAL(revoked.code, 0);
  CAF_CHECK_EQUAL(revoked.out, "Revoked API token " + id + ": requests with it are refused from now on.\n");
  auto refused = w.admin({"--server", w.url(), "--token", token, "daemons"});
  CAF_CHECK_EQUAL(refused.code, 3);
  CAF_CHECK(refused.err.find("(HTTP 401)\n") != std::string::npos);
  CAF_CHECK_EQUAL(w.admin({"--credentials", w.credentials, "api-token", "revoke", id}).code, 4);
  auto tokens = json::parse(w.admin({"--credentials", w.credentials, "--json", "api-token", "list"}).out).at("tokens");
  auto listed = token_with_id(tokens, json(std::stoll(id)));
  CAF_REQUIRE(listed.is_object());
  CAF_CHECK(listed.at("revokedAt").is_string());

  // A technician's token may not administer daemons.
  auto tecnico = w.admin({"--credentials", w.credentials, "api-token", "create", "e2e agenda", "--role", "tecnico"});
  CAF_REQUIRE_EQUAL(tecnico.code, 0);
  auto forbidden = w.admin({"--server", w.url(), "--token", printed_token(tecnico.out), "daemon-token", "list"});
  CAF_CHECK_EQUAL(forbidden.code, 3);
}
