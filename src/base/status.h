// Status and Result<T>: recoverable errors as values (never exceptions).
//
//   Result<User> r = accounts.Find(id);
//   if (!r) return r.status();          // propagate
//   Use(*r);
//
// A Status has one of a small fixed set of codes, a message that names the record
// or field, and optionally a list of field errors for input validation. The HTTP
// layer maps codes to status codes and problem+json in one place (api/problem.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tc {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // input understood but not acceptable (422)
  kMalformed,          // input could not be parsed at all (400)
  kNotFound,           // 404
  kConflict,           // uniqueness or state conflict (409)
  kUnauthenticated,    // no or bad credentials (401)
  kPermissionDenied,   // authenticated but not allowed (403)
  kResourceExhausted,  // throttled or over a limit (429)
  kUnavailable,        // a dependency is down; retry may help (503)
  kInternal,           // a bug or an unexpected failure (500)
};

const char* StatusCodeName(StatusCode code);

// One invalid field of an input record: `field` is a dotted path ("items[2].name").
struct FieldError {
  std::string field;
  std::string message;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& field_errors() const { return field_errors_; }
  Status& AddFieldError(std::string field, std::string message) {
    field_errors_.push_back({std::move(field), std::move(message)});
    return *this;
  }
  // For ResourceExhausted/Unavailable: milliseconds until a retry can succeed
  // (0 = not known). The HTTP layer sends it as Retry-After, in whole seconds rounded up.
  int64_t retry_after_ms() const { return retry_after_ms_; }
  Status& SetRetryAfter(int64_t ms) {
    retry_after_ms_ = ms;
    return *this;
  }
  // "NotFound: user 'x' does not exist"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<FieldError> field_errors_;
  int64_t retry_after_ms_ = 0;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status Malformed(std::string m) { return {StatusCode::kMalformed, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
// NotFound "<what> does not exist": the one answer both for a record that does not
// exist and for one outside the caller's jurisdiction, which must not be told apart.
inline Status NoSuch(const std::string& what) { return NotFound(what + " does not exist"); }
// A single-field validation failure: message and field error say the same thing.
Status FieldInvalid(std::string field, std::string message);

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace tc

// Propagate a non-ok Status from an expression returning Status.
#define TC_RETURN_IF_ERROR(expr)               \
  do {                                         \
    ::tc::Status tc_status_ = (expr);          \
    if (!tc_status_.ok()) return tc_status_;   \
  } while (0)

#define TC_CONCAT_INNER_(a, b) a##b
#define TC_CONCAT_(a, b) TC_CONCAT_INNER_(a, b)
// TC_ASSIGN_OR_RETURN(auto x, Compute()); — assigns the value or returns the Status.
#define TC_ASSIGN_OR_RETURN(lhs, expr) \
  TC_ASSIGN_OR_RETURN_IMPL_(TC_CONCAT_(tc_result_, __LINE__), lhs, expr)
#define TC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
