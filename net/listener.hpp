// Accepts TCP connections and hands each to an http_session.
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>

#include "net/server_state.hpp"

namespace siberius::net {

class listener : public std::enable_shared_from_this<listener> {
public:
  /// Binds; throws std::system_error when the address cannot be used.
  listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
           std::shared_ptr<server_state> state);
  ~listener();

  void run();
  /// Thread-safe: stops accepting.
  void stop();
  std::uint16_t port() const { return port_; }

private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  bool shed_one();
  void reopen_reserve();

  boost::asio::io_context& ioc_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<server_state> state_;
  std::uint16_t port_ = 0;
  // A descriptor kept open for the moment the process runs out of them: closed
  // to accept one waiting client and tell it 503, then taken again.
  int reserve_fd_ = -1;
  std::size_t shed_ = 0; // clients told 503 since the last log line
  std::chrono::steady_clock::time_point last_shed_log_{};
};

} // namespace siberius::net
