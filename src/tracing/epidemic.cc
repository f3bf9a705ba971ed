// Cases::Epidemic and LastCheckinDate: aggregates over this module's own tables
// (cases, contacts, checkins), scoped by the household scope key like the lists.
#include "tracing/epidemic.h"

#include <map>

#include "tracing/cases.h"

namespace tc::tracing {
namespace {

constexpr Millis kDayMs = 86'400'000;

// " AND household_code >= ? AND household_code < ?" for a scope ("" = the whole city).
std::string ScopeFilter(const std::string& scope, store::Params& params) {
  if (scope.empty()) return "";
  params.emplace_back(scope);
  params.emplace_back(store::PrefixEnd(scope));
  return " AND household_code >= ? AND household_code < ?";
}

int64_t DayNumber(const std::string& date) { return (ParseDate(date, "date").value() + kShanghaiOffsetMs) / kDayMs; }

std::string DateOfDay(int64_t day) { return DateShanghai(day * kDayMs - kShanghaiOffsetMs); }

}  // namespace

Result<EpidemicSummary> Cases::Epidemic(const std::string& scope) {
  EpidemicSummary out;
  out.today = DateShanghai(clock_.Now());
  std::map<std::string, CurveDay> days;  // by date; dates sort as text
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    store::Params params;
    const std::string filter = ScopeFilter(scope, params);
    TC_ASSIGN_OR_RETURN(auto cases, c.Query("SELECT kind, onset_date, report_date, COUNT(*) FROM cases WHERE 1 = 1" +
                                                filter + " GROUP BY kind, onset_date, report_date",
                                            params));
    for (const auto& r : cases.rows) {
      const std::string kind = r.Text(0), onset = r.Text(1), report = r.Text(2);
      const int64_t n = r.Int(3);
      if (kind == "suspected") {  // not on the curve until confirmed
        out.suspected += n;
        continue;
      }
      const bool confirmed = kind == "confirmed";
      (confirmed ? out.confirmed : out.asymptomatic) += n;
      if (report == out.today) (confirmed ? out.new_confirmed : out.new_asymptomatic) += n;
      // Dates were validated on the way in; a malformed one (written around the
      // service) would break the curve, so it is left out of it.
      if (ParseDate(report, "report_date").ok()) {
        CurveDay& d = days[report];
        (confirmed ? d.reported_confirmed : d.reported_asymptomatic) += n;
      }
      if (!onset.empty() && ParseDate(onset, "onset_date").ok()) days[onset].onset += n;
    }
    store::Params contact_params;
    const std::string contact_filter = ScopeFilter(scope, contact_params);
    TC_ASSIGN_OR_RETURN(auto contacts,
                        c.Query("SELECT ring, status, COUNT(*) FROM contacts WHERE removed_at IS NULL" +
                                    contact_filter + " GROUP BY ring, status",
                                contact_params));
    for (const auto& r : contacts.rows) {
      ContactCounts& ring = r.Text(0) == "close" ? out.close : r.Text(0) == "exposed" ? out.exposed : out.secondary;
      const std::string status = r.Text(1);
      const int64_t n = r.Int(2);
      if (status == "pending") ring.pending += n;
      else if (status == "notified") ring.notified += n;
      else if (status == "quarantined") ring.quarantined += n;
      else if (status == "monitoring") ring.monitoring += n;
      else if (status == "released") ring.released += n;
    }
    return Status::Ok();
  }));
  if (days.empty()) return out;
  int64_t first = DayNumber(days.begin()->first);
  int64_t last = DayNumber(days.rbegin()->first);
  const int64_t today = DayNumber(out.today);
  if (today > last && today - first < kCurveMaxDays) last = today;
  if (last - first >= kCurveMaxDays) first = last - kCurveMaxDays + 1;  // older days count, undrawn
  out.curve.reserve(static_cast<size_t>(last - first + 1));
  for (int64_t day = first; day <= last; ++day) {
    const std::string date = DateOfDay(day);
    auto it = days.find(date);
    CurveDay d = it == days.end() ? CurveDay{} : it->second;
    d.date = date;
    out.curve.push_back(d);
  }
  return out;
}

Result<std::string> LastCheckinDate(store::Store& store) {
  std::string out;
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT MAX(arrive_at) FROM checkins"));
    if (!rows.empty() && !rows[0].IsNull(0)) out = DateShanghai(rows[0].Int(0));
    return Status::Ok();
  }));
  return out;
}

}  // namespace tc::tracing
