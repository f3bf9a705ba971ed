#include "quarantine/lifecycle.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tc::quarantine {
namespace {

constexpr Millis kMin = 60'000, kHour = 60 * kMin, kDay = 24 * kHour;
constexpr Millis kT0 = 1'780'000'000'000;

class LifecycleTest : public ::testing::Test {
 protected:
  QuarantineRules rules_;
  Status Do(QuarantineState& s, Action a, Millis at) { return Apply(s, a, rules_, at); }
  Status Do(QuarantineState& s, ActionKind k, Millis at, std::string note = "") {
    return Apply(s, {.kind = k, .note = std::move(note)}, rules_, at);
  }
  Status Check(QuarantineState& s, Millis at, double c, std::string symptoms = "") {
    return Do(s, {.kind = ActionKind::kHealthCheck, .check = {at, c, std::move(symptoms)}}, at);
  }
  Status Test(QuarantineState& s, Millis sampled, TestOutcome o, Millis at) {
    return Do(s, {.kind = ActionKind::kTestResult, .test = {sampled, o}}, at);
  }
  // A close contact checked in at a site at kT0 + 3 h.
  QuarantineState CheckedIn() {
    QuarantineState s = Listed(Tier::kClose, kT0);
    EXPECT_TRUE(Do(s, {.kind = ActionKind::kAssign, .site_id = 7, .room_id = 701}, kT0 + kHour).ok());
    EXPECT_TRUE(
        Do(s, {.kind = ActionKind::kSchedulePickup, .vehicle = "京A12345", .pickup_at = kT0 + 2 * kHour}, kT0 + kHour)
            .ok());
    EXPECT_TRUE(Do(s, ActionKind::kPickUp, kT0 + 2 * kHour).ok());
    EXPECT_TRUE(Do(s, ActionKind::kCheckIn, kT0 + 3 * kHour).ok());
    return s;
  }
  // Every scheduled test of the close tier, negative, and a clear check each day.
  void ServeCleanly(QuarantineState& s) {
    for (int d : rules_.close.test_days) {
      const Millis at = s.quarantine_start + (d - 1) * kDay + kHour;
      ASSERT_TRUE(Test(s, at, TestOutcome::kNegative, at + 6 * kHour).ok());
    }
    for (int d = 1; d <= rules_.close.days; ++d) {
      ASSERT_TRUE(Check(s, s.quarantine_start + (d - 1) * kDay + 2 * kHour, 36.6).ok());
    }
  }
};

TEST_F(LifecycleTest, CentralisedQuarantineWalksEveryStateWithItsTimes) {
  QuarantineState s = Listed(Tier::kClose, kT0);
  EXPECT_EQ(s.status, State::kListed);
  EXPECT_EQ(s.since(), kT0);
  EXPECT_EQ(Do(s, {.kind = ActionKind::kAssign, .site_id = 7}, kT0).code(), StatusCode::kInvalidArgument);  // no room
  ASSERT_TRUE(Do(s, {.kind = ActionKind::kAssign, .site_id = 7, .room_id = 701}, kT0 + kHour).ok());
  EXPECT_EQ(s.status, State::kAssigned);
  EXPECT_EQ(s.mode, Mode::kCentralised);
  EXPECT_EQ(s.room_id, 701);
  EXPECT_EQ(Do(s, {.kind = ActionKind::kSchedulePickup, .pickup_at = kT0 + 2 * kHour}, kT0 + kHour).code(),
            StatusCode::kInvalidArgument);  // no vehicle
  ASSERT_TRUE(
      Do(s, {.kind = ActionKind::kSchedulePickup, .vehicle = "京A12345", .pickup_at = kT0 + 2 * kHour}, kT0 + kHour)
          .ok());
  EXPECT_EQ(s.status, State::kPickupScheduled);
  EXPECT_EQ(s.pickup_at, kT0 + 2 * kHour);
  ASSERT_TRUE(Do(s, ActionKind::kPickUp, kT0 + 2 * kHour).ok());
  EXPECT_EQ(s.status, State::kPickedUp);
  ASSERT_TRUE(Do(s, ActionKind::kCheckIn, kT0 + 3 * kHour).ok());
  EXPECT_EQ(s.status, State::kCheckedIn);
  EXPECT_EQ(s.quarantine_start, kT0 + 3 * kHour);
  EXPECT_EQ(s.quarantine_end, kT0 + 3 * kHour + 14 * kDay);
  ServeCleanly(s);
  EXPECT_EQ(Do(s, ActionKind::kRelease, s.quarantine_end).code(), StatusCode::kInvalidArgument);  // no certificate
  ASSERT_TRUE(Do(s, {.kind = ActionKind::kRelease, .certificate = "JC-0001"}, s.quarantine_end).ok());
  EXPECT_EQ(s.status, State::kReleased);
  EXPECT_EQ(s.certificate, "JC-0001");
  // Each state's entry time is kept.
  EXPECT_EQ(s.entered_at[static_cast<int>(State::kListed)], kT0);
  EXPECT_EQ(s.entered_at[static_cast<int>(State::kAssigned)], kT0 + kHour);
  EXPECT_EQ(s.entered_at[static_cast<int>(State::kPickupScheduled)], kT0 + kHour);
  EXPECT_EQ(s.entered_at[static_cast<int>(State::kPickedUp)], kT0 + 2 * kHour);
  EXPECT_EQ(s.entered_at[static_cast<int>(State::kCheckedIn)], kT0 + 3 * kHour);
  EXPECT_EQ(s.entered_at[static_cast<int>(State::kReleased)], kT0 + 3 * kHour + 14 * kDay);
  // Nothing follows a release.
  for (ActionKind k : {ActionKind::kAssign, ActionKind::kCheckIn, ActionKind::kHealthCheck, ActionKind::kEscalate,
                       ActionKind::kCancel, ActionKind::kRelease}) {
    const Status st =
        Do(s, {.kind = k, .site_id = 1, .room_id = 1, .check = {0, 36.5, ""}, .note = "x"}, kT0 + 20 * kDay);
    EXPECT_EQ(st.code(), StatusCode::kConflict) << ActionName(k);
    EXPECT_NE(st.message().find("person is released; " + std::string(ActionName(k)) + " needs"), std::string::npos)
        << st.message();
  }
}

TEST_F(LifecycleTest, HomeQuarantineSkipsTheTransfer) {
  QuarantineState s = Listed(Tier::kSecondary, kT0);
  ASSERT_TRUE(Do(s, {.kind = ActionKind::kAssign, .home = true}, kT0 + kHour).ok());
  EXPECT_EQ(s.mode, Mode::kHome);
  EXPECT_EQ(s.site_id, 0);
  const Status pickup = Do(s, {.kind = ActionKind::kSchedulePickup, .vehicle = "v", .pickup_at = kT0 + 2 * kHour}, kT0);
  EXPECT_EQ(pickup.code(), StatusCode::kConflict);
  EXPECT_NE(pickup.message().find("home quarantine"), std::string::npos) << pickup.message();
  ASSERT_TRUE(Do(s, ActionKind::kCheckIn, kT0 + 2 * kHour).ok());
  EXPECT_EQ(s.quarantine_end, kT0 + 2 * kHour + 7 * kDay);  // the secondary tier's 7 days
}

TEST_F(LifecycleTest, EachActionOutOfItsStateIsRefusedNamingStateAndAction) {
  QuarantineState listed = Listed(Tier::kClose, kT0);
  struct Case {
    ActionKind kind;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {ActionKind::kSchedulePickup, "person is listed; schedule_pickup needs assigned or pickup_scheduled"},
           {ActionKind::kPickUp, "person is listed; pick_up needs pickup_scheduled"},
           {ActionKind::kCheckIn, "person is listed; check_in needs picked_up (centralised) or assigned (home)"},
           {ActionKind::kRelease, "person is listed; release needs checked_in"},
           {ActionKind::kHospitalise, "person is listed; hospitalise needs escalated"},
           {ActionKind::kRelist, "person is listed; relist needs absconded or refused"}}) {
    QuarantineState s = listed;
    const Status st = Do(
        s, {.kind = c.kind, .vehicle = "v", .pickup_at = kT0, .certificate = "c", .hospital = "h", .note = "n"}, kT0);
    EXPECT_EQ(st.code(), StatusCode::kConflict) << ActionName(c.kind);
    EXPECT_EQ(st.message(), c.message);
    EXPECT_EQ(s.status, State::kListed);  // nothing half-applied
  }
  // Checked in: no second assignment, pickup or check-in.
  QuarantineState in = CheckedIn();
  for (ActionKind k : {ActionKind::kAssign, ActionKind::kSchedulePickup, ActionKind::kPickUp, ActionKind::kCheckIn}) {
    QuarantineState s = in;
    EXPECT_EQ(Do(s, {.kind = k, .site_id = 1, .room_id = 1, .vehicle = "v", .pickup_at = kT0, .note = "n"}, kT0 + kDay)
                  .code(),
              StatusCode::kConflict)
        << ActionName(k);
  }
}

TEST_F(LifecycleTest, SideExitsNeedAReasonAndRelistBringsThePersonBack) {
  QuarantineState s = Listed(Tier::kClose, kT0);
  ASSERT_TRUE(Do(s, {.kind = ActionKind::kAssign, .site_id = 7, .room_id = 701}, kT0).ok());
  for (ActionKind k : {ActionKind::kAbscond, ActionKind::kRefuse, ActionKind::kCancel, ActionKind::kEscalate}) {
    const Status st = Do(s, k, kT0 + kHour);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << ActionName(k);
    EXPECT_EQ(st.field_errors().at(0).field, "note");
  }
  // Reassignment before pickup needs a reason too, and counts.
  EXPECT_EQ(Do(s, {.kind = ActionKind::kAssign, .site_id = 8, .room_id = 801}, kT0 + kHour).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(Do(s, {.kind = ActionKind::kAssign, .site_id = 8, .room_id = 801, .note = "房间漏水"}, kT0 + kHour).ok());
  EXPECT_EQ(s.room_id, 801);
  EXPECT_EQ(s.reassign_count, 1);

  ASSERT_TRUE(Do(s, ActionKind::kRefuse, kT0 + 2 * kHour, "拒绝转运").ok());
  EXPECT_EQ(s.status, State::kRefused);
  EXPECT_EQ(s.reason, "拒绝转运");
  EXPECT_EQ(Do(s, ActionKind::kPickUp, kT0 + 3 * kHour).code(), StatusCode::kConflict);
  ASSERT_TRUE(Do(s, ActionKind::kRelist, kT0 + 3 * kHour, "做通工作").ok());
  EXPECT_EQ(s.status, State::kListed);
  EXPECT_EQ(s.room_id, 0);  // the room was given up
  EXPECT_EQ(s.relist_count, 1);

  ASSERT_TRUE(Do(s, ActionKind::kAbscond, kT0 + 4 * kHour, "联系不上").ok());
  EXPECT_EQ(s.status, State::kAbsconded);
  ASSERT_TRUE(Do(s, ActionKind::kCancel, kT0 + 5 * kHour, "经核实非密接").ok());
  EXPECT_EQ(s.status, State::kCancelled);
  EXPECT_EQ(Do(s, ActionKind::kRelist, kT0 + 6 * kHour, "x").code(), StatusCode::kConflict);
}

TEST_F(LifecycleTest, FeverEscalatesAtOnceAndTheEscalationEndsInHospital) {
  QuarantineState s = CheckedIn();
  ASSERT_TRUE(Check(s, kT0 + kDay, 37.2).ok());
  EXPECT_EQ(s.status, State::kCheckedIn);  // below the mark
  ASSERT_TRUE(Check(s, kT0 + 2 * kDay, 37.3).ok());
  EXPECT_EQ(s.status, State::kEscalated);
  EXPECT_EQ(s.since(), kT0 + 2 * kDay);
  EXPECT_EQ(s.reason, "fever 37.3 °C");
  EXPECT_EQ(s.checks.size(), 2u);  // the check is recorded with the escalation
  EXPECT_EQ(Do(s, ActionKind::kHospitalise, kT0 + 2 * kDay).code(), StatusCode::kInvalidArgument);  // no hospital
  ASSERT_TRUE(Do(s, {.kind = ActionKind::kHospitalise, .hospital = "地坛医院"}, kT0 + 2 * kDay + kHour).ok());
  EXPECT_EQ(s.status, State::kHospitalised);
  EXPECT_EQ(Check(s, kT0 + 3 * kDay, 36.5).code(), StatusCode::kConflict);
}

TEST_F(LifecycleTest, ASymptomOrAPositiveTestEscalatesToo) {
  QuarantineState a = CheckedIn();
  ASSERT_TRUE(Check(a, kT0 + kDay, 36.6, "咳嗽").ok());
  EXPECT_EQ(a.status, State::kEscalated);
  EXPECT_EQ(a.reason, "symptoms: 咳嗽");

  QuarantineState b = CheckedIn();
  ASSERT_TRUE(Test(b, kT0 + kDay, TestOutcome::kNegative, kT0 + kDay + 6 * kHour).ok());
  EXPECT_EQ(b.status, State::kCheckedIn);
  ASSERT_TRUE(Test(b, kT0 + 4 * kDay, TestOutcome::kPositive, kT0 + 4 * kDay + 6 * kHour).ok());
  EXPECT_EQ(b.status, State::kEscalated);
  EXPECT_NE(b.reason.find("positive"), std::string::npos);

  // Even a listed person not yet moved escalates on a positive.
  QuarantineState c = Listed(Tier::kSecondary, kT0);
  ASSERT_TRUE(Test(c, kT0, TestOutcome::kPositive, kT0 + kHour).ok());
  EXPECT_EQ(c.status, State::kEscalated);

  // An implausible temperature is refused, not recorded.
  QuarantineState d = CheckedIn();
  const Status st = Check(d, kT0 + kDay, 3.7);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(d.checks.empty());
}

TEST_F(LifecycleTest, ReleaseBeforeTheRulesAreMetIsRefusedWithEveryReasonThenAllowed) {
  QuarantineState s = CheckedIn();
  const Millis start = s.quarantine_start;
  // Day 10: days not served, tests of days 4, 7 and 14 missing, and only one check.
  ASSERT_TRUE(Test(s, start + kHour, TestOutcome::kNegative, start + 5 * kHour).ok());
  ASSERT_TRUE(Check(s, start + 9 * kDay, 36.8).ok());
  ReleaseVerdict v = ReleaseCheck(s, rules_, start + 9 * kDay + kHour);
  EXPECT_FALSE(v.allowed);
  ASSERT_EQ(v.reasons.size(), 5u);
  EXPECT_EQ(v.reasons[0], "9 of 14 days served; the quarantine ends " + FormatShanghai(s.quarantine_end));
  EXPECT_EQ(v.reasons[1], "no test for day 4");
  EXPECT_EQ(v.reasons[2], "no test for day 7");
  EXPECT_EQ(v.reasons[3], "no test for day 14");
  EXPECT_EQ(v.reasons[4], "1 health checks recorded; the last 3 must be clear");
  const Status refused = Do(s, {.kind = ActionKind::kRelease, .certificate = "JC-1"}, start + 9 * kDay + kHour);
  EXPECT_EQ(refused.code(), StatusCode::kConflict);
  EXPECT_NE(refused.message().find("release refused: 9 of 14 days served"), std::string::npos) << refused.message();
  EXPECT_EQ(s.status, State::kCheckedIn);

  // The tests taken (day 7's a day late still counts: before day 14), day 14's result pending.
  ASSERT_TRUE(Test(s, start + 3 * kDay + kHour, TestOutcome::kNegative, start + 3 * kDay + 6 * kHour).ok());
  ASSERT_TRUE(Test(s, start + 7 * kDay + kHour, TestOutcome::kNegative, start + 7 * kDay + 6 * kHour).ok());
  s.tests.push_back({start + 13 * kDay + kHour, TestOutcome::kPending});
  for (int d = 12; d <= 14; ++d) ASSERT_TRUE(Check(s, start + (d - 1) * kDay + 2 * kHour, 36.5).ok());
  v = ReleaseCheck(s, rules_, s.quarantine_end);
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_EQ(v.reasons[0], "day 14's test has no result");

  s.tests.back().outcome = TestOutcome::kNegative;
  v = ReleaseCheck(s, rules_, s.quarantine_end);
  EXPECT_TRUE(v.allowed) << (v.reasons.empty() ? "" : v.reasons[0]);
  // One minute early is still early.
  EXPECT_FALSE(ReleaseCheck(s, rules_, s.quarantine_end - kMin).allowed);
  ASSERT_TRUE(Do(s, {.kind = ActionKind::kRelease, .certificate = "JC-1"}, s.quarantine_end).ok());
  EXPECT_EQ(s.status, State::kReleased);
}

TEST_F(LifecycleTest, ATestBeforeItsScheduledDayDoesNotCount) {
  QuarantineState s = CheckedIn();
  const Millis start = s.quarantine_start;
  ServeCleanly(s);
  // Drop day 4's test; a second test on day 3 does not stand in for it.
  s.tests.erase(s.tests.begin() + 1);
  s.tests.push_back({start + 2 * kDay + kHour, TestOutcome::kNegative});
  const ReleaseVerdict v = ReleaseCheck(s, rules_, s.quarantine_end);
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_EQ(v.reasons[0], "no test for day 4");
}

TEST_F(LifecycleTest, OpenLoopReportNamesSomeoneStuckInEachStateLongestFirst) {
  const Millis now = kT0 + 30 * kDay;
  std::vector<OpenLoopEntry> entries = {
      // listed 5 h and 4.5 h (stuck, longest first), 3 h (not yet)
      {101, State::kListed, now - 5 * kHour},
      {102, State::kListed, now - 4 * kHour - 30 * kMin},
      {103, State::kListed, now - 3 * kHour},
      // assigned 7 h without a pickup
      {201, State::kAssigned, now - 7 * kHour},
      {202, State::kAssigned, now - 6 * kHour},  // exactly at the limit: not yet
      // pickup scheduled an hour and a half ago (limit: an hour past the time); one in the future
      {301, State::kPickupScheduled, now - 5 * kHour, now - 90 * kMin},
      {302, State::kPickupScheduled, now - 5 * kHour, now + kHour},
      // picked up 4 h ago without check-in
      {401, State::kPickedUp, now - 4 * kHour},
      // in quarantine past its end without release; another still inside it
      {501, State::kCheckedIn, now - 15 * kDay, 0, now - 2 * kHour},
      {502, State::kCheckedIn, now - 10 * kDay, 0, now + 4 * kDay},
      // escalated 3 h ago and not in hospital
      {601, State::kEscalated, now - 3 * kHour},
      // absconded a day and a half ago; refused an hour ago
      {801, State::kAbsconded, now - 36 * kHour},
      {901, State::kRefused, now - kHour},
      // final states are never stuck
      {1001, State::kReleased, now - 100 * kDay},
      {1002, State::kCancelled, now - 100 * kDay},
      {1003, State::kHospitalised, now - 100 * kDay},
  };
  const std::vector<Stuck> stuck = OpenLoopReport(entries, rules_, now);
  std::vector<int64_t> ids;
  for (const Stuck& s : stuck) ids.push_back(s.person_id);
  EXPECT_EQ(ids, (std::vector<int64_t>{101, 102, 201, 301, 401, 501, 601, 801}));
  EXPECT_EQ(stuck[0].status, State::kListed);
  EXPECT_EQ(stuck[0].late, kHour);
  EXPECT_EQ(stuck[3].status, State::kPickupScheduled);
  EXPECT_EQ(stuck[3].late, 30 * kMin);
  EXPECT_EQ(stuck[5].late, 2 * kHour);  // past the quarantine's end

  // The thresholds are the rules': with listed at 6 h nobody listed is stuck.
  QuarantineRules looser = *ParseQuarantineRules(R"({"open_loop_hours": {"listed": 6}})", rules_);
  EXPECT_EQ(OpenLoopReport(entries, looser, now).front().person_id, 201);
}

TEST_F(LifecycleTest, OpenLoopEntryComesFromTheState) {
  QuarantineState s = CheckedIn();
  const OpenLoopEntry e = EntryOf(42, s);
  EXPECT_EQ(e.person_id, 42);
  EXPECT_EQ(e.status, State::kCheckedIn);
  EXPECT_EQ(e.since, kT0 + 3 * kHour);
  EXPECT_EQ(e.quarantine_end, s.quarantine_end);
  EXPECT_TRUE(OpenLoopReport(std::span(&e, 1), rules_, s.quarantine_end).empty());
  EXPECT_EQ(OpenLoopReport(std::span(&e, 1), rules_, s.quarantine_end + kMin).size(), 1u);
}

TEST(StateNames, RoundTrip) {
  for (int i = 0; i < kStateCount; ++i) {
    State s;
    ASSERT_TRUE(ParseState(StateName(static_cast<State>(i)), &s));
    EXPECT_EQ(static_cast<int>(s), i);
  }
  for (int i = 0; i <= static_cast<int>(ActionKind::kCancel); ++i) {
    ActionKind k;
    ASSERT_TRUE(ParseAction(ActionName(static_cast<ActionKind>(i)), &k));
    EXPECT_EQ(static_cast<int>(k), i);
  }
  State s;
  EXPECT_FALSE(ParseState("quarantined", &s));
}

}  // namespace
}  // namespace tc::quarantine
