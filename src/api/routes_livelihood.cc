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

}  // namespace

void Api::AddLivelihoodRoutes() {
  using namespace auth::perm;
  lh::ReturnHomes& R = deps_.returns;
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
}

}  // namespace tc::api
