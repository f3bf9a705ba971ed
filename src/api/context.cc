#include "api/context.h"

#include <nlohmann/json.hpp>

#include "api/router.h"
#include "base/json.h"

namespace tc::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string DecodeQueryComponent(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

const char* JsonTypeName(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::object: return "an object";
    default: return "a number";
  }
}

}  // namespace

std::string_view Context::Param(const std::string& name) const {
  auto it = params_.find(name);
  return it == params_.end() ? std::string_view{} : std::string_view(it->second);
}

std::optional<std::string> FormField(std::string_view encoded, std::string_view name) {
  std::string_view q = encoded;
  while (!q.empty()) {
    const size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    const size_t eq = pair.find('=');
    if (DecodeQueryComponent(pair.substr(0, eq)) == name) {
      return eq == std::string_view::npos ? std::string() : DecodeQueryComponent(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::vector<std::string> FormNames(std::string_view encoded) {
  std::vector<std::string> out;
  std::string_view q = encoded;
  while (!q.empty()) {
    const size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    if (!pair.empty()) out.push_back(DecodeQueryComponent(pair.substr(0, pair.find('='))));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

std::optional<std::string> Context::Query(std::string_view name) const { return FormField(request_.query, name); }

Result<int64_t> Context::QueryInt(std::string_view name, int64_t fallback, int64_t min, int64_t max) const {
  auto v = Query(name);
  if (!v) return fallback;
  int64_t n = 0;
  size_t used = 0;
  try {
    n = std::stoll(*v, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != v->size() || n < min || n > max) {
    return FieldInvalid(std::string(name), "must be an integer from " + std::to_string(min) + " to " +
                                               std::to_string(max));
  }
  return n;
}

Result<bool> Context::QueryBool(std::string_view name, bool fallback) const {
  auto v = Query(name);
  if (!v) return fallback;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  return FieldInvalid(std::string(name), "must be true or false");
}

Status Context::RequireCovers(std::string_view area_path, std::string_view what) const {
  if (principal_ && principal_->Covers(area_path)) return Status::Ok();
  return NoSuch(std::string(what));
}

Result<int64_t> IdParam(const Context& ctx, std::string_view param, std::string_view what) {
  const std::string_view s = ctx.Param(std::string(param));
  int64_t id = 0;
  const bool digits = !s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits) id = std::stoll(std::string(s));
  if (id < 1) return NoSuch(std::string(what) + " '" + std::string(s) + "'");
  return id;
}

Status Context::RequirePermission(std::string_view permission) const {
  if (principal_ && principal_->Can(permission)) return Status::Ok();
  return PermissionDenied("your role (" + std::string(principal_ ? auth::RoleName(principal_->role) : "none") +
                          ") lacks permission " + std::string(permission));
}

Result<nlohmann::json> Context::JsonValue() const {
  const std::string_view ct = request_.Header("content-type");
  if (!ct.starts_with("application/json")) {
    return Malformed("Content-Type must be application/json (got '" + std::string(ct) + "')");
  }
  auto body = ParseJson(request_.body);
  if (!body.ok()) return Malformed("request body: " + body.status().message());
  return body;
}

Result<nlohmann::json> Context::JsonBody() const {
  TC_ASSIGN_OR_RETURN(auto body, JsonValue());
  if (!body.is_object()) return Malformed(std::string("request body must be a JSON object, not ") + JsonTypeName(body));
  return body;
}

std::string FieldReader::String(const std::string& name, StringRule rule) {
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (rule.required) errors_.AddFieldError(name, "is required");
    return "";
  }
  if (!it->is_string()) {
    errors_.AddFieldError(name, std::string("must be a string, not ") + JsonTypeName(*it));
    return "";
  }
  const auto& s = it->get_ref<const std::string&>();
  if (rule.required && s.empty()) errors_.AddFieldError(name, "must not be empty");
  if (s.size() > rule.max_bytes) errors_.AddFieldError(name, "must be at most " + std::to_string(rule.max_bytes) + " bytes");
  return s;
}

std::optional<int64_t> FieldReader::Int(const std::string& name, bool required) {
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (required) errors_.AddFieldError(name, "is required");
    return std::nullopt;
  }
  if (!it->is_number_integer()) {
    errors_.AddFieldError(name, std::string("must be an integer, not ") + JsonTypeName(*it));
    return std::nullopt;
  }
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    errors_.AddFieldError(name, "is out of range");
    return std::nullopt;
  }
  return it->get<int64_t>();
}

std::optional<bool> FieldReader::Bool(const std::string& name, bool required) {
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (required) errors_.AddFieldError(name, "is required");
    return std::nullopt;
  }
  if (!it->is_boolean()) {
    errors_.AddFieldError(name, std::string("must be true or false, not ") + JsonTypeName(*it));
    return std::nullopt;
  }
  return it->get<bool>();
}

std::optional<double> FieldReader::Number(const std::string& name, bool required) {
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (required) errors_.AddFieldError(name, "is required");
    return std::nullopt;
  }
  if (!it->is_number()) {
    errors_.AddFieldError(name, std::string("must be a number, not ") + JsonTypeName(*it));
    return std::nullopt;
  }
  return it->get<double>();
}

std::vector<std::string> FieldReader::StringList(const std::string& name, StringRule rule, size_t max_items) {
  std::vector<std::string> out;
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (rule.required) errors_.AddFieldError(name, "is required");
    return out;
  }
  if (!it->is_array()) {
    errors_.AddFieldError(name, std::string("must be a list of strings, not ") + JsonTypeName(*it));
    return out;
  }
  if (it->size() > max_items) {
    errors_.AddFieldError(name, "has more than " + std::to_string(max_items) + " items");
    return out;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const auto& x = (*it)[i];
    const std::string field = name + "[" + std::to_string(i) + "]";
    if (!x.is_string()) {
      errors_.AddFieldError(field, std::string("must be a string, not ") + JsonTypeName(x));
    } else if (x.get_ref<const std::string&>().size() > rule.max_bytes) {
      errors_.AddFieldError(field, "must be at most " + std::to_string(rule.max_bytes) + " bytes");
    } else {
      out.push_back(x.get<std::string>());
    }
  }
  return out;
}

Status FieldReader::Finish(std::initializer_list<std::string_view> allowed) {
  return Finish(std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

Status FieldReader::Finish(std::span<const std::string_view> allowed) {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    bool known = false;
    for (auto a : allowed) known = known || a == it.key();
    if (!known) errors_.AddFieldError(it.key(), "is not a known field");
  }
  if (errors_.field_errors().empty()) return Status::Ok();
  return errors_;
}

Reply JsonReply(const nlohmann::json& body, int status) {
  Reply r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace tc::api
