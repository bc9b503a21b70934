#include "platform/files.hpp"

namespace siberius::platform {

std::string join(const std::string& folder, const std::string& name) {
  if (folder.empty())
    return name;
  char last = folder.back();
  if (last == separator || last == '/')
    return folder + name;
  return folder + separator + name;
}

bool is_under(const std::string& path, const std::string& folder) {
  if (folder.empty() || path.size() <= folder.size() || path.compare(0, folder.size(), folder) != 0)
    return false;
  char last = folder.back();
  if (last == separator || last == '/')
    return true;
  char next = path[folder.size()];
  return next == separator || next == '/';
}

} // namespace siberius::platform
