// gen hotline on SQLite and PostgreSQL over a small generated city: the volume the rate
// and population give (with Monday above Sunday and office hours above the night), rows
// the service opens with rates equal to counts taken from the rows and nothing left for
// its sweeper, the epidemic share raised on the days of reported cases and the 14 after,
// the same rows for a seed, and none of the independent test set's texts.
#include "gen/hotline.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "gen/city.h"
#include "hotline/hotline.h"
#include "hotline/text.h"
#include "hotline/workflow.h"
#include "store/store.h"
#include "store/testing.h"
#include "tracing/cases.h"
#include "tracing/service.h"

namespace tc::gen {
namespace {

constexpr Millis kDayMs = 86'400'000;
// 2022-03-08 (a Tuesday) .. 2022-03-14 (a Monday): a week in the heating season.
const std::string kEnd = "2022-03-14";
constexpr int kDays = 7;

class GenHotlineTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() { stores_.clear(); }

  store::Store& S() {
    auto& s = stores_[GetParam()];
    if (s) return *s;
    auto url = store::testing::FreshDatabaseUrl(GetParam(), "genhotline");
    EXPECT_TRUE(url.ok()) << url.status().ToString();
    auto opened = store::Store::Open(*url);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    s = std::move(opened).value();
    EXPECT_TRUE(s->Migrate().ok());
    EXPECT_TRUE(GenerateCity(*s, {.preset = "changchun", .scale = 0.005, .seed = 1}).ok());
    return *s;
  }

  store::Rows Query(const std::string& sql, const store::Params& params = {}) {
    store::Rows out;
    Status s = S().Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(out, c.Query(sql, params));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
    return out;
  }

  // A fresh run: the hotline's requests (and cases, unless kept) removed first.
  HotlineSummary Run(HotlineOptions o, bool keep_cases = false) {
    Status cleared = S().Tx([&](store::Conn& c) -> Status {
      TC_RETURN_IF_ERROR(c.Exec("DELETE FROM hotline_request_log").status());
      TC_RETURN_IF_ERROR(c.Exec("DELETE FROM hotline_requests").status());
      if (!keep_cases) TC_RETURN_IF_ERROR(c.Exec("DELETE FROM cases").status());
      return Status::Ok();
    });
    EXPECT_TRUE(cleared.ok()) << cleared.ToString();
    if (o.end_date.empty()) o.end_date = kEnd;
    auto sum = GenerateHotline(S(), o);
    EXPECT_TRUE(sum.ok()) << sum.status().ToString();
    return sum.ok() ? *sum : HotlineSummary{};
  }

  int64_t Population() { return Query("SELECT COUNT(*) FROM residents")[0].Int(0); }

  // Every request row and every log row (without the log's own ids), in order.
  std::string Dump() {
    std::string all;
    for (const auto& r : Query("SELECT * FROM hotline_requests ORDER BY id").rows) {
      for (size_t i = 0; i < r.cells.size(); ++i) all += r.Text(i) + "|";
      all += '\n';
    }
    for (const auto& r : Query("SELECT request_id, at, actor, action, from_status, to_status, department, note "
                               "FROM hotline_request_log ORDER BY id")
                             .rows) {
      for (size_t i = 0; i < r.cells.size(); ++i) all += r.Text(i) + "|";
      all += '\n';
    }
    return all;
  }

  // Epidemic share of the requests received per date.
  std::map<std::string, double> EpidemicShareByDay(const HotlineSummary& sum) {
    std::map<std::string, double> out;
    std::map<std::string, int64_t> epidemic;
    for (const auto& r : Query("SELECT received_at, category FROM hotline_requests").rows) {
      if (r.Text(1).starts_with("epidemic.")) ++epidemic[DateShanghai(r.Int(0))];
    }
    for (const auto& [date, n] : sum.per_day) out[date] = n ? double(epidemic[date]) / double(n) : 0;
    return out;
  }

  static inline std::map<std::string, std::unique_ptr<store::Store>> stores_;
};

TEST_P(GenHotlineTest, VolumeFollowsTheRateThePopulationAndTheRhythm) {
  const HotlineOptions o{.days = kDays};
  const HotlineSummary sum = Run(o);
  const double expected = o.per_resident_per_day * double(Population()) * kDays;
  ASSERT_GT(expected, 500) << "the city is big enough to measure";
  EXPECT_EQ(sum.population, Population());
  EXPECT_NEAR(double(sum.requests), expected, 0.04 * expected) << "a whole week: the weekday factors average 1";
  EXPECT_EQ(Query("SELECT COUNT(*) FROM hotline_requests")[0].Int(0), sum.requests);
  EXPECT_EQ(sum.from_date, "2022-03-08");
  EXPECT_EQ(sum.to_date, kEnd);
  ASSERT_EQ(sum.per_day.size(), size_t{kDays});
  EXPECT_GT(sum.per_day.at("2022-03-14"), sum.per_day.at("2022-03-13")) << "Monday above Sunday";
  // Office hours above the night.
  int64_t morning = 0, night = 0;
  for (const auto& r : Query("SELECT received_at FROM hotline_requests").rows) {
    const int hour = static_cast<int>(((r.Int(0) + kShanghaiOffsetMs) % kDayMs) / 3'600'000);
    if (hour >= 9 && hour < 11) ++morning;
    if (hour >= 1 && hour < 3) ++night;
  }
  EXPECT_GT(morning, 10 * night);
  // The heating season shows; every leaf of the corpus is asked about.
  EXPECT_GT(sum.by_category.at("heating"), sum.requests / 20);
  EXPECT_GE(sum.by_category.size(), 20u);
  // Texts vary: nearly every one differs from the rest.
  const int64_t distinct = Query("SELECT COUNT(DISTINCT text) FROM hotline_requests")[0].Int(0);
  EXPECT_GT(distinct, sum.requests * 8 / 10);
  // Addresses: about 5 % none, a share resolved with too little confidence → pending at intake.
  EXPECT_GT(sum.no_address, 0);
  EXPECT_LT(sum.no_address, sum.requests / 10);
  EXPECT_GT(sum.pending_dispatch_at_intake, sum.no_address - sum.merged);
  EXPECT_LT(sum.pending_dispatch_at_intake, sum.requests / 3);
  // Phones: 11 digits in the fake 140 range; some callers call again (merged).
  for (const auto& r : Query("SELECT DISTINCT phone FROM hotline_requests WHERE phone <> ''").rows) {
    ASSERT_EQ(r.Text(0).size(), 11u) << r.Text(0);
    ASSERT_TRUE(r.Text(0).starts_with("140")) << r.Text(0);
  }
  EXPECT_GT(sum.merged, 0);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM hotline_requests WHERE status = 'merged'")[0].Int(0), sum.merged);
  // The classifier ran on every request at this size and mostly agreed with the label.
  EXPECT_EQ(sum.classified, sum.requests);
  EXPECT_GT(sum.classifier_agreed, sum.classified * 8 / 10);
}

// The service opens every row: its rates (rebuilt from the rows at Open) equal counts
// taken here from the rows by the definitions, its sweeper finds nothing due, and
// every row's next_due is what the workflow computes.
TEST_P(GenHotlineTest, RowsOpenInTheServiceWithRatesEqualToTheRowCounts) {
  const HotlineSummary sum = Run({.days = kDays});
  ManualClock clock(sum.as_of);
  auto h = hotline::Hotline::Open(S(), clock);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  const hotline::HotlineRules rules = (*h)->CurrentRules();

  // Counts per department by the definitions (docs/hotline.md § The three rates).
  std::map<std::string, hotline::Counts> by_department;
  hotline::Counts total;
  std::map<std::string, int64_t> states;
  int64_t old_closed = 0, old = 0;
  int64_t after = 0;
  for (;;) {
    auto page = (*h)->List({.after_id = after, .limit = 500});
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    for (const hotline::Request& r : *page) {
      after = r.id;
      const hotline::RequestState& s = r.state;
      ++states[std::string(hotline::StateName(s.status))];
      if (s.status == hotline::State::kMerged) {
        EXPECT_GT(s.merged_into, 0);
        continue;
      }
      ASSERT_EQ(s.next_due, hotline::NextDue(s, rules)) << r.id;
      hotline::RequestState swept = s;
      hotline::Sweep(swept, rules, sum.as_of);
      EXPECT_EQ(swept.overdue, s.overdue) << r.id << ": the sweeper would have flagged it already";
      EXPECT_EQ(swept.reminded, s.reminded) << r.id;
      hotline::Counts one;
      one.received = 1;
      const bool late = s.overdue & hotline::kRespondFlag;
      one.response_due = s.responded_at > 0 || late;
      one.responded_on_time = s.responded_at > 0 && !late && s.responded_at <= s.respond_by;
      one.called_back = s.satisfaction > 0;
      one.solved = s.satisfaction > 0 && s.solved == 1;
      one.satisfied = s.satisfaction >= rules.satisfied_from;
      one.overdue = (s.overdue & (hotline::kRespondFlag | hotline::kHandleFlag)) != 0;
      by_department[s.department].Add(one);
      total.Add(one);
      if (s.received_at < sum.as_of - 5 * kDayMs) {
        ++old;
        old_closed += s.status == hotline::State::kClosed;
      }
    }
  }
  EXPECT_EQ(states, sum.by_status);
  auto rates = (*h)->Rates(sum.from_date, sum.to_date, hotline::RateBook::GroupBy::kDepartment, "", "");
  ASSERT_TRUE(rates.ok()) << rates.status().ToString();
  EXPECT_EQ(rates->total.received, total.received);
  EXPECT_EQ(rates->total.response_due, total.response_due);
  EXPECT_EQ(rates->total.responded_on_time, total.responded_on_time);
  EXPECT_EQ(rates->total.called_back, total.called_back);
  EXPECT_EQ(rates->total.solved, total.solved);
  EXPECT_EQ(rates->total.satisfied, total.satisfied);
  EXPECT_EQ(rates->total.overdue, total.overdue);
  for (const auto& row : rates->rows) {
    SCOPED_TRACE(row.key);
    EXPECT_EQ(row.counts.received, by_department[row.key].received);
    EXPECT_EQ(row.counts.responded_on_time, by_department[row.key].responded_on_time);
    EXPECT_EQ(row.counts.satisfied, by_department[row.key].satisfied);
  }
  // Beijing-like figures: response ~97 %, solved 90–95 %, satisfaction mostly 4–5.
  EXPECT_GT(total.ResponseRate(), 0.93);
  EXPECT_GT(total.ResolutionRate(), 0.85);
  EXPECT_LT(total.ResolutionRate(), 0.99);
  EXPECT_GT(total.SatisfactionRate(), 0.8);
  EXPECT_LT(total.SatisfactionRate(), 0.97);
  EXPECT_GT(old_closed, old * 3 / 4) << "most requests older than a few days are closed";
  // Recent requests are still open (the centre's manual queue empties within the hour
  // by day, so pending_dispatch is rare at midnight in a city this small).
  for (const char* open : {"dispatched", "accepted", "resolved"}) EXPECT_GT(states[open], 0) << open;
  EXPECT_GT(Query("SELECT COUNT(*) FROM hotline_request_log WHERE action = 'dispatch'")[0].Int(0), 0)
      << "requests resolved with too little confidence were dispatched by hand";
  // Departments differ (no ties in the ranking of those with callbacks).
  std::set<double> scores;
  int64_t ranked = 0;
  for (const auto& [department, c] : by_department) {
    if (c.called_back < 10) continue;
    ++ranked;
    scores.insert(c.Score());
  }
  EXPECT_GT(ranked, 5);
  EXPECT_EQ(scores.size(), size_t(ranked));
  // Nothing is due for the sweeper; a request's log starts with its receipt, in time order.
  auto ticked = (*h)->Tick();
  ASSERT_TRUE(ticked.ok()) << ticked.status().ToString();
  EXPECT_EQ(*ticked, 0);
  const int64_t closed = Query("SELECT id FROM hotline_requests WHERE status = 'closed' AND reopen_count > 0 "
                               "ORDER BY id LIMIT 1")[0].Int(0);
  auto log = (*h)->Log(closed);
  ASSERT_TRUE(log.ok());
  ASSERT_GE(log->size(), 6u);
  EXPECT_EQ(log->front().action, "receive");
  for (size_t i = 1; i < log->size(); ++i) EXPECT_LE((*log)[i - 1].at, (*log)[i].at);
  EXPECT_EQ(log->back().to_status, "closed");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM hotline_request_log")[0].Int(0), sum.log_rows);
}

// Confirmed cases reported on 03-11 (through tracing::Cases) raise the epidemic share
// from that day on; the days before are the same rows as without them.
TEST_P(GenHotlineTest, AnOutbreakRaisesTheEpidemicShareOnItsDays) {
  const HotlineSummary without = Run({.days = kDays});
  const auto calm = EpidemicShareByDay(without);
  ManualClock clock(without.as_of);
  tracing::Tracing tracing(S(), clock);
  tracing::Cases cases(S(), clock, tracing);
  for (const auto& r : Query("SELECT id FROM residents ORDER BY id LIMIT 6").rows) {
    auto c = cases.Create({.resident_id = r.Int(0), .onset_date = "2022-03-09", .report_date = "2022-03-11"},
                          {"test", ""});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
  }
  const HotlineSummary with = Run({.days = kDays}, /*keep_cases=*/true);
  const auto wave = EpidemicShareByDay(with);
  EXPECT_GT(with.epidemic_wave, 0);
  EXPECT_GT(with.epidemic_share(), 3 * without.epidemic_share());
  for (const auto& [date, share] : wave) {
    SCOPED_TRACE(date);
    if (date < "2022-03-11") {
      EXPECT_EQ(with.per_day.at(date), without.per_day.at(date)) << "before the cases: the same day";
      EXPECT_EQ(share, calm.at(date));
    } else {
      EXPECT_GT(share, 0.15);
      EXPECT_LE(share, 0.45) << "capped at a believable share";
      EXPECT_LT(calm.at(date), 0.08);
      EXPECT_GT(with.per_day.at(date), without.per_day.at(date)) << "the wave adds requests";
    }
  }
  EXPECT_TRUE(S().Tx([](store::Conn& c) { return c.Exec("DELETE FROM cases").status(); }).ok());
}

TEST_P(GenHotlineTest, TheSameSeedGivesTheSameRows) {
  const HotlineOptions o{.days = 3, .seed = 7};
  Run(o);
  const std::string first = Dump();
  ASSERT_GT(first.size(), 1000u);
  Run(o);
  EXPECT_EQ(Dump(), first);
  Run({.days = 3, .seed = 8});
  EXPECT_NE(Dump(), first);
}

// The classifier's independent test set (tests/data/hotline/independent.tsv) was
// written apart from the corpus; the generator varies only the training split, so none
// of its texts may come out.
TEST_P(GenHotlineTest, NoTextOfTheIndependentSetIsGenerated) {
  std::ifstream in(std::string(TC_SOURCE_DIR) + "/tests/data/hotline/independent.tsv");
  ASSERT_TRUE(in) << "tests/data/hotline/independent.tsv";
  std::set<std::string> independent;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    auto norm = hotline::NormalizeText(line.substr(tab + 1), "text");
    if (norm.ok() && !norm->empty()) independent.insert(*norm);
  }
  ASSERT_GT(independent.size(), 300u);
  Run({.days = kDays});
  int64_t seen = 0;
  for (const auto& r : Query("SELECT text FROM hotline_requests").rows) {
    ++seen;
    EXPECT_FALSE(independent.contains(r.Text(0))) << r.Text(0);
  }
  EXPECT_GT(seen, 500);
}

TEST_P(GenHotlineTest, BadOptionsNameTheField) {
  const auto field = [&](const HotlineOptions& o) {
    auto r = GenerateHotline(S(), o);
    EXPECT_FALSE(r.ok());
    return r.ok() || r.status().field_errors().empty() ? std::string() : r.status().field_errors()[0].field;
  };
  EXPECT_EQ(field({.days = 0}), "days");
  EXPECT_EQ(field({.days = 3, .end_date = "2022-02-30"}), "end_date");
  EXPECT_EQ(field({.days = 3, .end_date = "14.03.2022"}), "end_date");
  EXPECT_EQ(field({.days = 3, .per_day = -1}), "per_day");
  EXPECT_EQ(field({.days = 3, .epidemic_cap = 1.5}), "epidemic_cap");
}

INSTANTIATE_TEST_SUITE_P(Backends, GenHotlineTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::gen
