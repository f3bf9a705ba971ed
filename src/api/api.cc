#include "api/api.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/problem.h"
#include "base/crypto.h"

namespace tc::api {
namespace {

bool IsGoodRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

std::string_view BearerToken(const http::Request& r) {
  std::string_view h = r.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (h.size() > kBearer.size() && h.substr(0, kBearer.size()) == kBearer) return h.substr(kBearer.size());
  return {};
}

http::Response ToResponse(Reply reply) {
  http::Response r;
  r.status = reply.status;
  r.body = std::move(reply.body);
  r.content_type = std::move(reply.content_type);
  r.headers = std::move(reply.headers);
  return r;
}

// A fresh request id: 16 hex digits from a per-thread SplitMix64 sequence seeded
// from the system's random source once per thread. Ids tell requests apart in logs
// and problem bodies; they are not secrets, so no system call per request.
std::string NewRequestId() {
  thread_local uint64_t state = std::stoull(RandomHex(8), nullptr, 16);
  state += 0x9e3779b97f4a7c15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, z >>= 4) id[i] = kHex[z & 0xf];
  return id;
}

void LogAccess(const http::Request& req, std::string_view client, const http::Response& resp,
               std::string_view request_id, std::string_view user, double ms) {
  auto logger = spdlog::get("access");
  if (!logger) return;  // --access-log off: no line to build
  nlohmann::json line = {{"ts", FormatShanghai(NowMillis())},
                         {"request_id", request_id},
                         {"remote", client},
                         {"method", req.method},
                         {"path", req.path},
                         {"status", resp.status},
                         {"bytes", resp.body.size()},
                         {"ms", std::round(ms * 100) / 100},
                         {"user", user}};
  if (client != req.remote_addr) line["peer"] = req.remote_addr;  // the trusted proxy it came through
  logger->info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

Api::Api(ApiDeps deps) : deps_(std::move(deps)), static_files_(deps_.web_root) {
  AddSystemRoutes();
  AddAuthRoutes();
  AddUserRoutes();
  AddAreaRoutes();
  AddAuditRoutes();
  AddResidentRoutes();
  AddGridRoutes();
  AddVenueRoutes();
  AddCheckinRoutes();
  AddTracingRoutes();
  AddCaseRoutes();
  AddContactRoutes();
  AddEpidemicRoutes();
  AddTestingRoutes();
  AddHealthCodeRoutes();
  AddCheckpointRoutes();
  AddHotlineRoutes();
  AddOpen311Routes();
  AddEnterpriseRoutes();
  AddLivelihoodRoutes();
  AddQuarantineRoutes();
  AddSuppliesRoutes();
  AddCareRoutes();
  AddHospitalRoutes();
  openapi_ = OpenApiJson();
}

http::Response Api::Handle(const http::Request& req) {
  const auto started = std::chrono::steady_clock::now();
  const std::string request_id =
      IsGoodRequestId(req.Header("x-request-id")) ? std::string(req.Header("x-request-id")) : NewRequestId();
  const std::string client = ClientAddress(deps_.trusted_proxies, req);
  std::string user = "-";
  http::Response resp = [&]() -> http::Response {
    const bool open311 = req.path.starts_with("/open311/");
    if (!req.path.starts_with("/api/") && !open311 && static_files_.enabled()) return *static_files_.Serve(req);
    Match m = router_.Find(req.method, req.path);
    if (!m.route && open311) {  // GeoReport's own error shape, not problem+json
      http::Response r;
      r.status = 404;
      r.content_type = "application/json; charset=utf-8";
      r.body = nlohmann::json::array({{{"code", 404}, {"description", "no such Open311 resource: " + req.path}}}).dump();
      return r;
    }
    if (!m.route) {
      if (m.path_exists) {
        std::string allow;
        for (const auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
        auto r = ProblemResponse(405, "method " + req.method + " is not allowed here (allowed: " + allow + ")",
                                 req.path, request_id);
        r.headers.emplace_back("Allow", allow);
        return r;
      }
      return ProblemResponse(404, "no such endpoint: " + req.path + " (see /api/v1/openapi.json)", req.path,
                             request_id);
    }
    const Route& route = *m.route;
    Context ctx(req, std::move(m.params), request_id, client);
    if (route.doc.access != Access::kPublic) {
      const std::string_view token = BearerToken(req);
      if (token.empty()) {
        return ProblemResponse(401, "this endpoint needs 'Authorization: Bearer <token>' (POST /api/v1/auth/login)",
                               req.path, request_id);
      }
      auto principal = deps_.accounts.Authenticate(token);
      if (!principal.ok()) return ProblemFromStatus(principal.status(), req.path, request_id);
      user = principal->username;
      ctx.set_principal(std::move(principal).value());
      if (route.doc.access == Access::kPermission) {
        Status s = ctx.RequirePermission(route.doc.permission);
        if (!s.ok()) return ProblemFromStatus(s, req.path, request_id);
      }
    }
    Result<Reply> reply = [&]() -> Result<Reply> {
      try {
        return route.handler(ctx);
      } catch (const std::exception& e) {
        return Internal(std::string("handler threw: ") + e.what());
      }
    }();
    if (!reply.ok()) {
      if (reply.status().code() == StatusCode::kInternal || reply.status().code() == StatusCode::kUnavailable) {
        spdlog::error("request {} {} {} failed: {}", request_id, req.method, req.path, reply.status().ToString());
      }
      return ProblemFromStatus(reply.status(), req.path, request_id);
    }
    if (req.method != "GET" && req.method != "HEAD") {
      // The write committed; hand its events to in-process subscribers now.
      Status s = deps_.bus.Deliver();
      if (!s.ok()) spdlog::warn("event delivery after {} {}: {}", req.method, req.path, s.ToString());
    }
    return ToResponse(std::move(reply).value());
  }();
  resp.headers.emplace_back("X-Request-Id", request_id);
  bool has_cache_control = false;
  for (const auto& [k, v] : resp.headers) has_cache_control = has_cache_control || k == "Cache-Control";
  if (!has_cache_control) resp.headers.emplace_back("Cache-Control", "no-store");
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  LogAccess(req, client, resp, request_id, user, ms);
  return resp;
}

Result<registry::Area> Api::CoveredArea(const Context& ctx, std::string_view code, std::string_view field) const {
  auto area = deps_.areas.Get(code);
  // Outside the caller's node answers exactly as a missing area.
  if (area.ok() && !ctx.principal().Covers(area->path)) area = NoSuch("area '" + std::string(code) + "'");
  if (!area.ok()) {
    if (!field.empty() && area.status().code() == StatusCode::kNotFound) {
      return FieldInvalid(std::string(field), area.status().message());
    }
    return area.status();
  }
  return area;
}

http::Response Api::RenderServerError(const http::Request& partial, int status, std::string detail) {
  const std::string request_id = NewRequestId();
  http::Response resp = ProblemResponse(status, detail, partial.path.empty() ? partial.target : partial.path,
                                        request_id);
  resp.headers.emplace_back("X-Request-Id", request_id);
  LogAccess(partial, ClientAddress(deps_.trusted_proxies, partial), resp, request_id, "-", 0);
  return resp;
}

}  // namespace tc::api
