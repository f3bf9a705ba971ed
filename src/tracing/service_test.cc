#include "tracing/service.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

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

  NewCheckin At(int64_t person, const std::string& venue, Millis arrive, Millis leave = kNoTime) {
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
  batch.push_back(NewCheckin{++line_, 0, Id("22010219800101003"), venues_[1].code, t0_ + 3 * 60 * kMin});  // 10 by ID number
  batch.push_back(NewCheckin{++line_, 0, "", market, t0_});  // 11 nobody
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

// Regression: arrive_at of 1970 (0 ms) or year 1 answered "arrive_at is required";
// person_id -1 answered "person_id or id_number is required".
TEST_P(TracingTest, CheckinTimesOf1970AndNegativeIdsAreNamedForWhatTheyAre) {
  const std::string market = venues_[0].code;
  std::vector<NewCheckin> batch{At(a_, market, 0), At(a_, market, -62'135'596'800'000), NewCheckin{0, a_, "", market},
                                At(-1, market, t0_), At(a_, market, t0_, 0)};
  for (size_t i = 0; i < batch.size(); ++i) batch[i].line = static_cast<int64_t>(i + 1);
  auto r = tracing_->Record(batch, "/", by_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->errors.size(), 5u);
  EXPECT_NE(r->errors[0].message.find("1970-01-01T08:00:00.000+08:00 is before the city's records begin"),
            std::string::npos) << r->errors[0].message;
  EXPECT_NE(r->errors[1].message.find("is before the city's records begin"), std::string::npos)
      << r->errors[1].message;
  EXPECT_EQ(r->errors[2].message, "arrive_at is required");
  EXPECT_EQ(r->errors[3].field, "person_id");
  EXPECT_EQ(r->errors[3].message, "person_id must be a positive id, not -1");
  EXPECT_EQ(r->errors[4].field, "leave_at");  // leave_at 1970 is a time, before arrive_at
  EXPECT_EQ(StoredCheckins().size(), 0u);
}

// Regression: person_id and id_number given together and disagreeing were accepted
// silently (the id won).
TEST_P(TracingTest, PersonIdAndIdNumberMustAgree) {
  const std::string market = venues_[0].code;
  auto r = tracing_->Record(std::vector<NewCheckin>{NewCheckin{++line_, a_, Id("22010219800101002"), market, t0_},
                                                    NewCheckin{++line_, a_, Id("22010219800101001"), market, t0_}},
                            "/", by_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->accepted, 1);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].line, line_ - 1);
  EXPECT_EQ(r->errors[0].field, "id_number");
}

// Regression: a community user told an out-of-area ID number apart from an unknown
// one, and could record a check-in for any resident of the city at their own venue.
TEST_P(TracingTest, AResidentOutsideTheJurisdictionAnswersLikeOneThatDoesNotExist) {
  const std::string scope = "/220100000000/220102000000/";
  const std::string market = venues_[0].code;  // in 南关 (220102)
  const std::string outside_id = Id("22010319800101005");  // e_, living in 宽城
  const std::string unknown_id = Id("22010319800101006");
  std::vector<NewCheckin> batch{NewCheckin{0, 0, outside_id, market, t0_},
                                NewCheckin{0, 0, unknown_id, market, t0_},
                                At(e_, market, t0_),
                                At(999'999, market, t0_),
                                At(a_, venues_[2].code, t0_),
                                At(a_, "220103001001-V0009", t0_)};
  for (size_t i = 0; i < batch.size(); ++i) batch[i].line = static_cast<int64_t>(i + 1);
  auto r = tracing_->Record(batch, scope, by_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->errors.size(), 6u);
  auto without = [](std::string m, const std::string& what) {
    if (auto at = m.find(what); at != std::string::npos) m.replace(at, what.size(), "X");
    return m;
  };
  EXPECT_EQ(without(r->errors[0].message, outside_id), without(r->errors[1].message, unknown_id));
  EXPECT_EQ(r->errors[0].field, r->errors[1].field);
  EXPECT_EQ(without(r->errors[2].message, std::to_string(e_)), without(r->errors[3].message, "999999"));
  EXPECT_EQ(without(r->errors[4].message, venues_[2].code), without(r->errors[5].message, "220103001001-V0009"));
  EXPECT_EQ(StoredCheckins().size(), 0u);
  // The city-wide scope records the same resident.
  auto city = tracing_->Record(std::vector<NewCheckin>{At(e_, market, t0_)}, "/", by_);
  ASSERT_TRUE(city.ok());
  EXPECT_EQ(city->accepted, 1);
}

// Regression: resident 4294967297 (2^32 + 1) was cast to 32 bits and returned
// person 1's trajectory.
TEST_P(TracingTest, TrajectoryOfAnIdBeyondTheEngineIsNotSomeoneElses) {
  ASSERT_TRUE(tracing_->Record(std::vector<NewCheckin>{At(a_, venues_[0].code, t0_)}, "/", by_).ok());
  ASSERT_EQ(tracing_->Trajectory(a_, t0_ - kDay, t0_ + kDay)->size(), 1u);
  auto t = tracing_->Trajectory((int64_t{1} << 32) + a_, t0_ - kDay, t0_ + kDay);
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
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

  // Thresholds low enough that 20 minutes at a market make a close contact (a rule
  // set of this city's own, version 1).
  auto rules = cases_->SetTierRules(R"({"tiers":{"close":{"threshold":0.001},"secondary":{"threshold":0.001}}})",
                                    "test: short encounters count", by_);
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(rules->version, 1);
  auto run = cases_->Trace({{k->id}, {}, true, true, 4}, by_);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->rules_version, 1);
  EXPECT_EQ(run->ring_found, 2);       // c at the market, b at home
  EXPECT_EQ(run->close_found, 2);      // both above the threshold
  EXPECT_EQ(run->secondary_found, 1);  // e at the restaurant with c
  EXPECT_EQ(run->exposed_found, 0);
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
  // Regression: the reason named the case ("与病例#1 甲 …"), shown to whoever covers the
  // contact even when they may not read the case.
  EXPECT_EQ(by_person[c_].reason.find("甲"), std::string::npos) << by_person[c_].reason;
  EXPECT_NE(by_person[c_].reason.find("病例#" + std::to_string(k->id)), std::string::npos);
  EXPECT_GT(by_person[c_].score, 0);
  EXPECT_LT(by_person[c_].score, by_person[b_].score);  // 20 minutes at a market, against the household
  ASSERT_FALSE(by_person[c_].terms.empty());
  EXPECT_NE(by_person[c_].terms[0].find("同场 1 次、1 天，共 20 分钟"), std::string::npos) << by_person[c_].terms[0];
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

// Regression: a score term began "03-01T09:15 起与…" (the ISO 'T' of FormatShanghai)
// where the contract, and the console that shows it, read "03-01 09:15 起与…".
TEST_P(TracingTest, ScoreTermTimesReadMonthDayHourMinuteWithoutTheIsoT) {
  const std::string market = venues_[0].code;
  const Millis day2 = t0_ + kDay;
  ASSERT_TRUE(tracing_->Record(std::vector<NewCheckin>{At(a_, market, day2), At(c_, market, day2 + 20 * kMin)}, "/", by_)
                  .ok());
  auto k = cases_->Create({a_, "confirmed", DateShanghai(day2), DateShanghai(day2 + kDay), "", "", 0}, by_);
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  ASSERT_TRUE(cases_->Trace({{k->id}, {}, false, false, 4}, by_).ok());
  auto list = cases_->Contacts({.scope = "", .limit = 10});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const ContactEntry& c = (*list)[0];
  ASSERT_EQ(c.resident_id, c_);
  ASSERT_FALSE(c.terms.empty());
  std::string when = FormatShanghai(c.exposure_at).substr(5, 11);  // "MM-DDTHH:MM"
  when[5] = ' ';
  EXPECT_EQ(c.terms[0].rfind(when + " 起与", 0), 0u) << c.terms[0];
  EXPECT_EQ(c.reason.rfind(when + " 起与", 0), 0u) << c.reason;
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

// Regression: exposures after a case's report were counted (the window ran to the end
// of the report day); a case isolated at report stops exposing others.
TEST_P(TracingTest, ExposuresAfterACaseWasReportedAreNotContacts) {
  const std::string market = venues_[0].code;
  const Millis day2 = t0_ + kDay;
  const Millis reported = day2 + 120 * kMin;
  ASSERT_TRUE(tracing_->Record(std::vector<NewCheckin>{At(a_, market, day2, day2 + 30 * kMin),
                                                       At(c_, market, day2 + 10 * kMin, day2 + 20 * kMin),
                                                       At(a_, market, day2 + 180 * kMin, day2 + 200 * kMin),
                                                       At(d_, market, day2 + 185 * kMin, day2 + 195 * kMin)},
                               "/", by_)
                  .ok());
  NewCase nc{a_, "confirmed", "", DateShanghai(reported), "", "", 0};
  nc.reported_at = reported;
  auto k = cases_->Create(nc, by_);
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->reported_at, reported);
  EXPECT_EQ(ExposureEnd(*k), reported);
  auto run = cases_->Trace({{k->id}, {}, false, false, 4}, by_);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->ring_found, 1);  // c before the report; d after it is not a contact
  auto list = cases_->Contacts({.scope = "", .limit = 10});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->at(0).resident_id, c_);
  // A report time that does not fall on the report date is refused, naming the field.
  NewCase off{b_, "confirmed", "", DateShanghai(reported), "", "", 0};
  off.reported_at = reported + 2 * kDay;
  auto bad = cases_->Create(off, by_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field_errors().at(0).field, "reported_at");
}

TEST(ExposureEnd, WithoutAReportTimeTheEarlierOfRecordingAndTheReportDaysEnd) {
  Case c;
  c.report_date = "2022-03-05";
  const Millis day_end = ParseTime("2022-03-05T23:59:00+08:00").value();
  c.created_at = ParseTime("2022-03-05T09:30:00+08:00").value();
  EXPECT_EQ(ExposureEnd(c), c.created_at);  // recorded that morning: isolated by then
  c.created_at = ParseTime("2022-03-08T10:00:00+08:00").value();
  EXPECT_EQ(ExposureEnd(c), day_end);  // recorded days later: the report day's end
  c.reported_at = ParseTime("2022-03-05T07:00:00+08:00").value();
  EXPECT_EQ(ExposureEnd(c), c.reported_at);
}

INSTANTIATE_TEST_SUITE_P(Backends, TracingTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

class TracingOrderTest : public TracingTest {};

// Regression: the engine caught up with `WHERE id > last` while writers committed in
// any order; on PostgreSQL a transaction that committed a lower id after a higher one
// was read was missed until a restart.
TEST_P(TracingOrderTest, ACheckinCannotCommitBehindOneTheEngineHasRead) {
  const std::string market = venues_[0].code;
  std::promise<void> inserted, go;
  std::shared_future<void> go_future = go.get_future().share();
  std::thread other_process([&] {  // `tongchou import checkins` in its own transaction
    Status s = store_->Tx([&](store::Conn& c) -> Status {
      TC_RETURN_IF_ERROR(LockCheckinOrder(c));
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO checkins (person_id, venue_id, arrive_at) VALUES (?, ?, ?)",
                                {b_, venues_[0].id, t0_})
                             .status());  // draws the lower id
      inserted.set_value();
      go_future.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
  });
  inserted.get_future().wait();
  Result<CheckinReport> r = Internal("not run");
  std::thread server([&] { r = tracing_->Record(std::vector<NewCheckin>{At(c_, market, t0_ + kMin)}, "/", by_); });
  const bool waited = store::testing::SomeoneWaitsForAnAdvisoryLock(*store_);
  EXPECT_TRUE(waited) << "the second writer did not wait for the first: ids can become visible out of order";
  go.set_value();
  other_process.join();
  server.join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->accepted, 1);
  auto v = tracing_->VenueVisitors(market, t0_ - kDay, t0_ + kDay);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->distinct_persons, 2);  // the lower id is not lost behind the higher one
  EXPECT_EQ(EngineCheckins(*tracing_), StoredCheckins());
}

INSTANTIATE_TEST_SUITE_P(Postgres, TracingOrderTest, ::testing::Values("postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::tracing
