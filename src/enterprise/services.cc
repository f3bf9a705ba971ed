// Services to enterprises: material needs matched to offers, liaison officers (驻企专员)
// with visits and open items, and appeals through the hotline with the five fasts.
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "enterprise/enterprises.h"
#include "enterprise/internal/shared.h"
#include "hotline/hotline.h"

namespace tc::enterprise {

namespace {

bool KnownNeedKind(std::string_view k) {
  return std::any_of(std::begin(kNeedKinds), std::end(kNeedKinds), [&](const char* x) { return k == x; });
}

Status CheckGoods(std::string_view kind, std::string_view item, double quantity, std::string_view unit,
                  std::string_view record) {
  Status bad = InvalidArgument(std::string(record) + " is invalid");
  if (!KnownNeedKind(kind)) {
    bad.AddFieldError("kind", "'" + std::string(kind) +
                                  "' is not masks, disinfectant, test_kits, raw_materials, logistics_pass or other");
  }
  if (item.empty() || item.size() > 200) bad.AddFieldError("item", "is required (at most 200 bytes)");
  if (!std::isfinite(quantity) || quantity <= 0 || quantity > 1e12) bad.AddFieldError("quantity", "must be a positive number");
  if (unit.size() > 40) bad.AddFieldError("unit", "is longer than 40 bytes");
  return bad.field_errors().empty() ? Status::Ok() : bad;
}

Need NeedFromRow(const store::Row& r) {
  Need n;
  n.id = r.Int(0), n.enterprise_id = r.Int(1), n.kind = r.Text(2), n.item = r.Text(3), n.quantity = r.Double(4);
  n.unit = r.Text(5), n.matched = r.Double(6), n.status = r.Text(7), n.needed_by = r.Text(8), n.created_at = r.Int(9);
  n.enterprise_name = r.Text(10);
  return n;
}
constexpr const char* kNeedSelect =
    "SELECT n.id, n.enterprise_id, n.kind, n.item, n.quantity, n.unit, n.matched, n.status, n.needed_by, n.created_at, "
    "e.name FROM enterprise_needs n JOIN enterprises e ON e.id = n.enterprise_id";

Offer OfferFromRow(const store::Row& r) {
  Offer o;
  o.id = r.Int(0), o.supplier = r.Text(1), o.enterprise_id = r.Int(2), o.kind = r.Text(3), o.item = r.Text(4);
  o.quantity = r.Double(5), o.remaining = r.Double(6), o.unit = r.Text(7), o.contact = r.Text(8), o.created_at = r.Int(9);
  return o;
}

Allocation AllocationFromRow(const store::Row& r) {
  return Allocation{r.Int(0), r.Int(1), r.Int(2), r.Double(3), r.Text(4), r.Int(5), r.Int(6)};
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  const size_t i = size_t(std::ceil(p * double(v.size()))) - (p > 0 ? 1 : 0);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

// Adds the scope's condition on the enterprise alias `e` to sql/params.
void ScopeSql(const Scope& scope, std::string& sql, store::Params& params) {
  if (scope.enterprise_id > 0) {
    sql += " AND e.id = ?";
    params.emplace_back(scope.enterprise_id);
  }
  if (!scope.under_path.empty() && scope.under_path != "/") {
    sql += " AND e.area_path >= ? AND e.area_path < ?";
    params.emplace_back(scope.under_path);
    params.emplace_back(store::PrefixEnd(scope.under_path));
  }
}

// ---- Material needs ----

Result<Need> Enterprises::DeclareNeed(int64_t enterprise_id, const Need& in, const Scope& scope, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(enterprise_id, scope));
  TC_RETURN_IF_ERROR(CheckGoods(in.kind, in.item, in.quantity, in.unit, "need of enterprise " + std::to_string(enterprise_id)));
  if (!in.needed_by.empty()) TC_RETURN_IF_ERROR(ValidDay(in.needed_by, "needed_by"));
  const Millis now = clock_.Now();
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO enterprise_needs (enterprise_id, kind, item, quantity, unit, matched, "
                                           "status, needed_by, created_by, created_at, updated_at) VALUES "
                                           "(?, ?, ?, ?, ?, 0, 'open', ?, ?, ?, ?) RETURNING id",
                                           {enterprise_id, in.kind, in.item, in.quantity, in.unit, in.needed_by, by.name,
                                            now, now}));
    id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "enterprise.need", .target = "enterprise:" + std::to_string(enterprise_id),
                             .area_path = path,
                             .detail = nlohmann::json{{"need", id}, {"kind", in.kind}, {"quantity", in.quantity}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  TC_ASSIGN_OR_RETURN(auto rows, store_.ReadAll<Need>(std::string(kNeedSelect) + " WHERE n.id = ?", {id}, NeedFromRow));
  return rows.at(0);
}

Result<Offer> Enterprises::AddOffer(const Offer& in, const audit::Actor& by) {
  TC_RETURN_IF_ERROR(CheckGoods(in.kind, in.item, in.quantity, in.unit, "offer of '" + in.supplier + "'"));
  if (in.supplier.empty() || in.supplier.size() > 200) return FieldInvalid("supplier", "is required (at most 200 bytes)");
  if (in.enterprise_id != 0) TC_RETURN_IF_ERROR(PathInScope(in.enterprise_id, Scope{}).status());
  const Millis now = clock_.Now();
  Offer out = in;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO enterprise_offers (supplier, enterprise_id, kind, item, quantity, "
                                           "remaining, unit, contact, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                                           "?, ?) RETURNING id",
                                           {in.supplier, in.enterprise_id, in.kind, in.item, in.quantity, in.quantity,
                                            in.unit, in.contact, by.name, now}));
    out.id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "enterprise.offer", .target = "offer:" + std::to_string(out.id),
                             .area_path = "/", .detail = nlohmann::json{{"kind", in.kind}, {"quantity", in.quantity}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  out.remaining = in.quantity;
  out.created_at = now;
  return out;
}

Result<std::vector<Need>> Enterprises::Needs(const Scope& scope, std::string_view status) const {
  std::string sql = std::string(kNeedSelect) + " WHERE 1 = 1";
  store::Params params;
  ScopeSql(scope, sql, params);
  if (!status.empty()) {
    sql += " AND n.status = ?";
    params.emplace_back(std::string(status));
  }
  sql += " ORDER BY n.id DESC LIMIT 1000";
  return store_.ReadAll<Need>(sql, params, NeedFromRow);
}

Result<std::vector<Offer>> Enterprises::Offers(std::string_view kind) const {
  std::string sql = "SELECT id, supplier, enterprise_id, kind, item, quantity, remaining, unit, contact, created_at "
                    "FROM enterprise_offers";
  store::Params params;
  if (!kind.empty()) {
    sql += " WHERE kind = ?";
    params.emplace_back(std::string(kind));
  }
  sql += " ORDER BY id DESC LIMIT 1000";
  return store_.ReadAll<Offer>(sql, params, OfferFromRow);
}

Result<std::vector<Allocation>> Enterprises::MatchNeeds(const audit::Actor& by) {
  const Millis now = clock_.Now();
  std::vector<Allocation> made;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto needs, c.Query("SELECT id, kind, item, quantity - matched FROM enterprise_needs WHERE status = "
                                            "'open' ORDER BY id"));
    TC_ASSIGN_OR_RETURN(auto offers, c.Query("SELECT id, kind, item, remaining FROM enterprise_offers WHERE remaining > 0 "
                                             "ORDER BY id"));
    struct Stock {
      int64_t id;
      std::string kind, item;
      double left;
    };
    std::vector<Stock> stock;
    for (const auto& r : offers.rows) stock.push_back({r.Int(0), r.Text(1), r.Text(2), r.Double(3)});
    for (const auto& n : needs.rows) {
      double want = n.Double(3);
      // An offer of the same item first, then any of the same kind.
      for (int pass = 0; pass < 2 && want > 1e-9; ++pass) {
        for (auto& s : stock) {
          if (want <= 1e-9) break;
          if (s.left <= 1e-9 || s.kind != n.Text(1) || (pass == 0 && s.item != n.Text(2))) continue;
          const double q = std::min(want, s.left);
          s.left -= q;
          want -= q;
          TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO enterprise_allocations (need_id, offer_id, quantity, status, "
                                                 "matched_at, fulfilled_at) VALUES (?, ?, ?, 'matched', ?, 0) RETURNING id",
                                                 {n.Int(0), s.id, q, now}));
          made.push_back({rows[0].Int(0), n.Int(0), s.id, q, "matched", now, 0});
          TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprise_offers SET remaining = remaining - ? WHERE id = ?", {q, s.id}).status());
          TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprise_needs SET matched = matched + ?, status = CASE WHEN quantity - "
                                    "matched - ? <= 0.000001 THEN 'matched' ELSE status END, updated_at = ? WHERE id = ?",
                                    {q, q, now, n.Int(0)})
                                 .status());
        }
      }
    }
    return audit::Append(c, {.actor = by.name, .action = "enterprise.match_needs", .target = "needs", .area_path = "/",
                             .detail = nlohmann::json{{"allocations", made.size()}}.dump(), .request_id = by.request_id},
                         now);
  }));
  return made;
}

Result<Allocation> Enterprises::Fulfil(int64_t allocation_id, const Scope& scope, const audit::Actor& by) {
  using WithEnterprise = std::pair<Allocation, int64_t>;
  TC_ASSIGN_OR_RETURN(auto rows, store_.ReadAll<WithEnterprise>(
                                     "SELECT a.id, a.need_id, a.offer_id, a.quantity, a.status, a.matched_at, "
                                     "a.fulfilled_at, n.enterprise_id FROM enterprise_allocations a JOIN enterprise_needs "
                                     "n ON n.id = a.need_id WHERE a.id = ?",
                                     {allocation_id}, [](const store::Row& r) {
                                       return WithEnterprise{AllocationFromRow(r), r.Int(7)};
                                     }));
  if (rows.empty()) return NoSuch("allocation " + std::to_string(allocation_id));
  Allocation a = rows[0].first;
  const int64_t enterprise_id = rows[0].second;
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(enterprise_id, scope));
  if (a.status == "fulfilled") return Conflict("allocation " + std::to_string(allocation_id) + " is already fulfilled");
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprise_allocations SET status = 'fulfilled', fulfilled_at = ? WHERE id = ?",
                              {now, allocation_id})
                           .status());
    // The need is fulfilled when all of it was matched and every allocation delivered.
    TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprise_needs SET status = 'fulfilled', updated_at = ? WHERE id = ? AND "
                              "quantity - matched <= 0.000001 AND NOT EXISTS (SELECT 1 FROM enterprise_allocations WHERE "
                              "need_id = ? AND status <> 'fulfilled')",
                              {now, a.need_id, a.need_id})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "enterprise.fulfil", .target = "allocation:" + std::to_string(allocation_id),
                             .area_path = path, .request_id = by.request_id},
                         now);
  }));
  a.status = "fulfilled";
  a.fulfilled_at = now;
  return a;
}

Result<std::vector<Allocation>> Enterprises::Allocations(int64_t need_id, const Scope& scope) const {
  TC_ASSIGN_OR_RETURN(auto ent, store_.ReadAll<int64_t>("SELECT enterprise_id FROM enterprise_needs WHERE id = ?", {need_id},
                                                        [](const store::Row& r) { return r.Int(0); }));
  if (ent.empty()) return NoSuch("need " + std::to_string(need_id));
  TC_RETURN_IF_ERROR(PathInScope(ent[0], scope).status());
  return store_.ReadAll<Allocation>("SELECT id, need_id, offer_id, quantity, status, matched_at, fulfilled_at FROM "
                                    "enterprise_allocations WHERE need_id = ? ORDER BY id",
                                    {need_id}, AllocationFromRow);
}

// ---- Liaison officers ----

Status Enterprises::AssignLiaison(int64_t enterprise_id, std::string_view username, const Scope& scope,
                                  const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(enterprise_id, scope));
  if (username.empty() || username.size() > 64) return FieldInvalid("username", "must be 1–64 bytes");
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto other, c.Query("SELECT enterprise_id FROM enterprise_liaisons WHERE username = ? AND "
                                            "enterprise_id <> ?",
                                            {std::string(username), enterprise_id}));
    if (!other.empty()) {
      return Conflict("liaison officer '" + std::string(username) + "' already serves enterprise " + other[0].Text(0) +
                      " (one officer, one enterprise)");
    }
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO enterprise_liaisons (enterprise_id, username, assigned_by, assigned_at) VALUES "
                              "(?, ?, ?, ?) ON CONFLICT (enterprise_id) DO UPDATE SET username = excluded.username, "
                              "assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at",
                              {enterprise_id, std::string(username), by.name, now})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "enterprise.liaison", .target = "enterprise:" + std::to_string(enterprise_id),
                             .area_path = path, .detail = nlohmann::json{{"username", username}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  std::unique_lock lock(st_->mu);
  st_->liaison_of[enterprise_id] = std::string(username);
  return Status::Ok();
}

std::vector<int64_t> Enterprises::EnterprisesOfLiaison(std::string_view username) const {
  std::shared_lock lock(st_->mu);
  std::vector<int64_t> out;
  for (const auto& [id, u] : st_->liaison_of) {
    if (u == username) out.push_back(id);
  }
  return out;
}

Result<std::vector<Liaison>> Enterprises::Liaisons(const Scope& scope, std::string_view username) const {
  std::string sql =
      "SELECT l.enterprise_id, e.name, l.username, l.assigned_by, l.assigned_at, "
      "(SELECT COUNT(*) FROM enterprise_visits v WHERE v.enterprise_id = l.enterprise_id), "
      "(SELECT MAX(visited_at) FROM enterprise_visits v WHERE v.enterprise_id = l.enterprise_id), "
      "(SELECT COUNT(*) FROM enterprise_items i WHERE i.enterprise_id = l.enterprise_id AND i.status = 'open'), "
      "(SELECT COUNT(*) FROM enterprise_items i WHERE i.enterprise_id = l.enterprise_id AND i.status = 'open' AND "
      "i.due_at < ?) FROM enterprise_liaisons l JOIN enterprises e ON e.id = l.enterprise_id WHERE 1 = 1";
  store::Params params{clock_.Now()};
  ScopeSql(scope, sql, params);
  if (!username.empty()) {
    sql += " AND l.username = ?";
    params.emplace_back(std::string(username));
  }
  sql += " ORDER BY e.id LIMIT 5000";
  return store_.ReadAll<Liaison>(sql, params, [](const store::Row& r) {
    Liaison l;
    l.enterprise_id = r.Int(0), l.enterprise_name = r.Text(1), l.username = r.Text(2), l.assigned_by = r.Text(3);
    l.assigned_at = r.Int(4), l.visits = r.Int(5), l.last_visit = r.Int(6), l.open_items = r.Int(7);
    l.overdue_items = r.Int(8);
    return l;
  });
}

Result<Visit> Enterprises::LogVisit(int64_t enterprise_id, const Visit& v, const Scope& scope, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(enterprise_id, scope));
  if (v.note.empty() || v.note.size() > 4000) return FieldInvalid("note", "is required (at most 4,000 bytes)");
  const Millis now = clock_.Now();
  const Millis at = v.visited_at > 0 ? v.visited_at : now;
  if (at > now + 3'600'000) return FieldInvalid("visited_at", "is in the future");
  Visit out{0, enterprise_id, by.name, v.note, at};
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO enterprise_visits (enterprise_id, username, visited_at, note, "
                                           "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                           {enterprise_id, by.name, at, v.note, now}));
    out.id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "enterprise.visit", .target = "enterprise:" + std::to_string(enterprise_id),
                             .area_path = path, .detail = nlohmann::json{{"visit", out.id}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return out;
}

Result<std::vector<Visit>> Enterprises::Visits(int64_t enterprise_id, const Scope& scope) const {
  TC_RETURN_IF_ERROR(PathInScope(enterprise_id, scope).status());
  return store_.ReadAll<Visit>("SELECT id, enterprise_id, username, note, visited_at FROM enterprise_visits WHERE "
                               "enterprise_id = ? ORDER BY visited_at DESC, id DESC",
                               {enterprise_id}, [](const store::Row& r) {
                                 return Visit{r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Int(4)};
                               });
}

namespace {
Item ItemFromRow(const store::Row& r, Millis now) {
  Item i;
  i.id = r.Int(0), i.enterprise_id = r.Int(1), i.title = r.Text(2), i.due_at = r.Int(3), i.status = r.Text(4);
  i.opened_by = r.Text(5), i.opened_at = r.Int(6), i.done_at = r.Int(7), i.note = r.Text(8), i.enterprise_name = r.Text(9);
  i.overdue = i.status == "open" ? now > i.due_at : i.done_at > i.due_at;
  return i;
}
constexpr const char* kItemSelect =
    "SELECT i.id, i.enterprise_id, i.title, i.due_at, i.status, i.opened_by, i.opened_at, i.done_at, i.note, e.name "
    "FROM enterprise_items i JOIN enterprises e ON e.id = i.enterprise_id";
}  // namespace

Result<Item> Enterprises::OpenItem(int64_t enterprise_id, std::string_view title, Millis due_at, const Scope& scope,
                                   const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(enterprise_id, scope));
  if (title.empty() || title.size() > 400) return FieldInvalid("title", "is required (at most 400 bytes)");
  const Millis now = clock_.Now();
  if (due_at <= now) return FieldInvalid("due_at", "must be in the future");
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO enterprise_items (enterprise_id, title, due_at, status, opened_by, "
                                           "opened_at, done_at, note) VALUES (?, ?, ?, 'open', ?, ?, 0, '') RETURNING id",
                                           {enterprise_id, std::string(title), due_at, by.name, now}));
    id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "enterprise.item", .target = "enterprise:" + std::to_string(enterprise_id),
                             .area_path = path, .detail = nlohmann::json{{"item", id}, {"title", title}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  TC_ASSIGN_OR_RETURN(auto rows, store_.ReadAll<Item>(std::string(kItemSelect) + " WHERE i.id = ?", {id},
                                                      [&](const store::Row& r) { return ItemFromRow(r, now); }));
  return rows.at(0);
}

Result<Item> Enterprises::CloseItem(int64_t item_id, std::string_view note, const Scope& scope, const audit::Actor& by) {
  const Millis now = clock_.Now();
  TC_ASSIGN_OR_RETURN(auto rows, store_.ReadAll<Item>(std::string(kItemSelect) + " WHERE i.id = ?", {item_id},
                                                      [&](const store::Row& r) { return ItemFromRow(r, now); }));
  if (rows.empty()) return NoSuch("item " + std::to_string(item_id));
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(rows[0].enterprise_id, scope));
  if (rows[0].status == "done") return Conflict("item " + std::to_string(item_id) + " is already done");
  if (note.empty() || note.size() > 4000) return FieldInvalid("note", "is required: what was done (at most 4,000 bytes)");
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("UPDATE enterprise_items SET status = 'done', done_at = ?, note = ? WHERE id = ?",
                              {now, std::string(note), item_id})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "enterprise.item_done", .target = "item:" + std::to_string(item_id),
                             .area_path = path, .request_id = by.request_id},
                         now);
  }));
  Item i = rows[0];
  i.status = "done";
  i.done_at = now;
  i.note = std::string(note);
  i.overdue = now > i.due_at;
  return i;
}

Result<std::vector<Item>> Enterprises::Items(const Scope& scope, bool open_only, std::string_view liaison) const {
  std::string sql = std::string(kItemSelect) + " WHERE 1 = 1";
  store::Params params;
  ScopeSql(scope, sql, params);
  if (open_only) sql += " AND i.status = 'open'";
  if (!liaison.empty()) {
    sql += " AND i.enterprise_id IN (SELECT enterprise_id FROM enterprise_liaisons WHERE username = ?)";
    params.emplace_back(std::string(liaison));
  }
  sql += " ORDER BY i.status DESC, i.due_at LIMIT 2000";
  const Millis now = clock_.Now();
  return store_.ReadAll<Item>(sql, params, [&](const store::Row& r) { return ItemFromRow(r, now); });
}

// ---- Appeals ----

namespace {
Appeal AppealOf(const hotline::Request& r, int64_t enterprise_id, std::string enterprise_name) {
  Appeal a;
  a.request_id = r.id;
  a.enterprise_id = enterprise_id;
  a.number = r.number;
  a.status = std::string(hotline::StateName(r.state.status));
  a.category = r.category;
  a.department = r.state.department;
  a.enterprise_name = std::move(enterprise_name);
  a.text = r.text;
  a.received_at = r.state.received_at;
  a.dispatched_at = r.state.dispatched_at;
  a.responded_at = r.state.responded_at;
  a.resolved_at = r.state.resolved_at;
  a.closed_at = r.state.closed_at;
  a.returns = r.state.return_count;
  a.satisfaction = r.state.satisfaction;
  return a;
}
}  // namespace

Result<Appeal> Enterprises::FileAppeal(int64_t enterprise_id, const AppealInput& in, const Scope& scope,
                                       const audit::Actor& by) {
  if (hotline_ == nullptr) return Unavailable("appeals need the hotline service, which is not running");
  TC_ASSIGN_OR_RETURN(EnterpriseView v, Get(enterprise_id, scope));
  hotline::NewRequest r;
  r.channel = "enterprise";
  r.enterprise = v.e.name;
  r.caller_name = in.contact_name.empty() ? v.e.contact_name : in.contact_name;
  r.phone = in.phone.empty() ? v.e.contact_phone : in.phone;
  r.text = in.text;
  r.category = in.category;
  r.address_text = v.e.address;
  r.area_code = v.e.area_code.empty() ? v.e.district_code : v.e.area_code;
  // The hotline validates and stores the request (its own transaction); the appeal's
  // link follows. If the link fails the request still stands in the hotline's inbox.
  TC_ASSIGN_OR_RETURN(hotline::Request req, hotline_->Intake(r, by));
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO enterprise_appeals (request_id, enterprise_id, filed_by, filed_at) VALUES "
                              "(?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING",
                              {req.id, enterprise_id, by.name, now})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "enterprise.appeal", .target = "enterprise:" + std::to_string(enterprise_id),
                             .area_path = v.area_path, .detail = nlohmann::json{{"request", req.id}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return AppealOf(req, enterprise_id, v.e.name);
}

Result<std::vector<Appeal>> Enterprises::Appeals(const Scope& scope, int64_t limit) const {
  if (hotline_ == nullptr) return Unavailable("appeals need the hotline service, which is not running");
  std::string sql = "SELECT a.request_id, a.enterprise_id, e.name FROM enterprise_appeals a JOIN enterprises e ON "
                    "e.id = a.enterprise_id WHERE 1 = 1";
  store::Params params;
  ScopeSql(scope, sql, params);
  sql += " ORDER BY a.request_id DESC LIMIT ?";
  params.emplace_back(std::clamp<int64_t>(limit, 1, 5000));
  struct Link {
    int64_t request, enterprise;
    std::string name;
  };
  TC_ASSIGN_OR_RETURN(auto links, store_.ReadAll<Link>(sql, params, [](const store::Row& r) {
                        return Link{r.Int(0), r.Int(1), r.Text(2)};
                      }));
  if (links.empty()) return std::vector<Appeal>{};
  hotline::RequestQuery q;
  for (const auto& l : links) q.ids.push_back(l.request);
  q.limit = int64_t(links.size());
  q.newest_first = true;
  TC_ASSIGN_OR_RETURN(auto reqs, hotline_->List(q));
  std::unordered_map<int64_t, const hotline::Request*> by_id;
  for (const auto& r : reqs) by_id[r.id] = &r;
  std::vector<Appeal> out;
  for (const auto& l : links) {
    if (auto it = by_id.find(l.request); it != by_id.end()) out.push_back(AppealOf(*it->second, l.enterprise, l.name));
  }
  return out;
}

Result<FiveFasts> Enterprises::MeasureFiveFasts(const Scope& scope, Millis from, Millis to) const {
  TC_ASSIGN_OR_RETURN(auto appeals, Appeals(scope, 5000));
  FiveFasts f;
  std::vector<double> deploy, accept, handle;
  double sat = 0;
  int64_t rated = 0;
  for (const auto& a : appeals) {
    if ((from > 0 && a.received_at < from) || (to > 0 && a.received_at >= to)) continue;
    ++f.appeals;
    if (a.dispatched_at > 0) {
      ++f.dispatched;
      deploy.push_back(double(a.dispatched_at - a.received_at) / 1000);
    }
    if (a.responded_at > 0) {
      ++f.accepted;
      if (a.dispatched_at > 0) accept.push_back(double(a.responded_at - a.dispatched_at) / 1000);
    }
    if (a.resolved_at > 0) {
      ++f.resolved;
      if (a.responded_at > 0) handle.push_back(double(a.resolved_at - a.responded_at) / 1000);
    }
    if (a.closed_at > 0) ++f.closed;
    if (a.returns > 0) ++f.coordinated;
    if (a.satisfaction > 0) {
      sat += a.satisfaction;
      ++rated;
    }
  }
  f.deploy_p50 = Percentile(deploy, 0.5), f.deploy_p90 = Percentile(deploy, 0.9);
  f.accept_p50 = Percentile(accept, 0.5), f.accept_p90 = Percentile(accept, 0.9);
  f.handle_p50 = Percentile(handle, 0.5), f.handle_p90 = Percentile(handle, 0.9);
  f.satisfaction = rated ? sat / double(rated) : 0;
  return f;
}

}  // namespace tc::enterprise
