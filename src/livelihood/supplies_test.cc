#include "livelihood/supplies.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tc::livelihood {
namespace {

constexpr Millis kHour = 3'600'000;
constexpr Millis kT0 = 1'648'742'400'000;

using K = OrderActionKind;
using S = OrderState;

class SuppliesTest : public ::testing::Test {
 protected:
  const std::string compound_ = "220102001001-3";
  const std::string building_ = compound_ + "-2";
  DeliveryPoint point_{.id = 12, .kind = PointKind::kSmall, .name = "南关区12号配送点", .capacity_per_day = 300};
  OrderContext ctx_{.compound_closed = true, .point = point_, .point_orders_today = 10};

  NewOrder Resident(std::vector<OrderItem> items = {{"veg-box-a", 2}, {"rice-5kg", 1}}) {
    return {.kind = OrderKind::kResident,
            .compound_code = compound_,
            .building_code = building_,
            .household_code = building_ + "-1-0502",
            .contact = "13800000001",
            .items = std::move(items)};
  }
  Order Placed() { return PlaceOrder(Resident(), ctx_, kT0).value(); }
  static std::string Field(const Status& s) { return s.field_errors().empty() ? "" : s.field_errors()[0].field; }
};

TEST_F(SuppliesTest, AResidentOrderIsPlacedAtTheCompoundsPoint) {
  const auto o = PlaceOrder(Resident(), ctx_, kT0);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->state, S::kPlaced);
  EXPECT_EQ(o->point_id, 12);
  EXPECT_EQ(o->placed_at, kT0);
  EXPECT_EQ(o->items.size(), 2u);
}

TEST_F(SuppliesTest, ADeliveryToACompoundNotClosedIsRefusedWithTheReason) {
  ctx_.compound_closed = false;
  const auto o = PlaceOrder(Resident(), ctx_, kT0);
  EXPECT_EQ(o.status().code(), StatusCode::kConflict);
  EXPECT_EQ(o.status().message(),
            "compound 220102001001-3 is not closed; supplies are delivered only to closed compounds");
}

TEST_F(SuppliesTest, BadQuantitiesAndItemsAreRefusedNamingTheLine) {
  EXPECT_EQ(Field(PlaceOrder(Resident({{"veg-box-a", 0}}), ctx_, kT0).status()), "items[0].quantity");
  EXPECT_EQ(Field(PlaceOrder(Resident({{"veg-box-a", 1}, {"rice-5kg", -3}}), ctx_, kT0).status()), "items[1].quantity");
  const Status over = PlaceOrder(Resident({{"veg-box-a", 51}}), ctx_, kT0).status();
  EXPECT_EQ(Field(over), "items[0].quantity");
  EXPECT_NE(over.message().find("at most 50 (51 given)"), std::string::npos) << over.message();
  EXPECT_EQ(Field(PlaceOrder(Resident({{"veg-box-a", 1}, {"veg-box-a", 2}}), ctx_, kT0).status()), "items[1].item");
  EXPECT_EQ(Field(PlaceOrder(Resident({{"", 1}}), ctx_, kT0).status()), "items[0].item");
  EXPECT_EQ(Field(PlaceOrder(Resident({}), ctx_, kT0).status()), "items");
  std::vector<OrderItem> many;
  for (int i = 0; i < 31; ++i) many.push_back({"item" + std::to_string(i), 1});
  EXPECT_EQ(Field(PlaceOrder(Resident(many), ctx_, kT0).status()), "items");
}

TEST_F(SuppliesTest, WhereTheOrderGoesMustHoldTogether) {
  NewOrder n = Resident();
  n.building_code = "220102001001-4-1";
  EXPECT_EQ(Field(PlaceOrder(n, ctx_, kT0).status()), "building_code");
  n = Resident();
  n.household_code = compound_ + "-9-1-0101";
  EXPECT_EQ(Field(PlaceOrder(n, ctx_, kT0).status()), "household_code");
  n = Resident();
  n.household_code.clear();
  EXPECT_EQ(Field(PlaceOrder(n, ctx_, kT0).status()), "household_code");
  n = Resident();
  n.compound_code.clear();
  EXPECT_EQ(Field(PlaceOrder(n, ctx_, kT0).status()), "compound_code");
}

TEST_F(SuppliesTest, AGroupOrderFeedsABuildingsHouseholds) {
  NewOrder g{.kind = OrderKind::kGroup,
             .compound_code = compound_,
             .building_code = building_,
             .households = 40,
             .contact = "楼栋长",
             .items = {{"veg-box-a", 40 * 50}}};
  const auto o = PlaceOrder(g, ctx_, kT0);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->households, 40);
  g.items[0].quantity = 40 * 50 + 1;
  EXPECT_EQ(Field(PlaceOrder(g, ctx_, kT0).status()), "items[0].quantity");
  g.items[0].quantity = 1;
  g.households = 1;
  EXPECT_EQ(Field(PlaceOrder(g, ctx_, kT0).status()), "households");
  g.households = 2;
  g.household_code = building_ + "-1-0101";
  EXPECT_EQ(Field(PlaceOrder(g, ctx_, kT0).status()), "household_code");
}

TEST_F(SuppliesTest, AFullPointTakesNoMoreOrdersToday) {
  ctx_.point_orders_today = 300;
  const Status st = PlaceOrder(Resident(), ctx_, kT0).status();
  EXPECT_EQ(st.code(), StatusCode::kConflict);
  EXPECT_EQ(st.message(), "delivery point 12 is full today: 300 of 300 orders");
  ctx_.point_orders_today = 299;
  EXPECT_TRUE(PlaceOrder(Resident(), ctx_, kT0).ok());
  ctx_.point = {};
  EXPECT_EQ(Field(PlaceOrder(Resident(), ctx_, kT0).status()), "point");
}

TEST_F(SuppliesTest, EveryTransitionToAContactlessDelivery) {
  Order o = Placed();
  ASSERT_TRUE(Apply(o, {.kind = K::kAccept}, kT0 + kHour).ok());
  EXPECT_EQ(o.state, S::kAccepted);
  EXPECT_EQ(o.accepted_at, kT0 + kHour);
  ASSERT_TRUE(Apply(o, {.kind = K::kPack}, kT0 + 2 * kHour).ok());
  EXPECT_EQ(o.state, S::kPacked);
  EXPECT_EQ(Field(Apply(o, {.kind = K::kDispatch}, kT0 + 3 * kHour)), "deliverer");
  ASSERT_TRUE(Apply(o, {.kind = K::kDispatch, .deliverer = "志愿者 李四"}, kT0 + 3 * kHour).ok());
  EXPECT_EQ(o.state, S::kOutForDelivery);
  EXPECT_EQ(Field(Apply(o, {.kind = K::kDeliver, .photo = "p1"}, kT0 + 4 * kHour)), "drop_point");
  EXPECT_EQ(Field(Apply(o, {.kind = K::kDeliver, .drop_point = "2栋门口货架"}, kT0 + 4 * kHour)), "photo");
  EXPECT_EQ(o.state, S::kOutForDelivery);
  ASSERT_TRUE(Apply(o, {.kind = K::kDeliver, .drop_point = "2栋门口货架", .photo = "p1"}, kT0 + 4 * kHour).ok());
  EXPECT_EQ(o.state, S::kDelivered);
  EXPECT_EQ(o.drop_point, "2栋门口货架");
  EXPECT_EQ(o.photo, "p1");
  EXPECT_EQ(o.delivered_at, kT0 + 4 * kHour);
  EXPECT_FALSE(IsOpen(o.state));
}

TEST_F(SuppliesTest, EveryActionOutOfTurnIsAConflictAndChangesNothing) {
  struct Case {
    S state;
    std::vector<K> allowed;
  };
  const std::vector<Case> cases = {
      {S::kPlaced, {K::kAccept}},
      {S::kAccepted, {K::kPack, K::kFail}},
      {S::kPacked, {K::kDispatch, K::kFail}},
      {S::kOutForDelivery, {K::kDeliver, K::kFail}},
      {S::kDelivered, {}},
      {S::kFailed, {}},
  };
  for (const Case& c : cases) {
    for (int k = 0; k < 5; ++k) {
      const K kind = static_cast<K>(k);
      Order o = Placed();
      o.state = c.state;
      const Status st =
          Apply(o, {.kind = kind, .deliverer = "d", .drop_point = "p", .photo = "f", .reason = "r"}, kT0 + kHour);
      if (std::find(c.allowed.begin(), c.allowed.end(), kind) != c.allowed.end()) {
        EXPECT_TRUE(st.ok()) << OrderStateName(c.state) << " " << OrderActionName(kind);
        continue;
      }
      EXPECT_EQ(st.code(), StatusCode::kConflict) << OrderStateName(c.state) << " " << OrderActionName(kind);
      EXPECT_EQ(st.message().rfind("order is " + std::string(OrderStateName(c.state)) + "; " +
                                       std::string(OrderActionName(kind)) + " needs",
                                   0),
                0u)
          << st.message();
      EXPECT_EQ(o.state, c.state);
    }
  }
}

TEST_F(SuppliesTest, AFailedDeliveryNeedsAReason) {
  Order o = Placed();
  ASSERT_TRUE(Apply(o, {.kind = K::kAccept}, kT0).ok());
  EXPECT_EQ(Field(Apply(o, {.kind = K::kFail}, kT0)), "reason");
  ASSERT_TRUE(Apply(o, {.kind = K::kFail, .reason = "缺货"}, kT0 + kHour).ok());
  EXPECT_EQ(o.state, S::kFailed);
  EXPECT_EQ(o.reason, "缺货");
  EXPECT_EQ(o.failed_at, kT0 + kHour);
}

TEST_F(SuppliesTest, OpenDemandCountsOrdersNotYetPacked) {
  std::vector<Order> orders;
  for (int i = 0; i < 4; ++i) orders.push_back(Placed());  // 2 veg boxes and 1 rice each
  ASSERT_TRUE(Apply(orders[1], {.kind = K::kAccept}, kT0).ok());
  ASSERT_TRUE(Apply(orders[2], {.kind = K::kAccept}, kT0).ok());
  ASSERT_TRUE(Apply(orders[2], {.kind = K::kPack}, kT0).ok());  // packed: taken from stock already
  ASSERT_TRUE(Apply(orders[3], {.kind = K::kAccept}, kT0).ok());
  ASSERT_TRUE(Apply(orders[3], {.kind = K::kFail, .reason = "x"}, kT0).ok());
  orders.push_back(Placed());
  orders.back().point_id = 5;
  const std::vector<ItemAmount> d = OpenDemand(orders);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].point_id, 5);
  EXPECT_EQ(d[0].item, "rice-5kg");
  EXPECT_EQ(d[0].quantity, 1);
  EXPECT_EQ(d[2].point_id, 12);
  EXPECT_EQ(d[2].item, "rice-5kg");
  EXPECT_EQ(d[2].quantity, 2);
  EXPECT_EQ(d[3].item, "veg-box-a");
  EXPECT_EQ(d[3].quantity, 4);
}

TEST_F(SuppliesTest, ShortagesAreFlaggedAtAPointAndCityWide) {
  const std::vector<ItemAmount> demand = {
      {1, "rice", 120}, {2, "rice", 50}, {1, "veg", 10}, {2, "milk", 5}, {3, "oil", 2}};
  const std::vector<ItemAmount> stock = {{1, "rice", 100}, {2, "rice", 100}, {1, "veg", 10}, {3, "oil", 1}};
  ShortageRules rules;  // ratio 1, shortfall ≥ 1
  std::vector<ShortageFlag> f = Shortages(demand, stock, rules);
  // City: rice 170 ≤ 200 (no), veg 10 = 10 (no), milk 5 > 0, oil 2 > 1. Points: 1 rice 120 > 100,
  // 2 milk 5 > 0 (no stock at all), 3 oil 2 > 1.
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[0].point_id, 0);
  EXPECT_EQ(f[0].item, "milk");
  EXPECT_EQ(f[0].shortfall, 5);
  EXPECT_EQ(f[1].point_id, 0);
  EXPECT_EQ(f[1].item, "oil");
  EXPECT_EQ(f[2].point_id, 1);
  EXPECT_EQ(f[2].item, "rice");
  EXPECT_EQ(f[2].demand, 120);
  EXPECT_EQ(f[2].stock, 100);
  EXPECT_EQ(f[2].shortfall, 20);
  EXPECT_EQ(f[3].point_id, 2);
  EXPECT_EQ(f[3].item, "milk");
  EXPECT_EQ(f[3].stock, 0);
  EXPECT_EQ(f[4].point_id, 3);

  // A tolerance: a point is flagged only over 1.5 × its stock, and shortfalls under 3 are ignored.
  rules.point_ratio = 1.5;
  rules.min_shortfall = 3;
  f = Shortages(demand, stock, rules);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].point_id, 0);
  EXPECT_EQ(f[0].item, "milk");
  EXPECT_EQ(f[1].point_id, 2);
  EXPECT_EQ(f[1].item, "milk");
}

TEST_F(SuppliesTest, NamesRoundTrip) {
  for (int i = 0; i < 6; ++i) {
    S s;
    ASSERT_TRUE(ParseOrderState(OrderStateName(static_cast<S>(i)), &s));
    EXPECT_EQ(static_cast<int>(s), i);
  }
  K k;
  ASSERT_TRUE(ParseOrderAction("deliver", &k));
  EXPECT_EQ(k, K::kDeliver);
  PointKind p;
  ASSERT_TRUE(ParsePointKind("large", &p));
  EXPECT_EQ(p, PointKind::kLarge);
  OrderKind ok;
  EXPECT_FALSE(ParseOrderKind("bulk", &ok));
}

}  // namespace
}  // namespace tc::livelihood
