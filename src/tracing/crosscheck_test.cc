// The engine against plain SQL on a generated city (scale 0.05: ~450 k residents,
// 7 days, ~16 M check-ins, SQLite): for 100 random venue windows the visitors are
// the same rows, and for 20 random case sets the close contacts are the same
// people with the same earliest exposure (venue and household rules); for two
// one-case, one-day sets the secondary ring is compared too (its SQL takes minutes
// beyond that). The SQL is the rule written out: a self-join whose window is bounded
// by the venue's longest stay (a table computed once), no engine code.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "gen/city.h"
#include "gen/mobility.h"
#include "store/testing.h"
#include "tracing/checkins.h"
#include "tracing/service.h"

namespace tc::tracing {
namespace {

constexpr Millis kMinMs = 60'000;
constexpr Millis kMarginMs = 30 * kMinMs;
constexpr Millis kMaxStayMs = kMaxStayMinutes * kMinMs;

class CrossCheck : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = store::Store::Open("sqlite:" + store::testing::TempSqlitePath("crosscheck"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value().release();
    ASSERT_TRUE(store_->Migrate().ok());
    auto city = gen::GenerateCity(*store_, {.scale = 0.05, .seed = 7});
    ASSERT_TRUE(city.ok()) << city.status().ToString();
    auto checkins = gen::GenerateCheckinsWithVenues(*store_, {.days = 7, .seed = 7});
    ASSERT_TRUE(checkins.ok()) << checkins.status().ToString();
    summary_ = new gen::CheckinSummary(*checkins);
    // Each venue's longest stay bounds the self-join's window, as it bounds the engine's.
    ASSERT_TRUE(store_->Tx([](store::Conn& c) {
      return c.ExecScript(
          "CREATE TABLE venue_maxstay AS SELECT venue_id, MAX(COALESCE(leave_at - arrive_at, 0)) AS max_stay "
          "FROM checkins GROUP BY venue_id; CREATE UNIQUE INDEX venue_maxstay_id ON venue_maxstay(venue_id);");
    }).ok());
    tracing_ = new Tracing(*store_, Clock::System());
    ASSERT_TRUE(tracing_->Start().ok());
  }
  static void TearDownTestSuite() {
    delete tracing_;
    delete summary_;
    delete store_;
  }

  // (person, exposure ms) for every person the rule links to the sources in their
  // windows, earliest first; the household rule gives the source's window start.
  static std::map<int64_t, Millis> SqlRing(const std::vector<std::tuple<int64_t, Millis, Millis>>& sources) {
    std::map<int64_t, Millis> found;
    auto note = [&](int64_t person, Millis at) {
      auto [it, fresh] = found.emplace(person, at);
      if (!fresh) it->second = std::min(it->second, at);
    };
    EXPECT_TRUE(store_->Read([&](store::Conn& c) -> Status {
      for (const auto& [person, from, to] : sources) {
        TC_ASSIGN_OR_RETURN(
            auto rows,
            c.Query("SELECT b.person_id, MIN(MAX(a.arrive_at, b.arrive_at)) FROM checkins a "
                    "JOIN venue_maxstay m ON m.venue_id = a.venue_id "
                    "JOIN checkins b ON b.venue_id = a.venue_id AND b.person_id <> a.person_id "
                    "AND b.arrive_at BETWEEN a.arrive_at - m.max_stay - ? AND COALESCE(a.leave_at, a.arrive_at) + ? "
                    "WHERE a.person_id = ? AND a.arrive_at BETWEEN ? AND ? "
                    "AND b.arrive_at <= COALESCE(a.leave_at, a.arrive_at) + "
                    "  (CASE WHEN a.leave_at IS NULL OR b.leave_at IS NULL THEN ? ELSE 0 END) "
                    "AND a.arrive_at <= COALESCE(b.leave_at, b.arrive_at) + "
                    "  (CASE WHEN a.leave_at IS NULL OR b.leave_at IS NULL THEN ? ELSE 0 END) "
                    "GROUP BY b.person_id",
                    {kMarginMs, kMarginMs, person, from, to, kMarginMs, kMarginMs}));
        for (const auto& r : rows.rows) note(r.Int(0), r.Int(1));
        TC_ASSIGN_OR_RETURN(auto household,
                            c.Query("SELECT b.id FROM residents a JOIN residents b ON b.household_code = "
                                    "a.household_code AND b.id <> a.id AND b.status = 'active' WHERE a.id = ?",
                                    {person}));
        for (const auto& r : household.rows) note(r.Int(0), from);
      }
      return Status::Ok();
    }).ok());
    return found;
  }

  static std::map<int64_t, Millis> EngineRing(std::span<const Exposure> ring) {
    std::map<int64_t, Millis> out;
    for (const Exposure& e : ring) out[e.person] = ToMillis(e.at);
    return out;
  }

  void CheckVenueWindows();  // 100 random venue windows
  void CheckCaseSets();      // 20 random case sets

  static inline store::Store* store_ = nullptr;
  static inline Tracing* tracing_ = nullptr;
  static inline gen::CheckinSummary* summary_ = nullptr;
};

// One test: ctest runs each test in its own process, and the city takes minutes.
TEST_F(CrossCheck, EngineEqualsSqlOnAGeneratedCity) {
  CheckVenueWindows();
  if (HasFatalFailure()) return;
  CheckCaseSets();
}

void CrossCheck::CheckVenueWindows() {
  ASSERT_GT(summary_->checkins, 10'000'000) << "the cross-check needs a city-sized stream";
  std::vector<int64_t> venues;
  ASSERT_TRUE(store_->Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id FROM venues ORDER BY id"));
    for (const auto& r : rows.rows) venues.push_back(r.Int(0));
    return Status::Ok();
  }).ok());
  std::mt19937_64 rng(11);
  const Millis start = gen::CheckinOptions{}.start;
  int64_t compared_rows = 0;
  for (int q = 0; q < 100; ++q) {
    // Every fifth window is at the big market; the rest anywhere.
    const int64_t venue = q % 5 == 0 ? summary_->market_id : venues[rng() % venues.size()];
    const Millis t1 = start + static_cast<Millis>(rng() % (7 * 24 * 60)) * kMinMs;
    const Millis t2 = t1 + static_cast<Millis>(rng() % (48 * 60)) * kMinMs;
    std::vector<std::tuple<int64_t, Millis, Millis>> want, got;
    ASSERT_TRUE(store_->Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT person_id, arrive_at, COALESCE(leave_at, 0) FROM checkins "
                                             "WHERE venue_id = ? AND arrive_at <= ? AND arrive_at >= ? "
                                             "AND COALESCE(leave_at, arrive_at) >= ?",
                                             {venue, t2, t1 - kMaxStayMs, t1}));
      for (const auto& r : rows.rows) want.emplace_back(r.Int(0), r.Int(1), r.Int(2));
      return Status::Ok();
    }).ok());
    auto code = tracing_->GetVenueById(venue);
    ASSERT_TRUE(code.ok());
    auto r = tracing_->VenueVisitors(code->code, t1, t2);
    ASSERT_TRUE(r.ok());
    for (const Visit& v : r->visits) got.emplace_back(v.person, ToMillis(v.arrive), v.leave ? ToMillis(v.leave) : 0);
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, want) << "venue " << venue << " [" << FormatShanghai(t1) << ", " << FormatShanghai(t2) << "]";
    compared_rows += static_cast<int64_t>(want.size());
  }
  EXPECT_GT(compared_rows, 10'000);
}

void CrossCheck::CheckCaseSets() {
  std::mt19937_64 rng(13);
  const Minute start = ToMinute(gen::CheckinOptions{}.start);
  int64_t compared = 0;
  for (int set = 0; set < 20; ++set) {
    // Persons who checked in: picked from random check-in rows.
    const size_t n = set < 2 ? 1 : 1 + rng() % 10;
    const int days = set < 2 ? 1 : 1 + static_cast<int>(rng() % 4);
    std::vector<CaseWindow> cases;
    std::vector<std::tuple<int64_t, Millis, Millis>> sql_cases;
    ASSERT_TRUE(store_->Read([&](store::Conn& c) -> Status {
      while (cases.size() < n) {
        const int64_t row = static_cast<int64_t>(rng() % static_cast<uint64_t>(summary_->checkins)) + 1;
        TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT person_id FROM checkins WHERE id = ?", {row}));
        if (rows.empty()) continue;
        const uint32_t person = static_cast<uint32_t>(rows[0].Int(0));
        bool taken = false;
        for (const auto& k : cases) taken = taken || k.person == person;
        if (taken) continue;
        const Minute from = start + static_cast<Minute>(rng() % (7 - days + 1)) * 1440;
        cases.push_back({person, from, from + days * 1440 - 1});
        sql_cases.emplace_back(person, ToMillis(cases.back().from), ToMillis(cases.back().to));
      }
      return Status::Ok();
    }).ok());
    const bool secondary = set < 2;
    auto r = tracing_->Contacts(cases, {}, secondary, true);
    ASSERT_TRUE(r.ok()) << r.status().ToString();

    auto close = SqlRing(sql_cases);
    for (const auto& k : cases) close.erase(k.person);
    ASSERT_EQ(EngineRing(r->close), close) << "case set " << set;
    compared += static_cast<int64_t>(close.size());
    if (!secondary) continue;
    Millis last = 0;
    for (const auto& k : sql_cases) last = std::max(last, std::get<2>(k));
    std::vector<std::tuple<int64_t, Millis, Millis>> ring1;
    for (const auto& [person, at] : close) ring1.emplace_back(person, at, last);
    auto second = SqlRing(ring1);
    for (const auto& k : cases) second.erase(k.person);
    for (const auto& [person, at] : close) second.erase(person);
    ASSERT_EQ(EngineRing(r->secondary), second) << "case set " << set << " (secondary)";
    compared += static_cast<int64_t>(second.size());
  }
  EXPECT_GT(compared, 100);
}

}  // namespace
}  // namespace tc::tracing
