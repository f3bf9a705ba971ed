// The exposure score (暴露评分) of a contact, from what a tracing system has: the minutes
// two presences overlapped (leave times, or the venue kind's typical stay when a visit
// has none), the venue kind, how crowded the venue was in that hour (arrivals against
// its capacity), how many people the case met there (a big group dilutes each pair:
// with a leave time everyone who checked in there that day, without one the arrivals
// in that hour),
// the household, and how often the contact met cases. Each pair of
// visits adds a hazard; a contact's risk is 1 − exp(−Σ hazard), so repeat encounters
// and several cases add up. Pure functions, shared by the engine and its tests.
//
// Hazards are kept as integers (millionths) so that sums do not depend on the order
// the two scanning threads add them in.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "tracing/rules.h"

namespace tc::tracing {

// Venue kinds in tracing::VenueKinds() order.
inline constexpr size_t kVenueKindCount = 10;

// What the engine knows of a venue besides its check-ins (indexed by venue id).
struct VenueTrait {
  uint8_t kind = 9;  // index into VenueKinds(); "other" when unknown
  uint32_t capacity = 0;
};

struct ScoreWeights {
  // Chance of infection per hour of shared presence, by venue kind (VenueKinds() order).
  std::array<double, kVenueKindCount> per_hour{};
  // Typical minutes present when a visit has no leave time, by kind.
  std::array<int, kVenueKindCount> stay_minutes{};
  // The people one is really close to at a venue, by kind (a table, a class, a team):
  // when a case met more people than this, each pair's hazard is diluted by
  // group / met — in a school of 900 a classmate is one of 40.
  std::array<int, kVenueKindCount> group{};
  double household = 0.15;  // chance over the case's window for a member of its household
  double crowding = 0.5;    // the hazard × (1 + crowding × min(arrivals in the hour / capacity, 3))
  double crowded_ratio = 0.8;  // from this ratio on, a visit is called crowded in the reasons
};
ScoreWeights DefaultScoreWeights();

// Hazard in millionths, and its conversion to a risk in [0, 1).
using Hazard = uint32_t;
inline constexpr Hazard kMaxHazard = 0xFFFF'FFFF;
inline Hazard ToHazard(double chance) {
  if (chance <= 0) return 0;
  if (chance >= 1) return kMaxHazard;
  const double h = -std::log1p(-chance) * 1e6;
  return h >= kMaxHazard ? kMaxHazard : static_cast<Hazard>(std::llround(h));
}
inline double RiskOf(uint64_t hazard) { return -std::expm1(-static_cast<double>(hazard) * 1e-6); }
inline Hazard AddHazard(Hazard a, Hazard b) { return b > kMaxHazard - a ? kMaxHazard : a + b; }

// The end of a visit's presence as the score sees it: the leave time, or the arrival
// plus the kind's typical stay.
inline Minute PresenceEnd(const Visit& v, int typical_stay) { return v.leave ? v.leave : v.arrive + typical_stay; }

// Minutes two visits at the same venue shared (at least 1 for a contact the rule
// found: presences within the margin count as a minute's exposure).
inline Minute SharedMinutes(const Visit& a, const Visit& b, int typical_stay) {
  const Minute from = a.arrive > b.arrive ? a.arrive : b.arrive;
  const Minute ea = PresenceEnd(a, typical_stay), eb = PresenceEnd(b, typical_stay);
  const Minute to = ea < eb ? ea : eb;
  return to - from < 1 ? 1 : to - from;
}

// The crowding factor for `arrivals` in the hour around a visit at a venue of `capacity`.
inline double CrowdFactor(int64_t arrivals, uint32_t capacity, const ScoreWeights& w) {
  const double ratio = capacity ? static_cast<double>(arrivals) / capacity : 0;
  return 1 + w.crowding * (ratio < 3 ? ratio : 3);
}

// The dilution of a pair's hazard when the source visit met `met` people.
inline float GroupFactor(uint32_t met, uint8_t kind, const ScoreWeights& w) {
  const int g = w.group[kind < kVenueKindCount ? kind : kVenueKindCount - 1];
  return met <= static_cast<uint32_t>(g) || g <= 0 ? 1.0f : static_cast<float>(g) / static_cast<float>(met);
}

// The hazard of a minute of shared presence at a venue of this kind (millionths).
inline double PerMinuteHazard(uint8_t kind, const ScoreWeights& w) {
  const double per_hour = w.per_hour[kind < kVenueKindCount ? kind : kVenueKindCount - 1];
  return -std::log1p(-(per_hour < 1 ? per_hour : 0.999999)) / 60.0 * 1e6;
}
// The hazard one shared presence adds, before the group term (as the engine keeps it
// per pair), then with it.
inline float RawPairHazard(Minute minutes, double per_minute, float crowd_factor) {
  return static_cast<float>(static_cast<double>(minutes) * per_minute * crowd_factor);
}
inline Hazard DilutedHazard(float raw, float group_factor) {
  const double h = static_cast<double>(raw) * group_factor + 0.5;  // rounded (never negative)
  return h >= kMaxHazard ? kMaxHazard : static_cast<Hazard>(h);
}
inline Hazard PairHazard(Minute minutes, uint8_t kind, float crowd_factor, float group_factor,
                         const ScoreWeights& w) {
  return DilutedHazard(RawPairHazard(minutes, PerMinuteHazard(kind, w), crowd_factor), group_factor);
}

}  // namespace tc::tracing
