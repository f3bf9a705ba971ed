// The audit log for admins: entries in their jurisdiction, and chain verification.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "api/render.h"
#include "auth/roles.h"

namespace tc::api {

void Api::AddAuditRoutes() {
  const std::string perm(auth::perm::kAuditRead);
  router_.Add("GET", "/api/v1/audit",
              {.summary = "Audit entries in your jurisdiction, newest first",
               .tag = "audit",
               .permission = perm,
               .query = {{"before", "only entries with seq below this (paging)", "integer"},
                         {"limit", "at most this many (1-1000, default 100)", "integer"},
                         {"actor", "only this actor"},
                         {"action", "only actions starting with this (e.g. 'auth.')"}},
               .response_schema = R"({"type":"object","properties":{"items":{"type":"array"}}})"},
              [this](Context& ctx) -> Result<Reply> {
                audit::ListQuery q;
                q.under_path = ctx.principal().area_path;
                TC_ASSIGN_OR_RETURN(q.before_seq, ctx.QueryInt("before", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 100, 1, 1000));
                q.limit = static_cast<int>(limit);
                q.actor = ctx.Query("actor").value_or("");
                q.action_prefix = ctx.Query("action").value_or("");
                TC_ASSIGN_OR_RETURN(auto entries, audit::List(deps_.store, q));
                nlohmann::json items = nlohmann::json::array();
                for (const auto& e : entries) items.push_back(AuditJson(e));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/audit/verify",
              {.summary = "Verify the whole hash chain; reports the first broken link",
               .tag = "audit",
               .permission = perm,
               .response_schema = R"({"type":"object","properties":{"ok":{"type":"boolean"},
                 "checked":{"type":"integer"},"broken_seq":{"type":"integer","nullable":true},
                 "problem":{"type":"string"}}})"},
              [this](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto report, audit::Verify(deps_.store));
                return JsonReply({{"ok", report.ok()},
                                  {"checked", report.checked},
                                  {"broken_seq", report.broken_seq ? nlohmann::json(*report.broken_seq) : nullptr},
                                  {"problem", report.problem}});
              });
}

}  // namespace tc::api
