// Versioned rule sets kept in a table of their own (risk_rules, hc_rules): every
// version a row (version, rules JSON, changed_by, changed_at, reason); the highest
// version is in force.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
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

// Stores `rules_json` as a new version with an audit entry (`action`, target
// "<table>:<version>") in one transaction; returns the version.
Result<int64_t> StoreVersion(store::Store& store, RulesTable table, const std::string& rules_json,
                             std::string_view reason, const audit::Actor& by, Millis now, std::string_view action);

// Every stored version (newest first) parsed by `parse(json) → Result<Rules>`, with its
// version, author, time and reason, then the built-in defaults (version 0).
template <typename Rules, typename Parse>
Result<std::vector<Rules>> History(store::Store& store, RulesTable table, Parse&& parse) {
  std::vector<Rules> out;
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, LoadRules(c, table, false));
    for (const auto& row : rows) {
      TC_ASSIGN_OR_RETURN(Rules r, parse(row.rules));
      r.version = row.version;
      r.changed_by = row.changed_by;
      r.changed_at = row.changed_at;
      r.reason = row.reason;
      out.push_back(std::move(r));
    }
    return Status::Ok();
  }));
  out.push_back(Rules{});
  return out;
}

}  // namespace tc::healthcode::internal
