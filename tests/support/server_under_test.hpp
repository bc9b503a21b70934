// A real siberius-server for end-to-end suites: a throw-away database in the
// cluster of scripts/test (SIBERIUS_PG) and the server as a child process,
// which can be stopped and started again on the same port.
#pragma once

#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <pqxx/pqxx>

#include "child_process.hpp"
#include "test_files.hpp"

namespace siberius::testing {

inline unsigned short free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

/// A database of its own, created at construction and dropped at the end.
class scratch_database {
public:
  explicit scratch_database(const std::string& prefix) {
    const char* pg = std::getenv("SIBERIUS_PG");
    if (pg == nullptr || *pg == '\0')
      throw std::runtime_error("SIBERIUS_PG is not set: this suite needs a PostgreSQL cluster (scripts/test "
                               "starts one; by hand: source scripts/lib/pg.sh; siberius_pg_start DIR PORT)");
    admin_ = pg;
    static int n = 0;
    name_ = prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
    pqxx::connection c(admin_);
    pqxx::nontransaction t(c);
    t.exec("CREATE DATABASE " + c.quote_name(name_));
  }

  ~scratch_database() {
    try {
      pqxx::connection c(admin_);
      pqxx::nontransaction t(c);
      t.exec("DROP DATABASE IF EXISTS " + c.quote_name(name_) + " WITH (FORCE)");
    } catch (...) {
      // the cluster is throw-away
    }
  }

  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  /// Later keywords win in a libpq connection string.
  std::string conninfo() const { return admin_ + " dbname=" + name_; }

private:
  std::string admin_;
  std::string name_;
};

/// siberius-server on a fixed port, logging to <dir>/server.log and writing
/// <dir>/credentials.json on its first start.
class server_process {
public:
  server_process(std::string dir, std::string conninfo, std::vector<std::string> extra_args = {})
    : dir_(std::move(dir)), conninfo_(std::move(conninfo)), extra_(std::move(extra_args)) {}

  /// Starts it and waits for its server:listening line; false when it exits
  /// first or does not get there in time (the port may have been taken).
  bool start(unsigned short port, std::chrono::milliseconds limit = std::chrono::seconds(60)) {
    port_ = port;
    auto log = log_path();
    auto before = count_in(read_file(log), "\"server:listening\"");
    std::vector<std::string> argv{SIBERIUS_SERVER_BIN, "--port", std::to_string(port), "--db", conninfo_,
                                  "--schema-dir", source_dir() + "/schema", "--credentials", credentials_path(),
                                  "--db-workers", "1", "--io-threads", "1"};
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    process_ = std::make_unique<child_process>(argv, std::vector<std::string>{"PATH=/usr/bin:/bin"}, log, log);
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (count_in(read_file(log), "\"server:listening\"") > before)
        return true;
      if (!process_->running())
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    process_.reset();
    return false;
  }

  /// Kills it (SIGKILL): what a crash or a power cut does to a server.
  void stop() { process_.reset(); }

  bool running() const { return process_ != nullptr; }
  unsigned short port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log_path() const { return dir_ + "/server.log"; }
  std::string credentials_path() const { return dir_ + "/credentials.json"; }

private:
  std::string dir_;
  std::string conninfo_;
  std::vector<std::string> extra_;
  unsigned short port_ = 0;
  std::unique_ptr<child_process> process_;
};

} // namespace siberius::testing
