// A daemon's CLIENT_ID, as the daemon, the server and the admin API accept it:
// 1 to 100 characters of A-Z a-z 0-9 . _ : @ -. One rule, so an id that an
// admin can bind a token to is one a daemon can connect with, and the other
// way round.
#pragma once

#include <cstddef>
#include <string_view>

namespace siberius::net {

inline constexpr std::size_t max_client_id_length = 100;

inline bool valid_client_id(std::string_view id) {
  if (id.empty() || id.size() > max_client_id_length)
    return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == ':' || c == '@' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

} // namespace siberius::net
