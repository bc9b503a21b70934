// One TCP connection speaking HTTP/1.1: plain requests go to the application's
// http_handler (404 without one); a WebSocket upgrade at the Socket.IO or bare
// Engine.IO path hands the socket to an engine_session.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "net/engine_session.hpp"
#include "net/server.hpp"
#include "net/server_state.hpp"

namespace siberius::net {

class http_session : public session_base, public std::enable_shared_from_this<http_session> {
public:
  http_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<server_state> state);
  ~http_session() override;

  void run();
  void shutdown() override;

private:
  bool from_trusted_proxy() const;
  void refuse_over_address_limit();
  void refuse_over_limit(const http_request& req, const std::string& remote);
  void do_read();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void start_streaming(std::shared_ptr<const server_state::streaming_route> route);
  void begin_stream(std::shared_ptr<body_sink> sink);
  void read_chunk();
  void on_chunk(boost::beast::error_code ec, std::size_t bytes);
  void finish_stream(bool complete);
  void send_file(file_response file, bool keep_alive, bool head_only);
  void write_file_piece();
  void end_file(bool ok);
  void on_raw_chunk(boost::beast::error_code ec, std::size_t bytes);
  void on_request(http_request req);
  // Engine.IO requests (http_session_engine.cpp): polling, handshakes, upgrades.
  bool is_engine_path(std::string_view path) const;
  void on_engine_request(http_request req, bool bare_engine);
  void refuse_engine_body(http_request req);
  polling_responder polling_answer(const http_request& req, std::vector<std::pair<std::string, std::string>> cors);
  void upgrade(http_request req, bool bare_engine, std::shared_ptr<engine_session> polling = nullptr);
  void start_engine(std::string remote, handshake_info hs, bool bare_engine);
  void drop_untrusted_forwarding(http_request& req) const;
  void respond(http_response res, bool keep_alive);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void do_drain();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  // A streaming route's request: its parser, sink and read buffer.
  std::optional<http::request_parser<http::buffer_body>> stream_parser_;
  std::shared_ptr<const server_state::streaming_route> stream_route_;
  std::shared_ptr<body_sink> sink_;
  std::vector<char> chunk_;
  // Bytes of a Content-Length body still to come: such a body is read
  // straight into chunk_, without the parser's extra copy.
  std::optional<std::uint64_t> raw_left_;
  bool stream_keep_alive_ = false;
  // A file being sent: its descriptor, what is left, and the piece in flight.
  struct file_send {
    // Declared so that clang sees it default-constructible inside this class
    // (std::optional::emplace below); clang rejects the implicit one there.
    file_send() {}
    int fd = -1;
    std::uint64_t offset = 0;
    std::uint64_t left = 0;
    bool keep_alive = false;
    std::shared_ptr<http::response<http::empty_body>> header;
    std::unique_ptr<boost::asio::steady_timer> idle; // a client that stops reading is dropped
  };
  std::optional<file_send> file_;
  std::shared_ptr<server_state> state_;
  connection_slot slot_;
  std::string peer_address_;
  std::uint64_t registry_id_ = 0;
  bool draining_ = false;
  std::shared_ptr<http_response> response_; // the one being written
};

/// The client's address as the application should see it: the peer, or the
/// address a trusted proxy forwarded (X-Forwarded-For's last hop, else X-Real-IP).
std::string client_address(const std::string& peer, const http_request& req,
                           const std::vector<std::string>& trusted_proxies);

} // namespace siberius::net
