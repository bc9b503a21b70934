#include "pdf/reader_process.hpp"

#include <cstdint>
#include <filesystem>
#include <stdexcept>

#include "pdf/reader_pipe.hpp"
#include "platform/files.hpp"

namespace siberius::daemon {

namespace {

using clock_type = std::chrono::steady_clock;

pdf_facts failed(pdf_problem problem, std::string reason) {
  pdf_facts f;
  f.problem = problem;
  f.reason = std::move(reason);
  return f;
}

} // namespace

reader_process::reader_process(std::string exe, std::chrono::milliseconds time_limit,
                               std::chrono::milliseconds grace, std::vector<std::string> extra_args)
  : exe_(std::move(exe)), time_limit_(time_limit), grace_(grace), extra_args_(std::move(extra_args)) {
}

reader_process::~reader_process() {
  stop();
}

std::string reader_process::default_exe() {
#ifdef _WIN32
  const char* name = "siberius-pdf-reader.exe";
#else
  const char* name = "siberius-pdf-reader";
#endif
  auto self = platform::executable_path();
  if (self.empty())
    return name;
  auto slash = self.find_last_of(platform::separator == '/' ? "/" : "\\/");
  return slash == std::string::npos ? std::string(name) : self.substr(0, slash + 1) + name;
}

pdf_facts reader_process::read(const std::string& path) {
  if (!running()) {
    std::string error;
    if (!start(error))
      return failed(pdf_problem::io_error, "io error: " + error);
  }
  if (!send(path)) {
    auto how = reap(true);
    return failed(pdf_problem::reader_crashed, "reader crashed: the PDF reader had stopped (" + how + ")");
  }
  auto deadline = clock_type::now() + time_limit_ + grace_;
  unsigned char size_bytes[4];
  auto got = receive(size_bytes, 4, deadline);
  std::string text;
  if (got == read_outcome::ok) {
    auto size = reader_pipe::decode_length(size_bytes);
    if (size > 16 * 1024 * 1024) {
      auto how = reap(true);
      return failed(pdf_problem::reader_crashed, "reader crashed: an answer of " + std::to_string(size) +
                                                     " bytes (" + how + ")");
    }
    text.resize(size);
    got = receive(text.data(), size, deadline);
  }
  if (got == read_outcome::timed_out) {
    reap(true);
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(time_limit_).count();
    return failed(pdf_problem::too_slow,
                  "too slow: still reading after " + std::to_string(secs) + " s; the reader was stopped");
  }
  if (got == read_outcome::closed) {
    auto how = reap(false);
    return failed(pdf_problem::reader_crashed, "reader crashed on this file: " + how);
  }
  try {
    return facts_from_json(text);
  } catch (const std::exception& e) {
    reap(true);
    return failed(pdf_problem::reader_crashed, std::string("reader crashed: unreadable answer: ") + e.what());
  }
}

pdf_facts resident_reader::read(const std::string& path, std::uint64_t& turn, bool& restarted) {
  turn = ++turn_;
  try {
    auto facts = reader_.read(path);
    restarted = facts.problem == pdf_problem::reader_crashed ||
                (!reader_.running() && facts.problem == pdf_problem::too_slow);
    return facts;
  } catch (const std::exception& e) {
    // reader_process promises not to throw; a bad_alloc must still not stop the caller.
    restarted = false;
    pdf_facts f;
    f.problem = pdf_problem::io_error;
    f.reason = std::string("cannot read: ") + e.what();
    return f;
  }
}

} // namespace siberius::daemon
