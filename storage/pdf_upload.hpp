// What the upload endpoint (POST /api/daemon/upload) needs from the database:
// who the uploading daemon is, which PDF the upload is for, and the outcome.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace siberius::storage {

/// A PDF a daemon may upload: it is indexed with that hash for that daemon.
struct upload_target {
  std::int64_t pdf_id = 0;
  std::string filename;
  std::string status;
  std::optional<std::string> data_evento; // YYYY-MM-DD
};

/// A finished upload, ready to be recorded.
struct stored_upload {
  std::int64_t pdf_id = 0;
  std::string client_id;
  std::string request_id;
  std::string file_path;   // where the cached copy now is
  std::int64_t bytes = 0;
  double seconds = 0;      // from the first byte to the last
};

/// What a download needs of a PDF's row.
struct download_target {
  std::string status;
  std::optional<std::string> file_path; // the cached copy, when cached
  std::string filename;
  std::string file_hash;
};

} // namespace siberius::storage
