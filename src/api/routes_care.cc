// The special-care roster (特殊群体关爱; docs/livelihood.md): today's call lists — a grid
// worker sees only their own, others every list under their node — calls with their
// outcome and needs (each need a task), the tasks, the escalations to the grid's head,
// and the roster's rules (the city's admin sets them). Phones masked unless unmask=true.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "auth/roles.h"
#include "livelihood/care.h"
#include "registry/id_number.h"

namespace tc::api {

using nlohmann::json;
namespace lh = livelihood;

livelihood::CareWorkerSource GridWorkers(auth::Accounts& accounts) {
  return [&accounts]() -> Result<std::vector<lh::CareWorkerAccount>> {
    TC_ASSIGN_OR_RETURN(auto users, accounts.ListUsers("/"));
    std::vector<lh::CareWorkerAccount> out;
    for (const auto& u : users) {
      if (u.role == auth::Role::kGridWorker && !u.disabled) out.push_back({u.id, u.username, u.area_code});
    }
    return out;
  };
}

namespace {

json TimeOrNull(Millis t) { return t ? json(FormatShanghai(t)) : json(nullptr); }

json CallerJson(const lh::CareCaller& c, bool unmask) {
  json j = {{"kind", lh::CareCallerKindName(c.kind)}};
  if (c.kind == lh::CareCaller::Kind::kWorker) {
    j["user_id"] = c.user_id;
    j["username"] = c.username;
  } else if (c.kind == lh::CareCaller::Kind::kGridHead) {
    j["resident_id"] = c.resident_id;
    j["name"] = c.name;
    j["phone"] = unmask ? c.phone : registry::MaskPhone(c.phone);
  }
  return j;
}

json NeedsJson(const std::vector<lh::NeedItem>& needs) {
  json out = json::array();
  for (const auto& n : needs) out.push_back({{"kind", lh::NeedKindName(n.kind)}, {"note", n.note}});
  return out;
}

json CallJson(const lh::Call& c) {
  return {{"at", FormatShanghai(c.at)},
          {"outcome", lh::CallOutcomeName(c.outcome)},
          {"needs", NeedsJson(c.needs)},
          {"note", c.note}};
}

json EntryJson(const lh::CallEntry& e, bool unmask) {
  json kinds = json::array();
  for (auto k : e.kinds) kinds.push_back(lh::CareKindName(k));
  return {{"resident_id", e.resident_id},
          {"name", e.name},
          {"phone", unmask ? e.phone : registry::MaskPhone(e.phone)},
          {"kinds", kinds},
          {"priority", e.priority},
          {"grid_code", e.grid_code.empty() ? json(nullptr) : json(e.grid_code)},
          {"called_today", e.called_today},
          {"misses_in_row", e.misses_in_row},
          {"last_call", e.has_last_call ? CallJson(e.last_call) : json(nullptr)}};
}

json TaskJson(const lh::CareTask& t) {
  return {{"id", t.id},
          {"call_id", t.call_id},
          {"resident_id", t.resident_id},
          {"name", t.resident_name},
          {"kind", lh::NeedKindName(t.kind)},
          {"detail", t.detail},
          {"state", t.done ? "done" : "open"},
          {"raised_by", t.raised_by},
          {"raised_at", FormatShanghai(t.raised_at)},
          {"due_by", FormatShanghai(t.due_by)},
          {"closed_by", t.closed_by.empty() ? json(nullptr) : json(t.closed_by)},
          {"closed_at", TimeOrNull(t.closed_at)},
          {"close_note", t.close_note}};
}

json CallRecordJson(const lh::CareCallRecord& r) {
  json j = CallJson(r.call);
  j["id"] = r.id;
  j["resident_id"] = r.call.resident_id;
  j["name"] = r.resident_name;
  j["worker"] = r.worker_name;
  json tasks = json::array();
  for (const auto& t : r.tasks) tasks.push_back(TaskJson(t));
  j["tasks"] = tasks;
  return j;
}

json RulesJson(const lh::CareRules& r) {
  json j = json::parse(lh::CareRulesJson(r));
  j["version"] = r.version;
  j["changed_by"] = r.changed_by.empty() ? json(nullptr) : json(r.changed_by);
  j["changed_at"] = TimeOrNull(r.changed_at);
  j["reason"] = r.reason.empty() ? json(nullptr) : json(r.reason);
  return j;
}

// A grid worker sees only their own list (and the escalations of their people).
lh::CareView ViewOf(const Context& ctx) {
  const auth::Principal& p = ctx.principal();
  return {.under_path = p.area_path, .only_worker = p.role == auth::Role::kGridWorker ? p.user_id : 0};
}

Result<bool> Unmask(const Context& ctx) {
  TC_ASSIGN_OR_RETURN(bool unmask, ctx.QueryBool("unmask", false));
  if (unmask) TC_RETURN_IF_ERROR(ctx.RequirePermission(auth::perm::kPersonalUnmask));
  return unmask;
}

}  // namespace

void Api::AddCareRoutes() {
  using namespace auth::perm;
  lh::CareRoster& C = deps_.care;
  const std::string read(kLivelihoodRead), write(kLivelihoodWrite);
  const Clock& clock = deps_.clock;

  router_.Add("GET", "/api/v1/care/lists",
              {.summary = "Today's special-care call lists (特殊群体关爱): a grid worker gets only their own; others "
                          "every list under their node (workers, then grid heads, then people nobody covers)",
               .tag = "livelihood",
               .permission = read,
               .query = {{"worker", "a grid worker's username: only their list"},
                         {"unmask", "true: phones in full (personal.unmask), to dial", "boolean"}}},
              [&C, &clock](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(bool unmask, Unmask(ctx));
                TC_ASSIGN_OR_RETURN(auto lists, C.Lists(ViewOf(ctx)));
                const std::string worker = ctx.Query("worker").value_or("");
                json items = json::array();
                for (const auto& l : lists) {
                  if (!worker.empty() && l.caller.username != worker) continue;
                  json entries = json::array();
                  for (const auto& e : l.entries) entries.push_back(EntryJson(e, unmask));
                  items.push_back({{"caller", CallerJson(l.caller, unmask)},
                                   {"total", l.entries.size()},
                                   {"called_today", l.called_today},
                                   {"entries", entries}});
                }
                return JsonReply({{"date", DateShanghai(clock.Now())}, {"items", items}});
              });
  router_.Add("POST", "/api/v1/care/calls",
              {.summary = "Record a call to someone on the roster: outcome reached_ok | reached_with_needs (needs: "
                          "[{kind: medicine | food | medical_visit | other, note}], each becomes a task) | "
                          "not_reached (two in a row escalate to the grid's head)",
               .tag = "livelihood",
               .permission = write,
               .request_schema = R"({"type":"object","required":["resident_id","outcome"],"properties":{
                 "resident_id":{"type":"integer"},"outcome":{"type":"string"},"note":{"type":"string"},
                 "needs":{"type":"array","items":{"type":"object","required":["kind"],"properties":{
                 "kind":{"type":"string"},"note":{"type":"string"}}}}}})",
               .success_status = 201},
              [&C](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                lh::CareCallInput in;
                in.resident_id = f.Int("resident_id", true).value_or(0);
                in.outcome = f.String("outcome", {.required = true, .max_bytes = 40});
                in.note = f.String("note", {.max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"resident_id", "outcome", "note", "needs"}));
                if (body.contains("needs")) {
                  const json& needs = body["needs"];
                  if (!needs.is_array() || needs.size() > 20) return FieldInvalid("needs", "is an array of up to 20 needs");
                  for (size_t i = 0; i < needs.size(); ++i) {
                    const std::string at = "needs[" + std::to_string(i) + "]";
                    const json& n = needs[i];
                    if (!n.is_object() || !n.contains("kind") || !n["kind"].is_string()) {
                      return FieldInvalid(at + ".kind", "each need is an object with a kind");
                    }
                    const json note = n.value("note", json(""));
                    if (!note.is_string() || note.get<std::string>().size() > 500) {
                      return FieldInvalid(at + ".note", "is a text of at most 500 bytes");
                    }
                    in.needs.emplace_back(n["kind"].get<std::string>(), note.get<std::string>());
                  }
                }
                const auth::Principal& p = ctx.principal();
                TC_ASSIGN_OR_RETURN(auto r, C.Record(in, {p.user_id, p.username, p.area_code}, p.area_path, ctx.actor()));
                return JsonReply(CallRecordJson(r), 201);
              });
  router_.Add("GET", "/api/v1/care/residents/{id}/calls",
              {.summary = "A rostered resident's calls, newest first, with the tasks each raised", .tag = "livelihood",
               .permission = read,
               .query = {{"limit", "1–1000 (default 50)", "integer"}}},
              [&C](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "resident"));
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 50, 1, 1000));
                TC_ASSIGN_OR_RETURN(auto calls, C.Calls(id, ctx.principal().area_path, limit));
                json items = json::array();
                for (const auto& c : calls) items.push_back(CallRecordJson(c));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/care/tasks",
              {.summary = "The tasks calls' needs became, under your node: open ones by due time, done ones newest "
                          "first",
               .tag = "livelihood",
               .permission = read,
               .query = {{"state", "open | done"}, {"limit", "1–5000 (default 200)", "integer"}}},
              [&C](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 200, 1, 5000));
                TC_ASSIGN_OR_RETURN(auto tasks, C.Tasks(ctx.principal().area_path, ctx.Query("state").value_or(""), limit));
                json items = json::array();
                for (const auto& t : tasks) items.push_back(TaskJson(t));
                return JsonReply({{"items", items}});
              });
  router_.Add("POST", "/api/v1/care/tasks/{id}/close",
              {.summary = "Close an open task (what was done); a task closed already is refused",
               .tag = "livelihood",
               .permission = write,
               .request_schema = R"({"type":"object","properties":{"note":{"type":"string"}}})"},
              [&C](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "care task"));
                std::string note;
                if (!ctx.request().body.empty()) {
                  TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                  FieldReader f(body);
                  note = f.String("note", {.max_bytes = 2000});
                  TC_RETURN_IF_ERROR(f.Finish({"note"}));
                }
                TC_ASSIGN_OR_RETURN(auto t, C.CloseTask(id, note, ctx.principal().area_path, ctx.actor()));
                return JsonReply(TaskJson(t));
              });
  router_.Add("GET", "/api/v1/care/escalations",
              {.summary = "Who needs the grid's head now: missed calls in a row, or no call by the rules' deadline; "
                          "a grid worker sees those of their own list",
               .tag = "livelihood",
               .permission = read,
               .query = {{"grid", "a grid code: that grid's (its head's list)"},
                         {"unmask", "true: phones in full (personal.unmask)", "boolean"}}},
              [&C](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(bool unmask, Unmask(ctx));
                TC_ASSIGN_OR_RETURN(auto list, C.EscalationsNow(ViewOf(ctx), ctx.Query("grid").value_or("")));
                json items = json::array();
                for (const auto& x : list) {
                  const lh::Escalation& e = x.escalation;
                  items.push_back({{"resident_id", e.resident_id},
                                   {"name", x.resident_name},
                                   {"phone", unmask ? x.resident_phone : registry::MaskPhone(x.resident_phone)},
                                   {"grid_code", e.grid_code.empty() ? json(nullptr) : json(e.grid_code)},
                                   {"reason", lh::EscalationReasonName(e.reason)},
                                   {"misses", e.misses},
                                   {"to", CallerJson(x.to, unmask)},
                                   {"caller", CallerJson(x.caller, unmask)}});
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/care/rules",
              {.summary = "The roster's rules in force (which care tags, priorities, misses in a row, the call "
                          "deadline, each need's hours) and every earlier version",
               .tag = "livelihood",
               .permission = read},
              [&C](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto history, C.RulesHistory());
                json versions = json::array();
                for (const auto& r : history) versions.push_back(RulesJson(r));
                return JsonReply({{"current", versions.at(0)}, {"versions", versions}});
              });
  router_.Add("PUT", "/api/v1/care/rules",
              {.summary = "A new version of the roster's rules on top of the current one (the city's admin)",
               .tag = "livelihood",
               .permission = write,
               .request_schema = R"({"type":"object","required":["rules","reason"],"properties":{
                 "rules":{"type":"object"},"reason":{"type":"string"}}})"},
              [&C](Context& ctx) -> Result<Reply> {
                const auth::Principal& p = ctx.principal();
                if (p.role != auth::Role::kAdmin || std::count(p.area_path.begin(), p.area_path.end(), '/') > 2) {
                  return PermissionDenied("the special-care rules are the city's: only the city's admin sets them");
                }
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                if (!body.contains("rules") || !body["rules"].is_object()) return FieldInvalid("rules", "rules is an object");
                FieldReader f(body);
                const std::string reason = f.String("reason", {.required = true, .max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"rules", "reason"}));
                TC_ASSIGN_OR_RETURN(auto r, C.SetRules(body["rules"].dump(), reason, ctx.actor()));
                return JsonReply(RulesJson(r));
              });
}

}  // namespace tc::api
