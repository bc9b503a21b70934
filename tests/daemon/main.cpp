// The runner of the daemon suites (caf-test defines main here).
#include "caf/test/unit_test_impl.hpp"
