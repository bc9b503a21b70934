// The one translation unit of test_daemon_extract that defines caf-test's main().
#define CAF_SUITE daemon_extract_main
#define FAIL CAF_FAIL
#include "caf/test/unit_test_impl.hpp"
