// A seeded outbreak on top of generated check-ins, with its ground truth: people
// present at a source venue during an infection window are infected (a chance per
// visit); each infected person becomes infectious ~2 days before symptom onset
// (lognormal incubation, median 5 days) until isolated at detection, and infects
// people at shared venues (tracing::IsContact under the default rules, a small
// chance per contact) and household members (a larger chance). Symptomatic people
// are reported 1–3 days after onset; some asymptomatic ones are found by screening.
// The simulation stops at the end of the check-in data.
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

#include "base/status.h"
#include "base/time.h"
#include "store/store.h"
#include "tracing/index.h"

namespace tc::gen {

struct OutbreakOptions {
  std::string source_code;  // venue code (场所码); "" or "auto": the big wholesale market
  Millis from = 0;          // start of the infection window at the source
  double hours = 8;         // length of the window
  uint64_t seed = 1;
  double source_attack = 0.05;     // chance per visit present at the source in the window
  double venue_attack = 0.0001;    // chance per contact at a shared venue while infectious
  double household_attack = 0.15;  // chance per household member over the infectious period
  double asymptomatic_share = 0.25;
  double asymptomatic_found = 0.6;  // share of asymptomatic infections found by screening
  double incubation_median_days = 5, incubation_sigma = 0.45;
  Millis until = 0;  // end of the simulation; 0: midnight after the last check-in
};

struct OutbreakSummary {
  int64_t source_venue_id = 0;
  std::string source_code, source_name;
  int64_t infected = 0, detected = 0;                     // truth rows; cases rows
  int64_t confirmed = 0, asymptomatic = 0;                // among the detected
  int64_t by_source = 0, by_venue = 0, by_household = 0;  // truth rows per route
  int64_t generations = 0;                                // highest generation + 1
  Millis until = 0;
  std::string first_report_date;  // "" if nobody was detected
};

// Simulates the outbreak over `index` (the store's check-ins, sealed) and writes
// `outbreak_truth` for every infected person and `cases` (created_by "gen", no
// infector link) for those detected by the end, in one transaction with one audit
// entry (actor "gen", action "gen.outbreak"). NotFound for an unknown source venue
// or no check-ins; InvalidArgument for a window outside the data or bad rates;
// Conflict if the store already has an outbreak's truth.
Result<OutbreakSummary> GenerateOutbreak(store::Store& store, const tracing::Index& index,
                                         const OutbreakOptions& options);

}  // namespace tc::gen
