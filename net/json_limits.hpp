// Nesting limit for JSON from the network, checked on the raw text before
// anything is parsed or copied. Shared by the Socket.IO codec and the REST
// body parser: nlohmann's parser is iterative, but dump(), copies and
// destruction recurse, so a body of a million '[' would overflow the stack.
#pragma once

#include <string_view>

namespace siberius::net {

/// Deepest nesting of arrays and objects accepted from a client.
constexpr int max_json_depth = 64;

/// False when `text` opens more than `limit` arrays/objects inside each
/// other. Brackets inside strings do not count; the text need not be valid
/// JSON (the parser judges that afterwards).
inline bool json_nesting_within(std::string_view text, int limit = max_json_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit)
        return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

} // namespace siberius::net
