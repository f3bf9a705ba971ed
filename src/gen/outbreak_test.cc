// The outbreak's transmission models on SQLite and PostgreSQL: the dose model's pure
// functions, both models deterministic for a seed, a long same-zone overlap against a
// short cross-zone one on a crafted timeline, the household rate over a generated
// city, the tracer's answers independent of the truth, and bad input.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "gen/city.h"
#include "gen/evaluation.h"
#include "gen/internal/builder.h"
#include "gen/mobility.h"
#include "gen/outbreak.h"
#include "gen/testing_round.h"
#include "gen/transmission.h"
#include "gen/venues.h"
#include "store/store.h"
#include "store/testing.h"
#include "screening/screening.h"
#include "tracing/checkins.h"
#include "tracing/index.h"
#include "tracing/service.h"

namespace tc::gen {
namespace {

using tracing::Minute;
using tracing::Visit;

constexpr Millis kHourMs = 3'600'000, kDayMs = 86'400'000;
const Minute kDay0 = tracing::ToMinute(internal::kGeneratedAt);  // 2022-03-01 00:00 Shanghai

// ---- the dose model's pure functions ----

TEST(DoseModel, LongerOverlapAndSameZoneRaiseTheChance) {
  const DoseParameters p;
  for (size_t k = 0; k < kVenueKindCount; ++k) {
    EXPECT_EQ(PairChance(p, k, 0, true), 0.0);
    EXPECT_LT(PairChance(p, k, 10, false), PairChance(p, k, 60, false)) << k;
    EXPECT_LE(PairChance(p, k, 60, false), PairChance(p, k, 60, true)) << k;
    // Per contact outside households, well under 1 % for half an hour across the venue.
    EXPECT_LT(PairChance(p, k, 30, false), 0.001) << k;
  }
  // A working day beside a colleague against ten minutes across the office.
  EXPECT_GT(PairChance(p, kKindOffice, 480, true), 100 * PairChance(p, kKindOffice, 10, false));
  EXPECT_GT(PairChance(p, kKindSchool, 480, true), 100 * PairChance(p, kKindSchool, 10, false));
  // Workplaces and classes a day, far above a shop visit in the same aisle.
  EXPECT_GT(PairChance(p, kKindOffice, 480, true), 3 * PairChance(p, kKindSupermarket, 25, true));
  // Asymptomatic infectors less.
  EXPECT_LT(PairChance(p, kKindOffice, 480, true, p.asymptomatic_infectiousness),
            PairChance(p, kKindOffice, 480, true));
  // The source: grows with minutes, much higher in a hot zone.
  EXPECT_LT(SourceChance(p, 20, false), SourceChance(p, 80, false));
  EXPECT_GT(SourceChance(p, 60, true), 10 * SourceChance(p, 60, false));
}

TEST(DoseModel, ZonesAreStableAtWorkAndDrawnPerVisitElsewhere) {
  const uint64_t seed = WorldSeed(1);
  const Zoning office = ZoningOf(kKindOffice, 800), restaurant = ZoningOf(kKindRestaurant, 120);
  EXPECT_GT(office.zones, 1u);
  EXPECT_TRUE(office.stable);
  EXPECT_FALSE(restaurant.stable);
  EXPECT_EQ(restaurant.zones, 30u);
  EXPECT_EQ(ZoneLabel(restaurant, 11), "table 12");
  std::set<uint32_t> office_zones, restaurant_zones;
  for (Minute day = 0; day < 30; ++day) {
    const Visit v{7, 42, kDay0 + day * 1440 + 540, 0};
    office_zones.insert(ZoneOf(seed, v, office));
    restaurant_zones.insert(ZoneOf(seed, v, restaurant));
    EXPECT_LT(ZoneOf(seed, v, restaurant), restaurant.zones);
  }
  EXPECT_EQ(office_zones.size(), 1u) << "a person's team is the same every day";
  EXPECT_GT(restaurant_zones.size(), 5u) << "tables are drawn per visit";
  // Hot zones: at least one, about the share asked for.
  const Zoning market = ZoningOf(kKindMarket, 30'000);
  int hot = 0;
  for (uint32_t z = 0; z < market.zones; ++z) hot += IsHotZone(seed, 5, z, market, 0.15) ? 1 : 0;
  EXPECT_EQ(hot, 3);
  EXPECT_EQ(market.zones, 20u);
}

TEST(DoseModel, RealPresenceIsTheLeaveTimeOrAHiddenStayByKind) {
  const uint64_t seed = WorldSeed(3);
  EXPECT_EQ(RealEnd(seed, {1, 2, kDay0 + 500, kDay0 + 520}, kKindMarket), kDay0 + 520);
  std::set<Minute> stays;
  for (uint32_t person = 1; person < 500; ++person) {
    for (size_t k : {kKindMarket, kKindRestaurant, kKindSupermarket, kKindStation}) {
      const Minute stay = RealEnd(seed, {person, 9, kDay0 + 600, 0}, k) - (kDay0 + 600);
      EXPECT_GE(stay, HiddenStay(k).lo);
      EXPECT_LE(stay, HiddenStay(k).hi);
      if (k == kKindMarket) stays.insert(stay);
    }
  }
  EXPECT_GT(stays.size(), 30u);
  EXPECT_EQ(HiddenStay(kKindMarket).lo, 20);
  EXPECT_EQ(HiddenStay(kKindMarket).hi, 90);
  EXPECT_EQ(HiddenStay(kKindStation).hi, 30);
}

TEST(DoseModel, ValidateNamesTheField) {
  DoseParameters p;
  EXPECT_TRUE(ValidateDose(p).ok());
  p.beta[kKindOffice] = -1e-6;
  Status s = ValidateDose(p);
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(s.field_errors().size(), 1u);
  EXPECT_EQ(s.field_errors()[0].field, "dose.beta.office");
  p = {};
  p.zone_factor[kKindSchool] = 0.5;
  EXPECT_EQ(ValidateDose(p).field_errors().at(0).field, "dose.zone_factor.school");
  p = {};
  p.source_beta = 1.5;
  EXPECT_EQ(ValidateDose(p).field_errors().at(0).field, "dose.source_beta");
  p = {};
  p.hot_zone_share = 0;
  EXPECT_EQ(ValidateDose(p).field_errors().at(0).field, "dose.hot_zone_share");
  p = {};
  p.asymptomatic_infectiousness = 1.2;
  EXPECT_EQ(ValidateDose(p).field_errors().at(0).field, "dose.asymptomatic_infectiousness");
}

// ---- on a generated city, both backends ----

// A small city (scale 0.005, ~45 k residents) with venues and 3 stored days of
// check-ins, and 14 days streamed into an index (not stored), per backend.
struct World {
  std::unique_ptr<store::Store> store;
  tracing::Index stored, streamed;
  int64_t market = 0;
};

class OutbreakTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() { worlds_.clear(); }

  World& W() {
    auto& w = worlds_[GetParam()];
    if (w) return *w;
    w = std::make_unique<World>();
    auto url = store::testing::FreshDatabaseUrl(GetParam(), "outbreak");
    EXPECT_TRUE(url.ok()) << url.status().ToString();
    auto s = store::Store::Open(*url);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    w->store = std::move(s).value();
    EXPECT_TRUE(w->store->Migrate().ok());
    EXPECT_TRUE(GenerateCity(*w->store, {.preset = "changchun", .scale = 0.005, .seed = 1}).ok());
    auto venues = GenerateVenues(*w->store, {.seed = 1});
    EXPECT_TRUE(venues.ok()) << venues.status().ToString();
    w->market = venues->market_id;
    EXPECT_TRUE(GenerateCheckins(*w->store, {.days = 3, .seed = 1}).ok());
    EXPECT_TRUE(tracing::LoadCheckins(*w->store, w->stored).ok());
    w->stored.Seal();
    EXPECT_TRUE(StreamCheckins(*w->store, {.days = 14, .seed = 1}, [&](std::span<const Visit> b, int) {
                  for (const Visit& v : b) w->streamed.Add(v);
                  return Status::Ok();
                }).ok());
    w->streamed.Seal();
    return *w;
  }

  store::Rows Query(const std::string& sql, const store::Params& params = {}) {
    store::Rows out;
    Status s = W().store->Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(out, c.Query(sql, params));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
    return out;
  }

  // A fresh outbreak (the previous one's truth and cases removed first).
  Result<OutbreakSummary> Run(const tracing::Index& index, const OutbreakOptions& o) {
    TC_RETURN_IF_ERROR(W().store->Tx([](store::Conn& c) -> Status {
      TC_RETURN_IF_ERROR(c.Exec("DELETE FROM cases").status());
      return c.Exec("DELETE FROM outbreak_truth").status();
    }));
    return GenerateOutbreak(*W().store, index, o);
  }

  // Every truth row, in person order.
  std::string Truth() {
    std::string all;
    for (const auto& r : Query("SELECT person_id, infector_id, venue_id, route, generation, infected_at, onset_at, "
                               "detected_at, zone FROM outbreak_truth ORDER BY person_id")
                             .rows) {
      for (size_t i = 0; i < r.cells.size(); ++i) all += (r.IsNull(i) ? "\\N" : r.Text(i)) + "|";
      all += '\n';
    }
    return all;
  }

  static inline std::map<std::string, std::unique_ptr<World>> worlds_;
};

TEST_P(OutbreakTest, BothModelsAreDeterministicForASeed) {
  for (const std::string model : {"flat", "dose"}) {
    SCOPED_TRACE(model);
    OutbreakOptions o{.from = internal::kGeneratedAt + 30 * kHourMs,
                      .hours = 24,
                      .seed = 1,
                      .source_attack = 0.2,
                      .until = internal::kGeneratedAt + 14 * kDayMs,
                      .model = model};
    o.dose.source_beta = 2e-3;
    auto a = Run(W().streamed, o);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(a->model, model);
    EXPECT_GT(a->infected, 10);
    EXPECT_EQ(a->infected, a->by_source + a->by_venue + a->by_household);
    int64_t by_kind = 0;
    for (const auto& [kind, n] : a->by_kind) by_kind += n;
    EXPECT_EQ(by_kind, a->by_source + a->by_venue);
    const std::string first = Truth();
    // Zones: every dose infection at a venue has one, households and the flat model none.
    const auto zones = Query("SELECT route, COUNT(*), COUNT(zone) FROM outbreak_truth GROUP BY route ORDER BY route");
    for (const auto& r : zones.rows) {
      const bool zoned = model == "dose" && r.Text(0) != "household";
      EXPECT_EQ(r.Int(2), zoned ? r.Int(1) : 0) << r.Text(0);
    }
    auto b = Run(W().streamed, o);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_EQ(Truth(), first) << "the same seed gives the same rows";
    o.seed = 2;
    auto c = Run(W().streamed, o);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_NE(Truth(), first) << "another seed gives other rows";
  }
}

// A generated testing round samples 90–95 % of the city, and its positives are
// exactly where the outbreak's infected were sampled: every positive pool holds
// someone infected at least two days before, every individual positive is infected.
TEST_P(OutbreakTest, ATestingRoundFindsTheInfectedWhereTheyWereSampled) {
  OutbreakOptions o{.from = internal::kGeneratedAt + 30 * kHourMs, .hours = 24, .seed = 1, .source_attack = 0.2,
                    .until = internal::kGeneratedAt + 14 * kDayMs};
  o.dose.source_beta = 2e-3;
  auto outbreak = Run(W().streamed, o);
  ASSERT_TRUE(outbreak.ok()) << outbreak.status().ToString();
  ASSERT_GT(outbreak->infected, 10);
  auto sc = screening::Screening::Open(*W().store, Clock::System());
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  const Millis day = internal::kGeneratedAt + 8 * kDayMs;
  auto sum = GenerateTestingRound(*W().store, **sc, {.date = DateShanghai(day), .seed = 1});
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->rejected, 0);
  const double coverage = static_cast<double>(sum->sampled) / static_cast<double>(sum->due);
  EXPECT_GT(coverage, 0.90);
  EXPECT_LT(coverage, 0.95);
  EXPECT_GT(sum->positive_pools, 0);
  const auto progress = (*sc)->Progress(sum->round_id);
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(progress->tubes_resulted, sum->tubes + sum->retests) << "every tube resulted, the retests too";
  EXPECT_EQ(progress->tubes_shipped, sum->tubes);
  std::unordered_map<int64_t, Millis> infected;
  for (const auto& r : Query("SELECT person_id, infected_at FROM outbreak_truth").rows) infected[r.Int(0)] = r.Int(1);
  const auto cov = (*sc)->CoverageOf(sum->round_id, "220100000000");
  ASSERT_TRUE(cov.ok());
  EXPECT_EQ(cov->node.sampled, sum->sampled);
  EXPECT_EQ(cov->node.resulted, sum->sampled);
  // Every positive pool, through its follow-ups: someone in it was infected early enough.
  auto followups = Query("SELECT f.tube_id, f.person_id, f.reason FROM test_followups f WHERE f.round_id = ?",
                         {sum->round_id});
  std::map<int64_t, bool> pool_has_infected;
  for (const auto& r : followups.rows) {
    if (r.Text(2) != "positive") continue;
    auto it = infected.find(r.Int(1));
    pool_has_infected[r.Int(0)] |= it != infected.end() && it->second <= day + 21 * kHourMs - 2 * kDayMs;
  }
  EXPECT_EQ(static_cast<int64_t>(pool_has_infected.size()), sum->positive_pools);
  for (const auto& [tube, has] : pool_has_infected) EXPECT_TRUE(has) << "positive pool " << tube;
  // Every individual positive is someone infected.
  const auto positives = Query("SELECT payload FROM events WHERE type = 'IndividualPositive'");
  EXPECT_EQ(static_cast<int64_t>(positives.size()), sum->individual_positive);
  for (const auto& r : positives.rows) {
    const int64_t person = nlohmann::json::parse(r.Text(0))["resident_id"].get<int64_t>();
    EXPECT_TRUE(infected.contains(person)) << person;
  }
  EXPECT_EQ(sum->retests, static_cast<int64_t>(followups.size())) << "every member of a bad pool retested";
  // The same seed on the same city gives the same round.
  auto again = GenerateTestingRound(*W().store, **sc, {.date = DateShanghai(day), .seed = 1});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->sampled, sum->sampled);
  EXPECT_EQ(again->positive_pools, sum->positive_pools);
  EXPECT_EQ(again->sites, 0) << "the sites are reused";
}

TEST_P(OutbreakTest, LongSameZoneOverlapInfectsFarMoreOftenThanShortCrossZone) {
  // A crafted timeline per seed: A is infected at a restaurant (the source), then works
  // 09:00–17:00 at an office for 13 days; B works beside A (same team) the same hours;
  // C passes through the office for 10 minutes at noon, in another team.
  const auto office = Query("SELECT id, capacity FROM venues WHERE kind = 'office' ORDER BY id LIMIT 1");
  const auto restaurant = Query("SELECT code FROM venues WHERE kind = 'restaurant' ORDER BY id LIMIT 1");
  ASSERT_EQ(office.size(), 1u);
  ASSERT_EQ(restaurant.size(), 1u);
  const auto source = static_cast<uint32_t>(Query("SELECT id FROM venues WHERE code = ?", {restaurant[0].Text(0)})[0].Int(0));
  const auto work = static_cast<uint32_t>(office[0].Int(0));
  const Zoning zoning = ZoningOf(kKindOffice, office[0].Int(1));
  ASSERT_GT(zoning.zones, 1u);
  const uint32_t a = 1;
  int b_infected = 0, c_infected = 0;
  constexpr int kSeeds = 60;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const uint64_t world = WorldSeed(seed);
    const uint32_t a_zone = ZoneOf(world, {a, work, 0, 0}, zoning);
    uint32_t b = 0, c = 0;
    for (uint32_t p = 2; p < 5000 && (!b || !c); ++p) {
      const uint32_t z = ZoneOf(world, {p, work, 0, 0}, zoning);
      if (!b && z == a_zone) b = p;
      if (!c && z != a_zone) c = p;
    }
    ASSERT_TRUE(b && c);
    tracing::Index index;
    index.Add({a, source, kDay0 + 9 * 60, kDay0 + 10 * 60});
    for (Minute day = 1; day < 14; ++day) {
      const Minute midnight = kDay0 + day * 1440;
      index.Add({a, work, midnight + 9 * 60, midnight + 17 * 60});
      index.Add({b, work, midnight + 9 * 60, midnight + 17 * 60});
      index.Add({c, work, midnight + 12 * 60, midnight + 12 * 60 + 10});
    }
    index.Seal();
    OutbreakOptions o{.source_code = restaurant[0].Text(0),
                      .from = internal::kGeneratedAt + 9 * kHourMs,
                      .hours = 1,
                      .seed = seed,
                      .household_attack = 0,
                      .asymptomatic_share = 0,
                      .until = internal::kGeneratedAt + 14 * kDayMs,
                      .model = "dose"};
    o.dose.source_beta = 1;  // A is certainly infected
    o.dose.beta[kKindOffice] = 1e-4;
    o.dose.zone_factor[kKindOffice] = 10;
    auto sum = Run(index, o);
    ASSERT_TRUE(sum.ok()) << sum.status().ToString();
    ASSERT_EQ(sum->by_source, 1);
    b_infected += Query("SELECT COUNT(*) FROM outbreak_truth WHERE person_id = ?", {int64_t{b}})[0].Int(0) > 0;
    c_infected += Query("SELECT COUNT(*) FROM outbreak_truth WHERE person_id = ?", {int64_t{c}})[0].Int(0) > 0;
  }
  // B: ~38 % a shared day, over 3+ infectious days ≥ 75 %; C: ~0.1 % a day.
  std::printf("over %d seeds: same zone, 8 h a day infected %d; other zone, 10 min a day infected %d\n", kSeeds,
              b_infected, c_infected);
  EXPECT_GE(b_infected, kSeeds / 2);
  EXPECT_LE(c_infected, kSeeds / 10);
}

TEST_P(OutbreakTest, HouseholdAttackRateIsInTheConfiguredRange) {
  OutbreakOptions o{.from = internal::kGeneratedAt + 6 * kHourMs,
                    .hours = 48,
                    .seed = 5,
                    .until = internal::kGeneratedAt + 14 * kDayMs,
                    .model = "dose"};
  o.dose.source_beta = 5e-3;  // many infected early, so households are measured over whole infectious periods
  EXPECT_GE(o.household_attack, 0.15);  // the published range [Madewell2020]
  EXPECT_LE(o.household_attack, 0.20);
  auto sum = Run(W().streamed, o);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  std::unordered_map<int64_t, std::string> household;
  std::unordered_map<std::string, std::vector<int64_t>> members;
  for (const auto& r : Query("SELECT id, household_code FROM residents").rows) {
    household[r.Int(0)] = r.Text(1);
    members[r.Text(1)].push_back(r.Int(0));
  }
  struct T {
    int64_t infector;
    Millis at;
    std::string route;
  };
  std::unordered_map<int64_t, T> truth;
  for (const auto& r : Query("SELECT person_id, infector_id, infected_at, route FROM outbreak_truth").rows) {
    truth[r.Int(0)] = {r.IsNull(1) ? 0 : r.Int(1), r.Int(2), r.Text(3)};
  }
  // Per infector infected early enough to finish being infectious: members not yet
  // infected when they were, and how many of those they infected at home.
  int64_t at_risk = 0, infected_at_home = 0;
  std::unordered_map<int64_t, int64_t> by_infector;
  for (const auto& [person, t] : truth) {
    if (t.route == "household") ++by_infector[t.infector];
  }
  for (const auto& [person, t] : truth) {
    if (t.at > internal::kGeneratedAt + 4 * kDayMs) continue;
    for (int64_t m : members[household[person]]) {
      if (m == person) continue;
      auto it = truth.find(m);
      if (it == truth.end() || it->second.at > t.at) ++at_risk;
    }
    infected_at_home += by_infector[person];
  }
  ASSERT_GT(at_risk, 300) << "too few to measure";
  const double rate = static_cast<double>(infected_at_home) / static_cast<double>(at_risk);
  std::printf("household secondary attack rate %.3f (%lld of %lld at risk), configured %.2f\n", rate,
              static_cast<long long>(infected_at_home), static_cast<long long>(at_risk), o.household_attack);
  EXPECT_GE(rate, 0.10);
  EXPECT_LE(rate, 0.20);
}

TEST_P(OutbreakTest, TracerAnswersDoNotChangeWhenTheTruthIsEmptied) {
  W();
  OutbreakOptions o{.from = internal::kGeneratedAt + 6 * kHourMs,
                    .hours = 12,
                    .seed = 3,
                    .until = internal::kGeneratedAt + 3 * kDayMs,
                    .model = "dose"};
  o.dose.source_beta = 2e-3;
  auto sum = Run(W().stored, o);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  // Cases: the first 20 infected, each over its time from infection to the end.
  std::vector<tracing::CaseWindow> cases;
  for (const auto& r : Query("SELECT person_id, infected_at FROM outbreak_truth ORDER BY infected_at, person_id").rows) {
    if (cases.size() == 20) break;
    cases.push_back({static_cast<uint32_t>(r.Int(0)), tracing::ToMinute(r.Int(1)), tracing::ToMinute(sum->until)});
  }
  ASSERT_GE(cases.size(), 5u);
  const auto zones = Query("SELECT COUNT(zone) FROM outbreak_truth");
  EXPECT_GT(zones[0].Int(0), 0) << "the truth records zones";

  tracing::Tracing tracer(*W().store, Clock::System());
  ASSERT_TRUE(tracer.Start().ok());
  auto answer = [&]() {
    std::string out;
    auto contacts = tracer.Contacts(cases, tracing::ContactRules{}, true, true);
    EXPECT_TRUE(contacts.ok()) << contacts.status().ToString();
    if (!contacts.ok()) return out;
    for (const auto* ring : {&contacts->close, &contacts->secondary}) {
      for (const auto& e : *ring) {
        out += std::to_string(e.person) + "," + std::to_string(e.source) + "," + std::to_string(e.venue) + "," +
               std::to_string(static_cast<int>(e.route)) + "," + std::to_string(e.at) + ";";
      }
      out += "\n";
    }
    EXPECT_GT(contacts->close.size(), 0u);
    // The tiers and their scores too.
    auto tiers = tracer.Tiers(cases, tracing::ContactRules{}, tracing::TierRules{}, true, true);
    EXPECT_TRUE(tiers.ok()) << tiers.status().ToString();
    if (!tiers.ok()) return out;
    for (const auto* tier : {&tiers->close, &tiers->secondary, &tiers->exposed}) {
      for (const auto& e : *tier) {
        out += std::to_string(e.person) + "," + std::to_string(e.hazard) + "," + std::to_string(e.source) + "," +
               std::to_string(e.venue) + ";";
      }
      out += "\n";
    }
    auto sources = tracer.Sources(cases, 10);
    EXPECT_TRUE(sources.ok()) << sources.status().ToString();
    if (!sources.ok()) return out;
    EXPECT_FALSE(sources->empty());
    for (const auto& s : *sources) {
      out += std::to_string(s.venue) + "," + std::to_string(s.cases) + "," + std::to_string(s.traffic) + "," +
             std::to_string(s.score) + ";";
    }
    return out;
  };
  const std::string before = answer();
  ASSERT_TRUE(W().store->Tx([](store::Conn& c) { return c.Exec("DELETE FROM outbreak_truth").status(); }).ok());
  EXPECT_EQ(Query("SELECT COUNT(*) FROM outbreak_truth")[0].Int(0), 0);
  EXPECT_EQ(answer(), before);
}

TEST_P(OutbreakTest, RefusesBadInputNamingTheField) {
  const OutbreakOptions good{.from = internal::kGeneratedAt + 6 * kHourMs,
                             .hours = 8,
                             .seed = 1,
                             .until = internal::kGeneratedAt + 3 * kDayMs};
  auto field_of = [&](const OutbreakOptions& o) -> std::string {
    auto r = Run(W().stored, o);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
    return r.status().field_errors().empty() ? "" : r.status().field_errors()[0].field;
  };
  OutbreakOptions o = good;
  o.model = "sir";
  EXPECT_EQ(field_of(o), "model");
  o = good;
  o.model = "";
  EXPECT_EQ(field_of(o), "model");
  o = good;
  o.source_attack = -0.1;
  EXPECT_EQ(field_of(o), "source_attack");
  o = good;
  o.household_attack = 1.5;
  EXPECT_EQ(field_of(o), "household_attack");
  o = good;
  o.venue_attack = 2;
  o.model = "flat";
  EXPECT_EQ(field_of(o), "venue_attack");
  o = good;
  o.dose.beta[kKindRestaurant] = -0.5;
  EXPECT_EQ(field_of(o), "dose.beta.restaurant");
  o = good;
  o.dose.source_beta = 1.01;
  EXPECT_EQ(field_of(o), "dose.source_beta");
  o = good;
  o.dose.asymptomatic_infectiousness = -1;
  EXPECT_EQ(field_of(o), "dose.asymptomatic_infectiousness");
  // Nothing was written.
  EXPECT_EQ(Query("SELECT COUNT(*) FROM outbreak_truth")[0].Int(0), 0);
  // The defaults are valid: the dose model by default.
  auto ok = Run(W().stored, good);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->model, "dose");
}

INSTANTIATE_TEST_SUITE_P(Backends, OutbreakTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace

// Recall at K over per-case lists, and the list size a recall needs, by hand: case A
// reads [hit, miss, hit], case B [miss, hit]; 4 infected in all (one on no list).
TEST(Evaluation, RecallCurveByHand) {
  const std::vector<std::vector<bool>> lists = {{true, false, true}, {false, true}};
  const RecallCurve c = CurveOf(lists, 4);
  ASSERT_EQ(c.at_k.size(), 6u);
  EXPECT_EQ(c.at_k[0].k, 5);
  EXPECT_EQ(c.at_k[0].listed, 5);  // every list is shorter than 5
  EXPECT_EQ(c.at_k[0].caught, 3);
  EXPECT_DOUBLE_EQ(c.at_k[0].recall, 0.75);
  ASSERT_EQ(c.needed.size(), 3u);
  EXPECT_EQ(c.needed[0].per_case, -1);  // 80 % of 4 needs 4 caught: only 3 are listed
  const RecallCurve two = CurveOf(lists, 3);
  // 80 % of 3 needs 3 caught: A's third entry, so 3 per case (5 listed).
  EXPECT_EQ(two.needed[0].per_case, 3);
  EXPECT_EQ(two.needed[0].listed, 5);
  const RecallCurve first = CurveOf({{true}, {true, false}, {false, true}}, 3);
  // 60 % is not a target; 80 % of 3 → 3 caught → the second entry of the third list.
  EXPECT_EQ(first.needed[0].per_case, 2);
  EXPECT_EQ(first.needed[0].listed, 5);
}

}  // namespace tc::gen
