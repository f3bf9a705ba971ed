// A seeded outbreak on top of generated check-ins, with its ground truth: people
// present at a source venue during an infection window are infected; each infected
// person becomes infectious ~2 days before symptom onset (lognormal incubation,
// median 5 days) until isolated at detection, and infects people at shared venues
// and household members (a chance per member over the infectious period).
// Symptomatic people are reported 1–3 days after onset; some asymptomatic ones are
// found by screening. The simulation stops at the end of the check-in data.
//
// Two transmission models:
//   "dose" (default) — what check-ins do not record (gen/transmission.h): every
//     venue has zones and every visit a zone and a real presence (the leave time, or a
//     hidden stay drawn per visit); a pair's chance grows with the minutes of real
//     overlap and is much higher in one zone; at the source, with the minutes present
//     and in its hot zones. The truth records the zone (outbreak_truth.zone).
//   "flat" — the rule the tracer applies: one chance per contact under
//     tracing::IsContact (default rules) and per visit at the source; kept unchanged
//     for comparison.
//
//   tracing::Index index;
//   TC_RETURN_IF_ERROR(tracing::LoadCheckins(store, index).status());
//   index.Seal();
//   TC_ASSIGN_OR_RETURN(auto sum, gen::GenerateOutbreak(store, index,
//       {.from = *ParseTime("2022-03-03T06:00:00+08:00"), .hours = 8, .seed = 1}));
//
// Deterministic: the same check-ins and options give the same rows.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "gen/transmission.h"
#include "store/store.h"
#include "tracing/index.h"

namespace tc::gen {

struct OutbreakOptions {
  std::string source_code;  // venue code (场所码); "" or "auto": the big wholesale market
  Millis from = 0;          // start of the infection window at the source
  double hours = 8;         // length of the window
  uint64_t seed = 1;
  double source_attack = 0.05;     // flat: chance per visit present at the source in the window
  double venue_attack = 0.0001;    // flat: chance per contact at a shared venue while infectious
  double household_attack = 0.15;  // both: chance per household member over the infectious period
  double asymptomatic_share = 0.25;
  double asymptomatic_found = 0.6;  // share of asymptomatic infections found by screening
  double incubation_median_days = 5, incubation_sigma = 0.45;
  Millis until = 0;  // end of the simulation; 0: midnight after the last check-in
  std::string model = "dose";  // "dose" or "flat"
  DoseParameters dose;         // the dose model's parameters (ignored by "flat")
};

struct OutbreakSummary {
  int64_t source_venue_id = 0;
  std::string source_code, source_name;
  int64_t infected = 0, detected = 0;                     // truth rows; cases rows
  int64_t confirmed = 0, asymptomatic = 0;                // among the detected
  int64_t by_source = 0, by_venue = 0, by_household = 0;  // truth rows per route
  int64_t by_venue_same_zone = 0;                         // dose: venue infections within the infector's zone
  // Source and venue infections by the venue's kind (tracing::VenueKinds() order, kinds with none left out).
  std::vector<std::pair<std::string, int64_t>> by_kind;
  std::string model;
  int64_t generations = 0;                                // highest generation + 1
  Millis until = 0;
  std::string first_report_date;  // "" if nobody was detected
};

// Simulates the outbreak over `index` (the store's check-ins, sealed) and writes
// `outbreak_truth` for every infected person (with the zone of a dose-model
// infection at a venue) and `cases` (created_by "gen", no infector link) for those
// detected by the end, in one transaction with one audit entry (actor "gen", action
// "gen.outbreak", with the model and the shares per route and venue kind). NotFound
// for an unknown source venue or no check-ins; InvalidArgument (FieldInvalid naming
// the field) for an unknown model, a window outside the data or bad rates
// ("source_attack", "dose.beta.office", …); Conflict if the store already has an
// outbreak's truth.
Result<OutbreakSummary> GenerateOutbreak(store::Store& store, const tracing::Index& index,
                                         const OutbreakOptions& options);

}  // namespace tc::gen
