// Browser sessions: reading the session cookie, the cookie's attributes, and
// which pages may act with it (cross-site requests are refused).
#define CAF_SUITE web_session
#include "caf/test/dsl.hpp"

#include "actors/web_session.hpp"

using namespace siberius::actors;
using boost::beast::http::verb;

CAF_TEST(the session cookie is found among others) {
  CAF_CHECK_EQUAL(cookie_value("siberius_session=abc.def", "siberius_session"), "abc.def");
  CAF_CHECK_EQUAL(cookie_value("theme=dark; siberius_session=abc; lang=pt", "siberius_session"), "abc");
  CAF_CHECK_EQUAL(cookie_value("theme=dark;siberius_session=\"q\"", "siberius_session"), "q");
  CAF_CHECK_EQUAL(cookie_value("xsiberius_session=abc", "siberius_session"), "");
  CAF_CHECK_EQUAL(cookie_value("", "siberius_session"), "");
  CAF_CHECK_EQUAL(cookie_value("siberius_session", "siberius_session"), "");
}

CAF_TEST(the cookie cannot be read by scripts nor sent cross site) {
  auto c = session_set_cookie("t.k", std::chrono::hours(12), false);
  CAF_CHECK_EQUAL(c, "siberius_session=t.k; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict");
  CAF_CHECK(session_set_cookie("t.k", std::chrono::seconds(5), true).find("; Secure") != std::string::npos);
  CAF_CHECK(session_clear_cookie(false).find("Max-Age=0") != std::string::npos);
}

CAF_TEST(the server own origin and listed ones are allowed) {
  origin_policy p;
  p.allowed = {"https://siberius.example.com/"};
  CAF_CHECK(p.allows("http://127.0.0.1:8080", "127.0.0.1:8080", false));
  CAF_CHECK(p.allows("HTTP://LocalHost:8080", "localhost:8080", false));
  CAF_CHECK(p.allows("https://app.example.com", "app.example.com", true));
  CAF_CHECK(p.allows("https://app.example.com", "app.example.com:443", true)); // default port
  CAF_CHECK(p.allows("https://siberius.example.com", "10.0.0.5:8080", false));
  CAF_CHECK(!p.allows("http://app.example.com", "app.example.com", true));  // scheme differs
  CAF_CHECK(!p.allows("https://evil.example", "app.example.com", true));
  CAF_CHECK(!p.allows("http://127.0.0.1:8081", "127.0.0.1:8080", false));
  CAF_CHECK(!p.allows("null", "127.0.0.1:8080", false));
  CAF_CHECK(!p.allows("", "127.0.0.1:8080", false));
}

CAF_TEST(changes need a same origin page reads do not) {
  origin_policy p;
  auto host = "127.0.0.1:8080";
  CAF_CHECK_EQUAL(cross_site_refusal(verb::get, "https://evil.example", "cross-site", host, false, p), "");
  CAF_CHECK_EQUAL(cross_site_refusal(verb::post, "http://127.0.0.1:8080", "same-origin", host, false, p), "");
  CAF_CHECK_EQUAL(cross_site_refusal(verb::post, "", "same-origin", host, false, p), "");
  CAF_CHECK_EQUAL(cross_site_refusal(verb::delete_, "", "none", host, false, p), "");
  CAF_CHECK_NOT_EQUAL(cross_site_refusal(verb::post, "https://evil.example", "cross-site", host, false, p), "");
  CAF_CHECK_NOT_EQUAL(cross_site_refusal(verb::put, "https://evil.example", "", host, false, p), "");
  CAF_CHECK_NOT_EQUAL(cross_site_refusal(verb::post, "", "same-site", host, false, p), "");
  CAF_CHECK_NOT_EQUAL(cross_site_refusal(verb::post, "", "cross-site", host, false, p), "");
  CAF_CHECK_NOT_EQUAL(cross_site_refusal(verb::post, "", "", host, false, p), "");
  // The Origin decides when present, whatever Sec-Fetch-Site says.
  CAF_CHECK_NOT_EQUAL(cross_site_refusal(verb::post, "https://evil.example", "same-origin", host, false, p), "");
}
