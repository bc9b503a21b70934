// What people read about PDFs: search results, where one PDF is, and the
// answer to a request. Pure functions of the server's replies.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace siberius::cli {

/// GET /api/pdfs → table (ID, TYPE, NUMBER, CLIENT, EVENT, VALUE, STATUS,
/// FILE) and the page line, or "No PDFs match." Throws std::runtime_error
/// without "items".
std::string render_pdf_search(const nlohmann::json& reply);

/// GET /api/pdfs/:id/status → one field per line.
std::string render_pdf_status(const nlohmann::json& reply);

/// One line while waiting: "PDF 17: uploading 50%".
std::string describe_pdf_progress(std::int64_t id, const nlohmann::json& status);

/// POST /api/pdfs/:id/request → requested (and how far), or already cached.
std::string render_pdf_request(std::int64_t id, const nlohmann::json& reply);

/// A cached PDF: until when, and the command that downloads it.
std::string render_pdf_cached(std::int64_t id, const nlohmann::json& status);

/// "1234.50" for a number, the text for a string, "-" when absent.
std::string format_money(const nlohmann::json& object, const char* key);

} // namespace siberius::cli
