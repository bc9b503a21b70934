// The one translation unit of test_storage that defines caf-test's main().
#include "caf/test/unit_test_impl.hpp"
