// The one translation unit of test_client that defines main.
#include "caf/test/unit_test_impl.hpp"
