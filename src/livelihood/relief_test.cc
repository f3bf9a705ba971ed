#include "livelihood/relief.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "registry/residents.h"

namespace tc::livelihood {
namespace {

constexpr Millis kT0 = 1'648'742'400'000, kHour = 3'600'000;

using K = ReliefActionKind;
using S = ReliefState;

ReliefApplication Fresh(ReliefFacts f, int64_t id = 7) { return NewRelief(id, f, kT0).value(); }

TEST(ReliefTest, EligibilityFromTagsAndStatusTakesTheLargestAmount) {
  const ReliefRules rules;
  EXPECT_TRUE(ValidateReliefRules(rules).ok());
  Eligibility e = Evaluate({.welfare = kDibao}, rules);
  EXPECT_TRUE(e.eligible);
  EXPECT_EQ(e.rule, "dibao_tekun");
  EXPECT_EQ(e.amount_fen, 100000);
  e = Evaluate({.welfare = kTekun}, rules);
  EXPECT_EQ(e.rule, "dibao_tekun");
  // Quarantined alone is not enough; with lost income it is.
  EXPECT_FALSE(Evaluate({.quarantined = true}, rules).eligible);
  EXPECT_FALSE(Evaluate({.lost_income = true}, rules).eligible);
  e = Evaluate({.quarantined = true, .lost_income = true}, rules);
  EXPECT_EQ(e.rule, "quarantined_lost_income");
  EXPECT_EQ(e.amount_fen, 80000);
  e = Evaluate({.care_tags = registry::kElderlyAlone | registry::kChronic}, rules);
  EXPECT_EQ(e.rule, "elderly_alone");
  EXPECT_EQ(e.amount_fen, 50000);
  // Several rules: every match listed, the largest pays.
  e = Evaluate({.care_tags = registry::kElderlyAlone, .welfare = kDibao, .quarantined = true, .lost_income = true},
               rules);
  EXPECT_EQ(e.matched, (std::vector<std::string>{"dibao_tekun", "quarantined_lost_income", "elderly_alone"}));
  EXPECT_EQ(e.rule, "dibao_tekun");
  EXPECT_EQ(e.amount_fen, 100000);
  e = Evaluate({.care_tags = registry::kChronic | registry::kDisability}, rules);
  EXPECT_FALSE(e.eligible);
  EXPECT_TRUE(e.matched.empty());
  EXPECT_EQ(e.amount_fen, 0);
}

TEST(ReliefTest, RuleSetsAreValidatedNamingTheRule) {
  const auto field = [](ReliefRules r) {
    const Status s = ValidateReliefRules(r);
    return s.ok() ? std::string("ok") : s.field_errors().at(0).field;
  };
  ReliefRules r;
  r.rules.push_back({.name = "dibao_tekun", .any_welfare = kDibao, .amount_fen = 1});
  EXPECT_EQ(field(r), "rules[3].name");
  r.rules.back() = {.name = "everyone", .amount_fen = 1};
  EXPECT_EQ(field(r), "rules[3]");
  r.rules.back() = {.name = "free", .quarantined = true, .amount_fen = 0};
  EXPECT_EQ(field(r), "rules[3].amount_fen");
  r.rules.back() = {.quarantined = true, .amount_fen = 10};
  EXPECT_EQ(field(r), "rules[3].name");
}

TEST(ReliefTest, ApprovalFixesTheAmountAndPaymentClosesIt) {
  ReliefRules rules;
  rules.version = 3;
  ReliefApplication a = Fresh({.welfare = kDibao, .district_code = "220102"});
  EXPECT_EQ(a.state, S::kApplied);
  ASSERT_TRUE(Apply(a, {.kind = K::kApprove}, rules, kT0 + kHour).ok());
  EXPECT_EQ(a.state, S::kApproved);
  EXPECT_EQ(a.rule, "dibao_tekun");
  EXPECT_EQ(a.rules_version, 3);
  EXPECT_EQ(a.amount_fen, 100000);
  EXPECT_EQ(a.approved_at, kT0 + kHour);
  EXPECT_EQ(Apply(a, {.kind = K::kPay}, rules, kT0 + 2 * kHour).field_errors().at(0).field, "payment_ref");
  ASSERT_TRUE(Apply(a, {.kind = K::kPay, .payment_ref = "BANK-0001"}, rules, kT0 + 2 * kHour).ok());
  EXPECT_EQ(a.state, S::kPaid);
  EXPECT_EQ(a.payment_ref, "BANK-0001");
  EXPECT_EQ(a.paid_at, kT0 + 2 * kHour);
}

TEST(ReliefTest, ApprovingSomeoneNotEligibleIsRefused) {
  ReliefApplication a = Fresh({.quarantined = true, .district_code = "220102"});
  const Status st = Apply(a, {.kind = K::kApprove}, ReliefRules{}, kT0);
  EXPECT_EQ(st.code(), StatusCode::kConflict);
  EXPECT_EQ(st.message(), "relief application of resident 7 meets none of the rules of version 0");
  EXPECT_EQ(a.state, S::kApplied);
  EXPECT_EQ(a.amount_fen, 0);
}

TEST(ReliefTest, RejectionNeedsAReasonAndEveryActionOutOfTurnIsAConflict) {
  ReliefApplication a = Fresh({.welfare = kTekun, .district_code = "220102"});
  EXPECT_EQ(Apply(a, {.kind = K::kReject}, ReliefRules{}, kT0).field_errors().at(0).field, "reason");
  ASSERT_TRUE(Apply(a, {.kind = K::kReject, .reason = "重复申请"}, ReliefRules{}, kT0).ok());
  EXPECT_EQ(a.state, S::kRejected);
  EXPECT_EQ(a.reason, "重复申请");

  struct Case {
    S state;
    std::vector<K> allowed;
  };
  const std::vector<Case> cases = {{S::kApplied, {K::kApprove, K::kReject}},
                                   {S::kApproved, {K::kPay, K::kReject}},
                                   {S::kPaid, {}},
                                   {S::kRejected, {}}};
  for (const Case& c : cases) {
    for (int k = 0; k < 3; ++k) {
      const K kind = static_cast<K>(k);
      ReliefApplication x = Fresh({.welfare = kDibao, .district_code = "220102"});
      x.state = c.state;
      const Status st = Apply(x, {.kind = kind, .payment_ref = "p", .reason = "r"}, ReliefRules{}, kT0);
      if (std::find(c.allowed.begin(), c.allowed.end(), kind) != c.allowed.end()) {
        EXPECT_TRUE(st.ok()) << ReliefStateName(c.state) << " " << ReliefActionName(kind);
        continue;
      }
      EXPECT_EQ(st.code(), StatusCode::kConflict);
      EXPECT_EQ(st.message().rfind("relief application of resident 7 is " + std::string(ReliefStateName(c.state)) +
                                       "; " + std::string(ReliefActionName(kind)) + " needs",
                                   0),
                0u)
          << st.message();
      EXPECT_EQ(x.state, c.state);
    }
  }
}

TEST(ReliefTest, ANewApplicationNamesTheMissingField) {
  EXPECT_EQ(NewRelief(0, {.district_code = "220102"}, kT0).status().field_errors().at(0).field, "resident_id");
  EXPECT_EQ(NewRelief(1, {}, kT0).status().field_errors().at(0).field, "district_code");
}

TEST(ReliefTest, TotalsByDistrictSplitPaidAndUnpaid) {
  const ReliefRules rules;
  std::vector<ReliefApplication> apps;
  const auto add = [&](const std::string& district, ReliefFacts f, std::vector<ReliefAction> actions) {
    f.district_code = district;
    ReliefApplication a = Fresh(f, static_cast<int64_t>(apps.size()) + 1);
    for (const ReliefAction& x : actions) ASSERT_TRUE(Apply(a, x, rules, kT0).ok());
    apps.push_back(a);
  };
  const ReliefAction approve{.kind = K::kApprove}, pay{.kind = K::kPay, .payment_ref = "p"},
      reject{.kind = K::kReject, .reason = "r"};
  add("220102", {.welfare = kDibao}, {approve, pay});                     // 1000 paid
  add("220102", {.quarantined = true, .lost_income = true}, {approve});   // 800 unpaid
  add("220102", {.care_tags = registry::kElderlyAlone}, {approve, pay});  // 500 paid
  add("220102", {.care_tags = registry::kElderlyAlone}, {});              // pending
  add("220102", {.welfare = kTekun}, {approve, reject});                  // rejected after approval
  add("220104", {.care_tags = registry::kElderlyAlone}, {approve});       // 500 unpaid
  add("220104", {}, {reject});                                            // rejected
  const std::vector<DistrictTotals> t = Totals(apps);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].district_code, "220102");
  EXPECT_EQ(t[0].applications, 5);
  EXPECT_EQ(t[0].pending, 1);
  EXPECT_EQ(t[0].approved, 1);
  EXPECT_EQ(t[0].paid, 2);
  EXPECT_EQ(t[0].rejected, 1);
  EXPECT_EQ(t[0].approved_fen, 230000);
  EXPECT_EQ(t[0].paid_fen, 150000);
  EXPECT_EQ(t[0].unpaid_fen, 80000);
  EXPECT_EQ(t[1].district_code, "220104");
  EXPECT_EQ(t[1].applications, 2);
  EXPECT_EQ(t[1].approved, 1);
  EXPECT_EQ(t[1].rejected, 1);
  EXPECT_EQ(t[1].approved_fen, 50000);
  EXPECT_EQ(t[1].paid_fen, 0);
  EXPECT_EQ(t[1].unpaid_fen, 50000);
}

}  // namespace
}  // namespace tc::livelihood
