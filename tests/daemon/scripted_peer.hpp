// A scripted /daemon peer for the daemon_peer suite: a real Socket.IO server
// (siberius_net) on a loopback port that plays siberius-server's part of the
// protocol in the smallest way (heartbeat ok, sync: nothing needed, batches
// indexed, errors stored) and lets a test send the server's events
// (daemon:resync, daemon:config_update) and read the daemon's acks. The real
// server cannot send those events yet (admin endpoints come with the lead's
// change), so this is how the daemon's side is tested end to end.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "net/server.hpp"

namespace siberius::testing {

/// What the peer does with the daemon's daemon:log events.
enum class log_answer {
  stored,        ///< {ok: true, stored: n}: a server with daemon:log
  unknown_event, ///< {error: "unknown event: daemon:log"}: a server from before it
  none,          ///< no ack at all
};

/// One event the daemon sent, with when it arrived.
struct received_event {
  std::string name;
  nlohmann::json payload;
  std::chrono::steady_clock::time_point at;
};

class scripted_peer : public net::namespace_handler, public std::enable_shared_from_this<scripted_peer> {
public:
  static std::shared_ptr<scripted_peer> start() {
    auto p = std::shared_ptr<scripted_peer>(new scripted_peer());
    net::server_options opts;
    opts.log = [](const nlohmann::json&) {};
    p->server_ = std::make_unique<net::server>(p->ioc_, opts);
    p->server_->add_namespace("/daemon", p);
    p->server_->listen("127.0.0.1", 0);
    p->thread_ = std::thread([q = p.get()] { q->ioc_.run(); });
    return p;
  }

  ~scripted_peer() override { stop(); }

  void stop() {
    if (!thread_.joinable())
      return;
    server_->stop();
    guard_.reset();
    ioc_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return server_->port(); }

  /// While set, CONNECTs are refused with 503 (the daemon retries with backoff).
  void refuse_connects(bool refuse) {
    std::lock_guard<std::mutex> lock(mutex_);
    refuse_ = refuse;
  }
  /// Makes the peer a server with daemon:stat_check that holds these files
  /// (path -> SHA-256 hex) unchanged, whatever size and mtime the daemon lists.
  /// Without it the peer is a server from before the exchange ("unknown event").
  void hold_files(std::map<std::string, std::string> known) {
    std::lock_guard<std::mutex> lock(mutex_);
    stat_check_ = true;
    held_files_ = std::move(known);
  }
  void answer_logs(log_answer a) {
    std::lock_guard<std::mutex> lock(mutex_);
    log_answer_ = a;
  }
  /// While set, the acks of daemon:sync chunks wait (the daemon's sync stays
  /// running) until release_syncs().
  void hold_syncs(bool hold) {
    std::lock_guard<std::mutex> lock(mutex_);
    hold_syncs_ = hold;
  }
  void release_syncs() {
    std::vector<held_ack> held;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      hold_syncs_ = false;
      held.swap(held_);
    }
    for (auto& h : held)
      h.conn->ack("/daemon", h.ack_id, nlohmann::json::array({h.answer}));
  }
  bool connected() {
    std::lock_guard<std::mutex> lock(mutex_);
    return conn_ != nullptr;
  }
  /// Closes the daemon's connection (it reconnects after its backoff).
  void kick() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (conn_)
      conn_->close("kicked by the test");
  }

  /// Every event of `name` the daemon sent so far (all when empty).
  std::vector<received_event> events(const std::string& name = "") {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<received_event> out;
    for (auto& e : events_)
      if (name.empty() || e.name == name)
        out.push_back(e);
    return out;
  }

  /// Sends a server event asking for an ack; returns its ack id (0 when not connected).
  std::uint64_t send(const std::string& event, nlohmann::json payload) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!conn_)
      return 0;
    auto id = next_ack_id_++;
    conn_->emit_with_ack("/daemon", event, nlohmann::json::array({std::move(payload)}), id);
    return id;
  }

  /// The first argument of the daemon's ack for `id`, once it arrived.
  std::optional<nlohmann::json> wait_ack(std::uint64_t id, std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, limit, [&] { return acks_.count(id) > 0; });
    auto it = acks_.find(id);
    if (it == acks_.end())
      return std::nullopt;
    return it->second;
  }

  // ---- namespace_handler --------------------------------------------------

  void on_connect(const net::connection_ptr& conn, const std::string& nsp, nlohmann::json) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (refuse_) {
      conn->reject(nsp, "database unavailable, retry later", 503);
      return;
    }
    conn_ = conn;
    conn->accept(nsp, {{"lastSync", nullptr}});
  }

  void on_event(const net::connection_ptr& conn, const std::string& nsp, std::string event, nlohmann::json args,
                std::optional<std::uint64_t> ack_id) override {
    auto payload = args.is_array() && !args.empty() ? args[0] : nlohmann::json();
    std::optional<nlohmann::json> answer;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      events_.push_back({event, payload, std::chrono::steady_clock::now()});
      answer = answer_for(event, payload);
      if (event == "daemon:sync" && hold_syncs_ && ack_id && answer) {
        held_.push_back({conn, *ack_id, *answer});
        answer.reset();
      }
    }
    cv_.notify_all();
    if (ack_id && answer)
      conn->ack(nsp, *ack_id, nlohmann::json::array({*answer}));
  }

  void on_disconnect(const net::connection_ptr& conn, const std::string&, const std::string&) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (conn_ == conn)
      conn_.reset();
  }

  void on_ack(const net::connection_ptr&, const std::string&, std::uint64_t ack_id, nlohmann::json args) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      acks_[ack_id] = args.is_array() && !args.empty() ? args[0] : nlohmann::json();
    }
    cv_.notify_all();
  }

private:
  scripted_peer() = default;

  // Called with mutex_ held.
  std::optional<nlohmann::json> answer_for(const std::string& event, const nlohmann::json& payload) {
    if (event == "daemon:heartbeat")
      return nlohmann::json{{"ok", true}, {"serverTime", "2026-01-01T00:00:00.000Z"}};
    if (event == "daemon:sync") {
      nlohmann::json a = {{"needed", nlohmann::json::array()}};
      if (payload.value("done", true))
        a["markedMissing"] = 0;
      return a;
    }
    if (event == "daemon:pdf_indexed_batch") {
      auto results = nlohmann::json::array();
      for (auto& d : payload.value("documents", nlohmann::json::array()))
        results.push_back({{"fileHash", d.value("fileHash", "")}, {"recordId", ++record_}, {"status", "indexed"}});
      return nlohmann::json{{"processed", results.size()}, {"duplicates", 0}, {"errors", 0}, {"results", results}};
    }
    if (event == "daemon:error")
      return nlohmann::json{{"ok", true}};
    if (event == "daemon:stat_check" && stat_check_) {
      auto known = nlohmann::json::array();
      for (auto& f : payload.value("files", nlohmann::json::array()))
        if (auto it = held_files_.find(f.value("filePath", "")); it != held_files_.end())
          known.push_back({{"filePath", it->first}, {"fileHash", it->second}});
      return nlohmann::json{{"known", known}};
    }
    if (event == "daemon:log") {
      switch (log_answer_) {
        case log_answer::stored:
          return nlohmann::json{{"ok", true}, {"stored", payload.value("lines", nlohmann::json::array()).size()}};
        case log_answer::unknown_event: return nlohmann::json{{"error", "unknown event: daemon:log"}};
        case log_answer::none: return std::nullopt;
      }
    }
    return nlohmann::json{{"error", "unknown event: " + event}};
  }

  struct held_ack {
    net::connection_ptr conn;
    std::uint64_t ack_id;
    nlohmann::json answer;
  };

  boost::asio::io_context ioc_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{ioc_.get_executor()};
  std::unique_ptr<net::server> server_;
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable cv_;
  bool refuse_ = false;
  bool hold_syncs_ = false;
  bool stat_check_ = false;
  std::map<std::string, std::string> held_files_;
  std::vector<held_ack> held_;
  log_answer log_answer_ = log_answer::stored;
  net::connection_ptr conn_;
  std::vector<received_event> events_;
  std::map<std::uint64_t, nlohmann::json> acks_;
  std::uint64_t next_ack_id_ = 1;
  std::int64_t record_ = 0;
};

} // namespace siberius::testing
