#include "livelihood/care_calls.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

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

// The call lists as the header defines them, written the slow and obvious way (every
// grid and worker scanned per resident, the calls per resident in a map): the flat fast
// path must give the same lists, line by line.
std::map<int64_t, std::vector<CallEntry>> NaiveCallLists(const std::vector<CareResident>& residents,
                                                         const std::vector<CareGrid>& grids,
                                                         const std::vector<CareWorker>& workers,
                                                         const std::vector<Call>& calls, const CareRules& rules,
                                                         Millis day_start) {
  const auto covers = [](const std::string& area, const std::string& unit) {
    return unit == area || (unit.size() > area.size() && unit.starts_with(area) && unit[area.size()] == '-');
  };
  std::map<int64_t, std::vector<const Call*>> by;
  for (const Call& c : calls) {
    if (c.at < day_start + kDay) by[c.resident_id].push_back(&c);
  }
  for (auto& [id, v] : by) std::stable_sort(v.begin(), v.end(), [](auto a, auto b) { return a->at < b->at; });
  std::map<int64_t, std::vector<CallEntry>> lists;
  for (const CareResident& r : residents) {
    CallEntry e{.resident_id = r.id, .name = r.name, .phone = r.phone};
    std::vector<std::pair<int, CareKind>> kinds;
    for (int k = 0; k < kCareKindCount; ++k) {
      if (r.tags & rules.tags[k]) kinds.push_back({rules.priority[k], static_cast<CareKind>(k)});
    }
    if (kinds.empty()) continue;
    std::stable_sort(kinds.begin(), kinds.end(), [](auto a, auto b) { return a.first < b.first; });
    for (auto [p, k] : kinds) e.kinds.push_back(k);
    e.priority = kinds[0].first;
    int64_t head = 0;
    for (const CareGrid& g : grids) {
      if (std::any_of(g.building_codes.begin(), g.building_codes.end(),
                      [&](const std::string& b) { return !b.empty() && covers(b, r.unit_code); })) {
        e.grid_code = g.code, head = g.head_id;
        break;
      }
    }
    int best = 0;
    int64_t caller = 0;
    for (const CareWorker& w : workers) {
      for (const std::string& a : w.area_codes) {
        if (a.empty()) continue;
        int s = 0;
        if (!e.grid_code.empty() && a == e.grid_code) {
          s = 2;
        } else if (covers(a, r.unit_code)) {
          s = 1 + 2 * static_cast<int>(std::count(a.begin(), a.end(), '-'));
        }
        if (s > best) best = s, caller = w.id;
      }
    }
    if (caller == 0) caller = head;
    if (auto it = by.find(r.id); it != by.end()) {
      e.has_last_call = true;
      e.last_call = *it->second.back();
      e.called_today = e.last_call.at >= day_start;
      for (auto c = it->second.rbegin(); c != it->second.rend() && (*c)->outcome == CallOutcome::kNotReached; ++c) {
        ++e.misses_in_row;
      }
    }
    lists[caller].push_back(std::move(e));
  }
  for (auto& [c, l] : lists) {
    std::sort(l.begin(), l.end(), [](const CallEntry& a, const CallEntry& b) {
      const auto key = [](const CallEntry& x) {
        return std::make_tuple(x.priority, x.called_today, -x.misses_in_row, x.has_last_call ? x.last_call.at : -1,
                               x.resident_id);
      };
      return key(a) < key(b);
    });
  }
  return lists;
}

// Three communities of compounds, buildings and units; grids sharing buildings, workers
// covering every level (several the same area), a worker who is also a grid's head,
// residents out of id order and of units met again later, calls several a person with
// ties in time and some after the day.
TEST(CareRoster, FlatCallListsEqualTheNaiveDefinitionOnARandomCity) {
  std::mt19937_64 rng(20);
  const auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  std::vector<std::string> units, buildings, areas;
  for (int c = 1; c <= 3; ++c) {
    const std::string com = "22010200100" + std::to_string(c);
    areas.push_back(com);
    for (int p = 1; p <= 3; ++p) {
      areas.push_back(com + "-" + std::to_string(p));
      for (int b = 1; b <= 3; ++b) {
        buildings.push_back(com + "-" + std::to_string(p) + "-" + std::to_string(b));
        areas.push_back(buildings.back());
        for (int u = 1; u <= 2; ++u) units.push_back(buildings.back() + "-" + std::to_string(u));
      }
    }
  }
  areas.insert(areas.end(), units.begin(), units.end());
  std::vector<CareGrid> grids;
  for (int g = 0; g < 12; ++g) {
    CareGrid grid{.code = buildings[g * 2].substr(0, 12) + "-G" + std::to_string(10 + g), .head_id = g % 4 ? 500 + g : 0};
    for (int i = 0; i < 3; ++i) grid.building_codes.push_back(buildings[pick(buildings.size())]);
    grids.push_back(grid);
    areas.push_back(grid.code);
  }
  std::vector<CareWorker> workers;
  for (int w = 0; w < 40; ++w) workers.push_back({w == 7 ? 503 : 600 + w, {areas[pick(areas.size())]}});
  std::vector<CareResident> residents;
  for (int i = 0; i < 400; ++i) {
    residents.push_back({1000 + pick(5000), "r" + std::to_string(i), std::to_string(i), units[pick(units.size())],
                         static_cast<int64_t>(rng() % 64)});
  }
  std::sort(residents.begin(), residents.end(), [](auto& a, auto& b) { return a.id < b.id; });
  residents.erase(std::unique(residents.begin(), residents.end(), [](auto& a, auto& b) { return a.id == b.id; }),
                  residents.end());
  std::shuffle(residents.begin(), residents.end(), rng);
  std::vector<Call> calls;
  for (int i = 0; i < 900; ++i) {
    calls.push_back({.resident_id = residents[pick(residents.size())].id + (i % 50 == 0 ? 7919 : 0),
                     .worker_id = 1,
                     .at = kApr1 + (pick(5) - 3) * kDay + pick(4) * kHour,
                     .outcome = static_cast<CallOutcome>(pick(3))});
  }
  const CareRules rules;
  // As given (calls in no order: found through a table by id), then residents by id and
  // calls by resident (the walk of both at once).
  const auto check = [&] {
    const auto want = NaiveCallLists(residents, grids, workers, calls, rules, kApr1);
    const auto got = CallLists(residents, grids, workers, calls, rules, kApr1);
    ASSERT_EQ(got.size(), want.size());
    size_t lines = 0, with_calls = 0;
    for (const auto& [caller, list] : want) {
      ASSERT_TRUE(got.contains(caller)) << "caller " << caller;
      const auto& g = got.at(caller);
      ASSERT_EQ(g.size(), list.size()) << "caller " << caller;
      for (size_t i = 0; i < list.size(); ++i) {
        SCOPED_TRACE("caller " + std::to_string(caller) + " line " + std::to_string(i));
        EXPECT_EQ(g[i].resident_id, list[i].resident_id);
        EXPECT_EQ(g[i].name, list[i].name);
        EXPECT_EQ(g[i].kinds, list[i].kinds);
        EXPECT_EQ(g[i].priority, list[i].priority);
        EXPECT_EQ(g[i].grid_code, list[i].grid_code);
        EXPECT_EQ(g[i].has_last_call, list[i].has_last_call);
        EXPECT_EQ(g[i].last_call.at, list[i].last_call.at);
        EXPECT_EQ(g[i].last_call.outcome, list[i].last_call.outcome);
        EXPECT_EQ(g[i].called_today, list[i].called_today);
        EXPECT_EQ(g[i].misses_in_row, list[i].misses_in_row);
        ++lines, with_calls += list[i].has_last_call;
      }
    }
    EXPECT_GT(lines, 200u);  // the case is not empty
    EXPECT_GT(with_calls, 100u);
    // The flat set holds the same lines.
    const CallListSet flat = FlatCallLists(residents, grids, workers, calls, rules, kApr1);
    EXPECT_EQ(flat.size(), lines);
    for (const auto& [caller, list] : want) {
      const CallListSet::List* l = flat.Find(caller);
      ASSERT_NE(l, nullptr) << "caller " << caller;
      EXPECT_EQ(l->end - l->begin, list.size());
    }
    EXPECT_EQ(flat.Find(-1), nullptr);
  };
  {
    SCOPED_TRACE("as given");
    check();
  }
  std::sort(residents.begin(), residents.end(), [](auto& a, auto& b) { return a.id < b.id; });
  std::stable_sort(calls.begin(), calls.end(), [](auto& a, auto& b) { return a.resident_id < b.resident_id; });
  {
    SCOPED_TRACE("by resident id");
    check();
  }
}

}  // namespace
}  // namespace tc::livelihood
