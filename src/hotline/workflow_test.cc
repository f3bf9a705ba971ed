#include "hotline/workflow.h"

#include <gtest/gtest.h>

#include "hotline/rates.h"
#include "hotline/rules.h"

namespace tc::hotline {
namespace {

constexpr Millis kMin = 60'000, kHour = 60 * kMin;
constexpr Millis kT0 = 1'780'000'000'000;

class WorkflowTest : public ::testing::Test {
 protected:
  HotlineRules rules_;
  Status Do(RequestState& s, ActionKind k, Millis at, std::string note = "", std::string dept = "", int sat = 0,
            int solved = -1) {
    return Apply(s, {.kind = k, .department = dept, .note = note, .satisfaction = sat, .solved = solved}, rules_, at);
  }
};

TEST_F(WorkflowTest, RoutedRequestIsDispatchedWithDeadlinesFromReceipt) {
  RequestState s = Received(Priority::kNormal, "water", rules_, kT0);
  EXPECT_EQ(s.status, State::kDispatched);
  EXPECT_EQ(s.department, "water");
  EXPECT_EQ(s.respond_by, kT0 + 24 * kHour);
  EXPECT_EQ(s.handle_by, kT0 + 7 * 24 * kHour);
  // The first thing due: the response reminder at 75 % of the response time.
  EXPECT_EQ(s.next_due, kT0 + 18 * kHour);
}

TEST_F(WorkflowTest, UnroutedRequestWaitsForManualDispatch) {
  RequestState s = Received(Priority::kUrgent, "", rules_, kT0);
  EXPECT_EQ(s.status, State::kPendingDispatch);
  EXPECT_EQ(Do(s, ActionKind::kAccept, kT0).code(), StatusCode::kConflict);
  EXPECT_EQ(Do(s, ActionKind::kDispatch, kT0).code(), StatusCode::kInvalidArgument);  // no department
  ASSERT_TRUE(Do(s, ActionKind::kDispatch, kT0 + 10 * kMin, "", "health").ok());
  EXPECT_EQ(s.status, State::kDispatched);
  // The department's clock starts at dispatch: urgent = respond in 30 min, handle in 24 h.
  EXPECT_EQ(s.respond_by, kT0 + 40 * kMin);
  EXPECT_EQ(s.handle_by, kT0 + 10 * kMin + 24 * kHour);
}

TEST_F(WorkflowTest, EveryTransitionOfTheHappyPath) {
  RequestState s = Received(Priority::kHigh, "water", rules_, kT0);
  ASSERT_TRUE(Do(s, ActionKind::kAccept, kT0 + kHour).ok());
  EXPECT_EQ(s.status, State::kAccepted);
  EXPECT_EQ(s.responded_at, kT0 + kHour);
  EXPECT_EQ(Do(s, ActionKind::kResolve, kT0 + 2 * kHour).code(), StatusCode::kInvalidArgument);  // note required
  ASSERT_TRUE(Do(s, ActionKind::kResolve, kT0 + 2 * kHour, "修好了").ok());
  EXPECT_EQ(s.status, State::kResolved);
  EXPECT_EQ(s.callback_by, kT0 + 2 * kHour + 48 * kHour);
  EXPECT_EQ(Do(s, ActionKind::kCallback, kT0 + 3 * kHour, "", "", 6, 1).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(Do(s, ActionKind::kCallback, kT0 + 3 * kHour, "", "", 5, 1).ok());
  EXPECT_EQ(s.status, State::kClosed);
  EXPECT_EQ(s.closed_at, kT0 + 3 * kHour);
  EXPECT_EQ(s.next_due, 0);
  // Nothing but reopen follows a closed request.
  for (ActionKind k : {ActionKind::kAccept, ActionKind::kResolve, ActionKind::kCallback, ActionKind::kUrge,
                       ActionKind::kReturn, ActionKind::kReassign}) {
    RequestState copy = s;
    EXPECT_EQ(Do(copy, k, kT0 + 4 * kHour, "x", "water", 5, 1).code(), StatusCode::kConflict) << ActionName(k);
    EXPECT_EQ(copy.status, State::kClosed);
  }
  EXPECT_EQ(Do(s, ActionKind::kReopen, kT0 + 5 * kHour).code(), StatusCode::kInvalidArgument);  // reason
  ASSERT_TRUE(Do(s, ActionKind::kReopen, kT0 + 5 * kHour, "又坏了").ok());
  EXPECT_EQ(s.status, State::kDispatched);
  EXPECT_EQ(s.reopen_count, 1);
  EXPECT_EQ(s.satisfaction, 0);
}

TEST_F(WorkflowTest, DissatisfiedCallbackReopensToTheSameDepartment) {
  RequestState s = Received(Priority::kNormal, "heat", rules_, kT0);
  ASSERT_TRUE(Do(s, ActionKind::kResolve, kT0 + kHour, "已调节").ok());  // resolve implies the response
  EXPECT_EQ(s.responded_at, kT0 + kHour);
  ASSERT_TRUE(Do(s, ActionKind::kCallback, kT0 + 2 * kHour, "还是不热", "", 2, 0).ok());
  EXPECT_EQ(s.status, State::kDispatched);
  EXPECT_EQ(s.department, "heat");
  EXPECT_EQ(s.reopen_count, 1);
  EXPECT_EQ(s.respond_by, kT0 + 2 * kHour + 24 * kHour);
  EXPECT_EQ(s.satisfaction, 2);  // kept for the rates
}

TEST_F(WorkflowTest, ReturnAndReassignNeedReasons) {
  RequestState s = Received(Priority::kNormal, "water", rules_, kT0);
  EXPECT_EQ(Do(s, ActionKind::kReturn, kT0).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(Do(s, ActionKind::kReturn, kT0 + kHour, "不属于供水").ok());
  EXPECT_EQ(s.status, State::kPendingDispatch);
  EXPECT_EQ(s.department, "");
  EXPECT_EQ(s.return_count, 1);
  EXPECT_EQ(Do(s, ActionKind::kReassign, kT0 + kHour, "", "gas").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(Do(s, ActionKind::kReassign, kT0 + 2 * kHour, "燃气问题", "gas").ok());
  EXPECT_EQ(s.status, State::kDispatched);
  EXPECT_EQ(s.department, "gas");
  EXPECT_EQ(s.respond_by, kT0 + 2 * kHour + 24 * kHour);
}

TEST_F(WorkflowTest, UnreachableCallerClosesAfterThreeAttempts) {
  RequestState s = Received(Priority::kNormal, "water", rules_, kT0);
  ASSERT_TRUE(Do(s, ActionKind::kResolve, kT0, "done").ok());
  for (int i = 1; i < kMaxCallbackAttempts; ++i) {
    ASSERT_TRUE(Do(s, ActionKind::kCallbackFailed, kT0 + i * kHour).ok());
    EXPECT_EQ(s.status, State::kResolved);
  }
  ASSERT_TRUE(Do(s, ActionKind::kCallbackFailed, kT0 + 9 * kHour).ok());
  EXPECT_EQ(s.status, State::kClosed);
  EXPECT_EQ(s.satisfaction, 0);
}

TEST_F(WorkflowTest, MergeNamesTheKeptRequest) {
  RequestState s = Received(Priority::kNormal, "water", rules_, kT0);
  EXPECT_EQ(Do(s, ActionKind::kMerge, kT0).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(Apply(s, {.kind = ActionKind::kMerge, .into = 7}, rules_, kT0).ok());
  EXPECT_EQ(s.status, State::kMerged);
  EXPECT_EQ(s.merged_into, 7);
  EXPECT_EQ(s.next_due, 0);
}

TEST_F(WorkflowTest, SweepRemindsThenEscalatesOnAFakeClock) {
  RequestState s = Received(Priority::kNormal, "water", rules_, kT0);
  // Before the reminder: nothing.
  auto r = Sweep(s, rules_, kT0 + 17 * kHour);
  EXPECT_EQ(r.reminded, 0);
  EXPECT_EQ(r.overdue, 0);
  // 75 % of the 24 h response time: the response reminder.
  r = Sweep(s, rules_, kT0 + 18 * kHour);
  EXPECT_EQ(r.reminded, kRespondFlag);
  EXPECT_EQ(s.escalation, 0);
  EXPECT_EQ(s.next_due, kT0 + 24 * kHour);
  // The response deadline passes unanswered: overdue, escalation 1.
  r = Sweep(s, rules_, kT0 + 24 * kHour);
  EXPECT_EQ(r.overdue, kRespondFlag);
  EXPECT_TRUE(r.escalated);
  EXPECT_EQ(s.escalation, 1);
  // Sweeping again at the same instant changes nothing.
  r = Sweep(s, rules_, kT0 + 24 * kHour);
  EXPECT_EQ(r.reminded | r.overdue, 0);
  EXPECT_FALSE(r.escalated);
  // Accepted late: the late response stays counted.
  ASSERT_TRUE(Do(s, ActionKind::kAccept, kT0 + 30 * kHour).ok());
  EXPECT_EQ(ContributionOf(s, rules_.satisfied_from).responded_on_time, 0);
  EXPECT_EQ(ContributionOf(s, rules_.satisfied_from).response_due, 1);
  // Handling: reminder at 75 % of 7 days, overdue at 7 days, escalation 2 at 14 days.
  r = Sweep(s, rules_, kT0 + 126 * kHour);
  EXPECT_EQ(r.reminded, kHandleFlag);
  r = Sweep(s, rules_, kT0 + 168 * kHour);
  EXPECT_EQ(r.overdue, kHandleFlag);
  EXPECT_EQ(s.escalation, 1);
  EXPECT_EQ(s.next_due, kT0 + 336 * kHour);
  r = Sweep(s, rules_, kT0 + 336 * kHour);
  EXPECT_TRUE(r.escalated);
  EXPECT_EQ(s.escalation, 2);
  EXPECT_EQ(s.next_due, 0);
}

TEST_F(WorkflowTest, CallbackDeadlineRunsFromResolution) {
  RequestState s = Received(Priority::kUrgent, "health", rules_, kT0);
  ASSERT_TRUE(Do(s, ActionKind::kAccept, kT0 + 5 * kMin).ok());
  ASSERT_TRUE(Do(s, ActionKind::kResolve, kT0 + kHour, "已安排上门采样").ok());
  EXPECT_EQ(s.next_due, kT0 + kHour + 18 * kHour);  // 75 % of 24 h
  auto r = Sweep(s, rules_, kT0 + 25 * kHour);
  EXPECT_EQ(r.reminded, kCallbackFlag);
  EXPECT_EQ(r.overdue, kCallbackFlag);
}

TEST(HotlineRulesTest, PriorityByModeAndMostSpecificCode) {
  HotlineRules r;
  EXPECT_EQ(r.PriorityOf("epidemic.testing", false), Priority::kHigh);
  EXPECT_EQ(r.PriorityOf("epidemic.testing", true), Priority::kUrgent);  // the green channel
  EXPECT_EQ(r.PriorityOf("environment.noise", true), Priority::kNormal);
  auto changed = ParseHotlineRules(R"({"wartime": {"*": "normal", "epidemic": "urgent", "epidemic.medical": "urgent",
                                       "market.prices": "high"}})",
                                   r);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(changed->PriorityOf("market.prices", true), Priority::kHigh);
  EXPECT_EQ(changed->PriorityOf("market.food_safety", true), Priority::kNormal);
  EXPECT_EQ(changed->PriorityOf("heating", true), Priority::kNormal);  // the wartime table was replaced
  // Round trip.
  auto again = ParseHotlineRules(HotlineRulesJson(*changed), HotlineRules{});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(HotlineRulesJson(*again), HotlineRulesJson(*changed));
}

TEST(HotlineRulesTest, BadRulesNameTheField) {
  HotlineRules r;
  const auto field_of = [&](const char* json) {
    auto x = ParseHotlineRules(json, r);
    EXPECT_FALSE(x.ok()) << json;
    return x.ok() ? std::string() : x.status().ToString();
  };
  EXPECT_NE(field_of(R"({"remind_at": 2})").find("remind_at"), std::string::npos);
  EXPECT_NE(field_of(R"({"deadlines": {"urgent": {"respond_minutes": 0}}})").find("deadlines.urgent.respond_minutes"),
            std::string::npos);
  EXPECT_NE(field_of(R"({"deadlines": {"asap": {}}})").find("deadlines.asap"), std::string::npos);
  EXPECT_NE(field_of(R"({"wartime": {"epidemic": "now"}})").find("wartime.epidemic"), std::string::npos);
  EXPECT_NE(field_of(R"({"wartime": {"epidemic": "urgent"}})").find("wartime.*"), std::string::npos);
  EXPECT_NE(field_of(R"({"colour": 1})").find("colour"), std::string::npos);
}

}  // namespace
}  // namespace tc::hotline
