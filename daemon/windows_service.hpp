// siberius-daemon as a Windows service: installed with --install-service
// (automatic start, restarted by the Service Control Manager when it fails,
// its warnings and errors in the Application event log under "Siberius"),
// run by the SCM with --service, removed with --uninstall-service.
#pragma once

#ifdef _WIN32

#include <functional>
#include <string>

namespace siberius::daemon::windows_service {

constexpr const wchar_t* service_name = L"SiberiusDaemon";
constexpr const wchar_t* event_source = L"Siberius";

/// %ProgramData%\Siberius (C:\ProgramData\Siberius): daemon.env and logs\.
std::string data_folder();

struct install_options {
  std::string config_file; // daemon.env passed to --config
  std::string account;     // empty: NT AUTHORITY\LocalService
  std::string password;    // for a named account
};

/// Creates (or updates) the service and the event log source. Returns an
/// empty string on success, else what failed.
std::string install(const install_options& options);
/// Stops and deletes the service and its event log source; "" on success.
std::string uninstall();

/// Hands the process to the Service Control Manager, which calls `body`
/// (the daemon's run) on its own thread; stop and shutdown requests become
/// request_stop("service stop"). Returns `body`'s exit code, or 1 when the
/// process was not started by the SCM.
int run(std::function<int()> body);

/// Writes a warn or error line to the event log (a no-op before run()).
void report_event(bool error, const std::string& line);

} // namespace siberius::daemon::windows_service

#endif
