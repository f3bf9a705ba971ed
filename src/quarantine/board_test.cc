#include "quarantine/board.h"

#include <gtest/gtest.h>

namespace tc::quarantine {
namespace {

constexpr Millis kHour = kHourMs, kDay = kDayMs;
constexpr Millis kDayStart = 1'780'012'800'000;  // a midnight in Shanghai (16:00 UTC)

BoardEntry CheckedIn(int64_t person, int64_t site, Tier tier, Millis start, uint32_t tests_done, Millis last_check) {
  const QuarantineRules rules;
  return {.person_id = person,
          .site_id = site,
          .since = start,
          .quarantine_start = start,
          .quarantine_end = start + rules.For(tier).days * kDay,
          .last_check_at = last_check,
          .tests_done = tests_done,
          .status = State::kCheckedIn,
          .tier = tier};
}

TEST(CheckList, NamesWhoOwesTheCheckAndWhichTestIsDueToday) {
  const QuarantineRules rules;  // close: days 1, 4, 7, 14; secondary: 1, 4, 7
  const std::vector<BoardEntry> board = {
      // Day 4 begins at 05:00 today; day 1's test taken, no check yet today.
      CheckedIn(1, 9, Tier::kClose, kDayStart - 3 * kDay + 5 * kHour, 0b1, kDayStart - 2 * kHour),
      // Checked today, day 1's test taken, day 4's window opens the day after tomorrow: nothing owed.
      CheckedIn(2, 9, Tier::kClose, kDayStart - kDay, 0b1, kDayStart + kHour),
      // Checked today but day 1's test missed, its window still open: the test.
      CheckedIn(3, 7, Tier::kClose, kDayStart - kDay, 0, kDayStart + kHour),
      // Assigned, not yet checked in: not on the list.
      {.person_id = 4, .site_id = 7, .since = kDayStart - kHour, .status = State::kAssigned},
      // Checked in at 10:00 today: day 1, the check and day 1's test.
      CheckedIn(5, 7, Tier::kClose, kDayStart + 10 * kHour, 0, 0),
      // Checks in only tomorrow (a clock skew in the data): not today.
      CheckedIn(6, 7, Tier::kClose, kDayStart + kDay + kHour, 0, 0),
      // Home quarantine, secondary, day 7 from 01:00 today; days 1 and 4 taken.
      CheckedIn(7, 0, Tier::kSecondary, kDayStart - 6 * kDay + kHour, 0b11, kDayStart - kDay),
      // Released: never listed.
      {.person_id = 8, .site_id = 7, .since = kDayStart - kDay, .status = State::kReleased},
  };
  const std::vector<CheckDue> list = CheckList(board, rules, kDayStart);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].person_id, 7);  // site 0 (home) first
  EXPECT_EQ(list[0].site_id, 0);
  EXPECT_EQ(list[0].day, 7);
  EXPECT_TRUE(list[0].owes_check);
  EXPECT_EQ(list[0].test_day, 7);
  EXPECT_EQ(list[1].person_id, 3);  // site 7, by person id
  EXPECT_EQ(list[1].day, 2);
  EXPECT_FALSE(list[1].owes_check);
  EXPECT_EQ(list[1].test_day, 1);
  EXPECT_EQ(list[2].person_id, 5);
  EXPECT_EQ(list[2].day, 1);
  EXPECT_TRUE(list[2].owes_check);
  EXPECT_EQ(list[2].test_day, 1);
  EXPECT_EQ(list[3].person_id, 1);  // site 9
  EXPECT_EQ(list[3].day, 4);
  EXPECT_TRUE(list[3].owes_check);
  EXPECT_EQ(list[3].test_day, 4);
}

TEST(BoardEntryOf, MatchesTestsToTheScheduleWindows) {
  const QuarantineRules rules;
  const Millis t0 = kDayStart - 10 * kDay;
  QuarantineState s = Listed(Tier::kClose, t0);
  ASSERT_TRUE(Apply(s, {.kind = ActionKind::kAssign, .home = true}, rules, t0 + kHour).ok());
  ASSERT_TRUE(Apply(s, {.kind = ActionKind::kCheckIn}, rules, t0 + 2 * kHour).ok());
  const Millis start = s.quarantine_start;
  // Day 1's test, then one on day 5 (day 4's window: days 4–6); none for day 7.
  ASSERT_TRUE(Apply(s, {.kind = ActionKind::kTestResult, .test = {start + kHour, TestOutcome::kNegative}}, rules,
                    start + 2 * kHour)
                  .ok());
  ASSERT_TRUE(Apply(s, {.kind = ActionKind::kTestResult, .test = {start + 4 * kDay, TestOutcome::kNegative}}, rules,
                    start + 4 * kDay)
                  .ok());
  ASSERT_TRUE(Apply(s, {.kind = ActionKind::kHealthCheck, .check = {start + 5 * kDay, 36.5, ""}}, rules,
                    start + 5 * kDay)
                  .ok());
  const BoardEntry e = BoardEntryOf(42, s, rules);
  EXPECT_EQ(e.person_id, 42);
  EXPECT_EQ(e.status, State::kCheckedIn);
  EXPECT_EQ(e.site_id, 0);
  EXPECT_EQ(e.quarantine_start, start);
  EXPECT_EQ(e.quarantine_end, start + 14 * kDay);
  EXPECT_EQ(e.last_check_at, start + 5 * kDay);
  EXPECT_EQ(e.tests_done, 0b11u);
  // Day 7's test is owed once its window opens.
  const std::vector<CheckDue> list = CheckList(std::vector<BoardEntry>{e}, rules, start + 6 * kDay);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].test_day, 7);
}

TEST(OpenLoop, NamesEveryoneStuckByStateThenLateness) {
  const QuarantineRules rules;  // listed 4 h, pickup_scheduled 1 h after the pickup time, checked_in at the end
  const Millis now = kDayStart + 12 * kHour;
  const std::vector<BoardEntry> board = {
      {.person_id = 1, .since = now - 5 * kHour, .status = State::kListed},  // 1 h late
      {.person_id = 2, .since = now - 3 * kHour, .status = State::kListed},  // within the limit
      {.person_id = 3, .since = now - 9 * kHour, .status = State::kListed},  // 5 h late
      {.person_id = 4, .since = now - 30 * kDay, .status = State::kReleased},
      {.person_id = 5, .since = now - 5 * kHour, .pickup_at = now - 2 * kHour, .status = State::kPickupScheduled},
      CheckedIn(6, 7, Tier::kSecondary, now - 7 * kDay - kHour, 0b111, now - kHour),  // ended an hour ago
      CheckedIn(7, 7, Tier::kClose, now - 7 * kDay, 0b111, now - kHour),              // day 8 of 14
  };
  const std::vector<Stuck> stuck = OpenLoop(board, rules, now);
  ASSERT_EQ(stuck.size(), 4u);
  EXPECT_EQ(stuck[0].person_id, 3);
  EXPECT_EQ(stuck[0].late, 5 * kHour);
  EXPECT_EQ(stuck[1].person_id, 1);
  EXPECT_EQ(stuck[2].person_id, 5);
  EXPECT_EQ(stuck[2].status, State::kPickupScheduled);
  EXPECT_EQ(stuck[2].late, kHour);
  EXPECT_EQ(stuck[3].person_id, 6);
  EXPECT_EQ(stuck[3].late, kHour);
}

}  // namespace
}  // namespace tc::quarantine
