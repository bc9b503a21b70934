// A TLS front for the tests: terminates TLS with a throw-away certificate and
// forwards the bytes to a plain TCP port (sio-echo), so wss:// can be tested
// end to end without a TLS-capable server.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

namespace siberius::test {

/// A self-signed certificate for DNS:localhost (and no IP address), written
/// into `dir` as cert.pem and key.pem with the openssl command.
struct test_certificate {
  std::string dir, cert_file, key_file, error;
  explicit test_certificate(std::string dir);
  bool ok() const { return error.empty(); }
};

class tls_forwarder {
public:
  tls_forwarder(const test_certificate& cert, std::uint16_t backend_port);
  ~tls_forwarder();
  std::uint16_t port() const { return port_; }

private:
  void do_accept();
  boost::asio::io_context ioc_;
  boost::asio::ssl::context ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t backend_port_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

} // namespace siberius::test
