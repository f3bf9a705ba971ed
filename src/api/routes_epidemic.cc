// GET /api/v1/epidemic/summary: the epidemic at a glance for the console's
// overview, scoped like the case list (the household scope key of an area in the
// caller's jurisdiction).
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "auth/roles.h"
#include "registry/areas.h"
#include "tracing/cases.h"

namespace tc::api {
namespace {

using nlohmann::json;

json ContactCountsJson(const tracing::ContactCounts& c) {
  return {{"pending", c.pending},
          {"notified", c.notified},
          {"quarantined", c.quarantined},
          {"monitoring", c.monitoring},
          {"released", c.released},
          {"total", c.total()}};
}

constexpr const char* kSummarySchema = R"({"type":"object","properties":{
  "area":{"type":"object","properties":{"code":{"type":"string"},"name":{"type":"string"},
    "level":{"type":"string"},"mode":{"type":"string","enum":["peacetime","wartime"]}}},
  "today":{"type":"string","description":"the server clock's date (Asia/Shanghai), YYYY-MM-DD"},
  "cases":{"type":"object","properties":{"total":{"type":"integer"},"confirmed":{"type":"integer"},
    "asymptomatic":{"type":"integer"},"suspected":{"type":"integer"},"new_today":{"type":"integer"},"new_confirmed":{"type":"integer"},
    "new_asymptomatic":{"type":"integer"}}},
  "contacts":{"type":"object","description":"open entries of the contact list by status",
    "properties":{"close":{"type":"object","description":"pending, notified, quarantined, released, total"},
      "secondary":{"type":"object","description":"pending, notified, quarantined, released, total"},
      "exposed":{"type":"object","description":"pending, notified, monitoring, released, total"}}},
  "curve":{"type":"array","items":{"type":"object","properties":{"date":{"type":"string"},
    "onset":{"type":"integer"},"reported":{"type":"integer"},"reported_confirmed":{"type":"integer"},
    "reported_asymptomatic":{"type":"integer"}}}}}})";

}  // namespace

void Api::AddEpidemicRoutes() {
  router_.Add("GET", "/api/v1/epidemic/summary",
              {.summary = "The epidemic under an area: cases (confirmed, asymptomatic, new today), the open "
                          "contact list by ring and status, and the daily curve by onset and report date",
               .tag = "cases",
               .permission = std::string(auth::perm::kCaseRead),
               .query = {{"area", "an area code in your jurisdiction (default: your own node)"}},
               .response_schema = kSummarySchema},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto area,
                                    CoveredArea(ctx, ctx.Query("area").value_or(ctx.principal().area_code)));
                TC_ASSIGN_OR_RETURN(auto s, deps_.cases.Epidemic(registry::ScopeKeyOfCode(area.code)));
                json curve = json::array();
                for (const auto& d : s.curve) {
                  curve.push_back({{"date", d.date},
                                   {"onset", d.onset},
                                   {"reported", d.reported()},
                                   {"reported_confirmed", d.reported_confirmed},
                                   {"reported_asymptomatic", d.reported_asymptomatic}});
                }
                return JsonReply(
                    {{"area",
                      {{"code", area.code},
                       {"name", area.name},
                       {"level", registry::LevelName(area.level)},
                       {"mode", area.mode}}},
                     {"today", s.today},
                     {"cases",
                      {{"total", s.confirmed + s.asymptomatic},
                       {"confirmed", s.confirmed},
                       {"asymptomatic", s.asymptomatic},
                       {"suspected", s.suspected},
                       {"new_today", s.new_confirmed + s.new_asymptomatic},
                       {"new_confirmed", s.new_confirmed},
                       {"new_asymptomatic", s.new_asymptomatic}}},
                     {"contacts", {{"close", ContactCountsJson(s.close)}, {"secondary", ContactCountsJson(s.secondary)}, {"exposed", ContactCountsJson(s.exposed)}}},
                     {"curve", curve}});
              });
}

}  // namespace tc::api
