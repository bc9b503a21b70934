// A scripted HTTP server on 127.0.0.1: answers each connection with the next
// canned reply and records what the client sent, so the CLI's requests and
// its handling of each status are checked without the real server.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace siberius::testing {

struct canned_reply {
  canned_reply(int status = 200, std::string body = {}, std::string content_type = "application/json",
               std::map<std::string, std::string> headers = {})
      : status(status), body(std::move(body)), content_type(std::move(content_type)), headers(std::move(headers)) {}

  int status;
  std::string body;
  std::string content_type;
  std::map<std::string, std::string> headers; // Retry-After, Content-Disposition, ETag…
};

struct recorded_request {
  std::string method;
  std::string target;
  std::string authorization;
  std::string content_type;
  std::string host;
  std::string body;
};

class fake_http_server {
public:
  explicit fake_http_server(std::vector<canned_reply> replies)
      : replies_(std::move(replies)), acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }

  ~fake_http_server() {
    stopping_ = true;
    // Unblock a pending accept with connections of our own.
    while (!finished_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket s(ioc_);
      s.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    thread_.join();
  }

  unsigned short port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<recorded_request> requests() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return requests_;
  }

private:
  void serve() {
    namespace http = boost::beast::http;
    for (const auto& reply : replies_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_)
        break;
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec)
        continue;
      {
        std::lock_guard<std::mutex> guard(mutex_);
        requests_.push_back({std::string(req.method_string()), std::string(req.target()),
                             std::string(req[http::field::authorization]), std::string(req[http::field::content_type]),
                             std::string(req[http::field::host]), req.body()});
      }
      http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
      res.set(http::field::content_type, reply.content_type);
      if (reply.status == 401)
        res.set(http::field::www_authenticate, "Bearer");
      for (const auto& [name, value] : reply.headers)
        res.set(name, value);
      res.body() = reply.body;
      res.prepare_payload();
      http::write(socket, res, ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
    finished_ = true;
  }

  std::vector<canned_reply> replies_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> finished_{false};
  mutable std::mutex mutex_;
  std::vector<recorded_request> requests_;
};

} // namespace siberius::testing
