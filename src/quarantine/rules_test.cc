#include "quarantine/rules.h"

#include <gtest/gtest.h>

namespace tc::quarantine {
namespace {

TEST(QuarantineRules, DefaultsAreFourteenAndSevenDaysWithTheirTestDays) {
  const QuarantineRules r;
  EXPECT_EQ(r.For(Tier::kClose).days, 14);
  EXPECT_EQ(r.For(Tier::kClose).test_days, (std::vector<int>{1, 4, 7, 14}));
  EXPECT_EQ(r.For(Tier::kSecondary).days, 7);
  EXPECT_EQ(r.fever_celsius, 37.3);
  EXPECT_EQ(r.open_loop_after[static_cast<int>(State::kListed)], 4 * kHourMs);
  EXPECT_EQ(r.open_loop_after[static_cast<int>(State::kReleased)], -1);
}

TEST(QuarantineRules, AJsonDocumentChangesOnlyWhatItGives) {
  const auto r = ParseQuarantineRules(
      R"({"tiers": {"secondary": {"days": 10, "test_days": [1, 5, 10]}},
          "health": {"clear_checks": 2},
          "open_loop_hours": {"picked_up": 1.5, "refused": null}})",
      QuarantineRules{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->secondary.days, 10);
  EXPECT_EQ(r->secondary.test_days, (std::vector<int>{1, 5, 10}));
  EXPECT_EQ(r->close.days, 14);
  EXPECT_EQ(r->clear_checks, 2);
  EXPECT_EQ(r->open_loop_after[static_cast<int>(State::kPickedUp)], 90 * 60'000);
  EXPECT_EQ(r->open_loop_after[static_cast<int>(State::kRefused)], -1);
  // The whole rule set written out reads back the same.
  const auto again = ParseQuarantineRules(QuarantineRulesJson(*r), QuarantineRules{});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(QuarantineRulesJson(*again), QuarantineRulesJson(*r));
}

TEST(QuarantineRules, BadInputIsRefusedNamingTheField) {
  struct Case {
    const char* json;
    const char* field;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"tiers": {"exposed": {"days": 7}}})", "tiers.exposed"},
           {R"({"tiers": {"close": {"days": 0}}})", "tiers.close.days"},
           {R"({"tiers": {"close": {"days": 29}}})", "tiers.close.days"},
           {R"({"tiers": {"close": {"test_days": [1, 7, 4]}}})", "tiers.close.test_days"},
           {R"({"tiers": {"close": {"days": 10}}})", "tiers.close.test_days"},  // day 14 after day 10
           {R"({"tiers": {"close": {"colour": 1}}})", "tiers.close.colour"},
           {R"({"health": {"fever_celsius": 35}})", "health.fever_celsius"},
           {R"({"health": {"clear_checks": 15}})", "health.clear_checks"},
           {R"({"open_loop_hours": {"released": 1}})", "open_loop_hours.released"},
           {R"({"open_loop_hours": {"listed": -1}})", "open_loop_hours.listed"},
           {R"({"weights": {}})", "weights"},
       }) {
    const auto r = ParseQuarantineRules(c.json, QuarantineRules{});
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.json;
    ASSERT_FALSE(r.status().field_errors().empty()) << c.json;
    EXPECT_EQ(r.status().field_errors()[0].field, c.field) << c.json;
  }
}

}  // namespace
}  // namespace tc::quarantine
