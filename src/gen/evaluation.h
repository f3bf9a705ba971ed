// How well tracing does against a generated outbreak's ground truth (outbreak_truth,
// this module's table): trace the first n detected cases without listing anything,
// and measure how many of the truly infected the close and secondary rings hold and
// where the true source ranks. Lives beside the truth it reads; tracing never reads
// the truth (it sees only cases and check-ins).
#pragma once

#include <cstdint>

#include "base/status.h"
#include "store/store.h"
#include "tracing/cases.h"
#include "tracing/rules.h"

namespace tc::gen {

struct Evaluation {
  int n = 0;                      // the first n detected cases were traced
  int64_t infected_by_then = 0;   // truly infected, not among the n, infected by the last report
  int64_t infected_total = 0;     // truly infected in the whole outbreak, not among the n
  int64_t listed_close = 0, listed_secondary = 0;
  int64_t caught_close = 0, caught_secondary = 0;  // of infected_by_then
  double recall_close = 0, recall_both = 0;
  tracing::SourceRanking source;  // of the first n cases, with the true source marked
};

// NotFound if the store holds no outbreak truth with cases; InvalidArgument for n
// outside 1–10,000.
Result<Evaluation> EvaluateTracing(store::Store& store, tracing::Cases& cases, tracing::Tracing& tracing, int n,
                                   const tracing::ContactRules& rules);

// Fills ranking.true_source (and its rank) from the outbreak truth; unchanged if none.
Status MarkTrueSource(store::Store& store, tracing::SourceRanking& ranking);

}  // namespace tc::gen
