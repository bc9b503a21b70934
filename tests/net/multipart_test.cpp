// The streaming multipart/form-data reader: any chunking gives the same parts,
// a boundary split across chunks is found, and malformed bodies are refused.
#define CAF_SUITE net_multipart
#include "caf/test/unit_test.hpp"

#include <random>
#include <vector>

#include "net/multipart.hpp"

using namespace siberius::net;

namespace {

struct seen_part {
  multipart_reader::part_header header;
  std::string data;
  bool ended = false;
};

struct outcome {
  std::vector<seen_part> parts;
  bool ok = true;
  bool done = false;
  std::string error;
};

/// Feeds `body` in chunks whose sizes come from `sizes` (cycled).
outcome read(const std::string& boundary, const std::string& body, std::vector<std::size_t> sizes) {
  outcome out;
  multipart_reader r(boundary, {[&](const multipart_reader::part_header& h) { out.parts.push_back({h, "", false}); },
                                [&](const char* p, std::size_t n) { out.parts.back().data.append(p, n); },
                                [&] { out.parts.back().ended = true; }});
  std::size_t at = 0, k = 0;
  while (at < body.size() && out.ok) {
    auto n = std::min(sizes[k++ % sizes.size()], body.size() - at);
    out.ok = r.feed(body.data() + at, n);
    at += n;
  }
  out.done = r.done();
  out.error = r.error();
  return out;
}

const std::string boundary = "----siberius7MA4YWxkTrZu0gW";

std::string sample_body(const std::string& content) {
  return "--" + boundary + "\r\n"
         "Content-Disposition: form-data; name=\"requestId\"\r\n\r\n"
         "req-1\r\n"
         "--" + boundary + "\r\n"
         "Content-Disposition: form-data; name=\"file\"; filename=\"OS \\\"89331\\\".pdf\"\r\n"
         "Content-Type: application/pdf\r\n\r\n" +
         content + "\r\n--" + boundary + "--\r\nepilogue";
}

} // namespace

CAF_TEST(the boundary comes from the content type) {
  CAF_CHECK(multipart_boundary("multipart/form-data; boundary=abc") == std::string("abc"));
  CAF_CHECK(multipart_boundary("Multipart/Form-Data;boundary=\"a b;c\"") == std::string("a b;c"));
  CAF_CHECK(!multipart_boundary("application/pdf"));
  CAF_CHECK(!multipart_boundary("multipart/form-data"));
  CAF_CHECK(!multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')));
}

CAF_TEST(every chunking gives the same parts) {
  // Content that looks like a boundary but is not one, and CRLFs.
  using namespace std::string_literals;
  std::string content = "%PDF-1.7\r\n--" + boundary.substr(0, 10) + "\r\n\r\n--x\r\nbinary\0\xff\x01 %%EOF"s;
  CAF_REQUIRE(content.find('\0') != std::string::npos);
  content += std::string(5000, 'z');
  auto body = sample_body(content);
  std::mt19937 rng(7);
  std::vector<std::vector<std::size_t>> plans = {{1}, {2}, {3}, {7}, {30}, {31}, {32}, {33}, {62}, {64},
                                                {1000}, {4096}, {65536}, {body.size()}};
  for (int i = 0; i < 20; ++i) {
    std::vector<std::size_t> random;
    for (int j = 0; j < 50; ++j)
      random.push_back(1 + rng() % (i % 2 ? 97 : 3000));
    plans.push_back(random);
  }
  for (const auto& plan : plans) {
    auto out = read(boundary, body, plan);
    CAF_REQUIRE(out.ok);
    CAF_CHECK(out.done);
    CAF_REQUIRE_EQUAL(out.parts.size(), 2u);
    CAF_CHECK_EQUAL(out.parts[0].header.name, "requestId");
    CAF_CHECK(!out.parts[0].header.filename);
    CAF_CHECK_EQUAL(out.parts[0].data, "req-1");
    CAF_CHECK_EQUAL(out.parts[1].header.name, "file");
    CAF_CHECK(out.parts[1].header.filename == std::string("OS \"89331\".pdf"));
    CAF_CHECK_EQUAL(out.parts[1].header.content_type, "application/pdf");
    CAF_CHECK(out.parts[1].data == content);
    CAF_CHECK(out.parts[1].ended);
  }
}

CAF_TEST(malformed bodies are refused) {
  auto bad_header = "--" + boundary + "\r\nno colon here\r\n\r\nx\r\n--" + boundary + "--";
  auto out = read(boundary, bad_header, {5});
  CAF_CHECK(!out.ok);
  CAF_CHECK(!out.error.empty());
  auto huge_header = "--" + boundary + "\r\nX-Long: " + std::string(10000, 'a') + "\r\n\r\n";
  CAF_CHECK(!read(boundary, huge_header, {100}).ok);
  auto not_form_data = "--" + boundary + "\r\nContent-Disposition: attachment\r\n\r\nx\r\n--" + boundary + "--";
  CAF_CHECK(!read(boundary, not_form_data, {3}).ok);
  // Cut short: fine so far, but never done.
  auto cut = sample_body("abc").substr(0, 150);
  auto partial = read(boundary, cut, {9});
  CAF_CHECK(partial.ok);
  CAF_CHECK(!partial.done);
}
