// The 12345 hotline (接诉即办; docs/hotline.md): classification and address
// resolution without a request, intake from agents, residents, enterprises and the
// API, the inboxes (a department handler sees its departments' requests under its
// node, a community its community's, an agent everything under theirs, a resident or
// enterprise only what they filed), workflow actions, the three rates, monthly
// rankings, hotspots, and the administration of the taxonomy, staff, rules, aliases,
// the classifier and Open311 keys. Phones are masked unless unmask=true (audited).
#include <cmath>

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "auth/roles.h"
#include "healthcode/checkpoints.h"
#include "hotline/hotline.h"
#include "registry/id_number.h"

namespace tc::api {

using nlohmann::json;

namespace {

json TimeOrNull(Millis t) { return t ? json(FormatShanghai(t)) : json(nullptr); }
json TextOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json Flags(int f) {
  json a = json::array();
  if (f & hotline::kRespondFlag) a.push_back("respond");
  if (f & hotline::kHandleFlag) a.push_back("handle");
  if (f & hotline::kCallbackFlag) a.push_back("callback");
  return a;
}

json ScoredJson(const hotline::Scored& s) {
  return {{"code", s.code},
          {"name", s.name},
          {"department", s.department},
          {"department_name", s.department_name},
          {"score", std::round(s.score * 10000) / 10000}};
}

json MatchJson(const hotline::AddressMatch& m) {
  return {{"code", TextOrNull(m.code)},     {"path", TextOrNull(m.path)},
          {"level", TextOrNull(m.level)},   {"community_code", TextOrNull(m.community_code)},
          {"confidence", m.confidence},     {"fuzzy", m.fuzzy},
          {"notes", m.notes}};
}

json RequestJson(const hotline::Request& r, bool unmasked) {
  const hotline::RequestState& s = r.state;
  json attachments = json::array();
  for (const auto& a : r.attachments) {
    attachments.push_back({{"name", a.name}, {"type", a.type}, {"size", a.size}, {"url", TextOrNull(a.url)}});
  }
  json suggestions = json::array();
  for (const auto& x : r.suggestions) suggestions.push_back(ScoredJson(x));
  return {{"id", r.id},
          {"number", r.number},
          {"channel", r.channel},
          {"caller_name", unmasked ? r.caller_name : healthcode::MaskName(r.caller_name)},
          {"phone", unmasked ? r.phone : registry::MaskPhone(r.phone)},
          {"enterprise", TextOrNull(r.enterprise)},
          {"text", r.text},
          {"address_text", r.address_text},
          {"attachments", std::move(attachments)},
          {"lat", std::isnan(r.lat) ? json(nullptr) : json(r.lat)},
          {"long", std::isnan(r.lon) ? json(nullptr) : json(r.lon)},
          {"area", {{"code", TextOrNull(r.area_code)},
                    {"path", r.area_path},
                    {"community_code", TextOrNull(r.community_code)},
                    {"confidence", r.area_confidence},
                    {"notes", r.address_notes}}},
          {"category", r.category},
          {"category_name", r.category_name},
          {"suggestions", std::move(suggestions)},
          {"overridden", r.overridden},
          {"department", TextOrNull(s.department)},
          {"department_name", TextOrNull(r.department_name)},
          {"priority", hotline::PriorityName(s.priority)},
          {"green_channel", s.priority == hotline::Priority::kUrgent},
          {"wartime", r.wartime},
          {"status", hotline::StateName(s.status)},
          {"received_at", FormatShanghai(s.received_at)},
          {"dispatched_at", TimeOrNull(s.dispatched_at)},
          {"responded_at", TimeOrNull(s.responded_at)},
          {"resolved_at", TimeOrNull(s.resolved_at)},
          {"closed_at", TimeOrNull(s.closed_at)},
          {"respond_by", TimeOrNull(s.respond_by)},
          {"handle_by", TimeOrNull(s.handle_by)},
          {"callback_by", TimeOrNull(s.callback_by)},
          {"overdue", Flags(s.overdue)},
          {"reminded", Flags(s.reminded)},
          {"escalation", s.escalation},
          {"satisfaction", s.satisfaction ? json(s.satisfaction) : json(nullptr)},
          {"solved", s.solved < 0 ? json(nullptr) : json(s.solved == 1)},
          {"reopen_count", s.reopen_count},
          {"return_count", s.return_count},
          {"callback_attempts", s.callback_attempts},
          {"urge_count", s.urge_count},
          {"merged_into", s.merged_into ? json(s.merged_into) : json(nullptr)},
          {"group_id", r.group_id ? json(r.group_id) : json(nullptr)},
          {"resolution", TextOrNull(r.resolution)},
          {"callback_note", TextOrNull(r.callback_note)},
          {"created_by", r.created_by},
          {"updated_at", FormatShanghai(r.updated_at)}};
}

json CountsJson(const hotline::Counts& c) {
  const auto rate = [](double x, int64_t denominator) { return denominator ? json(std::round(x * 10000) / 10000) : json(nullptr); };
  return {{"received", c.received},
          {"response_due", c.response_due},
          {"responded_on_time", c.responded_on_time},
          {"called_back", c.called_back},
          {"solved", c.solved},
          {"satisfied", c.satisfied},
          {"overdue", c.overdue},
          {"response_rate", rate(c.ResponseRate(), c.response_due)},
          {"resolution_rate", rate(c.ResolutionRate(), c.called_back)},
          {"satisfaction_rate", rate(c.SatisfactionRate(), c.called_back)}};
}

json TaxonomyJson(const hotline::Taxonomy& t) {
  json deps = json::array(), cats = json::array();
  for (const auto& d : t.departments) deps.push_back({{"code", d.code}, {"name", d.name}, {"active", d.active}});
  for (const auto& c : t.categories) {
    cats.push_back({{"code", c.code},
                    {"name", c.name},
                    {"department", c.department},
                    {"epidemic", c.epidemic},
                    {"active", c.active},
                    {"leaf", t.IsLeaf(c.code)}});
  }
  return {{"departments", std::move(deps)}, {"categories", std::move(cats)}};
}

json RulesJson(const hotline::HotlineRules& r) {
  json j = json::parse(hotline::HotlineRulesJson(r));
  j["version"] = r.version;
  j["changed_by"] = TextOrNull(r.changed_by);
  j["reason"] = TextOrNull(r.reason);
  j["changed_at"] = TimeOrNull(r.changed_at);
  return j;
}

Result<hotline::RateBook::GroupBy> GroupByParam(const Context& ctx) {
  const std::string g = ctx.Query("group_by").value_or("department");
  if (g == "department") return hotline::RateBook::GroupBy::kDepartment;
  if (g == "district") return hotline::RateBook::GroupBy::kDistrict;
  if (g == "street") return hotline::RateBook::GroupBy::kStreet;
  if (g == "community") return hotline::RateBook::GroupBy::kCommunity;
  return FieldInvalid("group_by", "'" + g + "' is not department, district, street or community");
}

// unmask=true needs personal.unmask, or hotline.dispatch: the 12345 centre calls
// callers back on the numbers they gave it. The read is audited by the caller.
Result<bool> WantsUnmasked(const Context& ctx) {
  TC_ASSIGN_OR_RETURN(bool unmask, ctx.QueryBool("unmask", false));
  if (unmask && !ctx.principal().Can(auth::perm::kHotlineDispatch)) {
    TC_RETURN_IF_ERROR(ctx.RequirePermission(auth::perm::kPersonalUnmask));
  }
  return unmask;
}

Result<std::vector<int64_t>> IdList(const json& body, const std::string& field) {
  std::vector<int64_t> out;
  if (!body.contains(field) || !body[field].is_array()) return FieldInvalid(field, "a list of request ids");
  for (size_t i = 0; i < body[field].size(); ++i) {
    if (!body[field][i].is_number_integer()) return FieldInvalid(field + "[" + std::to_string(i) + "]", "a request id");
    out.push_back(body[field][i].get<int64_t>());
  }
  return out;
}

}  // namespace

// Which requests the caller sees (hotline.h Scope).
hotline::Scope HotlineScope(const Context& ctx, const hotline::Hotline& h) {
  const auth::Principal& p = ctx.principal();
  hotline::Scope s;
  switch (p.role) {
    case auth::Role::kResident:
    case auth::Role::kEnterpriseUser:
      s.created_by = p.username;
      break;
    case auth::Role::kDepartmentHandler:
      s.under_path = p.area_path;
      s.departments_only = true;
      s.departments = h.DepartmentsOf(p.username);
      break;
    default:
      s.under_path = p.area_path;
  }
  return s;
}

// A request from a JSON body (the API's and the console's intake), with the caller's
// role deciding the channel for residents and enterprises.
Result<hotline::NewRequest> NewRequestFromJson(const json& body, const auth::Principal& p) {
  FieldReader f(body);
  hotline::NewRequest r;
  r.channel = f.String("channel", {.max_bytes = 20});
  r.caller_name = f.String("caller_name", {.max_bytes = 400});
  r.phone = f.String("phone", {.max_bytes = 40});
  r.text = f.String("text", {.required = true, .max_bytes = 4 * hotline::kMaxTextBytes});
  r.address_text = f.String("address", {.max_bytes = 4 * hotline::kMaxAddressBytes});
  r.enterprise = f.String("enterprise", {.max_bytes = 800});
  r.category = f.String("category", {.max_bytes = 64});
  r.area_code = f.String("area_code", {.max_bytes = 64});
  TC_RETURN_IF_ERROR(f.Finish({"channel", "caller_name", "phone", "text", "address", "enterprise", "category",
                               "area_code", "attachments", "lat", "long"}));
  if (body.contains("attachments")) {
    const json& a = body["attachments"];
    if (!a.is_array()) return FieldInvalid("attachments", "a list of {name, type, size, url}");
    if (a.size() > hotline::kMaxAttachments) {
      return FieldInvalid("attachments", "at most " + std::to_string(hotline::kMaxAttachments) + " attachments");
    }
    for (size_t i = 0; i < a.size(); ++i) {
      const std::string field = "attachments[" + std::to_string(i) + "]";
      if (!a[i].is_object()) return FieldInvalid(field, "an object {name, type, size, url}");
      hotline::Attachment x;
      const auto str = [&](const char* k) {
        return a[i].contains(k) && a[i][k].is_string() ? a[i][k].get<std::string>() : std::string();
      };
      x.name = str("name");
      x.type = str("type");
      x.url = str("url");
      if (a[i].contains("size")) {
        if (!a[i]["size"].is_number_integer()) return FieldInvalid(field + ".size", "bytes, an integer");
        x.size = a[i]["size"].get<int64_t>();
      }
      r.attachments.push_back(std::move(x));
    }
  }
  for (const char* k : {"lat", "long"}) {
    if (!body.contains(k) || body[k].is_null()) continue;
    if (!body[k].is_number()) return FieldInvalid(k, "a number (WGS-84 degrees)");
    (std::string(k) == "lat" ? r.lat : r.lon) = body[k].get<double>();
  }
  if (p.role == auth::Role::kResident) {
    r.channel = r.channel == "web" ? "web" : "mobile";
    r.resident_id = p.resident_id;
  } else if (p.role == auth::Role::kEnterpriseUser) {
    r.channel = "enterprise";
  } else if (r.channel.empty()) {
    r.channel = p.role == auth::Role::kHotlineAgent ? "phone" : "api";
  }
  return r;
}

void Api::AddHotlineRoutes() {
  using namespace auth::perm;
  hotline::Hotline& h = deps_.hotline;
  const std::string intake(kHotlineIntake), read(kHotlineRead), manage(kHotlineManage);

  router_.Add("POST", "/api/v1/hotline/classify",
              {.summary = "The top 3 categories for a text, with their departments and scores; creates nothing",
               .tag = "hotline",
               .permission = intake,
               .request_schema = R"({"type":"object","required":["text"],"additionalProperties":false,
                 "properties":{"text":{"type":"string"}}})"},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string text = f.String("text", {.required = true, .max_bytes = 4 * hotline::kMaxTextBytes});
                TC_RETURN_IF_ERROR(f.Finish({"text"}));
                TC_ASSIGN_OR_RETURN(auto top, h.Classify(text, 3));
                json items = json::array();
                for (const auto& s : top) items.push_back(ScoredJson(s));
                return JsonReply({{"suggestions", std::move(items)}});
              });
  router_.Add("POST", "/api/v1/hotline/resolve-address",
              {.summary = "The registry place an address text names, with a confidence; creates nothing",
               .tag = "hotline",
               .permission = intake,
               .request_schema = R"({"type":"object","required":["address"],"additionalProperties":false,
                 "properties":{"address":{"type":"string"}}})"},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string address = f.String("address", {.required = true, .max_bytes = 4 * hotline::kMaxAddressBytes});
                TC_RETURN_IF_ERROR(f.Finish({"address"}));
                TC_ASSIGN_OR_RETURN(auto m, h.ResolveAddress(address));
                return JsonReply(MatchJson(m));
              });
  router_.Add("POST", "/api/v1/hotline/requests",
              {.summary = "File a 12345 request: normalised, classified (unless category is given), routed by its "
                          "address, prioritised and dispatched — or queued for manual dispatch",
               .tag = "hotline",
               .permission = intake,
               .request_schema = R"({"type":"object","required":["text"],"additionalProperties":false,
                 "properties":{"channel":{"type":"string","enum":["phone","web","mobile","enterprise","api"]},
                 "caller_name":{"type":"string"},"phone":{"type":"string"},"text":{"type":"string"},
                 "address":{"type":"string"},"enterprise":{"type":"string"},"category":{"type":"string"},
                 "area_code":{"type":"string"},"attachments":{"type":"array"},"lat":{"type":"number"},
                 "long":{"type":"number"}}})",
               .success_status = 201},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                TC_ASSIGN_OR_RETURN(auto in, NewRequestFromJson(body, ctx.principal()));
                if (in.channel == "open311") return FieldInvalid("channel", "open311 requests come through /open311/v2/");
                TC_ASSIGN_OR_RETURN(auto r, h.Intake(in, ctx.actor()));
                return JsonReply(RequestJson(r, true), 201);
              });
  router_.Add("GET", "/api/v1/hotline/requests",
              {.summary = "Requests in your inbox: your departments' (handlers), under your node (agents, "
                          "communities), or those you filed (residents, enterprises); phones masked unless unmask=true",
               .tag = "hotline",
               .permission = read,
               .query = {{"status", "a state, or 'open'"},
                         {"department", "a department code"},
                         {"category", "a category code (a top-level code includes its sub-categories)"},
                         {"overdue", "true: only requests past a deadline", "boolean"},
                         {"from", "received from (YYYY-MM-DD)"},
                         {"to", "received before the end of (YYYY-MM-DD)"},
                         {"order", "oldest (default: by id) or newest (newest first; `after` then pages back)"},
                         {"after", "the last id of the previous page", "integer"},
                         {"limit", "1–1000 (default 100)", "integer"},
                         {"unmask", "true to see phones and names in full (needs personal.unmask; audited)", "boolean"}}},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(bool unmask, WantsUnmasked(ctx));
                hotline::RequestQuery q;
                q.scope = HotlineScope(ctx, h);
                q.status = ctx.Query("status").value_or("");
                q.department = ctx.Query("department").value_or("");
                q.category = ctx.Query("category").value_or("");
                TC_ASSIGN_OR_RETURN(q.overdue_only, ctx.QueryBool("overdue", false));
                const std::string order = ctx.Query("order").value_or("oldest");
                if (order != "oldest" && order != "newest") return FieldInvalid("order", "is oldest or newest");
                q.newest_first = order == "newest";
                TC_ASSIGN_OR_RETURN(q.after_id, ctx.QueryInt("after", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(q.limit, ctx.QueryInt("limit", 100, 1, 1000));
                for (const char* k : {"from", "to"}) {
                  auto v = ctx.Query(k);
                  if (!v || v->empty()) continue;
                  TC_ASSIGN_OR_RETURN(Millis t, ParseTime(*v + "T00:00:00+08:00"));
                  (std::string(k) == "from" ? q.from : q.to) = std::string(k) == "from" ? t : t + 86'400'000;
                }
                TC_ASSIGN_OR_RETURN(auto list, h.List(q));
                json items = json::array();
                std::vector<int64_t> ids;
                for (const auto& r : list) {
                  items.push_back(RequestJson(r, unmask));
                  ids.push_back(r.id);
                }
                if (unmask) TC_RETURN_IF_ERROR(h.AuditUnmaskedRead(ids, ctx.principal().area_path, ctx.actor()));
                const bool more = static_cast<int64_t>(list.size()) == q.limit;
                return JsonReply({{"items", std::move(items)}, {"next_after", more ? json(list.back().id) : json(nullptr)}});
              });
  router_.Add("GET", "/api/v1/hotline/requests/{id}",
              {.summary = "One request with its log (every step, who and why)",
               .tag = "hotline",
               .permission = read,
               .query = {{"unmask", "true to see the phone and name in full (needs personal.unmask; audited)", "boolean"}}},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(bool unmask, WantsUnmasked(ctx));
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "request"));
                hotline::RequestQuery q{.scope = HotlineScope(ctx, h), .ids = {id}, .limit = 1};
                TC_ASSIGN_OR_RETURN(auto list, h.List(q));
                if (list.empty()) return NoSuch("request " + std::to_string(id));
                TC_ASSIGN_OR_RETURN(auto r, h.Get(id));
                TC_ASSIGN_OR_RETURN(auto log, h.Log(id));
                json j = RequestJson(r, unmask);
                json entries = json::array();
                for (const auto& e : log) {
                  entries.push_back({{"at", FormatShanghai(e.at)}, {"actor", e.actor}, {"action", e.action},
                                     {"from", e.from_status}, {"to", e.to_status},
                                     {"department", TextOrNull(e.department)}, {"note", TextOrNull(e.note)}});
                }
                j["log"] = std::move(entries);
                if (unmask) {
                  const std::vector<int64_t> ids = {id};
                  TC_RETURN_IF_ERROR(h.AuditUnmaskedRead(ids, r.area_path, ctx.actor()));
                }
                return JsonReply(j);
              });
  router_.Add("POST", "/api/v1/hotline/requests/{id}/actions",
              {.summary = "A workflow step: accept, return, resolve (handlers); dispatch, reassign, merge, callback, "
                          "callback_failed, reopen (the 12345 centre)",
               .tag = "hotline",
               .permission = read,
               .request_schema = R"({"type":"object","required":["action"],"additionalProperties":false,
                 "properties":{"action":{"type":"string","enum":["dispatch","accept","return","reassign","resolve",
                 "callback","callback_failed","merge","reopen"]},"department":{"type":"string"},"note":{"type":"string"},
                 "satisfaction":{"type":"integer","minimum":1,"maximum":5},"solved":{"type":"boolean"},
                 "into":{"type":"integer"}}})"},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "request"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string action = f.String("action", {.required = true, .max_bytes = 32});
                hotline::Action a;
                a.department = f.String("department", {.max_bytes = 64});
                a.note = f.String("note", {.max_bytes = 4 * hotline::kMaxTextBytes});
                a.satisfaction = static_cast<int>(f.Int("satisfaction", false).value_or(0));
                if (auto solved = f.Bool("solved", false)) a.solved = *solved ? 1 : 0;
                a.into = f.Int("into", false).value_or(0);
                TC_RETURN_IF_ERROR(f.Finish({"action", "department", "note", "satisfaction", "solved", "into"}));
                if (!hotline::ParseAction(action, &a.kind) || a.kind == hotline::ActionKind::kUrge) {
                  return FieldInvalid("action", "'" + action + "' is not a workflow action");
                }
                const bool handling = a.kind == hotline::ActionKind::kAccept || a.kind == hotline::ActionKind::kReturn ||
                                      a.kind == hotline::ActionKind::kResolve;
                if (handling) {
                  if (!ctx.principal().Can(kHotlineHandle) && !ctx.principal().Can(kHotlineDispatch)) {
                    return PermissionDenied("needs hotline.handle");
                  }
                } else {
                  TC_RETURN_IF_ERROR(ctx.RequirePermission(kHotlineDispatch));
                }
                TC_ASSIGN_OR_RETURN(auto r, h.Act(id, a, HotlineScope(ctx, h), ctx.actor()));
                return JsonReply(RequestJson(r, false));
              });
  router_.Add("POST", "/api/v1/hotline/requests/{id}/group",
              {.summary = "Many callers, one matter (a burst pipe): these requests join this one's group and are "
                          "resolved with it",
               .tag = "hotline",
               .permission = std::string(kHotlineDispatch),
               .request_schema = R"({"type":"object","required":["members"],"additionalProperties":false,
                 "properties":{"members":{"type":"array","items":{"type":"integer"}}}})"},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "request"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                for (const auto& [k, v] : body.items()) {
                  if (k != "members") return FieldInvalid(k, "is not a field of this request");
                }
                TC_ASSIGN_OR_RETURN(auto members, IdList(body, "members"));
                TC_ASSIGN_OR_RETURN(auto r, h.Group(id, members, HotlineScope(ctx, h), ctx.actor()));
                return JsonReply(RequestJson(r, false));
              });
  router_.Add("GET", "/api/v1/hotline/rates",
              {.summary = "The three rates (response, resolution, satisfaction) for requests received in a period, by "
                          "department, district, street or community",
               .tag = "hotline",
               .permission = read,
               .query = {{"from", "YYYY-MM-DD (default: the first of this month)"},
                         {"to", "YYYY-MM-DD (default: today)"},
                         {"group_by", "department (default) | district | street | community"},
                         {"department", "only this department"},
                         {"area", "only under this area (district, street or community code)"}}},
              [this, &h](Context& ctx) -> Result<Reply> {
                const std::string today = DateShanghai(deps_.clock.Now());
                const std::string from = ctx.Query("from").value_or(today.substr(0, 8) + "01");
                const std::string to = ctx.Query("to").value_or(today);
                TC_ASSIGN_OR_RETURN(auto by, GroupByParam(ctx));
                std::string area = ctx.Query("area").value_or("");
                if (!area.empty()) {
                  TC_RETURN_IF_ERROR(CoveredArea(ctx, area, "area").status());
                } else if (ctx.principal().area_path.size() > 14) {
                  area = ctx.principal().area_code;  // below the city: only your own node
                }
                TC_ASSIGN_OR_RETURN(auto ans, h.Rates(from, to, by, ctx.Query("department").value_or(""), area));
                json rows = json::array();
                for (const auto& r : ans.rows) {
                  json j = CountsJson(r.counts);
                  j["key"] = TextOrNull(r.key);
                  rows.push_back(std::move(j));
                }
                return JsonReply({{"from", from}, {"to", to}, {"whole_months", ans.whole_months},
                                  {"rows", std::move(rows)}, {"total", CountsJson(ans.total)}});
              });
  router_.Add("GET", "/api/v1/hotline/rankings",
              {.summary = "A month's ranking by the weighted score (response 10 %, resolution 45 %, satisfaction 45 %)",
               .tag = "hotline",
               .permission = read,
               .query = {{"month", "YYYY-MM (default: this month)"},
                         {"group_by", "department (default) | district | street | community"}}},
              [this, &h](Context& ctx) -> Result<Reply> {
                const std::string month = ctx.Query("month").value_or(DateShanghai(deps_.clock.Now()).substr(0, 7));
                TC_ASSIGN_OR_RETURN(auto by, GroupByParam(ctx));
                TC_ASSIGN_OR_RETURN(auto rows, h.Rankings(month, by));
                json items = json::array();
                for (const auto& r : rows) {
                  json j = CountsJson(r.counts);
                  j["rank"] = r.rank;
                  j["key"] = r.key;
                  j["name"] = r.name;
                  j["score"] = std::round(r.score * 10000) / 10000;
                  items.push_back(std::move(j));
                }
                return JsonReply({{"month", month}, {"items", std::move(items)}});
              });
  router_.Add("GET", "/api/v1/hotline/hotspots",
              {.summary = "Communities where one matter's requests in the last window far exceed the baseline — an "
                          "early warning for the command centre",
               .tag = "hotline",
               .permission = read},
              [&h](Context& ctx) -> Result<Reply> {
                json items = json::array();
                for (const auto& s : h.Hotspots()) {
                  if (!ctx.principal().Covers(s.path)) continue;
                  items.push_back({{"community_code", s.community_code}, {"community_name", s.community_name},
                                   {"path", s.path}, {"category", s.category}, {"category_name", s.category_name},
                                   {"count", s.count}, {"baseline", std::round(s.baseline * 100) / 100},
                                   {"ratio", std::round(s.ratio * 100) / 100}, {"first", TimeOrNull(s.first)},
                                   {"last", TimeOrNull(s.last)}, {"request_ids", s.request_ids}});
                }
                return JsonReply({{"items", std::move(items)}});
              });
  // ---- Administration ----
  router_.Add("GET", "/api/v1/hotline/taxonomy",
              {.summary = "Categories (with their departments) and departments", .tag = "hotline", .access = Access::kLoggedIn},
              [&h](Context&) -> Result<Reply> { return JsonReply(TaxonomyJson(h.CurrentTaxonomy())); });
  router_.Add("PUT", "/api/v1/hotline/taxonomy",
              {.summary = "Replace the taxonomy (categories and departments no longer listed stay, inactive)",
               .tag = "hotline",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["departments","categories"]})"},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                TC_ASSIGN_OR_RETURN(auto t, h.SetTaxonomy(body.dump(), ctx.actor()));
                return JsonReply(TaxonomyJson(t));
              });
  router_.Add("GET", "/api/v1/hotline/departments/{code}/staff",
              {.summary = "The department_handler accounts who work a department's inbox", .tag = "hotline", .permission = manage},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto staff, h.Staff(ctx.Param("code")));
                return JsonReply({{"department", ctx.Param("code")}, {"staff", staff}});
              });
  router_.Add("PUT", "/api/v1/hotline/departments/{code}/staff",
              {.summary = "Set who works a department's inbox (usernames)",
               .tag = "hotline",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["staff"],"additionalProperties":false,
                 "properties":{"staff":{"type":"array","items":{"type":"string"}}}})"},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                if (!body.contains("staff") || !body["staff"].is_array()) return FieldInvalid("staff", "a list of usernames");
                std::vector<std::string> users;
                for (size_t i = 0; i < body["staff"].size(); ++i) {
                  if (!body["staff"][i].is_string()) return FieldInvalid("staff[" + std::to_string(i) + "]", "a username");
                  users.push_back(body["staff"][i].get<std::string>());
                }
                TC_RETURN_IF_ERROR(h.SetStaff(ctx.Param("code"), users, ctx.actor()));
                TC_ASSIGN_OR_RETURN(auto staff, h.Staff(ctx.Param("code")));
                return JsonReply({{"department", ctx.Param("code")}, {"staff", staff}});
              });
  router_.Add("GET", "/api/v1/hotline/rules",
              {.summary = "The handling rules in force (priorities, deadlines, reminders, duplicates, hotspots) and "
                          "their history",
               .tag = "hotline",
               .permission = read},
              [&h](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto hist, h.RulesHistory());
                json history = json::array();
                for (const auto& r : hist) history.push_back(RulesJson(r));
                return JsonReply({{"current", RulesJson(h.CurrentRules())}, {"history", std::move(history)}});
              });
  router_.Add("PUT", "/api/v1/hotline/rules",
              {.summary = "Change the handling rules (a new version; fields not given keep their values)",
               .tag = "hotline",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["rules","reason"],"additionalProperties":false,
                 "properties":{"rules":{"type":"object"},"reason":{"type":"string"}}})"},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                if (!body.contains("rules") || !body["rules"].is_object()) return FieldInvalid("rules", "an object");
                if (!body.contains("reason") || !body["reason"].is_string()) return FieldInvalid("reason", "is required");
                for (const auto& [k, v] : body.items()) {
                  if (k != "rules" && k != "reason") return FieldInvalid(k, "is not a field of this request");
                }
                TC_ASSIGN_OR_RETURN(auto r, h.SetRules(body["rules"].dump(), body["reason"].get<std::string>(), ctx.actor()));
                return JsonReply(RulesJson(r));
              });
  router_.Add("POST", "/api/v1/hotline/aliases",
              {.summary = "A place name people use for an area (一汽宿舍 → a compound)",
               .tag = "hotline",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["alias","area_code"],"additionalProperties":false,
                 "properties":{"alias":{"type":"string"},"area_code":{"type":"string"}}})",
               .success_status = 201},
              [this, &h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string alias = f.String("alias", {.required = true, .max_bytes = 200});
                const std::string code = f.String("area_code", {.required = true, .max_bytes = 64});
                TC_RETURN_IF_ERROR(f.Finish({"alias", "area_code"}));
                TC_RETURN_IF_ERROR(CoveredArea(ctx, code, "area_code").status());
                TC_RETURN_IF_ERROR(h.AddAlias(alias, code, ctx.actor()));
                return JsonReply({{"alias", alias}, {"area_code", code}}, 201);
              });
  router_.Add("POST", "/api/v1/hotline/retrain",
              {.summary = "Retrain the classifier on the corpus and every agent override so far", .tag = "hotline", .permission = manage},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto r, h.Retrain(ctx.actor()));
                return JsonReply({{"examples", r.examples}, {"overrides", r.overrides}, {"at", FormatShanghai(r.at)}});
              });
  router_.Add("POST", "/api/v1/hotline/api-keys",
              {.summary = "A new Open311 API key for a client system (shown once)",
               .tag = "hotline",
               .permission = manage,
               .request_schema = R"({"type":"object","required":["name"],"additionalProperties":false,
                 "properties":{"name":{"type":"string"}}})",
               .success_status = 201},
              [&h](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string name = f.String("name", {.required = true, .max_bytes = 100});
                TC_RETURN_IF_ERROR(f.Finish({"name"}));
                TC_ASSIGN_OR_RETURN(auto key, h.IssueApiKey(name, ctx.actor()));
                return JsonReply({{"name", name}, {"api_key", key}}, 201);
              });
}

}  // namespace tc::api
