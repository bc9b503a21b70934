// The whole of siberius-admin as a function, so tests run it in-process with
// their own arguments, environment and output streams.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/console.hpp"
#include "cli/settings.hpp"

namespace siberius::cli {

/// Parses `args` (without the program name), runs the chosen command and
/// returns its exit code (see errors.hpp). Never throws. Passwords are read
/// from `console` (login).
int run_admin_cli(const std::vector<std::string>& args, const env_lookup& env, std::ostream& out, std::ostream& err,
                  const console_input& console);

/// The same with the process's own stdin and terminal.
int run_admin_cli(const std::vector<std::string>& args, const env_lookup& env, std::ostream& out,
                  std::ostream& err);

} // namespace siberius::cli
