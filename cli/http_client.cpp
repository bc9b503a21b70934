#include "cli/http_client.hpp"

#include <functional>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include "cli/errors.hpp"

namespace siberius::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using beast::error_code;
using steady = std::chrono::steady_clock;

namespace {

// Runs one asynchronous step at a time on a private io_context, bounded by a
// deadline shared by the whole call. Async operations are used only because
// Asio's blocking calls cannot time out.
class call_runner {
public:
  call_runner(asio::io_context& ioc, steady::time_point deadline, std::string where)
      : ioc_(ioc), deadline_(deadline), where_(std::move(where)) {}

  // `start` receives a completion callback taking the error code; `cancel`
  // aborts the pending operation when the deadline passes.
  void step(const std::string& what, const std::function<void(std::function<void(error_code)>)>& start,
            const std::function<void()>& cancel) {
    fail_on(what, run(start, cancel));
  }

  void fail_on(const std::string& what, const error_code& ec) const {
    if (ec)
      throw connection_error(what + " " + where_ + ": " + describe(ec));
  }

  /// Moves the deadline: a download allows each piece its own timeout.
  void restart_deadline(steady::time_point deadline) { deadline_ = deadline; }

  // Same, but failures are only reported back (TLS close_notify, say).
  error_code try_step(const std::function<void(std::function<void(error_code)>)>& start,
                      const std::function<void()>& cancel) {
    return run(start, cancel);
  }

private:
  error_code run(const std::function<void(std::function<void(error_code)>)>& start,
                 const std::function<void()>& cancel) {
    bool done = false;
    error_code result;
    start([&](error_code ec) {
      result = ec;
      done = true;
    });
    ioc_.restart();
    auto left = deadline_ - steady::now();
    if (left > steady::duration::zero())
      ioc_.run_for(left);
    if (!done) {
      cancel();
      ioc_.restart();
      ioc_.run();
      return asio::error::timed_out;
    }
    return result;
  }

  static std::string describe(const error_code& ec) {
    if (ec == asio::error::timed_out)
      return "timed out (see --timeout)";
    if (ec == http::error::body_limit)
      return "response body too large";
    if (ec.category() == asio::error::get_ssl_category()) {
      // OpenSSL's reason string says what failed (certificate verify failed…).
      char buf[256];
      ::ERR_error_string_n(static_cast<unsigned long>(ec.value()), buf, sizeof buf);
      return std::string("TLS error: ") + buf;
    }
    return ec.message();
  }

  asio::io_context& ioc_;
  steady::time_point deadline_;
  std::string where_;
};

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

http::verb verb_for(const std::string& method) {
  auto v = http::string_to_verb(method);
  if (v == http::verb::unknown)
    throw usage_error("unsupported HTTP method " + method);
  return v;
}

template <class Fields>
void copy_head(const http::response_header<Fields>& res, http_reply& reply) {
  reply.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.content_type = std::string(res[http::field::content_type]);
}

// Reads the reply after its headers in pieces: a 2xx body into the sink,
// any other into the reply (bounded as perform's are).
template <class Stream>
http_reply read_streamed(call_runner& run, Stream& stream, beast::flat_buffer& buffer,
                         std::chrono::milliseconds timeout, body_sink& sink, const std::function<void()>& cancel) {
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  run.step("no complete response from", [&](auto done) {
    http::async_read_header(stream, buffer, parser, [done](error_code ec, std::size_t) { done(ec); });
  }, cancel);
  http_reply reply;
  copy_head(parser.get(), reply);
  bool success = reply.status >= 200 && reply.status < 300;
  if (success)
    sink.begin(reply);
  std::vector<char> piece(64 * 1024);
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    run.restart_deadline(steady::now() + timeout);
    auto ec = run.try_step([&](auto done) {
      http::async_read(stream, buffer, parser, [done](error_code e, std::size_t) { done(e); });
    }, cancel);
    if (ec == http::error::need_buffer)
      ec = {}; // the piece is full
    run.fail_on("the reply was cut short by", ec);
    auto got = piece.size() - parser.get().body().size;
    if (success) {
      sink.write(piece.data(), got);
    } else {
      reply.body.append(piece.data(), got);
      if (reply.body.size() > http_client::max_body_bytes)
        run.fail_on("no complete response from", http::error::body_limit);
    }
  }
  return reply;
}

template <class Stream>
http_reply exchange(call_runner& run, Stream& stream, const server_url& url, const http_call& call,
                    std::chrono::milliseconds timeout, body_sink* sink, const std::function<void()>& cancel) {
  http::request<http::string_body> req{verb_for(call.method), url.target(call.path), 11};
  req.set(http::field::host, url.host_header());
  req.set(http::field::user_agent, std::string("siberius-admin/") + SIBERIUS_VERSION);
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : call.headers)
    req.set(name, value);
  if (call.body) {
    req.body() = *call.body;
    req.prepare_payload();
  }

  run.step("cannot send the request to", [&](auto done) {
    http::async_write(stream, req, [done](error_code ec, std::size_t) { done(ec); });
  }, cancel);

  beast::flat_buffer buffer;
  if (sink != nullptr)
    return read_streamed(run, stream, buffer, timeout, *sink, cancel);
  http::response_parser<http::string_body> parser;
  parser.body_limit(http_client::max_body_bytes);
  run.step("no complete response from", [&](auto done) {
    http::async_read(stream, buffer, parser, [done](error_code ec, std::size_t) { done(ec); });
  }, cancel);

  auto res = parser.release();
  http_reply reply;
  copy_head(res, reply);
  reply.body = std::move(res.body());
  return reply;
}

} // namespace

http_client::http_client(server_url url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

http_reply http_client::perform(const http_call& call) const { return run_call(call, nullptr); }

http_reply http_client::perform_download(const http_call& call, body_sink& sink) const {
  return run_call(call, &sink);
}

http_reply http_client::run_call(const http_call& call, body_sink* sink) const {
  asio::io_context ioc;
  std::string where = url_.scheme + "://" + url_.host_header();
  call_runner run(ioc, steady::now() + timeout_, where);

  tcp::resolver resolver(ioc);
  tcp::resolver::results_type endpoints;
  run.step("cannot resolve", [&](auto done) {
    resolver.async_resolve(url_.host, std::to_string(url_.port),
                           [&endpoints, done](error_code ec, tcp::resolver::results_type r) {
                             endpoints = std::move(r);
                             done(ec);
                           });
  }, [&] { resolver.cancel(); });

  if (!url_.tls()) {
    beast::tcp_stream stream(ioc);
    auto cancel = [&] { beast::get_lowest_layer(stream).close(); };
    run.step("cannot connect to", [&](auto done) {
      stream.async_connect(endpoints, [done](error_code ec, const tcp::endpoint&) { done(ec); });
    }, cancel);
    auto reply = exchange(run, stream, url_, call, timeout_, sink, cancel);
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return reply;
  }

  ssl::context ctx(ssl::context::tls_client);
  ctx.set_default_verify_paths(); // honours SSL_CERT_FILE / SSL_CERT_DIR
  ctx.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  stream.set_verify_callback(ssl::host_name_verification(url_.host));
  if (!is_ip_literal(url_.host) && !::SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str()))
    throw connection_error("cannot set TLS server name for " + url_.host);
  auto cancel = [&] { beast::get_lowest_layer(stream).close(); };
  run.step("cannot connect to", [&](auto done) {
    beast::get_lowest_layer(stream).async_connect(endpoints,
                                                  [done](error_code ec, const tcp::endpoint&) { done(ec); });
  }, cancel);
  run.step("TLS handshake failed with", [&](auto done) {
    stream.async_handshake(ssl::stream_base::client, [done](error_code ec) { done(ec); });
  }, cancel);
  auto reply = exchange(run, stream, url_, call, timeout_, sink, cancel);
  // The reply is complete; a peer that skips close_notify changes nothing.
  run.try_step([&](auto done) { stream.async_shutdown([done](error_code ec) { done(ec); }); }, cancel);
  return reply;
}

} // namespace siberius::cli
