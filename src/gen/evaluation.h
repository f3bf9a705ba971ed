// How well tracing does against a generated outbreak's ground truth (outbreak_truth,
// this module's table): trace the first n detected cases without listing anything,
// and measure how many of the truly infected the close and secondary rings hold, how
// many each tier holds (tiers.h), recall as each case's list is cut at K by score
// against the same cut of the unranked ring, and where the true source ranks. Lives beside the truth it reads; tracing never reads
// the truth (it sees only cases and check-ins).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"
#include "tracing/cases.h"
#include "tracing/rules.h"
#include "tracing/tiers.h"

namespace tc::gen {

// Recall as each case's list is cut at its first K entries.
struct RecallAtK {
  int k = 0;
  int64_t listed = 0, caught = 0;  // over every case's first K
  double recall = 0;
};
// The list size per case needed for a recall; −1 when no K reaches it.
struct ListSizeFor {
  double recall = 0;
  int64_t per_case = -1, listed = -1;
};
struct RecallCurve {
  std::vector<RecallAtK> at_k;       // K = 5, 10, 20, 50, 100, 500
  std::vector<ListSizeFor> needed;   // 80 %, 90 %, 95 %
};
struct TierRecall {
  std::string tier;  // close, secondary, exposed, close+exposed, all tiers
  int64_t listed = 0, caught = 0;
  double recall = 0;
  double per_case = 0;  // listed / cases
};

// Recall judged against one set of the truly infected.
struct Judged {
  int64_t infected = 0;    // the denominator
  int64_t ring_caught = 0;  // of them on the rule's close ring
  std::vector<TierRecall> tiers;
  RecallCurve ranked, unranked;
  int64_t ranked_for_ring_recall = -1;
  double ranked_share_of_ring = 0;
};

struct Evaluation {
  int n = 0;                      // the first n detected cases were traced
  int64_t infected_by_then = 0;   // truly infected, not among the n, infected by the last report
  int64_t infected_total = 0;     // truly infected in the whole outbreak, not among the n
  int64_t listed_close = 0, listed_secondary = 0;
  int64_t caught_close = 0, caught_secondary = 0;  // of infected_by_then
  double recall_close = 0, recall_both = 0;
  tracing::SourceRanking source;  // of the first n cases, with the true source marked
  // The tiers (close + exposed = the close ring as scored), judged against everyone
  // infected by then (`all`, the denominator above) and against those the traced cases
  // themselves infected (`direct`: whom a contact list is for — the rest caught their
  // infection elsewhere, from the source or from someone never traced). Per basis:
  // each case's list (its ring entries, attributed to the case that weighed most) cut
  // at K by score, against the ring's own order (by person, as unranked as it comes);
  // and the top-scored ring entries (all cases together) needed to catch as many as
  // the whole close ring does, with that as a share of the ring (−1 if none).
  int64_t tier_rules_version = 0;
  Judged all, direct;
};

// The curve of per-case lists read best first (`caught` marks the truly infected):
// recall at K = 5, 10, 20, 50, 100, 500 of `infected`, and the K per case each of 80,
// 90 and 95 % needs.
RecallCurve CurveOf(const std::vector<std::vector<bool>>& lists, int64_t infected);

// NotFound if the store holds no outbreak truth with cases; InvalidArgument for n
// outside 1–10,000.
Result<Evaluation> EvaluateTracing(store::Store& store, tracing::Cases& cases, tracing::Tracing& tracing, int n,
                                   const tracing::ContactRules& rules, const tracing::TierRules& tiers);

// Fills ranking.true_source (and its rank) from the outbreak truth; unchanged if none.
Status MarkTrueSource(store::Store& store, tracing::SourceRanking& ranking);

}  // namespace tc::gen
