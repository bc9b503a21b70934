// reader_process on Windows: CreateProcessW with its standard input and
// output on pipes, inside a job object, so a child past its time (or one
// left behind by a daemon that died) is ended with the job.
#include "pdf/reader_process.hpp"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <atomic>
#include <mutex>

#include "pdf/reader_pipe.hpp"
#include "platform/files.hpp"

namespace siberius::daemon {

namespace {

using clock_type = std::chrono::steady_clock;

void close_handle(void*& h) {
  if (h != nullptr && h != INVALID_HANDLE_VALUE)
    ::CloseHandle(h);
  h = nullptr;
}

/// One argument of a command line, quoted as CommandLineToArgvW reads it.
std::wstring command_arg(const std::wstring& arg) {
  if (!arg.empty() && arg.find_first_of(L" \t\"") == std::wstring::npos)
    return arg;
  std::wstring out = L"\"";
  std::size_t backslashes = 0;
  for (wchar_t c : arg) {
    if (c == L'\\') {
      ++backslashes;
      continue;
    }
    if (c == L'"')
      out.append(backslashes * 2 + 1, L'\\');
    else
      out.append(backslashes, L'\\');
    backslashes = 0;
    out += c;
  }
  out.append(backslashes * 2, L'\\');
  out += L'"';
  return out;
}

// Handles are made inheritable only while one child is being created, so no
// other child (another parse worker's) inherits a pipe end that would keep
// it open after its own reader is gone.
std::mutex spawn_mutex;
std::atomic<unsigned> pipe_counter{0};

std::string describe_exit(DWORD code) {
  switch (code) {
    case 0xC0000005: return "crashed: access violation (0xC0000005)";
    case 0xC00000FD: return "crashed: stack overflow (0xC00000FD)";
    case 0xC0000409: return "crashed: stack buffer overrun (0xC0000409)";
    case 0xC0000017: return "crashed: out of memory (0xC0000017)";
    case 0xC000013A: return "stopped by Ctrl+C";
    default: break;
  }
  if (code >= 0xC0000000) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(code));
    return std::string("crashed with exception ") + hex;
  }
  return "exited with status " + std::to_string(code);
}

} // namespace

bool reader_process::running() const { return process_ != nullptr; }

long long reader_process::pid() const { return pid_; }

bool reader_process::start(std::string& error) {
  std::lock_guard<std::mutex> lock(spawn_mutex);
  SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  HANDLE child_in = nullptr, to_child = nullptr;
  if (!::CreatePipe(&child_in, &to_child, &inherit, 0)) {
    error = "pipe: " + platform::last_system_error();
    return false;
  }
  ::SetHandleInformation(to_child, HANDLE_FLAG_INHERIT, 0);

  // Its output comes back through a named pipe: only those can be read with
  // a deadline (overlapped); the child's end is an ordinary blocking handle.
  std::wstring name = L"\\\\.\\pipe\\siberius-pdf-reader-" + std::to_wstring(::GetCurrentProcessId()) + L"-" +
                      std::to_wstring(pipe_counter.fetch_add(1)) + L"-" + std::to_wstring(::GetTickCount64());
  HANDLE from_child = ::CreateNamedPipeW(
      name.c_str(), PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1, 0, 64 * 1024, 0, nullptr);
  if (from_child == INVALID_HANDLE_VALUE) {
    error = "pipe: " + platform::last_system_error();
    ::CloseHandle(child_in);
    ::CloseHandle(to_child);
    return false;
  }
  HANDLE child_out = ::CreateFileW(name.c_str(), GENERIC_WRITE, 0, &inherit, OPEN_EXISTING, 0, nullptr);
  if (child_out == INVALID_HANDLE_VALUE) {
    error = "pipe: " + platform::last_system_error();
    for (HANDLE h : {child_in, to_child, from_child})
      ::CloseHandle(h);
    return false;
  }
  HANDLE child_err = ::GetStdHandle(STD_ERROR_HANDLE);
  bool pass_stderr = child_err != nullptr && child_err != INVALID_HANDLE_VALUE &&
                     ::SetHandleInformation(child_err, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);

  // Exactly these handles go to the child.
  HANDLE inherited[3] = {child_in, child_out, child_err};
  DWORD inherited_count = pass_stderr ? 3 : 2;
  SIZE_T attr_size = 0;
  ::InitializeProcThreadAttributeList(nullptr, 1, 0, &attr_size);
  std::vector<unsigned char> attr_storage(attr_size);
  auto* attrs = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attr_storage.data());
  bool have_attrs = ::InitializeProcThreadAttributeList(attrs, 1, 0, &attr_size) &&
                    ::UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherited,
                                                inherited_count * sizeof(HANDLE), nullptr, nullptr);

  STARTUPINFOEXW si{};
  si.StartupInfo.cb = sizeof si;
  si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  si.StartupInfo.hStdInput = child_in;
  si.StartupInfo.hStdOutput = child_out;
  si.StartupInfo.hStdError = pass_stderr ? child_err : nullptr;
  if (have_attrs)
    si.lpAttributeList = attrs;

  std::wstring exe = platform::widen(exe_);
  std::wstring command = command_arg(exe) + L" --time-limit-ms " + std::to_wstring(time_limit_.count());
  for (auto& a : extra_args_)
    command += L" " + command_arg(platform::widen(a));

  HANDLE job = ::CreateJobObjectW(nullptr, nullptr);
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  // The child dies with the job handle (so with the daemon, however it ends),
  // and a crash ends it at once instead of opening an error report.
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
  if (job != nullptr)
    ::SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits);

  PROCESS_INFORMATION pi{};
  DWORD flags = CREATE_NO_WINDOW | CREATE_SUSPENDED | (have_attrs ? EXTENDED_STARTUPINFO_PRESENT : 0);
  BOOL ok = ::CreateProcessW(exe.c_str(), command.data(), nullptr, nullptr, TRUE, flags, nullptr, nullptr,
                             &si.StartupInfo, &pi);
  DWORD spawn_error = ok ? 0 : ::GetLastError();
  if (have_attrs)
    ::DeleteProcThreadAttributeList(attrs);
  if (pass_stderr)
    ::SetHandleInformation(child_err, HANDLE_FLAG_INHERIT, 0);
  ::CloseHandle(child_in);
  ::CloseHandle(child_out);
  if (!ok) {
    error = "cannot start " + exe_ + ": " + platform::error_text(spawn_error);
    ::CloseHandle(to_child);
    ::CloseHandle(from_child);
    if (job != nullptr)
      ::CloseHandle(job);
    return false;
  }
  if (job != nullptr && !::AssignProcessToJobObject(job, pi.hProcess)) {
    // Without the job the child still ends when its input closes, and
    // TerminateProcess is used instead of TerminateJobObject.
    ::CloseHandle(job);
    job = nullptr;
  }
  ::ResumeThread(pi.hThread);
  ::CloseHandle(pi.hThread);
  process_ = pi.hProcess;
  job_ = job;
  pid_ = static_cast<long long>(pi.dwProcessId);
  to_child_ = to_child;
  from_child_ = from_child;
  read_event_ = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  return true;
}

bool reader_process::send(const std::string& path) {
  auto header = reader_pipe::encode_length(static_cast<std::uint32_t>(path.size()));
  std::string message(reinterpret_cast<const char*>(header.data()), header.size());
  message += path;
  const char* p = message.data();
  std::size_t n = message.size();
  while (n > 0) {
    DWORD put = 0;
    if (!::WriteFile(to_child_, p, static_cast<DWORD>(n), &put, nullptr) || put == 0)
      return false;
    p += put;
    n -= put;
  }
  return true;
}

reader_process::read_outcome reader_process::receive(void* buf, std::size_t n, clock_type::time_point deadline) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    if (left <= 0)
      return read_outcome::timed_out;
    OVERLAPPED ov{};
    ov.hEvent = read_event_;
    ::ResetEvent(read_event_);
    DWORD got = 0;
    if (!::ReadFile(from_child_, p, static_cast<DWORD>(std::min<std::size_t>(n, 1 << 20)), nullptr, &ov)) {
      DWORD code = ::GetLastError();
      if (code != ERROR_IO_PENDING)
        return read_outcome::closed; // ERROR_BROKEN_PIPE: the child ended
      if (::WaitForSingleObject(read_event_, static_cast<DWORD>(std::min<long long>(left, 60000))) == WAIT_TIMEOUT) {
        ::CancelIoEx(from_child_, &ov);
        if (!::GetOverlappedResult(from_child_, &ov, &got, TRUE) || got == 0)
          continue; // cancelled: re-check the deadline
      } else if (!::GetOverlappedResult(from_child_, &ov, &got, FALSE)) {
        return read_outcome::closed;
      }
    } else if (!::GetOverlappedResult(from_child_, &ov, &got, FALSE)) {
      return read_outcome::closed;
    }
    if (got == 0)
      return read_outcome::closed;
    p += got;
    n -= got;
  }
  return read_outcome::ok;
}

std::string reader_process::reap(bool kill_first) {
  close_handle(to_child_);
  close_handle(from_child_);
  close_handle(read_event_);
  if (process_ == nullptr)
    return "not running";
  DWORD wait = WAIT_TIMEOUT;
  if (!kill_first) // it closed its output: it is ending; give it a moment to say how
    wait = ::WaitForSingleObject(process_, 2000);
  bool killed = false;
  if (wait != WAIT_OBJECT_0) {
    if (job_ != nullptr)
      ::TerminateJobObject(job_, 1);
    else
      ::TerminateProcess(process_, 1);
    ::WaitForSingleObject(process_, 10000);
    killed = true;
  }
  DWORD code = 0;
  bool known = ::GetExitCodeProcess(process_, &code);
  close_handle(process_);
  close_handle(job_);
  pid_ = -1;
  if (killed)
    return "killed";
  return known ? describe_exit(code) : "ended";
}

void reader_process::stop() {
  if (process_ == nullptr)
    return;
  close_handle(to_child_); // end of its input: it exits by itself
  if (::WaitForSingleObject(process_, 2000) == WAIT_OBJECT_0) {
    close_handle(from_child_);
    close_handle(read_event_);
    close_handle(process_);
    close_handle(job_);
    pid_ = -1;
    return;
  }
  reap(true);
}

} // namespace siberius::daemon
