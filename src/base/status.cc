#include "base/status.h"

namespace tc {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "Ok";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kMalformed: return "Malformed";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kConflict: return "Conflict";
    case StatusCode::kUnauthenticated: return "Unauthenticated";
    case StatusCode::kPermissionDenied: return "PermissionDenied";
    case StatusCode::kResourceExhausted: return "ResourceExhausted";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kInternal: return "Internal";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "Ok";
  std::string s = StatusCodeName(code_);
  s += ": ";
  s += message_;
  for (const auto& fe : field_errors_) {
    s += "\n  ";
    s += fe.field;
    s += ": ";
    s += fe.message;
  }
  return s;
}

Status FieldInvalid(std::string field, std::string message) {
  Status s = InvalidArgument(field + ": " + message);
  s.AddFieldError(std::move(field), std::move(message));
  return s;
}

}  // namespace tc
