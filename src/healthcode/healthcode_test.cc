// Risk areas and health codes on crafted histories, on both stores: the events come
// from the real modules (cases, contacts, mass testing, the registry's modes) through
// the bus, as in the server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "events/events.h"
#include "gen/city.h"
#include "gen/internal/builder.h"
#include "gen/mobility.h"
#include "gen/outbreak.h"
#include "gen/testing_round.h"
#include "healthcode/codes.h"
#include "healthcode/keys.h"
#include "healthcode/risk.h"
#include "healthcode/healthcode_fixture.h"
#include "registry/registry_fixture.h"
#include "screening/screening.h"
#include "tracing/cases.h"
#include "tracing/checkins.h"
#include "tracing/service.h"

namespace tc::healthcode {
namespace {

constexpr Millis kMin = 60'000;
constexpr Millis kHour = 3'600'000;
constexpr Millis kDay = 86'400'000;

// The fixture (healthcode_fixture.h) with helpers for cases, codes, areas and events.
class HealthCodeTest : public HealthCodeFixture {
 protected:
  int64_t NewCase(int64_t resident, Millis report_day, const std::string& kind = "confirmed") {
    auto k = cases_->Create({.resident_id = resident, .kind = kind, .report_date = DateShanghai(report_day)}, by_);
    EXPECT_TRUE(k.ok()) << k.status().ToString();
    Deliver();
    return k.ok() ? k->id : 0;
  }

  CodeStatus Code(int64_t resident) {
    auto s = codes_->Lookup(resident);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : CodeStatus{};
  }
  Colour ColourNow(int64_t resident) { return Code(resident).colour; }
  static std::vector<std::string> Codes(const CodeStatus& s) {
    std::vector<std::string> out;
    for (const auto& r : s.reasons) out.push_back(r.code);
    return out;
  }

  RiskArea Area(const std::string& code) {
    auto a = risk_->Get(code);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? *a : RiskArea{};
  }

  void Declare(const std::string& code, Level level, const std::string& reason = "指挥部研判") {
    std::vector<std::string> codes{code};
    auto r = risk_->Declare(codes, level, reason, by_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    Deliver();
  }

  void Tick() {
    ASSERT_TRUE(risk_->Tick().ok());
    Deliver();
  }

  std::vector<nlohmann::json> EventsOf(const std::string& type) {
    std::vector<nlohmann::json> out;
    EXPECT_TRUE(store_->Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT payload FROM events WHERE type = ? ORDER BY seq", {type}));
      for (const auto& r : rows.rows) out.push_back(nlohmann::json::parse(r.Text(0)));
      return Status::Ok();
    }).ok());
    return out;
  }

  // Every resident's colour now, by id.
  std::map<int64_t, Colour> AllColours() {
    std::map<int64_t, Colour> out;
    for (int64_t id : {a_, b_, c_, d_, t_, x_}) out[id] = ColourNow(id);
    return out;
  }

};

// ---- Risk areas ----

TEST_P(HealthCodeTest, ACaseMakesItsCommunityHighAndItsStreetMediumUntilDeclared) {
  const Millis today = clock_.now;
  NewCase(a_, today);
  const RiskArea yongji = Area("220102001001");
  EXPECT_EQ(yongji.proposed, Level::kHigh);
  EXPECT_EQ(yongji.cases_in_window, 1);
  EXPECT_NE(yongji.proposal_reason.find("14 天内有确诊病例 1 例"), std::string::npos) << yongji.proposal_reason;
  EXPECT_EQ(yongji.level, Level::kLow) << "rules propose; only a declaration changes the level";
  EXPECT_TRUE(yongji.pending);
  const RiskArea taoyuan = Area("220102001002");
  EXPECT_EQ(taoyuan.proposed, Level::kMedium);
  EXPECT_NE(taoyuan.proposal_reason.find("永吉社区"), std::string::npos) << taoyuan.proposal_reason;
  EXPECT_EQ(Area("220103001001").proposed, Level::kLow) << "another street is untouched";
  EXPECT_TRUE(EventsOf("RiskAreaChanged").empty());
  // A suspected case (not yet confirmed) proposes nothing.
  NewCase(x_, today, "suspected");
  EXPECT_EQ(Area("220103001001").proposed, Level::kLow);
}

TEST_P(HealthCodeTest, TheLevelLiftsOnTheFourteenthDayAfterTheLastCase) {
  const Millis report = clock_.now - 2 * kDay;
  NewCase(a_, report);
  clock_.now = report + 13 * kDay;  // the 13th day after the report: still within 14 days
  Tick();
  EXPECT_EQ(Area("220102001001").proposed, Level::kHigh);
  clock_.now = report + 14 * kDay;  // the 14th day: lifted
  Tick();
  const RiskArea a = Area("220102001001");
  EXPECT_EQ(a.proposed, Level::kLow);
  EXPECT_NE(a.proposal_reason.find("已连续 14 天无新增病例"), std::string::npos) << a.proposal_reason;
  EXPECT_EQ(Area("220102001002").proposed, Level::kLow);
  auto history = risk_->History("220102001001");
  ASSERT_TRUE(history.ok());
  ASSERT_GE(history->size(), 2u);
  EXPECT_EQ((*history)[0].kind, "proposed");
  EXPECT_EQ((*history)[0].level, Level::kLow);
  EXPECT_EQ((*history)[0].from, Level::kHigh);
}

TEST_P(HealthCodeTest, ANewCaseKeepsTheLevelAndTheRulesAreVersioned) {
  const Millis first = clock_.now - 10 * kDay;
  NewCase(a_, first);
  NewCase(b_, clock_.now - 3 * kDay);
  clock_.now = first + 14 * kDay;
  Tick();
  EXPECT_EQ(Area("220102001001").proposed, Level::kHigh) << "the second case restarts the 14 days";
  EXPECT_EQ(Area("220102001001").cases_in_window, 1);
  // A shorter window, and no medium ring: a new rule version proposes at once.
  auto bad = risk_->SetRules(R"({"case_days": 0})", "试行", by_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field_errors().at(0).field, "case_days");
  EXPECT_FALSE(risk_->SetRules(R"({"radius": 3})", "试行", by_).ok());
  EXPECT_FALSE(risk_->SetRules(R"({"case_days": 7})", "", by_).ok()) << "a reason is required";
  auto v1 = risk_->SetRules(R"({"case_days": 7, "street_medium": false})", "缩短观察期", by_);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(Area("220102001001").proposed, Level::kLow);
  clock_.now -= 5 * kDay;  // case 2 was 6 days before: within 7
  Tick();
  EXPECT_EQ(Area("220102001001").proposed, Level::kHigh);
  EXPECT_EQ(Area("220102001002").proposed, Level::kLow) << "street_medium is off";
  auto history = risk_->RulesHistory();
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].version, 1);
  EXPECT_EQ((*history)[0].reason, "缩短观察期");
}

TEST_P(HealthCodeTest, ACommanderDeclaresOrOverridesWithAReasonAndTheChangeIsPublished) {
  NewCase(a_, clock_.now);
  std::vector<std::string> codes{"220102001001"};
  EXPECT_EQ(risk_->Declare(codes, Level::kHigh, "", by_).status().field_errors().at(0).field, "reason");
  std::vector<std::string> street{"220102001000"};
  auto s = risk_->Declare(street, Level::kHigh, "整街", by_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().ToString().find("is a street"), std::string::npos);
  std::vector<std::string> unknown{"220102001001", "220199999999"};
  auto u = risk_->Declare(unknown, Level::kHigh, "x", by_);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.status().field_errors().at(0).field, "codes[1]");
  EXPECT_EQ(Area("220102001001").level, Level::kLow) << "all or nothing";

  Declare("220102001001", Level::kHigh, "1 例确诊");
  RiskArea a = Area("220102001001");
  EXPECT_EQ(a.level, Level::kHigh);
  EXPECT_EQ(a.declared_by, "tester");
  EXPECT_EQ(a.overrides, "");
  EXPECT_FALSE(a.pending);
  EXPECT_EQ(a.since, clock_.now);
  // Against the proposal (medium): an override, recorded as such.
  Declare("220102001002", Level::kLow, "已完成全员检测，无阳性");
  a = Area("220102001002");
  EXPECT_EQ(a.level, Level::kLow);
  EXPECT_EQ(a.overrides, "medium");
  EXPECT_TRUE(a.pending);
  auto events = EventsOf("RiskAreaChanged");
  ASSERT_EQ(events.size(), 1u) << "declaring the level it already had publishes nothing";
  EXPECT_EQ(events[0]["area_code"], "220102001001");
  EXPECT_EQ(events[0]["level"], "high");
  EXPECT_EQ(events[0]["from"], "low");
  auto history = risk_->History("220102001002");
  ASSERT_TRUE(history.ok());
  EXPECT_EQ((*history)[0].kind, "declared");
  EXPECT_EQ((*history)[0].overrides, "medium");
  EXPECT_EQ((*history)[0].by, "tester");
  // Only pending ones, for the command centre's queue.
  auto pending = risk_->List({.only_pending = true});
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].code, "220102001002");
}

TEST_P(HealthCodeTest, ThePublicListHasTodaysMediumAndHighAreasAndNoPersonalData) {
  NewCase(a_, clock_.now);
  auto before = risk_->Public();
  EXPECT_EQ(nlohmann::json::parse(before.json)["high_count"], 0) << "proposals are not published";
  Declare("220102001001", Level::kHigh);
  Declare("220102001002", Level::kMedium);
  auto after = risk_->Public();
  EXPECT_NE(after.etag, before.etag);
  EXPECT_EQ(risk_->Public().etag, after.etag) << "cached until a level changes";
  const auto doc = nlohmann::json::parse(after.json);
  EXPECT_EQ(doc["date"], DateShanghai(clock_.now));
  ASSERT_EQ(doc["high"].size(), 1u);
  EXPECT_EQ(doc["high"][0]["name"], "永吉社区");
  EXPECT_EQ(doc["high"][0]["street"], "永吉街道");
  EXPECT_EQ(doc["high"][0]["district"], "南关区");
  ASSERT_EQ(doc["medium"].size(), 1u);
  for (const char* personal : {"甲", "22010219800101001", "resident", "case_id", "tester"}) {
    EXPECT_EQ(after.json.find(personal), std::string::npos) << personal;
  }
  // A new day rebuilds the list (its date).
  clock_.now += kDay;
  EXPECT_NE(risk_->Public().etag, after.etag);
}

TEST_P(HealthCodeTest, RiskStateSurvivesARestartAndACaseCountsOnce) {
  const int64_t k = NewCase(a_, clock_.now);
  Declare("220102001001", Level::kHigh);
  // The same event again (at-least-once delivery) counts nothing twice.
  auto events = EventsOf("CaseConfirmed");
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(risk_->OnEvent({0, "CaseConfirmed", events[0].dump(), clock_.now}).ok());
  EXPECT_EQ(Area("220102001001").cases_in_window, 1);
  OpenModules();
  const RiskArea a = Area("220102001001");
  EXPECT_EQ(a.level, Level::kHigh);
  EXPECT_EQ(a.proposed, Level::kHigh);
  EXPECT_EQ(a.cases_in_window, 1);
  EXPECT_EQ(Area("220102001002").proposed, Level::kMedium);
  EXPECT_GT(k, 0);
}

// ---- Health codes ----

TEST_P(HealthCodeTest, AFullStoryColoursAndExplainsEveryStep) {
  // Green, since the city began, with nothing to explain.
  CodeStatus s = Code(a_);
  EXPECT_EQ(s.colour, Colour::kGreen);
  EXPECT_EQ(s.since, 0);
  EXPECT_TRUE(s.reasons.empty());

  // b is a case; a was at the case's venue: the venue-exposed tier → yellow.
  const int64_t k = NewCase(b_, clock_.now);
  EXPECT_EQ(ColourNow(b_), Colour::kRed);
  EXPECT_EQ(Codes(Code(b_)), std::vector<std::string>{"case.confirmed"});
  auto exposed = cases_->AddContact(a_, "exposed", k, "同一时段到过市场", by_);
  ASSERT_TRUE(exposed.ok()) << exposed.status().ToString();
  clock_.now += kMin;
  Deliver();
  s = Code(a_);
  EXPECT_EQ(s.colour, Colour::kYellow);
  EXPECT_EQ(Codes(s), std::vector<std::string>{"contact.exposed"});
  EXPECT_NE(s.reasons[0].text.find("风险人员"), std::string::npos) << s.reasons[0].text;
  EXPECT_EQ(s.since, clock_.now);

  // a's pooled tube is positive → still yellow, now two reasons; the retest is
  // negative → the tube reason goes.
  auto round = sc_->CreateRound({"全员", {"220100000000"}, DateShanghai(clock_.now), DateShanghai(clock_.now), 10,
                                 "residents"},
                                {}, by_);
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  ASSERT_TRUE(sc_->CreateSite({.code = "S1", .name = "采样点", .area_code = "220102001001", .hours = "07:00-21:00",
                               .lanes = 1, .per_hour = 100, .staff = {"worker"}},
                              by_)
                  .ok());
  auto scan = [&](const std::string& tube, int64_t person, bool retest, bool close) {
    screening::Scan sc;
    sc.line = 1;
    sc.round_id = round->id;
    sc.site_code = "S1";
    sc.tube = tube;
    sc.person_id = person;
    sc.retest = retest;
    sc.close_after = close;
    auto rep = sc_->Register(std::vector<screening::Scan>{sc}, "worker", false, by_);
    ASSERT_EQ(rep.accepted, 1) << (rep.errors.empty() ? "" : rep.errors[0].message);
  };
  auto result = [&](const std::string& tube, const std::string& r) {
    screening::TubeResult tr;
    tr.line = 1;
    tr.tube = tube;
    tr.result = r;
    auto rep = sc_->Report(std::vector<screening::TubeResult>{tr}, by_);
    ASSERT_EQ(rep.applied, 1) << (rep.errors.empty() ? "" : rep.errors[0].message);
    Deliver();
  };
  scan("P0001", a_, false, false);
  scan("P0001", c_, false, true);
  result("P0001", "positive");
  s = Code(a_);
  EXPECT_EQ(s.colour, Colour::kYellow);
  EXPECT_EQ(Codes(s), (std::vector<std::string>{"contact.exposed", "tube.positive"}));
  EXPECT_EQ(ColourNow(c_), Colour::kYellow);
  scan("R0001", c_, true, true);
  result("R0001", "negative");
  EXPECT_EQ(ColourNow(c_), Colour::kGreen) << "the negative retest closes the follow-up";

  // a's retest is positive: a suspected case (the cases module) → red.
  scan("R0002", a_, true, true);
  result("R0002", "positive");
  s = Code(a_);
  EXPECT_EQ(s.colour, Colour::kRed);
  EXPECT_EQ(Codes(s)[0], "case.suspected");

  // d is a close contact: red while listed and in quarantine, green once released.
  auto close = cases_->AddContact(d_, "close", k, "同住亲属探访", by_);
  ASSERT_TRUE(close.ok());
  Deliver();
  s = Code(d_);
  EXPECT_EQ(s.colour, Colour::kRed);
  EXPECT_NE(s.reasons[0].text.find("待通知"), std::string::npos) << s.reasons[0].text;
  ASSERT_TRUE(cases_->SetContactStatus(close->id, "quarantined", "李四", "", by_).ok());
  Deliver();
  s = Code(d_);
  EXPECT_EQ(s.colour, Colour::kRed);
  EXPECT_NE(s.reasons[0].text.find("隔离中"), std::string::npos) << s.reasons[0].text;
  clock_.now += 14 * kDay;
  ASSERT_TRUE(cases_->SetContactStatus(close->id, "released", "李四", "14 天期满，两次阴性", by_).ok());
  Deliver();
  s = Code(d_);
  EXPECT_EQ(s.colour, Colour::kGreen);
  EXPECT_EQ(s.since, clock_.now);

  // The incremental path kept exactly what a full recompute derives.
  auto full = codes_->FullRecompute();
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->changed, 0);
  // And a restart (facts rebuilt from the services) gives the same colours and since-times.
  const auto before = AllColours();
  const Millis since_a = Code(a_).since;
  OpenModules();
  EXPECT_EQ(AllColours(), before);
  EXPECT_EQ(Code(a_).since, since_a);
}

TEST_P(HealthCodeTest, RiskAreasColourResidentsAndVisitorsUntilLifted) {
  // t (桃源社区) checked in at a venue in 永吉社区 two days before it is declared high.
  auto venue = tracing_->CreateVenue({"YJ-MARKET", "永吉菜市场", "supermarket", "220102001001", 300}, by_);
  ASSERT_TRUE(venue.ok()) << venue.status().ToString();
  const Millis visit = clock_.now - 2 * kDay;
  tracing::NewCheckin ci;
  ci.line = 1;
  ci.person_id = t_;
  ci.venue_code = "YJ-MARKET";
  ci.arrive_at = visit;
  ci.leave_at = visit + 30 * kMin;
  auto rec = tracing_->Record(std::vector<tracing::NewCheckin>{ci}, "/", by_);
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  ASSERT_EQ(rec->accepted, 1) << rec->errors.at(0).field << ": " << rec->errors.at(0).message;

  Declare("220102001001", Level::kHigh);
  CodeStatus s = Code(a_);
  EXPECT_EQ(s.colour, Colour::kRed);
  EXPECT_EQ(Codes(s), std::vector<std::string>{"residence.high"});
  EXPECT_NE(s.reasons[0].text.find("永吉社区"), std::string::npos);
  s = Code(t_);
  EXPECT_EQ(s.colour, Colour::kYellow);
  EXPECT_EQ(Codes(s), std::vector<std::string>{"visit.high"});
  EXPECT_EQ(s.reasons[0].until, visit + 14 * kDay);
  EXPECT_EQ(ColourNow(x_), Colour::kGreen);
  Declare("220102001002", Level::kMedium);
  EXPECT_EQ(Codes(Code(t_)), (std::vector<std::string>{"visit.high", "residence.medium"}));
  EXPECT_EQ(ColourNow(t_), Colour::kYellow);

  // x checks in there after the declaration: counted from the daily tick.
  tracing::NewCheckin late = ci;
  late.person_id = x_;
  late.arrive_at = clock_.now - kHour;
  late.leave_at = clock_.now - 30 * kMin;
  auto rec2 = tracing_->Record(std::vector<tracing::NewCheckin>{late}, "/", by_);
  ASSERT_TRUE(rec2.ok() && rec2->accepted == 1);
  EXPECT_EQ(ColourNow(x_), Colour::kGreen);
  ASSERT_TRUE(codes_->Tick().ok());
  EXPECT_EQ(Codes(Code(x_)), std::vector<std::string>{"visit.high"});
  EXPECT_EQ(ColourNow(t_), Colour::kYellow) << "the tick keeps the earlier visits";

  // The visit counts for 14 days from the check-in, exactly.
  Declare("220102001002", Level::kLow, "解除");
  clock_.now = visit + 14 * kDay - 1;
  EXPECT_EQ(ColourNow(t_), Colour::kYellow);
  clock_.now = visit + 14 * kDay;
  s = Code(t_);
  EXPECT_EQ(s.colour, Colour::kGreen);
  EXPECT_EQ(s.since, clock_.now) << "the colour changed when the window closed";
  // Lifting the area turns its residents green.
  Declare("220102001001", Level::kLow, "14 天无新增");
  EXPECT_EQ(ColourNow(a_), Colour::kGreen);
  auto full = codes_->FullRecompute();
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->changed, 0);
}

TEST_P(HealthCodeTest, WartimeAsksForANegativeTestWithin72Hours) {
  EXPECT_EQ(ColourNow(a_), Colour::kGreen);
  ASSERT_TRUE(registry_areas_->SetMode("220102000000", "wartime", "疫情", by_).ok());
  Deliver();
  CodeStatus s = Code(a_);
  EXPECT_EQ(s.colour, Colour::kYellow);
  EXPECT_EQ(Codes(s), std::vector<std::string>{"test.missing"});
  EXPECT_NE(s.reasons[0].text.find("没有阴性结果"), std::string::npos);
  EXPECT_EQ(ColourNow(x_), Colour::kGreen) << "宽城区 is in peacetime";
  // A negative pooled sample → green for 72 h from the sample.
  auto round = sc_->CreateRound({"全员", {"220100000000"}, DateShanghai(clock_.now), DateShanghai(clock_.now), 10,
                                 "residents"},
                                {}, by_);
  ASSERT_TRUE(round.ok());
  ASSERT_TRUE(sc_->CreateSite({.code = "S1", .name = "采样点", .area_code = "220102001001", .hours = "07:00-21:00",
                               .lanes = 1, .per_hour = 100, .staff = {"worker"}},
                              by_)
                  .ok());
  screening::Scan sc;
  sc.line = 1;
  sc.round_id = round->id;
  sc.site_code = "S1";
  sc.tube = "P1";
  sc.person_id = a_;
  sc.close_after = true;
  ASSERT_EQ(sc_->Register(std::vector<screening::Scan>{sc}, "worker", false, by_).accepted, 1);
  const Millis sampled = clock_.now;
  EXPECT_EQ(ColourNow(a_), Colour::kYellow) << "sampled, no result yet";
  screening::TubeResult tr;
  tr.line = 1;
  tr.tube = "P1";
  tr.result = "negative";
  ASSERT_EQ(sc_->Report(std::vector<screening::TubeResult>{tr}, by_).applied, 1);
  EXPECT_EQ(ColourNow(a_), Colour::kGreen);
  clock_.now = sampled + 72 * kHour;
  EXPECT_EQ(ColourNow(a_), Colour::kGreen) << "72 h exactly is still within";
  clock_.now = sampled + 72 * kHour + 1;
  s = Code(a_);
  EXPECT_EQ(s.colour, Colour::kYellow);
  EXPECT_NE(s.reasons[0].text.find("最近一次阴性采样于"), std::string::npos);
  // Peacetime again: no test rule.
  ASSERT_TRUE(registry_areas_->SetMode("220102000000", "peacetime", "解除", by_).ok());
  Deliver();
  EXPECT_EQ(ColourNow(a_), Colour::kGreen);
}

TEST_P(HealthCodeTest, ARuleChangeRecomputesEveryoneAndIsVersioned) {
  const int64_t k = NewCase(b_, clock_.now);
  ASSERT_TRUE(cases_->AddContact(a_, "exposed", k, "同时段到访", by_).ok());
  Deliver();
  EXPECT_EQ(ColourNow(a_), Colour::kYellow);
  auto bad = codes_->SetRules(R"({"contact": {"exposed": "blue"}})", "调整", by_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field_errors().at(0).field, "contact.exposed");
  EXPECT_FALSE(codes_->SetRules(R"({"visit": {"days": 99}})", "调整", by_).ok());
  EXPECT_FALSE(codes_->SetRules(R"({"colour": "red"})", "调整", by_).ok());
  auto v1 = codes_->SetRules(R"({"contact": {"exposed": "green"}})", "风险人员改为健康监测不赋码", by_);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->contact_close, Colour::kRed) << "what the document does not name keeps its value";
  CodeStatus s = Code(a_);
  EXPECT_EQ(s.colour, Colour::kGreen);
  EXPECT_EQ(s.rules_version, 1);
  EXPECT_EQ(codes_->Counts("/").red, 1);
  EXPECT_EQ(codes_->Counts("/220100000000/220103000000/").red, 0);
  auto reds = codes_->ResidentsOfColour(Colour::kRed, "/", 0, 10);
  EXPECT_EQ(reds, std::vector<int64_t>{b_});
}

TEST_P(HealthCodeTest, TokensArePseudonymousAndReversibleOnlyWhole) {
  const Token t = codes_->TokenOf(a_);
  EXPECT_EQ(codes_->ResidentOfToken(t), a_);
  EXPECT_NE(codes_->TokenOf(b_), t);
  const std::string text = HealthCodes::TokenText(t);
  EXPECT_EQ(text.size(), 32u);
  // Neighbouring ids share nothing visible: about half the bits differ.
  int differing = 0;
  const Token next = codes_->TokenOf(a_ + 1);
  for (size_t i = 0; i < t.size(); ++i) differing += __builtin_popcount(t[i] ^ next[i]);
  EXPECT_GT(differing, 32);
  Token back{};
  ASSERT_TRUE(HealthCodes::ParseTokenText(text, &back));
  EXPECT_EQ(back, t);
  for (size_t i = 0; i < t.size(); ++i) {
    Token bad = t;
    bad[i] ^= 1;
    EXPECT_EQ(codes_->ResidentOfToken(bad), 0) << "byte " << i;
  }
  EXPECT_FALSE(HealthCodes::ParseTokenText("zz", &back));
  EXPECT_FALSE(HealthCodes::ParseTokenText(std::string(32, 'g'), &back));
  // The same token after a restart (the secret is kept).
  OpenModules();
  EXPECT_EQ(codes_->TokenOf(a_), t);
}

TEST_P(HealthCodeTest, KeysRotateAndRetireAndCodesCarryTheLiveColour) {
  auto keys = SigningKeys::Open(*store_, clock_);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  const Millis t0 = clock_.now;
  auto first = IssueCode(*codes_, **keys, a_, t0);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->claims.kid, "k1");
  EXPECT_EQ(first->claims.colour, Colour::kGreen);
  EXPECT_EQ(first->claims.expires_at, (t0 + 300'000) / 1000 * 1000);
  EXPECT_EQ(codes_->ResidentOfToken(first->claims.token), a_);
  // The only active key cannot be retired; rotation adds k2, which signs from now on.
  EXPECT_EQ((*keys)->Retire("k1", by_).status().code(), StatusCode::kConflict);
  EXPECT_EQ((*keys)->Retire("k9", by_).status().code(), StatusCode::kNotFound);
  auto k2 = (*keys)->Rotate(by_);
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(k2->kid, "k2");
  NewCase(a_, clock_.now);  // a is now red: the next code says so
  auto second = IssueCode(*codes_, **keys, a_, t0 + 1000);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->claims.kid, "k2");
  EXPECT_EQ(second->claims.colour, Colour::kRed);
  // Both verify with the published keys until k1 is retired; then k1's code is refused.
  const KeySet published = (*keys)->Public();
  EXPECT_TRUE(Verify(first->payload, published, t0 + 2000).ok());
  EXPECT_TRUE(Verify(second->payload, published, t0 + 2000).ok());
  clock_.now = t0 + 3000;
  ASSERT_TRUE((*keys)->Retire("k1", by_).ok());
  const KeySet after = (*keys)->Public();
  EXPECT_FALSE(Verify(first->payload, after, t0 + 4000).ok());
  EXPECT_TRUE(Verify(second->payload, after, t0 + 4000).ok());
  EXPECT_EQ((*keys)->Retire("k1", by_).status().code(), StatusCode::kConflict);
  // The keys survive a restart, the retired one with its time.
  auto again = SigningKeys::Open(*store_, clock_);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ((*again)->Public().keys().size(), 2u);
  EXPECT_EQ((*again)->Public().keys()[0].retired_at, t0 + 3000);
  EXPECT_EQ((*again)->Active()->kid, "k2");
  EXPECT_EQ(IssueCode(*codes_, **again, 999'999, t0).status().code(), StatusCode::kNotFound);
}

// A generated city with an outbreak, a testing round, contacts traced and moved through
// quarantine, risk areas declared and a district at war: the colours the events kept
// are the ones a full recompute derives, and the ones a fresh engine (its facts rebuilt
// from the services) derives.
TEST(HealthCodeGenerated, IncrementalEqualsFullRecomputeAndARebuildFromTheServices) {
  auto opened = store::Store::Open("sqlite:" + store::testing::TempSqlitePath("healthcode-gen"));
  ASSERT_TRUE(opened.ok());
  auto store = std::move(opened).value();
  ASSERT_TRUE(store->Migrate().ok());
  ASSERT_TRUE(gen::GenerateCity(*store, {.scale = 0.005, .seed = 3}).ok());
  ASSERT_TRUE(gen::GenerateCheckinsWithVenues(*store, {.days = 14, .seed = 3}).ok());
  {
    tracing::Index index;
    ASSERT_TRUE(tracing::LoadCheckins(*store, index).ok());
    index.Seal();
    gen::OutbreakOptions o{.from = gen::internal::kGeneratedAt + 30 * kHour, .hours = 24, .seed = 3,
                           .source_attack = 0.2, .until = gen::internal::kGeneratedAt + 14 * kDay};
    o.dose.source_beta = 2e-3;
    auto outbreak = gen::GenerateOutbreak(*store, index, o);
    ASSERT_TRUE(outbreak.ok()) << outbreak.status().ToString();
    ASSERT_GT(outbreak->detected, 5) << outbreak->infected << " infected";
  }
  FakeClock clock;
  clock.now = gen::internal::kGeneratedAt + 14 * kDay + 10 * kHour;
  const audit::Actor by{"tester", "r"};
  tracing::Tracing tracing(*store, clock);
  ASSERT_TRUE(tracing.Start().ok());
  tracing::Cases cases(*store, clock, tracing);
  auto sc = screening::Screening::Open(*store, clock);
  ASSERT_TRUE(sc.ok());
  auto risk = RiskAreas::Open(*store, clock);
  ASSERT_TRUE(risk.ok());
  auto codes = HealthCodes::Open(*store, clock, **risk, **sc, tracing, cases);
  ASSERT_TRUE(codes.ok()) << codes.status().ToString();
  events::Bus bus(*store);
  bus.Subscribe("cases", [&](const events::Event& e) { return cases.OnEvent(e); });
  bus.Subscribe("risk_areas", [&](const events::Event& e) { return (*risk)->OnEvent(e); });
  bus.Subscribe("health_codes", [&](const events::Event& e) { return (*codes)->OnEvent(e); });
  ASSERT_TRUE(bus.Deliver().ok());

  // A testing round with results: positive pools, retests, suspected cases.
  auto round = gen::GenerateTestingRound(*store, **sc, {.date = DateShanghai(clock.now - kDay), .seed = 3});
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  ASSERT_TRUE(bus.Deliver().ok());
  // The first cases traced: contacts in three tiers.
  auto first = cases.List({.limit = 5});
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->empty());
  tracing::TraceRequest req;
  for (const auto& k : *first) req.case_ids.push_back(k.id);
  auto run = cases.Trace(req, by);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_GT(run->close_found, 0);
  ASSERT_TRUE(bus.Deliver().ok());
  // Contacts moved on: some quarantined, some released, one removed.
  tracing::ContactListQuery q;
  q.ring = "close";
  q.limit = 30;
  auto listed = cases.Contacts(q);
  ASSERT_TRUE(listed.ok());
  for (size_t i = 0; i < listed->size(); ++i) {
    const int64_t id = (*listed)[i].id;
    ASSERT_TRUE(cases.SetContactStatus(id, "quarantined", "officer", "", by).ok());
    if (i % 3 == 0) {
      ASSERT_TRUE(cases.SetContactStatus(id, "released", "officer", "", by).ok());
    } else if (i % 3 == 1 && i < 10) {
      ASSERT_TRUE(cases.RemoveContact(id, "listed in error", by).ok());
    }
  }
  ASSERT_TRUE(bus.Deliver().ok());
  // The cases' communities declared high, and a district at war.
  std::vector<std::string> high;
  for (const auto& k : *first) {
    const int32_t c = (*risk)->CommunityOfPath((*codes)->PathOf(k.resident_id));
    if (c >= 0) high.push_back((*risk)->CommunityCode(c));
  }
  std::sort(high.begin(), high.end());
  high.erase(std::unique(high.begin(), high.end()), high.end());
  ASSERT_TRUE((*risk)->Declare(high, Level::kHigh, "病例所在社区", by).ok());
  ASSERT_TRUE(bus.Deliver().ok());
  const std::string path = (*codes)->PathOf((*first)[0].resident_id);
  const std::string district = path.substr(14, 12);  // "/<city>/<district>/…"
  registry::Areas areas(*store, clock);
  ASSERT_TRUE(areas.SetMode(district, "wartime", "封控", by).ok()) << district;
  ASSERT_TRUE(bus.Deliver().ok());

  const auto counts = (*codes)->Counts("/");
  EXPECT_GT(counts.red, 0);
  EXPECT_GT(counts.yellow, 0);
  EXPECT_GT(counts.green, 0);
  auto full = (*codes)->FullRecompute();
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->changed, 0) << "the incremental path missed " << full->changed << " colours";
  EXPECT_EQ(full->counts.red, counts.red);
  EXPECT_EQ(full->counts.yellow, counts.yellow);

  auto fresh = HealthCodes::Open(*store, clock, **risk, **sc, tracing, cases);
  ASSERT_TRUE(fresh.ok());
  for (Colour c : {Colour::kRed, Colour::kYellow}) {
    EXPECT_EQ((*fresh)->ResidentsOfColour(c, "/", 0, 1'000'000), (*codes)->ResidentsOfColour(c, "/", 0, 1'000'000))
        << ColourName(c);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, HealthCodeTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::healthcode
