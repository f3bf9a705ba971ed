// The contact rules of exposure tracing (流调), as pure functions so they can be
// tested on crafted timelines and shared by the in-memory engine and the SQL
// cross-check. Times are minutes since the Unix epoch.
//
// Two visits to the same venue are a contact when their presence overlaps, allowing
// a margin: a visit with a leave time is present over [arrive, leave]; one without
// is present at the arrival instant, and then the no-leave margin (default ±30 min)
// applies. Edges count: touching exactly at the margin is a contact.
#pragma once

#include <cstdint>

namespace tc::tracing {

using Minute = int64_t;

// No member initialisers, so that an answer of visits can be sized without being
// zeroed (BigVectorForOverwrite); Visit{} and Visit{p, v, a} still zero the rest.
struct Visit {
  uint32_t person;
  uint32_t venue;
  Minute arrive;
  Minute leave;  // 0: unknown
};

// The widest presence margin a caller may ask for (API, CLI); the console keeps the
// same bound in web/src/lib/tracing.ts (MARGIN_MAX).
inline constexpr Minute kMaxMarginMinutes = 240;

struct ContactRules {
  Minute margin_without_leave = 30;  // when either visit has no leave time
  Minute margin_with_leave = 0;      // when both have one
};

// The margin that applies to a pair of visits.
inline Minute MarginFor(const Visit& a, const Visit& b, const ContactRules& r) {
  return a.leave == 0 || b.leave == 0 ? r.margin_without_leave : r.margin_with_leave;
}

// True if a and b were at the same venue with presences overlapping within the margin.
// A visit never contacts itself, and a person never contacts themselves.
inline bool IsContact(const Visit& a, const Visit& b, const ContactRules& r) {
  if (a.venue != b.venue || a.person == b.person) return false;
  const Minute m = MarginFor(a, b, r);
  const Minute a_end = a.leave ? a.leave : a.arrive;
  const Minute b_end = b.leave ? b.leave : b.arrive;
  return b.arrive <= a_end + m && a.arrive <= b_end + m;
}

// The window of arrivals that can contact `a`, given the longest stay any visit
// may have (`max_stay`): arrivals in [lo, hi]. Used to bound index scans.
struct Window {
  Minute lo, hi;
};
inline Window CandidateArrivals(const Visit& a, Minute max_stay, const ContactRules& r) {
  const Minute m = r.margin_without_leave > r.margin_with_leave ? r.margin_without_leave : r.margin_with_leave;
  const Minute a_end = a.leave ? a.leave : a.arrive;
  return {a.arrive - max_stay - m, a_end + m};
}

}  // namespace tc::tracing
