// A realistic mass-testing round on the generated city, through the screening
// service (nothing written around it): a test site in every community (lanes for
// its population), labs for the city's tubes, one round over the city, and people
// sampled through the day at their community's site as its lanes allow — most of
// them (90–95 %), the bedridden at home — onto tubes of k, closed when full, boxed
// and handed to a lab. Results follow: a tube holding someone the outbreak infected
// (detectable from two days after infection, with the test's sensitivity) is
// positive, a few are invalid, the rest negative; members of positive and invalid
// pools are then retested alone, and an infected member's retest is positive
// (IndividualPositive: a suspected case once the cases module reads the event).
//
// Deterministic for the same city, outbreak and options.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "screening/screening.h"
#include "store/store.h"

namespace tc::gen {

struct TestingRoundOptions {
  std::string date;        // the sampling day (YYYY-MM-DD); "" = the day after the last check-in
  int days = 1;            // the round stays open this many days from `date` (sampling on the first)
  double coverage = 0.92;  // share of the due sampled on the day
  int pool_size = 10;
  uint64_t seed = 1;
  bool results = true;     // labs report, and positive pools are retested
  double sensitivity = 0.95;
  double invalid_share = 0.001;
  int batch = 100'000;     // scans per Register call
  std::string name;        // "" = "全员核酸检测 <date>"
  Millis now = 0;          // results later than this are not in yet (0: the system clock)
};

struct TestingRoundSummary {
  int64_t round_id = 0;
  int64_t sites = 0, labs = 0;
  int64_t due = 0, sampled = 0, rejected = 0, tubes = 0;
  int64_t negative = 0, positive_pools = 0, invalid = 0, followups = 0;
  int64_t retests = 0, individual_positive = 0;
  double register_seconds = 0;  // the scans' Register calls alone
  double seconds = 0;
};

Result<TestingRoundSummary> GenerateTestingRound(store::Store& store, screening::Screening& screening,
                                                 const TestingRoundOptions& options);

}  // namespace tc::gen
