// A net::connection that records what the actors tell it, for deterministic
// actor tests without sockets.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "net/server.hpp"

namespace siberius::test {

struct recorded_ack {
  std::string nsp;
  std::uint64_t id;
  nlohmann::json args;
};

class fake_connection : public net::connection {
public:
  explicit fake_connection(std::string remote = "203.0.113.7") : remote_(std::move(remote)) {}

  const std::string& sid() const override { return sid_; }
  const std::string& remote_address() const override { return remote_; }
  const net::handshake_info& handshake() const override { return handshake_info; }
  std::optional<std::chrono::microseconds> round_trip() const override { return rtt; }
  void accept(const std::string& nsp, nlohmann::json extra) override { accepted.push_back({nsp, extra}); }
  void reject(const std::string& nsp, std::string message, int code) override {
    rejected.push_back({nsp, message, code});
  }
  void emit(const std::string& nsp, const std::string& event, nlohmann::json args) override {
    emitted.push_back({nsp, event, args});
  }
  void ack(const std::string& nsp, std::uint64_t id, nlohmann::json args) override {
    acks.push_back({nsp, id, std::move(args)});
  }
  void emit_with_ack(const std::string& nsp, const std::string& event, nlohmann::json args,
                     std::uint64_t id) override {
    emitted.push_back({nsp, event, args, id});
  }
  // As the real connection: a namespace already disconnected is left alone.
  void disconnect(const std::string& nsp, std::string reason) override {
    for (auto& d : disconnected)
      if (d.nsp == nsp)
        return;
    disconnected.push_back({nsp, reason});
  }
  void close(std::string reason) override { closed.push_back(reason); }
  void send_message(std::string) override {}
  void send_binary(std::string) override {}
  void attach(const std::string& nsp, std::shared_ptr<void> data) override { attached[nsp] = std::move(data); }
  std::shared_ptr<void> attachment(const std::string& nsp) const override {
    auto i = attached.find(nsp);
    return i == attached.end() ? nullptr : i->second;
  }

  /// The payload (first argument) of the ack with this id; null when absent.
  nlohmann::json ack_payload(std::uint64_t id) const {
    for (auto& a : acks)
      if (a.id == id)
        return a.args.at(0);
    return nullptr;
  }

  struct accept_call { std::string nsp; nlohmann::json extra; };
  struct reject_call { std::string nsp; std::string message; int code; };
  struct emit_call { std::string nsp; std::string event; nlohmann::json args; std::uint64_t ack_id = 0; };
  struct disconnect_call { std::string nsp; std::string reason; };
  std::vector<accept_call> accepted;
  std::vector<reject_call> rejected;
  std::vector<emit_call> emitted;
  std::vector<recorded_ack> acks;
  std::vector<disconnect_call> disconnected;
  std::vector<std::string> closed;
  std::map<std::string, std::shared_ptr<void>> attached;
  net::handshake_info handshake_info;
  std::optional<std::chrono::microseconds> rtt;

private:
  std::string sid_ = "fake-sid";
  std::string remote_;
};

} // namespace siberius::test
