// files.hpp on Windows: UTF-16 at the API, \\?\ paths, shared opens.
#include "platform/files.hpp"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <shellapi.h>

#include <algorithm>
#include <cwchar>
#include <cstdlib>

namespace siberius::platform {

namespace {

// 100-ns ticks between 1601-01-01 (FILETIME) and 1970-01-01.
constexpr std::int64_t epoch_offset_ticks = 116444736000000000LL;

std::int64_t unix_ns(const FILETIME& ft) {
  auto ticks = (static_cast<std::int64_t>(ft.dwHighDateTime) << 32) | ft.dwLowDateTime;
  return (ticks - epoch_offset_ticks) * 100;
}

file_kind kind_of(DWORD attributes) {
  if (attributes & FILE_ATTRIBUTE_DIRECTORY)
    // A junction or a folder symbolic link could lead back up the tree: not followed.
    return (attributes & FILE_ATTRIBUTE_REPARSE_POINT) ? file_kind::other : file_kind::directory;
  if (attributes & FILE_ATTRIBUTE_DEVICE)
    return file_kind::other;
  // Files with a reparse point (symbolic links, OneDrive placeholders) read as files.
  return file_kind::regular;
}

bool is_missing(DWORD code) {
  return code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND || code == ERROR_INVALID_NAME ||
         code == ERROR_BAD_NETPATH;
}

} // namespace

std::wstring widen(const std::string& utf8) {
  if (utf8.empty())
    return {};
  int n = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
  return out;
}

std::string narrow(const std::wstring& utf16) {
  if (utf16.empty())
    return {};
  int n = ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), nullptr, 0, nullptr,
                                nullptr);
  std::string out(static_cast<std::size_t>(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), out.data(), n, nullptr, nullptr);
  return out;
}

std::wstring win32_path(const std::string& utf8) {
  std::wstring w = widen(utf8);
  if (w.rfind(L"\\\\?\\", 0) == 0)
    return w;
  for (auto& c : w)
    if (c == L'/')
      c = L'\\';
  // Absolute and normalised (no . or .., which \\?\ paths do not allow).
  DWORD n = ::GetFullPathNameW(w.c_str(), 0, nullptr, nullptr);
  if (n > 0) {
    std::wstring full(n, L'\0');
    DWORD got = ::GetFullPathNameW(w.c_str(), n, full.data(), nullptr);
    if (got > 0 && got < n) {
      full.resize(got);
      w = std::move(full);
    }
  }
  if (w.rfind(L"\\\\.\\", 0) == 0) // a device path: as it is
    return w;
  if (w.rfind(L"\\\\", 0) == 0)
    return L"\\\\?\\UNC\\" + w.substr(2);
  if (w.size() >= 3 && w[1] == L':' && w[2] == L'\\')
    return L"\\\\?\\" + w;
  return w;
}

std::string error_text(unsigned long code) {
  wchar_t* buf = nullptr;
  DWORD flags = FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS;
  DWORD n = ::FormatMessageW(flags, nullptr, code, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US),
                             reinterpret_cast<wchar_t*>(&buf), 0, nullptr);
  if (n == 0)
    n = ::FormatMessageW(flags, nullptr, code, 0, reinterpret_cast<wchar_t*>(&buf), 0, nullptr);
  std::string text;
  if (n > 0 && buf != nullptr) {
    text = narrow(std::wstring(buf, n));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.'))
      text.pop_back();
  }
  if (buf != nullptr)
    ::LocalFree(buf);
  if (text.empty())
    text = "Windows error " + std::to_string(code);
  return text;
}

std::string last_system_error() { return error_text(::GetLastError()); }

file_status status_of(const std::string& path, std::string* error) {
  file_status out;
  WIN32_FILE_ATTRIBUTE_DATA data{};
  if (!::GetFileAttributesExW(win32_path(path).c_str(), GetFileExInfoStandard, &data)) {
    if (error)
      *error = last_system_error();
    return out;
  }
  out.kind = kind_of(data.dwFileAttributes);
  out.size = (static_cast<std::int64_t>(data.nFileSizeHigh) << 32) | data.nFileSizeLow;
  out.mtime_ns = unix_ns(data.ftLastWriteTime);
  return out;
}

bool list_folder(const std::string& folder, std::vector<folder_entry>& out, std::string& error, bool* missing) {
  auto pattern = win32_path(folder);
  if (!pattern.empty() && pattern.back() != L'\\')
    pattern += L'\\';
  pattern += L'*';
  WIN32_FIND_DATAW data{};
  HANDLE find = ::FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &data, FindExSearchNameMatch, nullptr,
                                   FIND_FIRST_EX_LARGE_FETCH);
  if (find == INVALID_HANDLE_VALUE) {
    DWORD code = ::GetLastError();
    if (code == ERROR_FILE_NOT_FOUND) // an empty folder (not even . and ..), as on some shares
      return true;
    error = error_text(code);
    if (missing)
      *missing = is_missing(code);
    return false;
  }
  do {
    std::wstring name = data.cFileName;
    if (name == L"." || name == L"..")
      continue;
    out.push_back(folder_entry{narrow(name), kind_of(data.dwFileAttributes)});
  } while (::FindNextFileW(find, &data));
  DWORD code = ::GetLastError();
  ::FindClose(find);
  if (code != ERROR_NO_MORE_FILES) {
    error = error_text(code);
    return false;
  }
  return true;
}

input_file::~input_file() { close(); }

bool input_file::open(const std::string& path, std::string& error) {
  close();
  // Shared for reading, writing and deleting: the office's programs must be
  // able to save over or remove a file while the daemon reads it.
  HANDLE h = ::CreateFileW(win32_path(path).c_str(), GENERIC_READ,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    DWORD code = ::GetLastError();
    DWORD attributes = ::GetFileAttributesW(win32_path(path).c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY))
      error = "not a regular file (a folder)";
    else
      error = error_text(code);
    return false;
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (::GetFileType(h) != FILE_TYPE_DISK || !::GetFileInformationByHandle(h, &info) ||
      (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
    ::CloseHandle(h);
    error = "not a regular file";
    return false;
  }
  handle_ = h;
  return true;
}

bool input_file::is_open() const { return handle_ != nullptr; }

std::int64_t input_file::size() const {
  LARGE_INTEGER size{};
  return ::GetFileSizeEx(static_cast<HANDLE>(handle_), &size) ? size.QuadPart : -1;
}

namespace {
/// One ReadFile: bytes read, 0 at the end, -1 with `error` set. With `at`, from that offset
/// (on a handle opened for synchronous I/O this also moves the position).
long long read_once(void* handle, void* buf, std::size_t n, OVERLAPPED* at, std::string& error) {
  DWORD got = 0;
  DWORD want = static_cast<DWORD>(std::min<std::size_t>(n, 1u << 30));
  if (!::ReadFile(static_cast<HANDLE>(handle), buf, want, &got, at)) {
    DWORD code = ::GetLastError();
    if (code == ERROR_HANDLE_EOF)
      return 0;
    error = error_text(code);
    return -1;
  }
  return got;
}
} // namespace

long long input_file::read(void* buf, std::size_t n) { return read_once(handle_, buf, n, nullptr, error_); }

long long input_file::read_at(void* buf, std::size_t n, std::int64_t offset) {
  OVERLAPPED at{};
  at.Offset = static_cast<DWORD>(offset & 0xffffffff);
  at.OffsetHigh = static_cast<DWORD>(offset >> 32);
  return read_once(handle_, buf, n, &at, error_);
}

void input_file::close() {
  if (handle_ != nullptr)
    ::CloseHandle(static_cast<HANDLE>(handle_));
  handle_ = nullptr;
}

bool is_executable(const std::string& path) {
  DWORD attributes = ::GetFileAttributesW(win32_path(path).c_str());
  return attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
}

std::string executable_path() {
  std::wstring buf(MAX_PATH, L'\0');
  for (;;) {
    DWORD n = ::GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
    if (n == 0)
      return {};
    if (n < buf.size()) {
      buf.resize(n);
      break;
    }
    buf.resize(buf.size() * 2);
  }
  if (buf.rfind(L"\\\\?\\", 0) == 0)
    buf.erase(0, 4);
  return narrow(buf);
}

std::optional<std::string> environment(const char* name) {
  if (const wchar_t* v = ::_wgetenv(widen(name).c_str()))
    return narrow(v);
  return std::nullopt;
}

std::string canonical_folder(const std::string& path) {
  HANDLE h = ::CreateFileW(win32_path(path).c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           nullptr, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (h == INVALID_HANDLE_VALUE)
    return path;
  std::wstring buf(1024, L'\0');
  DWORD n = ::GetFinalPathNameByHandleW(h, buf.data(), static_cast<DWORD>(buf.size()), FILE_NAME_NORMALIZED);
  if (n >= buf.size()) {
    buf.resize(n + 1);
    n = ::GetFinalPathNameByHandleW(h, buf.data(), static_cast<DWORD>(buf.size()), FILE_NAME_NORMALIZED);
  }
  ::CloseHandle(h);
  if (n == 0 || n >= buf.size())
    return path;
  buf.resize(n);
  // Back to the form people type: C:\... or \\server\share\...
  if (buf.rfind(L"\\\\?\\UNC\\", 0) == 0)
    buf = L"\\\\" + buf.substr(8);
  else if (buf.rfind(L"\\\\?\\", 0) == 0)
    buf.erase(0, 4);
  return narrow(buf);
}

std::filesystem::path fs_path(const std::string& utf8) { return std::filesystem::path(win32_path(utf8)); }

std::vector<std::string> utf8_arguments() {
  int argc = 0;
  wchar_t** wargv = ::CommandLineToArgvW(::GetCommandLineW(), &argc);
  std::vector<std::string> out;
  if (wargv == nullptr)
    return out;
  for (int i = 0; i < argc; ++i)
    out.push_back(narrow(wargv[i]));
  ::LocalFree(wargv);
  return out;
}

} // namespace siberius::platform
