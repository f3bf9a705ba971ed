// Test fixture for the health-code module: the crafted tree (registry_fixture.h) plus
// 桃源社区 in 永吉街道, six residents, and the real modules — tracing, cases, mass
// testing, risk areas, health codes — wired through the bus as `serve` wires them.
// Residents: a (甲三), b, c in 永吉社区 1栋1单元; d in 永吉社区 2栋; t in 桃源社区; x in
// 新发社区 (宽城区). The clock starts three days after the city was made.
#pragma once

#include <gtest/gtest.h>

#include "events/events.h"
#include "healthcode/codes.h"
#include "healthcode/risk.h"
#include "registry/registry_fixture.h"
#include "screening/screening.h"
#include "tracing/cases.h"
#include "tracing/service.h"

namespace tc::healthcode {

class FakeClock : public Clock {
 public:
  Millis Now() const override { return now; }
  Millis now = 0;
};

class HealthCodeFixture : public registry::RegistryFixture {
 protected:
  static constexpr Millis kMinute = 60'000;
  static constexpr Millis kOneDay = 86'400'000;

  void SetUp() override {
    RegistryFixture::SetUp();
    if (HasFatalFailure()) return;
    for (const registry::NewArea& a : std::vector<registry::NewArea>{
             {"220102001002", "220102001000", "桃源社区", "community"},
             {"220102001002-001", "220102001002", "桃源小区", "compound"},
             {"220102001002-001-01", "220102001002-001", "1栋", "building"},
             {"220102001002-001-01-1", "220102001002-001-01", "1单元", "unit"}}) {
      ASSERT_TRUE(areas_->Create(a, by_).ok());
    }
    ASSERT_TRUE(residents_->CreateHousehold("220102001002-001-01-1", "0101", "", by_).ok());
    clock_.now = (NowMillis() / kMinute) * kMinute + 3 * kOneDay;
    a_ = Add("甲三", Id("22010219800101001"), "220102001001-001-01-1-0101").id;
    b_ = Add("乙", Id("22010219800101002"), "220102001001-001-01-1-0101").id;
    c_ = Add("丙", Id("22010219800101003"), "220102001001-001-01-1-0102").id;
    d_ = Add("丁", Id("22010219800101004"), "220102001001-001-02-1-0101").id;
    t_ = Add("戊", Id("22010219800101005"), "220102001002-001-01-1-0101").id;
    x_ = Add("己", Id("22010319800101006"), "220103001001-001-01-1-0101").id;
    tracing_ = std::make_unique<tracing::Tracing>(*store_, clock_);
    ASSERT_TRUE(tracing_->Start().ok());
    cases_ = std::make_unique<tracing::Cases>(*store_, clock_, *tracing_);
    auto sc = screening::Screening::Open(*store_, clock_);
    ASSERT_TRUE(sc.ok()) << sc.status().ToString();
    sc_ = std::move(sc).value();
    registry_areas_ = std::make_unique<registry::Areas>(*store_, clock_);
    OpenModules();
  }

  // (Re)opens the risk areas and health codes (a restart: facts rebuilt from the
  // services) on a new bus.
  void OpenModules() {
    codes_.reset();
    risk_.reset();
    bus_ = std::make_unique<events::Bus>(*store_);
    auto risk = RiskAreas::Open(*store_, clock_);
    ASSERT_TRUE(risk.ok()) << risk.status().ToString();
    risk_ = std::move(risk).value();
    auto codes = HealthCodes::Open(*store_, clock_, *risk_, *sc_, *tracing_, *cases_);
    ASSERT_TRUE(codes.ok()) << codes.status().ToString();
    codes_ = std::move(codes).value();
    bus_->Subscribe("cases", [this](const events::Event& e) { return cases_->OnEvent(e); });
    bus_->Subscribe("risk_areas", [this](const events::Event& e) { return risk_->OnEvent(e); });
    bus_->Subscribe("health_codes", [this](const events::Event& e) { return codes_->OnEvent(e); });
    Deliver();
  }

  void Deliver() {
    Status s = bus_->Deliver();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  FakeClock clock_;
  std::unique_ptr<tracing::Tracing> tracing_;
  std::unique_ptr<tracing::Cases> cases_;
  std::unique_ptr<screening::Screening> sc_;
  std::unique_ptr<registry::Areas> registry_areas_;
  std::unique_ptr<events::Bus> bus_;
  std::unique_ptr<RiskAreas> risk_;
  std::unique_ptr<HealthCodes> codes_;
  int64_t a_ = 0, b_ = 0, c_ = 0, d_ = 0, t_ = 0, x_ = 0;
};

}  // namespace tc::healthcode
