// Measures the server's resident memory per idle Socket.IO connection: the
// server runs in this process, a forked child opens N WebSockets, joins "/" on
// each and then sits idle. Prints one JSON line; not a test (figures vary).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "net/server.hpp"

namespace {

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

class accept_all : public siberius::net::namespace_handler {
public:
  void on_connect(const siberius::net::connection_ptr& c, const std::string& nsp, nlohmann::json) override {
    c->accept(nsp);
  }
  void on_event(const siberius::net::connection_ptr&, const std::string&, std::string, nlohmann::json,
                std::optional<std::uint64_t>) override {}
  void on_disconnect(const siberius::net::connection_ptr&, const std::string&, const std::string&) override {}
};

bool read_until(int fd, const char* marker) {
  std::string got;
  char c;
  while (got.find(marker) == std::string::npos) {
    if (::read(fd, &c, 1) != 1)
      return false;
    got += c;
  }
  return true;
}

// Child: open `n` connections, each upgraded and joined to "/", then wait.
int run_clients(std::uint16_t port, int n, int ready_fd, int hold_fd) {
  std::vector<int> fds;
  const std::string upgrade =
      "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n";
  // Masked text frame "40" with an all-zero mask.
  const unsigned char join[] = {0x81, 0x82, 0, 0, 0, 0, '4', '0'};
  for (int i = 0; i < n; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      return 1;
    if (::write(fd, upgrade.data(), upgrade.size()) != static_cast<ssize_t>(upgrade.size()) ||
        !read_until(fd, "\r\n\r\n") || !read_until(fd, "}"))
      return 1;
    if (::write(fd, join, sizeof join) != sizeof join || !read_until(fd, "}"))
      return 1;
    fds.push_back(fd);
  }
  char byte = 1;
  if (::write(ready_fd, &byte, 1) != 1)
    return 1;
  (void)!::read(hold_fd, &byte, 1); // until the parent has measured
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);

  boost::asio::io_context ioc;
  siberius::net::server server(ioc, {});
  server.add_namespace("/", std::make_shared<accept_all>());
  server.listen("127.0.0.1", 0);
  std::thread io([&] { ioc.run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  long before = rss_kib();
  auto heap_before = mallinfo2().uordblks;

  int ready[2], hold[2];
  if (pipe(ready) != 0 || pipe(hold) != 0)
    return 1;
  pid_t child = fork();
  if (child == 0)
    _exit(run_clients(server.port(), n, ready[1], hold[0]));
  char byte = 0;
  bool ok = ::read(ready[0], &byte, 1) == 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  long after = rss_kib();
  auto heap_after = mallinfo2().uordblks;
  malloc_trim(0);
  long trimmed = rss_kib();
  std::size_t open = server.connection_count();
  (void)!::write(hold[1], &byte, 1);
  int status = 0;
  waitpid(child, &status, 0);
  std::printf("{\"event\":\"net:idle-memory\",\"ok\":%s,\"connections\":%zu,\"rss_before_kib\":%ld,"
              "\"rss_after_kib\":%ld,\"bytes_per_connection\":%ld,\"heap_bytes_per_connection\":%ld,"
              "\"rss_after_trim_kib\":%ld}\n",
              ok ? "true" : "false", open, before, after,
              open ? (after - before) * 1024 / static_cast<long>(open) : 0L,
              open ? static_cast<long>(heap_after - heap_before) / static_cast<long>(open) : 0L, trimmed);
  server.stop();
  io.join();
  return ok ? 0 : 1;
}
