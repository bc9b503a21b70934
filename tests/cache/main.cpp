// The test runner of the cache suites (caf-test defines main here).
#include "caf/test/unit_test_impl.hpp"
