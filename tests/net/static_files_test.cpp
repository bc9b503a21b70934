// The web app's file server, its pure parts: which paths may name a file of
// the site, which encodings a browser takes, and the Content-Type of a name.
// The served answers themselves are checked end to end (tests/e2e/static_site).
#define CAF_SUITE net_static_files
#include "caf/test/unit_test.hpp"

#include "net/static_files.hpp"

using namespace siberius::net;

CAF_TEST(api health and socket paths are not the web app) {
  CAF_CHECK(is_web_app_path("/"));
  CAF_CHECK(is_web_app_path("/admin/system-monitor"));
  CAF_CHECK(is_web_app_path("/assets/index-3f2a.js"));
  CAF_CHECK(is_web_app_path("/apiary")); // only the /api segment is the API
  CAF_CHECK(!is_web_app_path("/api"));
  CAF_CHECK(!is_web_app_path("/api/pdfs"));
  CAF_CHECK(!is_web_app_path("/health"));
  CAF_CHECK(!is_web_app_path("/health/detailed"));
  CAF_CHECK(!is_web_app_path("/socket.io/"));
  CAF_CHECK(!is_web_app_path("/metrics")); // Prometheus scrapes it (api/metrics_api)
  CAF_CHECK(!is_web_app_path(""));
}

CAF_TEST(plain paths map to files under the root) {
  CAF_CHECK_EQUAL(site_relative_path("/").value_or("?"), "");
  CAF_CHECK_EQUAL(site_relative_path("/index.html").value_or("?"), "index.html");
  CAF_CHECK_EQUAL(site_relative_path("/assets/app-1a2b.js").value_or("?"), "assets/app-1a2b.js");
  CAF_CHECK_EQUAL(site_relative_path("/admin/users/").value_or("?"), "admin/users");
  CAF_CHECK_EQUAL(site_relative_path("/Or%C3%A7amento%20S%C3%A3o.txt").value_or("?"),
                  "Or\xC3\xA7" "amento S\xC3\xA3o.txt");
}

CAF_TEST(paths that could leave the root or name hidden files are refused) {
  for (auto bad : {"/..", "/../etc/passwd", "/assets/../../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E%2Fetc",
                   "/assets/%2e%2e%2f%2e%2e%2fetc", "/./index.html", "//etc/passwd", "/a//b", "/.env",
                   "/assets/.stamp", "/a%00b", "/a%5cb", "/a\\b", "/%", "/%4", "/%zz", "relative", "/a%0ab"})
    if (site_relative_path(bad))
      CAF_FAIL("accepted " << bad);
}

CAF_TEST(accept encoding honours q values) {
  CAF_CHECK(accepts_encoding("gzip, deflate, br", "br"));
  CAF_CHECK(accepts_encoding("gzip, deflate, br", "gzip"));
  CAF_CHECK(accepts_encoding("GZIP;q=0.5", "gzip"));
  CAF_CHECK(!accepts_encoding("gzip;q=0, br;q=0", "gzip"));
  CAF_CHECK(!accepts_encoding("gzip;q=0, br;q=0", "br"));
  CAF_CHECK(!accepts_encoding("identity", "gzip"));
  CAF_CHECK(!accepts_encoding("", "br"));
  CAF_CHECK(!accepts_encoding("xgzip", "gzip"));
}

CAF_TEST(content types follow the extension) {
  CAF_CHECK_EQUAL(content_type_of("index.html"), "text/html; charset=utf-8");
  CAF_CHECK_EQUAL(content_type_of("assets/app.JS"), "text/javascript; charset=utf-8");
  CAF_CHECK_EQUAL(content_type_of("assets/app.css"), "text/css; charset=utf-8");
  CAF_CHECK_EQUAL(content_type_of("manifest.webmanifest"), "application/manifest+json");
  CAF_CHECK_EQUAL(content_type_of("icon.svg"), "image/svg+xml");
  CAF_CHECK_EQUAL(content_type_of("font.woff2"), "font/woff2");
  CAF_CHECK_EQUAL(content_type_of("LICENSE"), "application/octet-stream");
}
