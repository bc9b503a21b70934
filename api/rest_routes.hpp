// Every REST route the server answers, as method and path template: what
// `siberius-server --print-routes` prints and tests/openapi compares with
// docs/openapi.yaml and with what the running server really serves.
#pragma once

#include <string_view>
#include <vector>

namespace siberius::actors {

struct rest_route {
  std::string_view method; // GET, HEAD, POST, PUT or DELETE
  std::string_view path;   // OpenAPI path template: /api/pdfs/{id}/status
};

/// The routes of make_http_api, make_pdf_download and the upload route, in
/// the order docs/api.md lists them.
const std::vector<rest_route>& rest_routes();

} // namespace siberius::actors
