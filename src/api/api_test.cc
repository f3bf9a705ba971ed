#include "api/api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "api/context.h"
#include "api/problem.h"
#include "base/crypto.h"
#include "store/testing.h"

namespace tc::api {
namespace {

using nlohmann::json;

class ApiUnit : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    auto s = store::Store::Open("sqlite:" + store::testing::TempSqlitePath("api-unit"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    accounts_ = std::make_unique<auth::Accounts>(*store_, Clock::System(), auth::AccountsOptions{});
    areas_ = std::make_unique<registry::Areas>(*store_, Clock::System());
    residents_ = std::make_unique<registry::Residents>(*store_, Clock::System());
    grids_ = std::make_unique<registry::Grids>(*store_, Clock::System());
    bus_ = std::make_unique<events::Bus>(*store_);
    tracing_ = std::make_unique<tracing::Tracing>(*store_, Clock::System());
    ASSERT_TRUE(tracing_->Start().ok());
    cases_ = std::make_unique<tracing::Cases>(*store_, Clock::System(), *tracing_);
    auto sc = screening::Screening::Open(*store_, Clock::System());
    ASSERT_TRUE(sc.ok()) << sc.status().ToString();
    screening_ = std::move(sc).value();
    auto risk = healthcode::RiskAreas::Open(*store_, Clock::System());
    ASSERT_TRUE(risk.ok()) << risk.status().ToString();
    risk_ = std::move(risk).value();
    auto codes = healthcode::HealthCodes::Open(*store_, Clock::System(), *risk_, *screening_, *tracing_, *cases_);
    ASSERT_TRUE(codes.ok()) << codes.status().ToString();
    codes_ = std::move(codes).value();
    auto keys = healthcode::SigningKeys::Open(*store_, Clock::System());
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    keys_ = std::move(keys).value();
    auto cps = healthcode::Checkpoints::Open(*store_, Clock::System(), *keys_, codes_.get());
    ASSERT_TRUE(cps.ok()) << cps.status().ToString();
    checkpoints_ = std::move(cps).value();
    auto hl = hotline::Hotline::Open(*store_, Clock::System());
    ASSERT_TRUE(hl.ok()) << hl.status().ToString();
    hotline_ = std::move(hl).value();
    auto en = enterprise::Enterprises::Open(*store_, Clock::System(), hotline_.get());
    ASSERT_TRUE(en.ok()) << en.status().ToString();
    enterprises_ = std::move(en).value();
    returns_ = std::make_unique<livelihood::ReturnHomes>(*store_, Clock::System());
    reliefs_ = std::make_unique<livelihood::Reliefs>(*store_, Clock::System());
    quarantines_ = std::make_unique<quarantine::Quarantines>(*store_, Clock::System());
    care_ = std::make_unique<livelihood::CareRoster>(*store_, Clock::System(), GridWorkers(*accounts_));
    supplies_ = std::make_unique<livelihood::SupplyService>(*store_, Clock::System());
    hospitals_ = std::make_unique<quarantine::Hospitals>(*store_, Clock::System());
    api_ = std::make_unique<Api>(ApiDeps{*store_, *accounts_, *areas_, *residents_, *grids_, *tracing_, *cases_,
                                         *screening_, *risk_, *codes_, *keys_, *checkpoints_, *hotline_, *enterprises_,
                                         *returns_, *reliefs_, *quarantines_, *supplies_, *care_, *hospitals_, *bus_,
                                         Clock::System(), "test"});
  }
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<registry::Areas> areas_;
  std::unique_ptr<registry::Residents> residents_;
  std::unique_ptr<registry::Grids> grids_;
  std::unique_ptr<events::Bus> bus_;
  std::unique_ptr<tracing::Tracing> tracing_;
  std::unique_ptr<tracing::Cases> cases_;
  std::unique_ptr<screening::Screening> screening_;
  std::unique_ptr<hotline::Hotline> hotline_;
  std::unique_ptr<enterprise::Enterprises> enterprises_;
  std::unique_ptr<livelihood::ReturnHomes> returns_;
  std::unique_ptr<livelihood::Reliefs> reliefs_;
  std::unique_ptr<quarantine::Quarantines> quarantines_;
  std::unique_ptr<livelihood::SupplyService> supplies_;
  std::unique_ptr<livelihood::CareRoster> care_;
  std::unique_ptr<quarantine::Hospitals> hospitals_;
  std::unique_ptr<healthcode::RiskAreas> risk_;
  std::unique_ptr<healthcode::HealthCodes> codes_;
  std::unique_ptr<healthcode::SigningKeys> keys_;
  std::unique_ptr<healthcode::Checkpoints> checkpoints_;
  std::unique_ptr<Api> api_;
};

TEST_F(ApiUnit, OpenApiDocumentsExactlyTheRoutes) {
  const json doc = json::parse(api_->OpenApiJson());
  std::set<std::pair<std::string, std::string>> routes, documented;
  std::set<std::string> operation_ids;
  const auto perms = auth::AllPermissions();
  for (const Route& r : api_->router().routes()) {
    std::string m = r.method;
    for (auto& c : m) c = static_cast<char>(std::tolower(c));
    routes.insert({m, r.pattern});
    EXPECT_FALSE(r.doc.summary.empty()) << r.pattern;
    EXPECT_FALSE(r.doc.tag.empty()) << r.pattern;
    if (r.doc.access == Access::kPermission) {
      EXPECT_NE(std::find(perms.begin(), perms.end(), r.doc.permission), perms.end())
          << r.pattern << " names unknown permission '" << r.doc.permission << "'";
    }
  }
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      documented.insert({method, path});
      EXPECT_TRUE(operation_ids.insert(op["operationId"].get<std::string>()).second) << op["operationId"];
      EXPECT_TRUE(op["responses"].contains("default")) << path;
    }
  }
  EXPECT_EQ(routes, documented);
}

TEST_F(ApiUnit, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  http::Request req;
  req.method = "DELETE";
  req.path = "/api/v1/health";
  auto r = api_->Handle(req);
  EXPECT_EQ(r.status, 405);
  bool allow = false;
  for (const auto& [k, v] : r.headers) allow = allow || (k == "Allow" && v == "GET");
  EXPECT_TRUE(allow);
  req.method = "GET";
  req.path = "/api/v2/nothing";
  EXPECT_EQ(api_->Handle(req).status, 404);
}

TEST(Router, MatchesParametersAndPrefersExactMethod) {
  Router router;
  router.Add("GET", "/a/{id}", {.summary = "get"}, [](Context&) -> Result<Reply> { return Reply{}; });
  router.Add("PUT", "/a/{id}/mode", {.summary = "put"}, [](Context&) -> Result<Reply> { return Reply{}; });
  auto m = router.Find("GET", "/a/42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params["id"], "42");
  EXPECT_EQ(router.Find("HEAD", "/a/42").route, m.route);
  auto wrong = router.Find("POST", "/a/42/mode");
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_TRUE(wrong.path_exists);
  EXPECT_FALSE(router.Find("GET", "/a/").path_exists);
  router.Add("GET", "/a/special", {.summary = "literal"}, [](Context&) -> Result<Reply> { return Reply{}; });
  auto special = router.Find("GET", "/a/special");
  ASSERT_NE(special.route, nullptr);
  EXPECT_EQ(special.route->doc.summary, "literal");
  EXPECT_EQ(router.Find("GET", "/a/43").route->doc.summary, "get");
  EXPECT_FALSE(router.Find("GET", "/a/1/2").path_exists);
}

// The reference Find: every route, in the order added (what Router::Find did
// before it indexed routes by depth and key segment).
Match ScanAll(const Router& router, std::string_view method, std::string_view path) {
  Match m;
  if (path.empty() || path[0] != '/') return m;
  std::vector<std::string> segs;
  for (size_t start = 1; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segs.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  int best = -1;
  for (const Route& r : router.routes()) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const std::string& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        ok = !segs[i].empty();
        params[p.substr(1, p.size() - 2)] = segs[i];
      } else {
        ok = p == segs[i];
        ++literals;
      }
    }
    if (!ok || literals < best) continue;
    if (literals > best) {
      best = literals;
      m.allowed.clear();
      m.route = nullptr;
    }
    m.path_exists = true;
    m.allowed.push_back(r.method);
    if (!m.route && (r.method == method || (method == "HEAD" && r.method == "GET"))) {
      m.route = &r;
      m.params = params;
    }
  }
  return m;
}

TEST_F(ApiUnit, IndexedRouterFindsWhatAFullScanFindsForEveryRoute) {
  const Router& router = api_->router();
  std::vector<std::string> paths;
  for (const Route& r : router.routes()) {
    std::string concrete, other;
    for (const std::string& seg : r.segments) {
      const bool param = seg.size() > 2 && seg.front() == '{';
      concrete += "/" + (param ? std::string("x1") : seg);
      other += "/" + (param ? seg.substr(1, seg.size() - 2) : seg);  // a literal where a parameter is
    }
    paths.push_back(concrete);
    paths.push_back(other);
    paths.push_back(concrete + "/extra");
    paths.push_back(concrete.substr(0, concrete.rfind('/')) + "/");
  }
  paths.insert(paths.end(), {"/", "/api", "/api/v1", "/api/v1/", "/nothing/here", "//", "/api/v2/health"});
  for (const std::string& path : paths) {
    for (const char* method : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}) {
      const Match want = ScanAll(router, method, path);
      const Match got = router.Find(method, path);
      ASSERT_EQ(got.route, want.route) << method << " " << path;
      if (want.route) {
        EXPECT_EQ(got.params, want.params) << method << " " << path;
      }
      EXPECT_EQ(got.path_exists, want.path_exists) << method << " " << path;
      EXPECT_EQ(got.allowed, want.allowed) << method << " " << path;
    }
  }
}

TEST(Problem, MapsCodesAndListsFieldErrorsAsPointers) {
  Status s = InvalidArgument("bad");
  s.AddFieldError("items[2].name", "is required");
  auto r = ProblemFromStatus(s, "/x", "rid");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.content_type, "application/problem+json");
  const json body = json::parse(r.body);
  EXPECT_EQ(body["errors"][0]["pointer"], "/items/2/name");
  EXPECT_EQ(body["request_id"], "rid");
  EXPECT_EQ(HttpStatusFor(StatusCode::kMalformed), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kResourceExhausted), 429);
  // Internal details are not leaked to the client.
  auto internal = ProblemFromStatus(Internal("SELECT secret FROM x failed"), "/x", "rid");
  EXPECT_EQ(json::parse(internal.body)["detail"].get<std::string>().find("secret"), std::string::npos);
}

// Broke: a throttled login answered 429 without saying when to retry.
TEST(Problem, ThrottledStatusGetsRetryAfterInWholeSecondsRoundedUp) {
  auto r = ProblemFromStatus(ResourceExhausted("too many failed logins; try again in 3 s").SetRetryAfter(2001), "/x",
                             "rid");
  EXPECT_EQ(r.status, 429);
  std::string retry_after;
  for (const auto& [k, v] : r.headers) {
    if (k == "Retry-After") retry_after = v;
  }
  EXPECT_EQ(retry_after, "3");
  const json body = json::parse(r.body);
  EXPECT_EQ(body["retry_after"], 3);
  EXPECT_EQ(body["detail"], "too many failed logins; try again in 3 s");
  // Without a known wait there is no header.
  for (const auto& [k, v] : ProblemFromStatus(ResourceExhausted("over a limit"), "/x", "rid").headers) {
    EXPECT_NE(k, "Retry-After");
  }
}

TEST(FieldReader, CollectsTypeRequiredAndUnknownFieldErrors) {
  const json body = {{"name", 5}, {"flag", "yes"}, {"extra", 1}};
  FieldReader f(body);
  f.String("name", {.required = true});
  f.String("code", {.required = true});
  f.Bool("flag", false);
  Status s = f.Finish({"name", "code", "flag"});
  ASSERT_FALSE(s.ok());
  std::set<std::string> fields;
  for (const auto& fe : s.field_errors()) fields.insert(fe.field);
  EXPECT_EQ(fields, (std::set<std::string>{"name", "code", "flag", "extra"}));
}

TEST(ContextQuery, DecodesPercentAndPlus) {
  http::Request req;
  req.query = "q=%E9%95%BF%E6%98%A5+x&limit=5&empty";
  Context ctx(req, {}, "r");
  EXPECT_EQ(ctx.Query("q").value(), "长春 x");
  EXPECT_EQ(ctx.QueryInt("limit", 1, 1, 10).value(), 5);
  EXPECT_FALSE(ctx.QueryInt("limit", 1, 1, 4).ok());
  EXPECT_EQ(ctx.Query("empty").value(), "");
  EXPECT_FALSE(ctx.Query("missing").has_value());
}

}  // namespace
}  // namespace tc::api
