// How the daemon is told to stop, the platform's way: SIGTERM and SIGINT on
// Linux and macOS; on Windows the console's Ctrl+C, Ctrl+Break, close, logoff
// and shutdown events, and the service manager's stop request
// (windows_service.cpp calls request_stop).
#pragma once

#include <string>

namespace siberius::daemon {

/// Call before any thread starts: from then on stop requests wait for
/// wait_for_stop instead of ending the process.
void prepare_stop_signals();

/// Blocks until a stop is requested; returns what asked ("SIGTERM", "Ctrl+C",
/// "service stop", ...).
std::string wait_for_stop();

/// Asks wait_for_stop to return, from any thread.
void request_stop(const std::string& why);

/// Tells a console close handler (Windows) that the daemon has finished
/// stopping, so the process may end.
void stop_finished();

} // namespace siberius::daemon
