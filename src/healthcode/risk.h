// Risk areas (风险区). The basic unit is the community (社区/村); the street is the
// unit of control whose other communities a case also touches. A versioned rule set
// *proposes* a level for every community from the confirmed cases this module has
// heard of (CaseConfirmed events, kept in risk_cases); the command centre *declares*
// levels (who, when, why), and may override a proposal with a reason. Declared levels
// are what every other part of the platform sees: a declaration that changes a level
// publishes RiskAreaChanged.
//
// Default rules (RiskRules): a community with a confirmed case reported in the last
// 14 days (the report date and the 13 days before today, Shanghai dates) → high; the
// other communities of its street → medium; otherwise low. A level therefore lifts
// (is proposed low) on the 14th day after the last case's report date.
//
// Proposals are recomputed on CaseConfirmed (the case's street) and on the daily tick
// (every community: lifting). Thread-safe: reads in parallel, one writer at a time.
//
//   auto risk = RiskAreas::Open(store, clock);          // loads communities and state
//   bus.Subscribe("risk_areas", [&](const events::Event& e) { return risk->OnEvent(e); });
//   risk->Declare({"110101001001"}, Level::kHigh, "2 cases on 12-03", actor);
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "events/events.h"
#include "store/store.h"

namespace tc::healthcode {

enum class Level : uint8_t { kLow = 0, kMedium = 1, kHigh = 2 };
std::string_view LevelName(Level l);       // low | medium | high
std::string_view LevelNameZh(Level l);     // 低风险 | 中风险 | 高风险
bool ParseLevel(std::string_view s, Level* out);

struct RiskRules {
  int64_t version = 0;       // 0: the built-in defaults (never stored)
  int case_days = 14;        // a case reported within this many days makes its community high
  bool street_medium = true; // the other communities of a high community's street → medium
  std::string changed_by, reason;
  Millis changed_at = 0;
};
// The rules a JSON document ({"case_days": 14, "street_medium": true}) gives on top of
// `base`; InvalidArgument naming the field for unknown keys and values out of range.
Result<RiskRules> ParseRiskRules(std::string_view json, const RiskRules& base);
std::string RiskRulesJson(const RiskRules& r);

// A community as the command centre sees it.
struct RiskArea {
  std::string code, name, path;
  std::string street_code, street_name, district_name;
  Level level = Level::kLow;     // declared (low until declared otherwise)
  Millis since = 0;              // when the declared level took effect (0: never declared)
  std::string declared_by, reason;
  std::string overrides;         // "" or the proposal the declaration went against
  Level proposed = Level::kLow;  // what the rules say now
  std::string proposal_reason;
  Millis proposed_at = 0;
  bool pending = false;          // proposed != declared: waiting for the command centre
  int cases_in_window = 0;       // confirmed cases reported within case_days
  std::string last_case_date;    // "" if none ever
};

struct RiskHistoryEntry {
  int64_t id = 0;
  std::string area_code, kind;   // proposed | declared
  Level level = Level::kLow, from = Level::kLow;
  std::string reason, by, overrides;
  Millis at = 0;
};

struct RiskListQuery {
  std::string under_path;    // "" or "/": the whole city
  bool only_risk = false;    // declared medium or high
  bool only_pending = false; // a proposal differs from the declared level
  int64_t limit = 5000;
};

class RiskAreas {
 public:
  static Result<std::unique_ptr<RiskAreas>> Open(store::Store& store, const Clock& clock);
  ~RiskAreas();

  // CaseConfirmed → the case is counted for its community, and its street is
  // re-proposed. Other events are ignored. Idempotent (a case counts once).
  Status OnEvent(const events::Event& e);
  // Re-proposes every community for the clock's day (lifting after case_days).
  Status Tick();

  Result<std::vector<RiskArea>> List(const RiskListQuery& q);
  Result<RiskArea> Get(std::string_view code);
  // Declares `level` for each community (NotFound naming an unknown code; a street,
  // compound or other non-community code is InvalidArgument). A reason is always
  // required; a level other than the proposal is recorded as an override of it.
  // Every declaration is audited and kept in the history; a changed level publishes
  // RiskAreaChanged. All or nothing.
  Result<std::vector<RiskArea>> Declare(std::span<const std::string> codes, Level level, std::string_view reason,
                                        const audit::Actor& by);
  // Proposals and declarations of one community, newest first.
  Result<std::vector<RiskHistoryEntry>> History(std::string_view code, int limit = 200);

  Result<RiskRules> CurrentRules();
  Result<RiskRules> SetRules(std::string_view json, std::string_view reason, const audit::Actor& by);
  Result<std::vector<RiskRules>> RulesHistory();

  // Today's declared medium- and high-risk communities as the city publishes them
  // (no personal data): JSON text, rebuilt only when a level changes, with its
  // version (an ETag) and the time it was built.
  struct PublicList {
    std::string json;
    std::string etag;
  };
  PublicList Public();

  // The declared level of the community with this code or path prefix. For the
  // health-code engine: community index → level, and a person's community from a path.
  int32_t CommunityOfPath(std::string_view path) const;  // −1 if none
  Level LevelOf(int32_t community) const;
  Millis LevelSince(int32_t community) const;
  size_t CommunityCount() const;
  std::string CommunityName(int32_t community) const;
  std::string CommunityCode(int32_t community) const;
  std::string CommunityPath(int32_t community) const;

  struct State;  // internal

 private:
  RiskAreas(store::Store& store, const Clock& clock);
  store::Store& store_;
  const Clock& clock_;
  std::unique_ptr<State> st_;
};

}  // namespace tc::healthcode
