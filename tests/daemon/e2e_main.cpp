// The runner of the daemon end-to-end suite (caf-test defines main here).
#include "caf/test/unit_test_impl.hpp"
