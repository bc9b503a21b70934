// What the upload endpoint (POST /api/daemon/upload) needs from the database:
// who the uploading daemon is, which PDF the upload is for, and the outcome.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

/// What a request for a PDF (POST /api/pdfs/:id/request) needs of its row.
struct request_target {
  std::int64_t pdf_id = 0;
  std::string client_id;      // the daemon to ask first (holders[0]); empty when unknown
  std::string file_hash;
  std::string filename;
  std::string status;         // available_local | uploading | cached | expired | missing
  std::int64_t file_size = 0;
  std::optional<std::string> expires_at; // when cached
  std::optional<std::string> file_path; // the cached copy, when one is recorded
  /// Every daemon that has the file (pdf_locations, present), client_id's
  /// first: an upload may be asked of any of them that is online.
  std::vector<std::string> holders;
};

/// The PDF linked to an atendimento (pdf_cache.atendimento_id).
struct atendimento_pdf {
  bool atendimento_exists = false;
  std::optional<std::int64_t> pdf_id; // the most recently indexed one
};

/// How a transfer that did not store the file ended.
enum class transfer_end : std::uint8_t {
  failed,    // the PDF stays in the office (available_local)
  missing,   // the daemon no longer has the file with that hash
  cancelled, // someone cancelled the request
};

/// A cached copy past its expiry, already marked expired: delete its file.
struct expired_copy {
  std::int64_t pdf_id = 0;
  std::string file_hash;
  std::string file_path;
};

} // namespace siberius::storage
