#include "api/router.h"

namespace tc::api {
namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsParam(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

void Router::Add(std::string method, std::string pattern, RouteDoc doc, HandlerFn handler) {
  Route r{std::move(method), std::move(pattern), {}, std::move(doc), std::move(handler)};
  r.segments = Split(r.pattern);
  routes_.push_back(std::move(r));
}

Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  if (path.empty() || path[0] != '/') return m;
  const auto segs = Split(path);
  int best_literals = -1;  // a literal segment beats a parameter: /residents/duplicates over /residents/{id}
  for (const Route& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      if (IsParam(r.segments[i])) {
        if (segs[i].empty()) ok = false;
        else params[r.segments[i].substr(1, r.segments[i].size() - 2)] = segs[i];
      } else if (r.segments[i] != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    const int literals = static_cast<int>(segs.size() - params.size());
    const bool head_as_get = method == "HEAD" && r.method == "GET";
    const bool method_ok = r.method == method || head_as_get;
    if (literals < best_literals) continue;
    if (literals > best_literals) {
      // A more specific path: only its methods count for 405/Allow.
      best_literals = literals;
      m.allowed.clear();
      m.route = nullptr;
    }
    m.path_exists = true;
    m.allowed.push_back(r.method);
    if (!m.route && method_ok) {
      m.route = &r;
      m.params = std::move(params);
    }
  }
  return m;
}

}  // namespace tc::api
