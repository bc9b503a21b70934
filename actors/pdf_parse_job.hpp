// pdf_parse_job: checks an uploaded PDF with poppler before it enters the
// cache. Each job is a detached actor driving one resident
// siberius-pdf-reader --check-only process (poppler lives in that process
// only, so a PDF that crashes it costs the process, not the server). The
// process starts with the first upload and ends `idle_exit` after the last,
// so a quiet server holds no poppler. A small pool spreads the uploads.
#pragma once

#include <chrono>
#include <string>

#include <caf/all.hpp>

namespace siberius::actors {

struct pdf_check_options {
  std::string reader_exe;                      // siberius-pdf-reader
  std::chrono::milliseconds time_limit{20000}; // per file
  std::chrono::milliseconds idle_exit{10000};
};

/// (check_pdf, path) -> daemon::pdf_facts (problem none or no_text_layer = usable).
caf::behavior pdf_parse_job(caf::event_based_actor* self, pdf_check_options options);

/// `n` jobs behind one round-robin handle; a job that fails is replaced.
caf::actor spawn_pdf_check_pool(caf::actor_system& sys, pdf_check_options options, std::size_t n);

} // namespace siberius::actors
