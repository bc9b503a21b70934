#include "net/socketio_packet.hpp"

#include <limits>

#include "net/json_limits.hpp"

namespace siberius::net {

namespace {

// Namespaces are short names ("/daemon"); a longer one is refused rather
// than echoed back in a CONNECT_ERROR or written to the log.
constexpr std::size_t max_namespace_length = 256;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads a run of decimal digits as an unsigned integer; false on overflow.
bool read_number(std::string_view text, std::size_t& pos, std::uint64_t& out) {
  std::uint64_t value = 0;
  std::size_t start = pos;
  while (pos < text.size() && is_digit(text[pos])) {
    auto digit = static_cast<std::uint64_t>(text[pos] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
      return false;
    value = value * 10 + digit;
    ++pos;
  }
  out = value;
  return pos > start;
}

sio_parse_result fail(std::string reason) {
  sio_parse_result result;
  result.error.reason = std::move(reason);
  return result;
}

const char* check_payload(sio_type type, const nlohmann::json& data) {
  switch (type) {
    case sio_type::connect:
      return data.is_object() ? nullptr : "CONNECT payload must be an object";
    case sio_type::disconnect:
      return "DISCONNECT must not carry a payload";
    case sio_type::event:
    case sio_type::binary_event:
      if (!data.is_array() || data.empty())
        return "EVENT payload must be a non-empty array";
      return data.front().is_string() ? nullptr : "EVENT name must be a string";
    case sio_type::ack:
    case sio_type::binary_ack:
      return data.is_array() ? nullptr : "ACK payload must be an array";
    case sio_type::connect_error:
      return data.is_object() || data.is_string() ? nullptr
                                                  : "CONNECT_ERROR payload must be an object or a string";
  }
  return "unknown packet type";
}

std::string dump(const nlohmann::json& j) {
  // Replace invalid UTF-8 rather than throw: encoders must never fail.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

std::optional<eio_packet> parse_eio(std::string_view frame) {
  if (frame.empty() || frame[0] < '0' || frame[0] > '6')
    return std::nullopt;
  return eio_packet{static_cast<eio_type>(frame[0]), std::string(frame.substr(1))};
}

sio_parse_result parse_sio(std::string_view payload) {
  if (payload.empty())
    return fail("empty packet");
  if (payload[0] < '0' || payload[0] > '6')
    return fail("unknown packet type");
  sio_packet packet;
  packet.type = static_cast<sio_type>(payload[0] - '0');
  std::size_t pos = 1;

  if (packet.type == sio_type::binary_event || packet.type == sio_type::binary_ack) {
    std::uint64_t count = 0;
    if (!read_number(payload, pos, count) || pos >= payload.size() || payload[pos] != '-')
      return fail("illegal attachments count");
    packet.attachments = static_cast<std::size_t>(count);
    ++pos;
  }

  if (pos < payload.size() && payload[pos] == '/') {
    auto comma = payload.find(',', pos);
    auto end = comma == std::string_view::npos ? payload.size() : comma;
    if (end - pos > max_namespace_length)
      return fail("namespace longer than " + std::to_string(max_namespace_length) + " bytes");
    packet.nsp = std::string(payload.substr(pos, end - pos));
    pos = comma == std::string_view::npos ? end : end + 1;
  }

  if (pos < payload.size() && is_digit(payload[pos])) {
    std::uint64_t id = 0;
    if (!read_number(payload, pos, id))
      return fail("ack id out of range");
    packet.id = id;
  }

  if (pos < payload.size()) {
    auto json_text = payload.substr(pos);
    if (!json_nesting_within(json_text))
      return fail("payload nested too deeply");
    packet.data = nlohmann::json::parse(json_text.begin(), json_text.end(), nullptr, false);
    if (packet.data.is_discarded())
      return fail("payload is not valid JSON");
    if (auto reason = check_payload(packet.type, packet.data))
      return fail(reason);
  } else {
    switch (packet.type) {
      case sio_type::event:
      case sio_type::binary_event:
        return fail("EVENT without payload");
      case sio_type::ack:
      case sio_type::binary_ack:
        return fail("ACK without payload");
      case sio_type::connect_error:
        return fail("CONNECT_ERROR without payload");
      default:
        break;
    }
  }
  if (packet.id && packet.type != sio_type::event && packet.type != sio_type::ack &&
      packet.type != sio_type::binary_event && packet.type != sio_type::binary_ack)
    return fail("ack id on a packet that cannot carry one");

  sio_parse_result result;
  result.packet = std::move(packet);
  return result;
}

std::string encode_sio(const sio_packet& p) {
  std::string out;
  out += static_cast<char>(eio_type::message);
  out += static_cast<char>('0' + static_cast<int>(p.type));
  if (p.type == sio_type::binary_event || p.type == sio_type::binary_ack) {
    out += std::to_string(p.attachments);
    out += '-';
  }
  if (!p.nsp.empty() && p.nsp != "/") {
    out += p.nsp;
    out += ',';
  }
  if (p.id)
    out += std::to_string(*p.id);
  if (!p.data.is_null())
    out += dump(p.data);
  return out;
}

std::string encode_event(std::string_view nsp, std::string_view event,
                         const nlohmann::json& args, std::optional<std::uint64_t> ack_id) {
  sio_packet p;
  p.type = sio_type::event;
  p.nsp = std::string(nsp);
  p.id = ack_id;
  p.data = nlohmann::json::array();
  p.data.push_back(std::string(event));
  if (args.is_array()) {
    for (const auto& arg : args)
      p.data.push_back(arg);
  } else if (!args.is_null()) {
    p.data.push_back(args);
  }
  return encode_sio(p);
}

std::string encode_ack(std::string_view nsp, std::uint64_t ack_id, const nlohmann::json& args) {
  sio_packet p;
  p.type = sio_type::ack;
  p.nsp = std::string(nsp);
  p.id = ack_id;
  if (args.is_array())
    p.data = args;
  else if (args.is_null())
    p.data = nlohmann::json::array();
  else
    p.data = nlohmann::json::array({args});
  return encode_sio(p);
}

} // namespace siberius::net
