// What the tracing route files share (routes_venues, routes_checkins, routes_tracing,
// routes_cases, routes_contacts): JSON shapes of venues, cases and contacts, names
// added to results, paging, and the jurisdiction checks that answer records outside
// the caller's node exactly as missing ones. Internal to src/api.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/context.h"
#include "base/status.h"
#include "gen/evaluation.h"
#include "tracing/cases.h"
#include "tracing/service.h"

namespace tc::api {

// The caller's scope key (prefix of the household codes they may see).
std::string ScopeKey(const Context& ctx);
// ?name=TIME (RFC 3339 or "YYYY-MM-DD HH:MM"), or the fallback when absent.
Result<Millis> TimeQuery(const Context& ctx, std::string_view name, Millis fallback);

nlohmann::json VenueJson(const tracing::Venue& v);
nlohmann::json CaseJson(const tracing::Case& c);
nlohmann::json ContactJson(const tracing::ContactEntry& c);
// "0.123".
std::string Fixed3(double x);
// One item of a bulk answer that failed: {"id", "error": {"code", "message", "fields"}}.
nlohmann::json ProblemItem(int64_t id, const Status& s);
// The evaluation's tiers and recall curves (gen/evaluation.h).
nlohmann::json TierRecallJson(const std::vector<gen::TierRecall>& tiers);
nlohmann::json RecallCurveJson(const gen::RecallCurve& c);
nlohmann::json JudgedJson(const gen::Judged& j);
nlohmann::json ReportJson(const tracing::CheckinReport& r);
// Adds name and masked phone to items that carry "resident_id".
Status AddNames(tracing::Tracing& t, nlohmann::json& items);

// Rows per page: JSON 1–1000 (default 100), an export up to 100,000.
Result<int64_t> PageLimit(const Context& ctx, const std::string& format);
// {"items": …, "next_after": last_id when the page is full, else null}.
Reply PageReply(nlohmann::json items, size_t rows, int64_t limit, int64_t last_id);

// A venue, case or contact the caller may see; NoSuch otherwise, as if missing.
Result<tracing::Venue> CoveredVenue(const Context& ctx, tracing::Tracing& tr, std::string_view code);
Result<tracing::Case> CoveredCase(const Context& ctx, tracing::Cases& cases, int64_t id);
Result<tracing::ContactEntry> CoveredContact(const Context& ctx, tracing::Cases& cases, int64_t id);

inline constexpr const char* kVenueSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "code":{"type":"string"},"name":{"type":"string"},"kind":{"type":"string"},"area_code":{"type":"string"},
  "capacity":{"type":"integer"}}})";
inline constexpr const char* kCaseSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "resident_id":{"type":"integer"},"kind":{"type":"string","enum":["confirmed","asymptomatic"]},
  "onset_date":{"type":"string","nullable":true},"report_date":{"type":"string"},
  "infector_case_id":{"type":"integer","nullable":true}}})";
inline constexpr const char* kContactSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "resident_id":{"type":"integer"},"ring":{"type":"string","enum":["close","secondary"]},
  "status":{"type":"string","enum":["pending","notified","quarantined","released"]},
  "reason":{"type":"string"},"reason_kind":{"type":"string","enum":["venue","household","manual"]}}})";
inline constexpr const char* kListSchema = R"({"type":"object","properties":{"items":{"type":"array"},
  "next_after":{"type":"integer","nullable":true}}})";

}  // namespace tc::api
