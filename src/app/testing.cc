// `tongchou testing …`: mass testing from the command line.
#include <cstdio>

#include "app/app.h"
#include "screening/planning.h"

namespace tc::app {

int RunTestingPlan(const TestingPlanOptions& o) {
  auto plan = screening::PlanCity(o.prevalence, o.max_pool, o.capacity, o.population);
  if (!plan.ok()) {
    std::fprintf(stderr, "tongchou testing plan: %s\n", plan.status().ToString().c_str());
    return 2;
  }
  const auto& c = plan->choice;
  std::printf("prevalence %.6g (%.4g %%), pools of at most %d\n", o.prevalence, o.prevalence * 100, o.max_pool);
  if (c.individual_wins) {
    std::printf("best pool size: 1 (test everyone alone: no pool size brings the expected tests below 1)\n");
  } else {
    std::printf("best pool size: %d (%d-in-1)\n", c.k, c.k);
  }
  std::printf("expected tests per person: %.4f (%.1f %% of testing everyone alone)\n", c.tests_per_person,
              c.tests_per_person * 100);
  std::printf("  k   E(k)\n");
  for (size_t k = 0; k < plan->curve.size(); ++k) {
    std::printf("%3zu   %.4f%s\n", k + 1, plan->curve[k], static_cast<int>(k + 1) == c.k ? "  <- best" : "");
  }
  if (o.capacity > 0) {
    std::printf("lab capacity %lld tests a day covers %lld people a day\n", static_cast<long long>(o.capacity),
                static_cast<long long>(plan->people_per_day));
    if (o.population > 0) {
      std::printf("a round of %lld people takes %.2f days\n", static_cast<long long>(o.population),
                  plan->days_for_city);
    }
  }
  return 0;
}

}  // namespace tc::app
