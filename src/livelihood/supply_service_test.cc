#include "livelihood/supply_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "events/events.h"
#include "registry/registry_fixture.h"

namespace tc::livelihood {
namespace {

constexpr Millis kHour = 3'600'000;
constexpr Millis kT0 = 1'779'933'600'000;  // 2026-05-28 10:00 in Shanghai

const std::string kYongji = "220102001001";                 // 永吉社区
const std::string kChunguang = "220102001001-001";          // 春光小区, in 永吉社区
const std::string kQiushi = "220102001001-002";             // 秋实小区, in 永吉社区
const std::string kBuilding = "220102001001-001-01";        // 春光小区 1栋
const std::string kHousehold = "220102001001-001-01-1-0101";
const std::string kYongjiPath = "/220100000000/220102000000/220102001000/220102001001/";
const std::string kNanguan = "/220100000000/220102000000/";
const std::string kKuancheng = "/220100000000/220103000000/";

class SupplyServiceTest : public registry::RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    clock_.Set(kT0);
    supplies_ = std::make_unique<SupplyService>(*store_, clock_);
  }
  // A RiskAreaChanged for 永吉社区 as the bus hands it over.
  Status Risk(int64_t seq, const std::string& level) {
    nlohmann::json p = {{"area_code", kYongji}, {"area_path", kYongjiPath}, {"name", "永吉社区"},
                        {"level", level},      {"from", "low"},             {"reason", "社区内发现确诊病例"}};
    return supplies_->OnEvent({.seq = seq, .type = "RiskAreaChanged", .payload = p.dump(), .at = clock_.Now()});
  }
  PointRecord Point(int64_t capacity = 300, std::vector<std::string> serves = {kYongji}) {
    auto p = supplies_->CreatePoint({.kind = PointKind::kSmall, .name = "永吉1号配送点", .capacity_per_day = capacity,
                                     .area_code = kYongji, .serves = std::move(serves)},
                                    "", by_);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : PointRecord{};
  }
  static OrderRequest Resident(std::vector<OrderItem> items = {{"veg-box-a", 2}, {"rice-5kg", 1}}) {
    return {.order = {.kind = OrderKind::kResident, .compound_code = kChunguang, .building_code = kBuilding,
                      .household_code = kHousehold, .contact = "13800000001", .items = std::move(items)}};
  }
  static OrderRequest Group() {
    return {.order = {.kind = OrderKind::kGroup, .compound_code = kChunguang, .building_code = kBuilding,
                      .households = 12, .contact = "楼栋长 王姐", .items = {{"veg-box-a", 12}}}};
  }
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(store_->Read([&](store::Conn& c) -> Status {
                        TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql));
                        n = rows[0].Int(0);
                        return Status::Ok();
                      })
                    .ok());
    return n;
  }
  Result<OrderRecord> Do(int64_t id, OrderAction a, std::string_view under = "") {
    clock_.Advance(kHour);
    return supplies_->Act(id, a, under, by_);
  }

  ManualClock clock_;
  std::unique_ptr<SupplyService> supplies_;
};

TEST_P(SupplyServiceTest, AnOrderWalksToContactlessDeliveryAndPackingTakesTheStock) {
  ASSERT_TRUE(Risk(1, "high").ok());
  auto point = Point();
  ASSERT_TRUE(supplies_->SetStock(point.point.id, {{"veg-box-a", 10}, {"rice-5kg", 4}}, "", by_).ok());
  auto o = supplies_->Place(Resident(), "", by_);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->order.state, OrderState::kPlaced);
  EXPECT_EQ(o->order.point_id, point.point.id);
  EXPECT_EQ(o->point_name, "永吉1号配送点");
  EXPECT_EQ(o->day, "2026-05-28");
  ASSERT_EQ(o->order.items.size(), 2u);
  ASSERT_TRUE(Do(o->id, {.kind = OrderActionKind::kAccept}).ok());
  auto packed = Do(o->id, {.kind = OrderActionKind::kPack});
  ASSERT_TRUE(packed.ok()) << packed.status().ToString();
  auto stock = supplies_->GetPoint(point.point.id, "")->stock;
  ASSERT_EQ(stock.size(), 2u);
  EXPECT_EQ(stock[0].item, "rice-5kg");
  EXPECT_EQ(stock[0].quantity, 3);
  EXPECT_EQ(stock[1].quantity, 8);
  ASSERT_TRUE(Do(o->id, {.kind = OrderActionKind::kDispatch, .deliverer = "volunteer-li"}).ok());
  auto mine = supplies_->List({.state = "out_for_delivery", .deliverer = "volunteer-li"}, "");
  ASSERT_EQ(mine->size(), 1u);
  auto done = Do(o->id, {.kind = OrderActionKind::kDeliver, .drop_point = "1栋门口货架", .photo = "sha256:ab12"});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->order.state, OrderState::kDelivered);
  EXPECT_EQ(done->order.drop_point, "1栋门口货架");
  EXPECT_EQ(done->order.photo, "sha256:ab12");
  EXPECT_EQ(done->order.delivered_at, kT0 + 4 * kHour);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'supplies.order.%'"), 5);
  auto by_building = supplies_->List({.building_code = kBuilding}, "");
  ASSERT_EQ(by_building->size(), 1u);
  EXPECT_TRUE(supplies_->List({.building_code = kQiushi + "-01"}, "")->empty());
  auto totals = supplies_->Totals("2026-05-28", "");
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  ASSERT_EQ(totals->size(), 1u);
  EXPECT_EQ((*totals)[0].placed, 1);
  EXPECT_EQ((*totals)[0].delivered, 1);
  EXPECT_EQ((*totals)[0].households, 1);
  EXPECT_EQ((*totals)[0].capacity_per_day, 300);
}

TEST_P(SupplyServiceTest, AnOrderToACompoundNotClosedIsRefusedWithTheReasonAndNothingIsWritten) {
  Point();
  const int64_t audits = Count("SELECT COUNT(*) FROM audit_log");
  auto refused = supplies_->Place(Resident(), "", by_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kConflict);
  EXPECT_EQ(refused.status().message(),
            "compound 220102001001-001 is not closed; supplies are delivered only to closed compounds");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM supply_orders"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), audits);
  // Closed by the command centre (not a risk level): the order goes through.
  ASSERT_TRUE(supplies_->Close(kChunguang, "楼内发现阳性，封闭管理", "", by_).ok());
  EXPECT_TRUE(supplies_->Place(Resident(), "", by_).ok());
  // Reopened: refused again; the other compound never was closed.
  ASSERT_TRUE(supplies_->Open(kChunguang, "解除封闭", "", by_).ok());
  EXPECT_EQ(supplies_->Place(Resident(), "", by_).status().code(), StatusCode::kConflict);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM supply_orders"), 1);
  EXPECT_EQ(supplies_->Open(kChunguang, "again", "", by_).status().code(), StatusCode::kConflict);
  // One building closed: its orders go through, the next building's are refused.
  ASSERT_TRUE(supplies_->Close(kBuilding, "1栋发现阳性", "", by_).ok());
  EXPECT_TRUE(supplies_->Place(Resident(), "", by_).ok());
  OrderRequest next = Resident();
  next.order.building_code = "220102001001-001-02";
  next.order.household_code = "220102001001-001-02-1-0101";
  EXPECT_EQ(supplies_->Place(next, "", by_).status().code(), StatusCode::kConflict);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM supply_orders"), 2);
  EXPECT_EQ(supplies_->Close(kChunguang, "", "", by_).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(SupplyServiceTest, RiskAreaChangedClosesAndReopensTheCommunitysCompounds) {
  Point();
  ASSERT_TRUE(Risk(5, "high").ok());
  auto closures = supplies_->ClosuresOf(kChunguang, "");
  ASSERT_TRUE(closures.ok());
  ASSERT_EQ(closures->size(), 1u);
  EXPECT_EQ((*closures)[0].source, "risk");
  EXPECT_EQ((*closures)[0].name, "永吉社区");
  EXPECT_EQ(supplies_->ClosuresOf(kQiushi, "")->size(), 1u);
  EXPECT_TRUE(supplies_->Place(Resident(), "", by_).ok());
  ASSERT_TRUE(Risk(6, "medium").ok());
  EXPECT_TRUE(supplies_->ClosuresOf(kChunguang, "")->empty());
  EXPECT_EQ(supplies_->Place(Resident(), "", by_).status().code(), StatusCode::kConflict);
  // Other events, and another community's level, change nothing here.
  EXPECT_TRUE(supplies_->OnEvent({.seq = 7, .type = "CaseConfirmed", .payload = "{}", .at = kT0}).ok());
  EXPECT_TRUE(supplies_->Closures("")->empty());
}

TEST_P(SupplyServiceTest, ARedeliveredRiskEventChangesNothing) {
  ASSERT_TRUE(Risk(5, "high").ok());
  ASSERT_TRUE(Risk(6, "low").ok());
  const int64_t audits = Count("SELECT COUNT(*) FROM audit_log");
  // Event 5 again (at-least-once delivery): the community stays open, nothing is audited.
  ASSERT_TRUE(Risk(5, "high").ok());
  EXPECT_TRUE(supplies_->Closures("")->empty());
  ASSERT_TRUE(Risk(6, "low").ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), audits);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM supply_closures"), 1);
}

TEST_P(SupplyServiceTest, TheBusDeliversADeclaredLevelToTheSubscriber) {
  events::Bus bus(*store_);
  bus.Subscribe("supplies", [this](const events::Event& e) { return supplies_->OnEvent(e); });
  nlohmann::json p = {{"area_code", kYongji}, {"area_path", kYongjiPath}, {"name", "永吉社区"}, {"level", "high"}};
  ASSERT_TRUE(store_->Tx([&](store::Conn& c) { return events::Publish(c, "RiskAreaChanged", p.dump(), kT0); }).ok());
  ASSERT_TRUE(bus.Deliver().ok());
  EXPECT_EQ(supplies_->Closures("")->size(), 1u);
  EXPECT_EQ(supplies_->Closures(kYongjiPath + "220102001001-001/")->size(), 1u);  // covers the compound below
  EXPECT_TRUE(supplies_->Closures(kKuancheng)->empty());
}

TEST_P(SupplyServiceTest, AFullPointRefusesTheOrderAndAnotherServingPointTakesIt) {
  ASSERT_TRUE(Risk(1, "high").ok());
  auto small = Point(1, {kChunguang});
  ASSERT_TRUE(supplies_->Place(Resident(), "", by_).ok());
  auto full = supplies_->Place(Resident(), "", by_);
  EXPECT_EQ(full.status().code(), StatusCode::kConflict);
  EXPECT_NE(full.status().message().find("is full today: 1 of 1 orders"), std::string::npos) << full.status().message();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM supply_orders"), 1);
  // A large point serving the whole community takes the overflow.
  auto large = supplies_->CreatePoint({.kind = PointKind::kLarge, .name = "南关区1号大型配送点", .capacity_per_day = 5000,
                                       .area_code = "220102000000", .serves = {kYongji}},
                                      "", by_);
  ASSERT_TRUE(large.ok()) << large.status().ToString();
  auto o = supplies_->Place(Resident(), "", by_);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->order.point_id, large->point.id);
  // A point named by the order must serve the compound.
  auto other = supplies_->CreatePoint({.kind = PointKind::kSmall, .name = "秋实点", .capacity_per_day = 10,
                                       .area_code = kYongji, .serves = {kQiushi}},
                                      "", by_);
  OrderRequest r = Resident();
  r.point_id = other->point.id;
  EXPECT_EQ(supplies_->Place(r, "", by_).status().field_errors().at(0).field, "point_id");
  // A retired point takes no orders; a new day frees the small one.
  ASSERT_TRUE(supplies_->UpdatePoint(large->point.id, {.active = false}, "", by_).ok());
  EXPECT_EQ(supplies_->Place(Resident(), "", by_).status().code(), StatusCode::kConflict);
  clock_.Advance(24 * kHour);
  auto next_day = supplies_->Place(Resident(), "", by_);
  ASSERT_TRUE(next_day.ok()) << next_day.status().ToString();
  EXPECT_EQ(next_day->order.point_id, small.point.id);
}

TEST_P(SupplyServiceTest, BadOrdersAndStepsAreRefusedNamingTheFieldAndChangeNothing) {
  ASSERT_TRUE(Risk(1, "high").ok());
  auto point = Point();
  OrderRequest r = Resident({{"veg-box-a", 0}});
  EXPECT_EQ(supplies_->Place(r, "", by_).status().field_errors().at(0).field, "items[0].quantity");
  r = Resident();
  r.order.household_code = kBuilding + "-1-0999";
  EXPECT_EQ(supplies_->Place(r, "", by_).status().field_errors().at(0).field, "household_code");
  r = Resident();
  r.order.building_code = "220102001001-001-09";
  EXPECT_EQ(supplies_->Place(r, "", by_).status().field_errors().at(0).field, "building_code");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM supply_orders"), 0);
  auto g = supplies_->Place(Group(), "", by_);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->order.households, 12);
  // Out of turn, and a pack the stock cannot cover: refused, the order and stock unchanged.
  EXPECT_EQ(Do(g->id, {.kind = OrderActionKind::kDispatch, .deliverer = "v"}).status().code(), StatusCode::kConflict);
  ASSERT_TRUE(Do(g->id, {.kind = OrderActionKind::kAccept}).ok());
  ASSERT_TRUE(supplies_->SetStock(point.point.id, {{"veg-box-a", 5}}, "", by_).ok());
  auto pack = Do(g->id, {.kind = OrderActionKind::kPack});
  EXPECT_EQ(pack.status().code(), StatusCode::kConflict);
  EXPECT_EQ(pack.status().message(), "delivery point " + std::to_string(point.point.id) + " has 5 of veg-box-a; order " +
                                         std::to_string(g->id) + " needs 12");
  EXPECT_EQ(supplies_->Get(g->id, "")->order.state, OrderState::kAccepted);
  EXPECT_EQ(supplies_->GetPoint(point.point.id, "")->stock[0].quantity, 5);
  EXPECT_EQ(Do(g->id, {.kind = OrderActionKind::kFail}).status().code(), StatusCode::kInvalidArgument);  // no reason
  auto failed = Do(g->id, {.kind = OrderActionKind::kFail, .reason = "配送点缺货"});
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->order.reason, "配送点缺货");
  EXPECT_EQ(Do(g->id, {.kind = OrderActionKind::kAccept}).status().code(), StatusCode::kConflict);
  // Bad points.
  EXPECT_EQ(supplies_->CreatePoint({.name = "x", .capacity_per_day = 0, .area_code = kYongji, .serves = {kYongji}}, "", by_)
                .status()
                .field_errors()
                .at(0)
                .field,
            "capacity_per_day");
  EXPECT_EQ(supplies_->CreatePoint({.name = "x", .capacity_per_day = 5, .area_code = kYongji, .serves = {"nowhere"}}, "", by_)
                .status()
                .field_errors()
                .at(0)
                .field,
            "serves[0]");
}

TEST_P(SupplyServiceTest, AnOfficerSeesAndMovesOnlyTheirJurisdictionsPointsAndOrders) {
  ASSERT_TRUE(Risk(1, "high").ok());
  auto point = Point();
  auto o = supplies_->Place(Resident(), kNanguan, by_);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(supplies_->Get(o->id, kKuancheng).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(supplies_->Act(o->id, {.kind = OrderActionKind::kAccept}, kKuancheng, by_).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(supplies_->Get(o->id, "")->order.state, OrderState::kPlaced);
  EXPECT_EQ(supplies_->Place(Resident(), kKuancheng, by_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(supplies_->GetPoint(point.point.id, kKuancheng).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(supplies_->SetStock(point.point.id, {{"a", 1}}, kKuancheng, by_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(supplies_->Close(kChunguang, "x", kKuancheng, by_).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(supplies_->List({}, kKuancheng)->empty());
  EXPECT_TRUE(supplies_->ListPoints(kKuancheng)->empty());
  EXPECT_EQ(supplies_->List({}, kNanguan)->size(), 1u);
  EXPECT_EQ(supplies_->ListPoints(kNanguan)->size(), 1u);
  EXPECT_TRUE(supplies_->Totals("2026-05-28", kKuancheng)->empty());
  EXPECT_EQ(supplies_->Totals("2026-05-28", kNanguan)->size(), 1u);
}

TEST_P(SupplyServiceTest, ShortagesAreFlaggedPerPointAndItemAndOverAll) {
  ASSERT_TRUE(Risk(1, "high").ok());
  auto point = Point();
  ASSERT_TRUE(supplies_->SetStock(point.point.id, {{"veg-box-a", 3}, {"rice-5kg", 10}}, "", by_).ok());
  ASSERT_TRUE(supplies_->Place(Resident({{"veg-box-a", 2}, {"rice-5kg", 1}}), "", by_).ok());
  auto none = supplies_->Shortages("");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(supplies_->Place(Group(), "", by_).ok());  // 12 more veg boxes
  auto flags = supplies_->Shortages("");
  ASSERT_TRUE(flags.ok());
  ASSERT_EQ(flags->size(), 2u);
  EXPECT_EQ((*flags)[0].flag.point_id, 0);  // over every point in scope
  EXPECT_EQ((*flags)[0].flag.item, "veg-box-a");
  EXPECT_EQ((*flags)[0].flag.shortfall, 11);
  EXPECT_EQ((*flags)[1].flag.point_id, point.point.id);
  EXPECT_EQ((*flags)[1].point_name, "永吉1号配送点");
  EXPECT_EQ((*flags)[1].flag.demand, 14);
  EXPECT_EQ((*flags)[1].flag.stock, 3);
  EXPECT_TRUE(supplies_->Shortages(kKuancheng)->empty());
  // Restocked: no flag.
  ASSERT_TRUE(supplies_->SetStock(point.point.id, {{"veg-box-a", 20}}, "", by_).ok());
  EXPECT_TRUE(supplies_->Shortages("")->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, SupplyServiceTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::livelihood
