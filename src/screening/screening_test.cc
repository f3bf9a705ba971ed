#include "screening/screening.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "events/events.h"
#include "registry/registry_fixture.h"
#include "screening/planning.h"
#include "screening/stream.h"
#include "tracing/cases.h"

namespace tc::screening {
namespace {

constexpr Millis kMin = 60'000;
constexpr Millis kDay = 86'400'000;

class FakeClock : public Clock {
 public:
  Millis Now() const override { return now; }
  Millis now = 0;
};

// The crafted tree (registry_fixture.h) with six residents:
//   1栋1单元 0101: a, b (b bedridden)   1栋1单元 0102: c   1栋2单元 0201: d   2栋1单元 0101: f
//   宽城 新发 0101: e
class ScreeningTest : public registry::RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    if (HasFatalFailure()) return;
    clock_.now = (NowMillis() / kMin) * kMin;
    a_ = Add("甲", Id("22010219800101001"), "220102001001-001-01-1-0101", "13800000001").id;
    b_ = Add("乙", Id("22010219400101002"), "220102001001-001-01-1-0101", "", "bedridden").id;
    c_ = Add("丙", Id("22010219800101003"), "220102001001-001-01-1-0102").id;
    d_ = Add("丁", Id("22010219800101004"), "220102001001-001-01-2-0201").id;
    e_ = Add("戊", Id("22010319800101005"), "220103001001-001-01-1-0101").id;
    f_ = Add("己", Id("22010219800101006"), "220102001001-001-02-1-0101").id;
    Reopen();
    ASSERT_TRUE(sc_->CreateSite({.code = "S1", .name = "永吉社区采样点", .area_code = "220102001001",
                                 .hours = "07:00-21:00", .lanes = 2, .per_hour = 100, .staff = {"worker"}},
                                by_)
                    .ok());
    ASSERT_TRUE(sc_->CreateSite({.code = "S2", .name = "新发采样点", .area_code = "220103001001",
                                 .hours = "08:00-20:00", .lanes = 1, .per_hour = 100, .staff = {"other"}},
                                by_)
                    .ok());
    ASSERT_TRUE(sc_->CreateLab({.code = "L1", .name = "市疾控", .capacity_per_day = 1000}, by_).ok());
  }

  void Reopen() {
    sc_.reset();
    auto s = Screening::Open(*store_, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    sc_ = std::move(s).value();
  }

  Round NewRoundOf(int pool, std::vector<std::string> areas = {"220100000000"}) {
    const std::string today = DateShanghai(clock_.now);
    auto r = sc_->CreateRound({"第一轮", std::move(areas), today, DateShanghai(clock_.now + 2 * kDay), pool, "residents"},
                              {}, by_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Round{};
  }

  Scan At(int64_t round, const std::string& tube, int64_t person, const std::string& site = "S1") {
    Scan s;
    s.line = ++line_;
    s.round_id = round;
    s.site_code = site;
    s.tube = tube;
    s.person_id = person;
    return s;
  }

  ScanReport Reg(std::vector<Scan> scans, const std::string& user = "worker") {
    return sc_->Register(scans, user, false, by_);
  }

  ResultReport Result(const std::string& tube, const std::string& result) {
    TubeResult r;
    r.line = ++line_;
    r.tube = tube;
    r.result = result;
    return sc_->Report(std::vector<TubeResult>{r}, by_);
  }

  int64_t CountRows(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(store_->Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql));
      n = rows[0].Int(0);
      return Status::Ok();
    }).ok());
    return n;
  }

  std::vector<std::string> EventsOf(const std::string& type) {
    std::vector<std::string> out;
    EXPECT_TRUE(store_->Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT payload FROM events WHERE type = ? ORDER BY seq", {type}));
      for (const auto& r : rows.rows) out.push_back(r.Text(0));
      return Status::Ok();
    }).ok());
    return out;
  }

  Coverage Cov(int64_t round, const std::string& area) {
    auto c = sc_->CoverageOf(round, area);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? c->node : Coverage{};
  }

  FakeClock clock_;
  std::unique_ptr<Screening> sc_;
  int64_t a_ = 0, b_ = 0, c_ = 0, d_ = 0, e_ = 0, f_ = 0;
  int64_t line_ = 0;
};

TEST_P(ScreeningTest, APooledTubeClosesWhenFullAndThenTakesNoOne) {
  const Round r = NewRoundOf(3);
  auto rep = Reg({At(r.id, "T1", a_), At(r.id, "T1", c_)});
  ASSERT_TRUE(rep.status.ok());
  EXPECT_EQ(rep.accepted, 2);
  EXPECT_FALSE(rep.outcomes[1].tube.closed);
  rep = Reg({At(r.id, "T1", d_)});
  EXPECT_EQ(rep.accepted, 1);
  EXPECT_TRUE(rep.outcomes[0].tube.closed) << "the third of 3 fills the tube";
  EXPECT_EQ(rep.outcomes[0].tube.members, 3);
  rep = Reg({At(r.id, "T1", f_)});
  ASSERT_EQ(rep.rejected, 1);
  EXPECT_EQ(rep.errors[0].field, "tube");
  EXPECT_NE(rep.errors[0].message.find("T1 is closed"), std::string::npos) << rep.errors[0].message;

  // A partly filled tube closed by hand takes no one either.
  ASSERT_EQ(Reg({At(r.id, "T2", f_)}).accepted, 1);
  auto closed = sc_->CloseTube("T2", "worker", false, by_);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_TRUE(closed->closed);
  rep = Reg({At(r.id, "T2", e_)});
  EXPECT_EQ(rep.rejected, 1);
  EXPECT_TRUE(sc_->CloseTube("T2", "worker", false, by_).ok()) << "closing a closed tube is a no-op";
  EXPECT_EQ(sc_->CloseTube("T9", "worker", false, by_).status().code(), StatusCode::kNotFound);

  // Kept across a restart: the engine is rebuilt from the rows.
  Reopen();
  auto t1 = sc_->GetTube("T1");
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ(t1->members.size(), 3u);
  EXPECT_NE(t1->closed_at, 0);
  EXPECT_EQ(Reg({At(r.id, "T1", e_)}).rejected, 1);
  EXPECT_EQ(Cov(r.id, "220100000000").sampled, 4);
}

TEST_P(ScreeningTest, ThePoolSizeOfTheRoundBoundsEveryTube) {
  const Round r = NewRoundOf(2);
  auto rep = Reg({At(r.id, "P1", a_), At(r.id, "P1", c_), At(r.id, "P1", d_)});
  EXPECT_EQ(rep.accepted, 2);
  ASSERT_EQ(rep.rejected, 1);
  EXPECT_EQ(rep.errors[0].line, line_);
  EXPECT_EQ(sc_->GetTube("P1")->capacity, 2);
  // And the round refuses sizes outside 1..20.
  auto bad = sc_->CreateRound({"x", {"220100000000"}, DateShanghai(clock_.now), DateShanghai(clock_.now), 21, "residents"},
                              {}, by_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field_errors().at(0).field, "pool_size");
}

TEST_P(ScreeningTest, TheSamePersonTwiceInARoundIsRefusedNamingTheTube) {
  const Round r = NewRoundOf(10);
  ASSERT_EQ(Reg({At(r.id, "T1", a_)}).accepted, 1);
  auto again = Reg({At(r.id, "T2", a_)});
  ASSERT_EQ(again.rejected, 1);
  EXPECT_EQ(again.errors[0].field, "person_id");
  EXPECT_NE(again.errors[0].message.find("on tube T1"), std::string::npos) << again.errors[0].message;
  EXPECT_EQ(sc_->GetTube("T2").status().code(), StatusCode::kNotFound) << "the refused scan opened no tube";
  // Within one batch too, and by ID number.
  Scan by_id = At(r.id, "T3", 0);
  by_id.id_number = Id("22010219800101003");
  Scan twice = by_id;
  twice.tube = "T4";
  twice.line = ++line_;
  auto batch = Reg({by_id, twice});
  EXPECT_EQ(batch.accepted, 1);
  ASSERT_EQ(batch.rejected, 1);
  EXPECT_EQ(batch.errors[0].field, "id_number");
  EXPECT_NE(batch.errors[0].message.find("on tube T3"), std::string::npos);
  // The same person on the same tube again is not an error: it is already there.
  auto same = Reg({At(r.id, "T1", a_)});
  EXPECT_EQ(same.already, 1);
  EXPECT_EQ(same.rejected, 0);
  EXPECT_EQ(sc_->GetTube("T1")->members.size(), 1u);
}

TEST_P(ScreeningTest, AResentBatchChangesNothing) {
  const Round r = NewRoundOf(2);
  const std::string ndjson =
      "{\"site\":\"S1\",\"tube\":\"B1\",\"person_id\":" + std::to_string(a_) + "}\n" +
      "{\"site\":\"S1\",\"tube\":\"B1\",\"id_number\":\"" + Id("22010219800101003") + "\"}\n" +
      "{\"site\":\"S1\",\"tube\":\"B2\",\"person_id\":" + std::to_string(d_) + ",\"close\":true}\n";
  auto send = [&] {
    std::istringstream in(ndjson);
    auto parsed = ParseScans(in, LineFormat::kNdjson, r.id);
    EXPECT_TRUE(parsed.fatal.ok());
    EXPECT_TRUE(parsed.errors.empty());
    return Reg(parsed.records);
  };
  auto first = send();
  EXPECT_EQ(first.accepted, 3);
  const int64_t audit_rows = CountRows("SELECT COUNT(*) FROM audit_log");
  const int64_t tube_rows = CountRows("SELECT COUNT(*) FROM test_tubes");
  auto second = send();
  EXPECT_EQ(second.accepted, 0);
  EXPECT_EQ(second.already, 3);
  EXPECT_EQ(second.rejected, 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM test_tubes"), tube_rows);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log"), audit_rows) << "nothing written for a batch of repeats";
  EXPECT_EQ(Cov(r.id, "220100000000").sampled, 3);
  // The same lines as CSV with Chinese headers give the same answer.
  const std::string csv = "采样点,试管码,人员ID\nS1,B1," + std::to_string(a_) + "\nS1,B2," + std::to_string(d_) + "\n";
  std::istringstream in(csv);
  auto parsed = ParseScans(in, LineFormat::kCsv, r.id);
  ASSERT_TRUE(parsed.fatal.ok()) << parsed.fatal.ToString();
  EXPECT_EQ(Reg(parsed.records).already, 2);
}

TEST_P(ScreeningTest, APositivePoolPutsEveryMemberOnRetestIsolationAndADoorTask) {
  const Round r = NewRoundOf(3);
  ASSERT_EQ(Reg({At(r.id, "T1", a_), At(r.id, "T1", c_), At(r.id, "T1", f_)}).accepted, 3);
  ASSERT_EQ(Reg({At(r.id, "T2", d_)}).accepted, 1);
  ASSERT_TRUE(sc_->CloseTube("T2", "worker", false, by_).ok());
  auto rep = Result("T1", "positive");
  EXPECT_EQ(rep.applied, 1);
  EXPECT_EQ(rep.positive_tubes, 1);
  EXPECT_EQ(rep.followups, 3);
  EXPECT_EQ(Result("T2", "negative").applied, 1);

  auto open = sc_->Followups({.scope_path = "/", .round_id = r.id, .status = "open"});
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 3u);
  std::map<int64_t, std::string> building;
  for (const auto& f : *open) {
    EXPECT_EQ(f.tube, "T1");
    EXPECT_EQ(f.isolation, "home");
    EXPECT_EQ(f.reason, "positive");
    building[f.person_id] = f.building_code;
  }
  EXPECT_EQ(building[a_], "220102001001-001-01");
  EXPECT_EQ(building[c_], "220102001001-001-01");
  EXPECT_EQ(building[f_], "220102001001-001-02");
  // A grid worker of building 2 sees only f's task.
  auto b2 = sc_->Followups({.scope_path = *sc_->AreaPathOf("220102001001-001-02")});
  ASSERT_TRUE(b2.ok());
  ASSERT_EQ(b2->size(), 1u);
  EXPECT_EQ((*b2)[0].person_id, f_);

  EXPECT_EQ(sc_->Followups({.scope_path = "/", .tube = "T1"})->size(), 3u) << "a tube's follow-ups";
  EXPECT_TRUE(sc_->Followups({.scope_path = "/", .tube = "T2"})->empty());
  const auto ev = EventsOf("TubePositive");
  ASSERT_EQ(ev.size(), 1u);
  const auto payload = nlohmann::json::parse(ev[0]);
  EXPECT_EQ(payload["tube"], "T1");
  ASSERT_EQ(payload["members"].size(), 3u);
  EXPECT_EQ(payload["members"][0]["resident_id"], a_);
  EXPECT_EQ(payload["members"][0]["building"], "220102001001-001-01");
  EXPECT_TRUE(EventsOf("IndividualPositive").empty()) << "a pool is not a person";
  EXPECT_EQ(Cov(r.id, "220102001001").positive_tubes, 1);
  EXPECT_EQ(Cov(r.id, "220103001001").positive_tubes, 0);
  EXPECT_EQ(Cov(r.id, "220100000000").resulted, 4);
}

TEST_P(ScreeningTest, AnInvalidPoolIsRetestedLikeAPositiveOne) {
  const Round r = NewRoundOf(2);
  auto scan = At(r.id, "T1", a_);
  scan.close_after = true;
  ASSERT_EQ(Reg({scan}).accepted, 1);
  ASSERT_EQ(Reg({At(r.id, "T2", c_), At(r.id, "T2", d_)}).accepted, 2);
  auto rep = Result("T2", "invalid");
  EXPECT_EQ(rep.followups, 2);
  auto open = sc_->Followups({.scope_path = "/", .status = "open"});
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].reason, "invalid");
  EXPECT_EQ(EventsOf("TubePositive").size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(EventsOf("TubePositive")[0])["result"], "invalid");
  // A closed tube of one person is an individual test: its positive is that person's.
  EXPECT_EQ(Result("T1", "positive").followups, 0);
  ASSERT_EQ(EventsOf("IndividualPositive").size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(EventsOf("IndividualPositive")[0])["resident_id"], a_);
}

TEST_P(ScreeningTest, AnIndividualRetestClosesTheLoop) {
  const Round r = NewRoundOf(2);
  ASSERT_EQ(Reg({At(r.id, "T1", a_), At(r.id, "T1", c_)}).accepted, 2);
  ASSERT_EQ(Result("T1", "positive").followups, 2);
  // Only someone with a retest due may be retested.
  auto not_due = At(r.id, "R0", d_);
  not_due.retest = true;
  auto refused = Reg({not_due});
  ASSERT_EQ(refused.rejected, 1);
  EXPECT_NE(refused.errors[0].message.find("no retest due"), std::string::npos);

  clock_.now += 30 * kMin;  // the retest, half an hour later
  auto ra = At(r.id, "RA", a_);
  ra.retest = true;
  auto rc = At(r.id, "RC", c_);
  rc.retest = true;
  auto rep = Reg({ra, rc});
  ASSERT_EQ(rep.accepted, 2);
  EXPECT_TRUE(rep.outcomes[0].tube.closed) << "a retest tube holds one person";
  EXPECT_EQ(sc_->Followups({.scope_path = "/", .status = "sampled"})->size(), 2u);
  EXPECT_EQ(Reg({ra}).already, 1) << "the retest resent";

  // c is negative: the task closes and isolation lifts; a is positive: a suspected case.
  EXPECT_EQ(Result("RC", "negative").applied, 1);
  EXPECT_EQ(Result("RA", "positive").applied, 1);
  auto all = sc_->Followups({.scope_path = "/"});
  ASSERT_EQ(all->size(), 2u);
  for (const auto& f : *all) {
    EXPECT_EQ(f.status, "closed");
    if (f.person_id == c_) {
      EXPECT_EQ(f.outcome, "negative");
      EXPECT_EQ(f.isolation, "lifted");
    } else {
      EXPECT_EQ(f.outcome, "positive");
      EXPECT_EQ(f.isolation, "home");
    }
  }
  const auto ev = EventsOf("IndividualPositive");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(ev[0])["resident_id"], a_);

  // The cases module, subscribed to the bus, makes it a suspected case (once).
  tracing::Tracing tracing(*store_, clock_);
  ASSERT_TRUE(tracing.Start().ok());
  tracing::Cases cases(*store_, clock_, tracing);
  events::Bus bus(*store_);
  bus.Subscribe("cases", [&](const events::Event& e) { return cases.OnEvent(e); });
  ASSERT_TRUE(bus.Deliver().ok());
  auto found = cases.OfResidents(std::vector<int64_t>{a_, c_});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].resident_id, a_);
  EXPECT_EQ((*found)[0].kind, "suspected");
  EXPECT_NE((*found)[0].note.find("RA"), std::string::npos);
  EXPECT_EQ(EventsOf("CaseSuspected").size(), 1u);
  EXPECT_TRUE(EventsOf("CaseConfirmed").empty());
  auto confirmed = cases.Confirm((*found)[0].id, "confirmed", by_);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_EQ(EventsOf("CaseConfirmed").size(), 1u);

  // Her own results, newest first: the retest, then the pool.
  auto mine = sc_->ResultsOf(a_);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].tube, "RA");
  EXPECT_EQ((*mine)[0].result, "positive");
  EXPECT_EQ((*mine)[1].tube, "T1");

  // After a restart the open loop state is the same: nothing left to retest.
  Reopen();
  auto again = At(r.id, "RA2", c_);
  again.retest = true;
  EXPECT_EQ(Reg({again}).rejected, 1);
}

TEST_P(ScreeningTest, CoverageCountsEveryNodeAndTheBedriddenAreNotOnTheDoorList) {
  const Round r = NewRoundOf(10, {"220102001001"});
  EXPECT_EQ(r.due_count, 5) << "永吉社区's five residents";
  EXPECT_EQ(r.exempt_count, 1);
  Coverage community = Cov(r.id, "220102001001");
  EXPECT_EQ(community.due, 5);
  EXPECT_EQ(community.exempt, 1);
  EXPECT_EQ(community.not_sampled, 4);
  EXPECT_EQ(Cov(r.id, "220103001001").due, 0) << "宽城 is not in the round";

  ASSERT_EQ(Reg({At(r.id, "T1", a_), At(r.id, "T1", d_), At(r.id, "T1", e_, "S1")}).accepted, 3);
  ASSERT_TRUE(sc_->CloseTube("T1", "worker", false, by_).ok());
  community = Cov(r.id, "220102001001");
  EXPECT_EQ(community.sampled, 2);
  EXPECT_EQ(community.not_sampled, 2) << "c and f";
  const Coverage unit1 = Cov(r.id, "220102001001-001-01-1");
  EXPECT_EQ(unit1.due, 3);
  EXPECT_EQ(unit1.sampled, 1);
  EXPECT_EQ(unit1.exempt, 1);
  EXPECT_EQ(unit1.not_sampled, 1);
  EXPECT_EQ(Cov(r.id, "220103001001").extra, 1) << "e was sampled without being due";
  EXPECT_EQ(Cov(r.id, "220100000000").sampled, 2);

  auto children = sc_->CoverageOf(r.id, "220102001001-001");
  ASSERT_TRUE(children.ok());
  ASSERT_EQ(children->children.size(), 2u);
  EXPECT_EQ(children->children[0].area_code, "220102001001-001-01");
  EXPECT_EQ(children->children[0].due, 4);
  EXPECT_EQ(children->children[1].due, 1);

  auto door = sc_->DoorListOf(r.id, "220102001001-001-01");
  ASSERT_TRUE(door.ok()) << door.status().ToString();
  EXPECT_EQ(door->not_sampled, 1);
  EXPECT_EQ(door->home_sampling, 1);
  ASSERT_EQ(door->units.size(), 1u) << "2单元's only resident was sampled";
  std::map<int64_t, bool> people;
  for (const auto& p : door->units[0].people) people[p.person_id] = p.exempt;
  EXPECT_EQ(people.size(), 2u);
  EXPECT_FALSE(people.at(c_));
  EXPECT_TRUE(people.at(b_)) << "bedridden: sampled at home, not knocked for";

  Result("T1", "negative");
  EXPECT_EQ(Cov(r.id, "220102001001").resulted, 2);
  // Sampling c takes her off the list at once.
  ASSERT_EQ(Reg({At(r.id, "T3", c_)}).accepted, 1);
  door = sc_->DoorListOf(r.id, "220102001001-001-01");
  EXPECT_EQ(door->not_sampled, 0);
  EXPECT_EQ(door->home_sampling, 1);
  EXPECT_EQ(sc_->DoorListOf(r.id, "220102001001").status().code(), StatusCode::kInvalidArgument)
      << "a community is too big for a door list";
}

TEST_P(ScreeningTest, ScansAreRefusedWithTheFieldNamedAndNothingApplied) {
  const Round r = NewRoundOf(10);
  Scan unknown_id = At(r.id, "T1", 0);
  unknown_id.id_number = Id("11010119900101999");
  Scan bad_id = At(r.id, "T1", 0);
  bad_id.id_number = "22010219800101001X";
  Scan bad_site = At(r.id, "T1", a_, "NOPE");
  Scan not_staff = At(r.id, "T1", e_, "S2");
  Scan bad_tube = At(r.id, "bad tube!", a_);
  Scan no_person = At(r.id, "T1", 999999);
  Scan late = At(r.id, "T1", a_);
  late.at = clock_.now + 5 * kDay;
  auto rep = Reg({unknown_id, bad_id, bad_site, not_staff, bad_tube, no_person, late});
  EXPECT_EQ(rep.accepted, 0);
  ASSERT_EQ(rep.rejected, 7);
  std::vector<std::string> fields;
  for (const auto& e : rep.errors) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"id_number", "id_number", "site", "site", "tube", "person_id", "at"}));
  EXPECT_NE(rep.errors[0].message.find("no active resident"), std::string::npos) << rep.errors[0].message;
  EXPECT_NE(rep.errors[3].message.find("not on the staff of test site S2"), std::string::npos);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM test_tubes"), 0);
  // A scan into a closed round.
  ASSERT_TRUE(sc_->CloseRound(r.id, by_).ok());
  EXPECT_EQ(Reg({At(r.id, "T1", a_)}).errors.at(0).field, "round");
  // Malformed lines are that line's error.
  std::istringstream in("{\"site\":\"S1\",\"tube\":\"T1\"}\nnot json\n{\"site\":\"S1\",\"tube\":\"T1\",\"person_id\":\"x\"}\n"
                        "{\"site\":\"S1\",\"tube\":\"T1\",\"person_id\":1,\"colour\":\"red\"}\n");
  auto parsed = ParseScans(in, LineFormat::kNdjson, r.id);
  EXPECT_TRUE(parsed.records.empty());
  ASSERT_EQ(parsed.errors.size(), 4u);
  EXPECT_EQ(parsed.errors[0].field, "id_number");
  EXPECT_EQ(parsed.errors[1].line, 2);
  EXPECT_EQ(parsed.errors[2].field, "person_id");
  EXPECT_EQ(parsed.errors[3].field, "colour");
}

TEST_P(ScreeningTest, ResultsAreRefusedWithTheFieldNamedAndNothingHalfApplied) {
  const Round r = NewRoundOf(10);
  ASSERT_EQ(Reg({At(r.id, "T1", a_), At(r.id, "T1", c_)}).accepted, 2);
  ASSERT_EQ(Reg({At(r.id, "T2", d_)}).accepted, 1);
  ASSERT_TRUE(sc_->CloseTube("T1", "worker", false, by_).ok());
  // T2 is still open; T9 was never registered; "maybe" is not a result.
  std::istringstream in("试管码,结果,CT值,检测机构\nT9,阴性,,\nT2,negative,,\nT1,maybe,,\nT1,阳性,abc,\nT1,阳性,28.5,L9\n"
                        "T1,阳性,28.5,L1\n");
  auto parsed = ParseResults(in, LineFormat::kCsv);
  ASSERT_TRUE(parsed.fatal.ok()) << parsed.fatal.ToString();
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].field, "ct");
  auto rep = sc_->Report(parsed.records, by_);
  EXPECT_EQ(rep.applied, 1);
  ASSERT_EQ(rep.rejected, 4);
  EXPECT_EQ(rep.errors[0].field, "tube");
  EXPECT_NE(rep.errors[0].message.find("T9 was never registered"), std::string::npos);
  EXPECT_NE(rep.errors[1].message.find("T2 is still open"), std::string::npos);
  EXPECT_EQ(rep.errors[2].field, "result");
  EXPECT_EQ(rep.errors[3].field, "lab");
  EXPECT_EQ(sc_->GetTube("T1")->result, "positive");
  EXPECT_EQ(sc_->GetTube("T1")->ct, 28.5);
  EXPECT_EQ(sc_->GetTube("T1")->lab_code, "L1");
  // The same result again is no change; a different one is refused naming both.
  const int64_t followups = CountRows("SELECT COUNT(*) FROM test_followups");
  EXPECT_EQ(Result("T1", "positive").already, 1);
  auto conflict = Result("T1", "negative");
  ASSERT_EQ(conflict.rejected, 1);
  EXPECT_EQ(conflict.errors[0].field, "result");
  EXPECT_NE(conflict.errors[0].message.find("already has the result positive"), std::string::npos);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM test_followups"), followups) << "no second fan-out";
  EXPECT_EQ(EventsOf("TubePositive").size(), 1u);
  EXPECT_EQ(sc_->GetTube("T1")->result, "positive");
}

TEST_P(ScreeningTest, ShipmentsNameEachBadTube) {
  const Round r = NewRoundOf(10);
  ASSERT_EQ(Reg({At(r.id, "T1", a_)}).accepted, 1);
  ASSERT_EQ(Reg({At(r.id, "T2", c_)}).accepted, 1);
  ASSERT_TRUE(sc_->CloseTube("T1", "worker", false, by_).ok());
  auto bad = sc_->Ship({"BOX1", "L1", {"T1", "T2", "T9"}, 0}, by_);
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.status().field_errors().size(), 2u);
  EXPECT_EQ(bad.status().field_errors()[0].field, "tubes[1]");
  EXPECT_EQ(bad.status().field_errors()[1].field, "tubes[2]");
  EXPECT_EQ(sc_->GetTube("T1")->sent_at, 0) << "nothing shipped";
  auto ok = sc_->Ship({"BOX1", "L1", {"T1"}, 0}, by_);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(sc_->GetTube("T1")->box, "BOX1");
  EXPECT_EQ(sc_->Progress(r.id)->tubes_shipped, 1);
}

TEST_P(ScreeningTest, ATierRoundIsDueForTheListedPeopleOnly) {
  const std::string today = DateShanghai(clock_.now);
  auto r = sc_->CreateRound({"密接检测", {"220100000000"}, today, today, 1, "close"}, std::vector<int64_t>{c_, e_}, by_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->due_count, 2);
  auto scan = Reg({At(r->id, "I1", c_)});
  ASSERT_EQ(scan.accepted, 1);
  EXPECT_TRUE(scan.outcomes[0].tube.closed) << "single-tube round";
  Reopen();
  EXPECT_EQ(Cov(r->id, "220100000000").due, 2) << "the list survives a restart";
  EXPECT_EQ(Cov(r->id, "220100000000").sampled, 1);
}

TEST_P(ScreeningTest, ConcurrentScansAreEachRecordedOnce) {
  const Round r = NewRoundOf(20);
  std::vector<std::thread> threads;
  std::vector<ScanReport> reports(4);
  const std::vector<int64_t> people = {a_, c_, d_, f_};
  for (size_t i = 0; i < people.size(); ++i) {
    threads.emplace_back([&, i] {
      // Every thread tries every person: one of them wins each.
      std::vector<Scan> scans;
      for (size_t j = 0; j < people.size(); ++j) scans.push_back(At(r.id, "C" + std::to_string(i), people[(i + j) % 4]));
      reports[i] = Reg(scans);
    });
  }
  for (auto& t : threads) t.join();
  int64_t accepted = 0;
  for (const auto& rep : reports) accepted += rep.accepted;
  EXPECT_EQ(accepted, 4);
  EXPECT_EQ(Cov(r.id, "220100000000").sampled, 4);
  Reopen();
  EXPECT_EQ(Cov(r.id, "220100000000").sampled, 4);
}

TEST(Planning, DorfmanAtSeveralPrevalences) {
  // Hand-computed: E(k) = 1/k + 1 − (1−p)^k.
  EXPECT_NEAR(DorfmanTestsPerPerson(0.01, 10), 0.1 + 1 - std::pow(0.99, 10), 1e-12);
  auto low = BestPoolSize(0.001);
  ASSERT_TRUE(low.ok());
  EXPECT_EQ(low->k, 20) << "at 0.1 % the largest pool allowed wins";
  auto one = BestPoolSize(0.01);
  EXPECT_EQ(one->k, 11);
  EXPECT_NEAR(one->tests_per_person, 0.1956, 1e-4);
  auto five = BestPoolSize(0.05);
  EXPECT_EQ(five->k, 5);
  EXPECT_NEAR(five->tests_per_person, 0.4262, 1e-4);
  auto high = BestPoolSize(0.35);
  EXPECT_EQ(high->k, 1);
  EXPECT_TRUE(high->individual_wins);
  EXPECT_EQ(high->tests_per_person, 1.0);
  auto capped = BestPoolSize(0.001, 10);
  EXPECT_EQ(capped->k, 10);
  EXPECT_FALSE(BestPoolSize(1.5).ok());
  EXPECT_EQ(BestPoolSize(0.01, 21).status().field_errors()[0].field, "max_pool");
  auto plan = PlanCity(0.01, 20, 458'000, 9'070'000);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->people_per_day, static_cast<int64_t>(458'000 / plan->choice.tests_per_person));
  EXPECT_NEAR(plan->days_for_city, 9'070'000.0 / plan->people_per_day, 1e-9);
  EXPECT_EQ(plan->curve.size(), 20u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ScreeningTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::screening
