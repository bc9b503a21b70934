#include "cli/console.hpp"

#include <csignal>
#include <iostream>

#include <termios.h>
#include <unistd.h>

namespace siberius::cli {

namespace {

std::optional<std::string> line_from_stdin() {
  std::string line;
  if (!std::getline(std::cin, line))
    return std::nullopt;
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  return line;
}

// The terminal settings to restore when Ctrl-C interrupts a password
// prompt: a signal handler may only touch plain static data.
termios saved_terminal{};
struct sigaction previous_sigint {};

extern "C" void restore_terminal_and_stop(int signal) {
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
  ::sigaction(SIGINT, &previous_sigint, nullptr);
  ::raise(signal);
}

// Turns terminal echo off for its lifetime, and gives it back however the
// read ends, Ctrl-C included.
class echo_off {
public:
  echo_off() {
    if (::tcgetattr(STDIN_FILENO, &saved_terminal) != 0)
      return;
    struct sigaction on_interrupt {};
    on_interrupt.sa_handler = restore_terminal_and_stop;
    sigemptyset(&on_interrupt.sa_mask);
    handler_installed_ = ::sigaction(SIGINT, &on_interrupt, &previous_sigint) == 0;
    termios quiet = saved_terminal;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    quiet.c_lflag |= ECHONL; // the Enter still moves to the next line
    active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~echo_off() {
    if (active_)
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
    if (handler_installed_)
      ::sigaction(SIGINT, &previous_sigint, nullptr);
  }
  echo_off(const echo_off&) = delete;
  echo_off& operator=(const echo_off&) = delete;

private:
  bool active_ = false;
  bool handler_installed_ = false;
};

} // namespace

console_input process_console(std::ostream& prompts) {
  console_input c;
  c.stdin_is_terminal = [] { return ::isatty(STDIN_FILENO) == 1; };
  c.read_line = line_from_stdin;
  c.prompt = [&prompts](const std::string& text, bool secret) -> std::optional<std::string> {
    prompts << text << std::flush;
    if (!secret)
      return line_from_stdin();
    echo_off quiet;
    return line_from_stdin();
  };
  return c;
}

} // namespace siberius::cli
