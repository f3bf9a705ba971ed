// Checkpoints (卡口) and transport permits (通行证): checkpoints with their staff, a
// scanned code or permit decided and logged, manual entries, the masked passage log,
// hourly statistics and per-checkpoint totals; permits issued, listed, shown with
// their QR and revoked (docs/health-codes.md, "Checkpoints and permits"). A
// checkpoint_staff account works only at the checkpoints that name it; everyone else
// at those under their node; any other checkpoint answers as a missing one.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "auth/roles.h"
#include "healthcode/checkpoints.h"
#include "healthcode/qr.h"

namespace tc::api {

using nlohmann::json;

namespace {

json TimeOrNull(Millis t) { return t ? json(FormatShanghai(t)) : json(nullptr); }
json TextOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
json ColourOrNull(std::optional<healthcode::Colour> c) {
  return c ? json(std::string(healthcode::ColourName(*c))) : json(nullptr);
}

healthcode::Caller CallerOf(const Context& ctx) {
  const auto& p = ctx.principal();
  return {.username = p.username, .area_path = p.area_path, .staff_only = p.role == auth::Role::kCheckpointStaff};
}

Status RequireOperateOrManage(const Context& ctx) {
  const auto& p = ctx.principal();
  if (p.Can(auth::perm::kCheckpointOperate) || p.Can(auth::perm::kCheckpointManage)) return Status::Ok();
  return PermissionDenied("needs checkpoint.operate or checkpoint.manage");
}

json CheckpointJson(const healthcode::Checkpoint& c) {
  return {{"code", c.code},
          {"name", c.name},
          {"kind", healthcode::CheckpointKindName(c.kind)},
          {"area_code", c.area_code},
          {"area_name", c.area_name},
          {"staff", c.staff},
          {"created_by", c.created_by},
          {"created_at", FormatShanghai(c.created_at)}};
}

json ScanJson(const healthcode::ScanResult& r) {
  return {
      {"passage_id", r.passage_id},
      {"decision", healthcode::DecisionName(r.decision)},
      {"colour", ColourOrNull(r.colour)},
      {"colour_seen", ColourOrNull(r.colour_seen)},
      {"kind", TextOrNull(r.kind)},
      {"reason", r.reason},
      {"plate", TextOrNull(r.plate)},
      {"expires_at", TimeOrNull(r.expires_at)},
      {"verified", r.verified},
      {"refusal", r.refusal == healthcode::Refusal::kNone ? json(nullptr) : json(healthcode::RefusalName(r.refusal))},
      {"detail", TextOrNull(r.detail)},
      {"at", FormatShanghai(r.at)}};
}

json PassageJson(const healthcode::Passage& p) {
  return {{"id", p.id},
          {"at", FormatShanghai(p.at)},
          {"source", p.source},
          {"kind", TextOrNull(p.kind)},
          {"person_id", p.person_id ? json(p.person_id) : json(nullptr)},
          {"person_name", TextOrNull(p.person_name)},
          {"plate", TextOrNull(p.plate)},
          {"permit_id", p.permit_id ? json(p.permit_id) : json(nullptr)},
          {"colour_seen", ColourOrNull(p.colour_seen)},
          {"colour", ColourOrNull(p.colour)},
          {"decision", healthcode::DecisionName(p.decision)},
          {"reason", p.reason},
          {"refusal", TextOrNull(p.refusal)},
          {"verified", p.verified},
          {"operator", p.operator_name}};
}

json CountsJson(const healthcode::PassageCounts& c) {
  return {{"pass", c.pass},     {"deny", c.deny}, {"test", c.test},      {"green", c.green},
          {"yellow", c.yellow}, {"red", c.red},   {"permits", c.permits}};
}

json PermitJson(const healthcode::Permit& p, Millis now) {
  return {{"id", p.id},
          {"plate", p.plate},
          {"note", p.note},
          {"valid_from", FormatShanghai(p.valid_from)},
          {"valid_until", FormatShanghai(p.valid_until)},
          {"status", p.StatusAt(now)},
          {"issued_by", p.issued_by},
          {"issued_at", FormatShanghai(p.issued_at)},
          {"revoked_at", TimeOrNull(p.revoked_at)},
          {"revoked_by", TextOrNull(p.revoked_by)},
          {"revoke_reason", TextOrNull(p.revoke_reason)}};
}

Result<std::vector<std::string>> Usernames(const json& body, const std::string& field) {
  std::vector<std::string> out;
  if (!body.contains(field)) return out;
  if (!body[field].is_array()) return FieldInvalid(field, "a list of usernames");
  for (size_t i = 0; i < body[field].size(); ++i) {
    if (!body[field][i].is_string()) return FieldInvalid(field + "[" + std::to_string(i) + "]", "a username");
    out.push_back(body[field][i].get<std::string>());
  }
  return out;
}

}  // namespace

void Api::AddCheckpointRoutes() {
  using namespace auth::perm;
  healthcode::Checkpoints& cps = deps_.checkpoints;
  const std::string manage(kCheckpointManage), operate(kCheckpointOperate);

  // ---- Checkpoints ----
  router_.Add("POST", "/api/v1/checkpoints",
              {.summary = "Set up a checkpoint (卡口) in an area under your node, with the staff who scan there",
               .tag = "checkpoints",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["code","name","kind","area_code"],
                 "additionalProperties":false,"properties":{"code":{"type":"string"},"name":{"type":"string"},
                 "kind":{"type":"string","enum":["highway","station","airport","compound_gate","other"]},
                 "area_code":{"type":"string"},"staff":{"type":"array","items":{"type":"string"}}}})",
               .success_status = 201},
              [this, &cps](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                healthcode::Checkpoint c;
                c.code = f.String("code", {.required = true, .max_bytes = 32});
                c.name = f.String("name", {.required = true, .max_bytes = 200});
                const std::string kind = f.String("kind", {.required = true, .max_bytes = 20});
                c.area_code = f.String("area_code", {.required = true, .max_bytes = 64});
                TC_ASSIGN_OR_RETURN(c.staff, Usernames(body, "staff"));
                TC_RETURN_IF_ERROR(f.Finish({"code", "name", "kind", "area_code", "staff"}));
                if (!healthcode::ParseCheckpointKind(kind, &c.kind)) {
                  return FieldInvalid("kind", "kind is highway, station, airport, compound_gate or other");
                }
                TC_RETURN_IF_ERROR(CoveredArea(ctx, c.area_code, "area_code").status());
                TC_ASSIGN_OR_RETURN(auto made, cps.Create(c, ctx.actor()));
                return JsonReply(CheckpointJson(made), 201);
              });
  router_.Add("GET", "/api/v1/checkpoints",
              {.summary = "Checkpoints you work at: under your node, or (checkpoint staff) those naming you",
               .tag = "checkpoints",
               .access = Access::kLoggedIn},
              [&cps](Context& ctx) -> Result<Reply> {
                TC_RETURN_IF_ERROR(RequireOperateOrManage(ctx));
                json items = json::array();
                for (const auto& c : cps.List(CallerOf(ctx))) items.push_back(CheckpointJson(c));
                return JsonReply({{"items", std::move(items)}});
              });
  router_.Add("GET", "/api/v1/checkpoints/stats",
              {.summary = "Each checkpoint's passage totals for a day, under your node (or `under`)",
               .tag = "checkpoints",
               .access = Access::kLoggedIn,
               .query = {{"date", "YYYY-MM-DD (default: today)"},
                         {"under", "an area code in your jurisdiction (default: your node)"}}},
              [this, &cps](Context& ctx) -> Result<Reply> {
                TC_RETURN_IF_ERROR(RequireOperateOrManage(ctx));
                std::string under = ctx.principal().area_path;
                if (auto code = ctx.Query("under"); code && !code->empty()) {
                  TC_ASSIGN_OR_RETURN(auto a, CoveredArea(ctx, *code, "under"));
                  under = a.path;
                }
                TC_ASSIGN_OR_RETURN(auto list, cps.TotalsUnder(ctx.Query("date").value_or(""), under, CallerOf(ctx)));
                json items = json::array();
                healthcode::PassageCounts all;
                for (const auto& t : list) {
                  json item = CheckpointJson(t.checkpoint);
                  item.erase("staff");
                  item["totals"] = CountsJson(t.totals);
                  items.push_back(std::move(item));
                  all.pass += t.totals.pass;
                  all.deny += t.totals.deny;
                  all.test += t.totals.test;
                  all.green += t.totals.green;
                  all.yellow += t.totals.yellow;
                  all.red += t.totals.red;
                  all.permits += t.totals.permits;
                }
                const std::string date = ctx.Query("date").value_or(DateShanghai(deps_.clock.Now()));
                return JsonReply({{"date", date}, {"items", std::move(items)}, {"totals", CountsJson(all)}});
              });
  router_.Add("GET", "/api/v1/checkpoints/{code}",
              {.summary = "One checkpoint", .tag = "checkpoints", .access = Access::kLoggedIn},
              [&cps](Context& ctx) -> Result<Reply> {
                TC_RETURN_IF_ERROR(RequireOperateOrManage(ctx));
                TC_ASSIGN_OR_RETURN(auto c, cps.Get(ctx.Param("code"), CallerOf(ctx)));
                return JsonReply(CheckpointJson(c));
              });
  router_.Add("PUT", "/api/v1/checkpoints/{code}/staff",
              {.summary = "Who may scan at a checkpoint (usernames of checkpoint_staff accounts)",
               .tag = "checkpoints",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["staff"],"additionalProperties":false,
                 "properties":{"staff":{"type":"array","items":{"type":"string"}}}})"},
              [&cps](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto existing, cps.Get(ctx.Param("code"), CallerOf(ctx)));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                if (!body.contains("staff") || body.size() != 1) {
                  return FieldInvalid("staff", "a list of usernames is the only field");
                }
                TC_ASSIGN_OR_RETURN(auto names, Usernames(body, "staff"));
                TC_ASSIGN_OR_RETURN(auto c, cps.SetStaff(existing.code, names, CallerOf(ctx), ctx.actor()));
                return JsonReply(CheckpointJson(c));
              });

  // ---- Scans and the passage log ----
  router_.Add("POST", "/api/v1/checkpoints/{code}/scan",
              {.summary = "Verify a scanned health code or permit and decide (pass, deny, test) by the live colour; "
                          "logged as a passage",
               .tag = "checkpoints",
               .permission = operate,
               .request_schema = R"({"type":"object","required":["payload"],"additionalProperties":false,
                 "properties":{"payload":{"type":"string"}}})"},
              [&cps](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                // Longer than any code, so an oversized scan is refused (and logged) by the verifier.
                const std::string payload = f.String("payload", {.required = true, .max_bytes = 8192});
                TC_RETURN_IF_ERROR(f.Finish({"payload"}));
                TC_ASSIGN_OR_RETURN(auto r, cps.Scan(ctx.Param("code"), payload, CallerOf(ctx), ctx.actor()));
                return JsonReply(ScanJson(r));
              });
  router_.Add("POST", "/api/v1/checkpoints/{code}/passages",
              {.summary = "Enter a passage by hand (a paper code, a vehicle without a permit); a reason is required "
                          "to deny or send to testing",
               .tag = "checkpoints",
               .permission = operate,
               .request_schema = R"({"type":"object","required":["decision"],"additionalProperties":false,
                 "properties":{"plate":{"type":"string"},"person_id":{"type":"integer"},
                 "colour_seen":{"type":"string","enum":["green","yellow","red"]},
                 "decision":{"type":"string","enum":["pass","deny","test"]},"reason":{"type":"string"}}})",
               .success_status = 201},
              [&cps](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                healthcode::ManualEntry e;
                e.plate = f.String("plate", {.max_bytes = 64});
                e.person_id = f.Int("person_id", false).value_or(0);
                const std::string colour = f.String("colour_seen", {.max_bytes = 10});
                const std::string decision = f.String("decision", {.required = true, .max_bytes = 10});
                e.reason = f.String("reason", {.max_bytes = 500});
                TC_RETURN_IF_ERROR(f.Finish({"plate", "person_id", "colour_seen", "decision", "reason"}));
                if (!colour.empty()) {
                  healthcode::Colour c;
                  if (!healthcode::ParseColour(colour, &c)) return FieldInvalid("colour_seen", "green, yellow or red");
                  e.colour_seen = c;
                }
                if (!healthcode::ParseDecision(decision, &e.decision)) {
                  return FieldInvalid("decision", "pass, deny or test");
                }
                TC_ASSIGN_OR_RETURN(auto r, cps.Record(ctx.Param("code"), e, CallerOf(ctx), ctx.actor()));
                return JsonReply(ScanJson(r), 201);
              });
  router_.Add("GET", "/api/v1/checkpoints/{code}/passages",
              {.summary = "The passage log, newest first (names masked, no ID numbers)",
               .tag = "checkpoints",
               .access = Access::kLoggedIn,
               .query = {{"after_id", "only passages with a greater id (polling for new ones)", "integer"},
                         {"before_id", "only passages with a smaller id (paging back)", "integer"},
                         {"limit", "1–500 (default 50)", "integer"}}},
              [&cps](Context& ctx) -> Result<Reply> {
                TC_RETURN_IF_ERROR(RequireOperateOrManage(ctx));
                healthcode::PassageQuery q;
                TC_ASSIGN_OR_RETURN(q.after_id, ctx.QueryInt("after_id", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(q.before_id, ctx.QueryInt("before_id", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 50, 1, 500));
                q.limit = static_cast<int>(limit);
                TC_ASSIGN_OR_RETURN(auto list, cps.Passages(ctx.Param("code"), q, CallerOf(ctx)));
                json items = json::array();
                for (const auto& p : list) items.push_back(PassageJson(p));
                return JsonReply({{"items", std::move(items)}});
              });
  router_.Add("GET", "/api/v1/checkpoints/{code}/stats",
              {.summary = "Passages per hour of a day: decisions, colours, permits",
               .tag = "checkpoints",
               .access = Access::kLoggedIn,
               .query = {{"date", "YYYY-MM-DD (default: today)"}}},
              [&cps](Context& ctx) -> Result<Reply> {
                TC_RETURN_IF_ERROR(RequireOperateOrManage(ctx));
                const std::string code(ctx.Param("code"));
                TC_ASSIGN_OR_RETURN(auto s, cps.Stats(code, ctx.Query("date").value_or(""), CallerOf(ctx)));
                json hours = json::array();
                for (size_t h = 0; h < s.hours.size(); ++h) {
                  json row = CountsJson(s.hours[h]);
                  row["hour"] = h;
                  hours.push_back(std::move(row));
                }
                return JsonReply(
                    {{"code", code}, {"date", s.date}, {"hours", std::move(hours)}, {"totals", CountsJson(s.totals)}});
              });

  // ---- Transport permits ----
  router_.Add("POST", "/api/v1/permits",
              {.summary = "Issue a signed transport permit (通行证) for a goods vehicle; returns its payload and QR",
               .tag = "checkpoints",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["plate","valid_from","valid_until"],
                 "additionalProperties":false,"properties":{"plate":{"type":"string"},"note":{"type":"string"},
                 "valid_from":{"type":"string","description":"RFC 3339, or YYYY-MM-DD for the start of that day"},
                 "valid_until":{"type":"string","description":"RFC 3339, the first instant no longer valid; or YYYY-MM-DD, through that day"}}})",
               .success_status = 201},
              [this, &cps](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                healthcode::NewPermit p;
                p.plate = f.String("plate", {.required = true, .max_bytes = 64});
                p.note = f.String("note", {.max_bytes = 256});
                const std::string from = f.String("valid_from", {.required = true, .max_bytes = 40});
                const std::string until = f.String("valid_until", {.required = true, .max_bytes = 40});
                TC_RETURN_IF_ERROR(f.Finish({"plate", "note", "valid_from", "valid_until"}));
                TC_ASSIGN_OR_RETURN(p.valid_from, healthcode::ParseWindowTime(from, false, "valid_from"));
                TC_ASSIGN_OR_RETURN(p.valid_until, healthcode::ParseWindowTime(until, true, "valid_until"));
                TC_ASSIGN_OR_RETURN(auto made, cps.IssuePermit(p, ctx.principal().area_path, ctx.actor()));
                TC_ASSIGN_OR_RETURN(std::string svg, healthcode::QrSvg(made.payload));
                json out = PermitJson(made, deps_.clock.Now());
                out["payload"] = made.payload;
                out["qr_svg"] = std::move(svg);
                return JsonReply(out, 201);
              });
  router_.Add("GET", "/api/v1/permits",
              {.summary = "Transport permits issued under your node, newest first",
               .tag = "checkpoints",
               .permission = manage,
               .query = {{"before_id", "only permits with a smaller id (paging back)", "integer"},
                         {"limit", "1–1000 (default 100)", "integer"}}},
              [this, &cps](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t before, ctx.QueryInt("before_id", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 100, 1, 1000));
                TC_ASSIGN_OR_RETURN(auto list, cps.Permits(ctx.principal().area_path, before, static_cast<int>(limit)));
                const Millis now = deps_.clock.Now();
                json items = json::array();
                for (const auto& p : list) items.push_back(PermitJson(p, now));
                return JsonReply({{"items", std::move(items)}});
              });
  router_.Add(
      "GET", "/api/v1/permits/{id}",
      {.summary = "One transport permit with its payload and QR (SVG)", .tag = "checkpoints", .permission = manage},
      [this, &cps](Context& ctx) -> Result<Reply> {
        TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "transport permit"));
        TC_ASSIGN_OR_RETURN(auto p, cps.GetPermit(id, ctx.principal().area_path));
        TC_ASSIGN_OR_RETURN(std::string svg, healthcode::QrSvg(p.payload));
        json out = PermitJson(p, deps_.clock.Now());
        out["payload"] = p.payload;
        out["qr_svg"] = std::move(svg);
        return JsonReply(out);
      });
  router_.Add("POST", "/api/v1/permits/{id}/revoke",
              {.summary = "Revoke a transport permit: every checkpoint denies it from now on",
               .tag = "checkpoints",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["reason"],"additionalProperties":false,
                 "properties":{"reason":{"type":"string"}}})"},
              [this, &cps](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "transport permit"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string reason = f.String("reason", {.required = true, .max_bytes = 500});
                TC_RETURN_IF_ERROR(f.Finish({"reason"}));
                TC_ASSIGN_OR_RETURN(auto p, cps.RevokePermit(id, reason, ctx.principal().area_path, ctx.actor()));
                return JsonReply(PermitJson(p, deps_.clock.Now()));
              });
}

}  // namespace tc::api
