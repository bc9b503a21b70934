// test_cli_e2e: siberius-admin against the real server. This TU alone
// provides caf-test's main().
#include "caf/test/unit_test_impl.hpp"
