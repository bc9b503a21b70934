#include "net/engine_codec.hpp"

#include <array>
#include <cstdint>

#include "net/websocket_frame.hpp"

namespace siberius::net {

namespace {

constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The value of each base64 character, -1 for anything outside the alphabet
// ('=' included: padding is handled apart).
constexpr std::array<std::int8_t, 256> make_base64_values() {
  std::array<std::int8_t, 256> values{};
  for (auto& v : values)
    v = -1;
  for (int i = 0; i < 64; ++i)
    values[static_cast<unsigned char>(base64_alphabet[i])] = static_cast<std::int8_t>(i);
  return values;
}
constexpr auto base64_values = make_base64_values();

bool is_binary_packet(sio_type type) {
  return type == sio_type::binary_event || type == sio_type::binary_ack;
}

void extract_into(nlohmann::json& node, std::vector<std::string>& out) {
  if (node.is_binary()) {
    const auto& bytes = node.get_binary();
    std::string data(bytes.begin(), bytes.end());
    node = nlohmann::json{{"_placeholder", true}, {"num", out.size()}};
    out.push_back(std::move(data));
  } else if (node.is_array() || node.is_object()) {
    for (auto& child : node)
      extract_into(child, out);
  }
}

bool is_placeholder(const nlohmann::json& node) {
  if (!node.is_object())
    return false;
  auto it = node.find("_placeholder");
  return it != node.end() && it->is_boolean() && it->get<bool>();
}

std::optional<std::string> insert_into(nlohmann::json& node, const std::vector<std::string>& attachments) {
  if (is_placeholder(node)) {
    auto it = node.find("num");
    if (it == node.end() || !it->is_number_integer())
      return std::string("illegal attachments: placeholder without an integer num");
    bool in_range = it->is_number_unsigned() ? it->get<std::uint64_t>() < attachments.size()
                                             : it->get<std::int64_t>() >= 0 &&
                                                   static_cast<std::uint64_t>(it->get<std::int64_t>()) <
                                                       attachments.size();
    if (!in_range)
      return "illegal attachments: placeholder num " + it->dump() + " with " +
             std::to_string(attachments.size()) + " attachment(s)";
    const auto& bytes = attachments[static_cast<std::size_t>(it->get<std::uint64_t>())];
    node = nlohmann::json::binary(nlohmann::json::binary_t::container_type(bytes.begin(), bytes.end()));
    return std::nullopt;
  }
  if (node.is_array() || node.is_object()) {
    for (auto& child : node)
      if (auto reason = insert_into(child, attachments))
        return reason;
  }
  return std::nullopt;
}

} // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += base64_alphabet[n >> 18 & 63];
    out += base64_alphabet[n >> 12 & 63];
    out += base64_alphabet[n >> 6 & 63];
    out += base64_alphabet[n & 63];
  }
  auto rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t n = byte(i) << 16;
    out += base64_alphabet[n >> 18 & 63];
    out += base64_alphabet[n >> 12 & 63];
    out += "==";
  } else if (rest == 2) {
    std::uint32_t n = byte(i) << 16 | byte(i + 1) << 8;
    out += base64_alphabet[n >> 18 & 63];
    out += base64_alphabet[n >> 12 & 63];
    out += base64_alphabet[n >> 6 & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=')
    padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t bits = 0;
  std::size_t end = text.size() - padding;
  for (std::size_t i = 0; i < end; ++i) {
    auto value = base64_values[static_cast<unsigned char>(text[i])];
    if (value < 0)
      return std::nullopt; // a stray '=' lands here too
    bits = bits << 6 | static_cast<std::uint32_t>(value);
    if (i % 4 == 3) {
      out += static_cast<char>(bits >> 16 & 0xff);
      out += static_cast<char>(bits >> 8 & 0xff);
      out += static_cast<char>(bits & 0xff);
      bits = 0;
    }
  }
  if (padding == 2) { // 2 characters, 12 bits, one byte
    if ((bits & 0x0f) != 0)
      return std::nullopt;
    out += static_cast<char>(bits >> 4 & 0xff);
  } else if (padding == 1) { // 3 characters, 18 bits, two bytes
    if ((bits & 0x03) != 0)
      return std::nullopt;
    out += static_cast<char>(bits >> 10 & 0xff);
    out += static_cast<char>(bits >> 2 & 0xff);
  }
  return out;
}

void append_polling_packet(std::string& payload, const eio_frame& packet) {
  if (!payload.empty())
    payload += polling_separator;
  if (packet.binary) {
    payload += 'b';
    payload += base64_encode(packet.data);
  } else {
    payload += packet.data;
  }
}

polling_decode_result decode_polling_payload(std::string_view body, std::size_t max_packets) {
  polling_decode_result result;
  auto refuse = [&](std::string reason) {
    result.packets.clear();
    result.error = std::move(reason);
    return std::move(result);
  };
  if (body.empty())
    return refuse("empty payload");
  std::size_t pos = 0;
  while (true) {
    auto sep = body.find(polling_separator, pos);
    auto end = sep == std::string_view::npos ? body.size() : sep;
    if (result.packets.size() >= max_packets)
      return refuse("more than " + std::to_string(max_packets) + " packets in one payload");
    auto packet = body.substr(pos, end - pos);
    auto index = std::to_string(result.packets.size());
    if (packet.empty())
      return refuse("empty packet (#" + index + ")");
    if (packet[0] == 'b') {
      auto bytes = base64_decode(packet.substr(1));
      if (!bytes)
        return refuse("binary packet #" + index + " is not valid base64");
      result.packets.push_back(eio_frame{std::move(*bytes), true});
    } else {
      if (packet[0] < '0' || packet[0] > '6')
        return refuse("packet #" + index + " has an unknown type");
      if (!valid_utf8(packet))
        return refuse("text packet #" + index + " is not valid UTF-8");
      result.packets.push_back(eio_frame{std::string(packet), false});
    }
    if (sep == std::string_view::npos)
      break;
    pos = sep + 1;
  }
  return result;
}

std::vector<std::string> extract_attachments(nlohmann::json& data) {
  std::vector<std::string> out;
  extract_into(data, out);
  return out;
}

std::optional<std::string> insert_attachments(nlohmann::json& data, const std::vector<std::string>& attachments) {
  return insert_into(data, attachments);
}

std::vector<eio_frame> encode_sio_frames(sio_packet p) {
  std::vector<eio_frame> frames;
  std::vector<std::string> attachments;
  if (p.type == sio_type::event || p.type == sio_type::ack || is_binary_packet(p.type))
    attachments = extract_attachments(p.data);
  if (attachments.empty()) {
    frames.push_back(eio_frame{encode_sio(p), false});
    return frames;
  }
  if (p.type == sio_type::event)
    p.type = sio_type::binary_event;
  else if (p.type == sio_type::ack)
    p.type = sio_type::binary_ack;
  p.attachments = attachments.size();
  frames.reserve(attachments.size() + 1);
  frames.push_back(eio_frame{encode_sio(p), false});
  for (auto& bytes : attachments)
    frames.push_back(eio_frame{std::move(bytes), true});
  return frames;
}

} // namespace siberius::net
