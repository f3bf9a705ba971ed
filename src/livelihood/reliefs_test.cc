#include "livelihood/reliefs.h"

#include <gtest/gtest.h>

#include "registry/registry_fixture.h"

namespace tc::livelihood {
namespace {

constexpr Millis kT0 = 1'779'933'600'000;  // 2026-05-28 10:00 in Shanghai

class ReliefsTest : public registry::RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    clock_.Set(kT0);
    reliefs_ = std::make_unique<Reliefs>(*store_, clock_);
    alone_ = Add("独居甲", Id("22010219400101001"), "220102001001-001-01-1-0101", "13800000001", "独居老人");
    worker_ = Add("务工乙", Id("22010219900101002"), "220102001001-001-01-1-0102", "13800000002");
    far_ = Add("宽城丙", Id("22010319800101003"), "220103001001-001-01-1-0101", "13800000003");
  }
  ManualClock clock_;
  std::unique_ptr<Reliefs> reliefs_;
  registry::Resident alone_, worker_, far_;
};

TEST_P(ReliefsTest, EligibilityFromTheRegistrysTagsAndTheDeclarationIsApprovedAndPaid) {
  auto a = reliefs_->Submit(alone_.id, {}, "", by_);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->name, "独居甲");
  EXPECT_TRUE(a->eligibility.eligible);
  EXPECT_EQ(a->eligibility.rule, "elderly_alone");
  EXPECT_EQ(a->app.facts.district_code, "220102000000");
  auto approved = reliefs_->Act(a->id, {.kind = ReliefActionKind::kApprove}, "", by_);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->app.amount_fen, 50000);
  // Paying needs the payment's reference; refused, nothing changes.
  auto no_ref = reliefs_->Act(a->id, {.kind = ReliefActionKind::kPay}, "", by_);
  ASSERT_FALSE(no_ref.ok());
  EXPECT_EQ(no_ref.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reliefs_->Get(a->id, "")->app.state, ReliefState::kApproved);
  ASSERT_TRUE(reliefs_->Act(a->id, {.kind = ReliefActionKind::kPay, .payment_ref = "PAY-001"}, "", by_).ok());
  // Lost income in quarantine (declared): the larger of the matching rules.
  auto b = reliefs_->Submit(worker_.id, {.welfare = kDibao, .quarantined = true, .lost_income = true}, "", by_);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->eligibility.amount_fen, 100000);
  ASSERT_TRUE(reliefs_->Act(b->id, {.kind = ReliefActionKind::kApprove}, "", by_).ok());
  auto totals = reliefs_->Totals("");
  ASSERT_TRUE(totals.ok());
  ASSERT_EQ(totals->size(), 1u);
  EXPECT_EQ((*totals)[0].district_code, "220102000000");
  EXPECT_EQ((*totals)[0].paid_fen, 50000);
  EXPECT_EQ((*totals)[0].unpaid_fen, 100000);
}

TEST_P(ReliefsTest, SomeoneNotEligibleIsRefusedApprovalAndRejectedWithAReason) {
  auto a = reliefs_->Submit(worker_.id, {}, "", by_);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_FALSE(a->eligibility.eligible);
  EXPECT_FALSE(reliefs_->Act(a->id, {.kind = ReliefActionKind::kApprove}, "", by_).ok());
  EXPECT_EQ(reliefs_->Get(a->id, "")->app.state, ReliefState::kApplied);
  EXPECT_EQ(reliefs_->Submit(worker_.id, {}, "", by_).status().code(), StatusCode::kConflict);  // one open at a time
  EXPECT_FALSE(reliefs_->Act(a->id, {.kind = ReliefActionKind::kReject}, "", by_).ok());  // no reason
  auto r = reliefs_->Act(a->id, {.kind = ReliefActionKind::kReject, .reason = "不符合救助条件"}, "", by_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->app.state, ReliefState::kRejected);
  EXPECT_EQ(reliefs_->Submit(worker_.id, {.welfare = 7}, "", by_).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(ReliefsTest, AnOfficerSeesAndActsOnlyUnderTheirNode) {
  const std::string kuancheng = "/220100000000/220103000000/";
  EXPECT_EQ(reliefs_->Submit(alone_.id, {}, kuancheng, by_).status().code(), StatusCode::kNotFound);
  auto mine = reliefs_->Submit(far_.id, {.welfare = kTekun}, kuancheng, by_);
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  auto other = reliefs_->Submit(alone_.id, {}, "", by_);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(reliefs_->Get(other->id, kuancheng).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(reliefs_->Act(other->id, {.kind = ReliefActionKind::kApprove}, kuancheng, by_).status().code(),
            StatusCode::kNotFound);
  auto list = reliefs_->List(kuancheng, "", 100);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, mine->id);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReliefsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::livelihood
