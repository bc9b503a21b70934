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

/// From here on a crash (an access violation or any other unhandled
/// structured exception, on any thread) is logged as daemon:crash, with the
/// exception code and the faulting module and offset (resolve it with
/// x86_64-w64-mingw32-addr2line on the unstripped build-windows/daemon/*.exe),
/// and the process ends at once with exit code 3: no error dialog, no
/// debugger attached holding its files, and the service manager's recovery
/// actions start the service again.
void report_crashes();

/// Writes a warn or error line to the event log (a no-op before run()).
void report_event(bool error, const std::string& line);

} // namespace siberius::daemon::windows_service

#endif
