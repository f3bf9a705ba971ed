// Cases::Epidemic (the overview's numbers and curve) and LastCheckinDate, on SQLite
// and PostgreSQL.
#include "tracing/epidemic.h"

#include <gtest/gtest.h>

#include "registry/registry_fixture.h"
#include "tracing/cases.h"

namespace tc::tracing {
namespace {

class FakeClock : public Clock {
 public:
  Millis Now() const override { return now; }
  Millis now = 0;
};

class EpidemicTest : public registry::RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    if (HasFatalFailure()) return;
    clock_.now = ParseTime("2022-03-10T15:00:00+08:00").value();
    tracing_ = std::make_unique<Tracing>(*store_, clock_);
    cases_ = std::make_unique<Cases>(*store_, clock_, *tracing_);
    a_ = Add("甲", Id("22010219800101001"), "220102001001-001-01-1-0101").id;
    b_ = Add("乙", Id("22010219800101002"), "220102001001-001-01-1-0101").id;
    c_ = Add("丙", Id("22010219800101003"), "220102001001-001-01-1-0102").id;
    d_ = Add("丁", Id("22010219800101004"), "220102001001-001-01-2-0201").id;
    f_ = Add("己", Id("22010219800101006"), "220102001001-001-02-1-0101").id;
    e_ = Add("戊", Id("22010319800101005"), "220103001001-001-01-1-0101").id;
    g_ = Add("庚", Id("22010319800101007"), "220103001001-001-01-1-0101").id;
  }

  int64_t AddCase(int64_t resident, const std::string& kind, const std::string& onset, const std::string& report) {
    auto c = cases_->Create({.resident_id = resident, .kind = kind, .onset_date = onset, .report_date = report}, by_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? c->id : 0;
  }

  // 南关: 甲 confirmed (onset 03-05, reported 03-07), 丙 asymptomatic and 丁 confirmed
  // (onset 03-08) reported today (03-10); 宽城: 戊 confirmed (onset 03-01, reported
  // 03-02). Contacts: 乙 close of 甲, notified; 己 secondary, pending; 庚 close of 戊,
  // removed from the list.
  void Outbreak() {
    const int64_t jia = AddCase(a_, "confirmed", "2022-03-05", "2022-03-07");
    AddCase(c_, "asymptomatic", "", "2022-03-10");
    AddCase(d_, "confirmed", "2022-03-08", "2022-03-10");
    const int64_t wu = AddCase(e_, "confirmed", "2022-03-01", "2022-03-02");
    auto yi = cases_->AddContact(b_, "close", jia, "同户", by_);
    ASSERT_TRUE(yi.ok()) << yi.status().ToString();
    ASSERT_TRUE(cases_->SetContactStatus(yi->id, "notified", "王警官", "", by_).ok());
    ASSERT_TRUE(cases_->AddContact(f_, "secondary", jia, "乙的同事", by_).ok());
    auto geng = cases_->AddContact(g_, "close", wu, "同户", by_);
    ASSERT_TRUE(geng.ok()) << geng.status().ToString();
    ASSERT_TRUE(cases_->RemoveContact(geng->id, "登记错误", by_).ok());
  }

  static const CurveDay* Day(const EpidemicSummary& s, const std::string& date) {
    for (const auto& d : s.curve) {
      if (d.date == date) return &d;
    }
    return nullptr;
  }

  FakeClock clock_;
  std::unique_ptr<Tracing> tracing_;
  std::unique_ptr<Cases> cases_;
  int64_t a_ = 0, b_ = 0, c_ = 0, d_ = 0, e_ = 0, f_ = 0, g_ = 0;
};

TEST_P(EpidemicTest, WithoutCasesEverythingIsZeroAndTheCurveEmpty) {
  auto s = cases_->Epidemic("");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->today, "2022-03-10");
  EXPECT_EQ(s->confirmed + s->asymptomatic + s->close.total() + s->secondary.total(), 0);
  EXPECT_TRUE(s->curve.empty());
}

TEST_P(EpidemicTest, CityCountsCasesNewTodayContactsAndTheCurveByOnsetAndReport) {
  Outbreak();
  if (HasFatalFailure()) return;
  auto s = cases_->Epidemic("");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->today, "2022-03-10");
  EXPECT_EQ(s->confirmed, 3);
  EXPECT_EQ(s->asymptomatic, 1);
  EXPECT_EQ(s->new_confirmed, 1);
  EXPECT_EQ(s->new_asymptomatic, 1);
  EXPECT_EQ(s->close.notified, 1);
  EXPECT_EQ(s->close.total(), 1) << "the removed entry is not counted";
  EXPECT_EQ(s->secondary.pending, 1);
  EXPECT_EQ(s->secondary.total(), 1);
  // Every day from 03-01 to 03-10, in order, quiet days included.
  ASSERT_EQ(s->curve.size(), 10u);
  EXPECT_EQ(s->curve.front().date, "2022-03-01");
  EXPECT_EQ(s->curve.back().date, "2022-03-10");
  for (size_t i = 1; i < s->curve.size(); ++i) EXPECT_LT(s->curve[i - 1].date, s->curve[i].date);
  int64_t onsets = 0, reports = 0;
  for (const auto& d : s->curve) onsets += d.onset, reports += d.reported();
  EXPECT_EQ(onsets, 3) << "asymptomatic cases have no onset";
  EXPECT_EQ(reports, 4);
  EXPECT_EQ(Day(*s, "2022-03-01")->onset, 1);
  EXPECT_EQ(Day(*s, "2022-03-02")->reported_confirmed, 1);
  EXPECT_EQ(Day(*s, "2022-03-05")->onset, 1);
  EXPECT_EQ(Day(*s, "2022-03-07")->reported_confirmed, 1);
  EXPECT_EQ(Day(*s, "2022-03-08")->onset, 1);
  EXPECT_EQ(Day(*s, "2022-03-09")->onset + Day(*s, "2022-03-09")->reported(), 0);
  EXPECT_EQ(Day(*s, "2022-03-10")->reported_confirmed, 1);
  EXPECT_EQ(Day(*s, "2022-03-10")->reported_asymptomatic, 1);
}

TEST_P(EpidemicTest, ADistrictSeesOnlyItsOwnCasesAndContacts) {
  Outbreak();
  if (HasFatalFailure()) return;
  auto nanguan = cases_->Epidemic(registry::ScopeKeyOfCode("220102000000"));
  ASSERT_TRUE(nanguan.ok()) << nanguan.status().ToString();
  EXPECT_EQ(nanguan->confirmed, 2);
  EXPECT_EQ(nanguan->asymptomatic, 1);
  EXPECT_EQ(nanguan->close.total() + nanguan->secondary.total(), 2);
  ASSERT_FALSE(nanguan->curve.empty());
  EXPECT_EQ(nanguan->curve.front().date, "2022-03-05") << "宽城's case of 03-01 is not in 南关's curve";
  EXPECT_EQ(nanguan->curve.back().date, "2022-03-10");

  auto kuancheng = cases_->Epidemic(registry::ScopeKeyOfCode("220103000000"));
  ASSERT_TRUE(kuancheng.ok()) << kuancheng.status().ToString();
  EXPECT_EQ(kuancheng->confirmed, 1);
  EXPECT_EQ(kuancheng->asymptomatic + kuancheng->new_confirmed + kuancheng->new_asymptomatic, 0);
  EXPECT_EQ(kuancheng->close.total() + kuancheng->secondary.total(), 0);
  // Its curve runs from its only case on to today.
  ASSERT_EQ(kuancheng->curve.size(), 10u);
  int64_t reports = 0;
  for (const auto& d : kuancheng->curve) reports += d.reported();
  EXPECT_EQ(reports, 1);

  // A unit's scope: only 丁.
  auto unit = cases_->Epidemic(registry::ScopeKeyOfCode("220102001001-001-01-2"));
  ASSERT_TRUE(unit.ok());
  EXPECT_EQ(unit->confirmed + unit->asymptomatic, 1);
}

TEST_P(EpidemicTest, NewTodayFollowsTheClock) {
  Outbreak();
  if (HasFatalFailure()) return;
  clock_.now += 86'400'000;  // 03-11: nothing reported yet
  auto s = cases_->Epidemic("");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->today, "2022-03-11");
  EXPECT_EQ(s->new_confirmed + s->new_asymptomatic, 0);
  EXPECT_EQ(s->curve.back().date, "2022-03-11");
  clock_.now = ParseTime("2023-06-01T09:00:00+08:00").value();  // over a year on: the curve stops at its last case
  s = cases_->Epidemic("");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->curve.back().date, "2022-03-10");
}

TEST_P(EpidemicTest, LastCheckinDateIsTheDayOfTheLatestArrival) {
  auto none = LastCheckinDate(*store_);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, "");
  // Check-ins need a city that existed before them: run the clock from now.
  constexpr Millis kMin = 60'000, kDay = 86'400'000;
  const Millis t0 = (NowMillis() / kMin + 10) * kMin;
  clock_.now = t0 + 10 * kDay;
  ASSERT_TRUE(tracing_->Start().ok());
  auto venue = tracing_->CreateVenue({"220102001001-V0001", "永吉菜市场", "wholesale_market", "220102001001", 500}, by_);
  ASSERT_TRUE(venue.ok()) << venue.status().ToString();
  const std::vector<NewCheckin> batch = {{1, a_, "", venue->code, t0 + 3 * kDay},
                                         {2, b_, "", venue->code, t0 + 5 * kDay},
                                         {3, c_, "", venue->code, t0 + kDay}};
  auto r = tracing_->Record(batch, "/", by_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->accepted, 3);
  auto last = LastCheckinDate(*store_);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, DateShanghai(t0 + 5 * kDay));
}

INSTANTIATE_TEST_SUITE_P(Backends, EpidemicTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::tracing
