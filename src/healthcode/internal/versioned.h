// Versioned rule sets kept in a table of their own (risk_rules, hc_rules): every
// version a row (version, rules JSON, changed_by, changed_at, reason); the highest
// version is in force.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::healthcode::internal {

struct StoredRules {
  int64_t version = 0;
  std::string rules, changed_by, reason;
  Millis changed_at = 0;
};

enum class RulesTable { kRisk, kHealthCode };

// Newest first; only the newest if latest_only.
Result<std::vector<StoredRules>> LoadRules(store::Conn& c, RulesTable table, bool latest_only);
// Stores a new version and returns its number.
Result<int64_t> InsertRules(store::Conn& c, RulesTable table, std::string_view rules, std::string_view by, Millis at,
                            std::string_view reason);

}  // namespace tc::healthcode::internal
