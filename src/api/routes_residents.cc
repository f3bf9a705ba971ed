// Residents and households: masked by default, unmasking needs personal.unmask and
// is audited; every record is checked against the caller's jurisdiction.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "api/export.h"
#include "api/render.h"
#include "auth/roles.h"
#include "registry/areas.h"
#include "registry/importer.h"

#include <sstream>

namespace tc::api {
namespace {

// The Content-Type of an .xlsx workbook (Office Open XML SpreadsheetML).
constexpr std::string_view kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

constexpr const char* kResidentSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "name":{"type":"string"},"id_number":{"type":"string","description":"masked unless unmask=true"},
  "phone":{"type":"string"},"birth_date":{"type":"string"},"sex":{"type":"string","enum":["M","F",""]},
  "household_code":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},
  "status":{"type":"string"},"masked":{"type":"boolean"}}})";

// The caller's scope key (prefix of household codes they may see).
std::string ScopeOf(const Context& ctx) { return registry::ScopeKeyOfCode(ctx.principal().area_code); }

// Outside the caller's jurisdiction answers exactly as a resident that does not exist.
Status RequireResidentInScope(const Context& ctx, const registry::Resident& r) {
  if (r.household_code.starts_with(ScopeOf(ctx))) return Status::Ok();
  return NoSuch("resident " + std::to_string(r.id));
}

// unmask=true needs the permission; the caller audits the read.
Result<bool> WantsUnmasked(const Context& ctx) {
  TC_ASSIGN_OR_RETURN(bool unmask, ctx.QueryBool("unmask", false));
  if (unmask) TC_RETURN_IF_ERROR(ctx.RequirePermission(auth::perm::kPersonalUnmask));
  return unmask;
}

Result<int64_t> PathId(const Context& ctx) { return IdParam(ctx, "id", "resident"); }

}  // namespace

void Api::AddResidentRoutes() {
  const std::string read(auth::perm::kPersonalRead);
  const std::string write(auth::perm::kRegistryWrite);

  router_.Add("GET", "/api/v1/residents",
              {.summary = "Residents under an area, masked unless unmask=true (audited)",
               .tag = "residents",
               .permission = read,
               .query = {{"area", "area code (default: your node)"},
                         {"name", "exact name"},
                         {"id_number", "exact ID number"},
                         {"phone", "exact mobile number"},
                         {"tag", "care tags, comma-separated (any of)"},
                         {"after", "paging: ids greater than this", "integer"},
                         {"limit", "1-1000, default 50", "integer"},
                         {"unmask", "true to see full ID numbers and phones (needs personal.unmask)", "boolean"},
                         {"format", "json (default), csv or xlsx (up to 100000 rows from `after`)"}},
               .response_schema = R"({"type":"object","properties":{"items":{"type":"array"},
                 "next_after":{"type":"integer","nullable":true}}})"},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(bool unmask, WantsUnmasked(ctx));
                registry::ResidentQuery q;
                std::string area_path = ctx.principal().area_path;
                if (auto area_code = ctx.Query("area")) {
                  TC_ASSIGN_OR_RETURN(auto area, CoveredArea(ctx, *area_code, "area"));
                  q.scope = registry::ScopeKeyOfCode(area.code);
                  area_path = area.path;
                } else {
                  q.scope = ScopeOf(ctx);
                }
                q.name = ctx.Query("name").value_or("");
                q.id_number = ctx.Query("id_number").value_or("");
                q.phone = ctx.Query("phone").value_or("");
                if (auto tag = ctx.Query("tag")) {
                  TC_ASSIGN_OR_RETURN(q.tags, registry::ParseCareTags(*tag, "tag"));
                }
                TC_ASSIGN_OR_RETURN(q.after_id, ctx.QueryInt("after", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(std::string format, ExportFormat(ctx));
                TC_ASSIGN_OR_RETURN(int64_t limit, format == "json" ? ctx.QueryInt("limit", 50, 1, 1000)
                                                                    : ctx.QueryInt("limit", 100'000, 1, 100'000));
                q.limit = static_cast<int>(limit);
                TC_ASSIGN_OR_RETURN(auto list, deps_.residents.List(q));
                if (format != "json") {
                  Table table{{"id", "name", "id_number", "phone", "birth_date", "sex", "household_code", "tags"}, {}};
                  std::vector<int64_t> ids;
                  for (const auto& r : list) {
                    const nlohmann::json j = ResidentJson(r, unmask);
                    std::string tags;
                    for (const auto& t : j["tags"]) tags += (tags.empty() ? "" : ",") + t.get<std::string>();
                    table.rows.push_back({std::to_string(r.id), r.name, j["id_number"], j["phone"], j["birth_date"],
                                          r.sex, r.household_code, tags});
                    ids.push_back(r.id);
                  }
                  if (unmask) TC_RETURN_IF_ERROR(deps_.residents.AuditUnmaskedRead(ids, "export", area_path, ctx.actor()));
                  return ExportReply(table, format, "residents");
                }
                nlohmann::json items = nlohmann::json::array();
                std::vector<int64_t> ids;
                for (const auto& r : list) {
                  items.push_back(ResidentJson(r, unmask));
                  ids.push_back(r.id);
                }
                if (unmask) {
                  TC_RETURN_IF_ERROR(deps_.residents.AuditUnmaskedRead(ids, "list", area_path, ctx.actor()));
                }
                nlohmann::json body = {{"items", items}};
                body["next_after"] = static_cast<int>(list.size()) == q.limit ? nlohmann::json(list.back().id) : nullptr;
                return JsonReply(body);
              });

  router_.Add("POST", "/api/v1/residents",
              {.summary = "Register a resident in a household (one person, one record)",
               .tag = "residents",
               .permission = write,
               .request_schema = R"({"type":"object","required":["name","household_code"],"additionalProperties":false,
                 "properties":{"name":{"type":"string"},"id_number":{"type":"string"},"phone":{"type":"string"},
                 "birth_date":{"type":"string","format":"date"},"sex":{"type":"string","enum":["M","F"]},
                 "household_code":{"type":"string"},"tags":{"type":"string"}}})",
               .response_schema = kResidentSchema,
               .success_status = 201},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                registry::NewResident nr;
                nr.name = f.String("name", {.required = true, .max_bytes = 60});
                nr.id_number = f.String("id_number", {.max_bytes = 32});
                nr.phone = f.String("phone", {.max_bytes = 32});
                nr.birth_date = f.String("birth_date", {.max_bytes = 10});
                nr.sex = f.String("sex", {.max_bytes = 1});
                nr.household_code = f.String("household_code", {.required = true, .max_bytes = 80});
                nr.tags = f.String("tags", {.max_bytes = 200});
                TC_RETURN_IF_ERROR(
                    f.Finish({"name", "id_number", "phone", "birth_date", "sex", "household_code", "tags"}));
                if (!nr.household_code.starts_with(ScopeOf(ctx))) {
                  return FieldInvalid("household_code", "household '" + nr.household_code + "' does not exist");
                }
                TC_ASSIGN_OR_RETURN(auto r, deps_.residents.Create(nr, ctx.actor(), ScopeOf(ctx)));
                return JsonReply(ResidentJson(r, false), 201);
              });

  router_.Add("GET", "/api/v1/residents/{id}",
              {.summary = "One resident with household members and residence history",
               .tag = "residents",
               .permission = read,
               .query = {{"unmask", "true to see full ID numbers and phones (needs personal.unmask)", "boolean"}},
               .response_schema = kResidentSchema},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(bool unmask, WantsUnmasked(ctx));
                TC_ASSIGN_OR_RETURN(int64_t id, PathId(ctx));
                TC_ASSIGN_OR_RETURN(auto r, deps_.residents.Get(id));
                TC_RETURN_IF_ERROR(RequireResidentInScope(ctx, r));
                nlohmann::json body = ResidentJson(r, unmask);
                TC_ASSIGN_OR_RETURN(auto household, deps_.residents.GetHousehold(r.household_code));
                TC_ASSIGN_OR_RETURN(auto members, deps_.residents.List({.scope = r.household_code, .limit = 50}));
                std::vector<int64_t> ids;
                nlohmann::json member_list = nlohmann::json::array();
                for (const auto& m : members) {
                  if (m.household_code != r.household_code) continue;  // a code that merely starts alike
                  member_list.push_back(ResidentJson(m, unmask));
                  ids.push_back(m.id);
                }
                body["household"] = {{"code", household.code}, {"address", household.address}, {"members", member_list}};
                TC_ASSIGN_OR_RETURN(auto history, deps_.residents.History(id));
                nlohmann::json hist = nlohmann::json::array();
                for (const auto& h : history) {
                  hist.push_back({{"household_code", h.household_code},
                                  {"moved_in_at", FormatShanghai(h.moved_in_at)},
                                  {"moved_out_at", h.moved_out_at ? nlohmann::json(FormatShanghai(h.moved_out_at)) : nullptr},
                                  {"reason", h.reason},
                                  {"actor", h.actor}});
                }
                body["history"] = hist;
                if (unmask) {
                  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
                  TC_ASSIGN_OR_RETURN(std::string path, deps_.residents.HouseholdAreaPath(r.household_code));
                  TC_RETURN_IF_ERROR(deps_.residents.AuditUnmaskedRead(ids, "detail", path, ctx.actor()));
                }
                return JsonReply(body);
              });

  router_.Add("PATCH", "/api/v1/residents/{id}",
              {.summary = "Change a resident's name, phone or care tags",
               .tag = "residents",
               .permission = write,
               .request_schema = R"({"type":"object","additionalProperties":false,"properties":{
                 "name":{"type":"string"},"phone":{"type":"string"},"tags":{"type":"string"}}})",
               .response_schema = kResidentSchema},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                std::optional<std::string> name, phone, tags;
                if (body.contains("name")) name = f.String("name", {.required = true, .max_bytes = 60});
                if (body.contains("phone")) phone = f.String("phone", {.max_bytes = 32});
                if (body.contains("tags")) tags = f.String("tags", {.max_bytes = 200});
                TC_RETURN_IF_ERROR(f.Finish({"name", "phone", "tags"}));
                TC_ASSIGN_OR_RETURN(int64_t id, PathId(ctx));
                TC_ASSIGN_OR_RETURN(auto before, deps_.residents.Get(id));
                TC_RETURN_IF_ERROR(RequireResidentInScope(ctx, before));
                TC_ASSIGN_OR_RETURN(auto r, deps_.residents.Update(id, name, phone, tags, ctx.actor()));
                return JsonReply(ResidentJson(r, false));
              });

  router_.Add("POST", "/api/v1/residents/{id}/move",
              {.summary = "Move a resident to another household (history kept)",
               .tag = "residents",
               .permission = write,
               .request_schema = R"({"type":"object","required":["household_code","reason"],"additionalProperties":false,
                 "properties":{"household_code":{"type":"string"},"reason":{"type":"string"}}})",
               .response_schema = kResidentSchema},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const std::string to = f.String("household_code", {.required = true, .max_bytes = 80});
                const std::string reason = f.String("reason", {.required = true, .max_bytes = 200});
                TC_RETURN_IF_ERROR(f.Finish({"household_code", "reason"}));
                TC_ASSIGN_OR_RETURN(int64_t id, PathId(ctx));
                TC_ASSIGN_OR_RETURN(auto before, deps_.residents.Get(id));
                TC_RETURN_IF_ERROR(RequireResidentInScope(ctx, before));
                // Moving someone out of your jurisdiction is allowed (they leave); moving
                // them into a household you cannot see is not.
                if (!to.starts_with(ScopeOf(ctx))) {
                  return FieldInvalid("household_code", "household '" + to + "' does not exist");
                }
                TC_ASSIGN_OR_RETURN(auto r, deps_.residents.Move(id, to, reason, ctx.actor()));
                return JsonReply(ResidentJson(r, false));
              });

  router_.Add("GET", "/api/v1/residents/duplicates",
              {.summary = "Likely duplicate records (same name and phone, or name and birth date in one community)",
               .tag = "residents",
               .permission = read,
               .query = {{"area", "area code (default: your node)"},
                         {"limit", "1-500, default 100", "integer"},
                         {"format", "json (default), csv or xlsx"}},
               .response_schema = R"({"type":"object","properties":{"items":{"type":"array"}}})"},
              [this](Context& ctx) -> Result<Reply> {
                std::string scope = ScopeOf(ctx);
                if (auto area_code = ctx.Query("area")) {
                  TC_ASSIGN_OR_RETURN(auto area, CoveredArea(ctx, *area_code, "area"));
                  scope = registry::ScopeKeyOfCode(area.code);
                }
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 100, 1, 500));
                TC_ASSIGN_OR_RETURN(auto pairs, deps_.residents.DuplicateCandidates(scope, static_cast<int>(limit)));
                TC_ASSIGN_OR_RETURN(std::string format, ExportFormat(ctx));
                if (format != "json") {
                  Table table{{"a_id", "a_name", "a_household", "b_id", "b_name", "b_household", "reason"}, {}};
                  for (const auto& p : pairs) {
                    table.rows.push_back({std::to_string(p.a.id), p.a.name, p.a.household_code, std::to_string(p.b.id),
                                          p.b.name, p.b.household_code, p.reason});
                  }
                  return ExportReply(table, format, "duplicates");
                }
                nlohmann::json items = nlohmann::json::array();
                for (const auto& p : pairs) {
                  items.push_back({{"a", ResidentJson(p.a, false)}, {"b", ResidentJson(p.b, false)}, {"reason", p.reason}});
                }
                return JsonReply({{"items", items}});
              });

  router_.Add("POST", "/api/v1/residents/merge",
              {.summary = "Merge a duplicate record into the one kept (audited, history kept)",
               .tag = "residents",
               .permission = write,
               .request_schema = R"({"type":"object","required":["keep_id","merge_id"],"additionalProperties":false,
                 "properties":{"keep_id":{"type":"integer"},"merge_id":{"type":"integer"}}})",
               .response_schema = kResidentSchema},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const auto keep = f.Int("keep_id", true);
                const auto merge = f.Int("merge_id", true);
                TC_RETURN_IF_ERROR(f.Finish({"keep_id", "merge_id"}));
                for (int64_t id : {*keep, *merge}) {
                  TC_ASSIGN_OR_RETURN(auto r, deps_.residents.Get(id));
                  TC_RETURN_IF_ERROR(RequireResidentInScope(ctx, r));
                }
                TC_ASSIGN_OR_RETURN(auto r, deps_.residents.Merge(*keep, *merge, ctx.actor()));
                return JsonReply(ResidentJson(r, false));
              });

  router_.Add("POST", "/api/v1/households",
              {.summary = "Create a household (户) in a unit",
               .tag = "residents",
               .permission = write,
               .request_schema = R"({"type":"object","required":["unit_code","room"],"additionalProperties":false,
                 "properties":{"unit_code":{"type":"string"},"room":{"type":"string"},"address":{"type":"string"}}})",
               .response_schema = R"({"type":"object"})",
               .success_status = 201},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const std::string unit = f.String("unit_code", {.required = true, .max_bytes = 80});
                const std::string room = f.String("room", {.required = true, .max_bytes = 16});
                const std::string address = f.String("address", {.max_bytes = 200});
                TC_RETURN_IF_ERROR(f.Finish({"unit_code", "room", "address"}));
                TC_RETURN_IF_ERROR(CoveredArea(ctx, unit, "unit_code").status());
                TC_ASSIGN_OR_RETURN(auto h, deps_.residents.CreateHousehold(unit, room, address, ctx.actor()));
                return JsonReply({{"code", h.code}, {"unit_code", h.unit_code}, {"address", h.address}}, 201);
              });

  router_.Add("POST", "/api/v1/import/{kind}",
              {.summary = "Bulk import (kind: areas, dwellings, residents, assignments) into your jurisdiction: "
                          "CSV (text/csv, UTF-8 or GBK) or an Excel workbook's first sheet (Content-Type "
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet), Chinese or English "
                          "headers; bad lines (rows) are reported, good ones committed",
               .tag = "import",
               .permission = write,
               .response_schema = R"({"type":"object","properties":{"lines":{"type":"integer"},
                 "accepted":{"type":"integer"},"rejected":{"type":"integer"},"errors":{"type":"array"},
                 "complete":{"type":"boolean"},"stopped_because":{"type":"string"}}})"},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto kind, registry::ParseImportKind(ctx.Param("kind")));
                const std::string_view ct = ctx.request().Header("content-type");
                if (!ct.starts_with("text/csv") && !ct.starts_with("application/csv") && !ct.starts_with(kXlsxType)) {
                  return Malformed("Content-Type must be text/csv or " + std::string(kXlsxType) + " (got '" +
                                   std::string(ct) + "')");
                }
                std::istringstream in(ctx.request().body);
                registry::ImportOptions options;
                options.scope_path = ctx.principal().area_path;
                options.scope_key = ScopeOf(ctx);
                const auto r = registry::Import(deps_.store, deps_.clock, kind, in, ctx.actor(), options);
                if (!r.fatal.ok() && r.accepted == 0 && r.rejected == 0) return r.fatal;
                nlohmann::json errors = nlohmann::json::array();
                for (const auto& e : r.errors) {
                  errors.push_back({{"line", e.line}, {"field", e.field}, {"message", e.message}});
                }
                return JsonReply({{"lines", r.lines},
                                  {"accepted", r.accepted},
                                  {"rejected", r.rejected},
                                  {"errors", errors},
                                  {"complete", r.fatal.ok()},
                                  {"stopped_because", r.fatal.ok() ? "" : r.fatal.message()},
                                  {"seconds", r.seconds}});
              });
}

}  // namespace tc::api
