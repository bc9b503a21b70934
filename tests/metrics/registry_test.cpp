// metrics_registry: what a Prometheus scrape reads, line by line.
#define CAF_SUITE metrics_registry
#include "caf/test/dsl.hpp"

#include <cmath>
#include <limits>
#include <thread>

#include "metrics/registry.hpp"

using namespace siberius::metrics;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

} // namespace

CAF_TEST(a counter renders with HELP TYPE and its labels) {
  registry r;
  auto& requests = r.add_counter("siberius_http_requests_total", "HTTP requests answered.", {"method", "route"});
  requests.with({"GET", "/api/pdfs/:id"}).inc();
  requests.with({"GET", "/api/pdfs/:id"}).inc(2);
  requests.with({"POST", "/api/auth/login"}).inc();
  auto text = r.render();
  CAF_CHECK(has_line(text, "# HELP siberius_http_requests_total HTTP requests answered."));
  CAF_CHECK(has_line(text, "# TYPE siberius_http_requests_total counter"));
  CAF_CHECK(has_line(text, "siberius_http_requests_total{method=\"GET\",route=\"/api/pdfs/:id\"} 3"));
  CAF_CHECK(has_line(text, "siberius_http_requests_total{method=\"POST\",route=\"/api/auth/login\"} 1"));
}

CAF_TEST(a gauge without labels goes up and down) {
  registry r;
  auto& g = r.add_gauge("siberius_uploads_in_progress", "Uploads being received.").get();
  g.inc();
  g.inc();
  g.dec();
  CAF_CHECK(has_line(r.render(), "siberius_uploads_in_progress 1"));
  g.set(0.25);
  CAF_CHECK(has_line(r.render(), "siberius_uploads_in_progress 0.25"));
}

CAF_TEST(a histogram has cumulative buckets then sum and count) {
  registry r;
  auto& h = r.add_histogram("siberius_db_call_duration_seconds", "Database calls.", {0.01, 0.1, 1}).get();
  h.observe(0.005);
  h.observe(0.01); // on a bound: counted in that bucket (le)
  h.observe(0.5);
  h.observe(3);
  auto text = r.render();
  CAF_CHECK(has_line(text, "# TYPE siberius_db_call_duration_seconds histogram"));
  CAF_CHECK(has_line(text, "siberius_db_call_duration_seconds_bucket{le=\"0.01\"} 2"));
  CAF_CHECK(has_line(text, "siberius_db_call_duration_seconds_bucket{le=\"0.1\"} 2"));
  CAF_CHECK(has_line(text, "siberius_db_call_duration_seconds_bucket{le=\"1\"} 3"));
  CAF_CHECK(has_line(text, "siberius_db_call_duration_seconds_bucket{le=\"+Inf\"} 4"));
  CAF_CHECK(has_line(text, "siberius_db_call_duration_seconds_sum 3.515"));
  CAF_CHECK(has_line(text, "siberius_db_call_duration_seconds_count 4"));
}

CAF_TEST(histogram labels come before le) {
  registry r;
  auto& f = r.add_histogram("siberius_http_request_duration_seconds", "x", {1}, {"route"});
  f.with({"/health"}).observe(0.5);
  auto text = r.render();
  CAF_CHECK(has_line(text, "siberius_http_request_duration_seconds_bucket{route=\"/health\",le=\"1\"} 1"));
  CAF_CHECK(has_line(text, "siberius_http_request_duration_seconds_bucket{route=\"/health\",le=\"+Inf\"} 1"));
  CAF_CHECK(has_line(text, "siberius_http_request_duration_seconds_count{route=\"/health\"} 1"));
}

CAF_TEST(label values and help text are escaped) {
  registry r;
  r.add_gauge("g", "a \\ backslash\nand a newline", {"v"}).with({"say \"hi\"\\\n"}).set(1);
  auto text = r.render();
  CAF_CHECK(has_line(text, "# HELP g a \\\\ backslash\\nand a newline"));
  CAF_CHECK(has_line(text, "g{v=\"say \\\"hi\\\"\\\\\\n\"} 1"));
}

CAF_TEST(special values) {
  CAF_CHECK_EQUAL(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  CAF_CHECK_EQUAL(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  CAF_CHECK_EQUAL(format_value(std::nan("")), "NaN");
  CAF_CHECK_EQUAL(format_value(1234567890123.0), "1234567890123");
  CAF_CHECK_EQUAL(format_value(-2), "-2");
  CAF_CHECK_EQUAL(format_value(0.005), "0.005"); // the shortest text that reads back the same
  CAF_CHECK_EQUAL(format_value(0.1 + 0.2), "0.30000000000000004");
}

CAF_TEST(a family refilled from a snapshot forgets old label sets) {
  registry r;
  auto& online = r.add_gauge("siberius_daemon_online", "x", {"client_id"});
  online.with({"a"}).set(1);
  online.with({"b"}).set(0);
  online.clear();
  online.with({"b"}).set(1);
  auto text = r.render();
  CAF_CHECK(text.find("client_id=\"a\"") == std::string::npos);
  CAF_CHECK(has_line(text, "siberius_daemon_online{client_id=\"b\"} 1"));
  CAF_CHECK_EQUAL(online.label_sets().size(), 1u);
  online.remove({"b"});
  CAF_CHECK(r.render().find("client_id=\"b\"") == std::string::npos);
  CAF_CHECK(online.label_sets().empty());
}

CAF_TEST(concurrent updates are all counted) {
  registry r;
  auto& c = r.add_counter("c_total", "x", {"k"});
  auto& h = r.add_histogram("h_seconds", "x", {1}).get();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        c.with({std::to_string(i % 3)}).inc();
        h.observe(t % 2 ? 0.5 : 2.0);
      }
    });
  for (auto& t : threads)
    t.join();
  CAF_CHECK_EQUAL(c.with({"0"}).value() + c.with({"1"}).value() + c.with({"2"}).value(), 40000u);
  CAF_CHECK_EQUAL(h.count(), 40000u);
  auto buckets = h.cumulative(); // a copy: the check keeps a reference to its arguments
  CAF_CHECK_EQUAL(buckets[0], 20000u);
  CAF_CHECK_EQUAL(buckets[1], 40000u);
  CAF_CHECK_EQUAL(h.sum(), 20000 * 0.5 + 20000 * 2.0);
}

CAF_TEST(families render in the order they were added) {
  registry r;
  r.add_counter("b_total", "x").get().inc();
  r.add_gauge("a", "x").get().set(1);
  auto text = r.render();
  CAF_CHECK_LESS(text.find("b_total"), text.find("# HELP a "));
}
