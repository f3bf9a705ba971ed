#include "quarantine/forecast.h"

#include <gtest/gtest.h>

namespace tc::quarantine {
namespace {

// A hand-computed case, every number a sum of powers of two so doubles hold it exactly.
//
// Pipeline today:
//   close:     L = 4 days, attack rate 1/2 → 1/8 per contact-day; on quarantine days 1..4: 16, 8, 0, 8
//   secondary: L = 2 days, attack rate 1/4 → 1/8 per contact-day; on days 1..2: 8, 16
//   2 known cases await a bed (admitted on day 1).
// Expected cases, cases(t) = 1/8 · (contacts with d + t ≤ L) + awaiting on day 1:
//   t=1: close d ≤ 3: 16+8+0 = 24 → 3;  secondary d ≤ 1: 8 → 1;  + 2  = 6
//   t=2: close d ≤ 2: 24 → 3;           secondary none           = 3
//   t=3: close d ≤ 1: 16 → 2                                     = 2
//   t=4: none                                                    = 0
// Kinds: share, LOS, occupied today, beds:
//   ordinary 1/2, 2 days, 10, 8;  severe 1/4, 4 days, 4, 4;  icu 1/8, 2 days, 2, 2
// Admissions = share · cases:
//   ordinary 3, 1.5, 1, 0;  severe 1.5, 0.75, 0.5, 0;  icu 0.75, 0.375, 0.25, 0
// Discharges: today's patients occupied/LOS on days 1..LOS, then admissions of day t − LOS:
//   ordinary 5, 5, 3 (day 1's), 1.5 (day 2's);  severe 1, 1, 1, 1;  icu 1, 1, 0.75, 0.375
// Occupancy (previous + admissions − discharges), shortfall = max(0, occupancy − beds):
//   ordinary 10+3−5 = 8 (0), 8+1.5−5 = 4.5, 4.5+1−3 = 2.5, 2.5−1.5 = 1
//   severe   4+1.5−1 = 4.5 (0.5), 4.5+0.75−1 = 4.25 (0.25), 4.25+0.5−1 = 3.75, 3.75−1 = 2.75
//   icu      2+0.75−1 = 1.75, 1.75+0.375−1 = 1.125, 1.125+0.25−0.75 = 0.625, 0.625−0.375 = 0.25
TEST(Forecast, HandComputedFourDays) {
  ForecastInput in;
  in.close = {4, 0.5, {16, 8, 0, 8}};
  in.secondary = {2, 0.25, {8, 16}};
  in.awaiting_bed = 2;
  in.kinds = {{{0.5, 2, 10, 8}, {0.25, 4, 4, 4}, {0.125, 2, 2, 2}}};
  in.days = 4;
  const auto f = ForecastBeds(in);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->size(), 4u);

  const double cases[] = {6, 3, 2, 0};
  const double adm[3][4] = {{3, 1.5, 1, 0}, {1.5, 0.75, 0.5, 0}, {0.75, 0.375, 0.25, 0}};
  const double dis[3][4] = {{5, 5, 3, 1.5}, {1, 1, 1, 1}, {1, 1, 0.75, 0.375}};
  const double occ[3][4] = {{8, 4.5, 2.5, 1}, {4.5, 4.25, 3.75, 2.75}, {1.75, 1.125, 0.625, 0.25}};
  const double shortfall[3][4] = {{0, 0, 0, 0}, {0.5, 0.25, 0, 0}, {0, 0, 0, 0}};
  for (int t = 0; t < 4; ++t) {
    const ForecastDay& d = (*f)[t];
    EXPECT_EQ(d.day, t + 1);
    EXPECT_EQ(d.new_cases, cases[t]) << "day " << t + 1;
    for (int k = 0; k < kBedKinds; ++k) {
      EXPECT_EQ(d.kinds[k].admissions, adm[k][t]) << BedKindName(k) << " day " << t + 1;
      EXPECT_EQ(d.kinds[k].discharges, dis[k][t]) << BedKindName(k) << " day " << t + 1;
      EXPECT_EQ(d.kinds[k].occupancy, occ[k][t]) << BedKindName(k) << " day " << t + 1;
      EXPECT_EQ(d.kinds[k].shortfall, shortfall[k][t]) << BedKindName(k) << " day " << t + 1;
    }
  }
}

TEST(Forecast, BadInputIsRefusedNamingTheField) {
  ForecastInput in;
  in.close.by_day.assign(15, 1);  // 15 days of a 14-day quarantine
  EXPECT_EQ(ForecastBeds(in).status().field_errors().at(0).field, "close.by_day");
  in = {};
  in.kinds[kIcu].share = 0.5;  // 0.81 + 0.14 + 0.5 > 1
  EXPECT_EQ(ForecastBeds(in).status().field_errors().at(0).field, "kinds");
  in = {};
  in.kinds[kSevere].length_of_stay = 0;
  EXPECT_EQ(ForecastBeds(in).status().field_errors().at(0).field, "kinds.severe.length_of_stay");
  in = {};
  in.secondary.attack_rate = 1.5;
  EXPECT_EQ(ForecastBeds(in).status().field_errors().at(0).field, "secondary.attack_rate");
  in = {};
  in.days = 0;
  EXPECT_EQ(ForecastBeds(in).status().field_errors().at(0).field, "days");
}

}  // namespace
}  // namespace tc::quarantine
