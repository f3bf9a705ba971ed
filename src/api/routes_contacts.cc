// The contact list (密接/次密接): list, add by hand, status, removal; scoped like residents.
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

namespace {

// A status change as a body gives it, single or bulk: {status, officer, note?}.
struct StatusMove {
  std::string status, officer, note;
};
Result<StatusMove> ReadStatusMove(const json& body) {
  FieldReader f(body);
  StatusMove m{f.String("status", {.required = true, .max_bytes = 20}),
               f.String("officer", {.required = true, .max_bytes = 100}), f.String("note", {.max_bytes = 2000})};
  TC_RETURN_IF_ERROR(f.Finish({"status", "officer", "note"}));
  return m;
}

}  // namespace

void Api::AddContactRoutes() {
  using namespace auth::perm;
  tracing::Tracing& tr = deps_.tracing;
  tracing::Cases& cases = deps_.cases;

  // ---- Contacts ----
  router_.Add("GET", "/api/v1/contacts",
              {.summary = "The contact list (密接/次密接/风险人员) in your jurisdiction; within a run each tier "
                          "is listed by exposure score, highest first",
               .tag = "cases",
               .permission = std::string(kCaseRead),
               .query = {{"tier", "close, secondary or exposed (also accepted as ring)"},
                         {"status", "pending, notified, quarantined, monitoring or released"},
                         {"case", "contacts leading back to this case", "integer"},
                         {"run", "contacts listed by this tracing run", "integer"},
                         {"removed", "true to include removed entries", "boolean"},
                         {"after", "paging: ids greater than this", "integer"},
                         {"limit", "1-1000, default 100", "integer"},
                         {"format", "json (default), csv or xlsx"}},
               .response_schema = kListSchema},
              [&cases, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto format, ExportFormat(ctx));
                tracing::ContactListQuery q;
                q.scope = ScopeKey(ctx);
                const char* tier_param = ctx.Query("tier") ? "tier" : "ring";
                q.ring = ctx.Query(tier_param).value_or("");
                q.status = ctx.Query("status").value_or("");
                tracing::Tier tier;
                if (!q.ring.empty() && !tracing::ParseTier(q.ring, &tier)) {
                  return FieldInvalid(tier_param, "unknown tier '" + q.ring + "' (close, secondary or exposed)");
                }
                TC_ASSIGN_OR_RETURN(q.case_id, ctx.QueryInt("case", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(q.run_id, ctx.QueryInt("run", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(q.include_removed, ctx.QueryBool("removed", false));
                TC_ASSIGN_OR_RETURN(q.after_id, ctx.QueryInt("after", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(int64_t limit, PageLimit(ctx, format));
                q.limit = static_cast<int>(limit);
                TC_ASSIGN_OR_RETURN(auto list, cases.Contacts(q));
                json items = json::array();
                for (const auto& c : list) items.push_back(ContactJson(c));
                TC_RETURN_IF_ERROR(AddNames(tr, items));
                if (format != "json") {
                  Table t{{"ID", "居民ID", "姓名", "手机号", "户", "类别", "评分", "病例", "原因", "暴露时间", "状态",
                           "负责人"},
                          {}};
                  for (const auto& it : items) {
                    t.rows.push_back({std::to_string(it["id"].get<int64_t>()),
                                      std::to_string(it["resident_id"].get<int64_t>()), it["name"], it["phone"],
                                      it["household_code"],
                                      it["tier"] == "close" ? "密接" : it["tier"] == "secondary" ? "次密接" : "风险人员",
                                      it["score"].is_null() ? "" : Fixed3(it["score"].get<double>()),
                                      it["case_id"].is_null() ? "" : std::to_string(it["case_id"].get<int64_t>()),
                                      it["reason"],
                                      it["exposure_at"].is_null() ? "" : it["exposure_at"].get<std::string>(),
                                      it["status"], it["officer"]});
                  }
                  return ExportReply(t, format, "contacts");
                }
                return PageReply(items, list.size(), limit, list.empty() ? 0 : list.back().id);
              });
  router_.Add("POST", "/api/v1/contacts",
              {.summary = "Add a person to the contact list by hand (a reason is required)",
               .tag = "cases",
               .permission = std::string(kContactWrite),
               .request_schema = R"({"type":"object","required":["resident_id","ring","reason"],
                 "additionalProperties":false,"properties":{"resident_id":{"type":"integer"},
                 "ring":{"type":"string","enum":["close","secondary","exposed"]},"case_id":{"type":"integer"},
                 "reason":{"type":"string"}}})",
               .response_schema = kContactSchema,
               .success_status = 201},
              [this, &cases](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const int64_t resident = f.Int("resident_id", true).value_or(0);
                const std::string ring = f.String("ring", {.required = true, .max_bytes = 20});
                const int64_t case_id = f.Int("case_id", false).value_or(0);
                const std::string reason = f.String("reason", {.required = true, .max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"resident_id", "ring", "case_id", "reason"}));
                auto person = deps_.residents.Get(resident);
                if (person.ok() && !person->household_code.starts_with(ScopeKey(ctx))) {
                  person = NoSuch("resident " + std::to_string(resident));  // as if missing
                }
                if (!person.ok()) return FieldInvalid("resident_id", person.status().message());
                TC_ASSIGN_OR_RETURN(auto c, cases.AddContact(resident, ring, case_id, reason, ctx.actor()));
                return JsonReply(ContactJson(c), 201);
              });
  router_.Add("GET", "/api/v1/contacts/{id}",
              {.summary = "One contact entry with its status history",
               .tag = "cases",
               .permission = std::string(kCaseRead),
               .response_schema = kContactSchema},
              [&cases, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "contact"));
                TC_ASSIGN_OR_RETURN(auto c, CoveredContact(ctx, cases, id));
                TC_ASSIGN_OR_RETURN(auto history, cases.ContactHistory(id));
                json items = json::array({ContactJson(c)});
                TC_RETURN_IF_ERROR(AddNames(tr, items));
                json h = json::array();
                for (const auto& s : history) {
                  h.push_back({{"from", s.from}, {"to", s.to}, {"officer", s.officer}, {"note", s.note},
                               {"at", FormatShanghai(s.at)}});
                }
                items[0]["history"] = h;
                return JsonReply(items[0]);
              });
  router_.Add("POST", "/api/v1/contacts/{id}/status",
              {.summary = "Move a contact's status forward through its tier's statuses: pending → notified → "
                          "quarantined (close, secondary) or monitoring (exposed) → released",
               .tag = "cases",
               .permission = std::string(kContactWrite),
               .request_schema = R"({"type":"object","required":["status","officer"],"additionalProperties":false,
                 "properties":{"status":{"type":"string","enum":["notified","quarantined","monitoring","released"]},
                 "officer":{"type":"string"},"note":{"type":"string"}}})",
               .response_schema = kContactSchema},
              [&cases](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "contact"));
                TC_RETURN_IF_ERROR(CoveredContact(ctx, cases, id).status());
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                TC_ASSIGN_OR_RETURN(const StatusMove move, ReadStatusMove(body));
                TC_ASSIGN_OR_RETURN(auto c, cases.SetContactStatus(id, move.status, move.officer, move.note, ctx.actor()));
                return JsonReply(ContactJson(c));
              });
  router_.Add("POST", "/api/v1/contacts/status",
              {.summary = "Move many contacts' statuses forward at once (a tier's bulk action); each id answers "
                          "on its own",
               .tag = "cases",
               .permission = std::string(kContactWrite),
               .request_schema = R"({"type":"object","required":["ids","status","officer"],"additionalProperties":false,
                 "properties":{"ids":{"type":"array","items":{"type":"integer"},"maxItems":1000},
                 "status":{"type":"string","enum":["notified","quarantined","monitoring","released"]},
                 "officer":{"type":"string"},"note":{"type":"string"}}})",
               .response_schema = R"({"type":"object","properties":{"updated":{"type":"integer"},
                 "failed":{"type":"integer"},"items":{"type":"array"}}})"},
              [&cases](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                std::vector<int64_t> ids;
                const auto it = body.find("ids");
                if (it == body.end() || !it->is_array() || it->empty() || it->size() > 1000) {
                  return FieldInvalid("ids", "ids must be an array of 1–1000 contact ids");
                }
                for (const auto& id : *it) {
                  if (!id.is_number_integer() || id.get<int64_t>() < 1) {
                    return FieldInvalid("ids", "contact ids are positive integers, not " + id.dump());
                  }
                  ids.push_back(id.get<int64_t>());
                }
                body.erase("ids");
                TC_ASSIGN_OR_RETURN(const StatusMove move, ReadStatusMove(body));
                // Out of the caller's area answers as missing, per id, like a single change.
                std::vector<int64_t> covered;
                json items = json::array();
                std::map<int64_t, json> answer;
                for (int64_t id : ids) {
                  auto c = CoveredContact(ctx, cases, id);
                  if (c.ok()) {
                    covered.push_back(id);
                  } else {
                    answer[id] = ProblemItem(id, c.status());
                  }
                }
                auto done = cases.SetContactStatuses(covered, move.status, move.officer, move.note, ctx.actor());
                int64_t updated = 0;
                for (size_t i = 0; i < covered.size(); ++i) {
                  if (done[i].ok()) {
                    ++updated;
                    answer[covered[i]] = ContactJson(*done[i]);
                  } else {
                    answer[covered[i]] = ProblemItem(covered[i], done[i].status());
                  }
                }
                for (int64_t id : ids) items.push_back(answer[id]);
                return JsonReply({{"updated", updated},
                                  {"failed", static_cast<int64_t>(ids.size()) - updated},
                                  {"items", items}});
              });
  router_.Add("POST", "/api/v1/contacts/{id}/remove",
              {.summary = "Take a person off the contact list (a reason is required; the entry is kept)",
               .tag = "cases",
               .permission = std::string(kContactWrite),
               .request_schema = R"({"type":"object","required":["reason"],"additionalProperties":false,
                 "properties":{"reason":{"type":"string"}}})",
               .response_schema = kContactSchema},
              [&cases](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "contact"));
                TC_RETURN_IF_ERROR(CoveredContact(ctx, cases, id).status());
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const std::string reason = f.String("reason", {.required = true, .max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"reason"}));
                TC_ASSIGN_OR_RETURN(auto c, cases.RemoveContact(id, reason, ctx.actor()));
                return JsonReply(ContactJson(c));
              });
}

}  // namespace tc::api
