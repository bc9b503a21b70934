// wss:// against sio-echo behind a TLS front with a throw-away certificate
// for DNS:localhost: the CA file, the host name check and SNI are exercised.
#define CAF_SUITE sio_client_tls
#include "caf/test/unit_test.hpp"

#include <unistd.h>

#include "client_fixture.hpp"
#include "tls_forwarder.hpp"

using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct fixture : siberius::test::echo_fixture {
  siberius::test::test_certificate cert{"/tmp/siberius-client-tls-" + std::to_string(::getpid())};
  std::unique_ptr<siberius::test::tls_forwarder> front;

  fixture() {
    if (!echo.running())
      CAF_FAIL(echo.error());
    if (!cert.ok())
      CAF_FAIL(cert.error);
    front = std::make_unique<siberius::test::tls_forwarder>(cert, echo.port());
  }

  ~fixture() { std::system(("rm -rf '" + cert.dir + "'").c_str()); }

  siberius::net::client_options tls_options(const std::string& host) {
    siberius::net::client_options o;
    o.url = "wss://" + host + ":" + std::to_string(front->port());
    o.ca_file = cert.cert_file;
    return o;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(echo_tls, fixture)

CAF_TEST(wss with the right CA and host name joins and acks) {
  auto c = make_client("/", json::object({{"token", "t"}}), tls_options("localhost"));
  c->connect();
  CAF_REQUIRE(!log.wait_for("connect {").empty());
  CAF_CHECK_EQUAL(log.wait_for("event auth "), "event auth [{\"token\":\"t\"}]");
  c->emit_with_ack("message-with-ack", json::array({"over tls"}),
                   [this](siberius::net::ack_result r) { log.push("ack " + r.args.dump()); }, 5s);
  CAF_CHECK_EQUAL(log.wait_for("ack "), "ack [\"over tls\"]");
}

CAF_TEST(an untrusted certificate is refused) {
  auto o = tls_options("localhost");
  o.ca_file.clear(); // the system store does not know the throw-away CA
  auto c = make_client("/", json::object(), o);
  c->connect();
  auto err = log.wait_for("connect_error ");
  CAF_CHECK(err.find("TLS handshake with localhost failed") != std::string::npos);
  CAF_CHECK(err.find("certificate verify failed") != std::string::npos);
}

CAF_TEST(a certificate for another host name is refused) {
  // Trusted CA, but the certificate names localhost, not 127.0.0.1.
  auto c = make_client("/", json::object(), tls_options("127.0.0.1"));
  c->connect();
  auto err = log.wait_for("connect_error ");
  CAF_CHECK(err.find("TLS handshake with 127.0.0.1 failed") != std::string::npos);
}

CAF_TEST(verification can be turned off explicitly) {
  auto o = tls_options("127.0.0.1");
  o.ca_file.clear();
  o.verify_peer = false;
  auto c = make_client("/", json::object(), o);
  c->connect();
  CAF_CHECK(!log.wait_for("connect {").empty());
}

CAF_TEST(a missing CA file is a clear connect error) {
  auto o = tls_options("localhost");
  o.ca_file = cert.dir + "/no-such-ca.pem";
  auto c = make_client("/", json::object(), o);
  c->connect();
  auto err = log.wait_for("connect_error ");
  CAF_CHECK(err.find("cannot load CA file " + o.ca_file) != std::string::npos);
}

CAF_TEST(tls to a plain port fails the handshake instead of hanging) {
  siberius::net::client_options o;
  o.url = "wss://localhost:" + std::to_string(echo.port());
  o.ca_file = cert.cert_file;
  o.connect_timeout = 5s;
  auto c = make_client("/", json::object(), o);
  c->connect();
  auto err = log.wait_for("connect_error ");
  CAF_CHECK(err.find("TLS handshake with localhost failed") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
