// `tongchou testing …`: mass testing from the command line.
#include <cstdio>

#include "app/app.h"
#include "gen/testing_round.h"
#include "screening/planning.h"
#include "screening/screening.h"

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

int RunGenTestingRound(const GenTestingRoundOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  auto sc = screening::Screening::Open(*store, Clock::System());
  if (!sc.ok()) {
    std::fprintf(stderr, "tongchou gen testing-round: %s\n", sc.status().ToString().c_str());
    return 1;
  }
  auto sum = gen::GenerateTestingRound(*store, **sc,
                                       {.date = o.date, .days = o.days, .coverage = o.coverage, .pool_size = o.pool,
                                        .seed = o.seed, .results = !o.no_results});
  if (!sum.ok()) {
    std::fprintf(stderr, "tongchou gen testing-round: %s\n", sum.status().ToString().c_str());
    return 1;
  }
  std::printf("round %lld: %lld due, %lld sampled (%.1f %%) onto %lld tubes at %lld new sites; %lld new labs\n",
              static_cast<long long>(sum->round_id), static_cast<long long>(sum->due),
              static_cast<long long>(sum->sampled), sum->due ? 100.0 * sum->sampled / sum->due : 0.0,
              static_cast<long long>(sum->tubes), static_cast<long long>(sum->sites),
              static_cast<long long>(sum->labs));
  std::printf("results: %lld negative, %lld positive pools, %lld invalid; %lld follow-ups, %lld retests, "
              "%lld individual positives\n",
              static_cast<long long>(sum->negative), static_cast<long long>(sum->positive_pools),
              static_cast<long long>(sum->invalid), static_cast<long long>(sum->followups),
              static_cast<long long>(sum->retests), static_cast<long long>(sum->individual_positive));
  std::printf("scans registered in %.1f s (%.0f a second); %.1f s in all\n", sum->register_seconds,
              sum->register_seconds > 0 ? sum->sampled / sum->register_seconds : 0.0, sum->seconds);
  return 0;
}

}  // namespace tc::app
