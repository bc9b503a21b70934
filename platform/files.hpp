// The operating system's file and process facts the daemon needs, behind one
// interface with an implementation per platform (files_posix.cpp on Linux
// and macOS, files_windows.cpp on Windows), chosen at build time.
//
// Paths are UTF-8 everywhere in Siberius. On Windows they become UTF-16 only
// at the API, with the \\?\ prefix so paths longer than 260 characters work,
// and folders are joined with '\' so the server sees the paths the office
// sees (C:\Empresa\PDFs\...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace siberius::platform {

#ifdef _WIN32
constexpr char separator = '\\';
#else
constexpr char separator = '/';
#endif

/// folder + separator + name (no doubled separator when folder ends with one).
std::string join(const std::string& folder, const std::string& name);
/// Whether `path` lies strictly inside `folder`.
bool is_under(const std::string& path, const std::string& folder);

enum class file_kind { missing, regular, directory, other };

struct file_status {
  file_kind kind = file_kind::missing;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0; // since the Unix epoch
};

/// stat without following a final symbolic link (a reparse point on Windows).
/// `error` (optional) gets the reason when the path cannot be examined.
file_status status_of(const std::string& path, std::string* error = nullptr);

struct folder_entry {
  std::string name;
  file_kind kind = file_kind::other; // symbolic links and reparse points are `other`
};

/// The entries of one folder (not recursive, without . and ..). False with
/// `error` set when the folder cannot be listed; `missing` tells it is gone.
bool list_folder(const std::string& folder, std::vector<folder_entry>& out, std::string& error,
                 bool* missing = nullptr);

/// A regular file opened for reading, closed by the destructor.
class input_file {
public:
  input_file() = default;
  ~input_file();
  input_file(const input_file&) = delete;
  input_file& operator=(const input_file&) = delete;

  /// Opens `path` for reading (shared with writers and deleters, so the
  /// office's programs are never blocked by the daemon). Fails for folders
  /// and other non-regular files; `error` says why.
  bool open(const std::string& path, std::string& error);
  bool is_open() const;
  /// The size now (it may differ from the size at open for a growing file); -1 on error.
  std::int64_t size() const;
  /// Reads up to n bytes at the current position: bytes read, 0 at the end, -1 on error.
  long long read(void* buf, std::size_t n);
  /// Reads up to n bytes at `offset` without moving the position: as read().
  long long read_at(void* buf, std::size_t n, std::int64_t offset);
  /// The last failure of read/read_at as text.
  const std::string& last_error() const { return error_; }
  void close();

private:
#ifdef _WIN32
  void* handle_ = nullptr;
#else
  int fd_ = -1;
#endif
  std::string error_;
};

/// Whether `path` names a program this process may start.
bool is_executable(const std::string& path);

/// The running program's own path, or empty when unknown.
std::string executable_path();

/// An environment variable as UTF-8 (Windows reads it as UTF-16).
std::optional<std::string> environment(const char* name);

/// The absolute, canonical form of an existing folder (symbolic links
/// resolved), or `path` itself when that fails.
std::string canonical_folder(const std::string& path);

/// A path for std::filesystem and the standard streams (UTF-8 taken as such).
std::filesystem::path fs_path(const std::string& utf8);

/// The text of the last system error of this thread (errno, GetLastError).
std::string last_system_error();

#ifdef _WIN32
/// UTF-8 -> UTF-16 and back (invalid sequences become U+FFFD).
std::wstring widen(const std::string& utf8);
std::string narrow(const std::wstring& utf16);
/// The UTF-16 path for the Windows API: absolute, '\' separated, with the
/// \\?\ (or \\?\UNC\) prefix that lifts the 260-character limit.
std::wstring win32_path(const std::string& utf8);
/// The message of a Windows error code, in English when the system has it.
std::string error_text(unsigned long code);
/// The program's arguments as UTF-8 (main's argv is in the ANSI code page).
std::vector<std::string> utf8_arguments();
#endif

} // namespace siberius::platform
