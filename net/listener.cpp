#include "net/listener.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "net/http_session.hpp"

namespace siberius::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

listener::listener(asio::io_context& ioc, const asio::ip::tcp::endpoint& endpoint,
                   std::shared_ptr<server_state> state)
    : ioc_(ioc),
      strand_(asio::make_strand(ioc)),
      acceptor_(strand_),
      retry_timer_(strand_),
      state_(std::move(state)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  // Lets shed_one() take a waiting connection without blocking.
  acceptor_.non_blocking(true);
  reopen_reserve();
}

listener::~listener() {
  if (reserve_fd_ >= 0)
    ::close(reserve_fd_);
}

void listener::reopen_reserve() {
  if (reserve_fd_ < 0)
    reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void listener::run() {
  asio::post(strand_, beast::bind_front_handler(&listener::do_accept, shared_from_this()));
}

void listener::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void listener::do_accept() {
  if (!acceptor_.is_open())
    return;
  // Another thread may have taken the descriptor shed_one() freed: take the
  // reserve back as soon as one is free again.
  reopen_reserve();
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(asio::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, asio::ip::tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open())
    return;
  bool out_of_descriptors =
      ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system;
  if (out_of_descriptors && shed_one()) {
    do_accept();
    return;
  }
  if (ec) {
    // Out of file descriptors with no reserve left, say: wait a little
    // instead of spinning.
    state_->log({{"event", "net:accept:failed"}, {"reason", ec.message()}});
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec)
        self->do_accept();
    });
    return;
  }
  std::make_shared<http_session>(std::move(socket), state_)->run();
  do_accept();
}

// Out of descriptors: a waiting client would otherwise sit in the backlog
// until it gives up. Spend the reserve descriptor to take it, answer 503 and
// close; the next accept tries again. False when there is no reserve.
bool listener::shed_one() {
  if (reserve_fd_ < 0)
    return false;
  ::close(reserve_fd_);
  reserve_fd_ = -1;
  asio::ip::tcp::socket socket(ioc_);
  beast::error_code ec;
  acceptor_.accept(socket, ec);
  if (!ec) {
    static constexpr char refusal[] =
        "HTTP/1.1 503 Service Unavailable\r\nServer: siberius\r\nContent-Type: text/plain\r\n"
        "Retry-After: 1\r\nConnection: close\r\nContent-Length: 38\r\n\r\n"
        "server busy (out of file descriptors)\n";
    int fd = socket.native_handle();
    // Take what the client already sent, so the close is a FIN and not a
    // reset that would destroy the answer; best effort, nothing waits.
    char sink[4096];
    while (::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
    }
    [[maybe_unused]] auto sent = ::send(fd, refusal, sizeof refusal - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    socket.close(ec);
    ++shed_;
  }
  reopen_reserve();
  auto now = std::chrono::steady_clock::now();
  if (shed_ > 0 && now - last_shed_log_ >= std::chrono::seconds(1)) {
    state_->log({{"event", "net:accept:shed"},
                 {"reason", "out of file descriptors"},
                 {"refused", shed_},
                 {"reserve", reserve_fd_ >= 0}});
    shed_ = 0;
    last_shed_log_ = now;
  }
  return true;
}

} // namespace siberius::net
