// Grids, 三长 leaders, 包保 assignments and the coverage report.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "api/export.h"
#include "api/render.h"
#include "auth/roles.h"

namespace tc::api {
namespace {

Result<int64_t> ResidentIdField(FieldReader& f) {
  auto id = f.Int("resident_id", true);
  TC_RETURN_IF_ERROR(f.Finish({"resident_id"}));
  return *id;
}

}  // namespace

void Api::AddGridRoutes() {
  // A grid's code is its community's code + "-G" + number; the community decides scope.
  auto grid_in_scope = [this](const Context& ctx, const std::string& code) -> Status {
    auto community = CoveredArea(ctx, code.substr(0, code.find("-G")));
    if (!community.ok() && community.status().code() == StatusCode::kNotFound) {
      return NotFound("grid '" + code + "' does not exist");
    }
    return community.status();
  };
  const std::string read(auth::perm::kAreaRead);
  const std::string write(auth::perm::kRegistryWrite);


  router_.Add("GET", "/api/v1/grids",
              {.summary = "Grids of a community with their leaders and building counts",
               .tag = "grid",
               .permission = read,
               .query = {{"community", "community code", "string", true}},
               .response_schema = R"({"type":"object","properties":{"items":{"type":"array"}}})"},
              [this](Context& ctx) -> Result<Reply> {
                auto community = ctx.Query("community");
                if (!community) return FieldInvalid("community", "is required");
                TC_RETURN_IF_ERROR(CoveredArea(ctx, *community, "community").status());
                TC_ASSIGN_OR_RETURN(auto grids, deps_.grids.ListGrids(*community));
                nlohmann::json items = nlohmann::json::array();
                for (const auto& g : grids) {
                  items.push_back({{"code", g.code},
                                   {"community_code", g.community_code},
                                   {"name", g.name},
                                   {"leader_id", g.leader_id ? nlohmann::json(g.leader_id) : nullptr},
                                   {"buildings", g.buildings}});
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("POST", "/api/v1/grids",
              {.summary = "Create a grid (网格) in a community",
               .tag = "grid",
               .permission = write,
               .request_schema = R"({"type":"object","required":["community_code","number","name"],
                 "additionalProperties":false,"properties":{"community_code":{"type":"string"},
                 "number":{"type":"integer","minimum":1,"maximum":99},"name":{"type":"string"}}})",
               .response_schema = R"({"type":"object"})",
               .success_status = 201},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const std::string community = f.String("community_code", {.required = true, .max_bytes = 64});
                const auto number = f.Int("number", true);
                const std::string name = f.String("name", {.required = true, .max_bytes = 100});
                TC_RETURN_IF_ERROR(f.Finish({"community_code", "number", "name"}));
                TC_RETURN_IF_ERROR(CoveredArea(ctx, community, "community_code").status());
                TC_ASSIGN_OR_RETURN(auto g, deps_.grids.CreateGrid(community, static_cast<int>(*number), name, ctx.actor()));
                return JsonReply({{"code", g.code}, {"community_code", g.community_code}, {"name", g.name}}, 201);
              });
  router_.Add("POST", "/api/v1/grids/{code}/buildings",
              {.summary = "Put buildings of the grid's community into the grid",
               .tag = "grid",
               .permission = write,
               .request_schema = R"({"type":"object","required":["buildings"],"additionalProperties":false,
                 "properties":{"buildings":{"type":"array","items":{"type":"string"}}}})",
               .success_status = 204},
              [this, grid_in_scope](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                Status invalid = InvalidArgument("request body is invalid");
                std::vector<std::string> buildings;
                if (!body.contains("buildings") || !body["buildings"].is_array()) {
                  invalid.AddFieldError("buildings", "must be an array of building codes");
                } else {
                  for (size_t i = 0; i < body["buildings"].size(); ++i) {
                    const auto& b = body["buildings"][i];
                    if (!b.is_string()) invalid.AddFieldError("buildings[" + std::to_string(i) + "]", "must be a string");
                    else buildings.push_back(b.get<std::string>());
                  }
                }
                for (auto it = body.begin(); it != body.end(); ++it) {
                  if (it.key() != "buildings") invalid.AddFieldError(it.key(), "is not a known field");
                }
                if (!invalid.field_errors().empty()) return invalid;
                const std::string code(ctx.Param("code"));
                TC_RETURN_IF_ERROR(grid_in_scope(ctx, code));
                TC_RETURN_IF_ERROR(deps_.grids.AddBuildings(code, buildings, ctx.actor()));
                return Reply{.status = 204};
              });
  router_.Add("PUT", "/api/v1/grids/{code}/leader",
              {.summary = "Set the grid leader (网格长), a resident of the community",
               .tag = "grid",
               .permission = write,
               .request_schema = R"({"type":"object","required":["resident_id"],"additionalProperties":false,
                 "properties":{"resident_id":{"type":"integer"}}})",
               .success_status = 204},
              [this, grid_in_scope](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                TC_ASSIGN_OR_RETURN(int64_t resident, ResidentIdField(f));
                const std::string code(ctx.Param("code"));
                TC_RETURN_IF_ERROR(grid_in_scope(ctx, code));
                TC_RETURN_IF_ERROR(deps_.grids.SetGridLeader(code, resident, ctx.actor()));
                return Reply{.status = 204};
              });
  router_.Add("PUT", "/api/v1/areas/{code}/leader",
              {.summary = "Set the building leader (楼栋长) or unit leader (单元长)",
               .tag = "grid",
               .permission = write,
               .request_schema = R"({"type":"object","required":["resident_id"],"additionalProperties":false,
                 "properties":{"resident_id":{"type":"integer"}}})",
               .success_status = 204},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                TC_ASSIGN_OR_RETURN(int64_t resident, ResidentIdField(f));
                TC_ASSIGN_OR_RETURN(auto area, CoveredArea(ctx, ctx.Param("code")));
                TC_RETURN_IF_ERROR(deps_.grids.SetAreaLeader(area.code, resident, ctx.actor()));
                return Reply{.status = 204};
              });
  router_.Add("GET", "/api/v1/assignments",
              {.summary = "Current 包保 assignments of an area",
               .tag = "grid",
               .permission = read,
               .query = {{"area", "area code", "string", true}},
               .response_schema = R"({"type":"object","properties":{"items":{"type":"array"}}})"},
              [this](Context& ctx) -> Result<Reply> {
                auto code = ctx.Query("area");
                if (!code) return FieldInvalid("area", "is required");
                TC_RETURN_IF_ERROR(CoveredArea(ctx, *code, "area").status());
                TC_ASSIGN_OR_RETURN(auto list, deps_.grids.Assignments(*code));
                nlohmann::json items = nlohmann::json::array();
                for (const auto& a : list) {
                  items.push_back({{"id", a.id},
                                   {"area_code", a.area_code},
                                   {"cadre_name", a.cadre_name},
                                   {"cadre_phone", a.cadre_phone},
                                   {"organisation", a.organisation},
                                   {"role", a.role},
                                   {"since", FormatShanghai(a.since)}});
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("POST", "/api/v1/assignments",
              {.summary = "Assign a cadre to an area (包保): department_head→street, deputy→community, "
                          "section_chief→compound, cadre→building",
               .tag = "grid",
               .permission = write,
               .request_schema = R"({"type":"object","required":["area_code","cadre_name","cadre_phone","role"],
                 "additionalProperties":false,"properties":{"area_code":{"type":"string"},
                 "cadre_name":{"type":"string"},"cadre_phone":{"type":"string"},"organisation":{"type":"string"},
                 "role":{"type":"string","enum":["department_head","deputy","section_chief","cadre"]}}})",
               .response_schema = R"({"type":"object"})",
               .success_status = 201},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                registry::Assignment a;
                a.area_code = f.String("area_code", {.required = true, .max_bytes = 64});
                a.cadre_name = f.String("cadre_name", {.required = true, .max_bytes = 60});
                a.cadre_phone = f.String("cadre_phone", {.required = true, .max_bytes = 32});
                a.organisation = f.String("organisation", {.max_bytes = 100});
                a.role = f.String("role", {.required = true, .max_bytes = 32});
                TC_RETURN_IF_ERROR(f.Finish({"area_code", "cadre_name", "cadre_phone", "organisation", "role"}));
                TC_RETURN_IF_ERROR(CoveredArea(ctx, a.area_code, "area_code").status());
                TC_ASSIGN_OR_RETURN(auto created, deps_.grids.Assign(a, ctx.actor()));
                return JsonReply({{"id", created.id}, {"area_code", created.area_code}, {"role", created.role}}, 201);
              });
  router_.Add("GET", "/api/v1/coverage",
              {.summary = "Coverage report (每一寸有人管): every node under an area with nobody responsible or "
                          "without its leaders; format=csv|xlsx downloads the whole list",
               .tag = "grid",
               .permission = read,
               .query = {{"area", "area code (default: your node)"},
                         {"limit", "gaps listed, 1-10000 (default 500; counts are always complete)", "integer"},
                         {"format", "json (default), csv or xlsx"}},
               .response_schema = R"({"type":"object","properties":{"area_code":{"type":"string"},
                 "by_level":{"type":"object"},"total_gaps":{"type":"integer"},"gaps":{"type":"array"}}})"},
              [this](Context& ctx) -> Result<Reply> {
                std::string code = ctx.principal().area_code;
                if (auto a = ctx.Query("area")) code = *a;
                TC_RETURN_IF_ERROR(CoveredArea(ctx, code, "area").status());
                TC_ASSIGN_OR_RETURN(std::string format, ExportFormat(ctx));
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", format == "json" ? 500 : 1'000'000, 1,
                                                                format == "json" ? 10'000 : 1'000'000));
                TC_ASSIGN_OR_RETURN(auto report, deps_.grids.Coverage(code, static_cast<int>(limit)));
                if (format == "json") return JsonReply(CoverageJson(report));
                Table table{{"code", "name", "level", "problems"}, {}};
                for (const auto& g : report.gaps) {
                  std::string problems;
                  for (const auto& p : g.problems) problems += (problems.empty() ? "" : "; ") + p;
                  table.rows.push_back({g.code, g.name, g.level, problems});
                }
                return ExportReply(table, format, "coverage-" + code);
              });
}

}  // namespace tc::api
