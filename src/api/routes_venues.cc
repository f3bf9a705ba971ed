// Venues (场所码) and who was at one (the Xinfadi query). Results name people across
// the city (协查 needs it), with phones masked; only roles with trace.run see them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>

#include "api/api.h"
#include "api/context.h"
#include "api/export.h"
#include "api/tracing_common.h"
#include "auth/roles.h"
#include "registry/areas.h"
#include "registry/id_number.h"
#include "tracing/cases.h"
#include "tracing/checkins.h"
#include "tracing/paging.h"
#include "tracing/stream.h"

namespace tc::api {

using nlohmann::json;
using tracing::ToMillis;

void Api::AddVenueRoutes() {
  using namespace auth::perm;
  tracing::Tracing& tr = deps_.tracing;

  // ---- Venues ----
  router_.Add("GET", "/api/v1/venues",
              {.summary = "Venues (场所) under an area",
               .tag = "tracing",
               .permission = std::string(kAreaRead),
               .query = {{"area", "area code (default: your node)"},
                         {"kind", "venue kind"},
                         {"q", "part of the name or code"},
                         {"after", "paging: ids greater than this", "integer"},
                         {"limit", "1-1000, default 100", "integer"},
                         {"format", "json (default), csv or xlsx"}},
               .response_schema = kListSchema},
              [this, &tr](Context& ctx) -> Result<Reply> {
                std::string path = ctx.principal().area_path;
                if (auto area = ctx.Query("area")) {
                  TC_ASSIGN_OR_RETURN(auto a, CoveredArea(ctx, *area, "area"));
                  path = a.path;
                }
                TC_ASSIGN_OR_RETURN(auto format, ExportFormat(ctx));
                TC_ASSIGN_OR_RETURN(int64_t after, ctx.QueryInt("after", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(int64_t limit, PageLimit(ctx, format));
                const std::string kind = ctx.Query("kind").value_or("");
                if (!kind.empty() && !tracing::IsVenueKind(kind)) return FieldInvalid("kind", "unknown venue kind");
                TC_ASSIGN_OR_RETURN(auto venues, tr.ListVenues(path, kind, ctx.Query("q").value_or(""), after,
                                                               static_cast<int>(limit)));
                if (format != "json") {
                  Table t{{"场所码", "名称", "类型", "所在区域", "容量"}, {}};
                  for (const auto& v : venues) {
                    t.rows.push_back({v.code, v.name, v.kind, v.area_code, std::to_string(v.capacity)});
                  }
                  return ExportReply(t, format, "venues");
                }
                json items = json::array();
                for (const auto& v : venues) items.push_back(VenueJson(v));
                return PageReply(items, venues.size(), limit, venues.empty() ? 0 : venues.back().id);
              });
  router_.Add("POST", "/api/v1/venues",
              {.summary = "Register a venue (场所码) in your jurisdiction",
               .tag = "tracing",
               .permission = std::string(kVenueWrite),
               .request_schema = R"({"type":"object","required":["code","name","kind","area_code"],
                 "additionalProperties":false,"properties":{"code":{"type":"string"},"name":{"type":"string"},
                 "kind":{"type":"string"},"area_code":{"type":"string"},"capacity":{"type":"integer"}}})",
               .response_schema = kVenueSchema,
               .success_status = 201},
              [this, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                tracing::NewVenue v;
                v.code = f.String("code", {.required = true, .max_bytes = 40});
                v.name = f.String("name", {.required = true, .max_bytes = 200});
                v.kind = f.String("kind", {.required = true, .max_bytes = 40});
                v.area_code = f.String("area_code", {.required = true, .max_bytes = 64});
                v.capacity = f.Int("capacity", false).value_or(0);
                TC_RETURN_IF_ERROR(f.Finish({"code", "name", "kind", "area_code", "capacity"}));
                TC_RETURN_IF_ERROR(CoveredArea(ctx, v.area_code, "area_code").status());
                TC_ASSIGN_OR_RETURN(auto created, tr.CreateVenue(v, ctx.actor()));
                return JsonReply(VenueJson(created), 201);
              });
  router_.Add("GET", "/api/v1/venues/{code}",
              {.summary = "One venue", .tag = "tracing", .permission = std::string(kAreaRead),
               .response_schema = kVenueSchema},
              [&tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto v, CoveredVenue(ctx, tr, ctx.Param("code")));
                return JsonReply(VenueJson(v));
              });
  router_.Add(
      "GET", "/api/v1/venues/{code}/visitors",
      {.summary = "Everyone at the venue in [from, to] (the Xinfadi query), grouped by person with visit times",
       .tag = "tracing",
       .permission = std::string(kTraceRun),
       .query = {{"from", "start (RFC 3339 or YYYY-MM-DD HH:MM)", "string", true},
                 {"to", "end (default: now)"},
                 {"after", "paging: person ids greater than this", "integer"},
                 {"limit", "persons per page, 1-10000, default 500", "integer"},
                 {"format", "json (default), csv or xlsx (every visit)"}},
       .response_schema = R"({"type":"object","properties":{"venue":{"type":"object"},
         "visits":{"type":"integer"},"distinct_persons":{"type":"integer"},"engine_ms":{"type":"number"},
         "items":{"type":"array"},"next_after":{"type":"integer","nullable":true}}})"},
      [this, &tr](Context& ctx) -> Result<Reply> {
        TC_ASSIGN_OR_RETURN(auto venue, CoveredVenue(ctx, tr, ctx.Param("code")));
        if (!ctx.Query("from")) return FieldInvalid("from", "from is required");
        TC_ASSIGN_OR_RETURN(Millis from, TimeQuery(ctx, "from", 0));
        TC_ASSIGN_OR_RETURN(Millis to, TimeQuery(ctx, "to", deps_.clock.Now()));
        if (to < from) return FieldInvalid("to", "to is before from");
        TC_ASSIGN_OR_RETURN(auto format, ExportFormat(ctx));
        TC_ASSIGN_OR_RETURN(int64_t after, ctx.QueryInt("after", 0, 0, INT64_MAX));
        TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 500, 1, 10'000));
        const auto t0 = std::chrono::steady_clock::now();
        TC_ASSIGN_OR_RETURN(auto r, tr.VenueVisitors(venue.code, from, to));
        const double engine_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (format != "json") {
          if (r.visits.size() > 1'000'000) return FieldInvalid("format", "more than 1,000,000 visits: narrow the window");
          std::vector<uint32_t> ids;
          for (const auto& v : r.visits) ids.push_back(v.person);
          TC_ASSIGN_OR_RETURN(auto people, tr.People(ids));
          std::map<int64_t, const tracing::PersonRef*> by_id;
          for (const auto& p : people) by_id[p.id] = &p;
          Table t{{"人员ID", "姓名", "手机号", "户", "到达时间", "离开时间"}, {}};
          for (const auto& v : r.visits) {
            auto p = by_id.find(v.person);
            const bool known = p != by_id.end();
            t.rows.push_back({std::to_string(v.person), known ? p->second->name : "",
                              known ? registry::MaskPhone(p->second->phone) : "",
                              known ? p->second->household_code : "", FormatShanghai(ToMillis(v.arrive)),
                              v.leave ? FormatShanghai(ToMillis(v.leave)) : ""});
          }
          return ExportReply(t, format, "visitors-" + venue.code);
        }
        // Group by person, page by person id.
        const auto page = tracing::PageByPerson(r.visits, static_cast<uint32_t>(std::min<int64_t>(after, UINT32_MAX)),
                                                static_cast<size_t>(limit));
        json items = json::array();
        for (const auto& p : page.people) {
          json times = json::array();
          for (const auto& v : p.visits) {
            times.push_back({{"arrive_at", FormatShanghai(ToMillis(v.arrive))},
                             {"leave_at", v.leave ? json(FormatShanghai(ToMillis(v.leave))) : json(nullptr)}});
          }
          items.push_back({{"resident_id", p.person}, {"visits", times}});
        }
        const int64_t last = page.people.empty() ? 0 : page.people.back().person;
        const bool more = page.more;
        TC_RETURN_IF_ERROR(AddNames(tr, items));
        return JsonReply({{"venue", VenueJson(venue)},
                          {"from", FormatShanghai(from)},
                          {"to", FormatShanghai(to)},
                          {"visits", r.visits.size()},
                          {"distinct_persons", r.distinct_persons},
                          {"engine_ms", engine_ms},
                          {"items", items},
                          {"next_after", more ? json(last) : json(nullptr)}});
      });
}

}  // namespace tc::api
