// Files that must survive a crash or a power cut whole: what the server, the
// CLI and the tools write (cached PDFs, credentials.json, the CLI's session).
// A file is written beside its final name, fsynced, renamed into place, and
// its folder fsynced, so a reader (or the next start) sees the old file or the
// new one, never half of one. POSIX only: the Windows daemon writes none.
#pragma once

#include <string>
#include <string_view>

namespace siberius::platform {

/// Writes `content` to `path` durably: a new file in the same folder, created
/// with `mode` (0600 for anything secret; never widened by a later chmod),
/// written, fsynced, renamed over `path`, then the folder fsynced. Throws
/// std::runtime_error "cannot <step> <file>: <reason>" and leaves no
/// temporary file behind on failure.
void write_file_atomically(const std::string& path, std::string_view content, unsigned mode);

/// fsync of an open file; false with `error` set on failure.
bool sync_file(int fd, std::string& error);

/// fsync of a folder, so the names created, renamed or removed in it are on
/// disk; false with `error` set on failure.
bool sync_folder(const std::string& folder, std::string& error);

/// The folder holding `path` ("." for a bare name).
std::string folder_of(const std::string& path);

} // namespace siberius::platform
