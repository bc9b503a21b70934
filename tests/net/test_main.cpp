// The one translation unit of test_net that defines caf-test's main().
#define CAF_SUITE net_main
#define FAIL CAF_FAIL
#include "caf/test/unit_test_impl.hpp"
