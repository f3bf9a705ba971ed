// The per-request context a handler sees: path and query parameters, the caller
// (after the dispatcher authenticated them), the request id, and helpers that
// turn jurisdiction checks and JSON bodies into Status values.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/router.h"
#include "audit/audit.h"
#include "auth/roles.h"
#include "base/status.h"
#include "http/server.h"

namespace tc::api {

class Context {
 public:
  // `client_addr`: the resolved client address (api/client_address.h); "" = the socket peer.
  Context(const http::Request& request, std::map<std::string, std::string> params, std::string request_id,
          std::string client_addr = "")
      : request_(request),
        params_(std::move(params)),
        request_id_(std::move(request_id)),
        client_addr_(client_addr.empty() ? request.remote_addr : std::move(client_addr)) {}

  const http::Request& request() const { return request_; }
  // The client's address: the peer, or behind a trusted proxy the forwarded client.
  // Use this, not request().remote_addr, for anything about the client.
  const std::string& client_addr() const { return client_addr_; }
  const std::string& request_id() const { return request_id_; }
  std::string_view Param(const std::string& name) const;
  // Decoded query parameter, or nullopt if absent.
  std::optional<std::string> Query(std::string_view name) const;
  // An integer query parameter in [min, max]; InvalidArgument naming it otherwise.
  Result<int64_t> QueryInt(std::string_view name, int64_t fallback, int64_t min, int64_t max) const;
  // A boolean query parameter ("true"/"false"/"1"/"0").
  Result<bool> QueryBool(std::string_view name, bool fallback) const;

  void set_principal(auth::Principal p) { principal_ = std::move(p); }
  bool has_principal() const { return principal_.has_value(); }
  const auth::Principal& principal() const { return *principal_; }
  audit::Actor actor() const { return {principal_ ? principal_->username : "anonymous", request_id_}; }

  // NoSuch(what) — the answer for a missing record — unless the area with this path
  // lies under the caller's node: out-of-jurisdiction records are not told apart from
  // missing ones. `what` is written as the owning service writes it ("case 12",
  // "area '220102000000'").
  Status RequireCovers(std::string_view area_path, std::string_view what) const;
  // PermissionDenied unless the caller's role has the permission.
  Status RequirePermission(std::string_view permission) const;

  // The body as any JSON value, parsed by ParseJson (base/json.h: depth limit, no
  // duplicate keys, positions in errors): Malformed (400) if it is not JSON or the
  // Content-Type is not application/json.
  Result<nlohmann::json> JsonValue() const;
  // The body as a JSON object: as JsonValue, and Malformed if it is not an object.
  Result<nlohmann::json> JsonBody() const;

 private:
  const http::Request& request_;
  std::map<std::string, std::string> params_;
  std::string request_id_;
  std::string client_addr_;
  std::optional<auth::Principal> principal_;
};

// The decoded value of `name` in an application/x-www-form-urlencoded text (a query
// string or a form body), or nullopt if absent; and every name it holds, in order.
std::optional<std::string> FormField(std::string_view encoded, std::string_view name);
std::vector<std::string> FormNames(std::string_view encoded);

// A numeric id in the path parameter `param`: 1–18 digits, at least 1. Anything else
// (too long, not digits, zero) is NoSuch("<what> '<text>'"), since no record has it.
Result<int64_t> IdParam(const Context& ctx, std::string_view param, std::string_view what);

// Reads fields of a JSON object and collects every problem as a field error.
//   FieldReader f(body);
//   std::string name = f.String("name", {.required = true, .max_bytes = 100});
//   TC_RETURN_IF_ERROR(f.Finish({"name", "level"}));  // also rejects unknown fields
class FieldReader {
 public:
  struct StringRule {
    bool required = false;
    size_t max_bytes = 1000;
  };
  explicit FieldReader(const nlohmann::json& object) : object_(object) {}
  std::string String(const std::string& name, StringRule rule);
  std::optional<int64_t> Int(const std::string& name, bool required);
  std::optional<bool> Bool(const std::string& name, bool required);
  // A finite number (integer or not).
  std::optional<double> Number(const std::string& name, bool required);
  // A list of strings, each at most `rule.max_bytes`, at most `max_items` of them.
  std::vector<std::string> StringList(const std::string& name, StringRule rule, size_t max_items);
  // InvalidArgument with every field error seen, including fields not in `allowed`.
  Status Finish(std::initializer_list<std::string_view> allowed);
  Status Finish(std::span<const std::string_view> allowed);

 private:
  const nlohmann::json& object_;
  Status errors_ = InvalidArgument("request body is invalid");
};

// JSON text of a value (full nlohmann header stays in .cc files).
Reply JsonReply(const nlohmann::json& body, int status = 200);

}  // namespace tc::api
