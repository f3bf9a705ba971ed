// Contact tiers (密接 / 次密接 / 风险人员) and the versioned rule set that sorts a
// ring into them, each tier with its action:
//   close      household members of a case, and venue contacts whose exposure risk
//              reaches the close threshold → centralised quarantine (集中隔离);
//   secondary  contacts of close contacts whose risk (scored the same way) reaches
//              the secondary threshold → home quarantine (居家隔离);
//   exposed    everyone else the rule found at a case's venue in its window (the
//              Xinfadi-style list) → health monitoring with a test schedule.
// A contact is in one tier, the strongest it qualifies for.
//
// The rule set is JSON (GET/PUT /api/v1/tracing/tier-rules, `tongchou trace tiers`):
//   {"tiers": {"close": {"threshold": 0.05, "action": "centralised_quarantine"},
//              "secondary": {"threshold": 0.05, "action": "home_quarantine"},
//              "exposed": {"action": "health_monitoring", "test_days": [1, 3, 7]}},
//    "weights": {"household": 0.15, "crowding": 0.5,
//                "per_hour": {"restaurant": 0.012, …}, "stay_minutes": {"mall": 60, …},
//                "group": {"school": 40, …}}}
// Anything not given keeps its default; versions are kept in the store (tier_rules).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "tracing/score.h"

namespace tc::tracing {

enum class Tier : uint8_t { kClose, kSecondary, kExposed };
inline constexpr Tier kTiers[] = {Tier::kClose, Tier::kSecondary, Tier::kExposed};
std::string_view TierName(Tier t);  // close | secondary | exposed
bool ParseTier(std::string_view name, Tier* out);
// The statuses a listed contact moves through, in order (the first is where it starts):
// close and secondary: pending → notified → quarantined → released;
// exposed:             pending → notified → monitoring → released.
const std::vector<std::string>& TierStatuses(Tier t);

struct TierRules {
  int64_t version = 0;  // 0: the built-in defaults (never stored)
  double close_threshold = 0.05;
  double secondary_threshold = 0.05;
  std::string close_action = "centralised_quarantine";
  std::string secondary_action = "home_quarantine";
  std::string exposed_action = "health_monitoring";
  std::vector<int> exposed_test_days = {1, 3, 7};
  ScoreWeights weights = DefaultScoreWeights();
  std::string changed_by;
  Millis changed_at = 0;
};

// The rules a JSON document gives on top of `base`. InvalidArgument naming the field
// (e.g. "tiers.close.threshold") for unknown tiers, kinds or keys, thresholds outside
// (0, 1), and a rule set that would leave a tier empty by construction (a threshold
// no score can reach, or no weight that can score a venue contact).
Result<TierRules> ParseTierRules(std::string_view json, const TierRules& base);
std::string TierRulesJson(const TierRules& r);  // the whole rule set, every field given

}  // namespace tc::tracing
