#include "api/tracing_common.h"

#include "api/api.h"
#include "registry/areas.h"
#include "registry/id_number.h"
#include "tracing/stream.h"

namespace tc::api {

using nlohmann::json;

std::string ScopeKey(const Context& ctx) { return registry::ScopeKeyOfCode(ctx.principal().area_code); }

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

json CaseJson(const tracing::Case& c) {
  return {{"id", c.id},
          {"resident_id", c.resident_id},
          {"household_code", c.household_code},
          {"kind", c.kind},
          {"onset_date", c.onset_date.empty() ? json(nullptr) : json(c.onset_date)},
          {"report_date", c.report_date},
          {"reported_at", c.reported_at ? json(FormatShanghai(c.reported_at)) : json(nullptr)},
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
          {"tier", c.ring},
          {"ring", c.ring},
          {"score", c.score >= 0 ? json(c.score) : json(nullptr)},
          {"terms", c.terms},
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

std::string Fixed3(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", x);
  return buf;
}

json ProblemItem(int64_t id, const Status& s) {
  json fields = json::array();
  for (const auto& fe : s.field_errors()) fields.push_back({{"field", fe.field}, {"message", fe.message}});
  return {{"id", id}, {"error", {{"code", std::string(StatusCodeName(s.code()))}, {"message", s.message()},
                                 {"fields", fields}}}};
}

json TierRecallJson(const std::vector<gen::TierRecall>& tiers) {
  json out = json::array();
  for (const auto& t : tiers) {
    out.push_back({{"tier", t.tier}, {"listed", t.listed}, {"caught", t.caught}, {"recall", t.recall},
                   {"per_case", t.per_case}});
  }
  return out;
}

json RecallCurveJson(const gen::RecallCurve& c) {
  json at_k = json::array(), needed = json::array();
  for (const auto& p : c.at_k) {
    at_k.push_back({{"k", p.k}, {"listed", p.listed}, {"caught", p.caught}, {"recall", p.recall}});
  }
  for (const auto& n : c.needed) {
    needed.push_back({{"recall", n.recall},
                      {"per_case", n.per_case < 0 ? json(nullptr) : json(n.per_case)},
                      {"listed", n.listed < 0 ? json(nullptr) : json(n.listed)}});
  }
  return {{"at_k", at_k}, {"needed", needed}};
}

json JudgedJson(const gen::Judged& j) {
  return {{"infected", j.infected},
          {"ring_caught", j.ring_caught},
          {"tiers", TierRecallJson(j.tiers)},
          {"ranked", RecallCurveJson(j.ranked)},
          {"unranked", RecallCurveJson(j.unranked)},
          {"ranked_for_ring_recall", j.ranked_for_ring_recall},
          {"ranked_share_of_ring", j.ranked_share_of_ring}};
}

Status AddNames(tracing::Tracing& t, json& items) {
  std::vector<int64_t> ids;
  for (const auto& it : items) ids.push_back(it["resident_id"].get<int64_t>());
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

Result<int64_t> PageLimit(const Context& ctx, const std::string& format) {
  return ctx.QueryInt("limit", format == "json" ? 100 : 100'000, 1, format == "json" ? 1000 : 100'000);
}

Reply PageReply(json items, size_t rows, int64_t limit, int64_t last_id) {
  return JsonReply({{"items", std::move(items)},
                    {"next_after", static_cast<int64_t>(rows) == limit ? json(last_id) : json(nullptr)}});
}

json ReportJson(const tracing::CheckinReport& r) {
  json errors = json::array();
  for (const auto& e : r.errors) errors.push_back({{"line", e.line}, {"field", e.field}, {"message", e.message}});
  return {{"received", r.received}, {"accepted", r.accepted}, {"rejected", r.rejected}, {"errors", errors}};
}

Result<tracing::Venue> CoveredVenue(const Context& ctx, tracing::Tracing& tr, std::string_view code) {
  TC_ASSIGN_OR_RETURN(auto v, tr.GetVenue(code));
  if (!v.area_path.starts_with(ctx.principal().area_path)) return NoSuch("venue '" + std::string(code) + "'");
  return v;
}

Result<tracing::Case> CoveredCase(const Context& ctx, tracing::Cases& cases, int64_t id) {
  TC_ASSIGN_OR_RETURN(auto c, cases.Get(id));
  if (!c.household_code.starts_with(ScopeKey(ctx))) return NoSuch("case " + std::to_string(id));
  return c;
}

Result<tracing::ContactEntry> CoveredContact(const Context& ctx, tracing::Cases& cases, int64_t id) {
  TC_ASSIGN_OR_RETURN(auto c, cases.GetContact(id));
  if (!c.household_code.starts_with(ScopeKey(ctx))) return NoSuch("contact " + std::to_string(id));
  return c;
}

}  // namespace tc::api
