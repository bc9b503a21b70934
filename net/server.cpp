#include "net/server.hpp"

#include <mutex>
#include <system_error>

#include <boost/asio/ip/address.hpp>

#include "net/listener.hpp"
#include "net/server_state.hpp"

namespace siberius::net {

struct server::impl {
  impl(boost::asio::io_context& io, server_options options)
      : ioc(io), state(std::make_shared<server_state>(std::move(options))) {
    state->io_executor = ioc.get_executor();
  }
  boost::asio::io_context& ioc;
  std::shared_ptr<server_state> state;
  std::mutex mutex;
  std::shared_ptr<listener> acceptor;
};

server::server(boost::asio::io_context& ioc, server_options options)
    : impl_(std::make_shared<impl>(ioc, std::move(options))) {}

server::~server() { stop(); }

void server::add_namespace(const std::string& nsp, std::shared_ptr<namespace_handler> handler) {
  impl_->state->add_namespace(nsp, std::move(handler));
}

void server::set_http_handler(http_handler handler) { impl_->state->set_http_handler(std::move(handler)); }
void server::add_file_route(std::function<bool(std::string_view)> match, file_handler handler) {
  impl_->state->add_file_route(std::move(match), std::move(handler));
}
void server::add_streaming_route(const std::string& path, std::size_t max_body, streaming_handler handler) {
  impl_->state->add_streaming_route(path, max_body, std::move(handler));
}

void server::set_engine_message_handler(engine_message_handler handler) {
  impl_->state->set_engine_message_handler(std::move(handler));
}

void server::listen(const std::string& address, std::uint16_t port) {
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(address, ec);
  if (ec)
    throw std::system_error(ec, "invalid listen address " + address);
  try {
    auto created = std::make_shared<listener>(impl_->ioc, boost::asio::ip::tcp::endpoint{ip, port}, impl_->state);
    {
      std::lock_guard<std::mutex> guard(impl_->mutex);
      impl_->acceptor = created;
    }
    created->run();
  } catch (const boost::system::system_error& e) {
    throw std::system_error(e.code(), "cannot listen on " + address + ":" + std::to_string(port));
  }
  impl_->state->log({{"event", "net:listening"}, {"address", address}, {"port", this->port()}});
}

std::uint16_t server::port() const {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  return impl_->acceptor ? impl_->acceptor->port() : 0;
}

void server::stop() {
  std::shared_ptr<listener> acceptor;
  {
    std::lock_guard<std::mutex> guard(impl_->mutex);
    acceptor = impl_->acceptor;
  }
  if (acceptor)
    acceptor->stop();
  impl_->state->shutdown_all();
}

std::size_t server::connection_count() const { return impl_->state->engine_connections.load(); }

} // namespace siberius::net
