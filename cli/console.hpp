// Where `login` reads a password from: a line of stdin (--password-stdin) or
// the terminal with echo off. Behind a struct of functions so that tests
// script both.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace siberius::cli {

struct console_input {
  /// Whether stdin is a terminal a person types into.
  std::function<bool()> stdin_is_terminal;
  /// One line of stdin without its line ending; nullopt at end of input.
  std::function<std::optional<std::string>()> read_line;
  /// Shows `prompt` and reads one line with echo off (when `secret`);
  /// nullopt when the terminal is closed (Ctrl-D).
  std::function<std::optional<std::string>(const std::string& prompt, bool secret)> prompt;
};

/// The process's own stdin; prompts are written to `prompts` (stderr, so
/// that stdout stays clean for scripts).
console_input process_console(std::ostream& prompts);

} // namespace siberius::cli
