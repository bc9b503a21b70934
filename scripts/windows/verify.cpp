// Links the Windows prefix the way the daemon will, and exercises each
// library once: a CAF actor answers a request, poppler-cpp reads a PDF built
// in memory (text, word boxes, document info), OpenSSL hashes "abc" and
// creates a TLS client context. Exits non-zero on any wrong answer.
#include <caf/all.hpp>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <cstdlib>

#include <poppler-document.h>
#include <poppler-page.h>
#include <poppler-version.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

caf::behavior adder() {
  return {[](int a, int b) { return a + b; }};
}

bool check_caf() {
  caf::actor_system_config cfg;
  // Never destroyed: under Wine 8 the shutdown of a default-configured actor
  // system with a scoped_actor never returned (the daemon's own shutdown
  // does); main ends the process with _Exit once everything is printed.
  auto& system = *new caf::actor_system{cfg};
  auto worker = system.spawn(adder);
  auto& self = *new caf::scoped_actor{system};
  int sum = 0;
  self->request(worker, std::chrono::seconds(5), 2, 40)
      .receive([&](int result) { sum = result; },
               [&](caf::error& err) { std::printf("caf: %s\n", system.render(err).c_str()); });
  std::printf("caf: actor replied 2 + 40 = %d\n", sum);
  return sum == 42;
}

// One page saying "Siberius verifica" in Helvetica, with a Title. The
// cross-reference table is computed from the offsets as objects are written.
std::string one_page_pdf() {
  const std::string content = "BT /F1 24 Tf 72 720 Td (Siberius verifica) Tj ET";
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
      "/Contents 5 0 R >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
      "<< /Title (Siberius test) >>",
  };
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    char line[21];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R /Info 6 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string utf8(const poppler::ustring& text) {
  auto bytes = text.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

bool check_poppler() {
  const std::string pdf = one_page_pdf();
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(pdf.data(), int(pdf.size())));
  if (!doc) {
    std::printf("poppler: the PDF did not open\n");
    return false;
  }
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  std::string text = page ? utf8(page->text()) : std::string();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const std::string title = utf8(doc->info_key("Title"));
  const auto words = page ? page->text_list() : std::vector<poppler::text_box>();
  std::printf("poppler %s: %d page(s), title \"%s\", page 1 text \"%s\", %zu word box(es)\n",
              poppler::version_string().c_str(), doc->pages(), title.c_str(), text.c_str(), words.size());
  for (const auto& word : words) {
    const auto box = word.bbox();
    std::printf("  \"%s\" at x=%.1f y=%.1f w=%.1f h=%.1f\n", utf8(word.text()).c_str(), box.x(), box.y(),
                box.width(), box.height());
  }
  return text.find("Siberius verifica") != std::string::npos && title == "Siberius test" && words.size() == 2;
}

bool check_openssl() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest("abc", 3, digest, &length, EVP_sha256(), nullptr) != 1) return false;
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    char pair[3];
    std::snprintf(pair, sizeof pair, "%02x", digest[i]);
    hex += pair;
  }
  SSL_CTX* tls = SSL_CTX_new(TLS_client_method());
  std::printf("%s: sha256(\"abc\") = %s; TLS client context %s\n", OpenSSL_version(OPENSSL_VERSION), hex.c_str(),
              tls ? "created" : "FAILED");
  SSL_CTX_free(tls);
  return tls && hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
}

}  // namespace

int main() {
  const bool caf_ok = check_caf();
  const bool poppler_ok = check_poppler();
  const bool openssl_ok = check_openssl();
  const bool ok = caf_ok && poppler_ok && openssl_ok;
  std::printf("%s\n", ok ? "verify: all libraries answered correctly" : "verify: FAILED");
  std::fflush(stdout);
  std::_Exit(ok ? 0 : 1);
}
