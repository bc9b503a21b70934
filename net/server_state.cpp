#include "net/server_state.hpp"

#include <iostream>
#include <vector>

#include <openssl/rand.h>

namespace siberius::net {

server_state::server_state(server_options options) : options_(std::move(options)) {}

void server_state::log(const nlohmann::json& line) const {
  if (options_.log) {
    options_.log(line);
    return;
  }
  auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  std::cerr << text << std::flush;
}

void server_state::add_namespace(const std::string& nsp, std::shared_ptr<namespace_handler> handler) {
  std::lock_guard<std::mutex> guard(mutex_);
  namespaces_[nsp] = std::move(handler);
}

std::shared_ptr<namespace_handler> server_state::find_namespace(const std::string& nsp) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = namespaces_.find(nsp);
  return it == namespaces_.end() ? nullptr : it->second;
}

void server_state::set_http_handler(http_handler handler) {
  auto ptr = handler ? std::make_shared<const http_handler>(std::move(handler)) : nullptr;
  std::lock_guard<std::mutex> guard(mutex_);
  http_ = std::move(ptr);
}

void server_state::add_streaming_route(const std::string& path, std::size_t max_body, streaming_handler handler) {
  auto route = std::make_shared<const streaming_route>(streaming_route{max_body, std::move(handler)});
  std::lock_guard<std::mutex> guard(mutex_);
  streaming_routes_[path] = std::move(route);
}

std::shared_ptr<const server_state::streaming_route> server_state::find_streaming_route(std::string_view path) const {
  std::lock_guard<std::mutex> guard(mutex_);
  if (streaming_routes_.empty())
    return nullptr;
  auto it = streaming_routes_.find(std::string(path));
  return it == streaming_routes_.end() ? nullptr : it->second;
}

void server_state::add_file_route(std::function<bool(std::string_view)> match, file_handler handler) {
  auto route = std::make_shared<const file_route>(file_route{std::move(match), std::move(handler)});
  std::lock_guard<std::mutex> guard(mutex_);
  file_routes_.push_back(std::move(route));
}

std::shared_ptr<const server_state::file_route> server_state::find_file_route(std::string_view path) const {
  std::lock_guard<std::mutex> guard(mutex_);
  for (const auto& r : file_routes_)
    if (r->match(path))
      return r;
  return nullptr;
}

std::shared_ptr<const http_handler> server_state::http() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return http_;
}

void server_state::set_engine_message_handler(engine_message_handler handler) {
  auto ptr = handler ? std::make_shared<const engine_message_handler>(std::move(handler)) : nullptr;
  std::lock_guard<std::mutex> guard(mutex_);
  engine_messages_ = std::move(ptr);
}

std::shared_ptr<const engine_message_handler> server_state::engine_messages() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return engine_messages_;
}

std::uint64_t server_state::register_session(std::weak_ptr<session_base> session) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto id = next_session_id_++;
  sessions_.emplace(id, std::move(session));
  return id;
}

void server_state::unregister_session(std::uint64_t id) {
  std::lock_guard<std::mutex> guard(mutex_);
  sessions_.erase(id);
}

void server_state::add_engine(const std::string& sid, std::weak_ptr<engine_session> session) {
  std::lock_guard<std::mutex> guard(mutex_);
  engines_[sid] = std::move(session);
}

void server_state::remove_engine(const std::string& sid) {
  std::lock_guard<std::mutex> guard(mutex_);
  engines_.erase(sid);
}

std::shared_ptr<engine_session> server_state::find_engine(const std::string& sid) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = engines_.find(sid);
  return it == engines_.end() ? nullptr : it->second.lock();
}

std::size_t server_state::engine_count() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return engines_.size();
}

void server_state::shutdown_all() {
  stopping_ = true;
  std::vector<std::shared_ptr<session_base>> live;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    live.reserve(sessions_.size());
    for (auto& [id, weak] : sessions_)
      if (auto session = weak.lock())
        live.push_back(std::move(session));
  }
  // Outside the lock: shutdown() only posts, but a session may unregister.
  for (auto& session : live)
    session->shutdown();
}

bool server_state::acquire_address(const std::string& address) {
  auto limit = options_.max_connections_per_address;
  std::lock_guard<std::mutex> guard(addresses_mutex_);
  auto& count = per_address_[address];
  if (limit != 0 && count >= limit) {
    if (count == 0)
      per_address_.erase(address);
    return false;
  }
  ++count;
  return true;
}

void server_state::release_address(const std::string& address) {
  std::lock_guard<std::mutex> guard(addresses_mutex_);
  auto it = per_address_.find(address);
  if (it == per_address_.end())
    return;
  if (--it->second == 0)
    per_address_.erase(it); // the map holds only addresses with connections
}

std::size_t server_state::address_connections(const std::string& address) const {
  std::lock_guard<std::mutex> guard(addresses_mutex_);
  auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

connection_slot::connection_slot(std::shared_ptr<server_state> state) : state_(std::move(state)) {
  ++state_->open_sockets;
}

connection_slot::connection_slot(connection_slot&& other) noexcept
    : state_(std::move(other.state_)), address_(std::move(other.address_)) {
  other.address_.reset();
}

connection_slot& connection_slot::operator=(connection_slot&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
    address_ = std::move(other.address_);
    other.address_.reset();
  }
  return *this;
}

connection_slot::~connection_slot() { release(); }

void connection_slot::release() {
  if (!state_)
    return;
  if (address_)
    state_->release_address(*address_);
  address_.reset();
  --state_->open_sockets;
  state_.reset();
}

bool connection_slot::bind_address(const std::string& address) {
  if (!state_ || address_ == address)
    return true;
  if (!state_->acquire_address(address))
    return false;
  if (address_)
    state_->release_address(*address_);
  address_ = address;
  return true;
}

std::string random_id() {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char bytes[15];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // OpenSSL's generator does not fail once seeded by the OS; if it ever
    // does, refusing to hand out a guessable id is the only safe answer.
    std::cerr << R"({"event":"net:random:failed"})" << std::endl;
    std::abort();
  }
  std::string id;
  id.reserve(20);
  for (std::size_t i = 0; i < sizeof bytes; i += 3) {
    unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    id += alphabet[(v >> 18) & 63];
    id += alphabet[(v >> 12) & 63];
    id += alphabet[(v >> 6) & 63];
    id += alphabet[v & 63];
  }
  return id;
}

} // namespace siberius::net
