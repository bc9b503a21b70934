// The server logs through the shared structured logger (log/json_log.hpp).
#pragma once

#include "log/json_log.hpp"

namespace siberius::actors {
using siberius::log_event;
using siberius::log_level;
using siberius::now_iso8601;
using siberius::parse_log_level;
using siberius::set_log_level;
} // namespace siberius::actors
