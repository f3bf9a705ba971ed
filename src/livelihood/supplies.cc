#include "livelihood/supplies.h"

#include <set>

namespace tc::livelihood {

namespace {
constexpr std::string_view kPointKinds[] = {"large", "small"};
constexpr std::string_view kOrderKinds[] = {"resident", "group"};
constexpr std::string_view kStateNames[] = {"placed", "accepted", "packed", "out_for_delivery", "delivered", "failed"};
constexpr std::string_view kActionNames[] = {"accept", "pack", "dispatch", "deliver", "fail"};

template <typename E, size_t N>
bool ParseName(const std::string_view (&names)[N], std::string_view s, E* out) {
  for (size_t i = 0; i < N; ++i) {
    if (s == names[i]) {
      *out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

// `child` lies under `parent` in the area codes ("parent-…").
bool Under(const std::string& child, const std::string& parent) {
  return child.size() > parent.size() + 1 && child.compare(0, parent.size(), parent) == 0 &&
         child[parent.size()] == '-';
}

Status NotAfter(const Order& o, OrderActionKind k, std::string_view needs) {
  return Conflict("order is " + std::string(OrderStateName(o.state)) + "; " + std::string(OrderActionName(k)) +
                  " needs " + std::string(needs));
}
}  // namespace

std::string_view PointKindName(PointKind k) { return kPointKinds[static_cast<int>(k)]; }
bool ParsePointKind(std::string_view s, PointKind* out) { return ParseName(kPointKinds, s, out); }
std::string_view OrderKindName(OrderKind k) { return kOrderKinds[static_cast<int>(k)]; }
bool ParseOrderKind(std::string_view s, OrderKind* out) { return ParseName(kOrderKinds, s, out); }
std::string_view OrderStateName(OrderState s) { return kStateNames[static_cast<int>(s)]; }
bool ParseOrderState(std::string_view s, OrderState* out) { return ParseName(kStateNames, s, out); }
bool IsOpen(OrderState s) { return s != OrderState::kDelivered && s != OrderState::kFailed; }
std::string_view OrderActionName(OrderActionKind k) { return kActionNames[static_cast<int>(k)]; }
bool ParseOrderAction(std::string_view s, OrderActionKind* out) { return ParseName(kActionNames, s, out); }

Result<Order> PlaceOrder(const NewOrder& n, const OrderContext& ctx, Millis now, const OrderLimits& limits) {
  if (n.compound_code.empty()) return FieldInvalid("compound_code", "is required");
  if (n.building_code.empty()) return FieldInvalid("building_code", "is required");
  if (!Under(n.building_code, n.compound_code)) {
    return FieldInvalid("building_code", "building " + n.building_code + " is not in compound " + n.compound_code);
  }
  if (n.kind == OrderKind::kResident) {
    if (n.household_code.empty()) return FieldInvalid("household_code", "is required for a resident order");
    if (!Under(n.household_code, n.building_code)) {
      return FieldInvalid("household_code", "household " + n.household_code + " is not in building " + n.building_code);
    }
    if (n.households != 1) return FieldInvalid("households", "is 1 for a resident order");
  } else {
    if (!n.household_code.empty()) return FieldInvalid("household_code", "is not given for a group order");
    if (n.households < 2) return FieldInvalid("households", "a group order feeds at least 2 households");
  }
  if (n.items.empty()) return FieldInvalid("items", "an order needs at least one item");
  if (static_cast<int64_t>(n.items.size()) > limits.max_items) {
    return FieldInvalid("items", "at most " + std::to_string(limits.max_items) + " item lines per order");
  }
  const int64_t max_q = limits.max_quantity * n.households;
  std::set<std::string> seen;
  for (size_t i = 0; i < n.items.size(); ++i) {
    const OrderItem& it = n.items[i];
    const std::string field = "items[" + std::to_string(i) + "]";
    if (it.item.empty()) return FieldInvalid(field + ".item", "is required");
    if (!seen.insert(it.item).second) return FieldInvalid(field + ".item", it.item + " is ordered twice");
    if (it.quantity < 1) {
      return FieldInvalid(field + ".quantity", "must be at least 1 (" + std::to_string(it.quantity) + " given)");
    }
    if (it.quantity > max_q) {
      return FieldInvalid(field + ".quantity",
                          "must be at most " + std::to_string(max_q) + " (" + std::to_string(it.quantity) + " given)");
    }
  }
  if (!ctx.compound_closed) {
    return Conflict("compound " + n.compound_code + " is not closed; supplies are delivered only to closed compounds");
  }
  if (ctx.point.id <= 0) return FieldInvalid("point", "no delivery point serves compound " + n.compound_code);
  if (ctx.point_orders_today >= ctx.point.capacity_per_day) {
    return Conflict("delivery point " + std::to_string(ctx.point.id) +
                    " is full today: " + std::to_string(ctx.point_orders_today) + " of " +
                    std::to_string(ctx.point.capacity_per_day) + " orders");
  }
  Order o;
  o.kind = n.kind;
  o.compound_code = n.compound_code;
  o.building_code = n.building_code;
  o.household_code = n.household_code;
  o.contact = n.contact;
  o.households = n.households;
  o.items = n.items;
  o.point_id = ctx.point.id;
  o.placed_at = now;
  return o;
}

Status Apply(Order& o, const OrderAction& a, Millis now) {
  Order n = o;
  switch (a.kind) {
    case OrderActionKind::kAccept:
      if (o.state != OrderState::kPlaced) return NotAfter(o, a.kind, "placed");
      n.state = OrderState::kAccepted;
      n.accepted_at = now;
      break;
    case OrderActionKind::kPack:
      if (o.state != OrderState::kAccepted) return NotAfter(o, a.kind, "accepted");
      n.state = OrderState::kPacked;
      n.packed_at = now;
      break;
    case OrderActionKind::kDispatch:
      if (o.state != OrderState::kPacked) return NotAfter(o, a.kind, "packed");
      if (a.deliverer.empty()) return FieldInvalid("deliverer", "is required to send an order out");
      n.state = OrderState::kOutForDelivery;
      n.deliverer = a.deliverer;
      n.out_at = now;
      break;
    case OrderActionKind::kDeliver:
      if (o.state != OrderState::kOutForDelivery) return NotAfter(o, a.kind, "out_for_delivery");
      if (a.drop_point.empty())
        return FieldInvalid("drop_point", "is required: where the order was left (contactless)");
      if (a.photo.empty()) return FieldInvalid("photo", "is required: the photo of the order left (contactless)");
      n.state = OrderState::kDelivered;
      n.drop_point = a.drop_point;
      n.photo = a.photo;
      n.delivered_at = now;
      break;
    case OrderActionKind::kFail:
      if (o.state == OrderState::kPlaced || !IsOpen(o.state)) {
        return NotAfter(o, a.kind, "accepted, packed or out_for_delivery");
      }
      if (a.reason.empty()) return FieldInvalid("reason", "is required to fail an order");
      n.state = OrderState::kFailed;
      n.reason = a.reason;
      n.failed_at = now;
      break;
  }
  o = std::move(n);
  return Status::Ok();
}

std::vector<ItemAmount> OpenDemand(const std::vector<Order>& orders) {
  std::map<std::pair<int64_t, std::string>, int64_t> sum;
  for (const Order& o : orders) {
    if (o.state != OrderState::kPlaced && o.state != OrderState::kAccepted) continue;
    for (const OrderItem& it : o.items) sum[{o.point_id, it.item}] += it.quantity;
  }
  std::vector<ItemAmount> out;
  for (const auto& [key, q] : sum) out.push_back({key.first, key.second, q});
  return out;
}

std::vector<ShortageFlag> Shortages(const std::vector<ItemAmount>& demand, const std::vector<ItemAmount>& stock,
                                    const ShortageRules& rules) {
  struct Pair {
    int64_t demand = 0, stock = 0;
  };
  std::map<std::pair<int64_t, std::string>, Pair> at;
  std::map<std::string, Pair> city;
  for (const ItemAmount& d : demand) {
    at[{d.point_id, d.item}].demand += d.quantity;
    city[d.item].demand += d.quantity;
  }
  for (const ItemAmount& s : stock) {
    at[{s.point_id, s.item}].stock += s.quantity;
    city[s.item].stock += s.quantity;
  }
  const auto short_of = [&](const Pair& p, double ratio) {
    return static_cast<double>(p.demand) > ratio * static_cast<double>(p.stock) &&
           p.demand - p.stock >= rules.min_shortfall;
  };
  std::vector<ShortageFlag> out;
  for (const auto& [item, p] : city) {
    if (short_of(p, rules.city_ratio)) out.push_back({0, item, p.demand, p.stock, p.demand - p.stock});
  }
  for (const auto& [key, p] : at) {
    if (short_of(p, rules.point_ratio)) out.push_back({key.first, key.second, p.demand, p.stock, p.demand - p.stock});
  }
  return out;
}

}  // namespace tc::livelihood
