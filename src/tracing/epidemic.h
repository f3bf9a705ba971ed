// The epidemic at a glance (疫情概况): what `Cases::Epidemic` answers for a
// jurisdiction — case counts (confirmed / asymptomatic, new on the clock's day),
// the open contact list by ring and status, and the daily epidemic curve by onset
// date and by report date. Plain values; implemented in epidemic.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::tracing {

// One day of the epidemic curve. Asymptomatic cases have no onset date, so they
// count only by report date.
struct CurveDay {
  std::string date;  // YYYY-MM-DD
  int64_t onset = 0;                // cases whose onset fell on this day
  int64_t reported_confirmed = 0;   // confirmed cases reported this day
  int64_t reported_asymptomatic = 0;
  int64_t reported() const { return reported_confirmed + reported_asymptomatic; }
};

// Open contact-list entries of one tier (close, secondary or exposed) by status
// (the exposed tier is monitored rather than quarantined).
struct ContactCounts {
  int64_t pending = 0, notified = 0, quarantined = 0, monitoring = 0, released = 0;
  int64_t total() const { return pending + notified + quarantined + monitoring + released; }
};

inline constexpr int kCurveMaxDays = 366;

struct EpidemicSummary {
  std::string today;  // the clock's date in Shanghai, YYYY-MM-DD
  int64_t confirmed = 0, asymptomatic = 0;
  int64_t suspected = 0;  // from positive tests, awaiting confirmation
  int64_t new_confirmed = 0, new_asymptomatic = 0;  // reported today
  ContactCounts close, secondary, exposed;  // entries still on the list (not removed)
  // Every day from the earliest onset or report to the latest, days without cases
  // included; the curve runs on to today when today is later and at most
  // kCurveMaxDays after its first day, and shows at most the last kCurveMaxDays
  // days (the counts above include older ones). Empty without cases.
  std::vector<CurveDay> curve;
};

// The Shanghai date of the latest check-in in the store ("" when there is none):
// the last day of a generated city's data, which the demo takes as its "today".
Result<std::string> LastCheckinDate(store::Store& store);

}  // namespace tc::tracing
