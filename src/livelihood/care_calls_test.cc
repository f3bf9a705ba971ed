#include "livelihood/care_calls.h"

#include <gtest/gtest.h>


#include "registry/residents.h"

namespace tc::livelihood {
namespace {

constexpr Millis kMin = 60'000, kHour = 60 * kMin, kDay = 24 * kHour;
constexpr Millis kApr1 = 1'648'742'400'000;  // 2022-04-01 00:00 in Shanghai

using registry::kBedridden;
using registry::kChronic;
using registry::kDisability;
using registry::kElderlyAlone;
using registry::kPregnant;
using registry::kSevereIllness;

// A community 220102001001 with compound -1, buildings -1-1 and -1-2, two units each.
// Grid G01 holds both buildings; its head is 100. Worker 201 is building -1-1's leader
// (楼栋长), worker 202 unit -1-1-2's leader (单元长), worker 203 covers the grid.
class CareCallsTest : public ::testing::Test {
 protected:
  const std::string c_ = "220102001001";
  std::vector<CareResident> residents_ = {
      {1, "独居甲", "13800000001", c_ + "-1-1-1", kElderlyAlone},
      {2, "重病乙", "13800000002", c_ + "-1-1-1", kSevereIllness | kElderlyAlone},
      {3, "孕妇丙", "13800000003", c_ + "-1-1-2", kPregnant},
      {4, "残疾丁", "13800000004", c_ + "-1-2-1", kDisability},
      {5, "慢病戊", "13800000005", c_ + "-1-2-1", kChronic},  // not on the roster by default
      {6, "卧床己", "13800000006", c_ + "-1-2-2", kBedridden},
      {7, "无网格", "13800000007", "220102001002-1-1-1", kElderlyAlone},
  };
  std::vector<CareGrid> grids_ = {{c_ + "-G01", 100, {c_ + "-1-1", c_ + "-1-2"}}};
  std::vector<CareWorker> workers_ = {{201, {c_ + "-1-1"}}, {202, {c_ + "-1-1-2"}}, {203, {c_ + "-G01"}}};
  CareRules rules_;

  static std::vector<int64_t> Ids(const std::vector<CallEntry>& v) {
    std::vector<int64_t> out;
    for (const CallEntry& e : v) out.push_back(e.resident_id);
    return out;
  }
};

TEST_F(CareCallsTest, TheRegistryTagsMapToTheRosterKinds) {
  const std::vector<RosterEntry> r = Roster(residents_, grids_, workers_, rules_);
  ASSERT_EQ(r.size(), 6u);  // the chronic-only resident is not on it
  EXPECT_EQ(r[1].resident->id, 2);
  ASSERT_EQ(r[1].kinds.size(), 2u);
  EXPECT_EQ(r[1].kinds[0], CareKind::kSevereIllness);  // priority order
  EXPECT_EQ(r[1].kinds[1], CareKind::kElderlyAlone);
  EXPECT_EQ(r[1].priority, 1);
  EXPECT_EQ(r[2].kinds, std::vector<CareKind>{CareKind::kPregnancy});
  EXPECT_EQ(r[3].kinds, std::vector<CareKind>{CareKind::kDisability});
  EXPECT_EQ(r[4].resident->id, 6);
  EXPECT_EQ(r[4].kinds, std::vector<CareKind>{CareKind::kSevereIllness});  // 卧床 counts as severe illness
  // Callers: unit leader over building leader over grid worker; no grid, no caller.
  EXPECT_EQ(r[0].caller, 201);
  EXPECT_EQ(r[2].caller, 202);
  EXPECT_EQ(r[3].caller, 203);
  EXPECT_EQ(r[3].grid_code, c_ + "-G01");
  EXPECT_EQ(r[3].grid_head, 100);
  EXPECT_EQ(r[5].caller, 0);
  EXPECT_EQ(r[5].grid_code, "");
}

TEST_F(CareCallsTest, TheGridsHeadCallsWhomNoWorkerCovers) {
  workers_.pop_back();  // no grid worker
  const std::vector<RosterEntry> r = Roster(residents_, grids_, workers_, rules_);
  EXPECT_EQ(r[3].caller, 100);
  EXPECT_EQ(r[4].caller, 100);
}

TEST_F(CareCallsTest, TheDaysCallListPerWorkerPutsSevereIllnessFirst) {
  const std::vector<Call> calls = {
      {.resident_id = 1, .worker_id = 201, .at = kApr1 - kDay + 9 * kHour, .outcome = CallOutcome::kReachedOk},
      {.resident_id = 1, .worker_id = 201, .at = kApr1 + 9 * kHour, .outcome = CallOutcome::kReachedOk},
      {.resident_id = 2, .worker_id = 201, .at = kApr1 - kDay + 10 * kHour, .outcome = CallOutcome::kNotReached},
      {.resident_id = 4,
       .worker_id = 203,
       .at = kApr1 + 2 * kDay,
       .outcome = CallOutcome::kReachedOk},  // after the day
  };
  const auto lists = CallLists(residents_, grids_, workers_, calls, rules_, kApr1);
  ASSERT_EQ(lists.size(), 4u);  // 201, 202, 203 and nobody (0)
  const std::vector<CallEntry>& w201 = lists.at(201);
  EXPECT_EQ(Ids(w201), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(w201[0].priority, 1);
  EXPECT_TRUE(w201[0].has_last_call);
  EXPECT_EQ(w201[0].last_call.outcome, CallOutcome::kNotReached);
  EXPECT_EQ(w201[0].misses_in_row, 1);
  EXPECT_FALSE(w201[0].called_today);
  EXPECT_TRUE(w201[1].called_today);
  EXPECT_EQ(w201[1].last_call.at, kApr1 + 9 * kHour);
  EXPECT_EQ(Ids(lists.at(202)), std::vector<int64_t>{3});
  // Grid worker 203: the bedridden (severe) before the disabled; the call after the day is not seen.
  const std::vector<CallEntry>& w203 = lists.at(203);
  EXPECT_EQ(Ids(w203), (std::vector<int64_t>{6, 4}));
  EXPECT_FALSE(w203[1].has_last_call);
  EXPECT_EQ(w203[1].name, "残疾丁");
  EXPECT_EQ(w203[1].phone, "13800000004");
  EXPECT_EQ(Ids(lists.at(0)), std::vector<int64_t>{7});
}

TEST_F(CareCallsTest, WithinAPriorityTheUncalledAndMostMissedComeFirst) {
  residents_ = {{11, "a", "", c_ + "-1-1-1", kElderlyAlone},
                {12, "b", "", c_ + "-1-1-1", kElderlyAlone},
                {13, "c", "", c_ + "-1-1-1", kElderlyAlone},
                {14, "d", "", c_ + "-1-1-1", kElderlyAlone}};
  const std::vector<Call> calls = {
      {.resident_id = 11, .worker_id = 201, .at = kApr1 + 8 * kHour, .outcome = CallOutcome::kReachedOk},
      {.resident_id = 12, .worker_id = 201, .at = kApr1 - 2 * kHour, .outcome = CallOutcome::kReachedOk},
      {.resident_id = 13, .worker_id = 201, .at = kApr1 - 3 * kHour, .outcome = CallOutcome::kNotReached},
  };
  // 11 was called today (last); 13 missed once; 14 never called (before 12, called later).
  EXPECT_EQ(Ids(CallLists(residents_, grids_, workers_, calls, rules_, kApr1).at(201)),
            (std::vector<int64_t>{13, 14, 12, 11}));
}

TEST_F(CareCallsTest, NeedsBecomeTasksDuePerKind) {
  const auto r =
      RecordCall({.resident_id = 2,
                  .worker_id = 201,
                  .outcome = CallOutcome::kReachedWithNeeds,
                  .needs = {{NeedKind::kMedicine, "胰岛素"}, {NeedKind::kFood, ""}, {NeedKind::kOther, "换煤气"}}},
                 rules_, kApr1 + 9 * kHour);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->call.at, kApr1 + 9 * kHour);
  ASSERT_EQ(r->tasks.size(), 3u);
  EXPECT_EQ(r->tasks[0].kind, NeedKind::kMedicine);
  EXPECT_EQ(r->tasks[0].note, "胰岛素");
  EXPECT_EQ(r->tasks[0].raised_by, 201);
  EXPECT_EQ(r->tasks[0].due_by, kApr1 + 33 * kHour);  // medicine: 24 h
  EXPECT_EQ(r->tasks[1].due_by, kApr1 + 21 * kHour);  // food: 12 h
  EXPECT_EQ(r->tasks[2].due_by, kApr1 + 57 * kHour);  // other: 48 h

  const auto ok = RecordCall({.resident_id = 2, .worker_id = 201}, rules_, kApr1);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->tasks.empty());
}

TEST_F(CareCallsTest, ACallIsRefusedNamingTheField) {
  const auto field = [&](const Call& c) { return RecordCall(c, rules_, kApr1).status().field_errors().at(0).field; };
  EXPECT_EQ(field({.worker_id = 1}), "resident_id");
  EXPECT_EQ(field({.resident_id = 1}), "worker_id");
  EXPECT_EQ(field({.resident_id = 1, .worker_id = 1, .outcome = CallOutcome::kReachedWithNeeds}), "needs");
  EXPECT_EQ(
      field({.resident_id = 1, .worker_id = 1, .outcome = CallOutcome::kNotReached, .needs = {{NeedKind::kFood, ""}}}),
      "needs");
  EXPECT_EQ(field({.resident_id = 1,
                   .worker_id = 1,
                   .outcome = CallOutcome::kReachedWithNeeds,
                   .needs = {{NeedKind::kFood, ""}, {NeedKind::kOther, ""}}}),
            "needs[1].note");
}

TEST_F(CareCallsTest, NotReachedTwiceInARowEscalatesToTheGridsHead) {
  std::vector<Call> calls = {
      {.resident_id = 4, .worker_id = 203, .at = kApr1 - kDay + 9 * kHour, .outcome = CallOutcome::kReachedOk},
      {.resident_id = 4, .worker_id = 203, .at = kApr1 + 8 * kHour, .outcome = CallOutcome::kNotReached},
  };
  // One miss at 09:00: nothing yet (and it was called today, so no deadline escalation for 4).
  auto esc = Escalations(residents_, grids_, workers_, calls, rules_, kApr1, kApr1 + 9 * kHour);
  EXPECT_TRUE(esc.empty());
  calls.push_back({.resident_id = 4, .worker_id = 203, .at = kApr1 + 10 * kHour, .outcome = CallOutcome::kNotReached});
  esc = Escalations(residents_, grids_, workers_, calls, rules_, kApr1, kApr1 + 11 * kHour);
  ASSERT_EQ(esc.size(), 1u);
  EXPECT_EQ(esc[0].resident_id, 4);
  EXPECT_EQ(esc[0].reason, EscalationReason::kMissedInRow);
  EXPECT_EQ(esc[0].misses, 2);
  EXPECT_EQ(esc[0].to, 100);
  EXPECT_EQ(esc[0].caller, 203);
  EXPECT_EQ(esc[0].grid_code, c_ + "-G01");
  // Reached at last: the escalation ends.
  calls.push_back({.resident_id = 4, .worker_id = 203, .at = kApr1 + 11 * kHour + kMin});
  EXPECT_TRUE(Escalations(residents_, grids_, workers_, calls, rules_, kApr1, kApr1 + 11 * kHour + 2 * kMin).empty());
  // A miss, a reach, a miss: not in a row.
  calls.push_back(
      {.resident_id = 4, .worker_id = 203, .at = kApr1 + 11 * kHour + 3 * kMin, .outcome = CallOutcome::kNotReached});
  EXPECT_TRUE(Escalations(residents_, grids_, workers_, calls, rules_, kApr1, kApr1 + 11 * kHour + 4 * kMin).empty());
}

TEST_F(CareCallsTest, NoCallByTheDeadlineEscalatesEveryoneUncalled) {
  std::vector<Call> calls;
  for (int64_t id : {1, 2, 3, 4}) {
    calls.push_back({.resident_id = id, .worker_id = 1, .at = kApr1 + 9 * kHour, .outcome = CallOutcome::kReachedOk});
  }
  // Before 12:00 nothing; at 12:00 the bedridden (6) and the one with no grid (7).
  EXPECT_TRUE(Escalations(residents_, grids_, workers_, calls, rules_, kApr1, kApr1 + 12 * kHour - 1).empty());
  const auto esc = Escalations(residents_, grids_, workers_, calls, rules_, kApr1, kApr1 + 12 * kHour);
  ASSERT_EQ(esc.size(), 2u);
  EXPECT_EQ(esc[0].resident_id, 6);  // severe first
  EXPECT_EQ(esc[0].reason, EscalationReason::kNoCallByDeadline);
  EXPECT_EQ(esc[0].to, 100);
  EXPECT_EQ(esc[1].resident_id, 7);
  EXPECT_EQ(esc[1].to, 0);  // no grid: the community decides
  // Yesterday's calls do not count for today.
  EXPECT_EQ(Escalations(residents_, grids_, workers_, calls, rules_, kApr1 + kDay, kApr1 + kDay + 13 * kHour).size(),
            6u);
}

TEST_F(CareCallsTest, RulesAreVersionedConfigWithFieldNamingErrors) {
  const auto r = ParseCareRules(
      R"({"tags": {"severe_illness": ["重病", "卧床", "慢性病"]}, "priority": {"pregnancy": 1},
          "misses_in_row": 3, "call_by_minutes": 600, "need_due_hours": {"food": 6}})",
      CareRules{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->tags[0], kSevereIllness | kBedridden | kChronic);  // a kind's tags are replaced, not added to
  EXPECT_EQ(r->priority[static_cast<int>(CareKind::kPregnancy)], 1);
  EXPECT_EQ(r->misses_in_row, 3);
  EXPECT_EQ(r->call_by_minutes, 600);
  EXPECT_EQ(r->need_due_hours[static_cast<int>(NeedKind::kFood)], 6);
  // With 慢性病 added, the chronic patient joins the roster.
  EXPECT_EQ(Roster(residents_, grids_, workers_, *r).size(), 7u);
  // The JSON round-trips.
  const auto again = ParseCareRules(CareRulesJson(*r), CareRules{});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->tags, r->tags);
  EXPECT_EQ(again->need_due_hours, r->need_due_hours);

  const auto field = [](std::string_view json) {
    const auto x = ParseCareRules(json, CareRules{});
    return x.ok() ? std::string("ok") : x.status().field_errors().at(0).field;
  };
  EXPECT_EQ(field(R"({"tags": {"lonely": ["独居老人"]}})"), "tags.lonely");
  EXPECT_EQ(field(R"({"tags": {"elderly_alone": ["独居"]}})"), "tags.elderly_alone");
  EXPECT_EQ(field(R"({"misses_in_row": 0})"), "misses_in_row");
  EXPECT_EQ(field(R"({"call_by_minutes": 1440})"), "call_by_minutes");
  EXPECT_EQ(field(R"({"need_due_hours": {"water": 5}})"), "need_due_hours.water");
  EXPECT_EQ(field(R"({"calls_per_day": 2})"), "calls_per_day");
}

// 20,000 grids of 3 buildings and 40,000 workers: each resident gets their own grid's
// head and most specific cover. (The roster once scanned every grid and worker per
// resident and never finished for the city; it looks covers up by code now, and its
// speed is measured by make bench-quarantine, not here.)
TEST(CareRoster, RosterOfManyGridsGivesEachResidentTheirOwnGridsCallers) {
  std::vector<CareResident> residents;
  std::vector<CareGrid> grids;
  std::vector<CareWorker> workers;
  for (int g = 0; g < 20'000; ++g) {
    const std::string compound = "2201020" + std::to_string(10'000 + g);
    grids.push_back({compound + "-G01", 1'000'000 + g, {compound + "-1-1", compound + "-1-2", compound + "-1-3"}});
    workers.push_back({2'000'000 + g, {compound + "-1-1"}});          // 楼栋长 of building 1
    workers.push_back({3'000'000 + g, {compound + "-1-2-1"}});        // 单元长 of building 2's unit 1
    residents.push_back({g, "甲", "138", compound + "-1-" + std::to_string(1 + g % 3) + "-1", kElderlyAlone});
  }
  const std::vector<RosterEntry> r = Roster(residents, grids, workers, CareRules{});
  ASSERT_EQ(r.size(), residents.size());
  for (int g = 0; g < 20'000; ++g) {
    EXPECT_EQ(r[g].grid_head, 1'000'000 + g);
    const int64_t caller = g % 3 == 0 ? 2'000'000 + g : g % 3 == 1 ? 3'000'000 + g : 1'000'000 + g;
    ASSERT_EQ(r[g].caller, caller) << "resident " << g;
  }
}

// Among covers of equal specificity the first worker given calls, and a cover of the
// grid's own code (2) loses to a building's (5) but beats the community's (1).
TEST(CareRoster, TheMostSpecificCoverCallsAndTheFirstAmongEquals) {
  const std::string c = "220102001001";
  const std::vector<CareResident> residents = {{1, "甲", "1", c + "-1-1-1", kElderlyAlone},
                                               {2, "乙", "2", c + "-1-2-1", kElderlyAlone}};
  const std::vector<CareGrid> grids = {{c + "-G09", 0, {}}, {c + "-G01", 100, {c + "-1-1", c + "-1-2"}},
                                       {c + "-G02", 200, {c + "-1-1"}}};
  const std::vector<CareWorker> workers = {
      {301, {c}}, {302, {c + "-G01"}}, {303, {c + "-1-1"}}, {304, {c + "-1-1"}}, {305, {c + "-G01"}}};
  const std::vector<RosterEntry> r = Roster(residents, grids, workers, CareRules{});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].grid_code, c + "-G01");  // the first grid holding the building
  EXPECT_EQ(r[0].caller, 303);            // the building's first leader
  EXPECT_EQ(r[1].grid_code, c + "-G01");
  EXPECT_EQ(r[1].caller, 302);            // the grid's first cover, over the community's
}

}  // namespace
}  // namespace tc::livelihood
