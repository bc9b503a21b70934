// The Engine.IO side of an HTTP session: which transport a request at the
// Socket.IO (or bare Engine.IO) path asks for, cross-origin rules for the
// polling transport, and handing the request to its session.
#include <cctype>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/engine_session.hpp"
#include "net/http_session.hpp"
#include "net/http_util.hpp"
#include "net/origin.hpp"
#include "net/url.hpp"

namespace siberius::net {

namespace beast = boost::beast;
namespace asio = boost::asio;
using detail::engine_error;
using detail::make_response;
using detail::path_matches;

namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

enum class origin_verdict { none, same, allowed, refused };

// A browser names the page's origin; the server's own (the scheme and Host
// the request arrived with) and the configured ones may use the polling transport.
origin_verdict judge_origin(const http_request& req, const std::vector<std::string>& allowed) {
  auto origin = req[http::field::origin];
  if (origin.empty())
    return origin_verdict::none;
  auto host = req[http::field::host];
  bool secure = beast::iequals(req["X-Forwarded-Proto"], "https"); // only a trusted proxy's is left
  if (origin_allowed(origin, host, secure, {}))
    return origin_verdict::same;
  if (origin_allowed(origin, host, secure, allowed))
    return origin_verdict::allowed;
  return origin_verdict::refused;
}

// What an allowed cross-origin request's answers carry.
header_list cors_headers(const http_request& req) {
  return {{"Access-Control-Allow-Origin", std::string(req[http::field::origin])},
          {"Access-Control-Allow-Credentials", "true"},
          {"Vary", "Origin"}};
}

// Header names a preflight may ask for: tokens only, so nothing odd is echoed.
bool header_list_ok(beast::string_view names) {
  if (names.size() > 256)
    return false;
  for (char c : names)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ',' || c == ' '))
      return false;
  return true;
}

} // namespace

bool http_session::is_engine_path(std::string_view path) const {
  const auto& opts = state_->options();
  return path_matches(path, opts.socketio_path) || (opts.engineio_path && path_matches(path, *opts.engineio_path));
}

polling_responder http_session::polling_answer(const http_request& req, header_list cors) {
  auto self = shared_from_this();
  auto version = req.version();
  bool keep_alive = req.keep_alive();
  auto answered = std::make_shared<std::atomic<bool>>(false);
  return [self, version, keep_alive, answered, cors = std::move(cors)](http::status status, std::string body,
                                                                      const char* content_type) {
    if (answered->exchange(true))
      return;
    http_response res{status, version};
    res.set(http::field::server, "siberius");
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : cors)
      res.set(name, value);
    res.body() = std::move(body);
    asio::post(self->stream_.get_executor(), [self, keep_alive, res = std::move(res)]() mutable {
      self->respond(std::move(res), keep_alive && res.keep_alive());
    });
  };
}

void http_session::on_engine_request(http_request req, bool bare_engine) {
  const auto& opts = state_->options();
  auto verdict = judge_origin(req, opts.cors_origins);
  header_list cors;
  if (verdict == origin_verdict::allowed)
    cors = cors_headers(req);
  auto transport = query_param(req.target(), "transport");
  bool polling = transport == std::optional<std::string>("polling");
  if (polling || req.method() == http::verb::options) {
    if (verdict == origin_verdict::refused) {
      state_->log({{"event", "eio:origin:refused"},
                   {"origin", std::string(req[http::field::origin])},
                   {"remote", client_address(peer_address_, req, opts.trusted_proxies)}});
      respond(engine_error(req, 4, "Forbidden", http::status::forbidden), req.keep_alive());
      return;
    }
    if (req.method() == http::verb::options) {
      // A CORS preflight (a POST with a Content-Type of its own, say).
      http_response res{http::status::no_content, req.version()};
      res.set(http::field::server, "siberius");
      for (const auto& [name, value] : cors)
        res.set(name, value);
      res.set(http::field::access_control_allow_methods, "GET, POST, OPTIONS");
      auto asked = req[http::field::access_control_request_headers];
      if (!asked.empty() && header_list_ok(asked))
        res.set(http::field::access_control_allow_headers, asked);
      res.set(http::field::access_control_max_age, "600");
      respond(std::move(res), req.keep_alive());
      return;
    }
  }
  auto answer_error = [&](int code, const char* message) {
    auto res = engine_error(req, code, message);
    for (const auto& [name, value] : cors)
      res.set(name, value);
    respond(std::move(res), polling && req.keep_alive());
  };
  if (!polling && transport != std::optional<std::string>("websocket"))
    return answer_error(0, "Transport unknown");
  if (query_param(req.target(), "EIO") != std::optional<std::string>("4"))
    return answer_error(5, "Unsupported protocol version");
  auto sid = query_param(req.target(), "sid");
  std::shared_ptr<engine_session> session;
  if (sid) {
    session = state_->find_engine(*sid);
    if (!session)
      return answer_error(1, "Session ID unknown");
  }

  if (!polling) {
    if (req.method() != http::verb::get || !beast::websocket::is_upgrade(req))
      return answer_error(3, "Bad request");
    if (session && !session->upgradable())
      return answer_error(3, "Bad request"); // already upgraded, upgrading, or closing
    upgrade(std::move(req), bare_engine, std::move(session));
    return;
  }

  if (!session) {
    if (req.method() != http::verb::get)
      return answer_error(2, "Bad handshake method");
    // A new polling session counts as one connection of its client, as a
    // WebSocket does, however many requests it makes.
    auto remote = client_address(peer_address_, req, opts.trusted_proxies);
    connection_slot slot(state_);
    if (!slot.bind_address(remote))
      return refuse_over_limit(req, remote);
    auto created = std::make_shared<engine_session>(asio::make_strand(state_->io_executor), state_, std::move(slot),
                                                    bare_engine ? engine_mode::bare : engine_mode::socketio,
                                                    std::move(remote), detail::handshake_of(req));
    created->start_polling(polling_answer(req, std::move(cors)));
    return;
  }
  if (req.method() == http::verb::get) {
    session->poll(polling_answer(req, std::move(cors)));
  } else if (req.method() == http::verb::post) {
    auto body = std::move(req.body());
    session->post_data(std::move(body), polling_answer(req, std::move(cors)));
  } else {
    answer_error(3, "Bad request");
  }
}

// A polling POST over maxPayload: 413, and its session ends (as the
// reference server does); the connection cannot carry another request.
void http_session::refuse_engine_body(http_request req) {
  if (auto sid = query_param(req.target(), "sid"))
    if (auto session = state_->find_engine(*sid))
      session->refuse_oversize();
  auto res = make_response(req, http::status::payload_too_large, "request body larger than maxPayload\n",
                           "text/plain");
  if (judge_origin(req, state_->options().cors_origins) == origin_verdict::allowed)
    for (const auto& [name, value] : cors_headers(req))
      res.set(name, value);
  respond(std::move(res), false);
}

} // namespace siberius::net
