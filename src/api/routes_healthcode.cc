// Risk areas (风险区) and health codes (健康码): the command centre's levels,
// proposals and declarations; the public list a city publishes every day; a
// resident's own code (colour, reasons, signed payload, QR); the colour of any
// resident under the caller's node; rules, keys and the full recompute
// (docs/health-codes.md).
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "auth/roles.h"
#include "healthcode/codes.h"
#include "healthcode/keys.h"
#include "healthcode/qr.h"
#include "healthcode/risk.h"

namespace tc::api {

using nlohmann::json;

namespace {

json RiskAreaJson(const healthcode::RiskArea& a) {
  return {{"code", a.code},
          {"name", a.name},
          {"street_code", a.street_code},
          {"street", a.street_name},
          {"district", a.district_name},
          {"level", healthcode::LevelName(a.level)},
          {"since", a.since ? json(FormatShanghai(a.since)) : json(nullptr)},
          {"declared_by", a.declared_by},
          {"reason", a.reason},
          {"overrides", a.overrides},
          {"proposed", healthcode::LevelName(a.proposed)},
          {"proposal_reason", a.proposal_reason},
          {"proposed_at", a.proposed_at ? json(FormatShanghai(a.proposed_at)) : json(nullptr)},
          {"pending", a.pending},
          {"cases_in_window", a.cases_in_window},
          {"last_case_date", a.last_case_date}};
}

// A rule version as the API shows it (risk-area or colour rules).
template <typename Rules>
json RulesDoc(const Rules& r, const std::string& rules_json) {
  return {{"version", r.version},
          {"rules", json::parse(rules_json)},
          {"changed_by", r.changed_by},
          {"changed_at", r.changed_at ? json(FormatShanghai(r.changed_at)) : json(nullptr)},
          {"reason", r.reason}};
}
json RiskRulesDoc(const healthcode::RiskRules& r) { return RulesDoc(r, healthcode::RiskRulesJson(r)); }
json HealthRulesDoc(const healthcode::HealthRules& r) { return RulesDoc(r, healthcode::HealthRulesJson(r)); }

// Every version, newest first, with the one in force as `current`.
template <typename Rules, typename Doc>
Reply VersionsReply(const std::vector<Rules>& history, Doc&& doc) {
  json versions = json::array();
  for (const auto& r : history) versions.push_back(doc(r));
  return JsonReply({{"current", versions.at(0)}, {"versions", versions}});
}

json StatusJson(const healthcode::CodeStatus& s) {
  json reasons = json::array();
  for (const auto& r : s.reasons) {
    reasons.push_back({{"code", r.code},
                       {"colour", healthcode::ColourName(r.colour)},
                       {"text", r.text},
                       {"since", r.since ? json(FormatShanghai(r.since)) : json(nullptr)},
                       {"until", r.until ? json(FormatShanghai(r.until)) : json(nullptr)}});
  }
  return {{"resident_id", s.resident_id},
          {"colour", healthcode::ColourName(s.colour)},
          {"colour_zh", healthcode::ColourNameZh(s.colour)},
          {"since", s.since ? json(FormatShanghai(s.since)) : json(nullptr)},
          {"reasons", std::move(reasons)},
          {"rules_version", s.rules_version},
          {"evaluated_at", FormatShanghai(s.evaluated_at)}};
}

// A PUT of city-wide rules: {"rules": {...}, "reason": "..."} from someone whose node
// is the city. Returns the rules' JSON text and the reason.
Result<std::pair<std::string, std::string>> CityRulesBody(const Context& ctx, std::string_view what) {
  const std::string& path = ctx.principal().area_path;
  if (std::count(path.begin(), path.end(), '/') > 2) {
    return PermissionDenied("the " + std::string(what) + " rules are the city's: only the city's command centre sets them");
  }
  TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
  if (!body.contains("rules") || !body["rules"].is_object()) return FieldInvalid("rules", "rules is an object");
  FieldReader f(body);
  std::string reason = f.String("reason", {.required = true, .max_bytes = 2000});
  TC_RETURN_IF_ERROR(f.Finish({"rules", "reason"}));
  return std::make_pair(body["rules"].dump(), std::move(reason));
}

}  // namespace

void Api::AddHealthCodeRoutes() {
  auto& risk = deps_.risk;
  auto& codes = deps_.codes;
  auto& keys = deps_.keys;
  // The path the caller asks about: `under` (an area code they cover) or their node.
  auto under_path = [this](const Context& ctx) -> Result<std::string> {
    auto code = ctx.Query("under");
    if (!code || code->empty()) return ctx.principal().area_path;
    TC_ASSIGN_OR_RETURN(auto a, CoveredArea(ctx, *code, "under"));
    return a.path;
  };

  // ---- Risk areas ----
  router_.Add("GET", "/api/v1/risk-areas",
              {.summary = "Communities with their declared and proposed risk levels under the caller's node",
               .tag = "risk",
               .permission = std::string(auth::perm::kRiskRead),
               .query = {{"under", "an area code in your jurisdiction (default: your node)"},
                         {"filter", "all (default) | risk (declared medium or high) | pending (proposal differs)"}}},
              [&risk, under_path](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(std::string path, under_path(ctx));
                const std::string filter = ctx.Query("filter").value_or("all");
                if (filter != "all" && filter != "risk" && filter != "pending") {
                  return FieldInvalid("filter", "filter is all, risk or pending");
                }
                TC_ASSIGN_OR_RETURN(auto list, risk.List({.under_path = path,
                                                          .only_risk = filter == "risk",
                                                          .only_pending = filter == "pending"}));
                json items = json::array();
                int64_t high = 0, medium = 0, pending = 0;
                for (const auto& a : list) {
                  high += a.level == healthcode::Level::kHigh;
                  medium += a.level == healthcode::Level::kMedium;
                  pending += a.pending;
                  items.push_back(RiskAreaJson(a));
                }
                return JsonReply({{"items", std::move(items)},
                                  {"high", high},
                                  {"medium", medium},
                                  {"pending", pending}});
              });
  router_.Add("GET", "/api/v1/risk-areas/rules",
              {.summary = "The risk-area rules in force and every earlier version", .tag = "risk",
               .permission = std::string(auth::perm::kRiskRead)},
              [&risk](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto history, risk.RulesHistory());
                return VersionsReply(history, RiskRulesDoc);
              });
  router_.Add("PUT", "/api/v1/risk-areas/rules",
              {.summary = "A new version of the risk-area rules (proposals are recomputed at once)",
               .tag = "risk",
               .permission = std::string(auth::perm::kRiskDeclare),
               .request_schema = R"({"type":"object","required":["rules","reason"],"properties":{
                 "rules":{"type":"object","properties":{"case_days":{"type":"integer"},
                 "street_medium":{"type":"boolean"}}},"reason":{"type":"string"}}})"},
              [&risk](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto in, CityRulesBody(ctx, "risk-area"));
                TC_ASSIGN_OR_RETURN(auto r, risk.SetRules(in.first, in.second, ctx.actor()));
                return JsonReply(RiskRulesDoc(r));
              });
  router_.Add("POST", "/api/v1/risk-areas/declare",
              {.summary = "Declare a level for communities (rule proposes, the command centre disposes); a level "
                          "other than the proposal is recorded as an override",
               .tag = "risk",
               .permission = std::string(auth::perm::kRiskDeclare),
               .request_schema = R"({"type":"object","required":["codes","level","reason"],"properties":{
                 "codes":{"type":"array","items":{"type":"string"}},
                 "level":{"type":"string","enum":["low","medium","high"]},"reason":{"type":"string"}}})"},
              [this, &risk](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                std::vector<std::string> list;
                const json codes_json = body.contains("codes") ? body["codes"] : json();
                if (!codes_json.is_array()) return FieldInvalid("codes", "codes is an array of community codes");
                for (size_t i = 0; i < codes_json.size(); ++i) {
                  if (!codes_json[i].is_string()) {
                    return FieldInvalid("codes[" + std::to_string(i) + "]", "a community code is a string");
                  }
                  const std::string code = codes_json[i].get<std::string>();
                  TC_RETURN_IF_ERROR(CoveredArea(ctx, code, "codes[" + std::to_string(i) + "]").status());
                  list.push_back(code);
                }
                FieldReader f(body);
                const std::string level_text = f.String("level", {.required = true, .max_bytes = 10});
                const std::string reason = f.String("reason", {.required = true, .max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"codes", "level", "reason"}));
                healthcode::Level level;
                if (!healthcode::ParseLevel(level_text, &level)) return FieldInvalid("level", "level is low, medium or high");
                TC_ASSIGN_OR_RETURN(auto out, risk.Declare(list, level, reason, ctx.actor()));
                json items = json::array();
                for (const auto& a : out) items.push_back(RiskAreaJson(a));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/risk-areas/{code}",
              {.summary = "One community's level, proposal and history", .tag = "risk",
               .permission = std::string(auth::perm::kRiskRead)},
              [this, &risk](Context& ctx) -> Result<Reply> {
                const std::string code(ctx.Param("code"));
                TC_RETURN_IF_ERROR(CoveredArea(ctx, code).status());
                TC_ASSIGN_OR_RETURN(auto a, risk.Get(code));
                TC_ASSIGN_OR_RETURN(auto history, risk.History(code));
                json out = RiskAreaJson(a);
                json h = json::array();
                for (const auto& e : history) {
                  h.push_back({{"kind", e.kind},
                               {"level", healthcode::LevelName(e.level)},
                               {"from", healthcode::LevelName(e.from)},
                               {"reason", e.reason},
                               {"by", e.by},
                               {"overrides", e.overrides},
                               {"at", FormatShanghai(e.at)}});
                }
                out["history"] = std::move(h);
                return JsonReply(out);
              });
  // What the city publishes every day: no login, no personal data, cached.
  router_.Add("GET", "/api/v1/public/risk-areas",
              {.summary = "Today's medium- and high-risk areas as the city publishes them (no login; cacheable)",
               .tag = "risk",
               .access = Access::kPublic},
              [&risk](Context& ctx) -> Result<Reply> {
                auto list = risk.Public();
                Reply r;
                r.headers = {{"ETag", list.etag}, {"Cache-Control", "public, max-age=60"}};
                if (ctx.request().Header("if-none-match") == list.etag) {
                  r.status = 304;
                  return r;
                }
                r.body = std::move(list.json);
                return r;
              });

  // ---- Health codes ----
  router_.Add("GET", "/api/v1/healthcode/me",
              {.summary = "Your own health code: colour, reasons, since when, and the signed payload with its QR "
                          "(SVG) — refresh before it expires",
               .tag = "healthcode",
               .access = Access::kLoggedIn},
              [this, &codes, &keys](Context& ctx) -> Result<Reply> {
                const int64_t id = ctx.principal().resident_id;
                if (id == 0) return NotFound("this account is not linked to a resident");
                TC_ASSIGN_OR_RETURN(auto issued, healthcode::IssueCode(codes, keys, id, deps_.clock.Now()));
                TC_ASSIGN_OR_RETURN(std::string svg, healthcode::QrSvg(issued.payload));
                json out = StatusJson(issued.status);
                out["payload"] = issued.payload;
                out["kid"] = issued.claims.kid;
                out["issued_at"] = FormatShanghai(issued.claims.issued_at);
                out["expires_at"] = FormatShanghai(issued.claims.expires_at);
                out["expires_in_s"] = (issued.claims.expires_at - deps_.clock.Now()) / 1000;
                out["qr_svg"] = std::move(svg);
                return JsonReply(out);
              });
  router_.Add("GET", "/api/v1/healthcode/me/qr.png",
              {.summary = "Your own health code as a PNG QR image", .tag = "healthcode", .access = Access::kLoggedIn},
              [this, &codes, &keys](Context& ctx) -> Result<Reply> {
                const int64_t id = ctx.principal().resident_id;
                if (id == 0) return NotFound("this account is not linked to a resident");
                TC_ASSIGN_OR_RETURN(auto issued, healthcode::IssueCode(codes, keys, id, deps_.clock.Now()));
                Reply r;
                TC_ASSIGN_OR_RETURN(r.body, healthcode::QrPng(issued.payload));
                r.content_type = "image/png";
                r.headers = {{"Cache-Control", "no-store"}};
                return r;
              });
  router_.Add("GET", "/api/v1/residents/{id}/healthcode",
              {.summary = "A resident's colour with its reasons (under the caller's node)", .tag = "healthcode",
               .permission = std::string(auth::perm::kHealthCodeRead)},
              [&codes](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "resident"));
                const std::string path = codes.PathOf(id);
                if (path.empty() || !ctx.principal().Covers(path)) return NoSuch("resident " + std::to_string(id));
                TC_ASSIGN_OR_RETURN(auto s, codes.Lookup(id));
                return JsonReply(StatusJson(s));
              });
  router_.Add("GET", "/api/v1/healthcode/status/{token}",
              {.summary = "The live colour behind a code's token (a checkpoint's online check)", .tag = "healthcode",
               .permission = std::string(auth::perm::kCheckpointOperate)},
              [&codes](Context& ctx) -> Result<Reply> {
                healthcode::Token t{};
                const std::string text(ctx.Param("token"));
                const int64_t id = healthcode::HealthCodes::ParseTokenText(text, &t) ? codes.ResidentOfToken(t) : 0;
                if (id == 0) return NoSuch("token '" + text + "'");
                TC_ASSIGN_OR_RETURN(auto colour, codes.ColourOf(id));
                Reply r;
                r.body = std::string(R"({"colour":")") + std::string(healthcode::ColourName(colour)) + "\"}";
                return r;
              });
  router_.Add("GET", "/api/v1/healthcode/counts",
              {.summary = "Residents by colour under the caller's node (or `under`)", .tag = "healthcode",
               .permission = std::string(auth::perm::kHealthCodeRead),
               .query = {{"under", "an area code in your jurisdiction (default: your node)"}}},
              [&codes, under_path](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(std::string path, under_path(ctx));
                const auto c = codes.Counts(path);
                return JsonReply({{"green", c.green}, {"yellow", c.yellow}, {"red", c.red}});
              });
  router_.Add("GET", "/api/v1/healthcode/rules",
              {.summary = "The colour rules in force and every earlier version", .tag = "healthcode",
               .permission = std::string(auth::perm::kHealthCodeRead)},
              [&codes](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto history, codes.RulesHistory());
                return VersionsReply(history, HealthRulesDoc);
              });
  router_.Add("PUT", "/api/v1/healthcode/rules",
              {.summary = "A new version of the colour rules; every colour is recomputed with it",
               .tag = "healthcode",
               .permission = std::string(auth::perm::kHealthCodeManage),
               .request_schema = R"({"type":"object","required":["rules","reason"],"properties":{
                 "rules":{"type":"object"},"reason":{"type":"string"}}})"},
              [&codes](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto in, CityRulesBody(ctx, "colour"));
                TC_ASSIGN_OR_RETURN(auto r, codes.SetRules(in.first, in.second, ctx.actor()));
                return JsonReply(HealthRulesDoc(r));
              });
  router_.Add("POST", "/api/v1/healthcode/recompute",
              {.summary = "Re-derive every colour from the facts (reports how many differed from the kept ones)",
               .tag = "healthcode",
               .permission = std::string(auth::perm::kHealthCodeManage)},
              [&codes](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto rep, codes.FullRecompute());
                return JsonReply({{"residents", rep.residents},
                                  {"changed", rep.changed},
                                  {"ms", rep.ms},
                                  {"green", rep.counts.green},
                                  {"yellow", rep.counts.yellow},
                                  {"red", rep.counts.red}});
              });
  router_.Add("GET", "/api/v1/healthcode/keys",
              {.summary = "The public keys that verify codes and permits (tongchou-healthcode-keys/1), for "
                          "checkpoint devices",
               .tag = "healthcode",
               .access = Access::kPublic},
              [&keys](Context&) -> Result<Reply> {
                Reply r;
                r.body = healthcode::KeySetJson(keys.Public());
                r.headers = {{"Cache-Control", "public, max-age=60"}};
                return r;
              });
  router_.Add("POST", "/api/v1/healthcode/keys/rotate",
              {.summary = "A new signing key; the old ones keep verifying until retired", .tag = "healthcode",
               .permission = std::string(auth::perm::kHealthCodeManage)},
              [&keys](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto k, keys.Rotate(ctx.actor()));
                return JsonReply({{"kid", k.kid}, {"created_at", FormatShanghai(k.created_at)}}, 201);
              });
  router_.Add("POST", "/api/v1/healthcode/keys/{kid}/retire",
              {.summary = "Retire a key: codes it signed are refused from now on", .tag = "healthcode",
               .permission = std::string(auth::perm::kHealthCodeManage)},
              [&keys](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto k, keys.Retire(ctx.Param("kid"), ctx.actor()));
                return JsonReply({{"kid", k.kid}, {"retired_at", FormatShanghai(k.retired_at)}});
              });
}

}  // namespace tc::api
