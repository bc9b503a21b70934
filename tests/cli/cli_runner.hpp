// Runs the whole CLI in-process for the command suites: arguments, an
// environment of our own, captured output, and a scripted stdin/terminal.
#pragma once

#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "cli/app.hpp"

namespace siberius::testing {

struct outcome {
  int code = -1;
  std::string out;
  std::string err;
};

/// What the user "types": lines on stdin, and whether stdin is a terminal.
/// Prompts shown are recorded with whether echo was off.
struct scripted_console {
  bool terminal = false;
  std::vector<std::string> lines;
  std::vector<std::pair<std::string, bool>> prompts; // filled in by the run
};

inline outcome run(const std::vector<std::string>& args, std::map<std::string, std::string> env = {},
                   std::shared_ptr<scripted_console> console = std::make_shared<scripted_console>()) {
  cli::console_input input;
  input.stdin_is_terminal = [console] { return console->terminal; };
  input.read_line = [console]() -> std::optional<std::string> {
    if (console->lines.empty())
      return std::nullopt;
    auto line = console->lines.front();
    console->lines.erase(console->lines.begin());
    return line;
  };
  input.prompt = [input, console](const std::string& text, bool secret) {
    console->prompts.emplace_back(text, secret);
    return input.read_line();
  };
  std::ostringstream out, err;
  outcome o;
  o.code = cli::run_admin_cli(
      args,
      [env](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end() || it->second.empty())
          return std::nullopt;
        return it->second;
      },
      out, err, input);
  o.out = out.str();
  o.err = err.str();
  return o;
}

/// A port nothing listens on: bound and closed again at once.
inline unsigned short closed_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

/// Runs with TZ set (a POSIX rule such as "UTC0" or "<-03>3" needs no
/// tzdata), restoring the previous value afterwards.
class scoped_tz {
public:
  explicit scoped_tz(const char* tz) {
    if (const char* old = std::getenv("TZ"))
      old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~scoped_tz() {
    if (old_)
      ::setenv("TZ", old_->c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }
  scoped_tz(const scoped_tz&) = delete;
  scoped_tz& operator=(const scoped_tz&) = delete;

private:
  std::optional<std::string> old_;
};

} // namespace siberius::testing
