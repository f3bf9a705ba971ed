#include "livelihood/care.h"

#include <gtest/gtest.h>

#include "registry/registry_fixture.h"

namespace tc::livelihood {
namespace {

constexpr Millis kMinute = 60'000, kHour = 60 * kMinute;
constexpr Millis kT0 = 1'779'933'600'000;  // 2026-05-28 10:00 in Shanghai
const std::string kNanguan = "/220100000000/220102000000/";
const std::string kYongji = "/220100000000/220102000000/220102001000/220102001001/";
const std::string kXinfa = "/220100000000/220103000000/220103001000/220103001001/";

// 永吉社区's grid G01 holds both buildings of 春光小区; its head (网格长) is 网格长丙, a
// resident. Worker 11 is bound to building 1, worker 12 to the community, worker 13 to
// 新发社区 in another district.
class CareRosterTest : public registry::RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    clock_.Set(kT0);
    alone_ = Add("独居甲", Id("22010219400101001"), "220102001001-001-01-1-0101", "13800000001", "独居老人");
    plain_ = Add("普通乙", Id("22010219900101002"), "220102001001-001-01-1-0102", "13800000002");
    head_ = Add("网格长丙", Id("22010219700101003"), "220102001001-001-01-2-0201", "13800000003");
    ill_ = Add("重病丁", Id("22010219500101004"), "220102001001-001-02-1-0101", "13800000004", "重病");
    far_ = Add("宽城戊", Id("22010319800101005"), "220103001001-001-01-1-0101", "13800000005", "残疾");
    auto g = grids_->CreateGrid("220102001001", 1, "第一网格", by_);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    ASSERT_TRUE(grids_->AddBuildings(g->code, {"220102001001-001-01", "220102001001-001-02"}, by_).ok());
    ASSERT_TRUE(grids_->SetGridLeader(g->code, head_.id, by_).ok());
    grid_ = g->code;
    workers_ = {{11, "grid-a", "220102001001-001-01"}, {12, "grid-b", "220102001001"}, {13, "grid-x", "220103001001"}};
    roster_ = std::make_unique<CareRoster>(*store_, clock_, [this]() -> Result<std::vector<CareWorkerAccount>> {
      return workers_;
    });
  }
  static std::vector<int64_t> Ids(const CareList& l) {
    std::vector<int64_t> out;
    for (const auto& e : l.entries) out.push_back(e.resident_id);
    return out;
  }
  Result<CareCallRecord> Call(const registry::Resident& who, std::string outcome,
                              std::vector<std::pair<std::string, std::string>> needs = {}, int worker = 0,
                              std::string under = "") {
    return roster_->Record({.resident_id = who.id, .outcome = std::move(outcome), .needs = std::move(needs)},
                           workers_[worker], under, by_);
  }

  ManualClock clock_;
  std::vector<CareWorkerAccount> workers_;
  std::unique_ptr<CareRoster> roster_;
  registry::Resident alone_, plain_, head_, ill_, far_;
  std::string grid_;
};

TEST_P(CareRosterTest, EachWorkerGetsTheRosteredPeopleTheyCoverMostSpecifically) {
  auto all = roster_->Lists({});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].caller.username, "grid-a");
  EXPECT_EQ(Ids((*all)[0]), std::vector<int64_t>{alone_.id});  // building 1 beats the community
  EXPECT_EQ((*all)[1].caller.username, "grid-b");
  EXPECT_EQ(Ids((*all)[1]), std::vector<int64_t>{ill_.id});  // plain_ and head_ carry no care tag
  EXPECT_EQ((*all)[2].caller.username, "grid-x");
  EXPECT_EQ(Ids((*all)[2]), std::vector<int64_t>{far_.id});
  const CallEntry& e = (*all)[0].entries[0];
  EXPECT_EQ(e.name, "独居甲");
  EXPECT_EQ(e.phone, "13800000001");
  EXPECT_EQ(e.grid_code, grid_);
  ASSERT_EQ(e.kinds.size(), 1u);
  EXPECT_EQ(e.kinds[0], CareKind::kElderlyAlone);
  // A district's view holds only its own people.
  auto nanguan = roster_->Lists({.under_path = kNanguan});
  ASSERT_TRUE(nanguan.ok());
  EXPECT_EQ(nanguan->size(), 2u);
  // With no worker at all, the grid's head calls.
  workers_.clear();
  auto heads = roster_->Lists({.under_path = kYongji});
  ASSERT_TRUE(heads.ok());
  ASSERT_EQ(heads->size(), 1u);
  EXPECT_EQ((*heads)[0].caller.kind, CareCaller::Kind::kGridHead);
  EXPECT_EQ((*heads)[0].caller.resident_id, head_.id);
  EXPECT_EQ((*heads)[0].caller.name, "网格长丙");
  EXPECT_EQ(Ids((*heads)[0]), (std::vector<int64_t>{ill_.id, alone_.id}));  // severe illness first
}

TEST_P(CareRosterTest, AGridWorkerNeverSeesAnotherWorkersList) {
  auto a = roster_->Lists({.under_path = kYongji, .only_worker = 11});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].caller.user_id, 11);
  EXPECT_EQ(Ids((*a)[0]), std::vector<int64_t>{alone_.id});
  auto b = roster_->Lists({.under_path = kYongji, .only_worker = 12});
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ(Ids((*b)[0]), std::vector<int64_t>{ill_.id});
  // A worker whose node holds nobody on the roster gets an empty list, not someone else's.
  auto x = roster_->Lists({.under_path = kYongji, .only_worker = 13});
  ASSERT_EQ(x->size(), 1u);
  EXPECT_TRUE((*x)[0].entries.empty());
  auto far = roster_->Lists({.under_path = kXinfa, .only_worker = 13});
  EXPECT_EQ(Ids((*far)[0]), std::vector<int64_t>{far_.id});
}

TEST_P(CareRosterTest, ANeedBecomesATaskDueByTheRulesAndIsClosedOnce) {
  auto call = Call(alone_, "reached_with_needs", {{"medicine", "降压药"}, {"food", ""}});
  ASSERT_TRUE(call.ok()) << call.status().ToString();
  ASSERT_EQ(call->tasks.size(), 2u);
  EXPECT_EQ(call->tasks[0].kind, NeedKind::kMedicine);
  EXPECT_EQ(call->tasks[0].due_by, kT0 + 24 * kHour);
  EXPECT_EQ(call->tasks[1].due_by, kT0 + 12 * kHour);
  auto open = roster_->Tasks(kNanguan, "open", 100);
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].kind, NeedKind::kFood);  // due first
  EXPECT_EQ((*open)[0].resident_name, "独居甲");
  EXPECT_TRUE(roster_->Tasks("/220100000000/220103000000/", "open", 100)->empty());
  // The list shows the call.
  auto list = roster_->Lists({.under_path = kYongji, .only_worker = 11});
  EXPECT_EQ((*list)[0].called_today, 1);
  EXPECT_EQ((*list)[0].entries[0].last_call.outcome, CallOutcome::kReachedWithNeeds);
  // Closing: outside the node as if missing; once; twice refused.
  const int64_t task = call->tasks[1].id;
  EXPECT_EQ(roster_->CloseTask(task, "", "/220100000000/220103000000/", by_).status().code(), StatusCode::kNotFound);
  clock_.Advance(kHour);
  auto done = roster_->CloseTask(task, "已送菜", kNanguan, by_);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(done->done);
  EXPECT_EQ(done->closed_at, kT0 + kHour);
  EXPECT_EQ(roster_->CloseTask(task, "", kNanguan, by_).status().code(), StatusCode::kConflict);
  EXPECT_EQ(roster_->Tasks("", "open", 100)->size(), 1u);
  EXPECT_EQ(roster_->Tasks("", "done", 100)->size(), 1u);
  auto history = roster_->Calls(alone_.id, kNanguan, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].tasks.size(), 2u);
  EXPECT_EQ((*history)[0].worker_name, "grid-a");
  EXPECT_EQ(roster_->Calls(alone_.id, "/220100000000/220103000000/", 10).status().code(), StatusCode::kNotFound);
}

TEST_P(CareRosterTest, TwoMissedCallsInARowEscalateToTheGridsHead) {
  ASSERT_TRUE(Call(alone_, "not_reached").ok());
  auto none = roster_->EscalationsNow({.under_path = kNanguan}, "");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());  // one miss, and before the deadline
  clock_.Advance(kHour);
  ASSERT_TRUE(Call(alone_, "not_reached").ok());
  auto esc = roster_->EscalationsNow({.under_path = kNanguan}, "");
  ASSERT_TRUE(esc.ok());
  ASSERT_EQ(esc->size(), 1u);
  const CareEscalation& e = (*esc)[0];
  EXPECT_EQ(e.escalation.resident_id, alone_.id);
  EXPECT_EQ(e.escalation.reason, EscalationReason::kMissedInRow);
  EXPECT_EQ(e.escalation.misses, 2);
  EXPECT_EQ(e.to.kind, CareCaller::Kind::kGridHead);
  EXPECT_EQ(e.to.name, "网格长丙");
  EXPECT_EQ(e.caller.username, "grid-a");
  EXPECT_EQ(e.resident_name, "独居甲");
  // On the head's list (their grid) and the caller's, not on another worker's.
  EXPECT_EQ(roster_->EscalationsNow({.under_path = kNanguan}, grid_)->size(), 1u);
  EXPECT_EQ(roster_->EscalationsNow({.under_path = kYongji, .only_worker = 11}, "")->size(), 1u);
  EXPECT_TRUE(roster_->EscalationsNow({.under_path = kYongji, .only_worker = 12}, "")->empty());
  // Reached again: the escalation is gone.
  ASSERT_TRUE(Call(alone_, "reached_ok").ok());
  EXPECT_TRUE(roster_->EscalationsNow({.under_path = kNanguan}, "")->empty());
}

TEST_P(CareRosterTest, NoCallByTheDeadlineEscalates) {
  ASSERT_TRUE(Call(alone_, "reached_ok").ok());
  clock_.Set(kT0 + 2 * kHour + 30 * kMinute);  // 12:30, past the default 12:00
  auto esc = roster_->EscalationsNow({}, "");
  ASSERT_TRUE(esc.ok()) << esc.status().ToString();
  ASSERT_EQ(esc->size(), 2u);
  EXPECT_EQ((*esc)[0].escalation.resident_id, ill_.id);  // severe illness first
  EXPECT_EQ((*esc)[0].escalation.reason, EscalationReason::kNoCallByDeadline);
  EXPECT_EQ((*esc)[0].caller.username, "grid-b");
  EXPECT_EQ((*esc)[1].escalation.resident_id, far_.id);
  EXPECT_EQ((*esc)[1].to.kind, CareCaller::Kind::kNobody);  // 新发社区 has no grid
  // The next day, yesterday's call does not count.
  clock_.Set(kT0 + 24 * kHour + 3 * kHour);
  EXPECT_EQ(roster_->EscalationsNow({}, "")->size(), 3u);
}

TEST_P(CareRosterTest, BadInputIsRefusedNamingTheFieldAndNothingIsWritten) {
  auto field = [](const Result<CareCallRecord>& r) {
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
    return r.status().field_errors().empty() ? std::string() : r.status().field_errors()[0].field;
  };
  registry::Resident nobody;
  nobody.id = 999999;
  EXPECT_EQ(field(Call(nobody, "reached_ok")), "resident_id");
  EXPECT_EQ(field(Call(plain_, "reached_ok")), "resident_id");  // not on the roster
  EXPECT_EQ(field(Call(alone_, "maybe")), "outcome");
  EXPECT_EQ(field(Call(alone_, "reached_with_needs", {{"cash", "x"}})), "needs[0].kind");
  EXPECT_EQ(field(Call(alone_, "reached_with_needs")), "needs");
  EXPECT_EQ(field(Call(alone_, "reached_ok", {{"food", ""}})), "needs");
  EXPECT_EQ(field(Call(alone_, "reached_with_needs", {{"other", ""}})), "needs[0].note");
  // Someone outside the caller's node answers as someone unknown.
  auto outside = Call(far_, "reached_ok", {}, 0, kYongji);
  auto unknown = Call(nobody, "reached_ok", {}, 0, kYongji);
  EXPECT_EQ(field(outside), "resident_id");
  EXPECT_EQ(outside.status().message(),
            std::string(unknown.status().message()).replace(unknown.status().message().find("999999"), 6,
                                                            std::to_string(far_.id)));
  EXPECT_TRUE(roster_->Calls(alone_.id, "", 10)->empty());
  EXPECT_TRUE(roster_->Tasks("", "", 10)->empty());
  EXPECT_EQ(roster_->Tasks("", "closed", 10).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(CareRosterTest, RulesAreVersionedAndTakeEffect) {
  auto v0 = roster_->Rules();
  ASSERT_TRUE(v0.ok());
  EXPECT_EQ(v0->version, 0);
  auto bad = roster_->SetRules(R"({"misses_in_row": 0})", "太松", by_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field_errors().at(0).field, "misses_in_row");
  EXPECT_EQ(roster_->SetRules(R"({"misses_in_row": 1})", "", by_).status().code(), StatusCode::kInvalidArgument);
  auto v1 = roster_->SetRules(R"({"misses_in_row": 1, "tags": {"elderly_alone": ["独居老人", "慢性病"]}})",
                              "一次未接通即上报; 慢性病纳入", by_);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(roster_->RulesHistory()->size(), 2u);
  ASSERT_TRUE(Call(alone_, "not_reached").ok());
  EXPECT_EQ(roster_->EscalationsNow({.under_path = kNanguan}, "")->size(), 1u);
  // Rules on top of the current version keep what they do not name.
  auto v2 = roster_->SetRules(R"({"call_by_minutes": 600})", "十点前", by_);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->misses_in_row, 1);
  EXPECT_EQ(roster_->Rules()->version, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, CareRosterTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::livelihood
