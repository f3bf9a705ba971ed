// A hospital bed forecast (床位预测) from the quarantine pipeline: how many of the
// contacts in quarantine today are expected to become cases on each coming day, the
// beds they need by kind, and occupancy and shortfall per day. Pure; expected values.
//
// The model (discrete days; today is day 0, the forecast days are 1..N):
//   - a contact of a tier with quarantine length L and attack rate a becomes a case on
//     each of its L quarantine days with probability a / L (the attack rate spread
//     evenly over the quarantine; the pool is not depleted by earlier cases), so a
//     contact on quarantine day d today adds a / L on every forecast day t with d + t ≤ L;
//   - cases(t) = Σ tiers  a / L · Σ_{d + t ≤ L} contacts on day d,  plus the known
//     cases awaiting a bed on day 1;
//   - admissions of kind k on day t = share_k · cases(t) (the rest need no bed);
//   - a patient admitted on day t stays length_of_stay_k days: discharged on day
//     t + LOS_k; today's patients leave evenly, occupied_k / LOS_k on each of days 1..LOS_k;
//   - occupancy_k(t) = occupancy_k(t − 1) + admissions − discharges;
//     shortfall_k(t) = max(0, occupancy_k(t) − beds_k).
//
//   ForecastInput in;                       // defaults: ForecastParams{}
//   in.close.by_day = {120, 80, …};         // close contacts on quarantine day 1, 2, …
//   in.kinds[kIcu].beds = 40; in.kinds[kIcu].occupied = 31;
//   Result<std::vector<ForecastDay>> f = ForecastBeds(in);
//   for (const ForecastDay& d : *f) d.kinds[kIcu].shortfall;
//
// Default parameters and their sources:
//   - attack rates: close contacts 3.7 % ([Luo2020], 3,410 close contacts in Guangzhou,
//     docs/transmission-model.md); secondary contacts 0.4 %, an assumption: an order of
//     magnitude below, as a secondary contact is exposed only if the close contact was
//     infected and infectious before quarantine;
//   - severity: 81 % mild (an ordinary bed, as China hospitalised every case), 14 %
//     severe, 5 % critical (ICU) — Wu Z, McGoogan JM, JAMA 2020;323:1239–1242, 72,314
//     cases from China CDC;
//   - length of stay: ordinary 14 days, severe 14, ICU 8 — Rees EM et al., "COVID-19
//     length of hospital stay: a systematic review and data synthesis", BMC Med
//     2020;18:270 (China: median hospital stay 10–19 days; ICU stays shorter).
// The quarantine lengths are the quarantine rules' (rules.h), 14 and 7 days.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tc::quarantine {

enum BedKind : int { kOrdinary = 0, kSevere = 1, kIcu = 2 };
inline constexpr int kBedKinds = 3;
std::string_view BedKindName(int k);  // ordinary | severe | icu

struct TierPipeline {
  int days = 14;               // the quarantine's length L
  double attack_rate = 0.037;  // over the whole quarantine, 0–1
  std::vector<double> by_day;  // contacts on quarantine day 1, 2, … today (at most `days` entries)
};

struct BedKindInput {
  double share = 0;         // of cases needing this kind of bed
  int length_of_stay = 14;  // days, ≥ 1
  double occupied = 0;      // beds taken today
  double beds = 0;          // beds of this kind
};

struct ForecastInput {
  TierPipeline close{14, 0.037, {}};
  TierPipeline secondary{7, 0.004, {}};
  double awaiting_bed = 0;  // known cases not yet admitted: admitted on day 1
  std::array<BedKindInput, kBedKinds> kinds{{{0.81, 14, 0, 0}, {0.14, 14, 0, 0}, {0.05, 8, 0, 0}}};
  int days = 14;  // forecast horizon, 1–90
};

struct KindDay {
  double admissions = 0, discharges = 0, occupancy = 0, shortfall = 0;
};
struct ForecastDay {
  int day = 0;           // 1..N
  double new_cases = 0;  // expected cases that day
  std::array<KindDay, kBedKinds> kinds;
};

// The forecast for days 1..in.days. InvalidArgument naming the field ("close.by_day",
// "kinds.icu.share") for attack rates or shares outside 0–1, shares summing above 1,
// a length of stay below 1, negative counts or beds, more days of contacts than the
// quarantine has, or a horizon outside 1–90.
Result<std::vector<ForecastDay>> ForecastBeds(const ForecastInput& in);

}  // namespace tc::quarantine
