#include "tracing/service.h"

#include <gtest/gtest.h>

#include "registry/registry_fixture.h"
#include "tracing/cases.h"
#include "tracing/checkins.h"

namespace tc::tracing {
namespace {

constexpr Millis kMin = 60'000;
constexpr Millis kDay = 86'400'000;

class FakeClock : public Clock {
 public:
  Millis Now() const override { return now; }
  Millis now = 0;
};

class TracingTest : public registry::RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    if (HasFatalFailure()) return;
    // The tree was created just now; check-ins happen over the next days.
    t0_ = (NowMillis() / kMin + 10) * kMin;
    clock_.now = t0_ + 10 * kDay;
    tracing_ = std::make_unique<Tracing>(*store_, clock_);
    ASSERT_TRUE(tracing_->Start().ok());
    cases_ = std::make_unique<Cases>(*store_, clock_, *tracing_);
    for (const auto& [code, name, kind, area] : std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
             {"220102001001-V0001", "永吉菜市场", "wholesale_market", "220102001001"},
             {"220102001001-V0002", "春光饭店", "restaurant", "220102001001"},
             {"220103001001-V0001", "新发超市", "supermarket", "220103001001"}}) {
      auto v = tracing_->CreateVenue({code, name, kind, area, 500}, by_);
      ASSERT_TRUE(v.ok()) << v.status().ToString();
      venues_.push_back(*v);
    }
    // Households: 0101 (a, b), 0102 (c), 0201 (d), 宽城 0101 (e).
    a_ = Add("甲", Id("22010219800101001"), "220102001001-001-01-1-0101").id;
    b_ = Add("乙", Id("22010219800101002"), "220102001001-001-01-1-0101").id;
    c_ = Add("丙", Id("22010219800101003"), "220102001001-001-01-1-0102").id;
    d_ = Add("丁", Id("22010219800101004"), "220102001001-001-01-2-0201").id;
    e_ = Add("戊", Id("22010319800101005"), "220103001001-001-01-1-0101").id;
  }

  NewCheckin At(int64_t person, const std::string& venue, Millis arrive, Millis leave = 0) {
    return NewCheckin{++line_, person, "", venue, arrive, leave};
  }

  // The check-ins table, as the SQL sees it.
  std::vector<std::tuple<int64_t, int64_t, Millis, Millis>> StoredCheckins() {
    std::vector<std::tuple<int64_t, int64_t, Millis, Millis>> out;
    EXPECT_TRUE(store_->Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT person_id, venue_id, arrive_at, leave_at FROM checkins "
                                             "ORDER BY venue_id, arrive_at, person_id"));
      for (const auto& r : rows.rows) out.emplace_back(r.Int(0), r.Int(1), r.Int(2), r.Int(3));
      return Status::Ok();
    }).ok());
    return out;
  }
  // The same, as the engine sees it.
  std::vector<std::tuple<int64_t, int64_t, Millis, Millis>> EngineCheckins(Tracing& t) {
    std::vector<std::tuple<int64_t, int64_t, Millis, Millis>> out;
    for (const Venue& v : venues_) {
      auto r = t.VenueVisitors(v.code, t0_ - kDay, clock_.now);
      EXPECT_TRUE(r.ok());
      for (const Visit& x : r->visits) {
        out.emplace_back(x.person, x.venue, ToMillis(x.arrive), x.leave ? ToMillis(x.leave) : 0);
      }
    }
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
      return std::tie(std::get<1>(x), std::get<2>(x), std::get<0>(x)) <
             std::tie(std::get<1>(y), std::get<2>(y), std::get<0>(y));
    });
    return out;
  }

  FakeClock clock_;
  Millis t0_ = 0;
  int64_t line_ = 0;
  std::unique_ptr<Tracing> tracing_;
  std::unique_ptr<Cases> cases_;
  std::vector<Venue> venues_;
  int64_t a_ = 0, b_ = 0, c_ = 0, d_ = 0, e_ = 0;
};

TEST_P(TracingTest, BadCheckinsAreReportedAndNothingOfThemApplied) {
  const std::string market = venues_[0].code;
  std::vector<NewCheckin> batch = {
      At(a_, market, t0_ + 60 * kMin),                           // 1 good
      At(999'999, market, t0_),                                  // 2 unknown person
      At(a_, "NOPE-1234", t0_),                                  // 3 unknown venue
      At(b_, market, clock_.now + kDay),                         // 4 future
      At(b_, market, t0_ - 30 * kDay),                           // 5 before the city
      At(b_, market, t0_ + 100 * kMin, t0_ + 90 * kMin),         // 6 leaves before arriving
      At(b_, market, t0_ + 100 * kMin, t0_ + 100 * kMin + 2 * kDay),  // 7 over 24 h
      At(a_, market, t0_ + 60 * kMin + 20'000),                  // 8 same minute as line 1
      At(c_, market, t0_ + 70 * kMin, t0_ + 80 * kMin),          // 9 good
  };
  batch.push_back(NewCheckin{++line_, 0, Id("22010219800101003"), venues_[1].code, t0_ + 3 * 60 * kMin, 0});  // 10 by ID number
  batch.push_back(NewCheckin{++line_, 0, "", market, t0_, 0});  // 11 nobody
  auto r = tracing_->Record(batch, "/", by_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->accepted, 3);
  EXPECT_EQ(r->rejected, 8);
  std::vector<std::pair<int64_t, std::string>> errors;
  for (const auto& e : r->errors) errors.emplace_back(e.line, e.field);
  EXPECT_EQ(errors, (std::vector<std::pair<int64_t, std::string>>{{2, "person_id"},
                                                                  {3, "venue_code"},
                                                                  {4, "arrive_at"},
                                                                  {5, "arrive_at"},
                                                                  {6, "leave_at"},
                                                                  {7, "leave_at"},
                                                                  {8, "arrive_at"},
                                                                  {11, "person_id"}}));
  EXPECT_NE(r->errors[2].message.find("future"), std::string::npos);
  EXPECT_NE(r->errors[3].message.find("before the city"), std::string::npos);
  EXPECT_EQ(StoredCheckins().size(), 3u);
  EXPECT_EQ(EngineCheckins(*tracing_), StoredCheckins());

  // The same good line again: a duplicate of the stored one, nothing changes.
  auto again = tracing_->Record(std::vector<NewCheckin>{At(a_, market, t0_ + 60 * kMin)}, "/", by_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->accepted, 0);
  ASSERT_EQ(again->errors.size(), 1u);
  EXPECT_NE(again->errors[0].message.find("already recorded"), std::string::npos);
  EXPECT_EQ(StoredCheckins().size(), 3u);
  EXPECT_EQ(EngineCheckins(*tracing_), StoredCheckins());
}

TEST_P(TracingTest, CheckinsOutsideTheJurisdictionAreRefused) {
  auto r = tracing_->Record(std::vector<NewCheckin>{At(a_, venues_[2].code, t0_), At(a_, venues_[0].code, t0_)},
                            "/220100000000/220102000000/", by_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->accepted, 1);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].line, 1);
  EXPECT_NE(r->errors[0].message.find("jurisdiction"), std::string::npos);
}

TEST_P(TracingTest, EngineSeesWritesOfOtherProcessesAndRebuildsAtStart) {
  ASSERT_TRUE(tracing_->Record(std::vector<NewCheckin>{At(a_, venues_[0].code, t0_)}, "/", by_).ok());
  // Another process writes straight into the table.
  ASSERT_TRUE(store_->Tx([&](store::Conn& c) {
    return c.Exec("INSERT INTO checkins (person_id, venue_id, arrive_at, leave_at) VALUES (?, ?, ?, NULL)",
                  {b_, venues_[0].id, t0_ + 5 * kMin})
        .status();
  }).ok());
  auto v = tracing_->VenueVisitors(venues_[0].code, t0_, t0_ + 10 * kMin);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->distinct_persons, 2);
  // A fresh service over the same store answers the same.
  Tracing fresh(*store_, clock_);
  ASSERT_TRUE(fresh.Start().ok());
  EXPECT_EQ(EngineCheckins(fresh), StoredCheckins());
  EXPECT_EQ(fresh.Stats().checkins, 2);
}

TEST_P(TracingTest, CaseTraceContactListAndStatuses) {
  const std::string market = venues_[0].code, restaurant = venues_[1].code;
  const Millis day2 = t0_ + kDay;
  ASSERT_TRUE(tracing_->Record(std::vector<NewCheckin>{
                                   At(a_, market, day2),                  // the case
                                   At(c_, market, day2 + 20 * kMin),      // close contact
                                   At(c_, restaurant, day2 + 300 * kMin),  // c meets e later
                                   At(e_, restaurant, day2 + 310 * kMin),  // secondary
                                   At(d_, restaurant, day2 - 300 * kMin),  // before: nobody
                               },
                               "/", by_)
                  .ok());
  const std::string report = DateShanghai(day2 + kDay);
  auto k = cases_->Create({a_, "confirmed", DateShanghai(day2), report, "市传染病医院", "", 0}, by_);
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(cases_->Create({a_, "confirmed", "", report, "", "", 0}, by_).status().code(), StatusCode::kConflict);

  auto run = cases_->Trace({{k->id}, {}, true, true, 4}, by_);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->close_found, 2);      // c at the market, b at home
  EXPECT_EQ(run->secondary_found, 1);  // e at the restaurant with c
  EXPECT_EQ(run->listed, 3);
  auto list = cases_->Contacts({.scope = "", .limit = 10});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  std::map<int64_t, ContactEntry> by_person;
  for (const auto& c : *list) by_person[c.resident_id] = c;
  EXPECT_EQ(by_person[c_].ring, "close");
  EXPECT_EQ(by_person[c_].reason_kind, "venue");
  EXPECT_EQ(by_person[c_].venue_id, venues_[0].id);
  EXPECT_EQ(by_person[c_].exposure_at, day2 + 20 * kMin);
  EXPECT_NE(by_person[c_].reason.find("永吉菜市场"), std::string::npos);
  EXPECT_EQ(by_person[b_].reason_kind, "household");
  EXPECT_EQ(by_person[e_].ring, "secondary");
  EXPECT_EQ(by_person[e_].via_resident_id, c_);
  EXPECT_EQ(by_person[e_].case_id, k->id);
  EXPECT_EQ(by_person[c_].status, "pending");

  // Statuses move forward only; each move is kept.
  const int64_t cid = by_person[c_].id;
  ASSERT_TRUE(cases_->SetContactStatus(cid, "notified", "王警官", "电话通知", by_).ok());
  ASSERT_TRUE(cases_->SetContactStatus(cid, "quarantined", "王警官", "转运至隔离酒店", by_).ok());
  EXPECT_EQ(cases_->SetContactStatus(cid, "pending", "王警官", "", by_).status().code(), StatusCode::kConflict);
  EXPECT_EQ(cases_->SetContactStatus(cid, "gone", "王警官", "", by_).status().code(), StatusCode::kInvalidArgument);
  auto released = cases_->SetContactStatus(cid, "released", "李医生", "期满解除", by_);
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(released->officer, "李医生");
  auto history = cases_->ContactHistory(cid);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].from, "pending");
  EXPECT_EQ((*history)[2].to, "released");

  // Tracing again lists nobody twice.
  auto rerun = cases_->Trace({{k->id}, {}, true, true, 4}, by_);
  ASSERT_TRUE(rerun.ok());
  EXPECT_EQ(rerun->listed, 0);
  EXPECT_EQ(rerun->already, 3);

  // Manual changes need a reason; a listed person cannot be added twice.
  EXPECT_EQ(cases_->AddContact(d_, "close", k->id, "", by_).status().code(), StatusCode::kInvalidArgument);
  auto manual = cases_->AddContact(d_, "close", k->id, "同车出行(自述)", by_);
  ASSERT_TRUE(manual.ok()) << manual.status().ToString();
  EXPECT_EQ(manual->reason_kind, "manual");
  EXPECT_EQ(cases_->AddContact(d_, "close", k->id, "again", by_).status().code(), StatusCode::kConflict);
  EXPECT_EQ(cases_->AddContact(a_, "close", 0, "the case itself", by_).status().code(), StatusCode::kConflict);
  auto removed = cases_->RemoveContact(manual->id, "核实未接触", by_);
  ASSERT_TRUE(removed.ok());
  EXPECT_NE(removed->removed_at, 0);
  EXPECT_EQ(cases_->Contacts({.scope = "", .limit = 10})->size(), 3u);

  // CaseConfirmed and ContactListed went out with the commits.
  int64_t confirmed = 0, listed = 0;
  ASSERT_TRUE(store_->Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT type, COUNT(*) FROM events GROUP BY type"));
    for (const auto& r : rows.rows) {
      if (r.Text(0) == "CaseConfirmed") confirmed = r.Int(1);
      if (r.Text(0) == "ContactListed") listed = r.Int(1);
    }
    return Status::Ok();
  }).ok());
  EXPECT_EQ(confirmed, 1);
  EXPECT_EQ(listed, 2);  // the run's chunk and the manual addition
}

TEST_P(TracingTest, ChainsFollowInfectorsAndRefuseCycles) {
  const std::string report = DateShanghai(t0_ + kDay);
  auto k1 = cases_->Create({a_, "confirmed", "", report, "", "", 0}, by_);
  ASSERT_TRUE(k1.ok()) << k1.status().ToString();
  auto k2 = cases_->Create({b_, "asymptomatic", "", report, "", "", k1->id}, by_);
  ASSERT_TRUE(k2.ok());
  auto k3 = cases_->Create({c_, "confirmed", "", report, "", "", k2->id}, by_);
  ASSERT_TRUE(k3.ok());
  EXPECT_EQ(cases_->SetInfector(k1->id, k3->id, by_).status().code(), StatusCode::kConflict);
  EXPECT_EQ(cases_->SetInfector(k1->id, k1->id, by_).status().code(), StatusCode::kInvalidArgument);
  auto g = cases_->Chain(k3->id);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->cases.size(), 3u);
  EXPECT_EQ(g->links, (std::vector<std::pair<int64_t, int64_t>>{{k1->id, k2->id}, {k2->id, k3->id}}));
  // Bad input names the field.
  auto bad = cases_->Create({d_, "sick", "2022-02-30", report, "", "", 0}, by_);
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.status().field_errors().size(), 2u);
  EXPECT_EQ(bad.status().field_errors()[0].field, "kind");
  EXPECT_EQ(bad.status().field_errors()[1].field, "onset_date");
  EXPECT_EQ(cases_->Create({d_, "confirmed", "", DateShanghai(clock_.now + 2 * kDay), "", "", 0}, by_)
                .status()
                .field_errors()
                .at(0)
                .field,
            "report_date");
}

INSTANTIATE_TEST_SUITE_P(Backends, TracingTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::tracing
