// Supplies to closed compounds (封闭小区生活物资保供): resident and group orders per
// building, delivery points (large / small, seed 000: 78 large and 611 small in one
// district) with a daily capacity, an order's states through contactless delivery (seed
// 004: 944 contactless drop points), and shortage flags for the command centre. Pure
// (no store, no clock): the caller passes the compound's closed flag, the point's load
// and the times.
//
//   placed ─accept─▶ accepted ─pack─▶ packed ─dispatch─▶ out_for_delivery ─deliver─▶ delivered
//                       └────────────────┴──────────────────────┴─fail(reason)─▶ failed
//
//   TC_ASSIGN_OR_RETURN(Order o, PlaceOrder(req, {.compound_closed = true, .point = p,
//                                                 .point_orders_today = 212}, now));
//   TC_RETURN_IF_ERROR(Apply(o, {.kind = OrderActionKind::kAccept}, now));
//   TC_RETURN_IF_ERROR(Apply(o, {.kind = OrderActionKind::kDeliver, .drop_point = "3栋门口货架",
//                                .photo = "sha256:…"}, later));
//   std::vector<ShortageFlag> flags = Shortages(OpenDemand(orders), stock, ShortageRules{});
//
// Quantities are whole units of an item (箱, 份, 袋); money is not handled here.
// Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"

namespace tc::livelihood {

enum class PointKind : uint8_t { kLarge, kSmall };
std::string_view PointKindName(PointKind k);  // large | small
bool ParsePointKind(std::string_view s, PointKind* out);

// A delivery point (配送点): where supplies are staged for the compounds it serves.
struct DeliveryPoint {
  int64_t id = 0;
  PointKind kind = PointKind::kSmall;
  std::string name;
  int64_t capacity_per_day = 0;  // orders it can take a day (> 0)
};

enum class OrderKind : uint8_t { kResident, kGroup };
std::string_view OrderKindName(OrderKind k);  // resident | group (团购, a building's)
bool ParseOrderKind(std::string_view s, OrderKind* out);

enum class OrderState : uint8_t { kPlaced, kAccepted, kPacked, kOutForDelivery, kDelivered, kFailed };
// placed | accepted | packed | out_for_delivery | delivered | failed
std::string_view OrderStateName(OrderState s);
bool ParseOrderState(std::string_view s, OrderState* out);
bool IsOpen(OrderState s);  // not delivered and not failed

struct OrderItem {
  std::string item;      // the item's code or name, e.g. "veg-box-a"; required, unique in the order
  int64_t quantity = 0;  // 1 … OrderLimits::max_quantity
};

struct OrderLimits {
  int64_t max_quantity = 50;  // per item line of a resident order (a group order: × households)
  int64_t max_items = 30;     // item lines per order
};

// What is ordered.
struct NewOrder {
  OrderKind kind = OrderKind::kResident;
  std::string compound_code, building_code;  // required; the building lies in the compound
  std::string household_code;                // a resident order: required, in the building; a group order: ""
  int64_t households = 1;                    // a group order: how many households it feeds (≥ 2); resident: 1
  std::string contact;                       // who placed it (name or phone)
  std::vector<OrderItem> items;
};

// What the caller knows about where the order goes.
struct OrderContext {
  bool compound_closed = false;    // supplies are delivered only to closed compounds
  DeliveryPoint point;             // the point that serves the compound
  int64_t point_orders_today = 0;  // orders the point already has today
};

struct Order {
  OrderKind kind = OrderKind::kResident;
  std::string compound_code, building_code, household_code, contact;
  int64_t households = 1;
  std::vector<OrderItem> items;
  int64_t point_id = 0;
  OrderState state = OrderState::kPlaced;
  Millis placed_at = 0, accepted_at = 0, packed_at = 0, out_at = 0, delivered_at = 0, failed_at = 0;
  std::string deliverer;   // the volunteer or courier (out_for_delivery)
  std::string drop_point;  // contactless: where it was left (delivered)
  std::string photo;       // contactless: the photo's reference (delivered)
  std::string reason;      // failed: why
};

// Validates and places an order at `now`. Conflict when the compound is not closed
// ("compound X is not closed; supplies are delivered only to closed compounds") or the
// point is full today; InvalidArgument naming the field for a missing code, a building
// outside the compound or household outside the building, no items, too many lines, a
// repeated item, a quantity below 1 or over the limit ("items[2].quantity"), or a
// group order for fewer than 2 households.
Result<Order> PlaceOrder(const NewOrder& n, const OrderContext& ctx, Millis now, const OrderLimits& limits = {});

enum class OrderActionKind : uint8_t { kAccept, kPack, kDispatch, kDeliver, kFail };
std::string_view OrderActionName(OrderActionKind k);  // accept | pack | dispatch | deliver | fail
bool ParseOrderAction(std::string_view s, OrderActionKind* out);

struct OrderAction {
  OrderActionKind kind = OrderActionKind::kAccept;
  std::string deliverer;   // dispatch: required
  std::string drop_point;  // deliver: required (contactless)
  std::string photo;       // deliver: required (contactless)
  std::string reason;      // fail: required
};
// Applies `a` at `now`: Conflict naming the state and the action when it may not
// follow ("order is delivered; fail needs accepted, packed or out_for_delivery");
// InvalidArgument naming the missing field. Nothing changes unless it returns Ok.
Status Apply(Order& o, const OrderAction& a, Millis now);

// Demand and supply of one item at one point.
struct ItemAmount {
  int64_t point_id = 0;
  std::string item;
  int64_t quantity = 0;
};
// The demand still to be met from stock: the items of orders placed or accepted (not
// yet packed), summed per (point, item), in (point, item) order.
std::vector<ItemAmount> OpenDemand(const std::vector<Order>& orders);

struct ShortageRules {
  int64_t version = 0;
  double point_ratio = 1.0;   // a point is short of an item when demand > ratio × stock there
  double city_ratio = 1.0;    // the city is short when total demand > ratio × total stock
  int64_t min_shortfall = 1;  // ignore shortfalls (demand − stock) below this
};
// A shortage for the command centre: at a point (point_id > 0) or city-wide (0).
struct ShortageFlag {
  int64_t point_id = 0;
  std::string item;
  int64_t demand = 0, stock = 0, shortfall = 0;  // shortfall = demand − stock
};
// Per item: a flag for every point where demand > point_ratio × stock and
// demand − stock ≥ min_shortfall, and a city-wide flag (point 0) when the totals over
// all points meet the same with city_ratio. Stock missing for an item counts as 0.
// City flags first, then by point, each by item.
std::vector<ShortageFlag> Shortages(const std::vector<ItemAmount>& demand, const std::vector<ItemAmount>& stock,
                                    const ShortageRules& rules);

}  // namespace tc::livelihood
