// Livelihood (民生保障; docs/livelihood.md) — so far return home (返乡): registration by the
// grid, review, report to the destination, its confirmation, release with point-to-point
// transport, departure and the hand-over that closes the loop; the open-loop report and
// each day's flow with its bottleneck stage. Everything under the caller's node; phones
// masked.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "auth/roles.h"
#include "livelihood/returns.h"
#include "registry/id_number.h"

namespace tc::api {

using nlohmann::json;
namespace lh = livelihood;

namespace {

json TimeOrNull(Millis t) { return t ? json(FormatShanghai(t)) : json(nullptr); }

json ReturnJson(const lh::ReturnRecord& r) {
  const lh::ReturnHome& a = r.app;
  json history = json::array();
  for (const auto& s : a.history) history.push_back({{"state", lh::ReturnStateName(s.state)}, {"at", FormatShanghai(s.at)}});
  json transport = nullptr;
  if (!a.transport.vehicle.empty()) {
    transport = {{"vehicle", a.transport.vehicle},
                 {"pickup_point", a.transport.pickup_point},
                 {"escort", a.transport.escort},
                 {"scheduled_at", TimeOrNull(a.transport.scheduled_at)}};
  }
  return {{"id", r.id},
          {"resident_id", a.resident_id},
          {"name", r.name},
          {"origin_area", a.origin_area},
          {"destination", a.destination},
          {"phone", registry::MaskPhone(a.phone)},
          {"state", lh::ReturnStateName(a.state)},
          {"since", TimeOrNull(a.since())},
          {"transport", transport},
          {"reason", a.reason.empty() ? json(nullptr) : json(a.reason)},
          {"received_by", a.received_by.empty() ? json(nullptr) : json(a.received_by)},
          {"history", history},
          {"created_by", r.created_by}};
}

lh::ReturnScope ScopeOf(const Context& ctx) { return {.under_path = ctx.principal().area_path}; }

json ReliefJson(const lh::ReliefRecord& r) {
  const lh::ReliefApplication& a = r.app;
  return {{"id", r.id},
          {"resident_id", a.resident_id},
          {"name", r.name},
          {"district_code", a.facts.district_code},
          {"welfare", a.facts.welfare},
          {"quarantined", a.facts.quarantined},
          {"lost_income", a.facts.lost_income},
          {"state", lh::ReliefStateName(a.state)},
          {"eligible", r.eligibility.eligible},
          {"eligible_rule", r.eligibility.rule.empty() ? json(nullptr) : json(r.eligibility.rule)},
          {"eligible_amount_fen", r.eligibility.amount_fen},
          {"matched_rules", r.eligibility.matched},
          {"rule", a.rule.empty() ? json(nullptr) : json(a.rule)},
          {"amount_fen", a.amount_fen},
          {"payment_ref", a.payment_ref.empty() ? json(nullptr) : json(a.payment_ref)},
          {"reason", a.reason.empty() ? json(nullptr) : json(a.reason)},
          {"applied_at", TimeOrNull(a.applied_at)},
          {"approved_at", TimeOrNull(a.approved_at)},
          {"paid_at", TimeOrNull(a.paid_at)},
          {"rejected_at", TimeOrNull(a.rejected_at)}};
}

}  // namespace

void Api::AddLivelihoodRoutes() {
  using namespace auth::perm;
  lh::ReturnHomes& R = deps_.returns;
  lh::Reliefs& F = deps_.reliefs;
  const std::string read(kLivelihoodRead), write(kLivelihoodWrite);

  router_.Add("POST", "/api/v1/returns",
              {.summary = "Register a return-home application (返乡登记) for a resident stranded in your area",
               .tag = "livelihood",
               .permission = write,
               .request_schema = R"({"type":"object","required":["resident_id","origin_area","destination"]})",
               .success_status = 201},
              [&R](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                lh::NewReturn n;
                n.resident_id = f.Int("resident_id", true).value_or(0);
                n.origin_area = f.String("origin_area", {.required = true, .max_bytes = 64});
                n.destination = f.String("destination", {.required = true, .max_bytes = 400});
                n.phone = f.String("phone", {.max_bytes = 40});
                TC_RETURN_IF_ERROR(f.Finish({"resident_id", "origin_area", "destination", "phone"}));
                TC_ASSIGN_OR_RETURN(auto r, R.Create(n, ScopeOf(ctx), ctx.actor()));
                return JsonReply(ReturnJson(r), 201);
              });
  router_.Add("GET", "/api/v1/returns",
              {.summary = "Return-home applications under your node, newest first", .tag = "livelihood",
               .permission = read,
               .query = {{"state", "applied | reviewed | reported | confirmed | released | departed | arrived | "
                                   "rejected | declined | cancelled"},
                         {"limit", "1–5000 (default 200)", "integer"}}},
              [&R](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 200, 1, 5000));
                TC_ASSIGN_OR_RETURN(auto list, R.List(ScopeOf(ctx), ctx.Query("state").value_or(""), limit));
                json items = json::array();
                for (const auto& r : list) items.push_back(ReturnJson(r));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/returns/open-loop",
              {.summary = "Everyone waiting in a stage past its deadline (the closed loop's gaps), longest first",
               .tag = "livelihood",
               .permission = read},
              [&R](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, R.OpenLoop(ScopeOf(ctx)));
                json items = json::array();
                for (const auto& s : list) {
                  json j = ReturnJson(s.record);
                  j["due_by"] = TimeOrNull(s.due_by);
                  items.push_back(std::move(j));
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/returns/flow",
              {.summary = "Per day: each stage's entries, exits, queue and median time, and the bottleneck stage",
               .tag = "livelihood",
               .permission = read,
               .query = {{"from", "YYYY-MM-DD"}, {"to", "YYYY-MM-DD"}}},
              [&R](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto days, R.Flow(ctx.Query("from").value_or(""), ctx.Query("to").value_or(""),
                                                      ScopeOf(ctx)));
                json items = json::array();
                for (const auto& d : days) {
                  int y = 0, m = 0, dd = 0;
                  CivilFromDays(d.day, y, m, dd);
                  char date[11];
                  std::snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, dd);
                  json stages = json::array();
                  for (size_t i = 0; i < lh::kStages.size(); ++i) {
                    const auto& s = d.stages[i];
                    stages.push_back({{"stage", lh::ReturnStateName(lh::kStages[i])},
                                      {"entered", s.entered},
                                      {"left", s.left},
                                      {"queue", s.queue},
                                      {"median_hours", double(s.median_ms) / 3'600'000.0}});
                  }
                  items.push_back({{"day", date},
                                   {"stages", stages},
                                   {"bottleneck", d.has_bottleneck ? json(lh::ReturnStateName(d.bottleneck)) : json(nullptr)}});
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/returns/{id}", {.summary = "One application with its history", .tag = "livelihood",
                                              .permission = read},
              [&R](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "return application"));
                TC_ASSIGN_OR_RETURN(auto r, R.Get(id, ScopeOf(ctx)));
                return JsonReply(ReturnJson(r));
              });
  router_.Add("POST", "/api/v1/returns/{id}/actions",
              {.summary = "review | reject (reason) | report | confirm | decline (reason) | release (vehicle, "
                          "pickup_point, scheduled_at, escort) | depart | arrive (received_by) | cancel (reason); "
                          "a step out of turn is refused with the reason",
               .tag = "livelihood",
               .permission = write,
               .request_schema = R"({"type":"object","required":["action"]})"},
              [&R](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "return application"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string action = f.String("action", {.required = true, .max_bytes = 20});
                lh::ReturnAction a;
                a.reason = f.String("reason", {.max_bytes = 2000});
                a.received_by = f.String("received_by", {.max_bytes = 200});
                a.transport.vehicle = f.String("vehicle", {.max_bytes = 40});
                a.transport.pickup_point = f.String("pickup_point", {.max_bytes = 200});
                a.transport.escort = f.String("escort", {.max_bytes = 200});
                const std::string when = f.String("scheduled_at", {.max_bytes = 40});
                TC_RETURN_IF_ERROR(f.Finish({"action", "reason", "received_by", "vehicle", "pickup_point", "escort",
                                             "scheduled_at"}));
                if (!lh::ParseReturnAction(action, &a.kind)) {
                  return FieldInvalid("action", "'" + action + "' is not review, reject, report, confirm, decline, "
                                                               "release, depart, arrive or cancel");
                }
                if (!when.empty()) {
                  auto t = ParseTime(when);
                  if (!t.ok()) return FieldInvalid("scheduled_at", t.status().message());
                  a.transport.scheduled_at = *t;
                }
                TC_ASSIGN_OR_RETURN(auto r, R.Act(id, a, ScopeOf(ctx), ctx.actor()));
                return JsonReply(ReturnJson(r));
              });

  // ---- Relief payments ----
  router_.Add("POST", "/api/v1/reliefs",
              {.summary = "Apply for relief (困难群众救助) for a resident under your node: the registry's care tags "
                          "plus the declared 低保/特困 status (welfare bits 1/2), quarantine and lost income; the "
                          "answer says whether and how much the rules give",
               .tag = "livelihood",
               .permission = write,
               .request_schema = R"({"type":"object","required":["resident_id"]})",
               .success_status = 201},
              [&F](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const int64_t resident = f.Int("resident_id", true).value_or(0);
                lh::ReliefDeclaration d;
                d.welfare = f.Int("welfare", false).value_or(0);
                d.quarantined = f.Bool("quarantined", false).value_or(false);
                d.lost_income = f.Bool("lost_income", false).value_or(false);
                TC_RETURN_IF_ERROR(f.Finish({"resident_id", "welfare", "quarantined", "lost_income"}));
                TC_ASSIGN_OR_RETURN(auto r, F.Submit(resident, d, ctx.principal().area_path, ctx.actor()));
                return JsonReply(ReliefJson(r), 201);
              });
  router_.Add("GET", "/api/v1/reliefs",
              {.summary = "Relief applications under your node, newest first", .tag = "livelihood", .permission = read,
               .query = {{"state", "applied | approved | paid | rejected"}, {"limit", "1–5000 (default 200)", "integer"}}},
              [&F](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 200, 1, 5000));
                TC_ASSIGN_OR_RETURN(auto list, F.List(ctx.principal().area_path, ctx.Query("state").value_or(""), limit));
                json items = json::array();
                for (const auto& r : list) items.push_back(ReliefJson(r));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/reliefs/totals",
              {.summary = "Relief by district: applications by state, amounts approved, paid and unpaid (fen)",
               .tag = "livelihood", .permission = read},
              [&F](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto totals, F.Totals(ctx.principal().area_path));
                json items = json::array();
                for (const auto& t : totals) {
                  items.push_back({{"district_code", t.district_code}, {"applications", t.applications},
                                   {"pending", t.pending}, {"approved", t.approved}, {"paid", t.paid},
                                   {"rejected", t.rejected}, {"approved_fen", t.approved_fen},
                                   {"paid_fen", t.paid_fen}, {"unpaid_fen", t.unpaid_fen}});
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/reliefs/{id}", {.summary = "One relief application", .tag = "livelihood",
                                              .permission = read},
              [&F](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "relief application"));
                TC_ASSIGN_OR_RETURN(auto r, F.Get(id, ctx.principal().area_path));
                return JsonReply(ReliefJson(r));
              });
  router_.Add("POST", "/api/v1/reliefs/{id}/actions",
              {.summary = "approve (the amount the rules give, fixed with their version) | pay (payment_ref) | "
                          "reject (reason); refused with the reason when it may not follow",
               .tag = "livelihood",
               .permission = write,
               .request_schema = R"({"type":"object","required":["action"]})"},
              [&F](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "relief application"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string action = f.String("action", {.required = true, .max_bytes = 20});
                lh::ReliefAction a;
                a.payment_ref = f.String("payment_ref", {.max_bytes = 200});
                a.reason = f.String("reason", {.max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"action", "payment_ref", "reason"}));
                if (!lh::ParseReliefAction(action, &a.kind)) {
                  return FieldInvalid("action", "'" + action + "' is not approve, pay or reject");
                }
                TC_ASSIGN_OR_RETURN(auto r, F.Act(id, a, ctx.principal().area_path, ctx.actor()));
                return JsonReply(ReliefJson(r));
              });
}

}  // namespace tc::api
