// The daemon's upload client against small scripted servers on 127.0.0.1:
// what arrives (byte for byte, through the server's own multipart reader),
// and what the daemon is told when the server stores, refuses, breaks off,
// stalls or is not trusted.
#define CAF_SUITE http_upload
#include "caf/test/unit_test.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include "net/client/http_upload.hpp"
#include "net/multipart.hpp"
#include "tls_forwarder.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using siberius::net::upload_file;
using siberius::net::upload_outcome;
using siberius::net::upload_spec;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using steady = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// A one-connection server whose behaviour is a script run on its own thread.

struct connection {
  tcp::socket& socket;
  beast::flat_buffer& buffer;
  std::shared_future<void> stopped; // ready once the test tears the server down
  std::function<void()> reset;      // closes with a TCP reset (unread data, no linger)
};

class script_server {
public:
  using script = std::function<void(connection&)>;

  /// `receive_buffer` > 0 shrinks the kernel's buffer, so a client that
  /// outruns the script blocks soon instead of after megabytes.
  explicit script_server(script s, int receive_buffer = 0) : acceptor_(ioc_), socket_(ioc_) {
    tcp::endpoint ep(asio::ip::address_v4::loopback(), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    if (receive_buffer > 0)
      acceptor_.set_option(tcp::socket::receive_buffer_size(receive_buffer));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this, s = std::move(s)] {
      error_code ec;
      acceptor_.accept(socket_, ec);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (ec || stopping_)
          return;
        accepted_fd_ = socket_.native_handle();
      }
      connection c{socket_, buffer_, stopped_.get_future().share(), [this] { reset(); }};
      s(c);
    });
  }

  /// Waits until the script has ended by itself (the client has gone).
  void finish() {
    if (thread_.joinable())
      thread_.join();
  }

  /// Wakes a script blocked in accept or read and waits for it.
  ~script_server() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
      if (accepted_fd_ >= 0)
        ::shutdown(accepted_fd_, SHUT_RDWR);
    }
    stopped_.set_value();
    finish();
  }

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& prefix = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + prefix;
  }

private:
  // Under the lock, so the destructor never shuts down a reused descriptor.
  void reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    error_code ec;
    socket_.set_option(asio::socket_base::linger(true, 0), ec);
    socket_.close(ec);
    accepted_fd_ = -1;
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  bool stopping_ = false;
  int accepted_fd_ = -1;
  std::promise<void> stopped_;
  std::thread thread_;
};

// ----- script pieces -----

struct seen_request {
  std::string method, target;
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
  bool complete = false; // the whole Content-Length arrived
};

bool read_header(connection& c, http::request_parser<http::string_body>& p) {
  p.body_limit((std::numeric_limits<std::uint64_t>::max)());
  error_code ec;
  http::read_header(c.socket, c.buffer, p, ec);
  return !ec;
}

void send_continue(connection& c) {
  error_code ec;
  asio::write(c.socket, asio::buffer(std::string("HTTP/1.1 100 Continue\r\n\r\n")), ec);
}

void drain(connection& c) {
  char sink[65536];
  error_code ec;
  while (!ec)
    c.socket.read_some(asio::buffer(sink), ec);
}

void read_bytes(connection& c, std::size_t n) {
  std::vector<char> sink(n);
  error_code ec;
  asio::read(c.socket, asio::buffer(sink), ec);
}

// Answers like the API does, then closes gracefully: our side first, then
// whatever the client still sends is read and dropped, so it is never reset.
void answer(connection& c, int status, const json& body, const std::string& extra_headers = "") {
  auto text = body.dump();
  auto reason = std::string(http::obsolete_reason(static_cast<http::status>(status)));
  auto res = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: application/json\r\n" +
             "Content-Length: " + std::to_string(text.size()) + "\r\nConnection: close\r\n" + extra_headers +
             "\r\n" + text;
  error_code ec;
  asio::write(c.socket, asio::buffer(res), ec);
  c.socket.shutdown(tcp::socket::shutdown_send, ec);
  drain(c);
}

seen_request record(const http::request_parser<http::string_body>& p) {
  seen_request seen;
  const auto& req = p.get();
  seen.method = std::string(req.method_string());
  seen.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& ch : name)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    seen.headers[name] = std::string(field.value());
  }
  seen.body = req.body();
  seen.complete = p.is_done();
  return seen;
}

/// Reads the whole request (100 Continue first when asked and `honour_expect`),
/// keeps it in `seen`, and answers 200 with the API's JSON.
script_server::script store_into(seen_request& seen, bool honour_expect = true) {
  return [&seen, honour_expect](connection& c) {
    http::request_parser<http::string_body> p;
    if (!read_header(c, p))
      return;
    if (honour_expect && beast::iequals(p.get()[http::field::expect], "100-continue"))
      send_continue(c);
    error_code ec;
    http::read(c.socket, c.buffer, p, ec);
    seen = record(p);
    if (ec)
      return drain(c);
    answer(c, 200, {{"ok", true}, {"pdfId", 17}, {"bytes", seen.body.size()}, {"status", "cached"}});
  };
}

/// Refuses from the headers alone, as the API does for a bad token.
script_server::script refuse_before_body(int status, json body, std::string extra_headers = "") {
  return [=](connection& c) {
    http::request_parser<http::string_body> p;
    if (read_header(c, p))
      answer(c, status, body, extra_headers);
  };
}

// ----- the client's side -----

struct progress_log {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  void attach(upload_spec& spec) {
    spec.on_progress = [this](std::uint64_t sent, std::uint64_t total) { calls.emplace_back(sent, total); };
  }
};

/// A multipart body as the server's reader sees it.
struct parsed_body {
  int parts = 0;
  siberius::net::multipart_reader::part_header header;
  std::string data;
  bool done = false;
  std::string error;
};

parsed_body parse_multipart(const seen_request& seen) {
  parsed_body out;
  auto boundary = siberius::net::multipart_boundary(seen.headers.count("content-type") ? seen.headers.at("content-type")
                                                                                        : "");
  if (!boundary) {
    out.error = "no boundary";
    return out;
  }
  siberius::net::multipart_reader reader(*boundary, {
    [&](const auto& h) { ++out.parts; out.header = h; },
    [&](const char* p, std::size_t n) { out.data.append(p, n); },
    [] {},
  });
  reader.feed(seen.body.data(), seen.body.size());
  out.done = reader.done();
  out.error = reader.error();
  // Nothing may follow the closing boundary: Content-Length was exact.
  auto close = "--" + *boundary + "--\r\n";
  if (seen.body.size() < close.size() || seen.body.compare(seen.body.size() - close.size(), close.size(), close) != 0)
    out.error += " body does not end with the closing boundary";
  return out;
}

std::string result_of(const upload_outcome& o) {
  return siberius::net::to_string(o.result);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct fixture {
  std::string dir = "/tmp/siberius-upload-test-" + std::to_string(::getpid());

  fixture() { std::filesystem::create_directories(dir); }
  ~fixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  /// `size` bytes that look like nothing in particular: NULs, CR LF and
  /// "--" included, so nothing text-shaped survives by luck.
  std::string write_file(const std::string& name, std::size_t size) {
    std::string data(size, '\0');
    std::mt19937 rng(42);
    for (std::size_t i = 0; i < size; ++i) {
      auto r = rng();
      data[i] = (r % 5 == 0) ? '\0' : (r % 7 == 0) ? "\r\n--"[i % 4] : static_cast<char>(r >> 8);
    }
    std::ofstream(dir + "/" + name, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
    return data;
  }

  /// A large file that costs no disk (a hole), for tests that must outrun
  /// every socket buffer.
  std::string sparse_file(const std::string& name, std::uint64_t size) {
    auto path = dir + "/" + name;
    std::ofstream(path, std::ios::binary).flush();
    std::filesystem::resize_file(path, size);
    return path;
  }

  upload_spec spec(const std::string& url, const std::string& name) {
    upload_spec s;
    s.url = url;
    s.token = "daemon-token-1";
    s.request_id = "req-42";
    s.file_hash = std::string(64, 'a');
    s.file_path = dir + "/" + name;
    s.filename = name;
    return s;
  }
};

constexpr std::uint64_t big = 64ull * 1024 * 1024;

} // namespace

CAF_TEST_FIXTURE_SCOPE(http_upload_plain, fixture)

CAF_TEST(a file arrives byte for byte with the right headers and is stored) {
  auto content = write_file("OS-2024-118.pdf", 3 * 1024 * 1024 + 17);
  seen_request seen;
  script_server server(store_into(seen));
  auto s = spec(server.url("/siberius/"), "OS-2024-118.pdf");
  progress_log progress;
  progress.attach(s);
  auto started = steady::now();
  auto out = upload_file(s);
  auto elapsed = steady::now() - started;
  server.finish();
  CAF_MESSAGE("outcome: " << result_of(out) << " " << out.error);
  CAF_CHECK_EQUAL(result_of(out), "stored");
  CAF_CHECK_EQUAL(out.status, 200);
  CAF_CHECK_EQUAL(out.body.value("pdfId", 0), 17);
  CAF_CHECK(out.error.empty());
  CAF_CHECK(!out.retryable);
  CAF_CHECK_EQUAL(out.bytes_sent, content.size());

  CAF_CHECK_EQUAL(seen.method, "POST");
  CAF_CHECK_EQUAL(seen.target, "/siberius/api/daemon/upload");
  CAF_CHECK_EQUAL(seen.headers["authorization"], "Bearer daemon-token-1");
  CAF_CHECK_EQUAL(seen.headers["x-request-id"], "req-42");
  CAF_CHECK_EQUAL(seen.headers["x-file-hash"], std::string(64, 'a'));
  CAF_CHECK_EQUAL(seen.headers["expect"], "100-continue");
  CAF_CHECK_EQUAL(seen.headers["connection"], "close");
  CAF_CHECK_EQUAL(seen.headers["content-length"], std::to_string(seen.body.size()));
  CAF_CHECK(seen.complete);

  auto body = parse_multipart(seen);
  CAF_CHECK_EQUAL(body.error, "");
  CAF_CHECK(body.done);
  CAF_CHECK_EQUAL(body.parts, 1);
  CAF_CHECK_EQUAL(body.header.name, "file");
  CAF_CHECK_EQUAL(body.header.filename.value_or("<none>"), "OS-2024-118.pdf");
  CAF_CHECK_EQUAL(body.header.content_type, "application/pdf");
  CAF_CHECK_EQUAL(body.data.size(), content.size());
  CAF_CHECK(body.data == content);

  // Progress climbs to the total, ends there once, and stays near 10/s.
  CAF_REQUIRE(!progress.calls.empty());
  CAF_CHECK_EQUAL(progress.calls.back().first, content.size());
  CAF_CHECK_EQUAL(progress.calls.back().second, content.size());
  std::size_t at_total = 0;
  for (std::size_t i = 0; i < progress.calls.size(); ++i) {
    CAF_CHECK_EQUAL(progress.calls[i].second, content.size());
    if (i > 0)
      CAF_CHECK(progress.calls[i].first >= progress.calls[i - 1].first);
    at_total += progress.calls[i].first == content.size() ? 1 : 0;
  }
  CAF_CHECK_EQUAL(at_total, 1u);
  CAF_CHECK(progress.calls.size() <= 2 + static_cast<std::size_t>(elapsed / 100ms));
}

CAF_TEST(a server that ignores Expect still gets the body) {
  auto content = write_file("plain.pdf", 200 * 1024);
  seen_request seen;
  script_server server(store_into(seen, false));
  auto s = spec(server.url(), "plain.pdf");
  s.continue_timeout = 200ms;
  auto out = upload_file(s);
  server.finish();
  CAF_CHECK_EQUAL(result_of(out), "stored");
  CAF_CHECK_EQUAL(seen.target, "/api/daemon/upload");
  CAF_CHECK(parse_multipart(seen).data == content);
}

CAF_TEST(names with quotes backslashes and umlauts survive the servers parser) {
  std::string name = "Bericht \"Q3\" \\ M\xc3\xbcller.pdf";
  auto content = write_file("named.pdf", 1000);
  seen_request seen;
  script_server server(store_into(seen));
  auto s = spec(server.url(), "named.pdf");
  s.filename = name;
  auto out = upload_file(s);
  server.finish();
  CAF_CHECK_EQUAL(result_of(out), "stored");
  auto body = parse_multipart(seen);
  CAF_CHECK_EQUAL(body.header.filename.value_or("<none>"), name);
  CAF_CHECK(contains(seen.body, "filename*=UTF-8''Bericht%20%22Q3%22%20%5C%20M%C3%BCller.pdf\r\n"));
  CAF_CHECK(body.data == content);
}

CAF_TEST(the part header escapes what a quoted string cannot hold) {
  using siberius::net::form_data_disposition;
  const std::pair<const char*, const char*> cases[] = {
    {"a.pdf", "form-data; name=\"file\"; filename=\"a.pdf\""},
    {"say \"hi\".pdf", "form-data; name=\"file\"; filename=\"say \\\"hi\\\".pdf\""},
    {"back\\slash.pdf", "form-data; name=\"file\"; filename=\"back\\\\slash.pdf\""},
    {"a b.pdf", "form-data; name=\"file\"; filename=\"a b.pdf\""},
    {"M\xc3\xbcller 1.pdf", "form-data; name=\"file\"; filename=\"M\xc3\xbcller 1.pdf\"; "
                            "filename*=UTF-8''M%C3%BCller%201.pdf"},
    {"line\nbreak.pdf", ""},
    {"tab\t.pdf", ""},
  };
  for (const auto& [name, expected] : cases)
    CAF_CHECK_EQUAL(form_data_disposition(name), expected);
}

CAF_TEST(a refusal before the body is reported and the body is never sent) {
  write_file("bad name.pdf", 512 * 1024);
  script_server server(refuse_before_body(422, {{"error", "the name must end in .pdf"}, {"code", "bad_name"}}));
  auto s = spec(server.url(), "bad name.pdf");
  s.continue_timeout = 30s; // the refusal must be what ends the wait
  auto out = upload_file(s);
  CAF_MESSAGE("error: " << out.error);
  CAF_CHECK_EQUAL(result_of(out), "rejected");
  CAF_CHECK_EQUAL(out.status, 422);
  CAF_CHECK(!out.retryable);
  CAF_CHECK_EQUAL(out.error, "HTTP 422 bad_name: the name must end in .pdf");
  CAF_CHECK_EQUAL(out.body.value("code", ""), "bad_name");
  CAF_CHECK_EQUAL(out.bytes_sent, 0u);
}

CAF_TEST(a refusal after the whole body is reported with the servers reason) {
  auto content = write_file("changed.pdf", 300 * 1024);
  script_server server([](connection& c) {
    http::request_parser<http::string_body> p;
    if (!read_header(c, p))
      return;
    send_continue(c);
    error_code ec;
    http::read(c.socket, c.buffer, p, ec);
    answer(c, 422, {{"error", "the SHA-256 of the upload is not X-File-Hash"}, {"code", "hash_mismatch"}});
  });
  auto out = upload_file(spec(server.url(), "changed.pdf"));
  CAF_MESSAGE("error: " << out.error);
  CAF_CHECK_EQUAL(result_of(out), "rejected");
  CAF_CHECK_EQUAL(out.status, 422);
  CAF_CHECK(!out.retryable);
  CAF_CHECK(contains(out.error, "hash_mismatch"));
  CAF_CHECK(contains(out.error, "the SHA-256 of the upload is not X-File-Hash"));
  CAF_CHECK_EQUAL(out.bytes_sent, content.size());
}

CAF_TEST(a refusal halfway through the body is reported rather than a write error) {
  auto path = sparse_file("huge.pdf", big);
  script_server server([](connection& c) {
    http::request_parser<http::string_body> p;
    if (!read_header(c, p))
      return;
    send_continue(c);
    read_bytes(c, 1024 * 1024);
    answer(c, 413, {{"error", "the file is larger than 1 MB"}, {"code", "too_large"}});
  }, 64 * 1024);
  auto out = upload_file(spec(server.url(), "huge.pdf"));
  CAF_MESSAGE("error: " << out.error << ", sent " << out.bytes_sent);
  CAF_CHECK_EQUAL(result_of(out), "rejected");
  CAF_CHECK_EQUAL(out.status, 413);
  CAF_CHECK(!out.retryable);
  CAF_CHECK(contains(out.error, "HTTP 413 too_large: the file is larger than 1 MB"));
}

CAF_TEST(a connection dropped midway fails retryably with how far it got) {
  sparse_file("huge.pdf", big);
  script_server server([](connection& c) {
    http::request_parser<http::string_body> p;
    if (!read_header(c, p))
      return;
    send_continue(c);
    read_bytes(c, 512 * 1024);
    c.reset();
  }, 64 * 1024);
  auto out = upload_file(spec(server.url(), "huge.pdf"));
  CAF_MESSAGE("error: " << out.error);
  CAF_CHECK_EQUAL(result_of(out), "failed");
  CAF_CHECK(out.retryable);
  CAF_CHECK_EQUAL(out.status, 0);
  CAF_CHECK(out.bytes_sent > 0);
  CAF_CHECK(out.bytes_sent < big);
  CAF_CHECK(contains(out.error, "connection"));
  CAF_CHECK(contains(out.error, " of " + std::to_string(big) + " bytes"));
}

CAF_TEST(a server that never reads fails retryably after the idle timeout) {
  sparse_file("huge.pdf", big);
  script_server server([](connection& c) { c.stopped.wait(); }, 64 * 1024);
  auto s = spec(server.url(), "huge.pdf");
  s.idle_timeout = 300ms;
  auto started = steady::now();
  auto out = upload_file(s);
  auto elapsed = steady::now() - started;
  CAF_MESSAGE("error: " << out.error);
  CAF_CHECK_EQUAL(result_of(out), "failed");
  CAF_CHECK(out.retryable);
  CAF_CHECK(contains(out.error, "300 ms"));
  CAF_CHECK(out.bytes_sent < big);
  CAF_CHECK(elapsed < 10s);
}

CAF_TEST(a server that never answers a TLS handshake fails after the connect timeout) {
  write_file("small.pdf", 1000);
  script_server server([](connection& c) { c.stopped.wait(); });
  auto s = spec("https://127.0.0.1:" + std::to_string(server.port()), "small.pdf");
  s.connect_timeout = 300ms;
  auto started = steady::now();
  auto out = upload_file(s);
  auto elapsed = steady::now() - started;
  CAF_MESSAGE("error: " << out.error);
  CAF_CHECK_EQUAL(result_of(out), "failed");
  CAF_CHECK(out.retryable);
  CAF_CHECK(contains(out.error, "timed out after 300 ms during the TLS handshake"));
  CAF_CHECK(elapsed < 10s);
}

CAF_TEST(statuses map to results retryability and Retry-After) {
  struct row {
    int status;
    std::string headers;
    std::string result;
    bool retryable;
    std::chrono::milliseconds retry_after;
  };
  const row rows[] = {
    {503, "Retry-After: 7\r\n", "failed", true, 7s},
    {503, "Retry-After: Wed, 21 Oct 2037 07:28:00 GMT\r\n", "failed", true, 0s},
    {500, "", "failed", true, 0s},
    {429, "Retry-After: 3\r\n", "rejected", true, 3s},
    {408, "", "rejected", true, 0s},
    {401, "Retry-After: 5\r\n", "rejected", false, 0s},
    {404, "", "rejected", false, 0s},
    {301, "Location: https://elsewhere/\r\n", "rejected", false, 0s},
  };
  write_file("any.pdf", 1000);
  for (const auto& r : rows) {
    script_server server(refuse_before_body(r.status, {{"error", "because"}, {"code", "some_code"}}, r.headers));
    auto s = spec(server.url(), "any.pdf");
    s.continue_timeout = 30s;
    auto out = upload_file(s);
    CAF_MESSAGE(r.status << ": " << result_of(out) << " " << out.error);
    CAF_CHECK_EQUAL(out.status, r.status);
    CAF_CHECK_EQUAL(result_of(out), r.result);
    CAF_CHECK_EQUAL(out.retryable, r.retryable);
    CAF_CHECK_EQUAL(out.retry_after.count(), r.retry_after.count());
    CAF_CHECK(contains(out.error, "HTTP " + std::to_string(r.status) + " some_code: because"));
  }
}

CAF_TEST(answers that are not the APIs JSON are still reported) {
  write_file("any.pdf", 1000);
  {
    // The server's own refusal of an oversized Content-Length is plain text.
    script_server server([](connection& c) {
      http::request_parser<http::string_body> p;
      if (!read_header(c, p))
        return;
      error_code ec;
      asio::write(c.socket, asio::buffer(std::string("HTTP/1.1 413 Payload Too Large\r\nContent-Type: text/plain\r\n"
                                                     "Content-Length: 23\r\n\r\nrequest body too large\n")), ec);
      c.socket.shutdown(tcp::socket::shutdown_send, ec);
      drain(c);
    });
    auto s = spec(server.url(), "any.pdf");
    s.continue_timeout = 30s;
    auto out = upload_file(s);
    CAF_CHECK_EQUAL(result_of(out), "rejected");
    CAF_CHECK(out.body.is_null());
    CAF_CHECK_EQUAL(out.error, "HTTP 413 Payload Too Large: request body too large");
  }
  {
    // A 200 with an oversized body: the file is stored, the body is dropped.
    seen_request seen;
    script_server server([&seen](connection& c) {
      http::request_parser<http::string_body> p;
      if (!read_header(c, p))
        return;
      send_continue(c);
      error_code ec;
      http::read(c.socket, c.buffer, p, ec);
      seen = record(p);
      answer(c, 200, {{"ok", true}, {"padding", std::string(100 * 1024, 'x')}});
    });
    auto out = upload_file(spec(server.url(), "any.pdf"));
    server.finish();
    CAF_CHECK(seen.complete);
    CAF_CHECK_EQUAL(result_of(out), "stored");
    CAF_CHECK_EQUAL(out.status, 200);
    CAF_CHECK(out.body.is_null());
    CAF_CHECK(out.error.empty());
  }
}

CAF_TEST(a missing or unreadable file is a file error before any connection) {
  // Nothing listens on port 1: getting that far would be a network failure.
  auto s = spec("http://127.0.0.1:1", "absent.pdf");
  auto out = upload_file(s);
  CAF_CHECK_EQUAL(result_of(out), "file_error");
  CAF_CHECK(!out.retryable);
  CAF_CHECK(contains(out.error, s.file_path));
  CAF_CHECK(contains(out.error, "No such file"));

  s.file_path = dir;
  out = upload_file(s);
  CAF_CHECK_EQUAL(result_of(out), "file_error");
  CAF_CHECK(contains(out.error, "not a regular file"));

  write_file("ok.pdf", 10);
  s.file_path = dir + "/ok.pdf";
  s.filename = "two\r\nlines.pdf";
  out = upload_file(s);
  CAF_CHECK_EQUAL(result_of(out), "file_error");
  CAF_CHECK(contains(out.error, "control characters"));
}

CAF_TEST(bad settings fail without retrying) {
  write_file("ok.pdf", 10);
  auto s = spec("ftp://127.0.0.1:1", "ok.pdf");
  auto out = upload_file(s);
  CAF_CHECK_EQUAL(result_of(out), "failed");
  CAF_CHECK(!out.retryable);
  CAF_CHECK(contains(out.error, "invalid server URL"));

  s = spec("http://127.0.0.1:1", "ok.pdf");
  s.token = "abc\r\nX-Evil: 1";
  out = upload_file(s);
  CAF_CHECK_EQUAL(result_of(out), "failed");
  CAF_CHECK(!out.retryable);
  CAF_CHECK(contains(out.error, "token contains control characters"));
}

CAF_TEST(the cancel flag stops the upload between chunks) {
  auto content = write_file("cancel.pdf", 3 * 1024 * 1024);
  seen_request seen;
  script_server server(store_into(seen));
  std::atomic<bool> cancel{false};
  auto s = spec(server.url(), "cancel.pdf");
  s.chunk_bytes = 64 * 1024;
  s.cancel = &cancel;
  s.on_progress = [&cancel](std::uint64_t, std::uint64_t) { cancel = true; };
  auto out = upload_file(s);
  server.finish();
  CAF_MESSAGE("error: " << out.error);
  CAF_CHECK_EQUAL(result_of(out), "cancelled");
  CAF_CHECK(!out.retryable);
  CAF_CHECK(out.bytes_sent > 0);
  CAF_CHECK(out.bytes_sent < content.size());
  CAF_CHECK(!seen.complete); // the server never got a whole body
}

CAF_TEST(a cancel flag set up front stops before anything is sent) {
  write_file("cancel.pdf", 1000);
  script_server server([](connection& c) { c.stopped.wait(); });
  std::atomic<bool> cancel{true};
  auto s = spec(server.url(), "cancel.pdf");
  s.cancel = &cancel;
  auto out = upload_file(s);
  CAF_CHECK_EQUAL(result_of(out), "cancelled");
  CAF_CHECK_EQUAL(out.bytes_sent, 0u);
}

CAF_TEST(a file that changes size while sent is never sent as a complete body) {
  for (bool grow : {false, true}) {
    auto content = write_file("moving.pdf", 1024 * 1024);
    seen_request seen;
    script_server server(store_into(seen));
    auto s = spec(server.url(), "moving.pdf");
    s.chunk_bytes = 64 * 1024;
    auto path = s.file_path;
    bool changed = false;
    s.on_progress = [&](std::uint64_t, std::uint64_t) {
      if (changed)
        return;
      changed = true;
      if (grow)
        std::ofstream(path, std::ios::binary | std::ios::app) << "more";
      else
        std::filesystem::resize_file(path, 300 * 1024);
    };
    auto out = upload_file(s);
    server.finish();
    CAF_MESSAGE("error: " << out.error);
    CAF_CHECK_EQUAL(result_of(out), "file_error");
    CAF_CHECK(!out.retryable);
    CAF_CHECK(contains(out.error, grow ? "grew" : "shrank"));
    CAF_CHECK(!seen.complete);
  }
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

// The plain scripted server behind a TLS front with a throw-away certificate
// for DNS:localhost.
struct tls_fixture : fixture {
  siberius::test::test_certificate cert{dir + "/cert"};

  tls_fixture() {
    if (!cert.ok())
      CAF_FAIL(cert.error);
  }

  upload_spec tls_spec(const siberius::test::tls_forwarder& front, const std::string& host, const std::string& name) {
    auto s = spec("https://" + host + ":" + std::to_string(front.port()), name);
    s.ca_file = cert.cert_file;
    return s;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(http_upload_tls, tls_fixture)

CAF_TEST(https with the right CA and host name stores the file) {
  auto content = write_file("secure.pdf", 1024 * 1024 + 3);
  seen_request seen;
  script_server server(store_into(seen));
  siberius::test::tls_forwarder front(cert, server.port());
  auto out = upload_file(tls_spec(front, "localhost", "secure.pdf"));
  server.finish();
  CAF_MESSAGE("outcome: " << result_of(out) << " " << out.error);
  CAF_CHECK_EQUAL(result_of(out), "stored");
  CAF_CHECK_EQUAL(out.body.value("pdfId", 0), 17);
  CAF_CHECK_EQUAL(seen.headers["host"], "localhost:" + std::to_string(front.port()));
  CAF_CHECK(parse_multipart(seen).data == content);
}

CAF_TEST(an untrusted certificate fails for good) {
  write_file("secure.pdf", 1000);
  script_server server([](connection& c) { c.stopped.wait(); });
  siberius::test::tls_forwarder front(cert, server.port());
  auto s = tls_spec(front, "localhost", "secure.pdf");
  s.ca_file.clear(); // the system store does not know the throw-away CA
  auto out = upload_file(s);
  CAF_MESSAGE("error: " << out.error);
  CAF_CHECK_EQUAL(result_of(out), "failed");
  CAF_CHECK(!out.retryable);
  CAF_CHECK(contains(out.error, "TLS certificate of localhost not accepted"));
}

CAF_TEST(a certificate for another host name fails for good) {
  write_file("secure.pdf", 1000);
  script_server server([](connection& c) { c.stopped.wait(); });
  siberius::test::tls_forwarder front(cert, server.port());
  // Trusted CA, but the certificate names localhost, not 127.0.0.1.
  auto out = upload_file(tls_spec(front, "127.0.0.1", "secure.pdf"));
  CAF_MESSAGE("error: " << out.error);
  CAF_CHECK_EQUAL(result_of(out), "failed");
  CAF_CHECK(!out.retryable);
  CAF_CHECK(contains(out.error, "TLS certificate of 127.0.0.1 not accepted: it is not issued for 127.0.0.1"));
}

CAF_TEST(verification can be turned off explicitly) {
  auto content = write_file("secure.pdf", 5000);
  seen_request seen;
  script_server server(store_into(seen));
  siberius::test::tls_forwarder front(cert, server.port());
  auto s = tls_spec(front, "127.0.0.1", "secure.pdf");
  s.ca_file.clear();
  s.verify_peer = false;
  auto out = upload_file(s);
  server.finish();
  CAF_CHECK_EQUAL(result_of(out), "stored");
  CAF_CHECK(parse_multipart(seen).data == content);
}

CAF_TEST(a missing CA file is a clear error) {
  write_file("secure.pdf", 1000);
  auto s = spec("https://localhost:1", "secure.pdf");
  s.ca_file = dir + "/no-such-ca.pem";
  auto out = upload_file(s);
  CAF_CHECK_EQUAL(result_of(out), "failed");
  CAF_CHECK(!out.retryable);
  CAF_CHECK(contains(out.error, "cannot load CA file " + s.ca_file));
}

CAF_TEST_FIXTURE_SCOPE_END()
