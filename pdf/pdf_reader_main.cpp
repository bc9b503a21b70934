// siberius-pdf-reader: the daemon's PDF reading, in a process of its own.
// poppler runs here, so a file that crashes or hangs it costs this process
// (the daemon starts another), and the daemon's own memory never holds
// poppler's. The daemon starts it on demand; it exits when its input closes.
//
// Protocol on stdin/stdout, one request at a time:
//   request:  4-byte big-endian length, then the file's path (bytes)
//   response: 4-byte big-endian length, then pdf_facts as JSON (facts_to_json)
//
//   siberius-pdf-reader [--time-limit-ms N] [--check-only]
//
// --check-only: only whether poppler can open each file as a PDF (check_pdf),
// for uploads whose hash the server computed as they arrived.
#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#else
#include <unistd.h>
#endif

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "pdf/pdf_metadata.hpp"
#include "pdf/reader_pipe.hpp"

namespace {

constexpr std::uint32_t max_path_bytes = 64 * 1024;

bool read_exact(int fd, void* buf, std::size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    auto got = ::read(fd, p, n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return false;
    p += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
#ifdef _WIN32
  // The protocol is binary; and a crash must end this process quietly (the
  // daemon reports it and starts another), not open an error dialog.
  _setmode(0, _O_BINARY);
  _setmode(1, _O_BINARY);
  ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
#endif
  long limit_ms = 20000;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--time-limit-ms" && i + 1 < argc) {
      char* end = nullptr;
      limit_ms = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || limit_ms < 1 || limit_ms > 3600000) {
        std::cerr << "siberius-pdf-reader: --time-limit-ms expects 1 to 3600000\n";
        return 2;
      }
    } else if (arg == "--check-only") {
      check_only = true;
    } else {
      std::cerr << "usage: siberius-pdf-reader [--time-limit-ms N] [--check-only] (driven by siberius-daemon)\n";
      return 2;
    }
  }
  for (;;) {
    unsigned char header[4];
    if (!read_exact(0, header, 4))
      return 0; // the daemon closed our input: done
    auto n = siberius::daemon::reader_pipe::decode_length(header);
    if (n == 0 || n > max_path_bytes) {
      std::cerr << "siberius-pdf-reader: request of " << n << " bytes refused\n";
      return 2;
    }
    std::string path(n, '\0');
    if (!read_exact(0, path.data(), n))
      return 2;
    auto facts = check_only ? siberius::daemon::check_pdf(path)
                            : siberius::daemon::read_pdf(path, std::chrono::milliseconds(limit_ms));
    auto text = siberius::daemon::facts_to_json(facts);
    if (!siberius::daemon::reader_pipe::write_message(1, text.data(), static_cast<std::uint32_t>(text.size())))
      return 0; // the daemon went away
  }
}
