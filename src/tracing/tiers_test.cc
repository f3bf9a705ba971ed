// Exposure scores and tiers: the score's terms on crafted timelines, tier thresholds
// at their edges, the rule set's bad input, and the engine's scored ring against a
// brute force over every pair of visits (with its queues spilling and both threads
// settling).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "tracing/fakes_testing.h"
#include "tracing/queries.h"
#include "tracing/score.h"
#include "tracing/tiers.h"

namespace tc::tracing {
namespace {

constexpr Minute kT0 = 27'000'000;  // 2021-05-05 00:00 UTC = 08:00 Shanghai
constexpr uint8_t kMarket = 0, kRestaurant = 2, kOffice = 4;

using fakes::MapHouseholds;

struct Fixture {
  Index index;
  std::vector<VenueTrait> venues;
  explicit Fixture(const std::vector<Visit>& visits, std::vector<VenueTrait> v = {}) : venues(std::move(v)) {
    for (const Visit& x : visits) index.Add(x);
    index.Seal();
  }
  TierResult Run(std::vector<CaseWindow> cases, const TierRules& rules = {}, const HouseholdSource* h = nullptr,
                 bool secondary = true) {
    TierQuery q;
    q.cases = std::move(cases);
    q.tiers = rules;
    q.venues = venues;
    q.households = h;
    q.secondary = secondary;
    return FindTiers(index, q);
  }
};

const ScoredExposure* Find(const BigVector<ScoredExposure>& tier, uint32_t person) {
  for (const auto& e : tier) {
    if (e.person == person) return &e;
  }
  return nullptr;
}
const ScoredExposure* FindAny(const TierResult& r, uint32_t person) {
  for (const auto* t : {&r.close, &r.secondary, &r.exposed}) {
    if (const auto* e = Find(*t, person)) return e;
  }
  return nullptr;
}

TEST(Score, SharedMinutesAtTheEdges) {
  // Leave times on both: the overlap; touching exactly counts a minute.
  EXPECT_EQ(SharedMinutes({1, 1, 100, 160}, {2, 1, 130, 200}, 40), 30);
  EXPECT_EQ(SharedMinutes({1, 1, 100, 160}, {2, 1, 160, 200}, 40), 1);
  EXPECT_EQ(SharedMinutes({1, 1, 100, 160}, {2, 1, 110, 120}, 40), 10);  // inside
  // No leave time: the kind's typical stay stands in for it.
  EXPECT_EQ(SharedMinutes({1, 1, 100, 0}, {2, 1, 120, 0}, 40), 20);
  EXPECT_EQ(SharedMinutes({1, 1, 100, 0}, {2, 1, 100, 0}, 40), 40);
  EXPECT_EQ(SharedMinutes({1, 1, 100, 0}, {2, 1, 90, 300}, 40), 40);
  // Within the margin but apart by the estimate: still a minute (the rule found them).
  EXPECT_EQ(SharedMinutes({1, 1, 100, 0}, {2, 1, 150, 0}, 40), 1);
}

TEST(Score, HazardGrowsWithMinutesKindAndCrowding) {
  const ScoreWeights w = DefaultScoreWeights();
  EXPECT_LT(PairHazard(15, kMarket, 1, 1, w), PairHazard(60, kMarket, 1, 1, w));
  EXPECT_LT(PairHazard(60, kMarket, 1, 1, w), PairHazard(60, kRestaurant, 1, 1, w));
  EXPECT_LT(PairHazard(60, kMarket, static_cast<float>(CrowdFactor(10, 500, w)), 1, w),
            PairHazard(60, kMarket, static_cast<float>(CrowdFactor(900, 500, w)), 1, w));
  EXPECT_GT(PairHazard(60, kMarket, 1, 1, w), PairHazard(60, kMarket, 1, 0.5f, w));
  EXPECT_EQ(CrowdFactor(10, 0, w), 1);                             // capacity unknown: no crowding
  EXPECT_EQ(CrowdFactor(100'000, 10, w), CrowdFactor(30, 10, w));  // capped at 3× capacity
  EXPECT_NEAR(RiskOf(ToHazard(0.15)), 0.15, 1e-6);
  EXPECT_EQ(AddHazard(kMaxHazard - 1, 5), kMaxHazard);
}

// A timeline: case 1 at a restaurant and the office; 2 shares 20 minutes at the
// restaurant; 3 works beside the case on three days; 4 met the case twice at the
// restaurant; 5 lives with the case.
TEST(Tiers, CraftedTimelineScoresAndExplains) {
  const Minute d = 24 * 60;
  std::vector<Visit> v = {
      {1, 1, kT0 + 240, 0},  // restaurant, 12:00 Shanghai, no leave time
      {2, 1, kT0 + 260, 0},  // 20 minutes with the case (typical stay 50)
      {4, 1, kT0 + 250, 0},
      {1, 1, kT0 + d + 240, 0},
      {4, 1, kT0 + d + 245, 0},  // met again the next day
  };
  for (int day = 0; day < 3; ++day) {
    v.push_back({1, 2, kT0 + day * d + 60, kT0 + day * d + 540});  // office 09:00–17:00
    v.push_back({3, 2, kT0 + day * d + 70, kT0 + day * d + 530});
  }
  Fixture f(v, {{}, {kRestaurant, 100}, {kOffice, 200}});
  const MapHouseholds homes({{1, 9}, {5, 9}});
  const TierResult r = f.Run({{1, kT0, kT0 + 4 * d}}, {}, &homes);
  EXPECT_EQ(r.ring, 4);  // 2, 3, 4 and the household member 5
  const ScoredExposure* colleague = Find(r.close, 3);
  ASSERT_NE(colleague, nullptr) << "three shared office days make a close contact";
  EXPECT_EQ(colleague->visits, 3);
  EXPECT_EQ(colleague->days, 3);
  EXPECT_EQ(colleague->minutes, 3 * 460);
  EXPECT_EQ(colleague->venue, 2u);
  EXPECT_EQ(colleague->source, 1u);
  ASSERT_NE(Find(r.close, 5), nullptr);
  EXPECT_TRUE(Find(r.close, 5)->household);
  const ScoredExposure* brief = Find(r.exposed, 2);
  ASSERT_NE(brief, nullptr) << "20 minutes at a restaurant stays below the close threshold";
  EXPECT_EQ(brief->minutes, 30);  // 12:00–12:50 against 12:20–13:10, by the typical stay
  EXPECT_EQ(brief->visits, 1);
  // Met twice scores higher than met once for about as long.
  const ScoredExposure* twice = FindAny(r, 4);
  ASSERT_NE(twice, nullptr);
  EXPECT_EQ(twice->visits, 2);
  EXPECT_EQ(twice->days, 2);
  EXPECT_GT(twice->hazard, brief->hazard);
  EXPECT_GT(colleague->hazard, twice->hazard);
}

TEST(Tiers, CrowdingRaisesTheScoreOfTheSameEncounter) {
  // The same 20 minutes at two markets of capacity 50: one quiet, one with 200
  // arrivals in the hour around the case's.
  std::vector<Visit> v = {{1, 1, kT0 + 100, 0}, {2, 1, kT0 + 120, 0}, {1, 2, kT0 + 400, 0}, {3, 2, kT0 + 420, 0}};
  for (uint32_t p = 100; p < 300; ++p) v.push_back({p, 2, kT0 + 380 + (p % 41), 0});
  Fixture f(v, {{}, {kMarket, 50}, {kMarket, 50}});
  TierRules no_dilution;  // crowding alone (a big group would dilute each pair: ABigGroupDilutesEachPair)
  no_dilution.weights.group[kMarket] = 100'000;
  const TierResult r = f.Run({{1, kT0, kT0 + 1000}}, no_dilution);
  const ScoredExposure* quiet = FindAny(r, 2);
  const ScoredExposure* crowded = FindAny(r, 3);
  ASSERT_NE(quiet, nullptr);
  ASSERT_NE(crowded, nullptr);
  EXPECT_EQ(quiet->minutes, crowded->minutes);
  EXPECT_GT(crowded->hazard, quiet->hazard);
  EXPECT_TRUE(crowded->crowded);
  EXPECT_FALSE(quiet->crowded);
}

TEST(Tiers, ABigGroupDilutesEachPair) {
  // The same 8 hours beside the case: in an office of 10, and in a school of 400.
  std::vector<Visit> v = {{1, 1, kT0 + 60, kT0 + 540}, {1, 2, kT0 + 1500, kT0 + 1980}};
  for (uint32_t p = 100; p < 110; ++p) v.push_back({p, 1, kT0 + 60, kT0 + 540});
  for (uint32_t p = 200; p < 600; ++p) v.push_back({p, 2, kT0 + 1500, kT0 + 1980});
  Fixture f(v, {{}, {kOffice, 0}, {6, 0}});
  const TierResult r = f.Run({{1, kT0, kT0 + 3000}});
  const ScoredExposure* colleague = FindAny(r, 100);
  const ScoredExposure* pupil = FindAny(r, 200);
  ASSERT_NE(colleague, nullptr);
  ASSERT_NE(pupil, nullptr);
  EXPECT_EQ(colleague->minutes, pupil->minutes);
  EXPECT_NEAR(static_cast<double>(pupil->hazard) / colleague->hazard, 40.0 / 400, 0.01);
}

TEST(Tiers, SeveralCasesMetAddUp) {
  // 3 meets case 1 at 10:00 and case 2 at 15:00; 4 meets only case 1, as long.
  std::vector<Visit> v = {{1, 1, kT0 + 100, 0}, {3, 1, kT0 + 110, 0}, {4, 1, kT0 + 110, 0},
                          {2, 1, kT0 + 400, 0}, {3, 1, kT0 + 410, 0}};
  Fixture f(v, {{}, {kRestaurant, 0}});
  const TierResult r = f.Run({{1, kT0, kT0 + 1000}, {2, kT0, kT0 + 1000}});
  const ScoredExposure* both = FindAny(r, 3);
  const ScoredExposure* one = FindAny(r, 4);
  ASSERT_NE(both, nullptr);
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(both->cases, 2);
  EXPECT_EQ(one->cases, 1);
  EXPECT_GT(both->hazard, one->hazard);
}

TEST(Tiers, ThresholdEdges) {
  std::vector<Visit> v = {{1, 1, kT0 + 100, kT0 + 400}, {2, 1, kT0 + 100, kT0 + 400}};
  Fixture f(v, {{}, {kOffice, 0}});
  const TierResult probe = f.Run({{1, kT0, kT0 + 1000}});
  const ScoredExposure* e = FindAny(probe, 2);
  ASSERT_NE(e, nullptr);
  const double risk = e->risk();
  // A threshold at the score's own risk makes it close; the next representable risk above does not.
  TierRules at;
  at.close_threshold = risk;
  EXPECT_NE(Find(f.Run({{1, kT0, kT0 + 1000}}, at).close, 2), nullptr);
  TierRules above;
  above.close_threshold = RiskOf(uint64_t{e->hazard} + 1);
  const TierResult r = f.Run({{1, kT0, kT0 + 1000}}, above);
  EXPECT_EQ(Find(r.close, 2), nullptr);
  EXPECT_NE(Find(r.exposed, 2), nullptr);
}

TEST(Tiers, SecondaryComesFromTheCloseTierOnly) {
  const Minute d = 24 * 60;
  std::vector<Visit> v = {
      {1, 1, kT0 + 60, kT0 + 540},  {2, 1, kT0 + 60, kT0 + 540},  // 2: a day at the office with the case
      {1, 1, kT0 + d + 60, kT0 + d + 540}, {2, 1, kT0 + d + 60, kT0 + d + 540},
      {3, 2, kT0 + 600, 0},         {1, 2, kT0 + 610, 0},          // 3: brief, exposed
      {2, 3, kT0 + 2 * d + 60, kT0 + 2 * d + 540}, {4, 3, kT0 + 2 * d + 60, kT0 + 2 * d + 540},  // 4: long with 2
      {2, 3, kT0 + 3 * d + 60, kT0 + 3 * d + 540}, {4, 3, kT0 + 3 * d + 60, kT0 + 3 * d + 540},
      {3, 4, kT0 + 2 * d + 60, kT0 + 2 * d + 540}, {5, 4, kT0 + 2 * d + 60, kT0 + 2 * d + 540},  // 5: long with 3
      {3, 4, kT0 + 3 * d + 60, kT0 + 3 * d + 540}, {5, 4, kT0 + 3 * d + 60, kT0 + 3 * d + 540},
      {6, 2, kT0 + 605, 0},  // 6: brief with the case (on the ring), then long with 2: secondary
      {6, 3, kT0 + 2 * d + 60, kT0 + 2 * d + 540}, {6, 3, kT0 + 3 * d + 60, kT0 + 3 * d + 540},
  };
  Fixture f(v, {{}, {kOffice, 0}, {kMarket, 0}, {kOffice, 0}, {kOffice, 0}});
  const TierResult r = f.Run({{1, kT0, kT0 + 4 * d}});
  EXPECT_NE(Find(r.close, 2), nullptr);
  EXPECT_NE(Find(r.exposed, 3), nullptr);
  EXPECT_NE(Find(r.secondary, 4), nullptr);
  EXPECT_EQ(FindAny(r, 5), nullptr) << "a contact of an exposed person is not traced further";
  EXPECT_EQ(Find(r.secondary, 4)->source, 2u);
  EXPECT_NE(Find(r.secondary, 6), nullptr) << "the stronger tier wins";
  EXPECT_EQ(Find(r.exposed, 6), nullptr);
  ASSERT_NE(Find(r.ring_in_secondary, 6), nullptr) << "its score against the case is kept";
  EXPECT_EQ(Find(r.ring_in_secondary, 6)->source, 1u);
  EXPECT_EQ(r.ring, static_cast<int64_t>(r.close.size() + r.exposed.size() + r.ring_in_secondary.size()));
}

TEST(TierRules, DefaultsRoundTripAndVersionsAreKept) {
  const TierRules d;
  auto back = ParseTierRules(TierRulesJson(d), TierRules{});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(TierRulesJson(*back), TierRulesJson(d));
  auto changed = ParseTierRules(R"({"tiers":{"close":{"threshold":0.1},"exposed":{"test_days":[1,2,5]}},
                                    "weights":{"per_hour":{"restaurant":0.02},"stay_minutes":{"mall":90}}})",
                                d);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(changed->close_threshold, 0.1);
  EXPECT_EQ(changed->secondary_threshold, d.secondary_threshold);  // untouched
  EXPECT_EQ(changed->weights.per_hour[kRestaurant], 0.02);
  EXPECT_EQ(changed->weights.stay_minutes[3], 90);
  EXPECT_EQ(changed->exposed_test_days, (std::vector<int>{1, 2, 5}));
  EXPECT_EQ(TierStatuses(Tier::kExposed)[2], "monitoring");
  EXPECT_EQ(TierStatuses(Tier::kClose)[2], "quarantined");
}

TEST(TierRules, BadInputNamesTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"tiers":{"closest":{"threshold":0.1}}})", "tiers.closest"},
      {R"({"tiers":{"close":{"threshold":0}}})", "tiers.close.threshold"},
      {R"({"tiers":{"close":{"threshold":1}}})", "tiers.close.threshold"},
      {R"({"tiers":{"secondary":{"threshold":1.5}}})", "tiers.secondary.threshold"},
      {R"({"tiers":{"close":{"threshold":"high"}}})", "tiers.close.threshold"},
      {R"({"tiers":{"close":{"limit":0.1}}})", "tiers.close.limit"},
      {R"({"tiers":{"exposed":{"threshold":0.1}}})", "tiers.exposed.threshold"},
      {R"({"tiers":{"exposed":{"test_days":[3,1]}}})", "tiers.exposed.test_days"},
      {R"({"tiers":{"exposed":{"test_days":[]}}})", "tiers.exposed.test_days"},
      {R"({"weights":{"per_hour":{"casino":0.1}}})", "weights.per_hour.casino"},
      {R"({"weights":{"per_hour":{"restaurant":1.2}}})", "weights.per_hour.restaurant"},
      {R"({"weights":{"household":-0.1}})", "weights.household"},
      {R"({"weights":{"stay_minutes":{"mall":0}}})", "weights.stay_minutes.mall"},
      {R"({"colour":"red"})", "colour"},
      // Every kind weighted 0: no venue contact could ever reach a threshold.
      {R"({"weights":{"per_hour":{"wholesale_market":0,"supermarket":0,"restaurant":0,"mall":0,"office":0,
          "factory":0,"school":0,"hospital":0,"station":0,"other":0}}})",
       "weights.per_hour"},
  };
  for (const auto& [json, field] : cases) {
    auto r = ParseTierRules(json, TierRules{});
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << json;
    ASSERT_FALSE(r.status().field_errors().empty()) << json;
    EXPECT_EQ(r.status().field_errors()[0].field, field) << json << ": " << r.status().ToString();
  }
  EXPECT_FALSE(ParseTierRules("[1,2]", TierRules{}).ok());
  EXPECT_FALSE(ParseTierRules("{", TierRules{}).ok());
}

// The scored ring equals a brute force over every pair of visits, however the
// engine's queues spill and its threads split the work.
struct Want {
  Hazard hazard = 0, top = 0;
  uint32_t source = 0, venue = 0;
  Minute at = 0;
  uint32_t minutes = 0, visits = 0, days = 0, cases = 0;
  bool household = false, crowded = false, seen = false;
};

std::map<uint32_t, Want> BruteForceScores(const std::vector<Visit>& all, const std::vector<CaseWindow>& cases,
                                          const std::vector<VenueTrait>& venues, const TierRules& rules,
                                          const MapHouseholds* homes) {
  const ContactRules cr;
  const ScoreWeights& w = rules.weights;
  std::set<uint32_t> excluded;
  for (const auto& c : cases) excluded.insert(c.person);
  std::map<uint32_t, Want> out;
  std::map<uint32_t, uint32_t> day_bits, case_bits;
  auto merge = [&](uint32_t person, Hazard h, uint32_t source, uint32_t venue, Minute at, uint32_t minutes,
                   uint32_t visits, uint32_t day_bit, uint32_t case_bit, bool household, bool crowded) {
    Want& x = out[person];
    if (!x.seen || at < x.at) x.at = at;
    if (!x.seen || h > x.top || (h == x.top && (source < x.source || (source == x.source && venue < x.venue)))) {
      x.top = h;
      x.source = source;
      x.venue = venue;
    }
    x.seen = true;
    x.hazard = AddHazard(x.hazard, h);
    x.minutes = std::min<uint32_t>(0xFFFF, x.minutes + minutes);
    x.visits += visits;
    x.household |= household;
    x.crowded |= crowded;
    day_bits[person] |= day_bit;
    case_bits[person] |= case_bit;
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const CaseWindow& c = cases[i];
    for (const Visit& a : all) {
      if (a.person != c.person || a.arrive < c.from || a.arrive > c.to) continue;
      const VenueTrait t = a.venue < venues.size() ? venues[a.venue] : VenueTrait{};
      int64_t near = 0, day = 0;
      for (const Visit& x : all) {
        near += x.venue == a.venue && x.arrive >= a.arrive - 30 && x.arrive <= a.arrive + 30;
        day += x.venue == a.venue && (x.arrive + 480) / 1440 == (a.arrive + 480) / 1440;
      }
      const uint32_t met = static_cast<uint32_t>(a.leave ? day : near);
      const double f = CrowdFactor(near, t.capacity, w);
      const float group = GroupFactor(met, t.kind, w);
      for (const Visit& b : all) {
        if (excluded.count(b.person) || !IsContact(a, b, cr)) continue;
        const Minute minutes = SharedMinutes(a, b, w.stay_minutes[t.kind]);
        const Hazard h = PairHazard(minutes, t.kind, static_cast<float>(f), group, w);
        const Minute at = std::max(a.arrive, b.arrive);
        merge(b.person, h, a.person, a.venue, at, static_cast<uint32_t>(minutes), 1,
              uint32_t{1} << (((at + 480) / 1440) & 15), uint32_t{1} << (i & 15), false,
              static_cast<float>(f) >= static_cast<float>(1 + w.crowding * w.crowded_ratio));
      }
    }
    if (homes) {
      const uint32_t case_person = c.person;
      homes->Members(std::span<const uint32_t>(&case_person, 1), [&](uint32_t, uint32_t member) {
        if (excluded.count(member)) return;
        Minute from = c.from;
        for (const auto& k : cases) {
          if (k.person == c.person) from = std::min(from, k.from);
        }
        merge(member, ToHazard(w.household), c.person, 0, from, 0, 0, 0, uint32_t{1} << (i & 15), true, false);
      });
    }
  }
  for (auto& [p, x] : out) {
    x.days = static_cast<uint32_t>(std::popcount(day_bits[p]));
    x.cases = static_cast<uint32_t>(std::popcount(case_bits[p]));
  }
  return out;
}

TEST(Tiers, ScoredRingEqualsEveryPairWhenQueuesSpillAndBothThreadsSettle) {
  const RingSizes before = GetRingSizes();
  struct Restore {
    RingSizes sizes;
    ~Restore() { SetRingSizes(sizes); }
  } restore{before};
  SetRingSizes({.queue_offers = 1024, .parallel_offers = 1});
  std::mt19937_64 rng(5);
  std::set<std::tuple<uint32_t, Minute, uint32_t>> seen;
  std::vector<Visit> all;
  while (all.size() < 12000) {
    Visit v{static_cast<uint32_t>(rng() % 1500 + 1) * 4099, static_cast<uint32_t>(rng() % 12 + 1),
            kT0 + static_cast<Minute>(rng() % (3 * 1440)), 0};
    if (rng() % 3 == 0) v.leave = v.arrive + static_cast<Minute>(rng() % 300);
    if (!seen.emplace(v.person, v.arrive, v.venue).second) continue;
    all.push_back(v);
  }
  std::vector<VenueTrait> venues(13);
  for (size_t i = 1; i < venues.size(); ++i) venues[i] = {static_cast<uint8_t>(i % 10), static_cast<uint32_t>(i * 7)};
  std::vector<CaseWindow> cases;
  for (int i = 0; i < 60; ++i) {  // enough source visits for both threads to scan
    const uint32_t person = static_cast<uint32_t>(rng() % 1500 + 1) * 4099;
    const Minute from = kT0 + static_cast<Minute>(rng() % 1440);
    cases.push_back({person, from, from + 1440 + static_cast<Minute>(rng() % 1440)});
  }
  const MapHouseholds homes({{cases[0].person, 1}, {20'000'003, 1}, {cases[1].person, 2}, {cases[2].person, 2}});
  Fixture f(all, venues);
  const TierResult r = f.Run(cases, {}, &homes, false);
  EXPECT_EQ(r.threads, 2);
  const auto want = BruteForceScores(all, cases, venues, {}, &homes);
  ASSERT_GT(want.size(), 200u);
  EXPECT_EQ(r.ring, static_cast<int64_t>(want.size()));
  size_t checked = 0;
  for (const auto* tier : {&r.close, &r.exposed}) {
    for (const ScoredExposure& e : *tier) {
      auto it = want.find(e.person);
      ASSERT_NE(it, want.end()) << e.person;
      const Want& x = it->second;
      EXPECT_EQ(e.hazard, x.hazard) << e.person;
      EXPECT_EQ(e.source, x.source) << e.person;
      EXPECT_EQ(e.venue, x.venue) << e.person;
      EXPECT_EQ(e.at, x.at) << e.person;
      EXPECT_EQ(e.minutes, x.minutes) << e.person;
      EXPECT_EQ(e.visits, x.visits) << e.person;
      EXPECT_EQ(e.days, x.days) << e.person;
      EXPECT_EQ(e.cases, x.cases) << e.person;
      EXPECT_EQ(e.household, x.household) << e.person;
      EXPECT_EQ(e.crowded, x.crowded) << e.person;
      EXPECT_EQ(e.tier == Tier::kClose, x.household || x.hazard >= ToHazard(TierRules{}.close_threshold));
      ++checked;
    }
  }
  EXPECT_EQ(checked, want.size());
  // Deterministic: the same answer again.
  const TierResult again = f.Run(cases, {}, &homes, false);
  ASSERT_EQ(again.close.size(), r.close.size());
  for (size_t i = 0; i < r.close.size(); ++i) EXPECT_EQ(again.close[i].hazard, r.close[i].hazard);
}

}  // namespace
}  // namespace tc::tracing
