#include "tracing/rules.h"

#include <gtest/gtest.h>

namespace tc::tracing {
namespace {

constexpr ContactRules kRules{};  // ±30 min without leave times, 0 with

TEST(ContactRules, ArrivalsWithoutLeaveTimesWithinThirtyMinutes) {
  const Visit a{1, 7, 1000, 0};
  EXPECT_TRUE(IsContact(a, {2, 7, 1030, 0}, kRules));   // exactly at the margin
  EXPECT_TRUE(IsContact(a, {2, 7, 970, 0}, kRules));    // exactly at the margin, before
  EXPECT_FALSE(IsContact(a, {2, 7, 1031, 0}, kRules));  // one minute past
  EXPECT_FALSE(IsContact(a, {2, 7, 969, 0}, kRules));
  EXPECT_FALSE(IsContact(a, {2, 8, 1000, 0}, kRules));  // another venue
}

TEST(ContactRules, LeaveTimesOverlapAndTouchingEdges) {
  const Visit a{1, 7, 1000, 1060};
  EXPECT_TRUE(IsContact(a, {2, 7, 1060, 1100}, kRules));   // arrives as a leaves
  EXPECT_FALSE(IsContact(a, {2, 7, 1061, 1100}, kRules));  // a minute later
  EXPECT_TRUE(IsContact(a, {2, 7, 900, 1000}, kRules));    // leaves as a arrives
  EXPECT_TRUE(IsContact(a, {2, 7, 1010, 1020}, kRules));   // inside
  EXPECT_TRUE(IsContact(a, {2, 7, 900, 1200}, kRules));    // around
}

TEST(ContactRules, OneLeaveTimeMissingUsesTheWideMargin) {
  const Visit a{1, 7, 1000, 1060};
  EXPECT_TRUE(IsContact(a, {2, 7, 1090, 0}, kRules));   // 30 min after a left
  EXPECT_FALSE(IsContact(a, {2, 7, 1091, 0}, kRules));
  EXPECT_TRUE(IsContact({2, 7, 970, 0}, a, kRules));    // symmetric
  EXPECT_FALSE(IsContact({2, 7, 969, 0}, a, kRules));
}

TEST(ContactRules, SamePersonIsNeverTheirOwnContact) {
  EXPECT_FALSE(IsContact({1, 7, 1000, 0}, {1, 7, 1000, 0}, kRules));
}

TEST(ContactRules, ConfigurableMargins) {
  const ContactRules strict{.margin_without_leave = 10, .margin_with_leave = 5};
  EXPECT_FALSE(IsContact({1, 7, 1000, 0}, {2, 7, 1011, 0}, strict));
  EXPECT_TRUE(IsContact({1, 7, 1000, 1010}, {2, 7, 1015, 1020}, strict));
}

TEST(ContactRules, CandidateWindowContainsEveryContact) {
  const Visit a{1, 7, 1000, 1060};
  const Minute max_stay = 240;
  const Window w = CandidateArrivals(a, max_stay, kRules);
  for (Minute arrive = 500; arrive < 1500; ++arrive) {
    for (Minute stay : {Minute{0}, Minute{1}, Minute{60}, max_stay}) {
      const Visit b{2, 7, arrive, stay ? arrive + stay : 0};
      if (IsContact(a, b, kRules)) {
        EXPECT_GE(arrive, w.lo);
        EXPECT_LE(arrive, w.hi);
      }
    }
  }
}

}  // namespace
}  // namespace tc::tracing
