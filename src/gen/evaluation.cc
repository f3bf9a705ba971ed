#include "gen/evaluation.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tracing/service.h"

namespace tc::gen {
namespace {

constexpr Millis kDayMs = 86'400'000;
constexpr int kDaysBeforeOnset = 4;  // the default of a tracing run
constexpr size_t kRanked = 50;       // venues ranked when looking for the true source

struct Truth {
  int64_t person = 0;
  int64_t infector = 0;  // 0: none (the source) or unknown
  Millis infected_at = 0;
  Millis detected_at = 0;  // 0: never detected
};

}  // namespace

Status MarkTrueSource(store::Store& store, tracing::SourceRanking& ranking) {
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT venue_id FROM outbreak_truth WHERE route = 'source' LIMIT 1"));
    ranking.true_source = rows.empty() ? 0 : rows[0].Int(0);
    return Status::Ok();
  }));
  ranking.true_source_rank = 0;
  for (size_t i = 0; i < ranking.top.size(); ++i) {
    if (ranking.true_source && ranking.top[i].venue == ranking.true_source) {
      ranking.true_source_rank = static_cast<int>(i + 1);
    }
  }
  return Status::Ok();
}

namespace {

constexpr int kCuts[] = {5, 10, 20, 50, 100, 500};
constexpr double kTargets[] = {0.8, 0.9, 0.95};

}  // namespace

RecallCurve CurveOf(const std::vector<std::vector<bool>>& lists, int64_t infected) {
  RecallCurve out;
  std::vector<int64_t> caught_ranks;  // a caught person's place in its list
  for (const auto& list : lists) {
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i]) caught_ranks.push_back(static_cast<int64_t>(i));
    }
  }
  std::sort(caught_ranks.begin(), caught_ranks.end());
  auto listed_at = [&](int64_t k) {
    int64_t n = 0;
    for (const auto& list : lists) n += std::min<int64_t>(k, static_cast<int64_t>(list.size()));
    return n;
  };
  const double denom = static_cast<double>(std::max<int64_t>(infected, 1));
  for (int k : kCuts) {
    const auto caught = static_cast<int64_t>(std::lower_bound(caught_ranks.begin(), caught_ranks.end(), k) -
                                             caught_ranks.begin());
    out.at_k.push_back({k, listed_at(k), caught, static_cast<double>(caught) / denom});
  }
  for (double t : kTargets) {
    ListSizeFor need{t};
    const auto want = static_cast<int64_t>(std::ceil(t * static_cast<double>(infected) - 1e-9));
    if (infected > 0 && want <= static_cast<int64_t>(caught_ranks.size())) {
      need.per_case = want == 0 ? 0 : caught_ranks[static_cast<size_t>(want - 1)] + 1;
      need.listed = listed_at(need.per_case);
    }
    out.needed.push_back(need);
  }
  return out;
}

Result<Evaluation> EvaluateTracing(store::Store& store, tracing::Cases& cases, tracing::Tracing& tracing, int n,
                                   const tracing::ContactRules& rules, const tracing::TierRules& tier_rules) {
  if (n < 1 || n > 10'000) return FieldInvalid("n", "n must be 1–10,000");
  std::vector<Truth> truth;
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT person_id, infector_id, infected_at, detected_at FROM outbreak_truth"));
    for (const auto& r : rows.rows) truth.push_back({r.Int(0), r.Int(1), r.Int(2), r.Int(3)});
    return Status::Ok();
  }));
  // The first n detected infections that are cases, in detection order.
  std::vector<int64_t> detected;
  std::unordered_map<int64_t, Millis> detected_at;
  for (const Truth& t : truth) {
    if (t.detected_at) {
      detected.push_back(t.person);
      detected_at[t.person] = t.detected_at;
    }
  }
  TC_ASSIGN_OR_RETURN(auto found_cases, cases.OfResidents(detected));
  std::sort(found_cases.begin(), found_cases.end(), [&](const tracing::Case& a, const tracing::Case& b) {
    const Millis da = detected_at[a.resident_id], db = detected_at[b.resident_id];
    return da != db ? da < db : a.id < b.id;
  });
  if (found_cases.size() > static_cast<size_t>(n)) found_cases.resize(static_cast<size_t>(n));
  if (found_cases.empty()) return NotFound("no outbreak with ground truth and cases (run `tongchou gen outbreak`)");

  Evaluation ev;
  ev.n = static_cast<int>(found_cases.size());
  std::vector<int64_t> case_ids;
  std::unordered_set<int64_t> inputs;
  Millis last_report = 0;
  for (const tracing::Case& k : found_cases) {
    case_ids.push_back(k.id);
    inputs.insert(k.resident_id);
    TC_ASSIGN_OR_RETURN(Millis report, ParseTime(k.report_date));
    last_report = std::max(last_report, report + kDayMs - 60'000);
  }
  TC_ASSIGN_OR_RETURN(auto windows, cases.Windows(case_ids, kDaysBeforeOnset));
  TC_ASSIGN_OR_RETURN(tracing::ContactResult found, tracing.Contacts(windows, rules, true, true));
  ev.listed_close = static_cast<int64_t>(found.close.size());
  ev.listed_secondary = static_cast<int64_t>(found.secondary.size());
  std::unordered_set<int64_t> close, secondary;
  for (const tracing::Exposure& e : found.close) close.insert(e.person);
  for (const tracing::Exposure& e : found.secondary) secondary.insert(e.person);
  for (const Truth& t : truth) {
    if (inputs.count(t.person)) continue;
    ++ev.infected_total;
    if (t.infected_at > last_report) continue;
    ++ev.infected_by_then;
    if (close.count(t.person)) {
      ++ev.caught_close;
    } else if (secondary.count(t.person)) {
      ++ev.caught_secondary;
    }
  }
  if (ev.infected_by_then) {
    ev.recall_close = static_cast<double>(ev.caught_close) / static_cast<double>(ev.infected_by_then);
    ev.recall_both =
        static_cast<double>(ev.caught_close + ev.caught_secondary) / static_cast<double>(ev.infected_by_then);
  }

  // The tiers, and the curves, against both sets of the infected.
  std::unordered_set<int64_t> infected, direct;
  for (const Truth& t : truth) {
    if (inputs.count(t.person) || t.infected_at > last_report) continue;
    infected.insert(t.person);
    if (inputs.count(t.infector)) direct.insert(t.person);
  }
  TC_ASSIGN_OR_RETURN(tracing::TierResult tiers, tracing.Tiers(windows, rules, tier_rules, true, true));
  ev.tier_rules_version = tier_rules.version;
  // Ranked: the whole ring as scored against the cases (close, exposed and those of it
  // on the secondary tier), each case's part by score.
  std::unordered_map<uint32_t, size_t> list_of;
  for (size_t i = 0; i < windows.size(); ++i) list_of.emplace(windows[i].person, i);
  std::vector<const tracing::ScoredExposure*> scored;
  for (const auto* part : {&tiers.close, &tiers.exposed, &tiers.ring_in_secondary}) {
    for (const auto& e : *part) scored.push_back(&e);
  }
  std::sort(scored.begin(), scored.end(), [](const tracing::ScoredExposure* a, const tracing::ScoredExposure* b) {
    return a->hazard != b->hazard ? a->hazard > b->hazard : a->person < b->person;
  });
  const double n_cases = static_cast<double>(ev.n);
  auto judge = [&](const std::unordered_set<int64_t>& truly) {
    Judged j;
    j.infected = static_cast<int64_t>(truly.size());
    for (const tracing::Exposure& e : found.close) j.ring_caught += truly.count(e.person);
    auto recall_of = [&](const std::string& name,
                         std::initializer_list<const BigVector<tracing::ScoredExposure>*> parts) {
      TierRecall r{name};
      for (const auto* part : parts) {
        r.listed += static_cast<int64_t>(part->size());
        for (const auto& e : *part) r.caught += truly.count(e.person);
      }
      r.recall = j.infected ? static_cast<double>(r.caught) / static_cast<double>(j.infected) : 0;
      r.per_case = static_cast<double>(r.listed) / n_cases;
      j.tiers.push_back(r);
    };
    recall_of("close", {&tiers.close});
    recall_of("secondary", {&tiers.secondary});
    recall_of("exposed", {&tiers.exposed});
    recall_of("close+exposed", {&tiers.close, &tiers.exposed});
    recall_of("all tiers", {&tiers.close, &tiers.secondary, &tiers.exposed});
    std::vector<std::vector<bool>> ranked(windows.size()), unranked(windows.size());
    for (const auto* e : scored) ranked[list_of[e->source]].push_back(truly.count(e->person) > 0);
    for (const tracing::Exposure& e : found.close) unranked[list_of[e.source]].push_back(truly.count(e.person) > 0);
    j.ranked = CurveOf(ranked, j.infected);
    j.unranked = CurveOf(unranked, j.infected);
    int64_t caught = 0;
    for (size_t i = 0; i < scored.size() && j.ranked_for_ring_recall < 0 && j.ring_caught > 0; ++i) {
      caught += truly.count(scored[i]->person);
      if (caught >= j.ring_caught) j.ranked_for_ring_recall = static_cast<int64_t>(i + 1);
    }
    if (j.ranked_for_ring_recall > 0 && ev.listed_close > 0) {
      j.ranked_share_of_ring = static_cast<double>(j.ranked_for_ring_recall) / static_cast<double>(ev.listed_close);
    }
    return j;
  };
  ev.all = judge(infected);
  ev.direct = judge(direct);
  TC_ASSIGN_OR_RETURN(ev.source, cases.RankSourcesOfFirst(n, kRanked));
  TC_RETURN_IF_ERROR(MarkTrueSource(store, ev.source));
  return ev;
}

}  // namespace tc::gen
