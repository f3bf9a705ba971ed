// Synthetic 12345 requests (`tongchou gen hotline`): a hotline's traffic at a
// Beijing-like volume per resident (2023: ~21 M requests a year for 21.85 M people,
// ~58,700 a day) over the registry's city, with the weekly and daily rhythm (more on
// Mondays, peaks 9–11 and 14–16, few at night), a category mix that follows the
// season (heating complaints from 15 October to 15 April) and an epidemic wave when
// the data hold confirmed cases (read through tracing::Cases::Epidemic, never its
// tables): on days with cases and the 14 after, epidemic.* requests rise with the
// cases, capped at a believable share.
//
// Texts are the classifier's training corpus (hotline::TrainingExamples(), never the
// held-out split or the independent test set), each varied as callers and agents say
// it (prefixes, a time or place phrase, numbers changed, sometimes traditional
// characters or full-width digits, which the intake's NormalizeText folds); the label
// is the corpus line's leaf. Addresses are hotline::AddressNoise over the registry's
// areas, resolved by the hotline service's own resolver; routing, priorities,
// deadlines, reminders and escalations follow hotline/workflow.h (Received, Apply,
// Sweep), so every row is what the service would have written by midnight after
// `end_date`. A bulk loader: rows go straight into hotline_requests (and
// hotline_request_log), one transaction per chunk, with one `gen.hotline` audit entry.
//
//   TC_ASSIGN_OR_RETURN(auto sum, gen::GenerateHotline(store, {.days = 30, .seed = 1}));
//   std::printf("%lld requests, %.1f %% epidemic\n", (long long)sum.requests, 100 * sum.epidemic_share());
//
// Deterministic: the same registry, cases, options and seed give the same rows.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::gen {

struct HotlineOptions {
  int days = 30;         // receipt days ending at `end_date`
  std::string end_date;  // YYYY-MM-DD; "" = the day before today (Shanghai)
  double per_resident_per_day = 58700.0 / 21'850'000;  // Beijing 2023: ~21 M a year / 21.85 M people
  int64_t per_day = 0;  // > 0: this many a day on average instead (benchmarks: 58,700)
  uint64_t seed = 1;
  bool log = true;  // also write hotline_request_log rows (off for the 21 M benchmark)
  // Extra epidemic requests a day per case reported in the last 15 days, and the
  // largest share of a day's requests the epidemic categories may take.
  double epidemic_per_case = 10;
  double epidemic_cap = 0.4;
  // Requests classified by the real classifier (their suggestions are its top three):
  // all of them up to this many, else an even sample of about this many; the rest
  // carry their label as the one suggestion with score 1.
  int64_t classify_sample = 10'000;
  // Called after each day is written: (requests written so far, expected in all).
  std::function<void(int64_t done, int64_t total)> progress;
};

struct HotlineSummary {
  std::string from_date, to_date;  // the receipt days
  Millis as_of = 0;                // midnight after to_date: the rows' state is as of then
  int64_t population = 0;
  int64_t requests = 0;        // rows written (merged duplicates included)
  int64_t merged = 0;          // repeat calls merged into an open request
  int64_t epidemic = 0;        // requests in epidemic.* categories
  int64_t epidemic_wave = 0;   // of which the extra ones the cases brought
  int64_t no_address = 0, typo_addresses = 0, pending_dispatch_at_intake = 0;
  int64_t classified = 0, classifier_agreed = 0;  // the sample the classifier ran on
  int64_t log_rows = 0;
  std::map<std::string, int64_t> by_category;  // leaf code → requests
  std::map<std::string, int64_t> by_status;    // state name → requests, as of `as_of`
  std::map<std::string, int64_t> per_day;      // date → requests received that day
  double generate_seconds = 0;  // making the rows (texts, addresses, lifecycles)
  double write_seconds = 0;     // writing them (overlaps with generating the next day)
  double seconds = 0;           // wall time in all
  double epidemic_share() const { return requests ? double(epidemic) / double(requests) : 0; }
  double rate() const { return seconds > 0 ? double(requests) / seconds : 0; }
  double generate_rate() const { return generate_seconds > 0 ? double(requests) / generate_seconds : 0; }
};

// Generates the requests into a migrated store holding a city (registry areas and
// residents). Opens a hotline::Hotline first (seeding the taxonomy, reading its rules,
// aliases and resolver). Appends after any requests already stored (ids continue);
// when the hotline tables are empty their secondary indexes are dropped during the
// load and rebuilt at the end. InvalidArgument (naming the field) for days outside
// 1–3660, a malformed end_date, a negative rate or a cap outside (0, 1); NotFound when
// the registry has no residents and per_day is 0.
Result<HotlineSummary> GenerateHotline(store::Store& store, const HotlineOptions& options);

}  // namespace tc::gen
