// Mass testing (核酸检测): sites, labs, rounds, scans, tubes, results, coverage, the
// door-knocking list, follow-ups, a person's results and the pooling planner. A
// sampler scans only at the sites whose staff list names them and sees only those
// sites' tubes; everyone else works under their node (docs/mass-testing.md).
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "api/api.h"
#include "api/context.h"
#include "api/export.h"
#include "api/tracing_common.h"
#include "auth/roles.h"
#include "registry/id_number.h"
#include "screening/planning.h"
#include "screening/screening.h"
#include "screening/stream.h"

namespace tc::api {

using nlohmann::json;

namespace {

constexpr size_t kMaxLinesPerRequest = 200'000;

json SiteJson(const screening::Site& s) {
  return {{"id", s.id},       {"code", s.code},       {"name", s.name},         {"area_code", s.area_code},
          {"address", s.address}, {"hours", s.hours}, {"lanes", s.lanes},       {"per_hour", s.per_hour},
          {"staff", s.staff}, {"created_at", FormatShanghai(s.created_at)}};
}

json LabJson(const screening::Lab& l) {
  return {{"id", l.id},
          {"code", l.code},
          {"name", l.name},
          {"address", l.address},
          {"capacity_per_day", l.capacity_per_day},
          {"created_at", FormatShanghai(l.created_at)}};
}

json RoundJson(const screening::Round& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"areas", r.area_codes},
          {"starts_on", r.starts_on},
          {"ends_on", r.ends_on},
          {"pool_size", r.pool_size},
          {"due", r.due},
          {"status", r.status},
          {"due_count", r.due_count},
          {"exempt_count", r.exempt_count},
          {"created_by", r.created_by},
          {"created_at", FormatShanghai(r.created_at)},
          {"closed_at", r.closed_at ? json(FormatShanghai(r.closed_at)) : json(nullptr)}};
}

json CoverageJson(const screening::Coverage& c) {
  return {{"area_code", c.area_code}, {"name", c.name},         {"level", c.level},
          {"due", c.due},             {"exempt", c.exempt},     {"sampled", c.sampled},
          {"resulted", c.resulted},   {"not_sampled", c.not_sampled}, {"extra", c.extra},
          {"positive_tubes", c.positive_tubes}};
}

json TubeBriefJson(const screening::TubeBrief& t) {
  return {{"barcode", t.barcode}, {"members", t.members}, {"capacity", t.capacity}, {"closed", t.closed}};
}

json ErrorsJson(const std::vector<screening::LineError>& errors) {
  json out = json::array();
  for (const auto& e : errors) out.push_back({{"line", e.line}, {"field", e.field}, {"message", e.message}});
  return out;
}

json TimeOrNull(Millis t) { return t ? json(FormatShanghai(t)) : json(nullptr); }

json FollowupJson(const screening::Followup& f) {
  return {{"id", f.id},
          {"round_id", f.round_id},
          {"tube", f.tube},
          {"reason", f.reason},
          {"resident_id", f.person_id},
          {"building_code", f.building_code},
          {"unit_code", f.unit_code},
          {"status", f.status},
          {"isolation", f.isolation},
          {"retest_tube", f.retest_tube},
          {"outcome", f.outcome},
          {"created_at", FormatShanghai(f.created_at)},
          {"updated_at", FormatShanghai(f.updated_at)}};
}

json PersonResultsJson(const std::vector<screening::PersonResult>& results) {
  json items = json::array();
  for (const auto& r : results) {
    items.push_back({{"round_id", r.round_id},
                     {"round", r.round_name},
                     {"tube", r.tube},
                     {"kind", r.kind},
                     {"sampled_at", TimeOrNull(r.sampled_at)},
                     {"result", r.result.empty() ? json(nullptr) : json(r.result)},
                     {"resulted_at", TimeOrNull(r.resulted_at)}});
  }
  return {{"items", items}};
}

bool OnStaff(const screening::Site& s, const std::string& username) {
  return std::find(s.staff.begin(), s.staff.end(), username) != s.staff.end();
}

// Samplers work at the sites that name them; other roles at sites under their node.
Status MayWorkAt(const Context& ctx, const screening::Site& s) {
  if (OnStaff(s, ctx.principal().username)) return Status::Ok();
  if (ctx.principal().role != auth::Role::kSampler && ctx.principal().Covers(s.area_path)) return Status::Ok();
  return PermissionDenied(ctx.principal().username + " does not work at test site " + s.code);
}

// The body of a bulk request as lines: NDJSON or CSV by Content-Type.
Result<screening::LineFormat> LineFormatOf(const Context& ctx) {
  const std::string_view ct = ctx.request().Header("content-type");
  if (ct.starts_with("application/x-ndjson")) return screening::LineFormat::kNdjson;
  if (ct.starts_with("text/csv") || ct.starts_with("application/csv")) return screening::LineFormat::kCsv;
  return Malformed("Content-Type must be application/x-ndjson or text/csv (got '" + std::string(ct) + "')");
}

Result<int64_t> RoundParam(const Context& ctx, screening::Screening& s) {
  TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "testing round"));
  TC_RETURN_IF_ERROR(s.GetRound(id).status());
  return id;
}

}  // namespace

void Api::AddTestingRoutes() {
  using namespace auth::perm;
  screening::Screening& sc = deps_.screening;
  const std::string read(kTestingRead), manage(kTestingManage), sample(kTestingSample), result(kTestingResult);

  // ---- Planning ----
  router_.Add("GET", "/api/v1/testing/plan",
              {.summary = "Dorfman pooling plan for a prevalence: best pool size, tests per person, people a day "
                          "and days for the whole city from the labs' capacity",
               .tag = "testing",
               .access = Access::kLoggedIn,
               .query = {{"prevalence", "share infected, 0–1 (0.001 = 0.1 %)", "number", true},
                         {"max_pool", "largest pool size, 1–20 (default 20)", "integer"},
                         {"capacity", "lab tests a day (default: the labs' total)", "integer"},
                         {"population", "people to test (default: the city's residents)", "integer"}}},
              [&sc](Context& ctx) -> Result<Reply> {
                auto text = ctx.Query("prevalence");
                if (!text) return FieldInvalid("prevalence", "is required (a share between 0 and 1)");
                double p = 0;
                try {
                  size_t used = 0;
                  p = std::stod(*text, &used);
                  if (used != text->size()) throw std::invalid_argument(*text);
                } catch (const std::exception&) {
                  return FieldInvalid("prevalence", "'" + *text + "' is not a number");
                }
                TC_ASSIGN_OR_RETURN(int64_t max_pool, ctx.QueryInt("max_pool", screening::kMaxPoolSize, 1,
                                                                   screening::kMaxPoolSize));
                int64_t labs_total = 0;
                TC_ASSIGN_OR_RETURN(auto labs, sc.Labs());
                for (const auto& l : labs) labs_total += l.capacity_per_day;
                TC_ASSIGN_OR_RETURN(int64_t capacity, ctx.QueryInt("capacity", labs_total, 0, INT64_MAX / 4));
                TC_ASSIGN_OR_RETURN(int64_t population,
                                    ctx.QueryInt("population", sc.PeopleLoaded(), 0, INT64_MAX / 4));
                TC_ASSIGN_OR_RETURN(auto plan, screening::PlanCity(p, static_cast<int>(max_pool), capacity, population));
                json curve = json::array();
                for (size_t k = 0; k < plan.curve.size(); ++k) {
                  curve.push_back({{"k", k + 1}, {"tests_per_person", plan.curve[k]}});
                }
                return JsonReply({{"prevalence", p},
                                  {"best_pool_size", plan.choice.k},
                                  {"tests_per_person", plan.choice.tests_per_person},
                                  {"individual_wins", plan.choice.individual_wins},
                                  {"curve", curve},
                                  {"lab_tests_per_day", plan.lab_tests_per_day},
                                  {"people_per_day", plan.people_per_day},
                                  {"population", plan.population},
                                  {"days_for_city", plan.days_for_city}});
              });

  // ---- Sites and labs ----
  router_.Add("GET", "/api/v1/testing/sites",
              {.summary = "Test sites under your node (a sampler: the sites that name them)",
               .tag = "testing",
               .access = Access::kLoggedIn},
              [&sc, read, sample](Context& ctx) -> Result<Reply> {
                const auto& p = ctx.principal();
                if (!p.Can(read) && !p.Can(sample)) return PermissionDenied("needs testing.read or testing.sample");
                TC_ASSIGN_OR_RETURN(auto sites, sc.Sites(p.role == auth::Role::kSampler ? "/" : p.area_path));
                json items = json::array();
                for (const auto& s : sites) {
                  if (p.role == auth::Role::kSampler && !OnStaff(s, p.username)) continue;
                  items.push_back(SiteJson(s));
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("POST", "/api/v1/testing/sites",
              {.summary = "Set up a test site (采样点) under your node",
               .tag = "testing",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["code","name","area","hours","lanes","per_hour"],
                 "additionalProperties":false,"properties":{"code":{"type":"string"},"name":{"type":"string"},
                 "area":{"type":"string"},"address":{"type":"string"},"hours":{"type":"string"},
                 "lanes":{"type":"integer"},"per_hour":{"type":"integer"},
                 "staff":{"type":"array","items":{"type":"string"}}}})",
               .success_status = 201},
              [this, &sc](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                screening::Site s;
                s.code = f.String("code", {.required = true, .max_bytes = 32});
                s.name = f.String("name", {.required = true, .max_bytes = 200});
                s.area_code = f.String("area", {.required = true, .max_bytes = 64});
                s.address = f.String("address", {.max_bytes = 400});
                s.hours = f.String("hours", {.required = true, .max_bytes = 11});
                s.lanes = static_cast<int>(f.Int("lanes", true).value_or(0));
                s.per_hour = static_cast<int>(f.Int("per_hour", true).value_or(0));
                if (body.contains("staff")) {
                  if (!body["staff"].is_array()) return FieldInvalid("staff", "a list of usernames");
                  for (const auto& u : body["staff"]) {
                    if (!u.is_string()) return FieldInvalid("staff", "a list of usernames");
                    s.staff.push_back(u.get<std::string>());
                  }
                }
                TC_RETURN_IF_ERROR(f.Finish({"code", "name", "area", "address", "hours", "lanes", "per_hour", "staff"}));
                TC_RETURN_IF_ERROR(CoveredArea(ctx, s.area_code, "area").status());
                TC_ASSIGN_OR_RETURN(auto created, sc.CreateSite(s, ctx.actor()));
                return JsonReply(SiteJson(created), 201);
              });
  router_.Add("PUT", "/api/v1/testing/sites/{code}/staff",
              {.summary = "Who may scan at a test site (usernames)",
               .tag = "testing",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["usernames"],"additionalProperties":false,
                 "properties":{"usernames":{"type":"array","items":{"type":"string"}}}})"},
              [&sc](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto site, sc.SiteByCode(ctx.Param("code")));
                if (!ctx.principal().Covers(site.area_path)) return NoSuch("test site " + site.code);
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                if (!body.contains("usernames") || !body["usernames"].is_array() || body.size() != 1) {
                  return FieldInvalid("usernames", "a list of usernames is the only field");
                }
                std::vector<std::string> names;
                for (const auto& u : body["usernames"]) {
                  if (!u.is_string()) return FieldInvalid("usernames", "a list of usernames");
                  names.push_back(u.get<std::string>());
                }
                TC_ASSIGN_OR_RETURN(auto updated, sc.SetSiteStaff(site.code, names, ctx.actor()));
                return JsonReply(SiteJson(updated));
              });
  router_.Add("GET", "/api/v1/testing/labs",
              {.summary = "Labs (检测机构) and their daily capacity", .tag = "testing", .access = Access::kLoggedIn},
              [&sc, read, result, sample](Context& ctx) -> Result<Reply> {
                const auto& p = ctx.principal();
                if (!p.Can(read) && !p.Can(result) && !p.Can(sample)) {
                  return PermissionDenied("needs testing.read, testing.result or testing.sample");
                }
                TC_ASSIGN_OR_RETURN(auto labs, sc.Labs());
                json items = json::array();
                for (const auto& l : labs) items.push_back(LabJson(l));
                return JsonReply({{"items", items}});
              });
  router_.Add("POST", "/api/v1/testing/labs",
              {.summary = "Register a lab with its daily capacity (tubes a day)",
               .tag = "testing",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["code","name","capacity_per_day"],
                 "additionalProperties":false,"properties":{"code":{"type":"string"},"name":{"type":"string"},
                 "address":{"type":"string"},"capacity_per_day":{"type":"integer"}}})",
               .success_status = 201},
              [&sc](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                screening::Lab l;
                l.code = f.String("code", {.required = true, .max_bytes = 32});
                l.name = f.String("name", {.required = true, .max_bytes = 200});
                l.address = f.String("address", {.max_bytes = 400});
                l.capacity_per_day = f.Int("capacity_per_day", true).value_or(0);
                TC_RETURN_IF_ERROR(f.Finish({"code", "name", "address", "capacity_per_day"}));
                TC_ASSIGN_OR_RETURN(auto created, sc.CreateLab(l, ctx.actor()));
                return JsonReply(LabJson(created), 201);
              });

  // ---- Rounds ----
  router_.Add("GET", "/api/v1/testing/rounds",
              {.summary = "Testing rounds, newest first", .tag = "testing", .access = Access::kLoggedIn},
              [&sc, read, sample](Context& ctx) -> Result<Reply> {
                if (!ctx.principal().Can(read) && !ctx.principal().Can(sample)) {
                  return PermissionDenied("needs testing.read or testing.sample");
                }
                TC_ASSIGN_OR_RETURN(auto rounds, sc.Rounds());
                json items = json::array();
                for (const auto& r : rounds) items.push_back(RoundJson(r));
                return JsonReply({{"items", items}});
              });
  router_.Add("POST", "/api/v1/testing/rounds",
              {.summary = "Start a round: areas, dates, pool size, who is due (residents, or a contact tier)",
               .tag = "testing",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["name","areas","starts_on","ends_on"],
                 "additionalProperties":false,"properties":{"name":{"type":"string"},
                 "areas":{"type":"array","items":{"type":"string"}},"starts_on":{"type":"string"},
                 "ends_on":{"type":"string"},"pool_size":{"type":"integer","minimum":1,"maximum":20},
                 "due":{"type":"string","enum":["residents","close","secondary","exposed"]}}})",
               .success_status = 201},
              [this, &sc](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                screening::NewRound r;
                r.name = f.String("name", {.required = true, .max_bytes = 200});
                r.starts_on = f.String("starts_on", {.required = true, .max_bytes = 10});
                r.ends_on = f.String("ends_on", {.required = true, .max_bytes = 10});
                r.pool_size = static_cast<int>(f.Int("pool_size", false).value_or(10));
                r.due = f.String("due", {.max_bytes = 20});
                if (r.due.empty()) r.due = "residents";
                if (!body.contains("areas") || !body["areas"].is_array()) {
                  return FieldInvalid("areas", "a list of area codes is required");
                }
                for (const auto& a : body["areas"]) {
                  if (!a.is_string()) return FieldInvalid("areas", "a list of area codes");
                  r.area_codes.push_back(a.get<std::string>());
                }
                TC_RETURN_IF_ERROR(f.Finish({"name", "areas", "starts_on", "ends_on", "pool_size", "due"}));
                for (const auto& code : r.area_codes) TC_RETURN_IF_ERROR(CoveredArea(ctx, code, "areas").status());
                std::vector<int64_t> people;
                if (r.due != "residents") {
                  tracing::ContactListQuery q;
                  q.ring = r.due;
                  q.limit = 1000;
                  for (;;) {
                    TC_ASSIGN_OR_RETURN(auto page, deps_.cases.Contacts(q));
                    for (const auto& c : page) people.push_back(c.resident_id);
                    if (page.size() < 1000) break;
                    q.after_id = page.back().id;
                  }
                }
                TC_ASSIGN_OR_RETURN(auto created, sc.CreateRound(r, people, ctx.actor()));
                return JsonReply(RoundJson(created), 201);
              });
  router_.Add("GET", "/api/v1/testing/rounds/{id}",
              {.summary = "A round and its progress: coverage of your node, sampled and resulted per day, each "
                          "site's load against its capacity, tubes",
               .tag = "testing",
               .permission = read},
              [&sc](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, RoundParam(ctx, sc));
                TC_ASSIGN_OR_RETURN(auto p, sc.Progress(id));
                TC_ASSIGN_OR_RETURN(auto mine, sc.CoverageOf(id, ctx.principal().area_code));
                json days = json::array();
                for (const auto& d : p.days) days.push_back({{"date", d.date}, {"sampled", d.sampled}, {"resulted", d.resulted}});
                json sites = json::array();
                for (const auto& s : p.sites) {
                  sites.push_back({{"site", s.site_code},
                                   {"name", s.name},
                                   {"capacity_per_day", s.capacity_per_day},
                                   {"sampled", s.sampled},
                                   {"tubes", s.tubes},
                                   {"open_tubes", s.open_tubes}});
                }
                json out = RoundJson(p.round);
                out["coverage"] = CoverageJson(mine.node);
                out["days"] = days;
                out["sites"] = sites;
                out["tubes"] = {{"total", p.tubes},
                                {"closed", p.tubes_closed},
                                {"shipped", p.tubes_shipped},
                                {"resulted", p.tubes_resulted},
                                {"positive", p.positive_tubes}};
                return JsonReply(out);
              });
  router_.Add("POST", "/api/v1/testing/rounds/{id}/close",
              {.summary = "Close a round (no more scans)", .tag = "testing", .permission = manage},
              [&sc](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, RoundParam(ctx, sc));
                TC_ASSIGN_OR_RETURN(auto r, sc.CloseRound(id, ctx.actor()));
                return JsonReply(RoundJson(r));
              });

  // ---- Scans ----
  // Scans whose site the caller may not work at become line errors; the rest are registered.
  auto register_scans = [&sc](Context& ctx, std::vector<screening::Scan> scans,
                              std::vector<screening::LineError> errors) -> screening::ScanReport {
    std::map<std::string, Status> allowed;
    std::vector<screening::Scan> ok;
    for (auto& s : scans) {
      auto it = allowed.find(s.site_code);
      if (it == allowed.end()) {
        auto site = sc.SiteByCode(s.site_code);
        it = allowed.emplace(s.site_code, site.ok() ? MayWorkAt(ctx, *site) : Status::Ok()).first;
      }
      if (it->second.ok()) {
        ok.push_back(std::move(s));
      } else {
        errors.push_back({s.line, "site", it->second.message()});
      }
    }
    // Registered as a sampler does: the staff check already passed above.
    screening::ScanReport report = sc.Register(ok, ctx.principal().username, true, ctx.actor());
    report.received += static_cast<int64_t>(errors.size());
    report.rejected += static_cast<int64_t>(errors.size());
    for (auto& e : errors) report.errors.push_back(std::move(e));
    std::stable_sort(report.errors.begin(), report.errors.end(),
                     [](const auto& a, const auto& b) { return a.line < b.line; });
    return report;
  };
  router_.Add("POST", "/api/v1/testing/rounds/{id}/samples",
              {.summary = "Scan one person onto a tube at a site: registered, already (the same tube), or an error "
                          "naming the field (409 with the tube when sampled on another tube of the round)",
               .tag = "testing",
               .permission = sample,
               .request_schema = R"({"type":"object","required":["site","tube"],"additionalProperties":false,
                 "properties":{"site":{"type":"string"},"tube":{"type":"string"},"id_number":{"type":"string"},
                 "person_id":{"type":"integer"},"at":{"type":"string"},"retest":{"type":"boolean"},
                 "close":{"type":"boolean"}}})",
               .success_status = 201},
              [&sc, register_scans](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, RoundParam(ctx, sc));
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                auto parsed = screening::ScanFromJson(body, id);
                auto report = register_scans(ctx, std::move(parsed.records), std::move(parsed.errors));
                if (!report.status.ok()) return report.status;
                if (!report.errors.empty()) {
                  const auto& e = report.errors[0];
                  const bool conflict = e.message.find("already") != std::string::npos;
                  Status s = conflict ? Conflict(e.message) : InvalidArgument(e.message);
                  s.AddFieldError(e.field.empty() ? "body" : e.field, e.message);
                  return s;
                }
                const auto& o = report.outcomes.at(0);
                return JsonReply({{"result", o.result}, {"tube", TubeBriefJson(o.tube)}, {"resident_id", o.person_id}},
                                 o.result == "registered" ? 201 : 200);
              });
  router_.Add("POST", "/api/v1/testing/rounds/{id}/samples/bulk",
              {.summary = "Scans as NDJSON (application/x-ndjson) or CSV (text/csv): per-line results; a resent "
                          "batch answers 'already' for every line and changes nothing",
               .tag = "testing",
               .permission = sample},
              [&sc, register_scans](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, RoundParam(ctx, sc));
                TC_ASSIGN_OR_RETURN(auto format, LineFormatOf(ctx));
                std::istringstream in(ctx.request().body);
                auto parsed = screening::ParseScans(in, format, id);
                if (!parsed.fatal.ok()) return parsed.fatal;
                if (parsed.records.size() > kMaxLinesPerRequest) {
                  return FieldInvalid("body", "at most 200,000 lines a request");
                }
                auto report = register_scans(ctx, std::move(parsed.records), std::move(parsed.errors));
                if (!report.status.ok()) return report.status;
                return JsonReply({{"received", report.received},
                                  {"accepted", report.accepted},
                                  {"already", report.already},
                                  {"rejected", report.rejected},
                                  {"errors", ErrorsJson(report.errors)}});
              });

  // ---- Tubes ----
  router_.Add("POST", "/api/v1/testing/tubes/{barcode}/close",
              {.summary = "Close a tube (it takes no one more)", .tag = "testing", .permission = sample},
              [&sc](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto tube, sc.GetTube(ctx.Param("barcode")));
                TC_ASSIGN_OR_RETURN(auto site, sc.SiteByCode(tube.site_code));
                TC_RETURN_IF_ERROR(MayWorkAt(ctx, site));
                TC_ASSIGN_OR_RETURN(auto brief, sc.CloseTube(tube.barcode, ctx.principal().username, true, ctx.actor()));
                return JsonReply(TubeBriefJson(brief));
              });
  router_.Add("GET", "/api/v1/testing/tubes/{barcode}",
              {.summary = "A tube: members (names, masked phones), times, box, lab, result and follow-ups",
               .tag = "testing",
               .access = Access::kLoggedIn},
              [this, &sc, read](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto tube, sc.GetTube(ctx.Param("barcode")));
                TC_ASSIGN_OR_RETURN(auto site, sc.SiteByCode(tube.site_code));
                const auto& p = ctx.principal();
                const bool may = OnStaff(site, p.username) ||
                                 (p.Can(read) && p.role != auth::Role::kSampler && p.Covers(site.area_path));
                if (!may) return NoSuch("tube " + std::string(ctx.Param("barcode")));
                json members = json::array();
                for (const auto& m : tube.members) {
                  members.push_back({{"resident_id", m.person_id}, {"sampled_at", FormatShanghai(m.sampled_at)},
                                     {"unit_code", m.unit_code}});
                }
                TC_RETURN_IF_ERROR(AddNames(deps_.tracing, members));
                json followups = json::array();
                if (p.Can(read)) {
                  TC_ASSIGN_OR_RETURN(auto list, sc.Followups({.scope_path = "/", .round_id = tube.round_id,
                                                               .tube = tube.barcode, .limit = 1000}));
                  for (const auto& f : list) followups.push_back(FollowupJson(f));
                }
                return JsonReply({{"barcode", tube.barcode},
                                  {"round_id", tube.round_id},
                                  {"site", tube.site_code},
                                  {"kind", tube.kind},
                                  {"capacity", tube.capacity},
                                  {"members", members},
                                  {"opened_at", TimeOrNull(tube.opened_at)},
                                  {"closed_at", TimeOrNull(tube.closed_at)},
                                  {"box", tube.box},
                                  {"lab", tube.lab_code},
                                  {"sent_at", TimeOrNull(tube.sent_at)},
                                  {"result", tube.result.empty() ? json(nullptr) : json(tube.result)},
                                  {"ct", tube.ct > 0 ? json(tube.ct) : json(nullptr)},
                                  {"resulted_at", TimeOrNull(tube.resulted_at)},
                                  {"followups", followups}});
              });
  router_.Add("POST", "/api/v1/testing/shipments",
              {.summary = "Hand closed tubes to a lab in a box (转运)",
               .tag = "testing",
               .permission = sample,
               .request_schema = R"({"type":"object","required":["box","lab","tubes"],"additionalProperties":false,
                 "properties":{"box":{"type":"string"},"lab":{"type":"string"},
                 "tubes":{"type":"array","items":{"type":"string"}},"handed_over_at":{"type":"string"}}})"},
              [&sc](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                screening::Shipment s;
                s.box = f.String("box", {.required = true, .max_bytes = 64});
                s.lab_code = f.String("lab", {.required = true, .max_bytes = 32});
                const std::string at = f.String("handed_over_at", {.max_bytes = 40});
                if (!body.contains("tubes") || !body["tubes"].is_array()) return FieldInvalid("tubes", "a list of barcodes");
                for (const auto& t : body["tubes"]) {
                  if (!t.is_string()) return FieldInvalid("tubes", "a list of barcodes");
                  s.tubes.push_back(t.get<std::string>());
                }
                TC_RETURN_IF_ERROR(f.Finish({"box", "lab", "tubes", "handed_over_at"}));
                if (!at.empty()) {
                  TC_ASSIGN_OR_RETURN(s.handed_over_at, screening::ParseLineTime(at, "handed_over_at"));
                }
                for (size_t i = 0; i < s.tubes.size(); ++i) {
                  auto tube = sc.GetTube(s.tubes[i]);
                  if (!tube.ok()) continue;  // named by Ship
                  TC_ASSIGN_OR_RETURN(auto site, sc.SiteByCode(tube->site_code));
                  if (Status may = MayWorkAt(ctx, site); !may.ok()) {
                    return FieldInvalid("tubes[" + std::to_string(i) + "]", may.message());
                  }
                }
                TC_ASSIGN_OR_RETURN(int64_t n, sc.Ship(s, ctx.actor()));
                return JsonReply({{"box", s.box}, {"lab", s.lab_code}, {"tubes", n}});
              });

  // ---- Results ----
  auto results_reply = [](const screening::ResultReport& r) {
    return JsonReply({{"received", r.received},
                      {"applied", r.applied},
                      {"already", r.already},
                      {"rejected", r.rejected},
                      {"positive_tubes", r.positive_tubes},
                      {"followups", r.followups},
                      {"errors", ErrorsJson(r.errors)}});
  };
  router_.Add("POST", "/api/v1/testing/results",
              {.summary = "A lab's result for one tube: negative, positive or invalid (a positive or invalid pool "
                          "puts each member on retest and home isolation and tasks their building)",
               .tag = "testing",
               .permission = result,
               .request_schema = R"({"type":"object","required":["tube","result"],"additionalProperties":false,
                 "properties":{"tube":{"type":"string"},"result":{"type":"string",
                 "enum":["negative","positive","invalid"]},"ct":{"type":"number"},"lab":{"type":"string"},
                 "at":{"type":"string"}}})"},
              [&sc, results_reply](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                auto parsed = screening::ResultFromJson(body);
                auto report = sc.Report(parsed.records, ctx.actor());
                for (auto& e : parsed.errors) report.errors.push_back(e);
                if (!report.errors.empty()) {
                  const auto& e = report.errors[0];
                  const bool conflict = e.message.find("already has") != std::string::npos;
                  Status s = conflict ? Conflict(e.message) : InvalidArgument(e.message);
                  s.AddFieldError(e.field.empty() ? "body" : e.field, e.message);
                  return s;
                }
                return results_reply(report);
              });
  router_.Add("POST", "/api/v1/testing/results/bulk",
              {.summary = "Results as NDJSON or CSV as lab systems export them: per-line results",
               .tag = "testing",
               .permission = result},
              [&sc, results_reply](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto format, LineFormatOf(ctx));
                std::istringstream in(ctx.request().body);
                auto parsed = screening::ParseResults(in, format);
                if (!parsed.fatal.ok()) return parsed.fatal;
                if (parsed.records.size() > kMaxLinesPerRequest) {
                  return FieldInvalid("body", "at most 200,000 lines a request");
                }
                auto report = sc.Report(parsed.records, ctx.actor());
                report.received += static_cast<int64_t>(parsed.errors.size());
                report.rejected += static_cast<int64_t>(parsed.errors.size());
                for (auto& e : parsed.errors) report.errors.push_back(e);
                std::stable_sort(report.errors.begin(), report.errors.end(),
                                 [](const auto& a, const auto& b) { return a.line < b.line; });
                return results_reply(report);
              });

  // ---- Coverage, door lists, follow-ups ----
  router_.Add("GET", "/api/v1/testing/rounds/{id}/coverage",
              {.summary = "Coverage of an area node and its children: due, exempt, sampled, resulted, not sampled",
               .tag = "testing",
               .permission = read,
               .query = {{"area", "area code (default: your node)"}}},
              [this, &sc](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, RoundParam(ctx, sc));
                std::string code = ctx.principal().area_code;
                if (auto area = ctx.Query("area")) {
                  TC_ASSIGN_OR_RETURN(auto a, CoveredArea(ctx, *area, "area"));
                  code = a.code;
                }
                TC_ASSIGN_OR_RETURN(auto report, sc.CoverageOf(id, code));
                json children = json::array();
                for (const auto& c : report.children) children.push_back(CoverageJson(c));
                return JsonReply({{"node", CoverageJson(report.node)}, {"children", children}});
              });
  router_.Add("GET", "/api/v1/testing/rounds/{id}/door-list",
              {.summary = "The door-knocking list (敲门清单) of a building, unit or compound: due people not yet "
                          "sampled per unit, the bedridden marked for home sampling",
               .tag = "testing",
               .permission = read,
               .query = {{"area", "building, unit or compound code", "string", true},
                         {"unmask", "true to see full phones (needs personal.unmask; audited)", "boolean"},
                         {"format", "json (default), csv or xlsx"}}},
              [this, &sc](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, RoundParam(ctx, sc));
                auto code = ctx.Query("area");
                if (!code) return FieldInvalid("area", "is required (a building, unit or compound)");
                TC_ASSIGN_OR_RETURN(auto area, CoveredArea(ctx, *code, "area"));
                TC_ASSIGN_OR_RETURN(bool unmask, ctx.QueryBool("unmask", false));
                if (unmask) TC_RETURN_IF_ERROR(ctx.RequirePermission(auth::perm::kPersonalUnmask));
                TC_ASSIGN_OR_RETURN(auto format, ExportFormat(ctx));
                TC_ASSIGN_OR_RETURN(auto list, sc.DoorListOf(id, area.code));
                std::vector<int64_t> ids;
                for (const auto& u : list.units) {
                  for (const auto& p : u.people) ids.push_back(p.person_id);
                }
                TC_ASSIGN_OR_RETURN(auto people, deps_.tracing.People(ids));
                std::map<int64_t, const tracing::PersonRef*> by_id;
                for (const auto& p : people) by_id[p.id] = &p;
                if (unmask) TC_RETURN_IF_ERROR(deps_.residents.AuditUnmaskedRead(ids, "door-list", area.path, ctx.actor()));
                auto phone = [&](const tracing::PersonRef* p) {
                  return p == nullptr ? std::string() : unmask ? p->phone : registry::MaskPhone(p->phone);
                };
                if (format != "json") {
                  Table t{{"单元", "户", "姓名", "电话", "上门采样"}, {}};
                  for (const auto& u : list.units) {
                    for (const auto& d : u.people) {
                      auto it = by_id.find(d.person_id);
                      const tracing::PersonRef* p = it == by_id.end() ? nullptr : it->second;
                      t.rows.push_back({u.name, p ? p->household_code : "", p ? p->name : "", phone(p),
                                        d.exempt ? "是" : ""});
                    }
                  }
                  return ExportReply(t, format, "door-list-" + area.code);
                }
                json units = json::array();
                for (const auto& u : list.units) {
                  json ps = json::array();
                  for (const auto& d : u.people) {
                    auto it = by_id.find(d.person_id);
                    const tracing::PersonRef* p = it == by_id.end() ? nullptr : it->second;
                    ps.push_back({{"resident_id", d.person_id},
                                  {"name", p ? p->name : ""},
                                  {"phone", phone(p)},
                                  {"household_code", p ? p->household_code : ""},
                                  {"exempt", d.exempt}});
                  }
                  units.push_back({{"unit_code", u.unit_code}, {"name", u.name}, {"people", ps}});
                }
                return JsonReply({{"round_id", id},
                                  {"area_code", list.area_code},
                                  {"name", list.name},
                                  {"not_sampled", list.not_sampled},
                                  {"home_sampling", list.home_sampling},
                                  {"units", units}});
              });
  router_.Add("GET", "/api/v1/testing/followups",
              {.summary = "Follow-ups of positive and invalid pools under your node (retest, home isolation, door "
                          "task per building)",
               .tag = "testing",
               .permission = read,
               .query = {{"round", "round id", "integer"},
                         {"status", "open, sampled or closed"},
                         {"after", "paging: ids greater than this", "integer"},
                         {"limit", "1-1000, default 100", "integer"}}},
              [this, &sc](Context& ctx) -> Result<Reply> {
                screening::FollowupQuery q;
                q.scope_path = ctx.principal().area_path;
                TC_ASSIGN_OR_RETURN(q.round_id, ctx.QueryInt("round", 0, 0, INT64_MAX));
                q.status = ctx.Query("status").value_or("");
                if (!q.status.empty() && q.status != "open" && q.status != "sampled" && q.status != "closed") {
                  return FieldInvalid("status", "'" + q.status + "' is not open, sampled or closed");
                }
                TC_ASSIGN_OR_RETURN(q.after_id, ctx.QueryInt("after", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 100, 1, 1000));
                q.limit = static_cast<int>(limit);
                TC_ASSIGN_OR_RETURN(auto list, sc.Followups(q));
                json items = json::array();
                for (const auto& f : list) items.push_back(FollowupJson(f));
                TC_RETURN_IF_ERROR(AddNames(deps_.tracing, items));
                return PageReply(items, list.size(), limit, list.empty() ? 0 : list.back().id);
              });

  // ---- A person's results ----
  router_.Add("GET", "/api/v1/testing/residents/{id}/results",
              {.summary = "A resident's test results, newest first", .tag = "testing", .permission = read},
              [&sc](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "resident"));
                const std::string path = sc.PersonPath(id);
                if (path.empty() || !ctx.principal().Covers(path)) return NoSuch("resident " + std::to_string(id));
                TC_ASSIGN_OR_RETURN(auto results, sc.ResultsOf(id));
                return JsonReply(PersonResultsJson(results));
              });
  router_.Add("GET", "/api/v1/testing/me",
              {.summary = "Your own test results (a resident's account linked to them)",
               .tag = "testing",
               .access = Access::kLoggedIn},
              [&sc](Context& ctx) -> Result<Reply> {
                const int64_t id = ctx.principal().resident_id;
                if (id == 0) return NotFound("this account is not linked to a resident");
                TC_ASSIGN_OR_RETURN(auto results, sc.ResultsOf(id));
                json out = PersonResultsJson(results);
                out["resident_id"] = id;
                return JsonReply(out);
              });
}

}  // namespace tc::api
