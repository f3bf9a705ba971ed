// Planning a mass-testing round (混采方案): Dorfman's two-stage pooling. A pool of k
// samples is tested once; if it is positive, each of its k people is retested alone.
// With prevalence p, the expected tests per person are E(k) = 1/k + 1 − (1−p)^k for
// k ≥ 2, and 1 for testing everyone alone (k = 1), which wins wherever no pool size
// brings E below 1. Pure functions, no state.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"

namespace tc::screening {

inline constexpr int kMaxPoolSize = 20;

// E(k) for k ≥ 1 (k = 1: individual testing, exactly 1).
double DorfmanTestsPerPerson(double prevalence, int k);

struct PoolChoice {
  int k = 1;                    // the best pool size (1: test everyone alone)
  double tests_per_person = 1;  // E(k)
  bool individual_wins = false; // no pool size ≤ max_pool beats 1
};

// The k in 1..max_pool with the smallest E(k) (ties: the smaller k). InvalidArgument
// naming `prevalence` outside [0, 1] or `max_pool` outside 1..20.
Result<PoolChoice> BestPoolSize(double prevalence, int max_pool = kMaxPoolSize);

struct CityPlan {
  PoolChoice choice;
  std::vector<double> curve;       // E(k) for k = 1..max_pool
  int64_t lab_tests_per_day = 0;   // the labs' capacity
  int64_t people_per_day = 0;      // floor(capacity / E(k))
  int64_t population = 0;
  double days_for_city = 0;        // population / people_per_day (0 without capacity)
};

// The choice, the curve and, from the labs' daily capacity, people covered per day
// and days for a whole-city round.
Result<CityPlan> PlanCity(double prevalence, int max_pool, int64_t lab_tests_per_day, int64_t population);

}  // namespace tc::screening
