// Check-ins (single, JSON arrays, NDJSON and CSV streams) and a person's trajectory.
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
#include "tracing/stream.h"

namespace tc::api {

using nlohmann::json;
using tracing::ToMillis;

namespace {
constexpr Millis kDayMs = 86'400'000;
}  // namespace

void Api::AddCheckinRoutes() {
  using namespace auth::perm;
  tracing::Tracing& tr = deps_.tracing;

  // ---- Check-ins ----
  router_.Add(
      "POST", "/api/v1/checkins",
      {.summary = "Record check-ins: one JSON object, a JSON array, an NDJSON stream (application/x-ndjson) or "
                  "CSV (text/csv, UTF-8 or GBK); bad lines are reported by line and field, good ones committed",
       .tag = "tracing",
       .permission = std::string(kCheckinWrite),
       .request_schema = R"({"type":"object","properties":{"person_id":{"type":"integer"},
         "id_number":{"type":"string"},"venue_code":{"type":"string"},"arrive_at":{"type":"string"},
         "leave_at":{"type":"string","nullable":true}}})",
       .response_schema = R"({"type":"object","properties":{"received":{"type":"integer"},
         "accepted":{"type":"integer"},"rejected":{"type":"integer"},"errors":{"type":"array"}}})"},
      [&tr](Context& ctx) -> Result<Reply> {
        const std::string_view ct = ctx.request().Header("content-type");
        tracing::StreamOptions options;
        options.scope_path = ctx.principal().area_path;
        if (ct.starts_with("application/x-ndjson") || ct.starts_with("text/csv") ||
            ct.starts_with("application/csv")) {
          std::istringstream in(ctx.request().body);
          auto r = tracing::ImportCheckins(
              tr, in, ct.starts_with("application/x-ndjson") ? tracing::StreamFormat::kNdjson : tracing::StreamFormat::kCsv,
              options, ctx.actor());
          if (!r.fatal.ok() && r.checkins.received == 0) return r.fatal;
          json out = ReportJson(r.checkins);
          out["lines"] = r.lines;
          out["complete"] = r.fatal.ok();
          out["stopped_because"] = r.fatal.ok() ? "" : r.fatal.message();
          return JsonReply(out);
        }
        if (!ct.starts_with("application/json")) {
          return Malformed("Content-Type must be application/json, application/x-ndjson or text/csv (got '" +
                           std::string(ct) + "')");
        }
        TC_ASSIGN_OR_RETURN(json body, ctx.JsonValue());
        if (!body.is_object() && !body.is_array()) return Malformed("body is not a JSON object or array");
        const bool single = body.is_object();
        if (single) body = json::array({std::move(body)});
        if (body.size() > 100'000) return FieldInvalid("body", "at most 100,000 check-ins per JSON request; use NDJSON");
        auto r = tracing::ImportCheckinObjects(tr, body, options, ctx.actor());
        if (!r.fatal.ok()) return r.fatal;
        if (single && r.checkins.rejected) {
          const auto& e = r.checkins.errors.at(0);
          Status s = InvalidArgument("check-in is invalid: " + (e.field.empty() ? "" : e.field + ": ") + e.message);
          s.AddFieldError(e.field.empty() ? "body" : e.field, e.message);
          return s;
        }
        return JsonReply(ReportJson(r.checkins), single ? 201 : 200);
      });
  router_.Add("GET", "/api/v1/residents/{id}/trajectory",
              {.summary = "A person's check-ins in [from, to] (行程)",
               .tag = "tracing",
               .permission = std::string(kTraceRun),
               .query = {{"from", "start (default: 14 days before to)"}, {"to", "end (default: now)"}},
               .response_schema = kListSchema},
              [this, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "resident"));
                TC_RETURN_IF_ERROR(deps_.residents.Get(id).status());
                TC_ASSIGN_OR_RETURN(Millis to, TimeQuery(ctx, "to", deps_.clock.Now()));
                TC_ASSIGN_OR_RETURN(Millis from, TimeQuery(ctx, "from", to - 14 * kDayMs));
                TC_ASSIGN_OR_RETURN(auto visits, tr.Trajectory(id, from, to));
                std::vector<uint32_t> venue_ids;
                for (const auto& v : visits) venue_ids.push_back(v.venue);
                TC_ASSIGN_OR_RETURN(auto venues, tr.VenuesById(venue_ids));
                std::map<int64_t, const tracing::Venue*> by_id;
                for (const auto& v : venues) by_id[v.id] = &v;
                json items = json::array();
                for (const auto& v : visits) {
                  auto it = by_id.find(v.venue);
                  items.push_back({{"venue_code", it == by_id.end() ? "" : it->second->code},
                                   {"venue_name", it == by_id.end() ? "" : it->second->name},
                                   {"arrive_at", FormatShanghai(ToMillis(v.arrive))},
                                   {"leave_at", v.leave ? json(FormatShanghai(ToMillis(v.leave))) : json(nullptr)}});
                }
                return JsonReply({{"items", items}, {"next_after", nullptr}});
              });
}

}  // namespace tc::api
