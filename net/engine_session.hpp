// One Engine.IO v4 session, with the Socket.IO v5 namespace layer on top (or,
// on the bare Engine.IO endpoint, plain messages), over either transport:
// a WebSocket from the start, or HTTP long-polling that may upgrade to a
// WebSocket later (engine_polling.cpp). Namespaces, acks, attachments and the
// packet queue belong to the session, so nothing is lost across the switch.
//
// Everything but the public connection methods runs on the session's strand;
// those methods post there. One timer drives pings, the pong deadline, the
// connect timeout, the upgrade deadline and the close deadline; packets wait
// in one bounded queue that the transport drains (one WebSocket write in
// flight, or the whole queue as the answer to a held polling GET). An idle
// WebSocket waits for readability with no buffer at all (10,000 of them must
// fit in a few tens of MB), which is why WebSocket framing is done here
// (net/websocket_frame) rather than by Beast's websocket::stream; the HTTP
// upgrade itself is Beast's.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include "net/engine_codec.hpp"
#include "net/server.hpp"
#include "net/server_state.hpp"
#include "net/websocket_frame.hpp"

namespace siberius::net {

enum class engine_mode {
  socketio, // Socket.IO packets inside Engine.IO messages
  bare,     // Engine.IO messages handed to the engine_message_handler
};

enum class engine_transport {
  websocket,
  polling,
};

/// Content-Type of the answers to polling GETs.
inline constexpr const char* polling_content_type = "text/plain; charset=UTF-8";

/// The answer to one polling request, given once from the session's strand.
using polling_responder = std::function<void(http::status status, std::string body, const char* content_type)>;

class engine_session : public connection,
                       public session_base,
                       public std::enable_shared_from_this<engine_session> {
public:
  /// A session on a WebSocket from its first request.
  engine_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<server_state> state,
                 connection_slot slot, engine_mode mode, std::string remote_address, handshake_info hs = {});
  /// A session on HTTP long-polling; `strand` serialises it.
  engine_session(boost::asio::any_io_executor strand, std::shared_ptr<server_state> state,
                 connection_slot slot, engine_mode mode, std::string remote_address, handshake_info hs = {});
  ~engine_session() override;

private:
  engine_session(boost::asio::any_io_executor strand, boost::asio::ip::tcp::socket&& socket,
                 engine_transport transport, std::shared_ptr<server_state> state, connection_slot slot,
                 engine_mode mode, std::string remote_address, handshake_info hs);

public:
  /// Starts the session on an upgraded socket (the 101 response is sent);
  /// `early_bytes` are any bytes the HTTP reader had already taken past the request.
  void run(std::string early_bytes);

  // Polling (engine_polling.cpp). Each posts to the strand and answers
  // through `respond` exactly once.
  /// The handshake GET: answered with the open packet.
  void start_polling(polling_responder respond);
  /// A GET with this sid: answered with the queued packets, at once or when there are some.
  void poll(polling_responder respond);
  /// A POST with this sid: its packets are handled, then "ok".
  void post_data(std::string body, polling_responder respond);
  /// A POST whose body was over maxPayload (413 already sent): the session closes.
  void refuse_oversize();
  /// False once the session cannot take an upgrade (not polling, probing, closing).
  bool upgradable() const { return upgradable_.load(); }
  /// A WebSocket opened with this sid (its 101 sent): probe, then switch to it.
  void begin_upgrade(boost::asio::ip::tcp::socket socket, std::string early_bytes);

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
  void send_binary(std::string bytes) override;
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

  struct probe_state;

  void start_timers();
  void do_wait();
  void on_readable(boost::beast::error_code ec);
  void process_input();
  bool on_ws_frame(const ws_frame_header& header, std::string_view payload);
  void on_message(ws_opcode opcode, std::string_view data);
  void fail_websocket(ws_close_code code, const char* event, const char* reason);
  void on_frame(std::string_view frame);
  void on_binary(std::string bytes);
  void on_socketio_packet(std::string_view payload);
  void dispatch(sio_packet packet);
  void send(std::string eio_frame);
  void send_binary_frame(std::string bytes);
  void send_sio(sio_packet packet);
  void send_raw(std::string ws_frame);
  /// Queues one item and has the transport take it.
  enum class item_kind : std::uint8_t { text, binary, ws_raw };
  void enqueue(std::string bytes, item_kind kind);
  void flush();
  // Polling.
  bool polling_request_ok(const polling_responder& respond);
  void do_poll(polling_responder respond);
  void do_post(const std::string& body, const polling_responder& respond);
  void answer_poll();
  void end_polling(const std::string& reason);
  // The upgrade probe.
  void probe_wait(const std::shared_ptr<probe_state>& probe);
  void probe_readable(const std::shared_ptr<probe_state>& probe, boost::beast::error_code ec);
  bool probe_frame(const std::shared_ptr<probe_state>& probe, const ws_frame_header& header, std::string_view payload);
  void probe_send(const std::shared_ptr<probe_state>& probe, std::string ws_frame);
  void probe_write(const std::shared_ptr<probe_state>& probe);
  void drop_probe(const char* event, std::string_view reason);
  void complete_upgrade();
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

  boost::asio::any_io_executor strand_;
  boost::asio::ip::tcp::socket socket_; // unopened while polling
  boost::asio::steady_timer timer_;
  engine_transport transport_;
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

  // Write side: on WebSocket writing_frame_ is in flight (writing_size_ of
  // queued_bytes_), queue_[queue_head_..] waits.
  struct out_item {
    std::string bytes;
    item_kind kind;
  };
  std::string writing_frame_;
  std::size_t writing_size_ = 0;
  std::vector<out_item> queue_;
  std::size_t queue_head_ = 0;
  std::size_t queued_bytes_ = 0; // the frame in flight and the queue together

  // Polling: the GET held until there is something to send.
  polling_responder held_poll_;
  // The WebSocket being probed for an upgrade (polling sessions only).
  std::shared_ptr<probe_state> probe_;
  std::atomic<bool> upgradable_{false};

  // A BINARY_EVENT / BINARY_ACK waiting for its attachments.
  std::optional<sio_packet> binary_packet_;
  std::vector<std::string> attachments_received_;
  std::size_t attachment_bytes_ = 0;

  // Deadlines; clock::time_point::max() means "not set".
  clock::time_point next_ping_ = clock::time_point::max();
  clock::time_point pong_deadline_ = clock::time_point::max();
  clock::time_point connect_deadline_ = clock::time_point::max();
  clock::time_point close_deadline_ = clock::time_point::max();
  clock::time_point upgrade_deadline_ = clock::time_point::max();

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
