#include "cli/session_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/errors.hpp"
#include "platform/durable_file.hpp"

namespace siberius::cli {

namespace {

std::string string_or_empty(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("cannot " + what + " " + path + ": " + std::strerror(errno));
}

// mkdir -p for the folders above `path`; new ones are private to the user.
void make_parent_folders(const std::string& path) {
  for (auto slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    auto folder = path.substr(0, slash);
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST)
      fail("create the folder", folder);
  }
}

void write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      fail("write", path);
    done += static_cast<std::size_t>(n);
  }
}

} // namespace

std::optional<stored_session> read_session_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT)
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw usage_error("cannot read session file " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  stored_session s;
  if (j.is_object()) {
    s.server = string_or_empty(j, "server");
    s.token = string_or_empty(j, "token");
    s.login = string_or_empty(j, "login");
    s.role = string_or_empty(j, "role");
    s.expires_at = string_or_empty(j, "expiresAt");
  }
  if (s.server.empty() || s.token.empty())
    throw usage_error("session file " + path + " is not a session written by `siberius-admin login`: "
                      "delete it or log in again");
  return s;
}

void write_session_file(const std::string& path, const stored_session& session) {
  nlohmann::json j{{"server", session.server},
                   {"token", session.token},
                   {"login", session.login},
                   {"role", session.role},
                   {"expiresAt", session.expires_at}};
  make_parent_folders(path);
  // The token goes only into a file nobody else can open, renamed into place
  // once on disk, so a reader never sees half a session.
  platform::write_file_atomically(path, j.dump(2) + "\n", 0600);
}

bool remove_session_file(const std::string& path) {
  if (::unlink(path.c_str()) == 0)
    return true;
  if (errno == ENOENT)
    return false;
  fail("delete", path);
}

} // namespace siberius::cli
