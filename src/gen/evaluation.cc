#include "gen/evaluation.h"

#include <algorithm>
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

Result<Evaluation> EvaluateTracing(store::Store& store, tracing::Cases& cases, tracing::Tracing& tracing, int n,
                                   const tracing::ContactRules& rules) {
  if (n < 1 || n > 10'000) return FieldInvalid("n", "n must be 1–10,000");
  std::vector<Truth> truth;
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT person_id, infected_at, detected_at FROM outbreak_truth"));
    for (const auto& r : rows.rows) truth.push_back({r.Int(0), r.Int(1), r.Int(2)});
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
  TC_ASSIGN_OR_RETURN(ev.source, cases.RankSourcesOfFirst(n, kRanked));
  TC_RETURN_IF_ERROR(MarkTrueSource(store, ev.source));
  return ev;
}

}  // namespace tc::gen
