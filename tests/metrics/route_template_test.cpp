// route_template: the route label of siberius_http_requests_total stays a
// small fixed set whatever paths clients ask for.
#define CAF_SUITE route_template
#include "caf/test/dsl.hpp"

#include "actors/server_metrics.hpp"

using siberius::actors::route_template;

CAF_TEST(ids become placeholders) {
  CAF_CHECK_EQUAL(route_template("/api/pdfs/17/status"), "/api/pdfs/:id/status");
  CAF_CHECK_EQUAL(route_template("/api/pdfs/17/download"), "/api/pdfs/:id/download");
  CAF_CHECK_EQUAL(route_template("/api/atendimentos/3/pdfs/9"), "/api/atendimentos/:id/pdfs/:id");
  CAF_CHECK_EQUAL(route_template("/api/atendimentos/3/referencias/os/89331"),
                  "/api/atendimentos/:id/referencias/:tipo/:numero");
  CAF_CHECK_EQUAL(route_template("/api/atendimentos/3/referencias/orcamento/A-12%2F2026"),
                  "/api/atendimentos/:id/referencias/:tipo/:numero");
  CAF_CHECK_EQUAL(route_template("/api/admin/daemons/12/rotate-token"), "/api/admin/daemons/:id/rotate-token");
  CAF_CHECK_EQUAL(route_template("/api/pdfs"), "/api/pdfs");
  CAF_CHECK_EQUAL(route_template("/health"), "/health");
  CAF_CHECK_EQUAL(route_template("/metrics"), "/metrics");
  CAF_CHECK_EQUAL(route_template("/api/daemon/upload"), "/api/daemon/upload");
}

CAF_TEST(paths the API does not know share one label) {
  CAF_CHECK_EQUAL(route_template("/api/pdfs/abc/status"), "other");
  CAF_CHECK_EQUAL(route_template("/api/atendimentos/x/referencias/os/1"), "other");
  CAF_CHECK_EQUAL(route_template("/api/admin/daemons/office-sp"), "other");
  CAF_CHECK_EQUAL(route_template("/api/wp-login"), "other");
  CAF_CHECK_EQUAL(route_template("/api/a/b/c/d/e/f/g/h"), "other");
  CAF_CHECK_EQUAL(route_template("/api/pdfs/1/status/"), "other");
  CAF_CHECK_EQUAL(route_template("no-slash"), "other");
}

CAF_TEST(the web app is one label) {
  CAF_CHECK_EQUAL(route_template("/"), "web_app");
  CAF_CHECK_EQUAL(route_template("/assets/index-abc123.js"), "web_app");
  CAF_CHECK_EQUAL(route_template("/admin/system-monitor"), "web_app");
}
