// Venues, the check-in stream and the seeded outbreak on one generated city
// (SQLite, scale 0.01: ~90 k residents, 7 days).
#include "gen/mobility.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "base/crypto.h"
#include "gen/city.h"
#include "gen/evaluation.h"
#include "gen/outbreak.h"
#include "gen/venues.h"
#include "store/testing.h"
#include "tracing/checkins.h"
#include "tracing/index.h"
#include "tracing/service.h"

namespace tc::gen {
namespace {

constexpr double kScale = 0.01;

class MobilityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto store = store::Store::Open("sqlite:" + store::testing::TempSqlitePath("mobility"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value().release();
    ASSERT_TRUE(store_->Migrate().ok());
    auto city = GenerateCity(*store_, {.preset = "changchun", .scale = kScale, .seed = 1});
    ASSERT_TRUE(city.ok()) << city.status().ToString();
    residents_ = city->residents;
    auto venues = GenerateVenues(*store_, {.seed = 1});
    ASSERT_TRUE(venues.ok()) << venues.status().ToString();
    venues_ = new VenueSummary(*venues);
  }
  static void TearDownTestSuite() {
    delete store_;
    delete venues_;
  }

  static store::Rows Query(const std::string& sql, const store::Params& params = {}) {
    store::Rows out;
    Status s = store_->Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(out, c.Query(sql, params));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
    return out;
  }

  // The stream of `days` days from the city's first day, collected.
  static std::vector<tracing::Visit> Stream(int days, uint64_t seed = 1, CheckinSummary* summary = nullptr) {
    std::vector<tracing::Visit> all;
    auto s = StreamCheckins(*store_, {.days = days, .seed = seed}, [&](std::span<const tracing::Visit> b, int) {
      all.insert(all.end(), b.begin(), b.end());
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (summary && s.ok()) *summary = *s;
    return all;
  }

  static std::string Hash(const std::vector<tracing::Visit>& v) {
    std::string bytes;
    bytes.reserve(v.size() * 24);
    for (const auto& x : v) {
      const int64_t fields[] = {x.person, x.venue, x.arrive, x.leave};
      bytes.append(reinterpret_cast<const char*>(fields), sizeof fields);
    }
    return Sha256Hex(bytes);
  }

  static inline store::Store* store_ = nullptr;
  static inline int64_t residents_ = 0;
  static inline VenueSummary* venues_ = nullptr;
};

TEST_F(MobilityTest, VenuesHaveTheirDensitiesAndOneBigMarket) {
  const double share = static_cast<double>(residents_) / 9'067'000;
  std::map<std::string, int64_t> kinds;
  for (const auto& [kind, n] : venues_->by_kind) kinds[kind] = n;
  auto near = [&](const char* kind, double full) {
    EXPECT_NEAR(static_cast<double>(kinds[kind]), full * share, full * share * 0.05 + 2) << kind;
  };
  near("restaurant", 60'000);
  near("supermarket", 18'000);
  near("office", 20'000);
  near("factory", 3'000);
  near("school", 1'500);
  near("hospital", 300);
  near("station", 500);
  near("mall", 200);
  EXPECT_GE(kinds["wholesale_market"], 1);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM venues").rows[0].Int(0), venues_->venues);
  // Codes are the community's code + -V + 4 digits, unique; areas are communities; paths match.
  EXPECT_EQ(Query("SELECT COUNT(*) FROM venues v JOIN areas a ON a.code = v.area_code "
                  "WHERE a.level = 'community' AND a.path = v.area_path AND v.code LIKE a.code || '-V____'")
                .rows[0]
                .Int(0),
            venues_->venues);
  auto market = Query("SELECT name, capacity FROM venues WHERE kind = 'wholesale_market' ORDER BY capacity DESC");
  ASSERT_GE(market.size(), 1u);
  EXPECT_EQ(market[0].Text(0), venues_->market_name);
  EXPECT_TRUE(venues_->market_name.ends_with("农产品批发市场"));
  if (market.size() > 1) {
    EXPECT_GT(market[0].Int(1), market[1].Int(1));
  }
  EXPECT_EQ(Query("SELECT COUNT(*) FROM audit_log WHERE action = 'gen.venues'").rows[0].Int(0), 1);
  // A second run is refused.
  EXPECT_EQ(GenerateVenues(*store_, {.seed = 1}).status().code(), StatusCode::kConflict);
}

TEST_F(MobilityTest, StreamIsDeterministicPlausibleAndValid) {
  CheckinSummary summary;
  const auto a = Stream(7, 1, &summary);
  EXPECT_EQ(Hash(a), Hash(Stream(7, 1)));
  EXPECT_NE(Hash(a), Hash(Stream(1, 2)));
  EXPECT_EQ(summary.residents, residents_);
  ASSERT_EQ(summary.per_day.size(), 7u);
  EXPECT_EQ(static_cast<int64_t>(a.size()), summary.checkins);
  const double per_person_day = static_cast<double>(a.size()) / static_cast<double>(residents_) / 7;
  EXPECT_GE(per_person_day, 4.5);
  EXPECT_LE(per_person_day, 5.5);

  std::set<int64_t> venue_ids;
  for (const auto& r : Query("SELECT id FROM venues").rows) venue_ids.insert(r.Int(0));
  const tracing::Minute first = tracing::ToMinute(internal::kGeneratedAt);
  std::vector<std::tuple<uint32_t, uint32_t, tracing::Minute>> keys;
  std::map<std::pair<uint32_t, int>, int64_t> per_venue_day;
  for (const auto& v : a) {
    ASSERT_GE(v.person, 1u);
    ASSERT_LE(static_cast<int64_t>(v.person), residents_);
    ASSERT_TRUE(venue_ids.count(v.venue)) << v.venue;
    ASSERT_GE(v.arrive, first);
    ASSERT_LT(v.arrive, first + 7 * 1440);
    if (v.leave) {
      ASSERT_GT(v.leave, v.arrive);
      ASSERT_LE(v.leave - v.arrive, tracing::kMaxStayMinutes);
    }
    keys.emplace_back(v.person, v.venue, v.arrive);
    ++per_venue_day[{v.venue, static_cast<int>((v.arrive - first) / 1440)}];
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end()) << "twice at the same venue and minute";
  // The big market draws from the whole city, so its traffic grows with the city while
  // every other venue's stays what it is at full scale (their number grows instead):
  // at full scale it is the busiest venue every day. Busier on the weekend (2022-03-05/06).
  std::vector<int64_t> market(7), busiest_other(7);
  for (const auto& [key, n] : per_venue_day) {
    if (key.first == venues_->market_id) {
      market[key.second] = n;
    } else {
      busiest_other[key.second] = std::max(busiest_other[key.second], n);
    }
  }
  for (int d = 0; d < 7; ++d) EXPECT_GT(market[d] / kScale, 1.5 * busiest_other[d]) << "day " << d;
  const double weekday = (market[0] + market[1] + market[2] + market[3] + market[6]) / 5.0;
  const double weekend = (market[4] + market[5]) / 2.0;
  EXPECT_GT(weekend, 1.3 * weekday);
  // ~60 k a day at full scale.
  const double per_day = (market[0] + market[1] + market[2] + market[3] + market[4] + market[5] + market[6]) / 7.0;
  EXPECT_NEAR(per_day / kScale, 60'000, 6'000);
}

TEST_F(MobilityTest, StoredCheckinsEqualTheStreamAndOutbreakIsConsistent) {
  // The stored rows are the stream's (2 days, to keep the test quick).
  const int kDays = 2;
  int progress_calls = 0;
  auto written = GenerateCheckins(
      *store_, {.days = kDays, .seed = 1, .progress = [&](int, int64_t, int64_t) { ++progress_calls; }});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(progress_calls, kDays);
  auto stream = Stream(kDays);
  EXPECT_EQ(static_cast<int64_t>(stream.size()), written->checkins);
  std::sort(stream.begin(), stream.end(), [](const auto& a, const auto& b) {
    return std::tie(a.arrive, a.person, a.venue) < std::tie(b.arrive, b.person, b.venue);
  });
  std::vector<tracing::Visit> stored;
  for (const auto& r : Query("SELECT person_id, venue_id, arrive_at, leave_at FROM checkins ORDER BY id").rows) {
    stored.push_back({static_cast<uint32_t>(r.Int(0)), static_cast<uint32_t>(r.Int(1)), tracing::ToMinute(r.Int(2)),
                      r.IsNull(3) ? 0 : tracing::ToMinute(r.Int(3))});
  }
  EXPECT_EQ(Hash(stored), Hash(stream)) << "ids follow arrival order within the day";
  EXPECT_EQ(GenerateCheckins(*store_, {.days = 1, .seed = 1}).status().code(), StatusCode::kConflict);

  // The outbreak runs over 7 days streamed straight into the index.
  tracing::Index index;
  ASSERT_TRUE(StreamCheckins(*store_, {.days = 7, .seed = 1}, [&](std::span<const tracing::Visit> b, int) {
                for (const auto& v : b) index.Add(v);
                return Status::Ok();
              }).ok());
  index.Seal();
  const OutbreakOptions options{.from = internal::kGeneratedAt + 4LL * 3600 * 1000,
                                .hours = 8,
                                .seed = 7,
                                .source_attack = 0.1,
                                .until = internal::kGeneratedAt + 7LL * 86'400'000,
                                .model = "flat"};
  auto sum = GenerateOutbreak(*store_, index, options);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->source_venue_id, venues_->market_id);
  std::printf("outbreak: %lld infected (source %lld, venue %lld, household %lld), %lld detected, %lld generations\n",
              static_cast<long long>(sum->infected), static_cast<long long>(sum->by_source),
              static_cast<long long>(sum->by_venue), static_cast<long long>(sum->by_household),
              static_cast<long long>(sum->detected), static_cast<long long>(sum->generations));
  EXPECT_GT(sum->by_source, 10);
  EXPECT_GT(sum->by_venue + sum->by_household, 0);
  EXPECT_GT(sum->detected, 0);
  EXPECT_EQ(sum->infected, sum->by_source + sum->by_venue + sum->by_household);
  EXPECT_EQ(GenerateOutbreak(*store_, index, options).status().code(), StatusCode::kConflict);

  struct Truth {
    int64_t infector, venue, generation, infected_at, onset_at, detected_at;
    std::string route;
  };
  std::map<int64_t, Truth> truth;
  for (const auto& r : Query("SELECT person_id, infector_id, venue_id, route, generation, infected_at, onset_at, "
                             "detected_at FROM outbreak_truth")
                           .rows) {
    truth[r.Int(0)] = {r.Int(1), r.Int(2), r.Int(4), r.Int(5), r.Int(6), r.Int(7), r.Text(3)};
  }
  EXPECT_EQ(static_cast<int64_t>(truth.size()), sum->infected);
  const tracing::ContactRules rules;
  const tracing::Minute end = tracing::ToMinute(sum->until);
  for (const auto& [person, t] : truth) {
    EXPECT_LT(tracing::ToMinute(t.infected_at), end);
    if (t.onset_at) {
      EXPECT_GT(t.onset_at, t.infected_at);
    }
    if (t.detected_at) {
      EXPECT_GT(t.detected_at, t.infected_at);
    }
    if (t.route == "source") {
      EXPECT_EQ(t.venue, sum->source_venue_id);
      EXPECT_EQ(t.infector, 0);
      EXPECT_EQ(t.generation, 0);
      continue;
    }
    ASSERT_TRUE(truth.count(t.infector)) << person << " infected by someone not infected";
    const Truth& by = truth.at(t.infector);
    EXPECT_LT(by.infected_at, t.infected_at);
    EXPECT_EQ(t.generation, by.generation + 1);
    if (t.route == "household") {
      auto h = Query("SELECT COUNT(DISTINCT household_code) FROM residents WHERE id IN (?, ?)", {person, t.infector});
      EXPECT_EQ(h[0].Int(0), 1) << person << " and " << t.infector << " do not share a household";
      continue;
    }
    ASSERT_EQ(t.route, "venue");
    const tracing::Minute at = tracing::ToMinute(t.infected_at);
    bool contact = false;
    for (const auto& a : index.Trajectory(static_cast<uint32_t>(t.infector), at - 2 * 1440, at)) {
      for (const auto& b : index.Trajectory(static_cast<uint32_t>(person), at - 2 * 1440, at)) {
        contact = contact || (a.venue == t.venue && tracing::IsContact(a, b, rules));
      }
    }
    EXPECT_TRUE(contact) << person << " has no contact with " << t.infector << " at venue " << t.venue;
  }
  // Cases: a subset of the truth, detected in the data's time, reported after onset.
  auto cases = Query(
      "SELECT resident_id, kind, onset_date, report_date, created_by, infector_case_id, "
      "household_code FROM cases ORDER BY id");
  EXPECT_EQ(static_cast<int64_t>(cases.size()), sum->detected);
  int64_t early_with_source = 0, early = 0;
  const tracing::Minute first_day = tracing::ToMinute(internal::kGeneratedAt);
  for (const auto& c : cases.rows) {
    ASSERT_TRUE(truth.count(c.Int(0)));
    const Truth& t = truth.at(c.Int(0));
    EXPECT_NE(t.detected_at, 0);
    EXPECT_EQ(c.Text(3), DateShanghai(t.detected_at));
    EXPECT_EQ(c.Text(4), "gen");
    EXPECT_TRUE(c.IsNull(5));
    EXPECT_FALSE(c.Text(6).empty());
    if (c.Text(1) == "confirmed") {
      ASSERT_FALSE(c.IsNull(2));
      EXPECT_LE(c.Text(2), c.Text(3));
    } else {
      EXPECT_EQ(c.Text(1), "asymptomatic");
      EXPECT_TRUE(c.IsNull(2));
    }
    if (early < 10) {
      ++early;
      bool at_source = false;
      for (const auto& v : index.Trajectory(static_cast<uint32_t>(c.Int(0)), first_day, end)) {
        at_source = at_source || v.venue == sum->source_venue_id;
      }
      early_with_source += at_source;
    }
  }
  EXPECT_GE(early_with_source * 10, early * 7) << "most early cases were at the source";

  // The evaluation of the first cases against the truth holds together: the tiers
  // split the scored ring, the curves never fall as K grows and never list more than
  // K per case, the infected the cases themselves infected are a part of all infected.
  {
    tracing::Tracing tr(*store_, Clock::System());
    ASSERT_TRUE(tr.Start().ok());
    tracing::Cases cs(*store_, Clock::System(), tr);
    auto ev = EvaluateTracing(*store_, cs, tr, 3, {}, {});
    ASSERT_TRUE(ev.ok()) << ev.status().ToString();
    ASSERT_EQ(ev->all.tiers.size(), 5u);
    EXPECT_EQ(ev->all.tiers[3].tier, "close+exposed");
    EXPECT_EQ(ev->all.tiers[3].listed, ev->all.tiers[0].listed + ev->all.tiers[2].listed);
    EXPECT_LE(ev->all.tiers[3].listed, ev->listed_close);
    EXPECT_EQ(ev->all.ring_caught, ev->caught_close);
    EXPECT_LE(ev->direct.infected, ev->all.infected);
    EXPECT_EQ(ev->all.infected, ev->infected_by_then);
    for (const gen::Judged* j : {&ev->all, &ev->direct}) {
      for (const gen::RecallCurve* c : {&j->ranked, &j->unranked}) {
        for (size_t i = 0; i < c->at_k.size(); ++i) {
          EXPECT_LE(c->at_k[i].listed, c->at_k[i].k * ev->n);
          EXPECT_LE(c->at_k[i].caught, j->ring_caught);
          if (i) {
            EXPECT_GE(c->at_k[i].recall, c->at_k[i - 1].recall);
          }
        }
      }
    }
  }

  // The same seed gives the same outbreak on a copy of the data (fresh tables).
  ASSERT_TRUE(store_
                  ->Tx([](store::Conn& c) -> Status {
                    TC_RETURN_IF_ERROR(c.Exec("DELETE FROM cases").status());
                    return c.Exec("DELETE FROM outbreak_truth").status();
                  })
                  .ok());
  auto again = GenerateOutbreak(*store_, index, options);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->infected, sum->infected);
  EXPECT_EQ(again->detected, sum->detected);
  std::map<int64_t, Truth> truth2;
  for (const auto& r : Query("SELECT person_id, infector_id, venue_id, route, generation, infected_at, onset_at, "
                             "detected_at FROM outbreak_truth")
                           .rows) {
    truth2[r.Int(0)] = {r.Int(1), r.Int(2), r.Int(4), r.Int(5), r.Int(6), r.Int(7), r.Text(3)};
  }
  ASSERT_EQ(truth2.size(), truth.size());
  for (const auto& [person, t] : truth) {
    ASSERT_TRUE(truth2.count(person));
    EXPECT_EQ(truth2[person].infector, t.infector);
    EXPECT_EQ(truth2[person].infected_at, t.infected_at);
    EXPECT_EQ(truth2[person].detected_at, t.detected_at);
  }
}

}  // namespace
}  // namespace tc::gen

namespace tc::gen {
namespace {

// The stream's rate on an existing generated city (venues are added if missing), timed;
// never part of the suite:
//   TC_GEN_DB=/tmp/city.db TC_GEN_DAYS=1 ./tc_gen_test --gtest_also_run_disabled_tests --gtest_filter=*StreamRate*
TEST(CheckinStreamRate, DISABLED_StreamRate) {
  const char* db_env = std::getenv("TC_GEN_DB");
  const char* days_env = std::getenv("TC_GEN_DAYS");
  ASSERT_NE(db_env, nullptr) << "set TC_GEN_DB to a generated city's SQLite file";
  auto store = store::Store::Open(std::string("sqlite:") + db_env);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Migrate().ok());
  auto venues = GenerateVenues(**store, {.seed = 1});
  ASSERT_TRUE(venues.ok() || venues.status().code() == StatusCode::kConflict) << venues.status().ToString();
  const auto start = std::chrono::steady_clock::now();
  int64_t sum = 0;
  auto s = StreamCheckins(**store, {.days = days_env ? std::atoi(days_env) : 1, .seed = 1},
                          [&](std::span<const tracing::Visit> b, int) {
                            for (const auto& v : b) sum += v.venue;  // touch every visit
                            return Status::Ok();
                          });
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "%lld residents, %lld venues, %d days: %lld check-ins (%.2f per resident and day) in %.2f s "
      "generating (%.2f M/s), %.2f s with loading the city (checksum %lld)\n",
      static_cast<long long>(s->residents), static_cast<long long>(s->venues), s->days,
      static_cast<long long>(s->checkins),
      static_cast<double>(s->checkins) / static_cast<double>(s->residents) / s->days, s->seconds,
      static_cast<double>(s->checkins) / s->seconds / 1e6, total, static_cast<long long>(sum));
}

// An outbreak over a streamed index (the check-ins need not be stored), summarised:
//   TC_GEN_DB=/tmp/city.db TC_GEN_DAYS=14 ./tc_gen_test --gtest_also_run_disabled_tests --gtest_filter=*StreamedOutbreak*
TEST(CheckinStreamRate, DISABLED_StreamedOutbreak) {
  const char* db_env = std::getenv("TC_GEN_DB");
  const char* days_env = std::getenv("TC_GEN_DAYS");
  ASSERT_NE(db_env, nullptr) << "set TC_GEN_DB to a generated city's SQLite file (with venues)";
  const int days = days_env ? std::atoi(days_env) : 14;
  auto store = store::Store::Open(std::string("sqlite:") + db_env);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  tracing::Index index;
  ASSERT_TRUE(StreamCheckins(**store, {.days = days, .seed = 1}, [&](std::span<const tracing::Visit> b, int) {
                for (const auto& v : b) index.Add(v);
                return Status::Ok();
              }).ok());
  index.Seal();
  const auto start = std::chrono::steady_clock::now();
  auto sum = GenerateOutbreak(**store, index,
                              {.from = internal::kGeneratedAt + 30LL * 3600 * 1000,  // 2022-03-02T06:00
                               .hours = 8,
                               .seed = 1,
                               .until = internal::kGeneratedAt + days * 86'400'000LL});
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  std::printf("%lld check-ins; outbreak at %s %s: %lld infected (source %lld, venue %lld, household %lld), "
              "%lld generations, %lld detected (%lld confirmed, %lld asymptomatic), first report %s; %.2f s\n",
              static_cast<long long>(index.size()), sum->source_code.c_str(), sum->source_name.c_str(),
              static_cast<long long>(sum->infected), static_cast<long long>(sum->by_source),
              static_cast<long long>(sum->by_venue), static_cast<long long>(sum->by_household),
              static_cast<long long>(sum->generations), static_cast<long long>(sum->detected),
              static_cast<long long>(sum->confirmed), static_cast<long long>(sum->asymptomatic),
              sum->first_report_date.c_str(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace
}  // namespace tc::gen
