// The HTTP API of Tongchou: one dispatcher in front of every module's routes.
// For each request it resolves the client address (client_address.h: the peer, or
// behind a trusted proxy the forwarded client), assigns a request id, finds the route (404/405), enforces
// the route's access policy (401 without a live token, 403 without the permission),
// runs the handler, maps a non-ok Status to RFC 9457 problem+json (one place:
// problem.cc), delivers committed domain events after writes, and writes one
// structured access-log line. Thread-safe once constructed.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <memory>
#include <string>

#include "api/client_address.h"
#include "api/context.h"
#include "api/router.h"
#include "api/static_files.h"
#include "auth/accounts.h"
#include "base/time.h"
#include "events/events.h"
#include "healthcode/checkpoints.h"
#include "healthcode/codes.h"
#include "healthcode/keys.h"
#include "healthcode/risk.h"
#include "hotline/hotline.h"
#include "enterprise/enterprises.h"
#include "livelihood/care.h"
#include "livelihood/reliefs.h"
#include "livelihood/returns.h"
#include "quarantine/quarantines.h"
#include "livelihood/supply_service.h"
#include "quarantine/hospitals.h"
#include "http/server.h"
#include "registry/areas.h"
#include "registry/grid.h"
#include "registry/residents.h"
#include "screening/screening.h"
#include "store/store.h"
#include "tracing/cases.h"
#include "tracing/service.h"

namespace tc::api {

struct ApiDeps {
  store::Store& store;
  auth::Accounts& accounts;
  registry::Areas& areas;
  registry::Residents& residents;
  registry::Grids& grids;
  tracing::Tracing& tracing;
  tracing::Cases& cases;
  screening::Screening& screening;
  healthcode::RiskAreas& risk;
  healthcode::HealthCodes& codes;
  healthcode::SigningKeys& keys;
  healthcode::Checkpoints& checkpoints;
  hotline::Hotline& hotline;
  enterprise::Enterprises& enterprises;
  livelihood::ReturnHomes& returns;
  livelihood::Reliefs& reliefs;
  quarantine::Quarantines& quarantines;
  livelihood::SupplyService& supplies;
  livelihood::CareRoster& care;
  quarantine::Hospitals& hospitals;
  events::Bus& bus;
  const Clock& clock;
  std::string version;  // build version, shown by /health
  std::string web_root = "";  // built console to serve outside /api/ ("" = none)
  TrustedProxies trusted_proxies = {};  // peers whose X-Forwarded-For names the client
};

// The special-care roster's callers: the enabled grid_worker accounts of the city.
livelihood::CareWorkerSource GridWorkers(auth::Accounts& accounts);

class Api {
 public:
  explicit Api(ApiDeps deps);
  http::Response Handle(const http::Request& request);
  // For errors the HTTP server detects before routing (400/413/431).
  http::Response RenderServerError(const http::Request& partial, int status, std::string detail);
  const Router& router() const { return router_; }
  // The OpenAPI 3.0 document of every route.
  std::string OpenApiJson() const;

 private:
  // The area with this code if it lies in the caller's jurisdiction: NotFound
  // (or, with `field`, InvalidArgument naming that request field), else
  // PermissionDenied outside the caller's node.
  Result<registry::Area> CoveredArea(const Context& ctx, std::string_view code, std::string_view field = {}) const;

  void AddSystemRoutes();
  void AddAuthRoutes();
  void AddUserRoutes();
  void AddAreaRoutes();
  void AddAuditRoutes();
  void AddResidentRoutes();
  void AddGridRoutes();
  void AddVenueRoutes();
  void AddCheckinRoutes();
  void AddTracingRoutes();
  void AddCaseRoutes();
  void AddContactRoutes();
  void AddEpidemicRoutes();
  void AddTestingRoutes();
  void AddHealthCodeRoutes();
  void AddCheckpointRoutes();
  void AddHotlineRoutes();
  void AddOpen311Routes();
  void AddEnterpriseRoutes();
  void AddLivelihoodRoutes();
  void AddQuarantineRoutes();
  void AddSuppliesRoutes();
  void AddCareRoutes();
  void AddHospitalRoutes();

  ApiDeps deps_;
  Router router_;
  StaticFiles static_files_;
  std::string openapi_;  // built once after all routes are added
};

}  // namespace tc::api
