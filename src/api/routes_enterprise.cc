// Enterprises back to work (复工复产、服务企业、惠企政策; docs/enterprises.md): the
// registry and its import, resumption filings, roster and declarations, the rates
// dashboard, material needs, liaison officers, appeals and the five fasts, policies with
// dry runs and 免申即享, benefits and disbursement, financing, vouchers, jobs and major
// projects. An enterprise user sees and acts only for the enterprise their account is
// linked to; everyone else within their jurisdiction (a district officer: their
// district). Contact phones and roster ID numbers are masked unless unmask=true.
#include <algorithm>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "auth/roles.h"
#include "enterprise/enterprises.h"
#include "enterprise/policy_rules.h"
#include "registry/id_number.h"

namespace tc::api {

using nlohmann::json;
namespace ent = enterprise;

namespace {

json TimeOrNull(Millis t) { return t ? json(FormatShanghai(t)) : json(nullptr); }

// Whose enterprises the caller sees.
Result<ent::Scope> EnterpriseScope(const Context& ctx, const ent::Enterprises& e) {
  const auth::Principal& p = ctx.principal();
  if (p.role == auth::Role::kEnterpriseUser) {
    const int64_t id = e.EnterpriseOfUser(p.username);
    if (id == 0) return PermissionDenied("account '" + p.username + "' acts for no enterprise; ask the district to link it");
    return ent::Scope{.enterprise_id = id};
  }
  return ent::Scope{.under_path = p.area_path};
}

Result<bool> Unmask(const Context& ctx) {
  TC_ASSIGN_OR_RETURN(bool unmask, ctx.QueryBool("unmask", false));
  if (unmask) TC_RETURN_IF_ERROR(ctx.RequirePermission(auth::perm::kPersonalUnmask));
  return unmask;
}

// The caller's scope narrowed to one enterprise by ?enterprise=ID (the lists keep the
// caller's jurisdiction as well, so an enterprise outside it lists nothing).
Result<ent::Scope> NarrowedScope(const Context& ctx, const ent::Enterprises& e) {
  TC_ASSIGN_OR_RETURN(ent::Scope scope, EnterpriseScope(ctx, e));
  TC_ASSIGN_OR_RETURN(int64_t only, ctx.QueryInt("enterprise", 0, 0, INT64_MAX));
  if (only == 0) return scope;
  if (scope.enterprise_id > 0 && scope.enterprise_id != only) return NoSuch("enterprise " + std::to_string(only));
  scope.enterprise_id = only;
  return scope;
}

// A district named in a body must lie in the caller's jurisdiction (an unknown one is
// left for the service to name as a field error).
Status RequireDistrict(const Context& ctx, const ent::Enterprises& e, const std::string& district_code) {
  const std::string path = e.DistrictPath(district_code);
  if (path.empty()) return Status::Ok();
  return ctx.RequireCovers(path, "district '" + district_code + "'");
}

// Policies and credit decisions are the city's: they reach every enterprise, so only a
// caller whose jurisdiction is the whole city may make them.
Status RequireCityWide(const Context& ctx) {
  const std::string& path = ctx.principal().area_path;
  if (std::count(path.begin(), path.end(), '/') != 2) {
    return PermissionDenied("policies and credit decisions are made for the whole city; your jurisdiction is " + path);
  }
  return Status::Ok();
}

json EnterpriseJson(const ent::EnterpriseView& v, bool unmask) {
  const ent::Enterprise& e = v.e;
  return {{"id", e.id},
          {"uscc", e.uscc},
          {"name", e.name},
          {"industry", e.industry},
          {"division", e.division},
          {"size", e.size},
          {"above_scale", e.above_scale},
          {"key", e.key},
          {"high_tech", e.high_tech},
          {"specialised", e.specialised},
          {"district_code", e.district_code},
          {"district_name", v.district_name},
          {"area_code", e.area_code.empty() ? json(nullptr) : json(e.area_code)},
          {"area_path", v.area_path},
          {"address", e.address},
          {"legal_rep", e.legal_rep},
          {"contact_name", e.contact_name},
          {"contact_phone", unmask ? e.contact_phone : registry::MaskPhone(e.contact_phone)},
          {"employees", e.employees},
          {"staff_back", v.staff_back},
          {"revenue", e.revenue},
          {"revenue_prev", e.revenue_prev},
          {"equipment_investment", e.equipment_investment},
          {"founded_on", e.founded_on},
          {"status", e.status},
          {"resumption", v.resumption},
          {"liaison", v.liaison.empty() ? json(nullptr) : json(v.liaison)},
          {"updated_at", TimeOrNull(e.updated_at)}};
}

// The enterprise fields of a create or patch body.
constexpr std::string_view kEnterpriseFields[] = {
    "uscc", "name", "industry", "division", "size", "above_scale", "key", "high_tech", "specialised",
    "district_code", "area_code", "address", "legal_rep", "contact_name", "contact_phone", "employees",
    "revenue", "revenue_prev", "equipment_investment", "founded_on", "status"};

json FilingJson(const ent::Filing& f) {
  return {{"id", f.id},
          {"enterprise_id", f.enterprise_id},
          {"status", f.status},
          {"plan", json::parse(f.plan_json.empty() ? "{}" : f.plan_json, nullptr, false)},
          {"staff_before", f.staff_before},
          {"roster_count", f.roster_count},
          {"open_on", f.open_on},
          {"reasons", f.reasons},
          {"filed_by", f.filed_by},
          {"filed_at", TimeOrNull(f.filed_at)},
          {"opened_at", TimeOrNull(f.opened_at)}};
}

json RateJson(const ent::RateRow& r) {
  return {{"key", r.key},
          {"name", r.name},
          {"enterprises", r.enterprises},
          {"filed", r.filed},
          {"opened", r.opened},
          {"above_scale", r.above_scale},
          {"above_scale_open", r.above_scale_open},
          {"staff_before", r.staff_before},
          {"staff_back", r.staff_back},
          {"resumption_rate", r.ResumptionRate()},
          {"filing_rate", r.FilingRate()},
          {"capacity_rate", r.CapacityRate()},
          {"above_scale_rate", r.AboveScaleRate()}};
}

json NeedJson(const ent::Need& n) {
  return {{"id", n.id},         {"enterprise_id", n.enterprise_id}, {"enterprise_name", n.enterprise_name},
          {"kind", n.kind},     {"item", n.item},                   {"quantity", n.quantity},
          {"unit", n.unit},     {"matched", n.matched},             {"status", n.status},
          {"needed_by", n.needed_by}, {"created_at", TimeOrNull(n.created_at)}};
}

json OfferJson(const ent::Offer& o) {
  return {{"id", o.id},       {"supplier", o.supplier}, {"enterprise_id", o.enterprise_id}, {"kind", o.kind},
          {"item", o.item},   {"quantity", o.quantity}, {"remaining", o.remaining},         {"unit", o.unit},
          {"contact", o.contact}, {"created_at", TimeOrNull(o.created_at)}};
}

json AllocationJson(const ent::Allocation& a) {
  return {{"id", a.id},         {"need_id", a.need_id},   {"offer_id", a.offer_id},
          {"quantity", a.quantity}, {"status", a.status}, {"matched_at", TimeOrNull(a.matched_at)},
          {"fulfilled_at", TimeOrNull(a.fulfilled_at)}};
}

json ItemJson(const ent::Item& i) {
  return {{"id", i.id},           {"enterprise_id", i.enterprise_id}, {"enterprise_name", i.enterprise_name},
          {"title", i.title},     {"status", i.status},               {"due_at", TimeOrNull(i.due_at)},
          {"opened_by", i.opened_by}, {"opened_at", TimeOrNull(i.opened_at)}, {"done_at", TimeOrNull(i.done_at)},
          {"note", i.note},       {"overdue", i.overdue}};
}

json AppealJson(const ent::Appeal& a) {
  return {{"request_id", a.request_id},
          {"number", a.number},
          {"enterprise_id", a.enterprise_id},
          {"enterprise_name", a.enterprise_name},
          {"status", a.status},
          {"category", a.category},
          {"department", a.department},
          {"text", a.text},
          {"received_at", TimeOrNull(a.received_at)},
          {"dispatched_at", TimeOrNull(a.dispatched_at)},
          {"responded_at", TimeOrNull(a.responded_at)},
          {"resolved_at", TimeOrNull(a.resolved_at)},
          {"closed_at", TimeOrNull(a.closed_at)},
          {"returns", a.returns},
          {"satisfaction", a.satisfaction}};
}

json PolicyJson(const ent::Policy& p) {
  return {{"id", p.id},           {"code", p.code},       {"name", p.name},
          {"package", p.package}, {"summary", p.summary}, {"rule", p.rule},
          {"benefit", p.benefit}, {"budget", p.budget},   {"status", p.status},
          {"created_by", p.created_by}, {"created_at", TimeOrNull(p.created_at)},
          {"updated_at", TimeOrNull(p.updated_at)}, {"published_at", TimeOrNull(p.published_at)},
          {"retired_at", TimeOrNull(p.retired_at)}};
}

json TotalsJson(const ent::PolicyTotals& t) {
  return {{"policy_id", t.policy_id},       {"code", t.code},           {"name", t.name},
          {"status", t.status},             {"pushed", t.pushed},       {"confirmed", t.confirmed},
          {"declined", t.declined},         {"disbursed", t.disbursed}, {"revoked", t.revoked},
          {"amount_pushed", t.amount_pushed}, {"amount_disbursed", t.amount_disbursed}, {"budget", t.budget}};
}

json BenefitJson(const ent::Benefit& b) {
  return {{"policy_id", b.policy_id},         {"policy_code", b.policy_code},
          {"policy_name", b.policy_name},     {"enterprise_id", b.enterprise_id},
          {"enterprise_name", b.enterprise_name}, {"amount", b.amount},
          {"status", b.status},               {"reference", b.reference},
          {"pushed_at", TimeOrNull(b.pushed_at)}, {"decided_at", TimeOrNull(b.decided_at)},
          {"disbursed_at", TimeOrNull(b.disbursed_at)}};
}

json ProductJson(const ent::BankProduct& p) {
  return {{"id", p.id}, {"bank", p.bank}, {"name", p.name}, {"rule", p.rule}, {"max_amount", p.max_amount},
          {"rate", p.rate}, {"term_months", p.term_months}, {"active", p.active}};
}

json CreditJson(const ent::CreditRequest& c) {
  json offers = json::array();
  for (const auto& p : c.offers) offers.push_back(ProductJson(p));
  return {{"id", c.id},           {"enterprise_id", c.enterprise_id}, {"enterprise_name", c.enterprise_name},
          {"amount", c.amount},   {"purpose", c.purpose},             {"status", c.status},
          {"product_id", c.product_id ? json(c.product_id) : json(nullptr)}, {"granted", c.granted},
          {"created_at", TimeOrNull(c.created_at)}, {"offers", offers}};
}

json BatchJson(const ent::VoucherBatch& b) {
  return {{"id", b.id},           {"name", b.name},         {"face_value", b.face_value}, {"min_spend", b.min_spend},
          {"total", b.total},     {"issued", b.issued},     {"redeemed", b.redeemed},     {"spend", b.spend},
          {"value_redeemed", b.value_redeemed}, {"leverage", b.Leverage()}, {"industries", b.industries},
          {"valid_from", TimeOrNull(b.valid_from)}, {"valid_to", TimeOrNull(b.valid_to)}};
}

json VoucherJson(const ent::Voucher& v) {
  return {{"id", v.id},         {"batch_id", v.batch_id}, {"code", v.code},
          {"holder", registry::MaskPhone(v.holder)}, {"status", v.status}, {"merchant_id", v.merchant_id},
          {"spend", v.spend},   {"issued_at", TimeOrNull(v.issued_at)}, {"redeemed_at", TimeOrNull(v.redeemed_at)}};
}

json PostingJson(const ent::JobPosting& p) {
  return {{"id", p.id},           {"enterprise_id", p.enterprise_id}, {"enterprise_name", p.enterprise_name},
          {"title", p.title},     {"openings", p.openings},           {"filled", p.filled},
          {"district_code", p.district_code}, {"wage_min", p.wage_min}, {"wage_max", p.wage_max},
          {"for_kinds", p.for_kinds}, {"status", p.status}, {"industry", p.industry}};
}

json MatchJson(const ent::JobMatch& m) {
  return {{"posting_id", m.posting_id}, {"seeker_id", m.seeker_id}, {"score", m.score},       {"status", m.status},
          {"title", m.title},           {"enterprise_name", m.enterprise_name},               {"seeker_name", m.seeker_name}};
}

json ProjectJson(const ent::Project& p) {
  return {{"id", p.id},           {"name", p.name},     {"district_code", p.district_code},
          {"enterprise_id", p.enterprise_id ? json(p.enterprise_id) : json(nullptr)},
          {"investment", p.investment}, {"planned_start", p.planned_start},
          {"started_on", p.started_on.empty() ? json(nullptr) : json(p.started_on)}, {"status", p.status},
          {"note", p.note},       {"late", p.late}};
}

template <typename T, typename F>
json Items(const std::vector<T>& list, F&& f) {
  json a = json::array();
  for (const auto& x : list) a.push_back(f(x));
  return {{"items", std::move(a)}};
}

// A JSON body of the Content-Type's kind (a table import) into a seekable stream.
Result<Millis> TimeField(const json& body, const char* name, bool required) {
  if (!body.contains(name) || body[name].is_null()) {
    if (required) return FieldInvalid(name, "is required");
    return Millis{0};
  }
  if (!body[name].is_string()) return FieldInvalid(name, "must be a time (RFC 3339) or date");
  std::string s = body[name].get<std::string>();
  if (s.size() == 10) s += "T00:00:00+08:00";
  auto t = ParseTime(s);
  if (!t.ok()) return FieldInvalid(name, t.status().message());
  return *t;
}

}  // namespace

void Api::AddEnterpriseRoutes() {
  using namespace auth::perm;
  ent::Enterprises& E = deps_.enterprises;
  const std::string read(kEnterpriseRead), write(kEnterpriseWrite), act(kEnterpriseAct), liaison(kEnterpriseLiaison),
      policy(kPolicyManage);

  // ---- Registry ----
  router_.Add("GET", "/api/v1/enterprises",
              {.summary = "Enterprises in your jurisdiction (an enterprise user: their own); filters and paging",
               .tag = "enterprises",
               .permission = read,
               .query = {{"q", "name contains, or the exact USCC"},
                         {"industry", "GB/T 4754 section letter"},
                         {"size", "large | medium | small | micro"},
                         {"district", "district code"},
                         {"resumption", "not_filed | returned | held | filed | open"},
                         {"above_scale", "true/false", "boolean"},
                         {"key", "true/false", "boolean"},
                         {"after", "the last id of the previous page", "integer"},
                         {"limit", "1–1000 (default 100)", "integer"},
                         {"unmask", "true: contact phones in full (personal.unmask)", "boolean"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(bool unmask, Unmask(ctx));
                ent::EnterpriseQuery q;
                TC_ASSIGN_OR_RETURN(q.scope, EnterpriseScope(ctx, E));
                q.q = ctx.Query("q").value_or("");
                q.industry = ctx.Query("industry").value_or("");
                q.size = ctx.Query("size").value_or("");
                q.district = ctx.Query("district").value_or("");
                q.resumption = ctx.Query("resumption").value_or("");
                for (auto [name, out] : {std::pair{"above_scale", &q.above_scale}, {"key", &q.key}}) {
                  if (ctx.Query(name)) {
                    TC_ASSIGN_OR_RETURN(bool b, ctx.QueryBool(name, false));
                    *out = b ? 1 : 0;
                  }
                }
                TC_ASSIGN_OR_RETURN(q.after_id, ctx.QueryInt("after", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(q.limit, ctx.QueryInt("limit", 100, 1, 1000));
                TC_ASSIGN_OR_RETURN(auto list, E.List(q));
                json body = Items(list, [&](const auto& v) { return EnterpriseJson(v, unmask); });
                body["next_after"] = int64_t(list.size()) == q.limit ? json(list.back().e.id) : json(nullptr);
                return JsonReply(body);
              });
  router_.Add("POST", "/api/v1/enterprises",
              {.summary = "Register an enterprise (USCC check character verified; size from the GB/T 4754 thresholds "
                          "when not given; address resolved to the registry)",
               .tag = "enterprises",
               .permission = write,
               .request_schema = R"({"type":"object","required":["uscc","name","division","district_code"]})",
               .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::Enterprise e;
                e.uscc = f.String("uscc", {.required = true, .max_bytes = 80});
                e.name = f.String("name", {.required = true, .max_bytes = 400});
                e.industry = f.String("industry", {.max_bytes = 8});
                e.division = f.String("division", {.required = true, .max_bytes = 8});
                e.size = f.String("size", {.max_bytes = 16});
                e.district_code = f.String("district_code", {.required = true, .max_bytes = 32});
                e.area_code = f.String("area_code", {.max_bytes = 64});
                e.address = f.String("address", {.max_bytes = 400});
                e.legal_rep = f.String("legal_rep", {.max_bytes = 100});
                e.contact_name = f.String("contact_name", {.max_bytes = 100});
                e.contact_phone = f.String("contact_phone", {.max_bytes = 40});
                e.founded_on = f.String("founded_on", {.max_bytes = 10});
                e.status = f.String("status", {.max_bytes = 16});
                e.above_scale = f.Bool("above_scale", false).value_or(false);
                e.key = f.Bool("key", false).value_or(false);
                e.high_tech = f.Bool("high_tech", false).value_or(false);
                e.specialised = f.Bool("specialised", false).value_or(false);
                e.employees = f.Int("employees", false).value_or(0);
                e.revenue = f.Number("revenue", false).value_or(0);
                e.revenue_prev = f.Number("revenue_prev", false).value_or(0);
                e.equipment_investment = f.Number("equipment_investment", false).value_or(0);
                TC_RETURN_IF_ERROR(f.Finish(kEnterpriseFields));
                TC_RETURN_IF_ERROR(RequireDistrict(ctx, E, e.district_code));
                TC_ASSIGN_OR_RETURN(auto v, E.Create(e, ctx.actor()));
                return JsonReply(EnterpriseJson(v, true), 201);
              });
  router_.Add("GET", "/api/v1/enterprises/{id}",
              {.summary = "One enterprise", .tag = "enterprises", .permission = read,
               .query = {{"unmask", "true: contact phone in full (personal.unmask)", "boolean"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(bool unmask, Unmask(ctx));
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto v, E.Get(id, scope));
                return JsonReply(EnterpriseJson(v, unmask));
              });
  router_.Add("GET", "/api/v1/enterprises/me",
              {.summary = "The enterprise your account acts for", .tag = "enterprises", .permission = read},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                if (scope.enterprise_id == 0) return NoSuch("enterprise of account '" + ctx.principal().username + "'");
                TC_ASSIGN_OR_RETURN(auto v, E.Get(scope.enterprise_id, scope));
                return JsonReply(EnterpriseJson(v, true));
              });
  router_.Add("PATCH", "/api/v1/enterprises/{id}",
              {.summary = "Change an enterprise's facts; its benefits are re-matched at once",
               .tag = "enterprises",
               .permission = write,
               .request_schema = R"({"type":"object"})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::EnterprisePatch p;
                auto str = [&](const char* k, std::optional<std::string>& out, size_t max) {
                  if (body.contains(k)) out = f.String(k, {.max_bytes = max});
                };
                str("name", p.name, 400);
                str("industry", p.industry, 8);
                str("division", p.division, 8);
                str("size", p.size, 16);
                str("address", p.address, 400);
                str("area_code", p.area_code, 64);
                str("legal_rep", p.legal_rep, 100);
                str("contact_name", p.contact_name, 100);
                str("contact_phone", p.contact_phone, 40);
                str("founded_on", p.founded_on, 10);
                str("status", p.status, 16);
                for (auto [k, out] : {std::pair{"above_scale", &p.above_scale}, {"key", &p.key},
                                      {"high_tech", &p.high_tech}, {"specialised", &p.specialised}}) {
                  if (body.contains(k)) *out = f.Bool(k, true);
                }
                if (body.contains("employees")) p.employees = f.Int("employees", true);
                for (auto [k, out] : {std::pair{"revenue", &p.revenue}, {"revenue_prev", &p.revenue_prev},
                                      {"equipment_investment", &p.equipment_investment}}) {
                  if (body.contains(k)) *out = f.Number(k, true);
                }
                TC_RETURN_IF_ERROR(f.Finish(kEnterpriseFields));
                if (body.contains("uscc") || body.contains("district_code")) {
                  return FieldInvalid(body.contains("uscc") ? "uscc" : "district_code",
                                      "cannot change: the code and district identify the registration");
                }
                TC_ASSIGN_OR_RETURN(auto v, E.Update(id, p, scope, ctx.actor()));
                return JsonReply(EnterpriseJson(v, true));
              });
  router_.Add("POST", "/api/v1/enterprises/import",
              {.summary = "Import enterprises from CSV (text/csv; UTF-8 or GBK) or XLSX as the market-supervision "
                          "bureau exports them; per-line errors naming record and field; all_or_nothing=true writes "
                          "nothing when any line fails",
               .tag = "enterprises",
               .permission = write,
               .query = {{"all_or_nothing", "true: a single bad line writes nothing", "boolean"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(bool all, ctx.QueryBool("all_or_nothing", false));
                const std::string ct(ctx.request().Header("content-type"));
                if (!ct.starts_with("text/csv") && !ct.starts_with("application/csv") &&
                    !ct.starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") &&
                    !ct.starts_with("application/octet-stream")) {
                  return Malformed("Content-Type must be text/csv or the XLSX type (got '" + ct + "')");
                }
                std::istringstream in(ctx.request().body);
                TC_ASSIGN_OR_RETURN(auto rep, E.Import(in, "the upload", all, ctx.principal().area_path, ctx.actor()));
                json errors = json::array();
                for (const auto& e : rep.errors) {
                  errors.push_back({{"line", e.line}, {"record", e.record}, {"field", e.field}, {"message", e.message}});
                }
                return JsonReply({{"lines", rep.lines},
                                  {"created", rep.created},
                                  {"updated", rep.updated},
                                  {"rejected", rep.rejected},
                                  {"written", !(all && rep.rejected > 0)},
                                  {"errors", errors}});
              });
  router_.Add("POST", "/api/v1/enterprises/{id}/accounts",
              {.summary = "Link an enterprise_user account to the enterprise it acts for",
               .tag = "enterprises",
               .permission = write,
               .request_schema = R"({"type":"object","required":["username"]})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_RETURN_IF_ERROR(E.Get(id, scope).status());
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string username = f.String("username", {.required = true, .max_bytes = 64});
                TC_RETURN_IF_ERROR(f.Finish({"username"}));
                TC_RETURN_IF_ERROR(E.LinkAccount(username, id, ctx.actor()));
                return JsonReply({{"username", username}, {"enterprise_id", id}});
              });

  // ---- Resumption ----
  router_.Add("POST", "/api/v1/enterprises/{id}/filings",
              {.summary = "File for resumption (备案, not approval): the anti-epidemic plan and the employee roster. "
                          "Missing items → returned with the reasons; in wartime a high-risk community's → held",
               .tag = "enterprises",
               .permission = act,
               .request_schema = R"({"type":"object","properties":{"responsible":{"type":"string"},
                 "responsible_phone":{"type":"string"},"measures":{"type":"array","items":{"type":"string"}},
                 "isolation_point":{"type":"boolean"},"supply_days":{"type":"integer"},
                 "staff_before":{"type":"integer"},"open_on":{"type":"string"},
                 "roster":{"type":"array","items":{"type":"object"}}}})",
               .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::FilingInput in;
                in.responsible = f.String("responsible", {.max_bytes = 100});
                in.responsible_phone = f.String("responsible_phone", {.max_bytes = 40});
                in.measures = f.StringList("measures", {.max_bytes = 1000}, 100);
                in.isolation_point = f.Bool("isolation_point", false).value_or(false);
                in.supply_days = f.Int("supply_days", false).value_or(0);
                in.staff_before = f.Int("staff_before", false).value_or(0);
                in.open_on = f.String("open_on", {.max_bytes = 10});
                TC_RETURN_IF_ERROR(f.Finish({"responsible", "responsible_phone", "measures", "isolation_point",
                                             "supply_days", "staff_before", "open_on", "roster"}));
                if (body.contains("roster")) {
                  const json& r = body["roster"];
                  if (!r.is_array()) return FieldInvalid("roster", "must be a list of {name, id_number, phone}");
                  for (size_t i = 0; i < r.size(); ++i) {
                    const std::string at = "roster[" + std::to_string(i) + "]";
                    if (!r[i].is_object()) return FieldInvalid(at, "must be an object {name, id_number, phone}");
                    FieldReader p(r[i]);
                    ent::RosterEntry x;
                    x.name = p.String("name", {.required = true, .max_bytes = 100});
                    x.id_number = p.String("id_number", {.required = true, .max_bytes = 40});
                    x.phone = p.String("phone", {.max_bytes = 40});
                    if (Status s = p.Finish({"name", "id_number", "phone"}); !s.ok()) {
                      Status named = InvalidArgument(at + " is invalid");
                      for (const auto& fe : s.field_errors()) named.AddFieldError(at + "." + fe.field, fe.message);
                      return named;
                    }
                    in.roster.push_back(std::move(x));
                  }
                }
                TC_ASSIGN_OR_RETURN(auto filing, E.File(id, in, scope, ctx.actor()));
                return JsonReply(FilingJson(filing), 201);
              });
  router_.Add("GET", "/api/v1/enterprises/{id}/filings",
              {.summary = "An enterprise's filings, newest first", .tag = "enterprises", .permission = read},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto list, E.Filings(id, scope));
                return JsonReply(Items(list, FilingJson));
              });
  router_.Add("POST", "/api/v1/enterprises/{id}/open",
              {.summary = "Declare the enterprise producing again (needs a filed filing)", .tag = "enterprises",
               .permission = act},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto v, E.DeclareOpen(id, scope, ctx.actor()));
                return JsonReply(EnterpriseJson(v, true));
              });
  router_.Add("GET", "/api/v1/enterprises/{id}/roster",
              {.summary = "The employee roster; ID numbers and phones masked unless unmask=true (audited)",
               .tag = "enterprises",
               .permission = read,
               .query = {{"unmask", "true: ID numbers and phones in full (personal.unmask; audited)", "boolean"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(bool unmask, Unmask(ctx));
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto list, E.Roster(id, scope));
                if (unmask) TC_RETURN_IF_ERROR(E.AuditUnmaskedRoster(id, ctx.actor()));
                return JsonReply(Items(list, [&](const ent::Employee& e) {
                  return json{{"id", e.id},
                              {"name", e.name},
                              {"id_number", unmask ? e.id_number : registry::MaskIdNumber(e.id_number)},
                              {"phone", unmask ? e.phone : registry::MaskPhone(e.phone)},
                              {"resident_id", e.resident_id ? json(e.resident_id) : json(nullptr)},
                              {"status", e.status},
                              {"back", e.back}};
                }));
              });
  router_.Add("POST", "/api/v1/enterprises/{id}/declarations",
              {.summary = "Employees' daily health declarations (all or nothing); a temperature of 37.3 °C or more "
                          "or a symptom keeps the employee off work",
               .tag = "enterprises",
               .permission = act,
               .request_schema = R"({"type":"object","required":["declarations"],"properties":{"day":{"type":"string"},
                 "declarations":{"type":"array","items":{"type":"object"}}}})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string day = f.String("day", {.max_bytes = 10});
                TC_RETURN_IF_ERROR(f.Finish({"day", "declarations"}));
                if (!body.contains("declarations") || !body["declarations"].is_array()) {
                  return FieldInvalid("declarations", "must be a list of {employee_id | id_number, temperature, symptoms, at_work}");
                }
                std::vector<ent::Declaration> ds;
                const json& list = body["declarations"];
                for (size_t i = 0; i < list.size(); ++i) {
                  const std::string at = "declarations[" + std::to_string(i) + "]";
                  if (!list[i].is_object()) return FieldInvalid(at, "must be an object");
                  FieldReader d(list[i]);
                  ent::Declaration x;
                  x.employee_id = d.Int("employee_id", false).value_or(0);
                  x.id_number = d.String("id_number", {.max_bytes = 40});
                  x.temperature = d.Number("temperature", true).value_or(0);
                  x.symptoms = d.String("symptoms", {.max_bytes = 400});
                  x.at_work = d.Bool("at_work", false).value_or(true);
                  if (Status s = d.Finish({"employee_id", "id_number", "temperature", "symptoms", "at_work"}); !s.ok()) {
                    Status named = InvalidArgument(at + " is invalid");
                    for (const auto& fe : s.field_errors()) named.AddFieldError(at + "." + fe.field, fe.message);
                    return named;
                  }
                  ds.push_back(std::move(x));
                }
                TC_ASSIGN_OR_RETURN(auto rep, E.Declare(id, day, ds, scope, ctx.actor()));
                return JsonReply({{"declared", rep.declared}, {"staff_back", rep.staff_back}, {"fever", rep.fever}});
              });
  router_.Add("GET", "/api/v1/enterprise-rates",
              {.summary = "Resumption (open / enterprises), filing and capacity (staff back / staff before) rates "
                          "grouped by industry, district, size or above_scale, in your jurisdiction",
               .tag = "enterprises",
               .permission = read,
               .query = {{"group_by", "industry (default) | district | size | above_scale"},
                         {"industry", "only this section"},
                         {"district", "only this district"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto r, E.Rates(ctx.Query("group_by").value_or("industry"), scope,
                                                    ctx.Query("industry").value_or(""), ctx.Query("district").value_or("")));
                json rows = json::array();
                for (const auto& row : r.rows) rows.push_back(RateJson(row));
                return JsonReply({{"total", RateJson(r.total)}, {"rows", rows}});
              });
  router_.Add("GET", "/api/v1/enterprise-rates/history",
              {.summary = "The daily history of the rates for the city or one industry, district or size class "
                          "(below the city: your district's only)",
               .tag = "enterprises",
               .permission = read,
               .query = {{"dim", "city (default) | industry | district | size"},
                         {"key", "the section, district code or size"},
                         {"from", "YYYY-MM-DD"},
                         {"to", "YYYY-MM-DD"}}},
              [&E](Context& ctx) -> Result<Reply> {
                // Below the city, a district's own history only.
                if (!RequireCityWide(ctx).ok()) {
                  if (ctx.Query("dim").value_or("city") != "district") {
                    return PermissionDenied("your jurisdiction sees its own district's history (dim=district)");
                  }
                  const std::string key = ctx.Query("key").value_or("");
                  const std::string path = E.DistrictPath(key);
                  if (path.empty()) return NoSuch("district '" + key + "'");
                  TC_RETURN_IF_ERROR(ctx.RequireCovers(path, "district '" + key + "'"));
                }
                TC_ASSIGN_OR_RETURN(auto list, E.History(ctx.Query("dim").value_or("city"), ctx.Query("key").value_or(""),
                                                         ctx.Query("from").value_or(""), ctx.Query("to").value_or("")));
                return JsonReply(Items(list, [](const ent::HistoryRow& h) {
                  json j = RateJson(h.row);
                  j["day"] = h.day;
                  return j;
                }));
              });

  // ---- Material needs ----
  router_.Add("POST", "/api/v1/enterprises/{id}/needs",
              {.summary = "Declare a material need (masks, disinfectant, test_kits, raw_materials, logistics_pass, other)",
               .tag = "enterprises",
               .permission = act,
               .request_schema = R"({"type":"object","required":["kind","item","quantity"]})",
               .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::Need n;
                n.kind = f.String("kind", {.required = true, .max_bytes = 40});
                n.item = f.String("item", {.required = true, .max_bytes = 200});
                n.quantity = f.Number("quantity", true).value_or(0);
                n.unit = f.String("unit", {.max_bytes = 40});
                n.needed_by = f.String("needed_by", {.max_bytes = 10});
                TC_RETURN_IF_ERROR(f.Finish({"kind", "item", "quantity", "unit", "needed_by"}));
                TC_ASSIGN_OR_RETURN(auto out, E.DeclareNeed(id, n, scope, ctx.actor()));
                return JsonReply(NeedJson(out), 201);
              });
  router_.Add("GET", "/api/v1/enterprise-needs",
              {.summary = "Material needs in your jurisdiction", .tag = "enterprises", .permission = read,
               .query = {{"status", "open | matched | fulfilled"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto list, E.Needs(scope, ctx.Query("status").value_or("")));
                return JsonReply(Items(list, NeedJson));
              });
  router_.Add("GET", "/api/v1/enterprise-needs/{id}/allocations",
              {.summary = "What was allocated to a need", .tag = "enterprises", .permission = read},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "need"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto list, E.Allocations(id, scope));
                return JsonReply(Items(list, AllocationJson));
              });
  router_.Add("POST", "/api/v1/enterprise-offers",
              {.summary = "A supply offer to be matched to needs", .tag = "enterprises", .permission = write,
               .request_schema = R"({"type":"object","required":["supplier","kind","item","quantity"]})",
               .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::Offer o;
                o.supplier = f.String("supplier", {.required = true, .max_bytes = 200});
                o.enterprise_id = f.Int("enterprise_id", false).value_or(0);
                o.kind = f.String("kind", {.required = true, .max_bytes = 40});
                o.item = f.String("item", {.required = true, .max_bytes = 200});
                o.quantity = f.Number("quantity", true).value_or(0);
                o.unit = f.String("unit", {.max_bytes = 40});
                o.contact = f.String("contact", {.max_bytes = 200});
                TC_RETURN_IF_ERROR(f.Finish({"supplier", "enterprise_id", "kind", "item", "quantity", "unit", "contact"}));
                TC_ASSIGN_OR_RETURN(auto out, E.AddOffer(o, ctx.actor()));
                return JsonReply(OfferJson(out), 201);
              });
  router_.Add("GET", "/api/v1/enterprise-offers",
              {.summary = "Supply offers", .tag = "enterprises", .permission = read, .query = {{"kind", "a need kind"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, E.Offers(ctx.Query("kind").value_or("")));
                return JsonReply(Items(list, OfferJson));
              });
  router_.Add("POST", "/api/v1/enterprise-needs/match",
              {.summary = "Allocate offers to open needs of the same kind (the same item first), oldest need first",
               .tag = "enterprises",
               .permission = write},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, E.MatchNeeds(ctx.actor()));
                return JsonReply(Items(list, AllocationJson));
              });
  router_.Add("POST", "/api/v1/enterprise-allocations/{id}/fulfil",
              {.summary = "An allocation delivered", .tag = "enterprises", .permission = act},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "allocation"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto a, E.Fulfil(id, scope, ctx.actor()));
                return JsonReply(AllocationJson(a));
              });

  // ---- Liaison officers ----
  router_.Add("PUT", "/api/v1/enterprises/{id}/liaison",
              {.summary = "Assign the enterprise's liaison officer (驻企专员; one officer, one enterprise)",
               .tag = "enterprises",
               .permission = write,
               .request_schema = R"({"type":"object","required":["username"]})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string username = f.String("username", {.required = true, .max_bytes = 64});
                TC_RETURN_IF_ERROR(f.Finish({"username"}));
                TC_RETURN_IF_ERROR(E.AssignLiaison(id, username, scope, ctx.actor()));
                return JsonReply({{"enterprise_id", id}, {"username", username}});
              });
  router_.Add("GET", "/api/v1/liaisons",
              {.summary = "Liaison officers with their enterprise, visits and open items (mine=true: your own)",
               .tag = "enterprises",
               .permission = liaison,
               .query = {{"mine", "true: only the enterprises you serve", "boolean"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(bool mine, ctx.QueryBool("mine", false));
                TC_ASSIGN_OR_RETURN(auto list, E.Liaisons(scope, mine ? ctx.principal().username : ""));
                return JsonReply(Items(list, [](const ent::Liaison& l) {
                  return json{{"enterprise_id", l.enterprise_id}, {"enterprise_name", l.enterprise_name},
                              {"username", l.username}, {"assigned_by", l.assigned_by},
                              {"assigned_at", TimeOrNull(l.assigned_at)}, {"visits", l.visits},
                              {"last_visit", TimeOrNull(l.last_visit)}, {"open_items", l.open_items},
                              {"overdue_items", l.overdue_items}};
                }));
              });
  router_.Add("POST", "/api/v1/enterprises/{id}/visits",
              {.summary = "Log a visit to the enterprise", .tag = "enterprises", .permission = liaison,
               .request_schema = R"({"type":"object","required":["note"]})", .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::Visit v;
                v.note = f.String("note", {.required = true, .max_bytes = 4000});
                TC_RETURN_IF_ERROR(f.Finish({"note", "visited_at"}));
                TC_ASSIGN_OR_RETURN(v.visited_at, TimeField(body, "visited_at", false));
                TC_ASSIGN_OR_RETURN(auto out, E.LogVisit(id, v, scope, ctx.actor()));
                return JsonReply({{"id", out.id}, {"enterprise_id", id}, {"username", out.username},
                                  {"visited_at", TimeOrNull(out.visited_at)}, {"note", out.note}},
                                 201);
              });
  router_.Add("GET", "/api/v1/enterprises/{id}/visits",
              {.summary = "The enterprise's visit log", .tag = "enterprises", .permission = read},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto list, E.Visits(id, scope));
                return JsonReply(Items(list, [](const ent::Visit& v) {
                  return json{{"id", v.id}, {"username", v.username}, {"visited_at", TimeOrNull(v.visited_at)},
                              {"note", v.note}};
                }));
              });
  router_.Add("POST", "/api/v1/enterprises/{id}/items",
              {.summary = "Open an item (a problem to solve) with its deadline", .tag = "enterprises",
               .permission = liaison, .request_schema = R"({"type":"object","required":["title","due_at"]})",
               .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string title = f.String("title", {.required = true, .max_bytes = 400});
                TC_RETURN_IF_ERROR(f.Finish({"title", "due_at"}));
                TC_ASSIGN_OR_RETURN(Millis due, TimeField(body, "due_at", true));
                TC_ASSIGN_OR_RETURN(auto item, E.OpenItem(id, title, due, scope, ctx.actor()));
                return JsonReply(ItemJson(item), 201);
              });
  router_.Add("POST", "/api/v1/enterprise-items/{id}/close",
              {.summary = "Close an item with what was done", .tag = "enterprises", .permission = liaison,
               .request_schema = R"({"type":"object","required":["note"]})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "item"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string note = f.String("note", {.required = true, .max_bytes = 4000});
                TC_RETURN_IF_ERROR(f.Finish({"note"}));
                TC_ASSIGN_OR_RETURN(auto item, E.CloseItem(id, note, scope, ctx.actor()));
                return JsonReply(ItemJson(item));
              });
  router_.Add("GET", "/api/v1/enterprise-items",
              {.summary = "Items in your jurisdiction (open=true: open only; mine=true: of the enterprises you serve)",
               .tag = "enterprises",
               .permission = read,
               .query = {{"open", "true: open items only", "boolean"},
                         {"mine", "true: your enterprises'", "boolean"},
                         {"enterprise", "one enterprise's", "integer"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto scope, NarrowedScope(ctx, E));
                TC_ASSIGN_OR_RETURN(bool open, ctx.QueryBool("open", false));
                TC_ASSIGN_OR_RETURN(bool mine, ctx.QueryBool("mine", false));
                TC_ASSIGN_OR_RETURN(auto list, E.Items(scope, open, mine ? ctx.principal().username : ""));
                return JsonReply(Items(list, ItemJson));
              });

  // ---- Appeals ----
  router_.Add("POST", "/api/v1/enterprises/{id}/appeals",
              {.summary = "An appeal (诉求) filed through the 12345 flow: channel enterprise, high priority, "
                          "classified and dispatched at once",
               .tag = "enterprises",
               .permission = act,
               .request_schema = R"({"type":"object","required":["text"]})",
               .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::AppealInput in;
                in.text = f.String("text", {.required = true, .max_bytes = 32000});
                in.contact_name = f.String("contact_name", {.max_bytes = 100});
                in.phone = f.String("phone", {.max_bytes = 40});
                in.category = f.String("category", {.max_bytes = 64});
                TC_RETURN_IF_ERROR(f.Finish({"text", "contact_name", "phone", "category"}));
                TC_ASSIGN_OR_RETURN(auto a, E.FileAppeal(id, in, scope, ctx.actor()));
                return JsonReply(AppealJson(a), 201);
              });
  router_.Add("GET", "/api/v1/enterprise-appeals",
              {.summary = "Appeals with their hotline workflow times", .tag = "enterprises", .permission = read,
               .query = {{"limit", "1–5000 (default 200)", "integer"}, {"enterprise", "one enterprise's", "integer"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto scope, NarrowedScope(ctx, E));
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 200, 1, 5000));
                TC_ASSIGN_OR_RETURN(auto list, E.Appeals(scope, limit));
                return JsonReply(Items(list, AppealJson));
              });
  router_.Add("GET", "/api/v1/enterprise-appeals/five-fasts",
              {.summary = "The five fasts measured on appeals: deploy (received→dispatched), accept "
                          "(dispatched→accepted), handle and feed back (accepted→resolved), coordinate (returned and "
                          "re-dispatched), in seconds (median and 90th percentile)",
               .tag = "enterprises",
               .permission = read,
               .query = {{"from", "received from (YYYY-MM-DD)"}, {"to", "received before (YYYY-MM-DD)"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                Millis from = 0, to = 0;
                for (auto [k, out] : {std::pair{"from", &from}, {"to", &to}}) {
                  if (auto v = ctx.Query(k)) {
                    auto t = ParseTime(*v + "T00:00:00+08:00");
                    if (!t.ok()) return FieldInvalid(k, "'" + *v + "' is not a date YYYY-MM-DD");
                    *out = *t;
                  }
                }
                TC_ASSIGN_OR_RETURN(auto f, E.MeasureFiveFasts(scope, from, to));
                auto sec = [](double v) { return v < 0 ? json(nullptr) : json(v); };
                return JsonReply({{"appeals", f.appeals},
                                  {"dispatched", f.dispatched},
                                  {"accepted", f.accepted},
                                  {"resolved", f.resolved},
                                  {"closed", f.closed},
                                  {"coordinated", f.coordinated},
                                  {"deploy_p50_s", sec(f.deploy_p50)},
                                  {"deploy_p90_s", sec(f.deploy_p90)},
                                  {"accept_p50_s", sec(f.accept_p50)},
                                  {"accept_p90_s", sec(f.accept_p90)},
                                  {"handle_p50_s", sec(f.handle_p50)},
                                  {"handle_p90_s", sec(f.handle_p90)},
                                  {"satisfaction", f.satisfaction}});
              });

  // ---- Policies ----
  router_.Add("GET", "/api/v1/policies/facts",
              {.summary = "The facts an eligibility rule or benefit formula may name, with their types and meaning",
               .tag = "policies",
               .permission = read},
              [](Context&) -> Result<Reply> {
                json items = json::array();
                for (int i = 0; i < ent::kFactCount; ++i) {
                  const auto& info = ent::InfoOf(ent::Fact(i));
                  items.push_back({{"name", info.name},
                                   {"type", info.type == ent::FactType::kText   ? "text"
                                            : info.type == ent::FactType::kBool ? "bool"
                                                                                : "number"},
                                   {"meaning", info.meaning}});
                }
                return JsonReply({{"items", items}});
              });
  auto policy_input = [](const json& body, bool create) -> Result<ent::PolicyInput> {
    FieldReader f(body);
    ent::PolicyInput in;
    in.code = f.String("code", {.required = create, .max_bytes = 64});
    in.name = f.String("name", {.required = true, .max_bytes = 400});
    in.package = f.String("package", {.max_bytes = 200});
    in.summary = f.String("summary", {.max_bytes = 8000});
    in.rule = f.String("rule", {.required = true, .max_bytes = 8192});
    in.benefit = f.String("benefit", {.required = true, .max_bytes = 8192});
    in.budget = f.Number("budget", false).value_or(0);
    TC_RETURN_IF_ERROR(f.Finish({"code", "name", "package", "summary", "rule", "benefit", "budget"}));
    return in;
  };
  router_.Add("GET", "/api/v1/policies",
              {.summary = "The policy catalogue", .tag = "policies", .permission = read,
               .query = {{"status", "draft | published | retired"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, E.Policies(ctx.Query("status").value_or("")));
                if (ctx.principal().role == auth::Role::kEnterpriseUser) {
                  std::erase_if(list, [](const ent::Policy& p) { return p.status == "draft"; });
                }
                return JsonReply(Items(list, PolicyJson));
              });
  router_.Add("POST", "/api/v1/policies",
              {.summary = "A draft policy: eligibility rule and benefit formula in the policy language "
                          "(docs/policy-rules.md); parse errors name the line and column",
               .tag = "policies",
               .permission = policy,
               .request_schema = R"({"type":"object","required":["code","name","rule","benefit"]})",
               .success_status = 201},
              [&E, policy_input](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                TC_ASSIGN_OR_RETURN(auto in, policy_input(body, true));
                TC_RETURN_IF_ERROR(RequireCityWide(ctx));
                TC_ASSIGN_OR_RETURN(auto p, E.CreatePolicy(in, ctx.actor()));
                return JsonReply(PolicyJson(p), 201);
              });
  router_.Add("GET", "/api/v1/policies/{id}", {.summary = "One policy", .tag = "policies", .permission = read},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "policy"));
                TC_ASSIGN_OR_RETURN(auto p, E.GetPolicy(id));
                if (p.status == "draft" && ctx.principal().role == auth::Role::kEnterpriseUser) {
                  return NoSuch("policy " + std::to_string(id));
                }
                return JsonReply(PolicyJson(p));
              });
  router_.Add("PUT", "/api/v1/policies/{id}",
              {.summary = "Change a draft", .tag = "policies", .permission = policy,
               .request_schema = R"({"type":"object","required":["name","rule","benefit"]})"},
              [&E, policy_input](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "policy"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                TC_ASSIGN_OR_RETURN(auto in, policy_input(body, false));
                TC_RETURN_IF_ERROR(RequireCityWide(ctx));
                TC_ASSIGN_OR_RETURN(auto p, E.UpdatePolicy(id, in, ctx.actor()));
                return JsonReply(PolicyJson(p));
              });
  router_.Add("POST", "/api/v1/policies/dry-run",
              {.summary = "Who a rule and formula would reach and what it would cost, by industry, district and size, "
                          "with the 20 largest benefits; stores nothing",
               .tag = "policies",
               .permission = policy,
               .request_schema = R"({"type":"object","required":["rule","benefit"]})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string rule = f.String("rule", {.required = true, .max_bytes = 8192});
                const std::string benefit = f.String("benefit", {.required = true, .max_bytes = 8192});
                const double budget = f.Number("budget", false).value_or(0);
                TC_RETURN_IF_ERROR(f.Finish({"rule", "benefit", "budget"}));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto d, E.DryRunPolicy(rule, benefit, budget, scope));
                auto rows = [](const std::vector<ent::Breakdown>& v) {
                  json a = json::array();
                  for (const auto& b : v) {
                    a.push_back({{"key", b.key}, {"name", b.name}, {"enterprises", b.enterprises}, {"amount", b.amount}});
                  }
                  return a;
                };
                json sample = json::array();
                for (const auto& [v, amount] : d.sample) {
                  sample.push_back({{"id", v.e.id}, {"name", v.e.name}, {"industry", v.e.industry}, {"size", v.e.size},
                                    {"district_name", v.district_name}, {"amount", amount}});
                }
                return JsonReply({{"enterprises", d.enterprises},
                                  {"considered", d.considered},
                                  {"amount", d.amount},
                                  {"budget", d.budget},
                                  {"over_budget", d.over_budget},
                                  {"by_industry", rows(d.by_industry)},
                                  {"by_district", rows(d.by_district)},
                                  {"by_size", rows(d.by_size)},
                                  {"sample", sample},
                                  {"match_ms", d.match_ms}});
              });
  router_.Add("POST", "/api/v1/policies/{id}/publish",
              {.summary = "Publish a draft: the benefit is pushed to every enterprise that qualifies (免申即享)",
               .tag = "policies",
               .permission = policy},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "policy"));
                TC_RETURN_IF_ERROR(RequireCityWide(ctx));
                TC_ASSIGN_OR_RETURN(auto t, E.Publish(id, ctx.actor()));
                return JsonReply(TotalsJson(t));
              });
  router_.Add("POST", "/api/v1/policies/{id}/retire",
              {.summary = "Retire a policy; benefits nobody acted on are withdrawn", .tag = "policies",
               .permission = policy, .request_schema = R"({"type":"object","required":["reason"]})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "policy"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string reason = f.String("reason", {.required = true, .max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"reason"}));
                TC_RETURN_IF_ERROR(RequireCityWide(ctx));
                TC_ASSIGN_OR_RETURN(auto p, E.Retire(id, reason, ctx.actor()));
                return JsonReply(PolicyJson(p));
              });
  router_.Add("GET", "/api/v1/policy-totals",
              {.summary = "Per published policy: enterprises pushed, confirmed, declined, disbursed; amounts",
               .tag = "policies",
               .permission = read},
              [&E](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, E.Totals());
                json body = Items(list, TotalsJson);
                double pushed = 0, disbursed = 0;
                int64_t entities = 0;
                for (const auto& t : list) {
                  pushed += t.amount_pushed;
                  disbursed += t.amount_disbursed;
                  entities += t.pushed + t.confirmed + t.disbursed;
                }
                body["amount_pushed"] = std::round(pushed * 100) / 100;
                body["amount_disbursed"] = std::round(disbursed * 100) / 100;
                body["benefits"] = entities;
                return JsonReply(body);
              });
  router_.Add("GET", "/api/v1/enterprises/{id}/policies",
              {.summary = "Why the enterprise qualifies or not for each published policy (or ?policy=ID): every "
                          "condition with the enterprise's value, the amount and the benefit's status",
               .tag = "policies",
               .permission = read,
               .query = {{"policy", "one policy id", "integer"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(int64_t policy_id, ctx.QueryInt("policy", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(auto list, E.Explain(id, policy_id, scope));
                return JsonReply(Items(list, [](const ent::PolicyVerdict& v) {
                  json terms = json::array();
                  for (const auto& t : v.terms) {
                    terms.push_back({{"condition", t.condition}, {"holds", t.holds}, {"actual", t.actual}});
                  }
                  return json{{"policy_id", v.policy_id},     {"policy_code", v.policy_code},
                              {"policy_name", v.policy_name}, {"qualifies", v.qualifies},
                              {"amount", v.amount},           {"terms", terms},
                              {"benefit_status", v.benefit_status.empty() ? json(nullptr) : json(v.benefit_status)}};
                }));
              });
  router_.Add("GET", "/api/v1/benefits",
              {.summary = "Benefits pushed (免申即享) in your jurisdiction, or your enterprise's", .tag = "policies",
               .permission = read,
               .query = {{"policy", "a policy id", "integer"},
                         {"status", "pushed | confirmed | declined | disbursed | revoked"},
                         {"limit", "1–10000 (default 500)", "integer"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(int64_t policy_id, ctx.QueryInt("policy", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 500, 1, 10000));
                TC_ASSIGN_OR_RETURN(auto list, E.Benefits(scope, policy_id, ctx.Query("status").value_or(""), limit));
                return JsonReply(Items(list, BenefitJson));
              });
  router_.Add("POST", "/api/v1/benefits/{policy}/{enterprise}/{action}",
              {.summary = "confirm or decline (the enterprise), disburse with the payment's reference (policy.manage)",
               .tag = "policies",
               .permission = read,
               .request_schema = R"({"type":"object","properties":{"reference":{"type":"string"}}})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t policy_id, IdParam(ctx, "policy", "policy"));
                TC_ASSIGN_OR_RETURN(int64_t enterprise_id, IdParam(ctx, "enterprise", "enterprise"));
                const std::string action(ctx.Param("action"));
                TC_RETURN_IF_ERROR(ctx.RequirePermission(action == "disburse" ? kPolicyManage : kEnterpriseAct));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                std::string reference;
                if (!ctx.request().body.empty()) {
                  TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                  FieldReader f(body);
                  reference = f.String("reference", {.max_bytes = 200});
                  TC_RETURN_IF_ERROR(f.Finish({"reference"}));
                }
                TC_ASSIGN_OR_RETURN(auto b, E.ActOnBenefit(policy_id, enterprise_id, action, reference, scope, ctx.actor()));
                return JsonReply(BenefitJson(b));
              });

  // ---- Financing ----
  router_.Add("GET", "/api/v1/bank-products", {.summary = "Banks' credit products", .tag = "economy", .permission = read},
              [&E](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, E.Products());
                return JsonReply(Items(list, ProductJson));
              });
  router_.Add("POST", "/api/v1/bank-products",
              {.summary = "A bank's credit product; its eligibility is a rule of the policy language", .tag = "economy",
               .permission = write,
               .request_schema = R"({"type":"object","required":["bank","name","max_amount","rate","term_months"]})",
               .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::BankProduct p;
                p.bank = f.String("bank", {.required = true, .max_bytes = 200});
                p.name = f.String("name", {.required = true, .max_bytes = 200});
                p.rule = f.String("rule", {.max_bytes = 8192});
                p.max_amount = f.Number("max_amount", true).value_or(0);
                p.rate = f.Number("rate", true).value_or(0);
                p.term_months = f.Int("term_months", true).value_or(0);
                TC_RETURN_IF_ERROR(f.Finish({"bank", "name", "rule", "max_amount", "rate", "term_months"}));
                TC_ASSIGN_OR_RETURN(auto out, E.AddProduct(p, ctx.actor()));
                return JsonReply(ProductJson(out), 201);
              });
  router_.Add("POST", "/api/v1/enterprises/{id}/credit-requests",
              {.summary = "A credit request, answered with the products the enterprise qualifies for", .tag = "economy",
               .permission = act, .request_schema = R"({"type":"object","required":["amount","purpose"]})",
               .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const double amount = f.Number("amount", true).value_or(0);
                const std::string purpose = f.String("purpose", {.required = true, .max_bytes = 1000});
                TC_RETURN_IF_ERROR(f.Finish({"amount", "purpose"}));
                TC_ASSIGN_OR_RETURN(auto c, E.RequestCredit(id, amount, purpose, scope, ctx.actor()));
                return JsonReply(CreditJson(c), 201);
              });
  router_.Add("GET", "/api/v1/credit-requests", {.summary = "Credit requests with eligible products", .tag = "economy",
                                                  .permission = read},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto list, E.CreditRequests(scope));
                return JsonReply(Items(list, CreditJson));
              });
  router_.Add("POST", "/api/v1/credit-requests/{id}/decision",
              {.summary = "Grant (product and amount) or decline (granted 0) a credit request", .tag = "economy",
               .permission = policy, .request_schema = R"({"type":"object","required":["granted"]})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "credit request"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const int64_t product = f.Int("product_id", false).value_or(0);
                const double granted = f.Number("granted", true).value_or(0);
                TC_RETURN_IF_ERROR(f.Finish({"product_id", "granted"}));
                TC_RETURN_IF_ERROR(RequireCityWide(ctx));
                TC_ASSIGN_OR_RETURN(auto c, E.DecideCredit(id, product, granted, ctx.actor()));
                return JsonReply(CreditJson(c));
              });

  // ---- Vouchers ----
  router_.Add("GET", "/api/v1/voucher-batches",
              {.summary = "Consumption voucher batches with issued, redeemed, spending drawn and the leverage ratio "
                          "(spending / voucher value redeemed)",
               .tag = "economy",
               .permission = read},
              [&E](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, E.Batches());
                json body = Items(list, BatchJson);
                double spend = 0, value = 0;
                for (const auto& b : list) {
                  spend += b.spend;
                  value += b.value_redeemed;
                }
                body["spend"] = spend;
                body["value_redeemed"] = value;
                body["leverage"] = value > 0 ? spend / value : 0;
                return JsonReply(body);
              });
  router_.Add("POST", "/api/v1/voucher-batches",
              {.summary = "A voucher batch: 满 min_spend 减 face_value, how many, valid window, merchants' sections",
               .tag = "economy",
               .permission = write,
               .request_schema = R"({"type":"object","required":["name","face_value","min_spend","total","valid_from","valid_to"]})",
               .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::VoucherBatch b;
                b.name = f.String("name", {.required = true, .max_bytes = 200});
                b.face_value = f.Number("face_value", true).value_or(0);
                b.min_spend = f.Number("min_spend", true).value_or(0);
                b.total = f.Int("total", true).value_or(0);
                b.industries = f.String("industries", {.max_bytes = 100});
                TC_RETURN_IF_ERROR(f.Finish({"name", "face_value", "min_spend", "total", "industries", "valid_from", "valid_to"}));
                TC_ASSIGN_OR_RETURN(b.valid_from, TimeField(body, "valid_from", true));
                TC_ASSIGN_OR_RETURN(b.valid_to, TimeField(body, "valid_to", true));
                TC_ASSIGN_OR_RETURN(auto out, E.CreateBatch(b, ctx.actor()));
                return JsonReply(BatchJson(out), 201);
              });
  router_.Add("POST", "/api/v1/voucher-batches/{id}/issue",
              {.summary = "Issue a voucher of the batch to a phone (one per holder per batch)", .tag = "economy",
               .permission = write, .request_schema = R"({"type":"object","required":["phone"]})", .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "voucher batch"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string phone = f.String("phone", {.required = true, .max_bytes = 40});
                TC_RETURN_IF_ERROR(f.Finish({"phone"}));
                TC_ASSIGN_OR_RETURN(auto v, E.IssueVoucher(id, phone, ctx.actor()));
                return JsonReply(VoucherJson(v), 201);
              });
  router_.Add("POST", "/api/v1/vouchers/redeem",
              {.summary = "A merchant redeems a voucher on a purchase (spend in yuan)", .tag = "economy",
               .permission = act,
               .request_schema = R"({"type":"object","required":["code","merchant_id","spend"]})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string code = f.String("code", {.required = true, .max_bytes = 64});
                const int64_t merchant = f.Int("merchant_id", true).value_or(0);
                const double spend = f.Number("spend", true).value_or(0);
                TC_RETURN_IF_ERROR(f.Finish({"code", "merchant_id", "spend"}));
                TC_ASSIGN_OR_RETURN(auto v, E.Redeem(code, merchant, spend, scope, ctx.actor()));
                return JsonReply(VoucherJson(v));
              });

  // ---- Jobs ----
  router_.Add("POST", "/api/v1/enterprises/{id}/jobs",
              {.summary = "A job posting", .tag = "economy", .permission = act,
               .request_schema = R"({"type":"object","required":["title","openings"]})", .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "enterprise"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::JobPosting p;
                p.title = f.String("title", {.required = true, .max_bytes = 200});
                p.openings = f.Int("openings", true).value_or(0);
                p.wage_min = f.Number("wage_min", false).value_or(0);
                p.wage_max = f.Number("wage_max", false).value_or(p.wage_min);
                p.for_kinds = f.String("for_kinds", {.max_bytes = 100});
                TC_RETURN_IF_ERROR(f.Finish({"title", "openings", "wage_min", "wage_max", "for_kinds"}));
                TC_ASSIGN_OR_RETURN(auto out, E.PostJob(id, p, scope, ctx.actor()));
                return JsonReply(PostingJson(out), 201);
              });
  router_.Add("GET", "/api/v1/jobs", {.summary = "Job postings", .tag = "economy", .permission = read},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto list, E.Postings(scope));
                return JsonReply(Items(list, PostingJson));
              });
  router_.Add("POST", "/api/v1/job-seekers",
              {.summary = "A job seeker (returning_farmer, graduate, other)", .tag = "economy", .permission = write,
               .request_schema = R"({"type":"object","required":["name","phone","kind"]})", .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::JobSeeker s;
                s.name = f.String("name", {.required = true, .max_bytes = 100});
                s.phone = f.String("phone", {.required = true, .max_bytes = 40});
                s.kind = f.String("kind", {.required = true, .max_bytes = 40});
                s.district_code = f.String("district_code", {.max_bytes = 32});
                s.industries = f.String("industries", {.max_bytes = 100});
                s.wage_min = f.Number("wage_min", false).value_or(0);
                TC_RETURN_IF_ERROR(f.Finish({"name", "phone", "kind", "district_code", "industries", "wage_min"}));
                TC_ASSIGN_OR_RETURN(auto out, E.AddSeeker(s, ctx.actor()));
                return JsonReply({{"id", out.id}, {"name", out.name}, {"phone", registry::MaskPhone(out.phone)},
                                  {"kind", out.kind}, {"district_code", out.district_code},
                                  {"industries", out.industries}, {"wage_min", out.wage_min}, {"status", out.status}},
                                 201);
              });
  router_.Add("POST", "/api/v1/jobs/match",
              {.summary = "Match seekers to open postings and push the best few to each", .tag = "economy",
               .permission = write, .query = {{"per_seeker", "1–20 (default 3)", "integer"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t n, ctx.QueryInt("per_seeker", 3, 1, 20));
                TC_ASSIGN_OR_RETURN(auto list, E.MatchJobs(int(n), ctx.actor()));
                return JsonReply(Items(list, MatchJson));
              });
  router_.Add("GET", "/api/v1/job-matches",
              {.summary = "Pushed matches", .tag = "economy", .permission = read,
               .query = {{"seeker", "a seeker id", "integer"}, {"posting", "a posting id", "integer"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t seeker, ctx.QueryInt("seeker", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(int64_t posting, ctx.QueryInt("posting", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(auto list, E.Matches(seeker, posting));
                if (scope.enterprise_id > 0) {
                  // An enterprise sees the matches of its own postings only.
                  TC_ASSIGN_OR_RETURN(auto mine, E.Postings(scope));
                  std::erase_if(list, [&](const ent::JobMatch& m) {
                    return std::none_of(mine.begin(), mine.end(), [&](const auto& p) { return p.id == m.posting_id; });
                  });
                }
                return JsonReply(Items(list, MatchJson));
              });
  router_.Add("POST", "/api/v1/jobs/{id}/hire",
              {.summary = "Hire a matched seeker", .tag = "economy", .permission = act,
               .request_schema = R"({"type":"object","required":["seeker_id"]})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "posting"));
                TC_ASSIGN_OR_RETURN(auto scope, EnterpriseScope(ctx, E));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const int64_t seeker = f.Int("seeker_id", true).value_or(0);
                TC_RETURN_IF_ERROR(f.Finish({"seeker_id"}));
                TC_ASSIGN_OR_RETURN(auto m, E.Hire(id, seeker, scope, ctx.actor()));
                return JsonReply(MatchJson(m));
              });

  // ---- Major projects ----
  router_.Add("GET", "/api/v1/projects",
              {.summary = "Major projects with start against plan (late: planned start passed, not started)",
               .tag = "economy", .permission = read, .query = {{"district", "a district code"}}},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, E.Projects(ctx.Query("district").value_or("")));
                json body = Items(list, ProjectJson);
                const auto s = E.SummarizeProjects();
                body["summary"] = {{"projects", s.projects}, {"started", s.started}, {"late", s.late},
                                   {"stopped", s.stopped}, {"investment", s.investment},
                                   {"investment_started", s.investment_started}};
                return JsonReply(body);
              });
  router_.Add("POST", "/api/v1/projects",
              {.summary = "A major project with its planned start", .tag = "economy", .permission = write,
               .request_schema = R"({"type":"object","required":["name","district_code","investment","planned_start"]})",
               .success_status = 201},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                ent::Project p;
                p.name = f.String("name", {.required = true, .max_bytes = 200});
                p.district_code = f.String("district_code", {.required = true, .max_bytes = 32});
                p.enterprise_id = f.Int("enterprise_id", false).value_or(0);
                p.investment = f.Number("investment", true).value_or(0);
                p.planned_start = f.String("planned_start", {.required = true, .max_bytes = 10});
                p.note = f.String("note", {.max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"name", "district_code", "enterprise_id", "investment", "planned_start", "note"}));
                TC_RETURN_IF_ERROR(RequireDistrict(ctx, E, p.district_code));
                TC_ASSIGN_OR_RETURN(auto out, E.AddProject(p, ctx.actor()));
                return JsonReply(ProjectJson(out), 201);
              });
  router_.Add("POST", "/api/v1/projects/{id}/status",
              {.summary = "planned → started → stopped ⇄ resumed → completed, on a day", .tag = "economy",
               .permission = write, .request_schema = R"({"type":"object","required":["status"]})"},
              [&E](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "project"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string status = f.String("status", {.required = true, .max_bytes = 20});
                const std::string day = f.String("day", {.max_bytes = 10});
                const std::string note = f.String("note", {.max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"status", "day", "note"}));
                TC_ASSIGN_OR_RETURN(auto p, E.SetProjectStatus(id, status, day, note, ctx.actor()));
                return JsonReply(ProjectJson(p));
              });
}

}  // namespace tc::api
