#include "net/origin.hpp"

#include <algorithm>
#include <cctype>

namespace siberius::net {

std::string normalize_origin(std::string_view origin) {
  auto first = origin.find_first_not_of(" \t");
  auto last = origin.find_last_not_of(" \t");
  std::string o = first == std::string_view::npos ? std::string() : std::string(origin.substr(first, last - first + 1));
  std::transform(o.begin(), o.end(), o.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!o.empty() && o.back() == '/')
    o.pop_back();
  auto strip = [&](std::string_view scheme, std::string_view port) {
    if (o.rfind(scheme, 0) == 0 && o.size() > port.size() && o.compare(o.size() - port.size(), port.size(), port) == 0)
      o.resize(o.size() - port.size());
  };
  strip("http://", ":80");
  strip("https://", ":443");
  return o;
}

bool origin_allowed(std::string_view origin, std::string_view host, bool secure,
                    const std::vector<std::string>& allowed) {
  auto o = normalize_origin(origin);
  if (o.empty() || o == "null")
    return false;
  if (!host.empty() && o == normalize_origin(std::string(secure ? "https://" : "http://") + std::string(host)))
    return true;
  for (const auto& a : allowed)
    if (o == normalize_origin(a))
      return true;
  return false;
}

} // namespace siberius::net
