// Temporary relief payments (临时救助) to people in difficulty: eligibility from a
// person's tags and status by versioned rules, an application's states and the totals
// per district. Pure (no store, no clock); amounts in fen (分, 1/100 yuan) as int64.
//
//   applied ─approve─▶ approved ─pay─▶ paid
//      └──reject(reason)──▶ rejected ◀──reject(reason)──┘
//
//   ReliefRules rules;                                         // version 0: the defaults
//   Eligibility e = Evaluate({.welfare = kDibao, .district_code = "220102"}, rules);
//   ReliefApplication a = NewRelief(7, facts, now).value();
//   TC_RETURN_IF_ERROR(Apply(a, {.kind = ReliefActionKind::kApprove}, rules, now));   // amount fixed
//   std::vector<DistrictTotals> t = Totals(apps);
//
// The registry's care tags are read as its bits (registry::CareTag); the welfare
// statuses 低保 and 特困 are not registry tags — the civil-affairs list the caller
// passes. Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"

namespace tc::livelihood {

// Welfare statuses (from civil affairs), a bit each.
enum WelfareStatus : int64_t {
  kDibao = 1,  // 低保: minimum living allowance
  kTekun = 2,  // 特困: persons in extreme poverty
};

// What eligibility is decided on.
struct ReliefFacts {
  int64_t care_tags = 0;      // registry::CareTag bits
  int64_t welfare = 0;        // WelfareStatus bits
  bool quarantined = false;   // in quarantine (centralised or at home) now
  bool lost_income = false;   // lost their income to the epidemic (declared and checked)
  std::string district_code;  // the 6-digit county-level division of their home
};

// One rule: matches when every condition it sets holds. A condition left at its
// default does not count; a rule must set at least one.
struct ReliefRule {
  std::string name;           // e.g. "dibao_tekun"; unique in the set
  int64_t any_care_tags = 0;  // ≥ one of these care-tag bits
  int64_t any_welfare = 0;    // ≥ one of these welfare bits
  bool quarantined = false;   // must be quarantined
  bool lost_income = false;   // must have lost income
  int64_t amount_fen = 0;     // the payment (> 0)
};
// Versioned like the other rule sets (version 0: these defaults). A person matching
// several rules gets the largest amount once (the first such rule names it).
struct ReliefRules {
  int64_t version = 0;
  std::vector<ReliefRule> rules = {
      {.name = "dibao_tekun", .any_welfare = kDibao | kTekun, .amount_fen = 100000},
      {.name = "quarantined_lost_income", .quarantined = true, .lost_income = true, .amount_fen = 80000},
      {.name = "elderly_alone", .any_care_tags = 1, .amount_fen = 50000},  // registry::kElderlyAlone
  };
};
// InvalidArgument naming the field ("rules[1].amount_fen") for an unnamed or repeated
// rule, a rule with no condition or an amount ≤ 0.
Status ValidateReliefRules(const ReliefRules& r);

struct Eligibility {
  bool eligible = false;
  std::string rule;  // the rule that sets the amount ("" when not eligible)
  int64_t amount_fen = 0;
  std::vector<std::string> matched;  // every rule that matched, in rule order
};
Eligibility Evaluate(const ReliefFacts& f, const ReliefRules& rules);

enum class ReliefState : uint8_t { kApplied, kApproved, kPaid, kRejected };
std::string_view ReliefStateName(ReliefState s);  // applied | approved | paid | rejected
bool ParseReliefState(std::string_view s, ReliefState* out);

struct ReliefApplication {
  int64_t resident_id = 0;
  ReliefFacts facts;
  ReliefState state = ReliefState::kApplied;
  std::string rule;           // approve: the rule that set the amount
  int64_t rules_version = 0;  // approve: the rule set's version
  int64_t amount_fen = 0;     // approve: the approved amount
  std::string payment_ref, reason;
  Millis applied_at = 0, approved_at = 0, paid_at = 0, rejected_at = 0;
};
// A new application at `now`. InvalidArgument naming the field: no resident, no
// district code.
Result<ReliefApplication> NewRelief(int64_t resident_id, const ReliefFacts& facts, Millis now);

enum class ReliefActionKind : uint8_t { kApprove, kPay, kReject };
std::string_view ReliefActionName(ReliefActionKind k);  // approve | pay | reject
bool ParseReliefAction(std::string_view s, ReliefActionKind* out);
struct ReliefAction {
  ReliefActionKind kind = ReliefActionKind::kApprove;
  std::string payment_ref;  // pay: required (the bank's or the payment system's reference)
  std::string reason;       // reject: required
};
// Applies `a` at `now`. approve evaluates the facts under `rules` and fixes the rule,
// its version and the amount — Conflict naming the facts' failure when not eligible;
// Conflict naming the state and the action when it may not follow ("relief application
// is paid; reject needs applied or approved"); InvalidArgument naming a missing field.
// Nothing changes unless it returns Ok.
Status Apply(ReliefApplication& app, const ReliefAction& a, const ReliefRules& rules, Millis now);

// Per district: counts by state and the amounts approved (approved or paid), paid and
// unpaid (approved, not yet paid). Sorted by district code.
struct DistrictTotals {
  std::string district_code;
  int64_t applications = 0, pending = 0, approved = 0, paid = 0, rejected = 0;  // approved: still unpaid
  int64_t approved_fen = 0, paid_fen = 0, unpaid_fen = 0;                       // approved_fen = paid + unpaid
};
std::vector<DistrictTotals> Totals(const std::vector<ReliefApplication>& apps);

}  // namespace tc::livelihood
