#include "api/router.h"

#include <array>
#include <unordered_map>

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
  const size_t depth = r.segments.size();
  if (by_depth_.size() <= depth) by_depth_.resize(depth + 1);
  by_depth_[depth].all.push_back(routes_.size());
  routes_.push_back(std::move(r));
  Reindex(by_depth_[depth]);
}

void Router::Reindex(Depth& depth) const {
  // The key is the position where every route of this depth has a literal and the
  // literals differ most.
  depth.key.reset();
  depth.by_key.clear();
  const size_t n = routes_[depth.all.front()].segments.size();
  size_t best_distinct = 1;
  for (size_t i = 0; i < n; ++i) {
    std::unordered_map<std::string_view, int> distinct;
    bool all_literal = true;
    for (const size_t index : depth.all) {
      const std::string& seg = routes_[index].segments[i];
      if (IsParam(seg)) {
        all_literal = false;
        break;
      }
      distinct[seg];
    }
    if (all_literal && distinct.size() > best_distinct) {
      best_distinct = distinct.size();
      depth.key = i;
    }
  }
  if (!depth.key) return;
  for (const size_t index : depth.all) depth.by_key[routes_[index].segments[*depth.key]].push_back(index);
}

Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  if (path.empty() || path[0] != '/') return m;
  // The path's segments, as Split() cuts them, without copying them. A path deeper
  // than every route matches none.
  constexpr size_t kMaxDepth = 32;
  std::array<std::string_view, kMaxDepth> segs;
  size_t n = 0;
  for (size_t start = 1; start <= path.size();) {
    if (n == kMaxDepth || n + 1 >= by_depth_.size()) return m;
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segs[n++] = path.substr(start, end - start);
    start = end + 1;
  }
  if (n >= by_depth_.size()) return m;
  const Depth& depth = by_depth_[n];
  const std::vector<size_t>* candidates = &depth.all;
  if (depth.key) {
    const auto it = depth.by_key.find(segs[*depth.key]);
    if (it == depth.by_key.end()) return m;
    candidates = &it->second;
  }
  int best_literals = -1;  // a literal segment beats a parameter: /residents/duplicates over /residents/{id}
  for (const size_t index : *candidates) {
    const Route& r = routes_[index];
    int literals = 0;
    bool ok = true;
    for (size_t i = 0; i < n && ok; ++i) {
      if (IsParam(r.segments[i])) {
        ok = !segs[i].empty();
      } else {
        ok = r.segments[i] == segs[i];
        ++literals;
      }
    }
    if (!ok) continue;
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
    if (!m.route && method_ok) m.route = &r;
  }
  if (m.route) {
    for (size_t i = 0; i < n; ++i) {
      const std::string& seg = m.route->segments[i];
      if (IsParam(seg)) m.params[seg.substr(1, seg.size() - 2)] = std::string(segs[i]);
    }
  }
  return m;
}

}  // namespace tc::api
