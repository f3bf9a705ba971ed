// RFC 9457 problem details: the one place where a Status becomes an HTTP status
// and an application/problem+json body ({type, title, status, detail, instance,
// request_id, errors: [{field, pointer, message}], retry_after}). A Status with a
// retry-after (throttling) also gets a `Retry-After` header: whole seconds, rounded up.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "http/server.h"

namespace tc::api {

int HttpStatusFor(StatusCode code);
http::Response ProblemResponse(int http_status, std::string_view detail, std::string_view instance,
                               std::string_view request_id, const Status* status = nullptr);
http::Response ProblemFromStatus(const Status& status, std::string_view instance, std::string_view request_id);

}  // namespace tc::api
