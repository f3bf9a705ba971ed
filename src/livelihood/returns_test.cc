#include "livelihood/returns.h"

#include <gtest/gtest.h>

#include "registry/registry_fixture.h"

namespace tc::livelihood {
namespace {

constexpr Millis kHour = 3'600'000;
constexpr Millis kT0 = 1'779'933'600'000;  // 2026-05-28 10:00 in Shanghai

class ReturnHomesTest : public registry::RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    clock_.Set(kT0);
    homes_ = std::make_unique<ReturnHomes>(*store_, clock_);
    farmer_ = Add("返乡甲", Id("22010219800101001"), "220102001001-001-01-1-0101", "13800000001");
    other_ = Add("返乡乙", Id("22010319800101002"), "220103001001-001-01-1-0101", "13800000002");
  }
  ReturnRecord Apply(const registry::Resident& who, const std::string& area) {
    auto r = homes_->Create({.resident_id = who.id, .origin_area = area, .destination = "吉林省榆树市"}, {}, by_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ReturnRecord{};
  }
  Result<ReturnRecord> Do(int64_t id, ReturnAction a, ReturnScope scope = {}) {
    clock_.Advance(kHour);
    return homes_->Act(id, a, scope, by_);
  }
  static ReturnAction Release() {
    return {.kind = ReturnActionKind::kRelease,
            .transport = {.vehicle = "吉A12345", .pickup_point = "春光小区东门", .scheduled_at = kT0 + 10 * kHour}};
  }

  ManualClock clock_;
  std::unique_ptr<ReturnHomes> homes_;
  registry::Resident farmer_, other_;
};

TEST_P(ReturnHomesTest, AnApplicationWalksTheClosedLoopAndEveryStepIsKept) {
  auto app = Apply(farmer_, "220102001001-001");
  EXPECT_EQ(app.app.state, ReturnState::kApplied);
  EXPECT_EQ(app.name, "返乡甲");
  EXPECT_EQ(app.origin_path, "/220100000000/220102000000/220102001000/220102001001/220102001001-001/");
  for (auto a : {ReturnAction{.kind = ReturnActionKind::kReview}, ReturnAction{.kind = ReturnActionKind::kReport},
                 ReturnAction{.kind = ReturnActionKind::kConfirm}, Release(),
                 ReturnAction{.kind = ReturnActionKind::kDepart},
                 ReturnAction{.kind = ReturnActionKind::kArrive, .received_by = "榆树市五棵树镇 王主任"}}) {
    auto r = Do(app.id, a);
    ASSERT_TRUE(r.ok()) << ReturnActionName(a.kind) << ": " << r.status().ToString();
  }
  auto done = homes_->Get(app.id, {});
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->app.state, ReturnState::kArrived);
  EXPECT_EQ(done->app.transport.vehicle, "吉A12345");
  EXPECT_EQ(done->app.received_by, "榆树市五棵树镇 王主任");
  ASSERT_EQ(done->app.history.size(), 7u);
  EXPECT_EQ(done->app.history[3].state, ReturnState::kConfirmed);
  EXPECT_EQ(done->app.history[3].at, kT0 + 3 * kHour);
  // A closed application lets the same person apply again.
  EXPECT_TRUE(homes_->Create({.resident_id = farmer_.id, .origin_area = "220102001001", .destination = "x"}, {}, by_).ok());
}

TEST_P(ReturnHomesTest, AStepOutOfTurnOrWithoutItsDetailsIsRefusedAndNothingIsWritten) {
  auto app = Apply(farmer_, "220102001001-001");
  auto early = Do(app.id, Release());
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), StatusCode::kConflict);
  ASSERT_TRUE(Do(app.id, {.kind = ReturnActionKind::kReview}).ok());
  ASSERT_TRUE(Do(app.id, {.kind = ReturnActionKind::kReport}).ok());
  ASSERT_TRUE(Do(app.id, {.kind = ReturnActionKind::kConfirm}).ok());
  auto no_vehicle = Do(app.id, {.kind = ReturnActionKind::kRelease, .transport = {.pickup_point = "东门"}});
  ASSERT_FALSE(no_vehicle.ok());
  EXPECT_EQ(no_vehicle.status().code(), StatusCode::kInvalidArgument);
  // The destination declines a reported application, not a confirmed one.
  EXPECT_EQ(Do(app.id, {.kind = ReturnActionKind::kDecline, .reason = "无接收点"}).status().code(), StatusCode::kConflict);
  EXPECT_EQ(Do(app.id, {.kind = ReturnActionKind::kCancel}).status().code(), StatusCode::kInvalidArgument);  // no reason
  auto now = homes_->Get(app.id, {});
  EXPECT_EQ(now->app.state, ReturnState::kConfirmed);
  EXPECT_EQ(now->app.history.size(), 4u);
  // A second open application for the same person is refused.
  auto twice = homes_->Create({.resident_id = farmer_.id, .origin_area = "220102001001", .destination = "x"}, {}, by_);
  EXPECT_EQ(twice.status().code(), StatusCode::kConflict);
  // Bad input names the field.
  auto nobody = homes_->Create({.resident_id = 999999, .origin_area = "220102001001", .destination = "x"}, {}, by_);
  EXPECT_EQ(nobody.status().field_errors().at(0).field, "resident_id");
  auto nowhere = homes_->Create({.resident_id = other_.id, .origin_area = "220103001001", .destination = ""}, {}, by_);
  EXPECT_EQ(nowhere.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(ReturnHomesTest, AnOfficerSeesAndMovesOnlyTheirJurisdictionsApplications) {
  auto mine = Apply(farmer_, "220102001001-001");
  const ReturnScope kuancheng{.under_path = "/220100000000/220103000000/"};
  EXPECT_EQ(homes_->Get(mine.id, kuancheng).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(homes_->Act(mine.id, {.kind = ReturnActionKind::kReview}, kuancheng, by_).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(homes_->Create({.resident_id = farmer_.id, .origin_area = "220102001001", .destination = "x"}, kuancheng, by_)
                .status()
                .code(),
            StatusCode::kNotFound);
  auto theirs = homes_->Create({.resident_id = other_.id, .origin_area = "220103001001", .destination = "吉林省舒兰市"},
                               kuancheng, by_);
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  auto list = homes_->List(kuancheng, "", 100);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, theirs->id);
  EXPECT_EQ(homes_->List({}, "", 100)->size(), 2u);
}

TEST_P(ReturnHomesTest, TheOpenLoopReportNamesWhoeverWaitsPastTheirStage) {
  auto a = Apply(farmer_, "220102001001-001");  // applied: 24 h to review
  auto b = Apply(other_, "220103001001");
  ASSERT_TRUE(Do(b.id, {.kind = ReturnActionKind::kReview}).ok());  // reviewed: 12 h to report
  clock_.Set(kT0 + 14 * kHour);
  auto stuck = homes_->OpenLoop({});
  ASSERT_TRUE(stuck.ok()) << stuck.status().ToString();
  ASSERT_EQ(stuck->size(), 1u);
  EXPECT_EQ((*stuck)[0].record.name, "返乡乙");
  EXPECT_EQ((*stuck)[0].record.app.state, ReturnState::kReviewed);
  clock_.Set(kT0 + 25 * kHour);
  stuck = homes_->OpenLoop({});
  ASSERT_EQ(stuck->size(), 2u);
  EXPECT_EQ((*stuck)[0].record.id, b.id);  // overdue the longest
  EXPECT_EQ((*stuck)[1].record.id, a.id);
}

TEST_P(ReturnHomesTest, TheDaysFlowCountsEachStageAndNamesTheBottleneck) {
  auto a = Apply(farmer_, "220102001001-001");
  auto b = Apply(other_, "220103001001");
  ASSERT_TRUE(Do(a.id, {.kind = ReturnActionKind::kReview}).ok());
  auto flow = homes_->Flow("2026-05-28", "2026-05-28", {});
  ASSERT_TRUE(flow.ok()) << flow.status().ToString();
  ASSERT_EQ(flow->size(), 1u);
  const DayFlow& d = (*flow)[0];
  EXPECT_EQ(d.stages[0].entered, 2);  // applied
  EXPECT_EQ(d.stages[0].left, 1);
  EXPECT_EQ(d.stages[0].queue, 1);
  EXPECT_EQ(d.stages[1].entered, 1);  // reviewed
  EXPECT_EQ(d.stages[1].queue, 1);
  ASSERT_TRUE(d.has_bottleneck);
  EXPECT_EQ(homes_->Flow("2026-05-28", "2026-05-27", {}).status().code(), StatusCode::kInvalidArgument);
  (void)b;
}

INSTANTIATE_TEST_SUITE_P(Backends, ReturnHomesTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::livelihood
