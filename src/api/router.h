// Routes of the HTTP API: method + path pattern ("/api/v1/areas/{code}") → handler,
// with the documentation the OpenAPI document is generated from, and the access
// policy the dispatcher enforces before the handler runs (public, any logged-in
// user, or a named permission). Not thread-safe to modify; Match() is const and
// safe to call concurrently once routes are added at start.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace tc::api {

class Context;

// What a handler returns on success: a status and a body (JSON unless said otherwise).
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

using HandlerFn = std::function<Result<Reply>(Context&)>;

struct ParamDoc {
  std::string name;
  std::string description;
  std::string type = "string";  // OpenAPI schema type
  bool required = false;
};

enum class Access {
  kPublic,      // no token needed
  kLoggedIn,    // any valid token
  kPermission,  // a valid token whose role has `permission`
};

struct RouteDoc {
  std::string summary;
  std::string tag;
  Access access = Access::kPermission;
  std::string permission;            // with kPermission
  std::vector<ParamDoc> query;       // query parameters
  std::string request_schema;        // JSON Schema text of the body ("" = no body)
  std::string response_schema;       // JSON Schema text of the 2xx body ("" = none documented)
  int success_status = 200;
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;  // pattern split on '/', "{name}" for parameters
  RouteDoc doc;
  HandlerFn handler;
};

struct Match {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  bool path_exists = false;  // some route has this path with another method (→ 405)
  std::vector<std::string> allowed;  // methods for this path
};

class Router {
 public:
  void Add(std::string method, std::string pattern, RouteDoc doc, HandlerFn handler);
  Match Find(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  // Routes of one depth (segment count). Find() only looks at routes as deep as the
  // path, and, when every one of them has a literal at position `key`, only at those
  // whose literal there is the path's segment.
  struct Depth {
    std::vector<size_t> all;  // indices into routes_, in the order added
    std::optional<size_t> key;
    struct Hash {
      using is_transparent = void;
      size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    // literal at `key` → indices, in the order added
    std::unordered_map<std::string, std::vector<size_t>, Hash, std::equal_to<>> by_key;
  };
  void Reindex(Depth& depth) const;

  std::vector<Route> routes_;
  std::vector<Depth> by_depth_;
};

}  // namespace tc::api
