#include "screening/planning.h"

#include <cmath>

namespace tc::screening {

double DorfmanTestsPerPerson(double prevalence, int k) {
  if (k <= 1) return 1.0;
  return 1.0 / k + 1.0 - std::pow(1.0 - prevalence, k);
}

Result<PoolChoice> BestPoolSize(double prevalence, int max_pool) {
  if (!(prevalence >= 0.0 && prevalence <= 1.0)) {
    return FieldInvalid("prevalence", "must be a share between 0 and 1 (0.001 = 0.1 %)");
  }
  if (max_pool < 1 || max_pool > kMaxPoolSize) {
    return FieldInvalid("max_pool", "must be 1 to " + std::to_string(kMaxPoolSize));
  }
  PoolChoice best;
  for (int k = 2; k <= max_pool; ++k) {
    const double e = DorfmanTestsPerPerson(prevalence, k);
    if (e < best.tests_per_person) best = {k, e, false};
  }
  best.individual_wins = best.k == 1;
  return best;
}

Result<CityPlan> PlanCity(double prevalence, int max_pool, int64_t lab_tests_per_day, int64_t population) {
  if (lab_tests_per_day < 0) return FieldInvalid("capacity", "must not be negative");
  if (population < 0) return FieldInvalid("population", "must not be negative");
  CityPlan plan;
  TC_ASSIGN_OR_RETURN(plan.choice, BestPoolSize(prevalence, max_pool));
  for (int k = 1; k <= max_pool; ++k) plan.curve.push_back(DorfmanTestsPerPerson(prevalence, k));
  plan.lab_tests_per_day = lab_tests_per_day;
  plan.population = population;
  plan.people_per_day = static_cast<int64_t>(std::floor(static_cast<double>(lab_tests_per_day) /
                                                        plan.choice.tests_per_person));
  if (plan.people_per_day > 0) {
    plan.days_for_city = static_cast<double>(population) / static_cast<double>(plan.people_per_day);
  }
  return plan;
}

}  // namespace tc::screening
