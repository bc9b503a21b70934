#include "tls_forwarder.hpp"

#include <array>
#include <cstdlib>

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

namespace siberius::test {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

test_certificate::test_certificate(std::string d) : dir(std::move(d)) {
  cert_file = dir + "/cert.pem";
  key_file = dir + "/key.pem";
  std::string cmd = "mkdir -p '" + dir + "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
                    "-nodes -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout '" +
                    key_file + "' -out '" + cert_file + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0)
    error = "openssl could not make a test certificate in " + dir;
}

namespace {

// One client connection: TLS on one side, plain TCP to the backend on the other.
struct tunnel : std::enable_shared_from_this<tunnel> {
  ssl::stream<tcp::socket> front;
  tcp::socket back;
  std::array<char, 16384> up{}, down{};

  tunnel(tcp::socket s, ssl::context& ctx) : front(std::move(s), ctx), back(front.get_executor()) {}

  void start(std::uint16_t backend_port) {
    front.async_handshake(ssl::stream_base::server, [self = shared_from_this(), backend_port](auto ec) {
      if (ec)
        return self->stop();
      self->back.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), backend_port),
                               [self](auto ec) {
                                 if (ec)
                                   return self->stop();
                                 self->pump_up();
                                 self->pump_down();
                               });
    });
  }

  void pump_up() {
    front.async_read_some(asio::buffer(up), [self = shared_from_this()](auto ec, std::size_t n) {
      if (ec)
        return self->stop();
      asio::async_write(self->back, asio::buffer(self->up, n), [self](auto ec, std::size_t) {
        if (ec)
          return self->stop();
        self->pump_up();
      });
    });
  }

  void pump_down() {
    back.async_read_some(asio::buffer(down), [self = shared_from_this()](auto ec, std::size_t n) {
      if (ec)
        return self->stop();
      asio::async_write(self->front, asio::buffer(self->down, n), [self](auto ec, std::size_t) {
        if (ec)
          return self->stop();
        self->pump_down();
      });
    });
  }

  void stop() {
    boost::system::error_code ignored;
    front.next_layer().close(ignored);
    back.close(ignored);
  }
};

} // namespace

tls_forwarder::tls_forwarder(const test_certificate& cert, std::uint16_t backend_port)
  : ctx_(ssl::context::tls_server), acceptor_(ioc_), backend_port_(backend_port) {
  ctx_.use_certificate_chain_file(cert.cert_file);
  ctx_.use_private_key_file(cert.key_file, ssl::context::pem);
  tcp::endpoint ep(asio::ip::address_v4::loopback(), 0);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  do_accept();
  thread_ = std::thread([this] { ioc_.run(); });
}

tls_forwarder::~tls_forwarder() {
  ioc_.stop();
  thread_.join();
}

void tls_forwarder::do_accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
    if (!ec)
      std::make_shared<tunnel>(std::move(s), ctx_)->start(backend_port_);
    do_accept();
  });
}

} // namespace siberius::test
