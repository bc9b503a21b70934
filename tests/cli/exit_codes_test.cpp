#define CAF_SUITE cli_exit_codes
#include "caf/test/unit_test.hpp"

#include "cli/api_client.hpp"
#include "cli/errors.hpp"

using namespace siberius::cli;

CAF_TEST(http status to exit code) {
  CAF_CHECK_EQUAL(exit_code_for_status(200), exit_ok);
  CAF_CHECK_EQUAL(exit_code_for_status(201), exit_ok);
  CAF_CHECK_EQUAL(exit_code_for_status(204), exit_ok);
  CAF_CHECK_EQUAL(exit_code_for_status(401), 3);
  CAF_CHECK_EQUAL(exit_code_for_status(403), 3);
  CAF_CHECK_EQUAL(exit_code_for_status(404), 4);
  CAF_CHECK_EQUAL(exit_code_for_status(500), 5);
  CAF_CHECK_EQUAL(exit_code_for_status(502), 5);
  CAF_CHECK_EQUAL(exit_code_for_status(503), 5);
  CAF_CHECK_EQUAL(exit_code_for_status(400), 1);
  CAF_CHECK_EQUAL(exit_code_for_status(409), 6);
  CAF_CHECK_EQUAL(exit_code_for_status(413), 1);
  CAF_CHECK_EQUAL(exit_code_for_status(429), 7);
  CAF_CHECK_EQUAL(exit_code_for_status(302), 1);
}

CAF_TEST(error body gives the message and code) {
  auto e = api_error_from_response(401, R"({"error":"invalid or missing token","code":"unauthorized"})");
  CAF_CHECK_EQUAL(e.status, 401);
  CAF_CHECK_EQUAL(std::string(e.what()), "invalid or missing token");
  CAF_CHECK_EQUAL(e.code, "unauthorized");
}

CAF_TEST(a body without error falls back to the status) {
  CAF_CHECK_EQUAL(std::string(api_error_from_response(404, "<html>nope</html>").what()), "not found");
  CAF_CHECK_EQUAL(std::string(api_error_from_response(503, "").what()), "service unavailable");
  CAF_CHECK_EQUAL(std::string(api_error_from_response(418, R"({"error":42})").what()), "unexpected response");
  CAF_CHECK_EQUAL(api_error_from_response(418, R"({"error":42})").code, "");
  CAF_CHECK_EQUAL(std::string(api_error_from_response(413, "[1,2]").what()), "request body too large");
}

CAF_TEST(a reply carries its Retry-After into the error) {
  http_reply reply;
  reply.status = 429;
  reply.body = R"({"error":"too many login attempts","code":"too_many_attempts"})";
  reply.headers["retry-after"] = "30";
  auto e = api_error_from_reply(reply);
  CAF_CHECK_EQUAL(e.status, 429);
  CAF_CHECK_EQUAL(e.code, "too_many_attempts");
  CAF_CHECK_EQUAL(e.retry_after, "30");
  reply.headers.clear();
  CAF_CHECK_EQUAL(api_error_from_reply(reply).retry_after, "");
}
