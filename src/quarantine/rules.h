// The quarantine rules (隔离规则): days and test schedule per contact tier, what counts
// as fever, how many clear checks release needs, and how long a person may sit in each
// state before the open-loop report names them. A versioned JSON document like the
// tracing tier rules (tracing/tiers.h); anything not given keeps its default:
//   {"tiers": {"close":     {"days": 14, "test_days": [1, 4, 7, 14]},
//              "secondary": {"days": 7,  "test_days": [1, 4, 7]}},
//    "health": {"fever_celsius": 37.3, "clear_checks": 3},
//    "open_loop_hours": {"listed": 4, "assigned": 6, "pickup_scheduled": 1, "picked_up": 3,
//                        "checked_in": 0, "escalated": 2, "absconded": 24, "refused": 24}}
// Quarantine day d (1-based) is the d-th 24 hours from check-in; a test "on day d" is
// the first one sampled on day d or later, before the next scheduled day. The
// open-loop hours count from entering the state, except pickup_scheduled (from the
// scheduled pickup time) and checked_in (from the quarantine's end).
// Pure values and functions; thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "quarantine/state.h"
#include "tracing/tiers.h"

namespace tc::quarantine {

using tracing::Tier;

// The quarantined tiers: close (centralised by default) and secondary (home by default).
// The exposed tier is health monitoring (screening's), not quarantine.
inline bool IsQuarantineTier(Tier t) { return t == Tier::kClose || t == Tier::kSecondary; }

struct TierQuarantine {
  int days = 14;               // 1–28
  std::vector<int> test_days;  // increasing, 1..days
};

inline constexpr Millis kHourMs = 3'600'000, kDayMs = 24 * kHourMs;

struct QuarantineRules {
  int64_t version = 0;  // 0: the built-in defaults (never stored)
  TierQuarantine close{14, {1, 4, 7, 14}};
  TierQuarantine secondary{7, {1, 4, 7}};
  double fever_celsius = 37.3;  // a check at or above this escalates
  int clear_checks = 3;         // release needs this many latest checks, all clear (0–14)
  // Per state: how long before the open-loop report names a person (-1: never).
  std::array<Millis, kStateCount> open_loop_after = DefaultOpenLoopAfter();
  std::string changed_by;
  Millis changed_at = 0;

  const TierQuarantine& For(Tier t) const { return t == Tier::kSecondary ? secondary : close; }
  static std::array<Millis, kStateCount> DefaultOpenLoopAfter();
};

// The rules a JSON document gives on top of `base`. InvalidArgument naming the field
// ("tiers.close.test_days", "open_loop_hours.listed") for unknown keys, tiers or
// states, days outside 1–28, test days not increasing within 1..days, a fever mark
// outside 36–42 °C, clear checks outside 0–14, hours outside 0–720.
Result<QuarantineRules> ParseQuarantineRules(std::string_view json, const QuarantineRules& base);
std::string QuarantineRulesJson(const QuarantineRules& r);  // every field given

}  // namespace tc::quarantine
