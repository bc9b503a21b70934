// The streaming multipart/form-data reader on any body: the parts, their
// content and the verdict (done, or the error) are the same whether the body
// arrives in one piece or in small reads, as it does from a slow upload.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "net/multipart.hpp"

using namespace siberius::net;

namespace {

struct outcome {
  std::string events; // what the callbacks saw, content merged per part
  bool done = false;
  std::string error;
  std::size_t content_bytes = 0;
};

outcome read_body(const std::string& boundary, std::string_view body, std::size_t piece) {
  outcome out;
  bool in_content = false;
  multipart_reader::callbacks cb;
  cb.on_part = [&](const multipart_reader::part_header& h) {
    out.events += "\n[part name=" + h.name + " filename=" + (h.filename ? "\"" + *h.filename + "\"" : "none") +
                  " type=" + h.content_type + "]\n";
    in_content = true;
  };
  cb.on_data = [&](const char* p, std::size_t n) {
    FUZZ_CHECK(in_content && n > 0);
    out.events.append(p, n);
    out.content_bytes += n;
  };
  cb.on_part_end = [&] {
    FUZZ_CHECK(in_content);
    in_content = false;
    out.events += "\n[end]\n";
  };
  multipart_reader reader(boundary, cb);
  for (std::size_t at = 0; at < body.size(); at += piece) {
    bool ok = reader.feed(body.data() + at, std::min(piece, body.size() - at));
    FUZZ_CHECK(ok == reader.error().empty());
  }
  out.done = reader.done();
  out.error = reader.error();
  FUZZ_CHECK(!(out.done && !out.error.empty()));
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The first line is the request's Content-Type, the rest its body.
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto eol = input.find('\n');
  if (eol == std::string_view::npos || eol > 256)
    return 0;
  auto boundary = multipart_boundary(input.substr(0, eol));
  if (!boundary)
    return 0;
  FUZZ_CHECK(!boundary->empty() && boundary->size() <= 70);
  auto body = input.substr(eol + 1);

  auto whole = read_body(*boundary, body, body.size() ? body.size() : 1);
  FUZZ_CHECK(whole.content_bytes <= body.size());
  for (std::size_t piece : {std::size_t(1), std::size_t(7), boundary->size() + 3}) {
    auto split = read_body(*boundary, body, piece);
    FUZZ_CHECK(split.events == whole.events);
    FUZZ_CHECK(split.done == whole.done);
    if (split.error != whole.error)
      std::fprintf(stderr, "in pieces of %zu: \"%s\", whole: \"%s\"\n", piece, split.error.c_str(), whole.error.c_str());
    FUZZ_CHECK(split.error == whole.error);
  }
  return 0;
}
