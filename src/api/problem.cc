#include "api/problem.h"

#include <nlohmann/json.hpp>

namespace tc::api {
namespace {

struct Kind {
  int status;
  const char* slug;
  const char* title;
};

Kind KindFor(int status) {
  switch (status) {
    case 400: return {400, "malformed-request", "The request could not be read"};
    case 401: return {401, "unauthenticated", "Authentication required"};
    case 403: return {403, "forbidden", "Not permitted"};
    case 404: return {404, "not-found", "Not found"};
    case 405: return {405, "method-not-allowed", "Method not allowed"};
    case 409: return {409, "conflict", "Conflict with the current state"};
    case 413: return {413, "payload-too-large", "Request body too large"};
    case 415: return {415, "unsupported-media-type", "Unsupported media type"};
    case 422: return {422, "validation-failed", "The request has invalid fields"};
    case 429: return {429, "too-many-requests", "Too many requests"};
    case 431: return {431, "headers-too-large", "Request headers too large"};
    case 503: return {503, "unavailable", "Service unavailable"};
    default: return {status, "internal-error", "Internal error"};
  }
}

// "items[2].name" → "/items/2/name" (a JSON Pointer into the request body)
std::string Pointer(std::string_view field) {
  std::string out = "/";
  for (char c : field) {
    if (c == '.' || c == '[') out += '/';
    else if (c == ']') continue;
    else if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 422;
    case StatusCode::kMalformed: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kConflict: return 409;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

http::Response ProblemResponse(int http_status, std::string_view detail, std::string_view instance,
                               std::string_view request_id, const Status* status) {
  const Kind k = KindFor(http_status);
  nlohmann::json body = {{"type", std::string("urn:tongchou:problem:") + k.slug},
                         {"title", k.title},
                         {"status", http_status},
                         {"detail", detail},
                         {"instance", instance},
                         {"request_id", request_id}};
  if (status && !status->field_errors().empty()) {
    auto& errors = body["errors"] = nlohmann::json::array();
    for (const auto& fe : status->field_errors()) {
      errors.push_back({{"field", fe.field}, {"pointer", Pointer(fe.field)}, {"message", fe.message}});
    }
  }
  int64_t retry_after_s = 0;
  if (status && status->retry_after_ms() > 0) {
    retry_after_s = (status->retry_after_ms() + 999) / 1000;
    body["retry_after"] = retry_after_s;
  }
  http::Response r;
  r.status = http_status;
  r.content_type = "application/problem+json";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (http_status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"tongchou\"");
  if (retry_after_s > 0) r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

http::Response ProblemFromStatus(const Status& status, std::string_view instance, std::string_view request_id) {
  const int code = HttpStatusFor(status.code());
  // Internal details stay in the log; the client gets the request id to quote.
  const std::string detail = code == 500 ? "internal error; quote request id " + std::string(request_id)
                                         : status.message();
  return ProblemResponse(code, detail, instance, request_id, &status);
}

}  // namespace tc::api
