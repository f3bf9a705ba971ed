// Supplies to closed compounds (封闭小区生活物资保供): the service over supplies.h. Delivery
// points (large / small) with a daily capacity, the areas they serve and their stock;
// resident and group (a building's 团购) orders walked through contactless delivery;
// shortage flags and daily totals for the command centre.
//
// A compound is closed only as this module has been told: by RiskAreaChanged events
// (a community declared high risk — 封控 — closes every compound in it; lowered, it
// reopens), kept in its own `supply_closures` table by OnEvent, or by the command
// centre closing an area explicitly (a closure with its reason, audited: a compound, a
// single building, a community). It never reads another module's tables. An order to
// a building that no closure covers (itself, its compound or an area above) is refused
// with the reason and nothing is written.
//
// Every write is one transaction with its audit entry; a refused step changes nothing.
// Packing takes the order's items from the point's stock (refused when it falls short).
// Jurisdiction: a point belongs to its area's path, an order to its compound's path; a
// caller under a path sees and acts only on those below it (NoSuch otherwise).
// Stateless between calls (everything is in the store); thread-safe.
//
//   SupplyService supplies(store, clock);
//   bus.Subscribe("supplies", [&](const events::Event& e) { return supplies.OnEvent(e); });
//   auto point = supplies.CreatePoint({.kind = PointKind::kSmall, .name = "永吉1号点", .capacity_per_day = 300,
//                                      .area_code = "220102001001", .serves = {"220102001001"}}, "", actor);
//   auto order = supplies.Place({.order = {...}}, "", actor);      // Conflict unless the compound is closed
//   supplies.Act(order->id, {.kind = OrderActionKind::kAccept}, "", actor);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "events/events.h"
#include "livelihood/supplies.h"
#include "store/store.h"

namespace tc::livelihood {

// Why an area is closed for supplies: source "risk" (a RiskAreaChanged to high) or
// "order" (closed by the command centre).
struct Closure {
  std::string area_code, area_path, name, source, reason, by;
  bool closed = false;
  Millis since = 0;
};

struct NewPoint {
  PointKind kind = PointKind::kSmall;
  std::string name;
  int64_t capacity_per_day = 0;
  std::string area_code;            // where the point stands (its jurisdiction)
  std::string address;
  std::vector<std::string> serves;  // the compounds or communities it serves (at least one)
};

struct PointChange {
  std::optional<std::string> name, address;
  std::optional<int64_t> capacity_per_day;
  std::optional<std::vector<std::string>> serves;
  std::optional<bool> active;  // a point is retired, never deleted (orders name it)
};

struct PointRecord {
  DeliveryPoint point;
  std::string area_code, area_path, address;
  bool active = true;
  std::vector<std::string> serves;
  std::vector<ItemAmount> stock;  // by item
  Millis created_at = 0;
};

struct OrderRequest {
  NewOrder order;
  int64_t point_id = 0;  // 0: the nearest active point serving the compound that has room today
};

struct OrderRecord {
  int64_t id = 0;
  Order order;
  std::string compound_path, point_name, day, created_by;
};

struct OrderFilter {
  std::string state;          // "" any
  std::string building_code;  // "" any
  std::string deliverer;      // "" any
  std::string day;            // YYYY-MM-DD placed, "" any
  int64_t point_id = 0;       // 0 any
  int64_t limit = 200;
};

struct PointShortage {
  ShortageFlag flag;
  std::string point_name;  // "" for a flag over every point in scope
};

// One point's orders placed on a day, by state.
struct PointDayTotals {
  int64_t point_id = 0;
  std::string point_name;
  PointKind kind = PointKind::kSmall;
  int64_t capacity_per_day = 0;
  int64_t placed = 0;  // all orders of the day
  int64_t open = 0, delivered = 0, failed = 0;
  int64_t households = 0;  // fed by the day's delivered orders
};

class SupplyService {
 public:
  SupplyService(store::Store& store, const Clock& clock, ShortageRules rules = {}, OrderLimits limits = {})
      : store_(store), clock_(clock), rules_(rules), limits_(limits) {}

  // The bus subscriber: RiskAreaChanged closes a community going to high and reopens it
  // when lowered. Events already applied (seq at or below the one recorded) change
  // nothing, so redelivery is harmless; other events are ignored.
  Status OnEvent(const events::Event& e);

  // The command centre closes (or reopens) an area explicitly; the area must lie under
  // `under_path` (NoSuch otherwise) and a reason is required. Closing an area already
  // closed by order, or opening one that is not, is a Conflict. Opening leaves a closure
  // by risk level in place.
  Result<Closure> Close(std::string_view area_code, std::string_view reason, std::string_view under_path,
                        const audit::Actor& by);
  Result<Closure> Open(std::string_view area_code, std::string_view reason, std::string_view under_path,
                       const audit::Actor& by);
  // The closures in force at or under `under_path`, and those above it that cover it.
  Result<std::vector<Closure>> Closures(std::string_view under_path) const;
  // The closures that make this area (a compound, a building) closed: its own and those
  // above it (empty: not closed). NoSuch for an area outside `under_path`.
  Result<std::vector<Closure>> ClosuresOf(std::string_view area_code, std::string_view under_path) const;

  Result<PointRecord> CreatePoint(const NewPoint& n, std::string_view under_path, const audit::Actor& by);
  Result<PointRecord> UpdatePoint(int64_t id, const PointChange& ch, std::string_view under_path,
                                  const audit::Actor& by);
  Result<PointRecord> GetPoint(int64_t id, std::string_view under_path) const;
  Result<std::vector<PointRecord>> ListPoints(std::string_view under_path) const;
  // Sets the stock of the named items at the point (absolute quantities ≥ 0).
  Result<PointRecord> SetStock(int64_t id, const std::vector<OrderItem>& items, std::string_view under_path,
                               const audit::Actor& by);

  // Places an order: the compound under `under_path` (NoSuch otherwise), its building
  // and household registered, the building closed (by a closure on it, its compound or
  // above), the point serving it with room today.
  Result<OrderRecord> Place(const OrderRequest& r, std::string_view under_path, const audit::Actor& by);
  Result<OrderRecord> Get(int64_t id, std::string_view under_path) const;
  // Orders under the path matching the filter, newest first.
  Result<std::vector<OrderRecord>> List(const OrderFilter& f, std::string_view under_path) const;
  // One step of the order's state machine (supplies.h Apply); refused with the reason
  // and nothing written when it may not follow. Pack takes the items from the stock.
  Result<OrderRecord> Act(int64_t id, const OrderAction& a, std::string_view under_path, const audit::Actor& by);

  // Shortages of the open demand (orders placed or accepted) against the stock of the
  // active points under the path: per point and item, and over them all (point 0).
  Result<std::vector<PointShortage>> Shortages(std::string_view under_path) const;
  // Per point under the path: the orders placed on `day` (YYYY-MM-DD) by state.
  Result<std::vector<PointDayTotals>> Totals(std::string_view day, std::string_view under_path) const;

 private:
  Result<std::vector<PointRecord>> LoadPoints(store::Conn& c, std::string_view where, const store::Params& p) const;
  Result<std::vector<OrderRecord>> LoadOrders(store::Conn& c, std::string_view where, const store::Params& p) const;
  Result<Closure> SetOrderClosure(std::string_view area_code, bool close, std::string_view reason,
                                  std::string_view under_path, const audit::Actor& by);

  store::Store& store_;
  const Clock& clock_;
  ShortageRules rules_;
  OrderLimits limits_;
};

}  // namespace tc::livelihood
