#include "healthcode/internal/versioned.h"

#include <nlohmann/json.hpp>

namespace tc::healthcode::internal {

namespace {

const char* SelectSql(RulesTable t, bool latest_only) {
  if (t == RulesTable::kRisk) {
    return latest_only ? "SELECT version, rules, changed_by, changed_at, reason FROM risk_rules "
                         "ORDER BY version DESC LIMIT 1"
                       : "SELECT version, rules, changed_by, changed_at, reason FROM risk_rules ORDER BY version DESC";
  }
  return latest_only ? "SELECT version, rules, changed_by, changed_at, reason FROM hc_rules "
                       "ORDER BY version DESC LIMIT 1"
                     : "SELECT version, rules, changed_by, changed_at, reason FROM hc_rules ORDER BY version DESC";
}

}  // namespace

Result<std::vector<StoredRules>> LoadRules(store::Conn& c, RulesTable table, bool latest_only) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(SelectSql(table, latest_only), {}));
  std::vector<StoredRules> out;
  for (const auto& r : rows.rows) out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(4), r.Int(3)});
  return out;
}

Result<int64_t> InsertRules(store::Conn& c, RulesTable table, std::string_view rules, std::string_view by, Millis at,
                            std::string_view reason) {
  const char* sql = table == RulesTable::kRisk
                        ? "INSERT INTO risk_rules (rules, changed_by, changed_at, reason) VALUES (?, ?, ?, ?) "
                          "RETURNING version"
                        : "INSERT INTO hc_rules (rules, changed_by, changed_at, reason) VALUES (?, ?, ?, ?) "
                          "RETURNING version";
  TC_ASSIGN_OR_RETURN(auto ins, c.Query(sql, {std::string(rules), std::string(by), at, std::string(reason)}));
  return ins[0].Int(0);
}

Result<int64_t> StoreVersion(store::Store& store, RulesTable table, const std::string& rules_json,
                             std::string_view reason, const audit::Actor& by, Millis now, std::string_view action) {
  int64_t version = 0;
  TC_RETURN_IF_ERROR(store.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(version, InsertRules(c, table, rules_json, by.name, now, reason));
    nlohmann::json detail = {{"version", version}, {"reason", reason}, {"rules", nlohmann::json::parse(rules_json)}};
    const std::string name = table == RulesTable::kRisk ? "risk_rules" : "hc_rules";
    return audit::Append(c, {.actor = by.name, .action = std::string(action),
                             .target = name + ":" + std::to_string(version), .area_path = "/",
                             .detail = detail.dump(), .request_id = by.request_id},
                         now);
  }));
  return version;
}

}  // namespace tc::healthcode::internal
