// One upload: resolve -> TCP -> (TLS) -> request headers with Expect:
// 100-continue -> the multipart body in chunks -> the verdict.
//
// The response is read from the moment the headers are out, alongside the
// body writes, so a server that refuses early (401 before the body, 413 or
// 422 halfway) is reported with its own reason instead of a broken pipe.
// A 50 ms tick enforces every deadline and polls the cancel flag.
#include "net/client/http_upload.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <random>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "net/client/sio_client.hpp"
#include "net/url.hpp"
#include "platform/files.hpp"
#include "platform/tls_roots.hpp"

namespace siberius::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using nlohmann::json;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t max_response_body = 64 * 1024;
constexpr std::size_t min_chunk = 4 * 1024;
constexpr std::size_t max_chunk = 16 * 1024 * 1024;
constexpr milliseconds tick_interval{50};
constexpr milliseconds progress_interval{100};
// After a failed body write, how long the server's refusal may still arrive.
constexpr milliseconds refusal_grace{1000};

const char hex_digits[] = "0123456789ABCDEF";

std::string random_boundary() {
  unsigned char bytes[16];
  if (::RAND_bytes(bytes, sizeof bytes) != 1) {
    std::random_device rd;
    for (auto& b : bytes)
      b = static_cast<unsigned char>(rd());
  }
  std::string out = "siberius-";
  for (auto b : bytes) {
    out += hex_digits[b >> 4];
    out += hex_digits[b & 15];
  }
  return out;
}

// Header values travel verbatim: a CR or LF would end the header early.
bool fits_header(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

std::string duration_text(milliseconds d) {
  if (d.count() % 1000 == 0)
    return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

// A server's text squeezed into one short line for the error field.
std::string one_line(std::string_view text, std::size_t max = 200) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  auto first = out.find_first_not_of(' ');
  auto last = out.find_last_not_of(' ');
  out = first == std::string::npos ? std::string() : out.substr(first, last - first + 1);
  if (out.size() > max)
    out = out.substr(0, max) + "...";
  return out;
}

std::string network_reason(const error_code& ec) {
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
    return "connection reset by the server";
  if (ec == asio::error::eof || ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == ssl::error::stream_truncated)
    return "connection closed by the server";
  return ec.message();
}

// "Retry-After: 7" -> 7 s; the HTTP-date form and nonsense give 0.
milliseconds retry_after_of(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  if (value.empty() || value.size() > 9)
    return milliseconds(0);
  long long seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9')
      return milliseconds(0);
    seconds = seconds * 10 + (c - '0');
  }
  return std::chrono::seconds(seconds);
}

// "HTTP 422 hash_mismatch: the file's SHA-256 ..." from the API's
// {"error", "code"} body, or the status line and a bit of a foreign body.
std::string verdict_text(const http::response<http::string_body>& res, const json& body) {
  std::string out = "HTTP " + std::to_string(res.result_int());
  std::string code, message;
  if (body.is_object()) {
    if (auto it = body.find("code"); it != body.end() && it->is_string())
      code = it->get<std::string>();
    for (const char* key : {"error", "message"})
      if (auto it = body.find(key); message.empty() && it != body.end() && it->is_string())
        message = it->get<std::string>();
  }
  if (code.empty() && message.empty()) {
    code = one_line(res.reason(), 60);
    if (res[http::field::content_type].substr(0, 10) == "text/plain")
      message = res.body(); // an HTML error page would say nothing in one line
  }
  if (!code.empty())
    out += " " + one_line(code, 60);
  if (!message.empty())
    out += ": " + one_line(message);
  if (res.result_int() / 100 == 3)
    out += " (redirects are not followed; Location: " + one_line(res[http::field::location]) + ")";
  return out;
}

class upload_transfer {
public:
  explicit upload_transfer(const upload_spec& spec) : spec_(spec), timer_(ioc_), resolver_(ioc_) {}

  upload_outcome run() {
    if (!prepare())
      return outcome_;
    if (cancel_requested()) {
      finish_cancelled();
      return outcome_;
    }
    do_tick();
    do_resolve();
    ioc_.run();
    return outcome_;
  }

private:
  enum class phase { connecting, sending_header, awaiting_continue, streaming, awaiting_verdict, done };

  // ----- before any I/O: everything that cannot get better by retrying -----

  bool prepare() {
    auto parsed = parse_client_url(spec_.url);
    if (!parsed)
      return refuse(upload_result::failed, "invalid server URL: " + parsed.error);
    url_ = *parsed.url;
    struct named_value { const char* name; const std::string& value; };
    for (const auto& h : {named_value{"token", spec_.token}, named_value{"X-Request-Id", spec_.request_id},
                          named_value{"X-File-Hash", spec_.file_hash}, named_value{"user agent", spec_.user_agent}})
      if (!fits_header(h.value))
        return refuse(upload_result::failed, std::string(h.name) + " contains control characters");
    auto disposition = form_data_disposition(spec_.filename);
    if (disposition.empty())
      return refuse(upload_result::file_error, "file name contains control characters: " + one_line(spec_.filename));

    std::string open_error;
    if (!file_.open(spec_.file_path, open_error))
      return refuse(upload_result::file_error, "cannot open " + spec_.file_path + ": " + open_error);
    auto size = file_.size();
    if (size < 0)
      return refuse(upload_result::file_error, "cannot stat " + spec_.file_path + ": " + platform::last_system_error());
    file_size_ = static_cast<std::uint64_t>(size);

    auto boundary = random_boundary();
    prefix_ = "--" + boundary + "\r\nContent-Disposition: " + disposition +
              "\r\nContent-Type: application/pdf\r\n\r\n";
    suffix_ = "\r\n--" + boundary + "--\r\n";
    header_ = "POST " + url_.path_prefix + "/api/daemon/upload HTTP/1.1\r\n"
              "Host: " + url_.host_header() + "\r\n"
              "User-Agent: " + spec_.user_agent + "\r\n";
    if (!spec_.token.empty())
      header_ += "Authorization: Bearer " + spec_.token + "\r\n";
    if (!spec_.request_id.empty())
      header_ += "X-Request-Id: " + spec_.request_id + "\r\n";
    if (!spec_.file_hash.empty())
      header_ += "X-File-Hash: " + spec_.file_hash + "\r\n";
    header_ += "Accept: application/json\r\n"
               "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n"
               "Content-Length: " + std::to_string(prefix_.size() + file_size_ + suffix_.size()) + "\r\n";
    if (spec_.continue_timeout.count() > 0)
      header_ += "Expect: 100-continue\r\n";
    header_ += "Connection: close\r\n\r\n";

    chunk_ = std::clamp(spec_.chunk_bytes, min_chunk, max_chunk);
    out_.reserve(std::max(header_.size(), prefix_.size() + chunk_ + suffix_.size()));
    if (url_.tls)
      return prepare_tls();
    plain_.emplace(ioc_);
    return true;
  }

  bool prepare_tls() {
    auto& ctx = tls_ctx_.emplace(ssl::context::tls_client);
    error_code ec;
    if (!spec_.ca_file.empty())
      ctx.load_verify_file(spec_.ca_file, ec);
    else if (std::string why; !platform::load_system_roots(ctx.native_handle(), why)) // SSL_CERT_FILE / _DIR on Linux
      return refuse(upload_result::failed, why);
    if (ec)
      return refuse(upload_result::failed, "cannot load CA file " + spec_.ca_file + ": " + ec.message());
    auto& tls = tls_.emplace(ioc_, ctx);
    if (spec_.verify_peer) {
      tls.set_verify_mode(ssl::verify_peer, ec);
      // OpenSSL reports a name mismatch as "unspecified": note it ourselves.
      auto check = [this, names_host = ssl::host_name_verification(url_.host)](bool preverified,
                                                                              ssl::verify_context& ctx) {
        bool ok = names_host(preverified, ctx);
        if (preverified && !ok)
          wrong_host_ = true;
        return ok;
      };
      if (!ec)
        tls.set_verify_callback(check, ec);
    } else {
      tls.set_verify_mode(ssl::verify_none, ec);
    }
    if (ec)
      return refuse(upload_result::failed, "cannot set up TLS verification: " + ec.message());
    // SNI carries names only, never IP literals.
    error_code not_ip;
    asio::ip::make_address(url_.host, not_ip);
    if (not_ip && !::SSL_set_tlsext_host_name(tls.native_handle(), url_.host.c_str()))
      return refuse(upload_result::failed, "cannot set TLS server name " + url_.host);
    return true;
  }

  bool refuse(upload_result r, std::string why) {
    outcome_.result = r;
    outcome_.error = std::move(why);
    return false;
  }

  // ----- connecting -----

  void do_resolve() {
    connect_deadline_ = steady::now() + spec_.connect_timeout;
    connect_step_ = "while resolving " + url_.host;
    resolver_.async_resolve(url_.host, std::to_string(url_.port),
                            [this](error_code ec, tcp::resolver::results_type results) { on_resolve(ec, results); });
  }

  void on_resolve(error_code ec, const tcp::resolver::results_type& results) {
    if (phase_ != phase::connecting)
      return;
    if (ec)
      return fail(true, "cannot resolve " + url_.host + ": " + ec.message());
    connect_step_ = "while connecting to " + where();
    asio::async_connect(socket(), results, [this](error_code ec, const tcp::endpoint&) { on_connect(ec); });
  }

  void on_connect(error_code ec) {
    if (phase_ != phase::connecting)
      return;
    if (ec)
      return fail(true, "cannot connect to " + where() + ": " + ec.message());
    if (!tls_)
      return do_send_header();
    connect_step_ = "during the TLS handshake with " + where();
    tls_->async_handshake(ssl::stream_base::client, [this](error_code ec) { on_handshake(ec); });
  }

  void on_handshake(error_code ec) {
    if (phase_ != phase::connecting)
      return;
    if (!ec)
      return do_send_header();
    auto verify = ::SSL_get_verify_result(tls_->native_handle());
    bool cert_refused = ec.category() == asio::error::get_ssl_category() &&
                        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
    if (spec_.verify_peer && (cert_refused || verify != X509_V_OK || wrong_host_)) {
      // A wrong or untrusted certificate stays wrong until someone fixes it.
      std::string reason = wrong_host_ ? "it is not issued for " + url_.host
                           : verify != X509_V_OK ? ::X509_verify_cert_error_string(verify)
                                                 : "verify failed";
      return fail(false, "TLS certificate of " + url_.host + " not accepted: " + reason);
    }
    fail(true, "TLS handshake with " + where() + " failed: " + network_reason(ec));
  }

  // ----- the request -----

  void do_send_header() {
    phase_ = phase::sending_header;
    last_activity_ = steady::now();
    out_.assign(header_);
    out_written_ = 0;
    file_in_out_ = {};
    do_write();
  }

  void on_header_sent() {
    do_read_header();
    if (spec_.continue_timeout.count() <= 0)
      return start_streaming();
    phase_ = phase::awaiting_continue;
    continue_until_ = steady::now() + spec_.continue_timeout;
  }

  void start_streaming() {
    phase_ = phase::streaming;
    last_activity_ = steady::now();
    do_next_chunk();
  }

  void do_next_chunk() {
    if (cancel_requested())
      return finish_cancelled();
    out_.clear();
    out_written_ = 0;
    if (next_offset_ == 0)
      out_ += prefix_;
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_, file_size_ - next_offset_));
    file_in_out_ = {out_.size(), want, next_offset_};
    out_.resize(out_.size() + want);
    if (!read_file(&out_[file_in_out_.begin], want, next_offset_))
      return;
    next_offset_ += want;
    if (next_offset_ == file_size_) {
      // The last piece waits until we know the size held: a grown file must
      // end as an incomplete body, never as a complete wrong one.
      char probe;
      auto extra = file_.read_at(&probe, 1, static_cast<std::int64_t>(file_size_));
      if (extra > 0)
        return fail_file(spec_.file_path + " grew while being sent (it had " + std::to_string(file_size_) + " bytes)");
      out_ += suffix_;
      last_piece_ = true;
    }
    do_write();
  }

  bool read_file(char* p, std::size_t n, std::uint64_t offset) {
    while (n > 0) {
      auto got = file_.read_at(p, n, static_cast<std::int64_t>(offset));
      if (got < 0) {
        fail_file("cannot read " + spec_.file_path + ": " + file_.last_error());
        return false;
      }
      if (got == 0) {
        fail_file(spec_.file_path + " shrank while being sent (ended at " + std::to_string(offset) + " of " +
                  std::to_string(file_size_) + " bytes)");
        return false;
      }
      p += got;
      n -= static_cast<std::size_t>(got);
      offset += static_cast<std::uint64_t>(got);
    }
    return true;
  }

  void do_write() {
    auto buf = asio::buffer(out_.data() + out_written_, out_.size() - out_written_);
    auto done = [this](error_code ec, std::size_t n) { on_write(ec, n); };
    if (tls_)
      tls_->async_write_some(buf, done);
    else
      plain_->async_write_some(buf, done);
  }

  void on_write(error_code ec, std::size_t n) {
    if (phase_ == phase::done || answered_)
      return; // the verdict is in; the rest of the body does not matter
    if (ec)
      return on_write_error(ec);
    last_activity_ = steady::now();
    out_written_ += n;
    if (out_written_ > file_in_out_.begin)
      sent_ = file_in_out_.offset + std::min(out_written_ - file_in_out_.begin, file_in_out_.size);
    if (out_written_ < out_.size()) {
      report_progress();
      return do_write();
    }
    if (phase_ == phase::sending_header)
      return on_header_sent();
    if (!last_piece_) {
      report_progress();
      return do_next_chunk();
    }
    body_done_ = true;
    phase_ = phase::awaiting_verdict;
    if (spec_.on_progress)
      spec_.on_progress(sent_, file_size_);
  }

  void on_write_error(error_code ec) {
    if (phase_ == phase::sending_header)
      return fail_network(ec);
    // A server that refuses halfway often closes at once; its answer may
    // still be in flight, so the read gets a moment before we give up.
    write_error_ = ec;
    grace_until_ = steady::now() + refusal_grace;
  }

  void report_progress() {
    if (!spec_.on_progress || sent_ >= file_size_)
      return; // the final report comes once the whole body is out
    auto now = steady::now();
    if (last_progress_ && now - *last_progress_ < progress_interval)
      return;
    last_progress_ = now;
    spec_.on_progress(sent_, file_size_);
  }

  // ----- the response -----

  void do_read_header() {
    parser_.emplace();
    parser_->body_limit(max_response_body);
    auto done = [this](error_code ec, std::size_t) { on_response_header(ec); };
    if (tls_)
      http::async_read_header(*tls_, rbuf_, *parser_, done);
    else
      http::async_read_header(*plain_, rbuf_, *parser_, done);
  }

  void on_response_header(error_code ec) {
    if (phase_ == phase::done)
      return;
    if (ec == http::error::body_limit && parser_->is_header_done()) {
      // A Content-Length over the limit is refused with the header read:
      // the status still counts, the body is dropped.
      answered_ = true;
      return on_response(ec);
    }
    if (ec)
      return on_read_error(ec);
    last_activity_ = steady::now();
    auto status = parser_->get().result_int();
    if (status / 100 == 1) {
      do_read_header(); // the final response follows
      if (status == 100 && phase_ == phase::awaiting_continue)
        start_streaming();
      return;
    }
    answered_ = true;
    phase_ = phase::awaiting_verdict;
    auto done = [this](error_code ec, std::size_t) { on_response(ec); };
    if (tls_)
      http::async_read(*tls_, rbuf_, *parser_, done);
    else
      http::async_read(*plain_, rbuf_, *parser_, done);
  }

  void on_response(error_code ec) {
    if (phase_ == phase::done)
      return;
    bool too_large = ec == http::error::body_limit;
    if (ec && !too_large)
      return on_read_error(ec);
    const auto& res = parser_->get();
    upload_outcome o;
    o.status = static_cast<int>(res.result_int());
    o.bytes_sent = sent_;
    if (!too_large && !res.body().empty()) {
      o.body = json::parse(res.body(), nullptr, false);
      if (o.body.is_discarded())
        o.body = nullptr;
    }
    if (o.status == 429 || o.status == 503)
      o.retry_after = retry_after_of(res[http::field::retry_after]);
    auto klass = o.status / 100;
    if (klass == 2 && body_done_) {
      o.result = upload_result::stored;
    } else if (klass == 2) {
      o.result = upload_result::failed;
      o.retryable = true;
      o.error = "HTTP " + std::to_string(o.status) + " before the whole body was sent (" + std::to_string(sent_) +
                " of " + std::to_string(file_size_) + " bytes)";
    } else if (klass == 5) {
      o.result = upload_result::failed;
      // 507: the server's storage is full; it failed the transfer already.
      o.retryable = o.status != 507;
    } else {
      o.result = upload_result::rejected;
      o.retryable = o.status == 408 || o.status == 429;
    }
    if (klass != 2)
      o.error = verdict_text(res, o.body);
    if (too_large && !o.error.empty())
      o.error += "; response body over 64 KiB ignored";
    finish(std::move(o));
  }

  void on_read_error(error_code ec) {
    // The write usually saw the broken connection first, and says more.
    fail_network(write_error_ ? *write_error_ : ec);
  }

  // ----- deadlines, cancel, the end -----

  void do_tick() {
    timer_.expires_after(tick_interval);
    timer_.async_wait([this](error_code ec) {
      if (!ec && phase_ != phase::done)
        on_tick();
    });
  }

  void on_tick() {
    auto now = steady::now();
    if (cancel_requested())
      return finish_cancelled();
    switch (phase_) {
      case phase::connecting:
        if (now >= connect_deadline_)
          return fail(true, "timed out after " + duration_text(spec_.connect_timeout) + " " + connect_step_);
        break;
      case phase::awaiting_continue:
        if (now >= continue_until_)
          start_streaming(); // the server ignores Expect: send the body anyway
        break;
      case phase::sending_header:
      case phase::streaming:
      case phase::awaiting_verdict:
        if (write_error_ && now >= grace_until_)
          return fail_network(*write_error_);
        if (now - last_activity_ >= spec_.idle_timeout)
          return fail(true, body_done_ ? "no answer within " + duration_text(spec_.idle_timeout) + " after all " +
                                           std::to_string(file_size_) + " bytes were sent"
                                       : "no progress for " + duration_text(spec_.idle_timeout) + " " + position());
        break;
      case phase::done:
        return;
    }
    if (phase_ != phase::done)
      do_tick();
  }

  bool cancel_requested() const { return spec_.cancel && spec_.cancel->load(); }

  std::string where() const { return url_.host + ":" + std::to_string(url_.port); }

  std::string position() const {
    if (phase_ == phase::sending_header || (phase_ == phase::awaiting_continue && sent_ == 0))
      return "before the body was sent";
    if (body_done_)
      return "after all " + std::to_string(file_size_) + " bytes were sent";
    return "after " + std::to_string(sent_) + " of " + std::to_string(file_size_) + " bytes";
  }

  void fail_network(error_code ec) { fail(true, network_reason(ec) + " " + position()); }

  void fail_file(std::string why) {
    upload_outcome o;
    o.result = upload_result::file_error;
    o.error = std::move(why);
    o.bytes_sent = sent_;
    finish(std::move(o));
  }

  void finish_cancelled() {
    upload_outcome o;
    o.result = upload_result::cancelled;
    o.error = "cancelled " + (phase_ == phase::connecting ? connect_step_ : position());
    o.bytes_sent = sent_;
    finish(std::move(o));
  }

  void fail(bool retryable, std::string why) {
    upload_outcome o;
    o.result = upload_result::failed;
    o.error = std::move(why);
    o.retryable = retryable;
    o.bytes_sent = sent_;
    finish(std::move(o));
  }

  // Closing the socket ends every pending operation; their handlers see
  // phase::done and return, and ioc_.run() then runs out of work.
  void finish(upload_outcome o) {
    outcome_ = std::move(o);
    phase_ = phase::done;
    error_code ignored;
    timer_.cancel();
    resolver_.cancel();
    socket().close(ignored);
  }

  tcp::socket& socket() { return tls_ ? tls_->next_layer() : *plain_; }

  const upload_spec& spec_;
  asio::io_context ioc_;
  asio::steady_timer timer_;
  tcp::resolver resolver_;
  std::optional<ssl::context> tls_ctx_;
  std::optional<ssl::stream<tcp::socket>> tls_;
  std::optional<tcp::socket> plain_;
  client_url url_;
  platform::input_file file_;
  upload_outcome outcome_;

  std::uint64_t file_size_ = 0;
  std::size_t chunk_ = 0;
  std::string header_, prefix_, suffix_;
  // What is being written: header or prefix + file bytes (+ suffix).
  std::string out_;
  std::size_t out_written_ = 0;
  struct file_span {
    std::size_t begin = 0, size = 0;
    std::uint64_t offset = 0;
  } file_in_out_;
  std::uint64_t next_offset_ = 0;
  std::uint64_t sent_ = 0;
  bool last_piece_ = false;
  bool body_done_ = false;
  bool answered_ = false;
  std::optional<error_code> write_error_;

  beast::flat_buffer rbuf_;
  std::optional<http::response_parser<http::string_body>> parser_;

  phase phase_ = phase::connecting;
  std::string connect_step_;
  bool wrong_host_ = false;
  steady::time_point connect_deadline_, continue_until_, last_activity_, grace_until_;
  std::optional<steady::time_point> last_progress_;
};

} // namespace

const char* to_string(upload_result r) {
  switch (r) {
    case upload_result::stored: return "stored";
    case upload_result::rejected: return "rejected";
    case upload_result::failed: return "failed";
    case upload_result::cancelled: return "cancelled";
    case upload_result::file_error: return "file_error";
  }
  return "unknown";
}

std::string form_data_disposition(std::string_view filename) {
  bool plain_ascii = true;
  for (char c : filename) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      return {};
    if (u >= 0x80)
      plain_ascii = false;
  }
  std::string out = "form-data; name=\"file\"; filename=\"";
  for (char c : filename) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  out += '"';
  if (plain_ascii)
    return out;
  // RFC 8187: every byte of the UTF-8 but the unreserved ones is %XX.
  return out + "; filename*=UTF-8''" + percent_encode(filename);
}

upload_outcome upload_file(const upload_spec& spec) {
  upload_transfer transfer(spec);
  return transfer.run();
}

} // namespace siberius::net
