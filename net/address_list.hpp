// A list of client addresses and networks (CIDR, IPv4 and IPv6), such as the
// --metrics-allow setting: pure code, no I/O.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siberius::net {

class address_list {
public:
  /// "127.0.0.1,10.0.0.0/8,::1,fd00::/8" (commas or spaces between entries; a
  /// bare address is a /32 or /128). nullopt, with `error` saying which entry
  /// is wrong and why, when one cannot be read.
  static std::optional<address_list> parse(std::string_view text, std::string& error);

  /// Whether `address` (as the server reports a client's) is in one of the
  /// entries. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) counts as IPv4.
  bool contains(std::string_view address) const;
  bool empty() const { return entries_.empty(); }

private:
  struct entry {
    bool v4 = true;
    std::array<unsigned char, 16> bytes{};
    unsigned prefix = 0; // bits
  };
  std::vector<entry> entries_;
};

} // namespace siberius::net
