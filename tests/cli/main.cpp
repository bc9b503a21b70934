// test_cli: the admin CLI's suites. This TU alone provides caf-test's main().
#include "caf/test/unit_test_impl.hpp"
