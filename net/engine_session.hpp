// One Engine.IO v4 connection over WebSocket, with the Socket.IO v5 namespace
// layer on top (or, on the bare Engine.IO endpoint, plain messages).
//
// Everything but the public connection methods runs on the socket's strand;
// those methods post there. One timer drives pings, the pong deadline, the
// connect timeout and the close deadline; one write is in flight at a time
// with a bounded queue behind it. An idle connection waits for readability
// with no buffer at all (10,000 of them must fit in a few tens of MB), which
// is why WebSocket framing is done here (net/websocket_frame) rather than by
// Beast's websocket::stream; the HTTP upgrade itself is Beast's.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include "net/server.hpp"
#include "net/server_state.hpp"
#include "net/websocket_frame.hpp"

namespace siberius::net {

enum class engine_mode {
  socketio, // Socket.IO packets inside Engine.IO messages
  bare,     // Engine.IO messages handed to the engine_message_handler
};

class engine_session : public connection,
                       public session_base,
                       public std::enable_shared_from_this<engine_session> {
public:
  engine_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<server_state> state,
                 connection_slot slot, engine_mode mode, std::string remote_address, handshake_info hs = {});
  ~engine_session() override;

  /// Starts the session on an upgraded socket (the 101 response is sent);
  /// `early_bytes` are any bytes the HTTP reader had already taken past the request.
  void run(std::string early_bytes);

  const std::string& sid() const override { return sid_; }
  const std::string& remote_address() const override { return remote_address_; }
  const handshake_info& handshake() const override { return handshake_; }
  std::optional<std::chrono::microseconds> round_trip() const override;
  void accept(const std::string& nsp, nlohmann::json extra) override;
  void reject(const std::string& nsp, std::string message, int code) override;
  void emit(const std::string& nsp, const std::string& event, nlohmann::json args) override;
  void ack(const std::string& nsp, std::uint64_t ack_id, nlohmann::json args) override;
  void emit_with_ack(const std::string& nsp, const std::string& event, nlohmann::json args,
                     std::uint64_t ack_id) override;
  void disconnect(const std::string& nsp, std::string reason) override;
  void close(std::string reason) override;
  void send_message(std::string text) override;
  void attach(const std::string& nsp, std::shared_ptr<void> data) override;
  std::shared_ptr<void> attachment(const std::string& nsp) const override;

  void shutdown() override;

private:
  using clock = std::chrono::steady_clock;

  /// One namespace this client asked to join: pending until the handler answers.
  struct namespace_link {
    std::string name;
    std::string socket_id; // set on accept
    std::shared_ptr<namespace_handler> handler;
    bool accepted = false;
  };

  void do_wait();
  void on_readable(boost::beast::error_code ec);
  void process_input();
  bool on_ws_frame(const ws_frame_header& header, std::string_view payload);
  void on_message(ws_opcode opcode, std::string_view data);
  void fail_websocket(ws_close_code code, const char* event, const char* reason);
  void on_frame(std::string_view frame);
  void on_socketio_packet(std::string_view payload);
  void send(std::string eio_frame);
  void send_raw(std::string ws_frame);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void arm_timer();
  void on_timer(boost::beast::error_code ec);
  void do_close(std::string reason);
  void do_hard_close(std::string reason);
  void finish(const std::string& reason);
  void end_namespaces(const std::string& reason);
  void notify_disconnect(const std::shared_ptr<namespace_handler>& handler, const std::string& nsp,
                         const std::string& reason);
  void log_event(const char* event, std::string_view reason);

  void do_accept(const std::string& nsp, const nlohmann::json& extra);
  void do_reject(const std::string& nsp, const std::string& message, int code);
  void do_disconnect(const std::string& nsp, const std::string& reason);
  namespace_link* find_link(const std::string& nsp);
  bool joined(const std::string& nsp);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::string input_;    // received bytes not yet parsed into frames
  std::string message_;  // a fragmented message being reassembled
  ws_opcode message_opcode_ = ws_opcode::text;
  bool in_message_ = false;
  std::shared_ptr<server_state> state_;
  connection_slot slot_;
  const std::string sid_;
  const std::string remote_address_;
  const engine_mode mode_;
  const handshake_info handshake_;
  // When the ping in flight was queued, and the last round trip in
  // microseconds (-1: none yet), read from application threads.
  clock::time_point ping_sent_ = clock::time_point::max();
  std::atomic<std::int64_t> round_trip_us_{-1};
  std::uint64_t registry_id_ = 0;

  // Write side: writing_frame_ is in flight, queue_[queue_head_..] waits.
  std::string writing_frame_;
  std::vector<std::string> queue_;
  std::size_t queue_head_ = 0;
  std::size_t queued_bytes_ = 0; // writing_frame_ and the queue together

  // Deadlines; clock::time_point::max() means "not set".
  clock::time_point next_ping_ = clock::time_point::max();
  clock::time_point pong_deadline_ = clock::time_point::max();
  clock::time_point connect_deadline_ = clock::time_point::max();
  clock::time_point close_deadline_ = clock::time_point::max();

  std::vector<namespace_link> namespaces_;
  std::string close_reason_;
  bool open_ = false;          // handshake done, frames may be sent
  bool writing_ = false;
  bool timer_waiting_ = false;
  bool closing_ = false;       // close decided; namespaces already told
  bool close_sent_ = false;    // our WebSocket close frame is queued
  bool finish_after_write_ = false; // answered the peer's close: cut when sent
  bool finished_ = false;      // socket gone, nothing more happens

  // Attachments are read and written from application threads.
  mutable std::mutex attachments_mutex_;
  std::vector<std::pair<std::string, std::shared_ptr<void>>> attachments_;
};

} // namespace siberius::net
