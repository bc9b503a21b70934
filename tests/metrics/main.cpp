// The test runner of the metrics suites (caf-test defines main here).
#include "caf/test/unit_test_impl.hpp"
