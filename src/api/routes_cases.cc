// Cases and their transmission chains, scoped to the caller's node like residents.
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

void Api::AddCaseRoutes() {
  using namespace auth::perm;
  tracing::Tracing& tr = deps_.tracing;
  tracing::Cases& cases = deps_.cases;

  // ---- Cases ----
  router_.Add("GET", "/api/v1/cases",
              {.summary = "Cases in your jurisdiction",
               .tag = "cases",
               .permission = std::string(kCaseRead),
               .query = {{"kind", "confirmed, asymptomatic or suspected"},
                         {"after", "paging: ids greater than this", "integer"},
                         {"limit", "1-1000, default 100", "integer"},
                         {"format", "json (default), csv or xlsx"}},
               .response_schema = kListSchema},
              [&cases, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto format, ExportFormat(ctx));
                TC_ASSIGN_OR_RETURN(int64_t after, ctx.QueryInt("after", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(int64_t limit, PageLimit(ctx, format));
                TC_ASSIGN_OR_RETURN(auto list, cases.List({ScopeKey(ctx), ctx.Query("kind").value_or(""), after,
                                                           static_cast<int>(limit)}));
                json items = json::array();
                for (const auto& c : list) items.push_back(CaseJson(c));
                TC_RETURN_IF_ERROR(AddNames(tr, items));
                if (format != "json") {
                  Table t{{"病例ID", "居民ID", "姓名", "类型", "发病日期", "报告日期", "医院", "感染来源病例"}, {}};
                  for (const auto& it : items) {
                    t.rows.push_back({std::to_string(it["id"].get<int64_t>()),
                                      std::to_string(it["resident_id"].get<int64_t>()), it["name"],
                                      it["kind"], it["onset_date"].is_null() ? "" : it["onset_date"].get<std::string>(),
                                      it["report_date"], it["hospital"],
                                      it["infector_case_id"].is_null()
                                          ? ""
                                          : std::to_string(it["infector_case_id"].get<int64_t>())});
                  }
                  return ExportReply(t, format, "cases");
                }
                return PageReply(items, list.size(), limit, list.empty() ? 0 : list.back().id);
              });
  router_.Add("POST", "/api/v1/cases",
              {.summary = "Record a case (confirmed or asymptomatic); publishes CaseConfirmed",
               .tag = "cases",
               .permission = std::string(kCaseWrite),
               .request_schema = R"({"type":"object","required":["resident_id","kind","report_date"],
                 "additionalProperties":false,"properties":{"resident_id":{"type":"integer"},
                 "kind":{"type":"string","enum":["confirmed","asymptomatic"]},"onset_date":{"type":"string"},
                 "report_date":{"type":"string"},"hospital":{"type":"string"},"note":{"type":"string"},
                 "infector_case_id":{"type":"integer"},
                 "reported_at":{"type":"string","description":"when reported and isolated (RFC 3339); exposures end then"}}})",
               .response_schema = kCaseSchema,
               .success_status = 201},
              [this, &cases](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                tracing::NewCase nc;
                nc.resident_id = f.Int("resident_id", true).value_or(0);
                nc.kind = f.String("kind", {.required = true, .max_bytes = 20});
                nc.onset_date = f.String("onset_date", {.max_bytes = 10});
                nc.report_date = f.String("report_date", {.required = true, .max_bytes = 10});
                nc.hospital = f.String("hospital", {.max_bytes = 200});
                nc.note = f.String("note", {.max_bytes = 2000});
                nc.infector_case_id = f.Int("infector_case_id", false).value_or(0);
                const std::string reported_at = f.String("reported_at", {.max_bytes = 40});
                TC_RETURN_IF_ERROR(f.Finish({"resident_id", "kind", "onset_date", "report_date", "hospital", "note",
                                             "infector_case_id", "reported_at"}));
                if (!reported_at.empty()) {
                  TC_ASSIGN_OR_RETURN(nc.reported_at, tracing::ParseCheckinTime(reported_at, "reported_at"));
                }
                auto person = deps_.residents.Get(nc.resident_id);
                if (person.ok() && !person->household_code.starts_with(ScopeKey(ctx))) {
                  person = NoSuch("resident " + std::to_string(nc.resident_id));  // as if missing
                }
                if (!person.ok()) return FieldInvalid("resident_id", person.status().message());
                TC_ASSIGN_OR_RETURN(auto c, cases.Create(nc, ctx.actor()));
                return JsonReply(CaseJson(c), 201);
              });
  router_.Add("GET", "/api/v1/cases/{id}",
              {.summary = "One case", .tag = "cases", .permission = std::string(kCaseRead),
               .response_schema = kCaseSchema},
              [&cases, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "case"));
                TC_ASSIGN_OR_RETURN(auto c, CoveredCase(ctx, cases, id));
                json items = json::array({CaseJson(c)});
                TC_RETURN_IF_ERROR(AddNames(tr, items));
                return JsonReply(items[0]);
              });
  router_.Add("PATCH", "/api/v1/cases/{id}",
              {.summary = "Set or clear (null) the case's infector (transmission chain); cycles are refused",
               .tag = "cases",
               .permission = std::string(kCaseWrite),
               .request_schema = R"({"type":"object","required":["infector_case_id"],"additionalProperties":false,
                 "properties":{"infector_case_id":{"type":"integer","nullable":true}}})",
               .response_schema = kCaseSchema},
              [&cases](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "case"));
                TC_RETURN_IF_ERROR(CoveredCase(ctx, cases, id).status());
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                if (!body.contains("infector_case_id") || body.size() != 1 ||
                    !(body["infector_case_id"].is_null() || body["infector_case_id"].is_number_integer())) {
                  return FieldInvalid("infector_case_id", "infector_case_id (a case id or null) is the only field");
                }
                const int64_t infector = body["infector_case_id"].is_null() ? 0 : body["infector_case_id"].get<int64_t>();
                TC_ASSIGN_OR_RETURN(auto c, cases.SetInfector(id, infector, ctx.actor()));
                return JsonReply(CaseJson(c));
              });
  router_.Add("POST", "/api/v1/cases/{id}/confirm",
              {.summary = "Confirm a suspected case (from a positive test) as confirmed or asymptomatic",
               .tag = "cases",
               .permission = std::string(kCaseWrite),
               .request_schema = R"({"type":"object","required":["kind"],"additionalProperties":false,
                 "properties":{"kind":{"type":"string","enum":["confirmed","asymptomatic"]}}})",
               .response_schema = kCaseSchema},
              [&cases](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "case"));
                TC_RETURN_IF_ERROR(CoveredCase(ctx, cases, id).status());
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const std::string kind = f.String("kind", {.required = true, .max_bytes = 20});
                TC_RETURN_IF_ERROR(f.Finish({"kind"}));
                TC_ASSIGN_OR_RETURN(auto c, cases.Confirm(id, kind, ctx.actor()));
                return JsonReply(CaseJson(c));
              });
  router_.Add("GET", "/api/v1/cases/{id}/chain",
              {.summary = "The transmission chain the case belongs to: cases as nodes, infector links as edges",
               .tag = "cases",
               .permission = std::string(kCaseRead),
               .response_schema = R"({"type":"object","properties":{"nodes":{"type":"array"},
                 "links":{"type":"array"}}})"},
              [&cases, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "case"));
                TC_RETURN_IF_ERROR(CoveredCase(ctx, cases, id).status());
                TC_ASSIGN_OR_RETURN(auto g, cases.Chain(id));
                json nodes = json::array();
                for (const auto& c : g.cases) nodes.push_back(CaseJson(c));
                TC_RETURN_IF_ERROR(AddNames(tr, nodes));
                json links = json::array();
                for (const auto& [from, to] : g.links) links.push_back({{"source", from}, {"target", to}});
                return JsonReply({{"case_id", id}, {"nodes", nodes}, {"links", links}});
              });
}

}  // namespace tc::api
