// Venues (场所码), check-ins, tracing queries (流调), cases and the contact list.
// Tracing results name people across the city (协查 needs it), with phones masked;
// only roles with trace.run see them. Lists of cases and contacts are scoped to the
// caller's node like residents.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/api.h"
#include "api/context.h"
#include "api/export.h"
#include "auth/roles.h"
#include "registry/areas.h"
#include "registry/id_number.h"
#include "tracing/cases.h"
#include "tracing/checkins.h"
#include "tracing/stream.h"

namespace tc::api {
namespace {

using nlohmann::json;
using tracing::ToMillis;
using tracing::ToMinute;

constexpr Millis kDayMs = 86'400'000;

std::string ScopeKey(const Context& ctx) { return registry::ScopeKeyOfCode(ctx.principal().area_code); }

Result<int64_t> IdParam(const Context& ctx, const std::string& what) {
  const std::string_view s = ctx.Param("id");
  int64_t id = 0;
  if (s.empty() || s.size() > 15) return NotFound("no " + what + " '" + std::string(s) + "'");
  for (char c : s) {
    if (c < '0' || c > '9') return NotFound("no " + what + " '" + std::string(s) + "'");
    id = id * 10 + (c - '0');
  }
  return id;
}

// ?name=TIME (RFC 3339 or "YYYY-MM-DD HH:MM"), or the fallback when absent.
Result<Millis> TimeQuery(const Context& ctx, std::string_view name, Millis fallback) {
  auto v = ctx.Query(name);
  if (!v) return fallback;
  return tracing::ParseCheckinTime(*v, name);
}

json VenueJson(const tracing::Venue& v) {
  return {{"id", v.id},           {"code", v.code},         {"name", v.name},
          {"kind", v.kind},       {"area_code", v.area_code}, {"capacity", v.capacity},
          {"created_at", FormatShanghai(v.created_at)}};
}

std::string TimeOrEmpty(Millis t) { return t ? FormatShanghai(t) : ""; }

json CaseJson(const tracing::Case& c) {
  return {{"id", c.id},
          {"resident_id", c.resident_id},
          {"household_code", c.household_code},
          {"kind", c.kind},
          {"onset_date", c.onset_date.empty() ? json(nullptr) : json(c.onset_date)},
          {"report_date", c.report_date},
          {"hospital", c.hospital},
          {"infector_case_id", c.infector_case_id ? json(c.infector_case_id) : json(nullptr)},
          {"note", c.note},
          {"created_by", c.created_by},
          {"created_at", FormatShanghai(c.created_at)}};
}

json ContactJson(const tracing::ContactEntry& c) {
  return {{"id", c.id},
          {"resident_id", c.resident_id},
          {"household_code", c.household_code},
          {"ring", c.ring},
          {"case_id", c.case_id ? json(c.case_id) : json(nullptr)},
          {"via_resident_id", c.via_resident_id ? json(c.via_resident_id) : json(nullptr)},
          {"reason_kind", c.reason_kind},
          {"venue_id", c.venue_id ? json(c.venue_id) : json(nullptr)},
          {"exposure_at", c.exposure_at ? json(FormatShanghai(c.exposure_at)) : json(nullptr)},
          {"reason", c.reason},
          {"status", c.status},
          {"officer", c.officer},
          {"run_id", c.run_id ? json(c.run_id) : json(nullptr)},
          {"listed_by", c.listed_by},
          {"listed_at", FormatShanghai(c.listed_at)},
          {"updated_at", FormatShanghai(c.updated_at)},
          {"removed_at", c.removed_at ? json(FormatShanghai(c.removed_at)) : json(nullptr)},
          {"removed_reason", c.removed_reason}};
}

// Adds name and masked phone to items that carry "resident_id".
Status AddNames(tracing::Tracing& t, json& items) {
  std::vector<uint32_t> ids;
  for (const auto& it : items) ids.push_back(static_cast<uint32_t>(it["resident_id"].get<int64_t>()));
  TC_ASSIGN_OR_RETURN(auto people, t.People(ids));
  std::map<int64_t, const tracing::PersonRef*> by_id;
  for (const auto& p : people) by_id[p.id] = &p;
  for (auto& it : items) {
    auto p = by_id.find(it["resident_id"].get<int64_t>());
    it["name"] = p == by_id.end() ? "" : p->second->name;
    it["phone"] = p == by_id.end() ? "" : registry::MaskPhone(p->second->phone);
  }
  return Status::Ok();
}

constexpr const char* kVenueSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "code":{"type":"string"},"name":{"type":"string"},"kind":{"type":"string"},"area_code":{"type":"string"},
  "capacity":{"type":"integer"}}})";
constexpr const char* kCaseSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "resident_id":{"type":"integer"},"kind":{"type":"string","enum":["confirmed","asymptomatic"]},
  "onset_date":{"type":"string","nullable":true},"report_date":{"type":"string"},
  "infector_case_id":{"type":"integer","nullable":true}}})";
constexpr const char* kContactSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "resident_id":{"type":"integer"},"ring":{"type":"string","enum":["close","secondary"]},
  "status":{"type":"string","enum":["pending","notified","quarantined","released"]},
  "reason":{"type":"string"},"reason_kind":{"type":"string","enum":["venue","household","manual"]}}})";
constexpr const char* kListSchema = R"({"type":"object","properties":{"items":{"type":"array"},
  "next_after":{"type":"integer","nullable":true}}})";

// Rows per page: JSON 1–1000 (default 100), an export up to 100,000.
Result<int64_t> PageLimit(const Context& ctx, const std::string& format) {
  return ctx.QueryInt("limit", format == "json" ? 100 : 100'000, 1, format == "json" ? 1000 : 100'000);
}

// {"items": …, "next_after": the last id when the page is full, else null}.
template <typename T>
Reply PageReply(json items, const std::vector<T>& list, int64_t limit) {
  return JsonReply({{"items", std::move(items)},
                    {"next_after", static_cast<int64_t>(list.size()) == limit ? json(list.back().id) : json(nullptr)}});
}

// PermissionDenied naming the record unless it lies in the caller's jurisdiction.
Status Within(const Context& ctx, bool inside, const std::string& what) {
  if (inside) return Status::Ok();
  return PermissionDenied(what + " is outside your jurisdiction (" + ctx.principal().area_code + ")");
}

json ReportJson(const tracing::CheckinReport& r) {
  json errors = json::array();
  for (const auto& e : r.errors) errors.push_back({{"line", e.line}, {"field", e.field}, {"message", e.message}});
  return {{"received", r.received}, {"accepted", r.accepted}, {"rejected", r.rejected}, {"errors", errors}};
}

}  // namespace

void Api::AddTracingRoutes() {
  using namespace auth::perm;
  tracing::Tracing& tr = deps_.tracing;
  tracing::Cases& cases = deps_.cases;

  // A venue the caller may see (its area under the caller's node).
  auto covered_venue = [this, &tr](const Context& ctx, std::string_view code) -> Result<tracing::Venue> {
    TC_ASSIGN_OR_RETURN(auto v, tr.GetVenue(code));
    TC_RETURN_IF_ERROR(Within(ctx, v.area_path.starts_with(ctx.principal().area_path), "venue '" + v.code + "'"));
    return v;
  };
  auto covered_case = [&cases](const Context& ctx, int64_t id) -> Result<tracing::Case> {
    TC_ASSIGN_OR_RETURN(auto c, cases.Get(id));
    TC_RETURN_IF_ERROR(Within(ctx, c.household_code.starts_with(ScopeKey(ctx)), "case " + std::to_string(id)));
    return c;
  };
  auto covered_contact = [&cases](const Context& ctx, int64_t id) -> Result<tracing::ContactEntry> {
    TC_ASSIGN_OR_RETURN(auto c, cases.GetContact(id));
    TC_RETURN_IF_ERROR(Within(ctx, c.household_code.starts_with(ScopeKey(ctx)), "contact " + std::to_string(id)));
    return c;
  };

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
                return PageReply(items, venues, limit);
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
              [covered_venue](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto v, covered_venue(ctx, ctx.Param("code")));
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
      [this, &tr, covered_venue](Context& ctx) -> Result<Reply> {
        TC_ASSIGN_OR_RETURN(auto venue, covered_venue(ctx, ctx.Param("code")));
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
                              TimeOrEmpty(v.leave ? ToMillis(v.leave) : 0)});
          }
          return ExportReply(t, format, "visitors-" + venue.code);
        }
        // Group by person, page by person id.
        std::vector<tracing::Visit> visits(r.visits.begin(), r.visits.end());
        std::sort(visits.begin(), visits.end(), [](const auto& a, const auto& b) {
          return a.person != b.person ? a.person < b.person : a.arrive < b.arrive;
        });
        json items = json::array();
        int64_t last = 0;
        for (size_t i = 0; i < visits.size();) {
          size_t j = i;
          while (j < visits.size() && visits[j].person == visits[i].person) ++j;
          if (visits[i].person > after) {
            if (static_cast<int64_t>(items.size()) == limit) break;
            json times = json::array();
            for (size_t k = i; k < j; ++k) {
              times.push_back({{"arrive_at", FormatShanghai(ToMillis(visits[k].arrive))},
                               {"leave_at", visits[k].leave ? json(FormatShanghai(ToMillis(visits[k].leave)))
                                                            : json(nullptr)}});
            }
            items.push_back({{"resident_id", visits[i].person}, {"visits", times}});
            last = visits[i].person;
          }
          i = j;
        }
        const bool more = static_cast<int64_t>(items.size()) == limit && !visits.empty() && visits.back().person > last;
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
        json body = json::parse(ctx.request().body, nullptr, false);
        if (body.is_discarded() || (!body.is_object() && !body.is_array())) {
          return Malformed("body is not a JSON object or array");
        }
        const bool single = body.is_object();
        if (single) body = json::array({body});
        if (body.size() > 100'000) return FieldInvalid("body", "at most 100,000 check-ins per JSON request; use NDJSON");
        std::string ndjson;
        for (const auto& item : body) ndjson += item.dump() + "\n";
        std::istringstream in(ndjson);
        auto r = tracing::ImportCheckins(tr, in, tracing::StreamFormat::kNdjson, options, ctx.actor());
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
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "resident"));
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

  // ---- Tracing ----
  router_.Add(
      "POST", "/api/v1/tracing/runs",
      {.summary = "Trace close and secondary contacts of cases and put them on the contact list",
       .tag = "tracing",
       .permission = std::string(kTraceRun),
       .request_schema = R"({"type":"object","required":["case_ids"],"additionalProperties":false,
         "properties":{"case_ids":{"type":"array","items":{"type":"integer"}},
         "margin_minutes":{"type":"integer","description":"presence margin without leave times, default 30"},
         "secondary":{"type":"boolean"},"households":{"type":"boolean"},
         "days_before_onset":{"type":"integer","description":"default 4"}}})",
       .response_schema = R"({"type":"object","properties":{"run_id":{"type":"integer"},
         "close_found":{"type":"integer"},"secondary_found":{"type":"integer"},"listed":{"type":"integer"}}})",
       .success_status = 201},
      [&cases, covered_case](Context& ctx) -> Result<Reply> {
        TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
        tracing::TraceRequest req;
        Status invalid = InvalidArgument("tracing run is invalid");
        for (const auto& [key, value] : body.items()) {
          if (key == "case_ids") {
            if (!value.is_array() || value.empty()) {
              invalid.AddFieldError(key, "a non-empty array of case ids is required");
              continue;
            }
            for (const auto& id : value) {
              if (!id.is_number_integer()) {
                invalid.AddFieldError(key, "case ids are integers");
                break;
              }
              req.case_ids.push_back(id.get<int64_t>());
            }
          } else if (key == "margin_minutes") {
            if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > 240) {
              invalid.AddFieldError(key, "margin_minutes must be 0–240");
            } else {
              req.rules.margin_without_leave = value.get<int64_t>();
            }
          } else if (key == "secondary" || key == "households") {
            if (!value.is_boolean()) {
              invalid.AddFieldError(key, key + " must be true or false");
            } else {
              (key == "secondary" ? req.secondary : req.households) = value.get<bool>();
            }
          } else if (key == "days_before_onset") {
            if (!value.is_number_integer()) {
              invalid.AddFieldError(key, "days_before_onset must be an integer");
            } else {
              req.days_before_onset = static_cast<int>(value.get<int64_t>());
            }
          } else {
            invalid.AddFieldError(key, "unknown field '" + key + "'");
          }
        }
        if (!body.contains("case_ids")) invalid.AddFieldError("case_ids", "case_ids is required");
        if (!invalid.field_errors().empty()) return invalid;
        for (int64_t id : req.case_ids) {
          auto c = covered_case(ctx, id);
          if (!c.ok()) {
            if (c.status().code() == StatusCode::kNotFound) return FieldInvalid("case_ids", c.status().message());
            return c.status();
          }
        }
        TC_ASSIGN_OR_RETURN(auto run, cases.Trace(req, ctx.actor()));
        return JsonReply({{"run_id", run.run_id},
                          {"close_found", run.close_found},
                          {"secondary_found", run.secondary_found},
                          {"listed", run.listed},
                          {"upgraded", run.upgraded},
                          {"already_listed", run.already},
                          {"skipped_cases", run.skipped_cases},
                          {"engine_ms", run.engine_ms}},
                         201);
      });
  router_.Add("GET", "/api/v1/tracing/sources",
              {.summary = "Source finding: venues ranked by how over-represented they are in the first N cases' "
                          "trajectories against their normal traffic",
               .tag = "tracing",
               .permission = std::string(kTraceRun),
               .query = {{"first", "how many cases, by report date (default 20)", "integer"},
                         {"top", "venues to return, 1-200 (default 20)", "integer"}},
               .response_schema = R"({"type":"object","properties":{"cases":{"type":"integer"},
                 "items":{"type":"array"}}})"},
              [&cases, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t first, ctx.QueryInt("first", 20, 1, 10'000));
                TC_ASSIGN_OR_RETURN(int64_t top, ctx.QueryInt("top", 20, 1, 200));
                TC_ASSIGN_OR_RETURN(auto ranking, cases.RankSourcesOfFirst(static_cast<int>(first), top));
                std::vector<uint32_t> ids;
                for (const auto& s : ranking.top) ids.push_back(s.venue);
                TC_ASSIGN_OR_RETURN(auto venues, tr.VenuesById(ids));
                std::map<int64_t, const tracing::Venue*> by_id;
                for (const auto& v : venues) by_id[v.id] = &v;
                json items = json::array();
                int rank = 0;
                for (const auto& s : ranking.top) {
                  auto v = by_id.find(s.venue);
                  json venue = v == by_id.end() ? json(nullptr) : VenueJson(*v->second);
                  char why[256];
                  std::snprintf(why, sizeof why,
                                "%lld of %d cases were here; %.2f expected from its %lld check-ins over those days; "
                                "chance of that many or more: 1e-%.1f",
                                static_cast<long long>(s.cases), ranking.n, s.expected,
                                static_cast<long long>(s.traffic), s.score);
                  items.push_back({{"rank", ++rank},
                                   {"venue", venue},
                                   {"cases", s.cases},
                                   {"expected", s.expected},
                                   {"traffic", s.traffic},
                                   {"score", s.score},
                                   {"explanation", why}});
                }
                return JsonReply({{"cases", ranking.n}, {"items", items}});
              });
  router_.Add("GET", "/api/v1/tracing/evaluation",
              {.summary = "Against a generated outbreak's ground truth: recall of the close and secondary rings "
                          "and the rank of the true source, from the first N detected cases",
               .tag = "tracing",
               .permission = std::string(kTraceRun),
               .query = {{"n", "comma-separated case counts (default 5,10,20)"},
                         {"margin_minutes", "presence margin without leave times, 0-240 (default 30)", "integer"}},
               .response_schema = R"({"type":"object","properties":{"items":{"type":"array"}}})"},
              [&cases](Context& ctx) -> Result<Reply> {
                std::vector<int> ns;
                const std::string spec = ctx.Query("n").value_or("5,10,20");
                std::stringstream ss(spec);
                for (std::string part; std::getline(ss, part, ',');) {
                  if (part.empty() || part.size() > 5 || part.find_first_not_of("0123456789") != std::string::npos) {
                    return FieldInvalid("n", "'" + spec + "' is not a list of counts");
                  }
                  ns.push_back(std::stoi(part));
                }
                if (ns.empty() || ns.size() > 10) return FieldInvalid("n", "give 1–10 counts");
                TC_ASSIGN_OR_RETURN(int64_t margin, ctx.QueryInt("margin_minutes", 30, 0, 240));
                tracing::ContactRules rules;
                rules.margin_without_leave = margin;
                json items = json::array();
                for (int n : ns) {
                  TC_ASSIGN_OR_RETURN(auto ev, cases.Evaluate(n, rules));
                  items.push_back({{"n", ev.n},
                                   {"infected_by_then", ev.infected_by_then},
                                   {"infected_total", ev.infected_total},
                                   {"listed_close", ev.listed_close},
                                   {"listed_secondary", ev.listed_secondary},
                                   {"caught_close", ev.caught_close},
                                   {"caught_secondary", ev.caught_secondary},
                                   {"recall_close", ev.recall_close},
                                   {"recall_both", ev.recall_both},
                                   {"true_source_venue_id", ev.source.true_source},
                                   {"true_source_rank", ev.source.true_source_rank}});
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/tracing/stats",
              {.summary = "The exposure engine: check-ins held, segments and memory",
               .tag = "tracing",
               .permission = std::string(kTraceRun),
               .response_schema = R"({"type":"object"})"},
              [&tr](Context&) -> Result<Reply> {
                const auto s = tr.Stats();
                return JsonReply({{"checkins", s.checkins},
                                  {"segments", s.segments},
                                  {"venue_bytes", s.venue_bytes},
                                  {"person_bytes", s.person_bytes},
                                  {"other_bytes", s.other_bytes},
                                  {"bytes_per_checkin", s.checkins ? static_cast<double>(s.total_bytes()) /
                                                                          static_cast<double>(s.checkins)
                                                                    : 0.0}});
              });

  // ---- Cases ----
  router_.Add("GET", "/api/v1/cases",
              {.summary = "Cases in your jurisdiction",
               .tag = "cases",
               .permission = std::string(kCaseRead),
               .query = {{"kind", "confirmed or asymptomatic"},
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
                return PageReply(items, list, limit);
              });
  router_.Add("POST", "/api/v1/cases",
              {.summary = "Record a case (confirmed or asymptomatic); publishes CaseConfirmed",
               .tag = "cases",
               .permission = std::string(kCaseWrite),
               .request_schema = R"({"type":"object","required":["resident_id","kind","report_date"],
                 "additionalProperties":false,"properties":{"resident_id":{"type":"integer"},
                 "kind":{"type":"string","enum":["confirmed","asymptomatic"]},"onset_date":{"type":"string"},
                 "report_date":{"type":"string"},"hospital":{"type":"string"},"note":{"type":"string"},
                 "infector_case_id":{"type":"integer"}}})",
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
                TC_RETURN_IF_ERROR(f.Finish(
                    {"resident_id", "kind", "onset_date", "report_date", "hospital", "note", "infector_case_id"}));
                auto person = deps_.residents.Get(nc.resident_id);
                if (!person.ok()) return FieldInvalid("resident_id", person.status().message());
                if (!person->household_code.starts_with(ScopeKey(ctx))) {
                  return PermissionDenied("resident " + std::to_string(nc.resident_id) +
                                          " is outside your jurisdiction");
                }
                TC_ASSIGN_OR_RETURN(auto c, cases.Create(nc, ctx.actor()));
                return JsonReply(CaseJson(c), 201);
              });
  router_.Add("GET", "/api/v1/cases/{id}",
              {.summary = "One case", .tag = "cases", .permission = std::string(kCaseRead),
               .response_schema = kCaseSchema},
              [covered_case, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "case"));
                TC_ASSIGN_OR_RETURN(auto c, covered_case(ctx, id));
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
              [&cases, covered_case](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "case"));
                TC_RETURN_IF_ERROR(covered_case(ctx, id).status());
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                if (!body.contains("infector_case_id") || body.size() != 1 ||
                    !(body["infector_case_id"].is_null() || body["infector_case_id"].is_number_integer())) {
                  return FieldInvalid("infector_case_id", "infector_case_id (a case id or null) is the only field");
                }
                const int64_t infector = body["infector_case_id"].is_null() ? 0 : body["infector_case_id"].get<int64_t>();
                TC_ASSIGN_OR_RETURN(auto c, cases.SetInfector(id, infector, ctx.actor()));
                return JsonReply(CaseJson(c));
              });
  router_.Add("GET", "/api/v1/cases/{id}/chain",
              {.summary = "The transmission chain the case belongs to: cases as nodes, infector links as edges",
               .tag = "cases",
               .permission = std::string(kCaseRead),
               .response_schema = R"({"type":"object","properties":{"nodes":{"type":"array"},
                 "links":{"type":"array"}}})"},
              [&cases, covered_case, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "case"));
                TC_RETURN_IF_ERROR(covered_case(ctx, id).status());
                TC_ASSIGN_OR_RETURN(auto g, cases.Chain(id));
                json nodes = json::array();
                for (const auto& c : g.cases) nodes.push_back(CaseJson(c));
                TC_RETURN_IF_ERROR(AddNames(tr, nodes));
                json links = json::array();
                for (const auto& [from, to] : g.links) links.push_back({{"source", from}, {"target", to}});
                return JsonReply({{"case_id", id}, {"nodes", nodes}, {"links", links}});
              });

  // ---- Contacts ----
  router_.Add("GET", "/api/v1/contacts",
              {.summary = "The contact list (密接/次密接) in your jurisdiction",
               .tag = "cases",
               .permission = std::string(kCaseRead),
               .query = {{"ring", "close or secondary"},
                         {"status", "pending, notified, quarantined or released"},
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
                q.ring = ctx.Query("ring").value_or("");
                q.status = ctx.Query("status").value_or("");
                if (!q.ring.empty() && q.ring != "close" && q.ring != "secondary") {
                  return FieldInvalid("ring", "ring must be close or secondary");
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
                  Table t{{"ID", "居民ID", "姓名", "手机号", "户", "类别", "病例", "原因", "暴露时间", "状态", "负责人"},
                          {}};
                  for (const auto& it : items) {
                    t.rows.push_back({std::to_string(it["id"].get<int64_t>()),
                                      std::to_string(it["resident_id"].get<int64_t>()), it["name"], it["phone"],
                                      it["household_code"], it["ring"] == "close" ? "密接" : "次密接",
                                      it["case_id"].is_null() ? "" : std::to_string(it["case_id"].get<int64_t>()),
                                      it["reason"],
                                      it["exposure_at"].is_null() ? "" : it["exposure_at"].get<std::string>(),
                                      it["status"], it["officer"]});
                  }
                  return ExportReply(t, format, "contacts");
                }
                return PageReply(items, list, limit);
              });
  router_.Add("POST", "/api/v1/contacts",
              {.summary = "Add a person to the contact list by hand (a reason is required)",
               .tag = "cases",
               .permission = std::string(kContactWrite),
               .request_schema = R"({"type":"object","required":["resident_id","ring","reason"],
                 "additionalProperties":false,"properties":{"resident_id":{"type":"integer"},
                 "ring":{"type":"string","enum":["close","secondary"]},"case_id":{"type":"integer"},
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
                if (!person.ok()) return FieldInvalid("resident_id", person.status().message());
                if (!person->household_code.starts_with(ScopeKey(ctx))) {
                  return PermissionDenied("resident " + std::to_string(resident) + " is outside your jurisdiction");
                }
                TC_ASSIGN_OR_RETURN(auto c, cases.AddContact(resident, ring, case_id, reason, ctx.actor()));
                return JsonReply(ContactJson(c), 201);
              });
  router_.Add("GET", "/api/v1/contacts/{id}",
              {.summary = "One contact entry with its status history",
               .tag = "cases",
               .permission = std::string(kCaseRead),
               .response_schema = kContactSchema},
              [&cases, covered_contact, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "contact"));
                TC_ASSIGN_OR_RETURN(auto c, covered_contact(ctx, id));
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
              {.summary = "Move a contact's status forward: pending → notified → quarantined → released",
               .tag = "cases",
               .permission = std::string(kContactWrite),
               .request_schema = R"({"type":"object","required":["status","officer"],"additionalProperties":false,
                 "properties":{"status":{"type":"string","enum":["notified","quarantined","released"]},
                 "officer":{"type":"string"},"note":{"type":"string"}}})",
               .response_schema = kContactSchema},
              [&cases, covered_contact](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "contact"));
                TC_RETURN_IF_ERROR(covered_contact(ctx, id).status());
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const std::string status = f.String("status", {.required = true, .max_bytes = 20});
                const std::string officer = f.String("officer", {.required = true, .max_bytes = 100});
                const std::string note = f.String("note", {.max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"status", "officer", "note"}));
                TC_ASSIGN_OR_RETURN(auto c, cases.SetContactStatus(id, status, officer, note, ctx.actor()));
                return JsonReply(ContactJson(c));
              });
  router_.Add("POST", "/api/v1/contacts/{id}/remove",
              {.summary = "Take a person off the contact list (a reason is required; the entry is kept)",
               .tag = "cases",
               .permission = std::string(kContactWrite),
               .request_schema = R"({"type":"object","required":["reason"],"additionalProperties":false,
                 "properties":{"reason":{"type":"string"}}})",
               .response_schema = kContactSchema},
              [&cases, covered_contact](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "contact"));
                TC_RETURN_IF_ERROR(covered_contact(ctx, id).status());
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const std::string reason = f.String("reason", {.required = true, .max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"reason"}));
                TC_ASSIGN_OR_RETURN(auto c, cases.RemoveContact(id, reason, ctx.actor()));
                return JsonReply(ContactJson(c));
              });
}

}  // namespace tc::api
