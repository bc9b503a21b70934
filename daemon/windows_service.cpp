#include "daemon/windows_service.hpp"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <shlobj.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "daemon/log.hpp"
#include "daemon/stop_signal.hpp"
#include "platform/files.hpp"

namespace siberius::daemon::windows_service {

namespace {

constexpr DWORD msg_log_line = 1; // daemon/windows/messages.mc

SERVICE_STATUS_HANDLE status_handle = nullptr;
SERVICE_STATUS status{};
std::function<int()> service_body;
std::atomic<HANDLE> event_log{nullptr};

void report(DWORD state, DWORD exit_code = NO_ERROR, DWORD wait_hint_ms = 0) {
  static DWORD checkpoint = 1;
  status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  status.dwCurrentState = state;
  status.dwControlsAccepted = state == SERVICE_START_PENDING ? 0 : SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN;
  if (exit_code != NO_ERROR) {
    status.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
    status.dwServiceSpecificExitCode = exit_code;
  } else {
    status.dwWin32ExitCode = NO_ERROR;
  }
  status.dwWaitHint = wait_hint_ms;
  status.dwCheckPoint = (state == SERVICE_RUNNING || state == SERVICE_STOPPED) ? 0 : checkpoint++;
  ::SetServiceStatus(status_handle, &status);
}

DWORD WINAPI on_control(DWORD control, DWORD, void*, void*) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
      report(SERVICE_STOP_PENDING, NO_ERROR, 15000);
      request_stop(control == SERVICE_CONTROL_STOP ? "service stop" : "system shutdown");
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE: return NO_ERROR;
    default: return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI service_main(DWORD, LPWSTR*) {
  status_handle = ::RegisterServiceCtrlHandlerExW(service_name, on_control, nullptr);
  if (status_handle == nullptr)
    return;
  report(SERVICE_START_PENDING, NO_ERROR, 10000);
  event_log = ::RegisterEventSourceW(nullptr, event_source);
  report(SERVICE_RUNNING);
  int code = service_body();
  if (HANDLE h = event_log.exchange(nullptr))
    ::DeregisterEventSource(h);
  // A non-zero code is a failure: the SCM's recovery actions restart the service.
  report(SERVICE_STOPPED, code == 0 ? NO_ERROR : static_cast<DWORD>(code));
}

struct service_handle {
  SC_HANDLE h = nullptr;
  explicit service_handle(SC_HANDLE handle) : h(handle) {}
  ~service_handle() {
    if (h != nullptr)
      ::CloseServiceHandle(h);
  }
};

std::wstring service_quoted(const std::wstring& s) { return L"\"" + s + L"\""; }

std::string event_source_key() {
  return "SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\" + platform::narrow(event_source);
}

std::string register_event_source(const std::wstring& exe) {
  HKEY key = nullptr;
  auto path = platform::widen(event_source_key());
  LONG rc = ::RegCreateKeyExW(HKEY_LOCAL_MACHINE, path.c_str(), 0, nullptr, 0, KEY_SET_VALUE, nullptr, &key, nullptr);
  if (rc != ERROR_SUCCESS)
    return "cannot register the event log source: " + platform::error_text(static_cast<DWORD>(rc));
  DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
  ::RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ, reinterpret_cast<const BYTE*>(exe.c_str()),
                   static_cast<DWORD>((exe.size() + 1) * sizeof(wchar_t)));
  ::RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, reinterpret_cast<const BYTE*>(&types), sizeof types);
  ::RegCloseKey(key);
  return {};
}

} // namespace

std::string data_folder() {
  PWSTR known = nullptr;
  std::string folder;
  if (SUCCEEDED(::SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, &known)) && known != nullptr)
    folder = platform::narrow(known);
  if (known != nullptr)
    ::CoTaskMemFree(known);
  if (folder.empty())
    folder = platform::environment("ProgramData").value_or("C:\\ProgramData");
  return platform::join(folder, "Siberius");
}

std::string install(const install_options& options) {
  std::wstring exe = platform::widen(platform::executable_path());
  std::wstring command = service_quoted(exe) + L" --service --config " + service_quoted(platform::widen(options.config_file));
  service_handle scm(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_ALL_ACCESS));
  if (scm.h == nullptr)
    return "cannot open the service manager (run as administrator): " + platform::last_system_error();
  std::wstring account = options.account.empty() ? L"NT AUTHORITY\\LocalService" : platform::widen(options.account);
  std::wstring password = platform::widen(options.password);
  const wchar_t* pw = options.account.empty() ? L"" : password.c_str();
  service_handle svc(::CreateServiceW(scm.h, service_name, L"Siberius daemon", SERVICE_ALL_ACCESS,
                                      SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                                      command.c_str(), nullptr, nullptr, nullptr, account.c_str(), pw));
  if (svc.h == nullptr && ::GetLastError() == ERROR_SERVICE_EXISTS) {
    svc.h = ::OpenServiceW(scm.h, service_name, SERVICE_ALL_ACCESS);
    if (svc.h == nullptr || !::ChangeServiceConfigW(svc.h, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                                                    SERVICE_ERROR_NORMAL, command.c_str(), nullptr, nullptr,
                                                    nullptr, account.c_str(), pw, L"Siberius daemon"))
      return "cannot update the service: " + platform::last_system_error();
  } else if (svc.h == nullptr) {
    return "cannot create the service: " + platform::last_system_error();
  }
  SERVICE_DESCRIPTIONW description{const_cast<wchar_t*>(
      L"Indexes the office's PDF folder into the Siberius server and uploads PDFs when asked.")};
  ::ChangeServiceConfig2W(svc.h, SERVICE_CONFIG_DESCRIPTION, &description);
  // Restarted 10 s, 30 s and 60 s after a failure; the count resets after a day.
  SC_ACTION actions[3] = {{SC_ACTION_RESTART, 10000}, {SC_ACTION_RESTART, 30000}, {SC_ACTION_RESTART, 60000}};
  SERVICE_FAILURE_ACTIONSW failure{};
  failure.dwResetPeriod = 86400;
  failure.cActions = 3;
  failure.lpsaActions = actions;
  if (!::ChangeServiceConfig2W(svc.h, SERVICE_CONFIG_FAILURE_ACTIONS, &failure))
    return "cannot set the service's restart on failure: " + platform::last_system_error();
  // An exit with an error code counts as a failure too, not only a crash.
  SERVICE_FAILURE_ACTIONS_FLAG on_error{TRUE};
  ::ChangeServiceConfig2W(svc.h, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &on_error);
  // Started a little after boot, once the network is up.
  SERVICE_DELAYED_AUTO_START_INFO delayed{TRUE};
  ::ChangeServiceConfig2W(svc.h, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &delayed);
  return register_event_source(exe);
}

std::string uninstall() {
  service_handle scm(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_ALL_ACCESS));
  if (scm.h == nullptr)
    return "cannot open the service manager (run as administrator): " + platform::last_system_error();
  service_handle svc(::OpenServiceW(scm.h, service_name, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE));
  if (svc.h == nullptr) {
    if (::GetLastError() != ERROR_SERVICE_DOES_NOT_EXIST)
      return "cannot open the service: " + platform::last_system_error();
  } else {
    // The process, not only the service state: a stopped service's process
    // may still hold its executable and log file for a moment, and the
    // uninstaller deletes both right after this returns.
    SERVICE_STATUS_PROCESS sp{};
    DWORD needed = 0;
    HANDLE process = nullptr;
    if (::QueryServiceStatusEx(svc.h, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&sp), sizeof sp, &needed) &&
        sp.dwProcessId != 0)
      process = ::OpenProcess(SYNCHRONIZE, FALSE, sp.dwProcessId);
    SERVICE_STATUS st{};
    if (::ControlService(svc.h, SERVICE_CONTROL_STOP, &st)) {
      for (int i = 0; i < 300 && ::QueryServiceStatus(svc.h, &st) && st.dwCurrentState != SERVICE_STOPPED; ++i)
        ::Sleep(100);
    }
    if (process != nullptr) {
      ::WaitForSingleObject(process, 30000);
      ::CloseHandle(process);
    }
    if (!::DeleteService(svc.h) && ::GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE)
      return "cannot delete the service: " + platform::last_system_error();
  }
  ::RegDeleteKeyW(HKEY_LOCAL_MACHINE, platform::widen(event_source_key()).c_str());
  return {};
}

int run(std::function<int()> body) {
  service_body = std::move(body);
  SERVICE_TABLE_ENTRYW table[] = {{const_cast<wchar_t*>(service_name), service_main}, {nullptr, nullptr}};
  if (!::StartServiceCtrlDispatcherW(table))
    return 1; // not started by the SCM (ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
  return status.dwWin32ExitCode == NO_ERROR ? 0 : static_cast<int>(status.dwServiceSpecificExitCode);
}

namespace {

LONG WINAPI on_crash(EXCEPTION_POINTERS* info) {
  static std::atomic<bool> reported{false};
  if (!reported.exchange(true)) { // a second crash while reporting the first just ends
    const EXCEPTION_RECORD& rec = *info->ExceptionRecord;
    char code[16], address[24], offset[24];
    std::snprintf(code, sizeof code, "0x%08lx", static_cast<unsigned long>(rec.ExceptionCode));
    std::snprintf(address, sizeof address, "0x%p", rec.ExceptionAddress);
    wchar_t module_name[MAX_PATH] = L"?";
    offset[0] = '\0';
    HMODULE module = nullptr;
    if (::GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                             static_cast<LPCWSTR>(rec.ExceptionAddress), &module)) {
      ::GetModuleFileNameW(module, module_name, MAX_PATH);
      std::snprintf(offset, sizeof offset, "0x%llx",
                    static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(rec.ExceptionAddress) -
                                                    reinterpret_cast<std::uintptr_t>(module)));
    }
    try {
      nlohmann::json fields = {{"code", code},
                               {"address", address},
                               {"module", platform::narrow(module_name)},
                               {"offset", offset},
                               {"thread", static_cast<unsigned long>(::GetCurrentThreadId())},
                               {"action", "exiting"}};
      if (rec.ExceptionCode == EXCEPTION_ACCESS_VIOLATION && rec.NumberParameters >= 2) {
        char target[24];
        std::snprintf(target, sizeof target, "0x%llx", static_cast<unsigned long long>(rec.ExceptionInformation[1]));
        fields["access"] = rec.ExceptionInformation[0] == 1 ? "write" : rec.ExceptionInformation[0] == 8 ? "execute" : "read";
        fields["target"] = target;
      }
      log_event(log_level::error, "daemon:crash", fields);
    } catch (...) {
    }
    std::fflush(nullptr);
  }
  ::TerminateProcess(::GetCurrentProcess(), 3);
  return EXCEPTION_EXECUTE_HANDLER;
}

} // namespace

void report_crashes() {
  ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
  ::SetUnhandledExceptionFilter(on_crash);
}

void report_event(bool error, const std::string& line) {
  HANDLE h = event_log.load();
  if (h == nullptr)
    return;
  std::wstring text = platform::widen(line);
  while (!text.empty() && (text.back() == L'\n' || text.back() == L'\r'))
    text.pop_back();
  const wchar_t* strings[1] = {text.c_str()};
  ::ReportEventW(h, error ? EVENTLOG_ERROR_TYPE : EVENTLOG_WARNING_TYPE, 0, msg_log_line, nullptr, 1, 0, strings,
                 nullptr);
}

} // namespace siberius::daemon::windows_service
