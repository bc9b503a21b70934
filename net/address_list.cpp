#include "net/address_list.hpp"

#include <boost/asio/ip/address.hpp>

namespace siberius::net {

namespace {

/// The address's bytes; an IPv4-mapped IPv6 address becomes IPv4.
bool to_bytes(std::string_view text, bool& v4, std::array<unsigned char, 16>& bytes) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string(text), ec);
  if (ec)
    return false;
  bytes = {};
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    a = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  v4 = a.is_v4();
  if (v4) {
    auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  } else {
    auto b = a.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  }
  return true;
}

bool same_prefix(const std::array<unsigned char, 16>& a, const std::array<unsigned char, 16>& b, unsigned bits) {
  unsigned i = 0;
  for (; bits >= 8; bits -= 8, ++i)
    if (a[i] != b[i])
      return false;
  if (bits == 0)
    return true;
  unsigned char mask = static_cast<unsigned char>(0xff << (8 - bits));
  return (a[i] & mask) == (b[i] & mask);
}

} // namespace

std::optional<address_list> address_list::parse(std::string_view text, std::string& error) {
  address_list list;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find_first_of(", ", pos);
    if (end == std::string_view::npos)
      end = text.size();
    auto item = text.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty())
      continue;
    entry e;
    auto slash = item.find('/');
    auto addr = item.substr(0, slash);
    if (!to_bytes(addr, e.v4, e.bytes)) {
      error = "'" + std::string(item) + "' is not an IPv4 or IPv6 address or network (e.g. 10.0.0.0/8, fd00::/8)";
      return std::nullopt;
    }
    unsigned max_bits = e.v4 ? 32 : 128;
    e.prefix = max_bits;
    if (slash != std::string_view::npos) {
      auto digits = item.substr(slash + 1);
      unsigned bits = 0;
      bool ok = !digits.empty() && digits.size() <= 3;
      for (char c : digits) {
        if (c < '0' || c > '9')
          ok = false;
        else
          bits = bits * 10 + static_cast<unsigned>(c - '0');
      }
      // 10.0.0.0/8 written as ::ffff:10.0.0.0/104 is still an IPv4 network.
      if (ok && e.v4 && addr.find(':') != std::string_view::npos) {
        if (bits < 96)
          ok = false;
        else
          bits -= 96;
      }
      if (!ok || bits > max_bits) {
        error = "'" + std::string(item) + "': the prefix length must be 0 to " + std::to_string(max_bits);
        return std::nullopt;
      }
      e.prefix = bits;
    }
    list.entries_.push_back(e);
  }
  return list;
}

bool address_list::contains(std::string_view address) const {
  bool v4 = true;
  std::array<unsigned char, 16> bytes{};
  if (entries_.empty() || !to_bytes(address, v4, bytes))
    return false;
  for (auto& e : entries_)
    if (e.v4 == v4 && same_prefix(e.bytes, bytes, e.prefix))
      return true;
  return false;
}

} // namespace siberius::net
