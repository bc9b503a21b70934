// The runner of the daemon_peer suite (caf-test defines main here).
#include "caf/test/unit_test_impl.hpp"
