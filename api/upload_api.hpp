// POST /api/daemon/upload: a daemon sends a PDF the server asked for, as
// multipart/form-data, with Authorization: Bearer <daemon token>, X-Request-Id
// and X-File-Hash. The body is streamed to a temporary file while hashed,
// then checked (size, a .pdf name, the hash, a real PDF through
// siberius-pdf-reader), renamed into <storage>/YYYY/MM/<hash>-<random>_<name>.pdf and
// recorded (status cached, a pdf_transfers row). A failure leaves no file.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <caf/all.hpp>

#include "actors/storage_monitor.hpp"
#include "net/server.hpp"

namespace siberius::actors {

struct upload_options {
  std::string storage_dir;                          // root of the PDF cache
  std::size_t max_file_bytes = 50u * 1024 * 1024;   // the PDF itself
  std::chrono::milliseconds check_time_limit{20000};
  /// pdf_parse_job pool: checks each upload with poppler.
  caf::actor checker;
  /// upload_coordinator: hears progress, the stored file, and rejections.
  caf::actor coordinator;
  /// Progress is reported every this many bytes.
  std::size_t progress_step = 256 * 1024;
  /// Closed by the storage_monitor when the cache is full: 507 storage_full.
  storage_gate_ptr storage;
};

/// The multipart envelope may add this much to the file's size.
constexpr std::size_t upload_envelope_bytes = 64 * 1024;

/// The streaming handler to register at /api/daemon/upload.
net::streaming_handler make_upload_handler(caf::actor_system& sys, caf::actor db, upload_options options);

/// Why `name` is refused as an uploaded file's name, or empty when it is fine:
/// a plain name (no path, no "..", no control characters) ending in .pdf.
std::string unfit_upload_name(const std::string& name);

} // namespace siberius::actors
