// A mobility-plausible check-in stream (扫码 at 场所码) for a generated city with
// venues: every resident lives in a home community; children 6–17 scan in and out
// of a school near home on weekdays; ~70 % of adults 18–59 work at an office or
// factory (in and out, weekdays, some Saturdays), some commuting by station; and
// everyone visits supermarkets, restaurants, malls and other venues near home (or
// near work at lunch), hospitals rarely, and wholesale markets — the big one draws
// ~60 k visits a day at full scale from the whole city, half again more on
// weekends. About 5 check-ins per resident per day, at plausible hours; only
// school, work and hospital visits carry a leave time. No resident checks in twice
// at the same venue and minute.
//
//   gen::CheckinOptions o{.days = 7, .seed = 1};
//   TC_ASSIGN_OR_RETURN(auto sum, gen::StreamCheckins(store, o,
//       [&](std::span<const tracing::Visit> batch, int day) { index.Add...; return Status::Ok(); }));
//
// Deterministic: the same city, venues and options give the same visits in the same
// order. Single-threaded; the per-resident state is 16 bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "gen/internal/builder.h"
#include "store/store.h"
#include "tracing/rules.h"

namespace tc::gen {

inline constexpr int kMaxCheckinDays = 366;

struct CheckinOptions {
  int days = 14;
  // Shanghai midnight of the first day, not before the city was generated.
  Millis start = internal::kGeneratedAt;
  uint64_t seed = 1;
  // After each generated (and, for GenerateCheckins, written) day: day index,
  // that day's check-ins, the running total. May be empty.
  std::function<void(int day, int64_t day_checkins, int64_t total)> progress;
};

struct CheckinSummary {
  int64_t residents = 0, venues = 0, checkins = 0;
  int days = 0;
  int64_t market_id = 0;         // the big wholesale market
  std::vector<int64_t> per_day;  // check-ins per day
  double seconds = 0;            // generating (and writing), without loading the city
};

// Receives the visits of one day in batches of up to ~1 M, in no particular order
// (grouped by resident), times in minutes. An error stops the stream and is returned.
using CheckinSink = std::function<Status(std::span<const tracing::Visit> batch, int day)>;

// Reads residents and venues from the store and streams the check-ins of
// options.days days into sink, day by day; writes nothing. InvalidArgument for
// days outside [1, kMaxCheckinDays] or a start that is not a Shanghai midnight on
// or after the city's generation; NotFound if the store has no venues or residents.
Result<CheckinSummary> StreamCheckins(store::Store& store, const CheckinOptions& options, const CheckinSink& sink);

// Writes the same stream into `checkins` through the bulk path: each day sorted by
// (arrival, person, venue), so ids follow arrival order within the day, in
// transactions of at most 2 M rows (a day is all or nothing only per transaction).
// Appends one audit entry (actor "gen", action "gen.checkins"). Conflict if the
// table already has check-ins.
Result<CheckinSummary> GenerateCheckins(store::Store& store, const CheckinOptions& options);

// GenerateCheckins after GenerateVenues({.seed = options.seed}) when the store has
// no venues yet (`tongchou gen checkins`, the demo).
Result<CheckinSummary> GenerateCheckinsWithVenues(store::Store& store, const CheckinOptions& options);

}  // namespace tc::gen
