// The dose-based transmission model of `gen outbreak` (model "dose"): what check-ins
// do not record, as deterministic functions of (seed, ids) — every venue's zones
// (a market's sections, a restaurant's tables, a school's classes, an office's teams,
// a factory's lines, a station's halls …), every visit's zone and its real presence —
// and the chance of transmission per pair of visits from the minutes their real
// presences overlap, much higher inside one zone. Generator-only: nothing here is
// stored with check-ins or read by src/tracing; the truth (outbreak_truth.zone) keeps
// the zone an infection happened in.
//
// Every parameter's value and source: docs/transmission-model.md (citation keys in
// brackets below).
//
//   const Zoning z = ZoningOf(KindIndex("restaurant"), 120);       // 30 tables
//   const uint32_t zone = ZoneOf(seed, visit, z);                  // drawn per visit
//   const Minute end = RealEnd(seed, visit, KindIndex("restaurant"));  // 30–90 min after arrival
//   const double p = PairChance(params, kind, overlap_minutes, same_zone);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "tracing/rules.h"

namespace tc::gen {

// The seed of an outbreak's hidden world (zones, real stays, hot zones) from the
// outbreak's seed: the same seed, the same world.
uint64_t WorldSeed(uint64_t outbreak_seed);

// Venue kinds as indexes in tracing::VenueKinds() order.
inline constexpr size_t kVenueKindCount = 10;
enum VenueKindIndex : size_t {
  kKindMarket,
  kKindSupermarket,
  kKindRestaurant,
  kKindMall,
  kKindOffice,
  kKindFactory,
  kKindSchool,
  kKindHospital,
  kKindStation,
  kKindOther,
};
// The index of `kind` in tracing::VenueKinds(); kKindOther for an unknown kind.
size_t KindIndex(std::string_view kind);

// The model's parameters, all in one place (defaults calibrated in
// docs/transmission-model.md). Chances are per pair of visits:
//   p = 1 − exp(−beta[kind] · minutes of real overlap · (same zone ? zone_factor[kind] : 1)).
struct DoseParameters {
  // Per minute of real overlap with an infectious person elsewhere in the venue, by
  // kind (tracing::VenueKinds() order). Shops, markets and stations: a casual contact
  // of half an hour well under 0.1 % [Luo2020: public transport 0.1 %, health care
  // 1.0 % per traced close contact; Thompson2021: casual contacts 1.2 %]. Offices,
  // factories and schools: tiny per minute across the venue (hundreds of people far
  // apart), see zone_factor.
  std::array<double, kVenueKindCount> beta = {
      /* wholesale_market */ 3.0e-6,
      /* supermarket      */ 1.5e-5,
      /* restaurant       */ 5.0e-6,
      /* mall             */ 1.2e-7,
      /* office           */ 3.0e-7,
      /* factory          */ 1.5e-7,
      /* school           */ 1.0e-7,
      /* hospital         */ 1.0e-6,
      /* station          */ 1.5e-6,
      /* other            */ 3.0e-6,
  };
  // Multiplier inside the same zone (same stall row, table, class, team, line, hall):
  // the people within a few metres, sharing air and surfaces [Lu2020: one restaurant,
  // infections at the index table and the two beside it only; Park2020: a call centre,
  // 94 of 216 on one floor, almost all on one side of it; Bi2020, Luo2020: risk rises
  // with closeness and duration of contact]. Workplaces and classes: a colleague beside
  // a case for a working day ~0.5–1 %, so a week of shared shifts a few percent.
  std::array<double, kVenueKindCount> zone_factor = {
      /* wholesale_market */ 8,
      /* supermarket      */ 5,
      /* restaurant       */ 40,
      /* mall             */ 20,
      /* office           */ 150,
      /* factory          */ 100,
      /* school           */ 120,
      /* hospital         */ 10,
      /* station          */ 3,
      /* other            */ 10,
  };
  // The source (a contaminated venue, 新发地-like): per minute present in the
  // infection window outside its hot zones, and the multiplier inside them
  // [Xinfadi: the cases clustered in a few halls — the seafood and beef-mutton
  // sections]. An hour in a hot section ~20 %, elsewhere ~1 %.
  double source_beta = 4.0e-4;
  double source_hot_factor = 30;
  // Share of the source's zones that are hot (at least one zone).
  double hot_zone_share = 0.15;
  // Relative infectiousness of an asymptomatic infection at venues [Madewell2020:
  // household SAR 0.7 % from asymptomatic vs 18 % from symptomatic index cases;
  // Thompson2021: about one seventh].
  double asymptomatic_infectiousness = 0.3;
};

// FieldInvalid naming the field ("dose.beta.office", "dose.zone_factor.school",
// "dose.source_beta", …) for a chance per minute outside [0, 1], a factor below 1 or
// above 1000, a share outside (0, 1] or a relative infectiousness outside [0, 1].
Status ValidateDose(const DoseParameters& p);

// How a venue is divided: `zones` zones of a named unit (a function of kind and
// capacity); `stable`: a person's zone at the venue is the same on every visit
// (their team, class or line), else drawn per visit.
struct Zoning {
  uint32_t zones = 1;
  std::string_view unit;  // "section", "table", "class", "team", "line", "hall", …
  bool stable = false;
};
Zoning ZoningOf(size_t kind, int64_t capacity);

// The zone of a visit, in [0, z.zones): a hash of (seed, person, venue) for stable
// zonings, of (seed, person, venue, arrival) otherwise.
uint32_t ZoneOf(uint64_t seed, const tracing::Visit& v, const Zoning& z);
// "table 12" (1-based, as people number them).
std::string ZoneLabel(const Zoning& z, uint32_t zone);

// The hidden real stay of a visit without a leave time, by kind, [lo, hi] minutes
// (market 20–90, restaurant 30–90, supermarket 10–40, station 5–30 …).
struct StayRange {
  tracing::Minute lo, hi;
};
StayRange HiddenStay(size_t kind);
inline constexpr tracing::Minute kMaxHiddenStay = 540;  // the longest any kind draws
// The end of a visit's real presence: its leave time, else arrival + a stay drawn
// from HiddenStay(kind) by a hash of (seed, person, venue, arrival).
tracing::Minute RealEnd(uint64_t seed, const tracing::Visit& v, size_t kind);

// Whether `zone` is one of the source venue's hot zones: ceil(share · zones) of them
// (at least one), picked by a hash of (seed, venue).
bool IsHotZone(uint64_t seed, uint32_t venue, uint32_t zone, const Zoning& z, double share);

// The chance of transmission for `overlap` minutes of real presence together
// (`infectiousness` 1 for a symptomatic infector).
double PairChance(const DoseParameters& p, size_t kind, tracing::Minute overlap, bool same_zone,
                  double infectiousness = 1.0);
// The chance of infection at the source for `present` minutes in its window.
double SourceChance(const DoseParameters& p, tracing::Minute present, bool hot_zone);

}  // namespace tc::gen
