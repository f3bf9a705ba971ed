// Health codes (健康码): every resident's colour — green, yellow, red — with the
// reasons that make it and since when. The colour comes from configurable, versioned
// rules (HealthRules) over facts this module learns from the others' events:
//   case            CaseSuspected / CaseConfirmed                → red
//   contact         ContactListed (close, secondary → red; exposed → yellow) until
//                   ContactStatusChanged to released, or ContactRemoved
//   pooled tube     TubePositive (every member → yellow) until FollowupClosed
//   residence       the declared level of the community one lives in (RiskAreaChanged):
//                   high → red, medium → yellow
//   visit           a check-in within 14 days at a venue in a medium/high community
//                   (found when the level is declared) → yellow while the level holds
//   test            in a district in wartime (AreaModeChanged), no negative sample in
//                   the last 72 h (asked of the mass-testing service) → yellow
// The strongest colour wins; every rule that fires is a reason. Quarantine released,
// retest negative, area lifted: the fact ends and the colour falls back.
//
// Colours are kept per resident in memory and changed only for the people an event
// touches (a case's 1,000 contacts, a community's residents); FullRecompute()
// re-derives every colour from the same facts (after a rule change) and reports how
// many differ — equal to zero when the incremental path is right. Time-bound facts
// (a visit's 14 days, the 72 h) are checked at every lookup. At start the facts are
// rebuilt from the other modules' services (cases, contacts, follow-ups, visitors),
// so nothing here duplicates their tables; hc_colours keeps each resident's colour
// and since-time across restarts.
//
// Pseudonymous tokens: a resident's code carries Token(resident) — 16 bytes, an
// encryption of the store id under the module's secret followed by a MAC — and
// never a name or ID number; ResidentOfToken() reverses it without a table.
//
// Thread-safe: lookups in parallel; event handlers and recomputes one at a time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "events/events.h"
#include "healthcode/colour.h"
#include "healthcode/risk.h"
#include "store/store.h"

namespace tc::screening {
class Screening;
}
namespace tc::tracing {
class Tracing;
class Cases;
}

namespace tc::healthcode {


struct HealthRules {
  int64_t version = 0;  // 0: the built-in defaults
  Colour case_confirmed = Colour::kRed, case_asymptomatic = Colour::kRed, case_suspected = Colour::kRed;
  Colour contact_close = Colour::kRed, contact_secondary = Colour::kRed, contact_exposed = Colour::kYellow;
  Colour tube_positive = Colour::kYellow;
  Colour residence_high = Colour::kRed, residence_medium = Colour::kYellow;
  Colour visit_high = Colour::kYellow, visit_medium = Colour::kYellow;
  int visit_days = 14;
  int test_hours = 72;  // 0: no test rule
  Colour test_missing = Colour::kYellow;
  int code_ttl_seconds = 300;  // how long a signed code is valid
  std::string changed_by, reason;
  Millis changed_at = 0;
};
// {"case": {"confirmed": "red", "asymptomatic": "red", "suspected": "red"},
//  "contact": {"close": "red", "secondary": "red", "exposed": "yellow"},
//  "tube_positive": "yellow", "residence": {"high": "red", "medium": "yellow"},
//  "visit": {"high": "yellow", "medium": "yellow", "days": 14},
//  "test": {"hours": 72, "colour": "yellow"}, "code_ttl_seconds": 300}
// on top of `base`; InvalidArgument naming the field (e.g. "contact.close").
Result<HealthRules> ParseHealthRules(std::string_view json, const HealthRules& base);
std::string HealthRulesJson(const HealthRules& r);

struct Reason {
  std::string code;   // case.confirmed | contact.close | tube.positive | residence.high | visit.medium | test.missing …
  Colour colour = Colour::kGreen;
  std::string text;   // Chinese, for the resident: "密切接触者（集中隔离中）"
  Millis since = 0;
  Millis until = 0;   // 0: until something changes
};

struct CodeStatus {
  int64_t resident_id = 0;
  Colour colour = Colour::kGreen;
  Millis since = 0;   // when the colour became this (0: green since the city began)
  std::vector<Reason> reasons;
  int64_t rules_version = 0;
  Millis evaluated_at = 0;
};

struct ColourCounts {
  int64_t green = 0, yellow = 0, red = 0;
};

struct RecomputeReport {
  int64_t residents = 0;
  int64_t changed = 0;  // colours that differed from the kept ones (0 if the incremental path was right)
  double ms = 0;
  ColourCounts counts;
};

using Token = std::array<uint8_t, 16>;

class HealthCodes {
 public:
  // Loads residents' communities and the facts (from the services), then the kept
  // colours. The services must outlive this.
  static Result<std::unique_ptr<HealthCodes>> Open(store::Store& store, const Clock& clock, RiskAreas& risk,
                                                   screening::Screening& screening, tracing::Tracing& tracing,
                                                   tracing::Cases& cases);
  ~HealthCodes();

  // The bus subscriber (events listed above); others are ignored. Idempotent.
  Status OnEvent(const events::Event& e);

  // A resident's colour now, with reasons; NotFound naming the id.
  Result<CodeStatus> Lookup(int64_t resident_id);
  // Just the colour (the checkpoint's online lookup); NotFound naming the id.
  Result<Colour> ColourOf(int64_t resident_id);
  // The daily tick: the visits to every medium or high community are looked up again
  // (check-ins recorded since its declaration count from here), and the people whose
  // colour that changes are recoloured.
  Status Tick();
  // Re-derives every colour from the facts with the rules in force.
  Result<RecomputeReport> FullRecompute();
  // Counts of the kept colours under an area path ("" or "/": the city).
  ColourCounts Counts(std::string_view under_path);
  // Residents of a colour under a path, by id (for the command centre's lists).
  std::vector<int64_t> ResidentsOfColour(Colour c, std::string_view under_path, int64_t after_id, int limit);

  Result<HealthRules> CurrentRules();
  // Stores a new version and recomputes every colour with it (audited).
  Result<HealthRules> SetRules(std::string_view json, std::string_view reason, const audit::Actor& by);
  Result<std::vector<HealthRules>> RulesHistory();

  // Pseudonymous tokens.
  Token TokenOf(int64_t resident_id) const;
  // The resident a token names (0: not a token of ours).
  int64_t ResidentOfToken(const Token& t) const;
  static std::string TokenText(const Token& t);             // 32 lower-case hex
  static bool ParseTokenText(std::string_view s, Token* t);

  // The materialised path of the unit a resident lives in ("" if unknown), for
  // jurisdiction checks.
  std::string PathOf(int64_t resident_id) const;
  int64_t Residents() const;

  struct State;  // internal

 private:
  HealthCodes(store::Store& store, const Clock& clock, RiskAreas& risk, screening::Screening& screening,
              tracing::Tracing& tracing, tracing::Cases& cases);
  store::Store& store_;
  const Clock& clock_;
  RiskAreas& risk_;
  screening::Screening& screening_;
  tracing::Tracing& tracing_;
  tracing::Cases& cases_;
  std::unique_ptr<State> st_;
};

}  // namespace tc::healthcode
