// siberius-admin: the admin CLI. Everything lives in run_admin_cli.
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return siberius::cli::run_admin_cli(args, siberius::cli::process_environment(), std::cout, std::cerr);
}
