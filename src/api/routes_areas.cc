// The area hierarchy and peacetime/wartime mode, scoped to the caller's node.
#include <cmath>
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "api/export.h"
#include "api/render.h"
#include "auth/roles.h"
#include "registry/geometry.h"

namespace tc::api {
namespace {

constexpr const char* kAreaSchema = R"({"type":"object","properties":{"code":{"type":"string"},
  "parent_code":{"type":"string","nullable":true},"name":{"type":"string"},
  "level":{"type":"string","enum":["city","district","street","community","compound","building","unit"]},
  "path":{"type":"string"},"mode":{"type":"string","enum":["peacetime","wartime"]},
  "updated_at":{"type":"string"}}})";

}  // namespace

void Api::AddAreaRoutes() {
  const std::string read(auth::perm::kAreaRead);
  const std::string write(auth::perm::kAreaWrite);



  router_.Add("GET", "/api/v1/areas",
              {.summary = "Children of an area (parent=CODE), a name search (q=TEXT), or your own node",
               .tag = "areas",
               .permission = read,
               .query = {{"parent", "list the children of this area code"},
                         {"q", "search area names under your node"},
                         {"limit", "with q: at most this many (1-500, default 50)", "integer"},
                         {"format", "json (default), csv or xlsx"}},
               .response_schema = R"({"type":"object","properties":{"items":{"type":"array"}}})"},
              [this](Context& ctx) -> Result<Reply> {
                nlohmann::json items = nlohmann::json::array();
                if (auto parent = ctx.Query("parent")) {
                  TC_RETURN_IF_ERROR(CoveredArea(ctx, *parent).status());
                  TC_ASSIGN_OR_RETURN(auto kids, deps_.areas.Children(*parent));
                  for (const auto& a : kids) items.push_back(AreaJson(a));
                } else if (auto q = ctx.Query("q")) {
                  TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 50, 1, 500));
                  TC_ASSIGN_OR_RETURN(auto found,
                                      deps_.areas.Search(*q, ctx.principal().area_path, static_cast<int>(limit)));
                  for (const auto& a : found) items.push_back(AreaJson(a));
                } else {
                  TC_ASSIGN_OR_RETURN(auto own, deps_.areas.Get(ctx.principal().area_code));
                  items.push_back(AreaJson(own));
                }
                TC_ASSIGN_OR_RETURN(std::string format, ExportFormat(ctx));
                if (format != "json") {
                  Table table{{"code", "parent_code", "name", "level", "mode"}, {}};
                  for (const auto& a : items) {
                    table.rows.push_back({a["code"], a["parent_code"].is_null() ? "" : a["parent_code"].get<std::string>(),
                                          a["name"], a["level"], a["mode"]});
                  }
                  return ExportReply(table, format, "areas");
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/areas/{code}",
              {.summary = "One area with counts of what lies under it",
               .tag = "areas",
               .permission = read,
               .response_schema = kAreaSchema},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto area, CoveredArea(ctx, ctx.Param("code")));
                TC_ASSIGN_OR_RETURN(auto s, deps_.areas.Summary(area.code));
                nlohmann::json body = AreaJson(area);
                body["counts"] = {{"children", s.children},     {"streets", s.streets},
                                  {"communities", s.communities}, {"compounds", s.compounds},
                                  {"buildings", s.buildings},   {"units", s.units},
                                  {"grids", s.grids},           {"households", s.households},
                                  {"residents", s.residents}};
                body["care_tags"] = {{"elderly_alone", s.elderly_alone}, {"chronic", s.chronic},
                                     {"pregnant", s.pregnant},           {"disability", s.disability},
                                     {"severe_illness", s.severe_illness}};
                return JsonReply(body);
              });
  router_.Add("GET", "/api/v1/areas/{code}/map",
              {.summary = "GeoJSON FeatureCollection of an area's children (and the area itself, role=parent) "
                          "with population, households, area in km² and density, for drawing a map",
               .tag = "areas",
               .permission = read,
               .response_schema = R"({"type":"object","properties":{"type":{"type":"string"},
                 "features":{"type":"array"}}})"},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto area, CoveredArea(ctx, ctx.Param("code")));
                TC_ASSIGN_OR_RETURN(auto shapes, deps_.areas.Shapes(area.code));
                nlohmann::json features = nlohmann::json::array();
                for (const auto& s : shapes) {
                  nlohmann::json geometry = s.geojson.empty() ? nlohmann::json(nullptr)
                                                              : nlohmann::json::parse(s.geojson, nullptr, false);
                  const double km2 = registry::GeoJsonAreaKm2(geometry);
                  features.push_back(
                      {{"type", "Feature"},
                       {"geometry", geometry},
                       {"properties",
                        {{"code", s.area.code},
                         {"name", s.area.name},
                         {"level", registry::LevelName(s.area.level)},
                         {"role", s.area.code == area.code ? "parent" : "child"},
                         {"mode", s.area.mode},
                         {"residents", s.residents},
                         {"households", s.households},
                         {"area_km2", std::round(km2 * 1000) / 1000},
                         {"density", km2 > 0 ? std::round(s.residents / km2) : 0}}}});
                }
                return JsonReply({{"type", "FeatureCollection"}, {"features", features}});
              });
  router_.Add("POST", "/api/v1/areas",
              {.summary = "Create an area under one in your jurisdiction",
               .tag = "areas",
               .permission = write,
               .request_schema = R"({"type":"object","required":["code","parent_code","name","level"],
                 "additionalProperties":false,"properties":{"code":{"type":"string"},
                 "parent_code":{"type":"string"},"name":{"type":"string","maxLength":100},
                 "level":{"type":"string"}}})",
               .response_schema = kAreaSchema,
               .success_status = 201},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                registry::NewArea na;
                na.code = f.String("code", {.required = true, .max_bytes = 64});
                na.parent_code = f.String("parent_code", {.required = true, .max_bytes = 64});
                na.name = f.String("name", {.required = true, .max_bytes = 100});
                na.level = f.String("level", {.required = true, .max_bytes = 16});
                TC_RETURN_IF_ERROR(f.Finish({"code", "parent_code", "name", "level"}));
                TC_RETURN_IF_ERROR(CoveredArea(ctx, na.parent_code, "parent_code").status());
                TC_ASSIGN_OR_RETURN(auto area, deps_.areas.Create(na, ctx.actor()));
                return JsonReply(AreaJson(area), 201);
              });
  router_.Add("PATCH", "/api/v1/areas/{code}",
              {.summary = "Rename an area",
               .tag = "areas",
               .permission = write,
               .request_schema = R"({"type":"object","required":["name"],"additionalProperties":false,
                 "properties":{"name":{"type":"string","maxLength":100}}})",
               .response_schema = kAreaSchema},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const std::string name = f.String("name", {.required = true, .max_bytes = 100});
                TC_RETURN_IF_ERROR(f.Finish({"name"}));
                TC_ASSIGN_OR_RETURN(auto area, CoveredArea(ctx, ctx.Param("code")));
                TC_ASSIGN_OR_RETURN(auto renamed, deps_.areas.Rename(area.code, name, ctx.actor()));
                return JsonReply(AreaJson(renamed));
              });
  router_.Add("PUT", "/api/v1/areas/{code}/mode",
              {.summary = "Switch a district (or the city) between peacetime and wartime (平战结合)",
               .tag = "areas",
               .permission = std::string(auth::perm::kAreaMode),
               .request_schema = R"({"type":"object","required":["mode","reason"],"additionalProperties":false,
                 "properties":{"mode":{"type":"string","enum":["peacetime","wartime"]},
                 "reason":{"type":"string","maxLength":500}}})",
               .response_schema = kAreaSchema},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const std::string mode = f.String("mode", {.required = true, .max_bytes = 16});
                const std::string reason = f.String("reason", {.required = true, .max_bytes = 500});
                TC_RETURN_IF_ERROR(f.Finish({"mode", "reason"}));
                TC_ASSIGN_OR_RETURN(auto area, CoveredArea(ctx, ctx.Param("code")));
                TC_ASSIGN_OR_RETURN(auto changed, deps_.areas.SetMode(area.code, mode, reason, ctx.actor()));
                return JsonReply(AreaJson(changed));
              });
  router_.Add("GET", "/api/v1/areas/{code}/mode-history",
              {.summary = "Who switched this area's mode, when and why (newest first)",
               .tag = "areas",
               .permission = read,
               .response_schema = R"({"type":"object","properties":{"items":{"type":"array"}}})"},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto area, CoveredArea(ctx, ctx.Param("code")));
                TC_ASSIGN_OR_RETURN(auto history, deps_.areas.ModeHistory(area.code));
                nlohmann::json items = nlohmann::json::array();
                for (const auto& h : history) {
                  items.push_back({{"area_code", h.area_code},
                                   {"mode", h.mode},
                                   {"reason", h.reason},
                                   {"actor", h.actor},
                                   {"at", FormatShanghai(h.at)}});
                }
                return JsonReply({{"items", items}});
              });
}

}  // namespace tc::api
