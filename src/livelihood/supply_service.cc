#include "livelihood/supply_service.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "registry/lookup.h"

namespace tc::livelihood {

namespace {

constexpr const char* kPointColumns =
    "id, kind, name, capacity_per_day, area_code, area_path, address, active, created_at";
constexpr const char* kOrderColumns =
    "o.id, o.kind, o.compound_code, o.compound_path, o.building_code, o.household_code, o.households, o.contact, "
    "o.items, o.point_id, o.day, o.state, o.placed_at, o.accepted_at, o.packed_at, o.out_at, o.delivered_at, "
    "o.failed_at, o.deliverer, o.drop_point, o.photo, o.reason, o.created_by, p.name";
constexpr const char* kClosureColumns = "area_code, source, area_path, name, closed, reason, by_name, since";

bool Whole(std::string_view under) { return under.empty() || under == "/"; }
bool Covers(std::string_view under, std::string_view path) { return Whole(under) || path.starts_with(under); }

// "/a/b/c/" → "/a/", "/a/b/", "/a/b/c/": the path and every area above it.
std::vector<std::string> SelfAndAncestors(std::string_view path) {
  std::vector<std::string> out;
  for (size_t i = 1; i < path.size(); ++i) {
    if (path[i] == '/') out.emplace_back(path.substr(0, i + 1));
  }
  return out;
}

// `col >= under AND col < end` unless the scope is the whole city.
void AddScope(std::string& where, store::Params& params, std::string_view col, std::string_view under) {
  if (Whole(under)) return;
  where += " AND " + std::string(col) + " >= ? AND " + std::string(col) + " < ?";
  params.emplace_back(std::string(under));
  params.emplace_back(store::PrefixEnd(under));
}

std::string InList(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s + ")";
}

Closure ClosureFromRow(const store::Row& r) {
  return {.area_code = r.Text(0), .area_path = r.Text(2), .name = r.Text(3), .source = r.Text(1),
          .reason = r.Text(5), .by = r.Text(6), .closed = r.Int(4) != 0, .since = r.Int(7)};
}

std::string ItemsJson(const std::vector<OrderItem>& items) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& it : items) a.push_back({{"item", it.item}, {"quantity", it.quantity}});
  return a.dump();
}

std::vector<OrderItem> ItemsFromJson(const std::string& text) {
  std::vector<OrderItem> out;
  auto a = nlohmann::json::parse(text, nullptr, false);
  if (!a.is_array()) return out;
  for (const auto& it : a) out.push_back({it.value("item", std::string()), it.value("quantity", int64_t{0})});
  return out;
}

// The closures in force (closed = 1) on any of these paths.
Result<std::vector<Closure>> ClosedOn(store::Conn& c, const std::vector<std::string>& paths) {
  std::vector<Closure> out;
  if (paths.empty()) return out;
  store::Params params(paths.begin(), paths.end());
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kClosureColumns +
                                             " FROM supply_closures WHERE closed = 1 AND area_path IN " +
                                             InList(paths.size()) + " ORDER BY area_path, source",
                                         params));
  for (const auto& r : rows.rows) out.push_back(ClosureFromRow(r));
  return out;
}

// Each served area's code → path, every one under the caller's scope (field errors name it).
Result<std::vector<std::pair<std::string, std::string>>> ServedAreas(store::Conn& c,
                                                                     const std::vector<std::string>& codes,
                                                                     std::string_view under) {
  if (codes.empty()) return FieldInvalid("serves", "a point serves at least one compound or community");
  if (codes.size() > 500) return FieldInvalid("serves", "at most 500 areas per point");
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < codes.size(); ++i) {
    const std::string field = "serves[" + std::to_string(i) + "]";
    auto path = registry::AreaPath(c, codes[i]);
    if (!path.ok() || !Covers(under, *path)) return FieldInvalid(field, "area " + codes[i] + " does not exist");
    if (!seen.insert(codes[i]).second) return FieldInvalid(field, codes[i] + " is named twice");
    out.emplace_back(codes[i], *path);
  }
  return out;
}

Status ReplaceServed(store::Conn& c, int64_t point_id, const std::vector<std::pair<std::string, std::string>>& areas) {
  TC_RETURN_IF_ERROR(c.Exec("DELETE FROM delivery_point_areas WHERE point_id = ?", {point_id}).status());
  for (const auto& [code, path] : areas) {
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO delivery_point_areas (point_id, area_code, area_path) VALUES (?, ?, ?)",
                              {point_id, code, path})
                           .status());
  }
  return Status::Ok();
}

Status CheckPointFields(const std::string& name, int64_t capacity) {
  if (name.empty()) return FieldInvalid("name", "is required");
  if (name.size() > 200) return FieldInvalid("name", "is longer than 200 bytes");
  if (capacity < 1 || capacity > 1'000'000) {
    return FieldInvalid("capacity_per_day", "must be 1–1,000,000 orders a day (" + std::to_string(capacity) + " given)");
  }
  return Status::Ok();
}

}  // namespace

// ---- Closures ----

Status SupplyService::OnEvent(const events::Event& e) {
  if (e.type != "RiskAreaChanged") return Status::Ok();
  auto j = nlohmann::json::parse(e.payload, nullptr, false);
  if (!j.is_object()) return Status::Ok();
  const std::string code = j.value("area_code", std::string());
  const std::string path = j.value("area_path", std::string());
  if (code.empty() || path.empty()) return Status::Ok();
  const bool closed = j.value("level", std::string()) == "high";
  return store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto had, c.Query("SELECT closed, event_seq FROM supply_closures WHERE area_code = ? AND "
                                          "source = 'risk'",
                                          {code}));
    if (!had.empty() && had[0].Int(1) >= e.seq) return Status::Ok();  // applied already: a redelivery
    const bool was_closed = !had.empty() && had[0].Int(0) != 0;
    const std::string reason = j.value("reason", std::string());
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO supply_closures (area_code, source, area_path, name, closed, reason, "
                              "by_name, since, event_seq) VALUES (?, 'risk', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                              "(area_code, source) DO UPDATE SET area_path = excluded.area_path, name = excluded.name, "
                              "closed = excluded.closed, reason = excluded.reason, by_name = excluded.by_name, "
                              "since = excluded.since, event_seq = excluded.event_seq",
                              {code, path, j.value("name", std::string()), int64_t{closed}, reason,
                               "risk level " + j.value("level", std::string()), e.at, e.seq})
                           .status());
    if (was_closed == closed) return Status::Ok();
    return audit::Append(c, {.actor = "system", .action = closed ? "supplies.close" : "supplies.open",
                             .target = "area:" + code, .area_path = path,
                             .detail = nlohmann::json{{"source", "risk"}, {"level", j.value("level", "")},
                                                      {"event_seq", e.seq}}
                                           .dump(),
                             .request_id = ""},
                         e.at);
  });
}

Result<Closure> SupplyService::SetOrderClosure(std::string_view area_code, bool close, std::string_view reason,
                                               std::string_view under_path, const audit::Actor& by) {
  if (reason.empty()) return FieldInvalid("reason", "is required to " + std::string(close ? "close" : "open") + " an area");
  if (reason.size() > 2000) return FieldInvalid("reason", "is longer than 2000 bytes");
  const Millis now = clock_.Now();
  const std::string code(area_code);
  Closure out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    auto path = registry::AreaPath(c, code);
    if (!path.ok() || !Covers(under_path, *path)) return NoSuch("area '" + code + "'");
    TC_ASSIGN_OR_RETURN(auto had, c.Query("SELECT closed FROM supply_closures WHERE area_code = ? AND source = 'order'",
                                          {code}));
    const bool was_closed = !had.empty() && had[0].Int(0) != 0;
    if (close && was_closed) return Conflict("area " + code + " is already closed by order");
    if (!close && !was_closed) return Conflict("area " + code + " is not closed by order; nothing to open");
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO supply_closures (area_code, source, area_path, name, closed, reason, "
                              "by_name, since, event_seq) VALUES (?, 'order', ?, '', ?, ?, ?, ?, 0) ON CONFLICT "
                              "(area_code, source) DO UPDATE SET closed = excluded.closed, reason = excluded.reason, "
                              "by_name = excluded.by_name, since = excluded.since",
                              {code, *path, int64_t{close}, std::string(reason), by.name, now})
                           .status());
    out = {.area_code = code, .area_path = *path, .source = "order", .reason = std::string(reason), .by = by.name,
           .closed = close, .since = now};
    return audit::Append(c, {.actor = by.name, .action = close ? "supplies.close" : "supplies.open",
                             .target = "area:" + code, .area_path = *path,
                             .detail = nlohmann::json{{"source", "order"}, {"reason", reason}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return out;
}

Result<Closure> SupplyService::Close(std::string_view area_code, std::string_view reason, std::string_view under_path,
                                     const audit::Actor& by) {
  return SetOrderClosure(area_code, true, reason, under_path, by);
}

Result<Closure> SupplyService::Open(std::string_view area_code, std::string_view reason, std::string_view under_path,
                                    const audit::Actor& by) {
  return SetOrderClosure(area_code, false, reason, under_path, by);
}

Result<std::vector<Closure>> SupplyService::Closures(std::string_view under_path) const {
  std::vector<Closure> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    std::string where = "WHERE closed = 1";
    store::Params params;
    AddScope(where, params, "area_path", under_path);
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kClosureColumns + " FROM supply_closures " + where +
                                               " ORDER BY area_path, source",
                                           params));
    for (const auto& r : rows.rows) out.push_back(ClosureFromRow(r));
    if (Whole(under_path)) return Status::Ok();
    // Closures above the caller's node cover it too.
    auto above = SelfAndAncestors(under_path);
    above.pop_back();
    TC_ASSIGN_OR_RETURN(auto covering, ClosedOn(c, above));
    out.insert(out.begin(), covering.begin(), covering.end());
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Closure>> SupplyService::ClosuresOf(std::string_view area_code,
                                                       std::string_view under_path) const {
  std::vector<Closure> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    auto path = registry::AreaPath(c, area_code);
    if (!path.ok() || !Covers(under_path, *path)) return NoSuch("area '" + std::string(area_code) + "'");
    TC_ASSIGN_OR_RETURN(out, ClosedOn(c, SelfAndAncestors(*path)));
    return Status::Ok();
  }));
  return out;
}

// ---- Points ----

Result<std::vector<PointRecord>> SupplyService::LoadPoints(store::Conn& c, std::string_view where,
                                                           const store::Params& p) const {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kPointColumns + " FROM delivery_points " +
                                             std::string(where),
                                         p));
  std::vector<PointRecord> out;
  std::map<int64_t, size_t> at;
  std::vector<int64_t> ids;
  for (const auto& r : rows.rows) {
    PointRecord x;
    x.point.id = r.Int(0);
    ParsePointKind(r.Text(1), &x.point.kind);
    x.point.name = r.Text(2);
    x.point.capacity_per_day = r.Int(3);
    x.area_code = r.Text(4);
    x.area_path = r.Text(5);
    x.address = r.Text(6);
    x.active = r.Int(7) != 0;
    x.created_at = r.Int(8);
    at[x.point.id] = out.size();
    ids.push_back(x.point.id);
    out.push_back(std::move(x));
  }
  TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT point_id, area_code FROM delivery_point_areas WHERE point_id IN ",
                                    " ORDER BY point_id, area_code", std::span<const int64_t>(ids),
                                    [&](const store::Row& r) { out[at[r.Int(0)]].serves.push_back(r.Text(1)); }));
  TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT point_id, item, quantity FROM supply_stock WHERE point_id IN ",
                                    " ORDER BY point_id, item", std::span<const int64_t>(ids), [&](const store::Row& r) {
                                      out[at[r.Int(0)]].stock.push_back({r.Int(0), r.Text(1), r.Int(2)});
                                    }));
  return out;
}

Result<PointRecord> SupplyService::CreatePoint(const NewPoint& n, std::string_view under_path, const audit::Actor& by) {
  TC_RETURN_IF_ERROR(CheckPointFields(n.name, n.capacity_per_day));
  if (n.address.size() > 400) return FieldInvalid("address", "is longer than 400 bytes");
  const Millis now = clock_.Now();
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    auto path = registry::AreaPath(c, n.area_code);
    if (!path.ok() || !Covers(under_path, *path)) return FieldInvalid("area_code", "area " + n.area_code + " does not exist");
    TC_ASSIGN_OR_RETURN(auto served, ServedAreas(c, n.serves, under_path));
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO delivery_points (kind, name, capacity_per_day, area_code, "
                                           "area_path, address, active, created_by, created_at, updated_at) VALUES "
                                           "(?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id",
                                           {std::string(PointKindName(n.kind)), n.name, n.capacity_per_day, n.area_code,
                                            *path, n.address, by.name, now, now}));
    id = rows[0].Int(0);
    TC_RETURN_IF_ERROR(ReplaceServed(c, id, served));
    return audit::Append(c, {.actor = by.name, .action = "supplies.point.create",
                             .target = "delivery_point:" + std::to_string(id), .area_path = *path,
                             .detail = nlohmann::json{{"name", n.name}, {"kind", PointKindName(n.kind)},
                                                      {"capacity_per_day", n.capacity_per_day}, {"serves", n.serves}}
                                           .dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return GetPoint(id, under_path);
}

Result<PointRecord> SupplyService::UpdatePoint(int64_t id, const PointChange& ch, std::string_view under_path,
                                               const audit::Actor& by) {
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto got, LoadPoints(c, "WHERE id = ?", {id}));
    if (got.empty() || !Covers(under_path, got[0].area_path)) return NoSuch("delivery point " + std::to_string(id));
    PointRecord p = got[0];
    if (ch.name) p.point.name = *ch.name;
    if (ch.capacity_per_day) p.point.capacity_per_day = *ch.capacity_per_day;
    if (ch.address) p.address = *ch.address;
    if (ch.active) p.active = *ch.active;
    TC_RETURN_IF_ERROR(CheckPointFields(p.point.name, p.point.capacity_per_day));
    if (p.address.size() > 400) return FieldInvalid("address", "is longer than 400 bytes");
    if (ch.serves) {
      TC_ASSIGN_OR_RETURN(auto served, ServedAreas(c, *ch.serves, under_path));
      TC_RETURN_IF_ERROR(ReplaceServed(c, id, served));
    }
    TC_RETURN_IF_ERROR(c.Exec("UPDATE delivery_points SET name = ?, capacity_per_day = ?, address = ?, active = ?, "
                              "updated_at = ? WHERE id = ?",
                              {p.point.name, p.point.capacity_per_day, p.address, int64_t{p.active}, now, id})
                           .status());
    nlohmann::json detail = {{"name", p.point.name}, {"capacity_per_day", p.point.capacity_per_day},
                             {"active", p.active}};
    if (ch.serves) detail["serves"] = *ch.serves;
    return audit::Append(c, {.actor = by.name, .action = "supplies.point.update",
                             .target = "delivery_point:" + std::to_string(id), .area_path = p.area_path,
                             .detail = detail.dump(), .request_id = by.request_id},
                         now);
  }));
  return GetPoint(id, under_path);
}

Result<PointRecord> SupplyService::GetPoint(int64_t id, std::string_view under_path) const {
  std::vector<PointRecord> got;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(got, LoadPoints(c, "WHERE id = ?", {id}));
    return Status::Ok();
  }));
  if (got.empty() || !Covers(under_path, got[0].area_path)) return NoSuch("delivery point " + std::to_string(id));
  return got[0];
}

Result<std::vector<PointRecord>> SupplyService::ListPoints(std::string_view under_path) const {
  std::string where = "WHERE 1 = 1";
  store::Params params;
  AddScope(where, params, "area_path", under_path);
  where += " ORDER BY id";
  std::vector<PointRecord> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(out, LoadPoints(c, where, params));
    return Status::Ok();
  }));
  return out;
}

Result<PointRecord> SupplyService::SetStock(int64_t id, const std::vector<OrderItem>& items,
                                            std::string_view under_path, const audit::Actor& by) {
  if (items.empty()) return FieldInvalid("items", "name at least one item");
  if (items.size() > 1000) return FieldInvalid("items", "at most 1,000 items at once");
  std::set<std::string> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string field = "items[" + std::to_string(i) + "]";
    if (items[i].item.empty() || items[i].item.size() > 100) return FieldInvalid(field + ".item", "is required (≤ 100 bytes)");
    if (!seen.insert(items[i].item).second) return FieldInvalid(field + ".item", items[i].item + " is named twice");
    if (items[i].quantity < 0 || items[i].quantity > 1'000'000'000) {
      return FieldInvalid(field + ".quantity", "must be 0–1,000,000,000 (" + std::to_string(items[i].quantity) + " given)");
    }
  }
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto got, c.Query("SELECT area_path FROM delivery_points WHERE id = ?", {id}));
    if (got.empty() || !Covers(under_path, got[0].Text(0))) return NoSuch("delivery point " + std::to_string(id));
    nlohmann::json detail = nlohmann::json::object();
    for (const auto& it : items) {
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO supply_stock (point_id, item, quantity, updated_by, updated_at) VALUES "
                                "(?, ?, ?, ?, ?) ON CONFLICT (point_id, item) DO UPDATE SET quantity = "
                                "excluded.quantity, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                                {id, it.item, it.quantity, by.name, now})
                             .status());
      detail[it.item] = it.quantity;
    }
    return audit::Append(c, {.actor = by.name, .action = "supplies.stock", .target = "delivery_point:" + std::to_string(id),
                             .area_path = got[0].Text(0), .detail = detail.dump(), .request_id = by.request_id},
                         now);
  }));
  return GetPoint(id, under_path);
}

// ---- Orders ----

Result<std::vector<OrderRecord>> SupplyService::LoadOrders(store::Conn& c, std::string_view where,
                                                           const store::Params& p) const {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kOrderColumns +
                                             " FROM supply_orders o JOIN delivery_points p ON p.id = o.point_id " +
                                             std::string(where),
                                         p));
  std::vector<OrderRecord> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows) {
    OrderRecord x;
    x.id = r.Int(0);
    Order& o = x.order;
    ParseOrderKind(r.Text(1), &o.kind);
    o.compound_code = r.Text(2);
    x.compound_path = r.Text(3);
    o.building_code = r.Text(4);
    o.household_code = r.Text(5);
    o.households = r.Int(6);
    o.contact = r.Text(7);
    o.items = ItemsFromJson(r.Text(8));
    o.point_id = r.Int(9);
    x.day = r.Text(10);
    ParseOrderState(r.Text(11), &o.state);
    o.placed_at = r.Int(12);
    o.accepted_at = r.Int(13);
    o.packed_at = r.Int(14);
    o.out_at = r.Int(15);
    o.delivered_at = r.Int(16);
    o.failed_at = r.Int(17);
    o.deliverer = r.Text(18);
    o.drop_point = r.Text(19);
    o.photo = r.Text(20);
    o.reason = r.Text(21);
    x.created_by = r.Text(22);
    x.point_name = r.Text(23);
    out.push_back(std::move(x));
  }
  return out;
}

Result<OrderRecord> SupplyService::Place(const OrderRequest& req, std::string_view under_path, const audit::Actor& by) {
  const NewOrder& n = req.order;
  if (n.compound_code.empty()) return FieldInvalid("compound_code", "is required");
  if (n.contact.size() > 200) return FieldInvalid("contact", "is longer than 200 bytes");
  for (size_t i = 0; i < n.items.size(); ++i) {
    if (n.items[i].item.size() > 100) {
      return FieldInvalid("items[" + std::to_string(i) + "].item", "is longer than 100 bytes");
    }
  }
  const Millis now = clock_.Now();
  const std::string day = DateShanghai(now);
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    auto compound = registry::AreaPath(c, n.compound_code);
    if (!compound.ok() || !Covers(under_path, *compound)) return NoSuch("area '" + n.compound_code + "'");
    std::string where_to = *compound;  // the building's path once it is known to lie in the compound
    if (!n.building_code.empty()) {
      auto building = registry::AreaPath(c, n.building_code);
      if (!building.ok()) return FieldInvalid("building_code", "building " + n.building_code + " does not exist");
      if (building->starts_with(*compound)) where_to = *building;
    }
    if (!n.household_code.empty() && !registry::HouseholdAreaPath(c, n.household_code).ok()) {
      return FieldInvalid("household_code", "household " + n.household_code + " does not exist");
    }
    // Closed: the building, its compound or an area above them (a community at high risk).
    const auto above = SelfAndAncestors(where_to);
    TC_ASSIGN_OR_RETURN(auto closures, ClosedOn(c, above));
    // The candidate points: the one named, or every active point serving the compound or
    // an area above it, nearest first. Each is locked (a no-op write takes its row lock on
    // PostgreSQL; SQLite writers are serialised already) so two orders cannot both take
    // a point's last place; locks are taken in id order.
    std::vector<DeliveryPoint> candidates;
    {
      store::Params params(above.begin(), above.end());
      std::string sql =
          "SELECT p.id, p.kind, p.name, p.capacity_per_day, a.area_path FROM delivery_point_areas a JOIN "
          "delivery_points p ON p.id = a.point_id WHERE p.active = 1 AND a.area_path IN " +
          InList(above.size());
      if (req.point_id > 0) {
        sql += " AND p.id = ?";
        params.emplace_back(req.point_id);
      }
      TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql + " ORDER BY p.id", params));
      std::map<int64_t, size_t> depth;  // point → length of the deepest area it serves here
      for (const auto& r : rows.rows) {
        auto [it, fresh] = depth.emplace(r.Int(0), r.Text(4).size());
        if (!fresh) {
          it->second = std::max(it->second, r.Text(4).size());
          continue;
        }
        DeliveryPoint p{.id = r.Int(0), .name = r.Text(2), .capacity_per_day = r.Int(3)};
        ParsePointKind(r.Text(1), &p.kind);
        candidates.push_back(p);
      }
      if (req.point_id > 0 && candidates.empty()) {
        return FieldInvalid("point_id", "delivery point " + std::to_string(req.point_id) +
                                            " is not an active point serving compound " + n.compound_code);
      }
      for (const auto& p : candidates) {
        TC_RETURN_IF_ERROR(c.Exec("UPDATE delivery_points SET updated_at = updated_at WHERE id = ?", {p.id}).status());
      }
      std::stable_sort(candidates.begin(), candidates.end(),
                       [&](const DeliveryPoint& a, const DeliveryPoint& b) { return depth[a.id] > depth[b.id]; });
    }
    OrderContext ctx{.compound_closed = !closures.empty()};
    for (const auto& p : candidates) {
      TC_ASSIGN_OR_RETURN(auto count, c.Query("SELECT COUNT(*) FROM supply_orders WHERE point_id = ? AND day = ? AND "
                                              "state <> 'failed'",
                                              {p.id, day}));
      const int64_t today = count[0].Int(0);
      if (ctx.point.id == 0 || (ctx.point_orders_today >= ctx.point.capacity_per_day && today < p.capacity_per_day)) {
        ctx.point = p;
        ctx.point_orders_today = today;
      }
    }
    TC_ASSIGN_OR_RETURN(Order o, PlaceOrder(n, ctx, now, limits_));  // refuses with the reason; nothing written
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO supply_orders (kind, compound_code, compound_path, building_code, "
                                           "household_code, households, contact, items, point_id, day, state, placed_at, "
                                           "accepted_at, packed_at, out_at, delivered_at, failed_at, deliverer, "
                                           "drop_point, photo, reason, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
                                           "?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, '', '', '', '', ?, ?) RETURNING id",
                                           {std::string(OrderKindName(o.kind)), o.compound_code, *compound,
                                            o.building_code, o.household_code, o.households, o.contact,
                                            ItemsJson(o.items), o.point_id, day, std::string(OrderStateName(o.state)),
                                            now, by.name, now}));
    id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "supplies.order.place", .target = "supply_order:" + std::to_string(id),
                             .area_path = *compound,
                             .detail = nlohmann::json{{"kind", OrderKindName(o.kind)}, {"building", o.building_code},
                                                      {"point_id", o.point_id}, {"households", o.households}}
                                           .dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return Get(id, under_path);
}

Result<OrderRecord> SupplyService::Get(int64_t id, std::string_view under_path) const {
  std::vector<OrderRecord> got;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(got, LoadOrders(c, "WHERE o.id = ?", {id}));
    return Status::Ok();
  }));
  if (got.empty() || !Covers(under_path, got[0].compound_path)) return NoSuch("supply order " + std::to_string(id));
  return got[0];
}

Result<std::vector<OrderRecord>> SupplyService::List(const OrderFilter& f, std::string_view under_path) const {
  std::string where = "WHERE 1 = 1";
  store::Params params;
  AddScope(where, params, "o.compound_path", under_path);
  if (!f.state.empty()) {
    OrderState s;
    if (!ParseOrderState(f.state, &s)) return FieldInvalid("state", "'" + f.state + "' is not an order state");
    where += " AND o.state = ?";
    params.emplace_back(f.state);
  }
  if (!f.building_code.empty()) {
    where += " AND o.building_code = ?";
    params.emplace_back(f.building_code);
  }
  if (!f.deliverer.empty()) {
    where += " AND o.deliverer = ?";
    params.emplace_back(f.deliverer);
  }
  if (!f.day.empty()) {
    where += " AND o.day = ?";
    params.emplace_back(f.day);
  }
  if (f.point_id > 0) {
    where += " AND o.point_id = ?";
    params.emplace_back(f.point_id);
  }
  where += " ORDER BY o.id DESC LIMIT ?";
  params.emplace_back(std::clamp<int64_t>(f.limit, 1, 100'000));
  std::vector<OrderRecord> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(out, LoadOrders(c, where, params));
    return Status::Ok();
  }));
  return out;
}

Result<OrderRecord> SupplyService::Act(int64_t id, const OrderAction& a, std::string_view under_path,
                                       const audit::Actor& by) {
  if (a.deliverer.size() > 200) return FieldInvalid("deliverer", "is longer than 200 bytes");
  if (a.drop_point.size() > 400) return FieldInvalid("drop_point", "is longer than 400 bytes");
  if (a.photo.size() > 400) return FieldInvalid("photo", "is longer than 400 bytes");
  if (a.reason.size() > 2000) return FieldInvalid("reason", "is longer than 2000 bytes");
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto got, LoadOrders(c, "WHERE o.id = ?", {id}));
    if (got.empty() || !Covers(under_path, got[0].compound_path)) return NoSuch("supply order " + std::to_string(id));
    Order o = got[0].order;
    const std::string from(OrderStateName(o.state));
    TC_RETURN_IF_ERROR(livelihood::Apply(o, a, now));  // refuses with the reason; nothing written
    const std::string to(OrderStateName(o.state));
    if (a.kind == OrderActionKind::kPack) {
      // The items leave the point's stock; a shortfall refuses the whole pack.
      for (const OrderItem& it : o.items) {
        TC_ASSIGN_OR_RETURN(auto upd, c.Exec("UPDATE supply_stock SET quantity = quantity - ?, updated_by = ?, "
                                             "updated_at = ? WHERE point_id = ? AND item = ? AND quantity >= ?",
                                             {it.quantity, by.name, now, o.point_id, it.item, it.quantity}));
        if (upd.affected != 1) {
          TC_ASSIGN_OR_RETURN(auto have, c.Query("SELECT quantity FROM supply_stock WHERE point_id = ? AND item = ?",
                                                 {o.point_id, it.item}));
          return Conflict("delivery point " + std::to_string(o.point_id) + " has " +
                          std::to_string(have.empty() ? 0 : have[0].Int(0)) + " of " + it.item + "; order " +
                          std::to_string(id) + " needs " + std::to_string(it.quantity));
        }
      }
    }
    // Only the row whose state is still the one read moves (a concurrent step loses).
    TC_ASSIGN_OR_RETURN(auto upd, c.Exec("UPDATE supply_orders SET state = ?, accepted_at = ?, packed_at = ?, out_at = ?, "
                                         "delivered_at = ?, failed_at = ?, deliverer = ?, drop_point = ?, photo = ?, "
                                         "reason = ?, updated_at = ? WHERE id = ? AND state = ?",
                                         {to, o.accepted_at, o.packed_at, o.out_at, o.delivered_at, o.failed_at,
                                          o.deliverer, o.drop_point, o.photo, o.reason, now, id, from}));
    if (upd.affected != 1) return Conflict("supply order " + std::to_string(id) + " changed meanwhile");
    nlohmann::json detail = {{"from", from}, {"to", to}};
    if (!a.deliverer.empty()) detail["deliverer"] = a.deliverer;
    if (!a.drop_point.empty()) detail["drop_point"] = a.drop_point;
    if (!a.photo.empty()) detail["photo"] = a.photo;
    if (!a.reason.empty()) detail["reason"] = a.reason;
    return audit::Append(c, {.actor = by.name, .action = "supplies.order." + std::string(OrderActionName(a.kind)),
                             .target = "supply_order:" + std::to_string(id), .area_path = got[0].compound_path,
                             .detail = detail.dump(), .request_id = by.request_id},
                         now);
  }));
  return Get(id, under_path);
}

// ---- The command centre's view ----

Result<std::vector<PointShortage>> SupplyService::Shortages(std::string_view under_path) const {
  std::vector<Order> open;
  std::vector<ItemAmount> stock;
  std::map<int64_t, std::string> names;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    std::string where = "WHERE active = 1";
    store::Params params;
    AddScope(where, params, "area_path", under_path);
    TC_ASSIGN_OR_RETURN(auto points, c.Query("SELECT id, name FROM delivery_points " + where, params));
    std::vector<int64_t> ids;
    for (const auto& r : points.rows) {
      ids.push_back(r.Int(0));
      names[r.Int(0)] = r.Text(1);
    }
    TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT point_id, items, state FROM supply_orders WHERE state IN ('placed', "
                                         "'accepted') AND point_id IN ",
                                      "", std::span<const int64_t>(ids), [&](const store::Row& r) {
                                        Order o;
                                        o.point_id = r.Int(0);
                                        o.items = ItemsFromJson(r.Text(1));
                                        ParseOrderState(r.Text(2), &o.state);
                                        open.push_back(std::move(o));
                                      }));
    return store::QueryIn(c, "SELECT point_id, item, quantity FROM supply_stock WHERE point_id IN ", "",
                          std::span<const int64_t>(ids),
                          [&](const store::Row& r) { stock.push_back({r.Int(0), r.Text(1), r.Int(2)}); });
  }));
  std::vector<PointShortage> out;
  for (const ShortageFlag& f : livelihood::Shortages(OpenDemand(open), stock, rules_)) {
    out.push_back({f, f.point_id ? names[f.point_id] : std::string()});
  }
  return out;
}

Result<std::vector<PointDayTotals>> SupplyService::Totals(std::string_view day, std::string_view under_path) const {
  int y = 0, m = 0, d = 0;
  if (day.size() != 10 || std::sscanf(std::string(day).c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3 ||
      !DaysFromCivil(y, m, d).ok()) {
    return FieldInvalid("day", "'" + std::string(day) + "' is not a date YYYY-MM-DD");
  }
  std::map<int64_t, PointDayTotals> by_point;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    std::string where = "WHERE o.day = ?";
    store::Params params{std::string(day)};
    AddScope(where, params, "o.compound_path", under_path);
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT o.point_id, p.name, p.kind, p.capacity_per_day, o.state, COUNT(*), "
                                           "SUM(o.households) FROM supply_orders o JOIN delivery_points p ON p.id = "
                                           "o.point_id " +
                                               where + " GROUP BY o.point_id, p.name, p.kind, p.capacity_per_day, o.state",
                                           params));
    for (const auto& r : rows.rows) {
      PointDayTotals& t = by_point[r.Int(0)];
      t.point_id = r.Int(0);
      t.point_name = r.Text(1);
      ParsePointKind(r.Text(2), &t.kind);
      t.capacity_per_day = r.Int(3);
      OrderState s = OrderState::kPlaced;
      ParseOrderState(r.Text(4), &s);
      const int64_t n = r.Int(5);
      t.placed += n;
      if (s == OrderState::kDelivered) {
        t.delivered += n;
        t.households += r.Int(6);
      } else if (s == OrderState::kFailed) {
        t.failed += n;
      } else {
        t.open += n;
      }
    }
    return Status::Ok();
  }));
  std::vector<PointDayTotals> out;
  for (auto& [id, t] : by_point) out.push_back(std::move(t));
  return out;
}

}  // namespace tc::livelihood
