// Supplies to closed compounds (封闭小区生活物资保供; docs/livelihood.md): which areas are
// closed (from risk levels, or closed by the command centre), delivery points with their
// capacity, served areas and stock, resident and group orders walked to contactless
// delivery, shortage flags and daily totals. Everything under the caller's node.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "auth/roles.h"
#include "livelihood/supply_service.h"

namespace tc::api {

using nlohmann::json;
namespace lh = livelihood;

namespace {

json TimeOrNull(Millis t) { return t ? json(FormatShanghai(t)) : json(nullptr); }
json TextOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json ClosureJson(const lh::Closure& c) {
  return {{"area_code", c.area_code}, {"name", TextOrNull(c.name)}, {"source", c.source}, {"closed", c.closed},
          {"reason", c.reason},       {"by", c.by},                 {"since", TimeOrNull(c.since)}};
}

json ItemsJson(const std::vector<lh::OrderItem>& items) {
  json a = json::array();
  for (const auto& it : items) a.push_back({{"item", it.item}, {"quantity", it.quantity}});
  return a;
}

json PointJson(const lh::PointRecord& p) {
  json stock = json::array();
  for (const auto& s : p.stock) stock.push_back({{"item", s.item}, {"quantity", s.quantity}});
  return {{"id", p.point.id},
          {"kind", lh::PointKindName(p.point.kind)},
          {"name", p.point.name},
          {"capacity_per_day", p.point.capacity_per_day},
          {"area_code", p.area_code},
          {"address", p.address},
          {"active", p.active},
          {"serves", p.serves},
          {"stock", stock},
          {"created_at", TimeOrNull(p.created_at)}};
}

json OrderJson(const lh::OrderRecord& r) {
  const lh::Order& o = r.order;
  return {{"id", r.id},
          {"kind", lh::OrderKindName(o.kind)},
          {"compound_code", o.compound_code},
          {"building_code", o.building_code},
          {"household_code", TextOrNull(o.household_code)},
          {"households", o.households},
          {"contact", o.contact},
          {"items", ItemsJson(o.items)},
          {"point_id", o.point_id},
          {"point_name", r.point_name},
          {"day", r.day},
          {"state", lh::OrderStateName(o.state)},
          {"placed_at", TimeOrNull(o.placed_at)},
          {"accepted_at", TimeOrNull(o.accepted_at)},
          {"packed_at", TimeOrNull(o.packed_at)},
          {"out_at", TimeOrNull(o.out_at)},
          {"delivered_at", TimeOrNull(o.delivered_at)},
          {"failed_at", TimeOrNull(o.failed_at)},
          {"deliverer", TextOrNull(o.deliverer)},
          {"drop_point", TextOrNull(o.drop_point)},
          {"photo", TextOrNull(o.photo)},
          {"reason", TextOrNull(o.reason)},
          {"created_by", r.created_by}};
}

// `items`: [{"item": text, "quantity": integer}], each problem naming its line.
Result<std::vector<lh::OrderItem>> ItemsOf(const json& body) {
  std::vector<lh::OrderItem> out;
  auto it = body.find("items");
  if (it == body.end()) return FieldInvalid("items", "is required");
  if (!it->is_array()) return FieldInvalid("items", "must be an array of {item, quantity}");
  if (it->size() > 1000) return FieldInvalid("items", "at most 1,000 lines");
  for (size_t i = 0; i < it->size(); ++i) {
    const json& line = (*it)[i];
    const std::string field = "items[" + std::to_string(i) + "]";
    if (!line.is_object()) return FieldInvalid(field, "must be an object {item, quantity}");
    for (const auto& [k, v] : line.items()) {
      if (k != "item" && k != "quantity") return FieldInvalid(field + "." + k, "is not a field of an item line");
    }
    auto name = line.find("item");
    if (name == line.end() || !name->is_string()) return FieldInvalid(field + ".item", "must be a string");
    auto q = line.find("quantity");
    if (q == line.end() || !q->is_number_integer()) return FieldInvalid(field + ".quantity", "must be an integer");
    out.push_back({name->get<std::string>(), q->get<int64_t>()});
  }
  return out;
}

}  // namespace

void Api::AddSuppliesRoutes() {
  using namespace auth::perm;
  lh::SupplyService& S = deps_.supplies;
  const std::string read(kLivelihoodRead), write(kLivelihoodWrite), close(kLivelihoodClose);
  const auto under = [](const Context& ctx) -> std::string_view { return ctx.principal().area_path; };

  // ---- Closures ----
  router_.Add("GET", "/api/v1/supplies/closures",
              {.summary = "Areas closed for supplies (封控) at, under or above your node: by risk level (a community "
                          "declared high) or by the command centre",
               .tag = "supplies",
               .permission = read},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, S.Closures(under(ctx)));
                json items = json::array();
                for (const auto& c : list) items.push_back(ClosureJson(c));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/supplies/compounds/{code}",
              {.summary = "Whether a compound is closed, and by which closures", .tag = "supplies", .permission = read},
              [&S, under](Context& ctx) -> Result<Reply> {
                const std::string code(ctx.Param("code"));
                TC_ASSIGN_OR_RETURN(auto list, S.ClosuresOf(code, under(ctx)));
                json items = json::array();
                for (const auto& c : list) items.push_back(ClosureJson(c));
                return JsonReply({{"compound_code", code}, {"closed", !list.empty()}, {"closures", items}});
              });
  router_.Add("POST", "/api/v1/supplies/closures",
              {.summary = "Close an area for supplies by order of the command centre (封闭管理), with the reason",
               .tag = "supplies",
               .permission = close,
               .request_schema = R"({"type":"object","required":["area_code","reason"]})",
               .success_status = 201},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string code = f.String("area_code", {.required = true, .max_bytes = 64});
                const std::string reason = f.String("reason", {.required = true, .max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"area_code", "reason"}));
                TC_ASSIGN_OR_RETURN(auto c, S.Close(code, reason, under(ctx), ctx.actor()));
                return JsonReply(ClosureJson(c), 201);
              });
  router_.Add("POST", "/api/v1/supplies/closures/{code}/open",
              {.summary = "Reopen an area the command centre closed (a closure by risk level stays until the level "
                          "is lowered)",
               .tag = "supplies",
               .permission = close,
               .request_schema = R"({"type":"object","required":["reason"]})"},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string reason = f.String("reason", {.required = true, .max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"reason"}));
                TC_ASSIGN_OR_RETURN(auto c, S.Open(ctx.Param("code"), reason, under(ctx), ctx.actor()));
                return JsonReply(ClosureJson(c));
              });

  // ---- Delivery points ----
  router_.Add("POST", "/api/v1/supplies/points",
              {.summary = "Create a delivery point (配送点, large or small) with its daily capacity and the "
                          "compounds or communities it serves",
               .tag = "supplies",
               .permission = write,
               .request_schema = R"({"type":"object","required":["kind","name","capacity_per_day","area_code","serves"]})",
               .success_status = 201},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                lh::NewPoint n;
                const std::string kind = f.String("kind", {.required = true, .max_bytes = 10});
                n.name = f.String("name", {.required = true, .max_bytes = 200});
                n.capacity_per_day = f.Int("capacity_per_day", true).value_or(0);
                n.area_code = f.String("area_code", {.required = true, .max_bytes = 64});
                n.address = f.String("address", {.max_bytes = 400});
                n.serves = f.StringList("serves", {.required = true, .max_bytes = 64}, 500);
                TC_RETURN_IF_ERROR(f.Finish({"kind", "name", "capacity_per_day", "area_code", "address", "serves"}));
                if (!lh::ParsePointKind(kind, &n.kind)) return FieldInvalid("kind", "'" + kind + "' is not large or small");
                TC_ASSIGN_OR_RETURN(auto p, S.CreatePoint(n, under(ctx), ctx.actor()));
                return JsonReply(PointJson(p), 201);
              });
  router_.Add("GET", "/api/v1/supplies/points",
              {.summary = "Delivery points under your node with their served areas and stock", .tag = "supplies",
               .permission = read},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, S.ListPoints(under(ctx)));
                json items = json::array();
                for (const auto& p : list) items.push_back(PointJson(p));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/supplies/points/{id}",
              {.summary = "One delivery point", .tag = "supplies", .permission = read},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "delivery point"));
                TC_ASSIGN_OR_RETURN(auto p, S.GetPoint(id, under(ctx)));
                return JsonReply(PointJson(p));
              });
  router_.Add("PATCH", "/api/v1/supplies/points/{id}",
              {.summary = "Change a point's name, address, capacity, served areas, or retire it (active false)",
               .tag = "supplies",
               .permission = write,
               .request_schema = R"({"type":"object"})"},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "delivery point"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                lh::PointChange ch;
                if (body.contains("name")) ch.name = f.String("name", {.required = true, .max_bytes = 200});
                if (body.contains("address")) ch.address = f.String("address", {.max_bytes = 400});
                if (body.contains("capacity_per_day")) ch.capacity_per_day = f.Int("capacity_per_day", true);
                if (body.contains("serves")) ch.serves = f.StringList("serves", {.required = true, .max_bytes = 64}, 500);
                if (body.contains("active")) ch.active = f.Bool("active", true);
                TC_RETURN_IF_ERROR(f.Finish({"name", "address", "capacity_per_day", "serves", "active"}));
                TC_ASSIGN_OR_RETURN(auto p, S.UpdatePoint(id, ch, under(ctx), ctx.actor()));
                return JsonReply(PointJson(p));
              });
  router_.Add("PUT", "/api/v1/supplies/points/{id}/stock",
              {.summary = "Set the stock of the named items at a point (absolute quantities); packing takes from it",
               .tag = "supplies",
               .permission = write,
               .request_schema = R"({"type":"object","required":["items"]})"},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "delivery point"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                TC_RETURN_IF_ERROR(f.Finish({"items"}));
                TC_ASSIGN_OR_RETURN(auto items, ItemsOf(body));
                TC_ASSIGN_OR_RETURN(auto p, S.SetStock(id, items, under(ctx), ctx.actor()));
                return JsonReply(PointJson(p));
              });

  // ---- Orders ----
  router_.Add("POST", "/api/v1/supplies/orders",
              {.summary = "Place a resident's or a building's group order (团购) for a closed compound; refused with "
                          "the reason when the compound is not closed or the point is full today",
               .tag = "supplies",
               .permission = write,
               .request_schema = R"({"type":"object","required":["kind","compound_code","building_code","items"]})",
               .success_status = 201},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                lh::OrderRequest r;
                const std::string kind = f.String("kind", {.required = true, .max_bytes = 10});
                r.order.compound_code = f.String("compound_code", {.required = true, .max_bytes = 64});
                r.order.building_code = f.String("building_code", {.required = true, .max_bytes = 64});
                r.order.household_code = f.String("household_code", {.max_bytes = 80});
                r.order.households = f.Int("households", false).value_or(1);
                r.order.contact = f.String("contact", {.max_bytes = 200});
                r.point_id = f.Int("point_id", false).value_or(0);
                TC_RETURN_IF_ERROR(f.Finish({"kind", "compound_code", "building_code", "household_code", "households",
                                             "contact", "point_id", "items"}));
                if (!lh::ParseOrderKind(kind, &r.order.kind)) {
                  return FieldInvalid("kind", "'" + kind + "' is not resident or group");
                }
                TC_ASSIGN_OR_RETURN(r.order.items, ItemsOf(body));
                TC_ASSIGN_OR_RETURN(auto o, S.Place(r, under(ctx), ctx.actor()));
                return JsonReply(OrderJson(o), 201);
              });
  router_.Add("GET", "/api/v1/supplies/orders",
              {.summary = "Orders under your node, newest first: by state, building, point, volunteer or day",
               .tag = "supplies",
               .permission = read,
               .query = {{"state", "placed | accepted | packed | out_for_delivery | delivered | failed"},
                         {"building_code", "a building's code"},
                         {"point_id", "a delivery point", "integer"},
                         {"deliverer", "the volunteer an order went out with (me: yourself)"},
                         {"day", "YYYY-MM-DD placed"},
                         {"limit", "1–5000 (default 200)", "integer"}}},
              [&S, under](Context& ctx) -> Result<Reply> {
                lh::OrderFilter f;
                TC_ASSIGN_OR_RETURN(f.limit, ctx.QueryInt("limit", 200, 1, 5000));
                TC_ASSIGN_OR_RETURN(f.point_id, ctx.QueryInt("point_id", 0, 0, int64_t{1} << 53));
                f.state = ctx.Query("state").value_or("");
                f.building_code = ctx.Query("building_code").value_or("");
                f.deliverer = ctx.Query("deliverer").value_or("");
                if (f.deliverer == "me") f.deliverer = ctx.principal().username;
                f.day = ctx.Query("day").value_or("");
                TC_ASSIGN_OR_RETURN(auto list, S.List(f, under(ctx)));
                json items = json::array();
                for (const auto& o : list) items.push_back(OrderJson(o));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/supplies/orders/{id}", {.summary = "One order", .tag = "supplies", .permission = read},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "supply order"));
                TC_ASSIGN_OR_RETURN(auto o, S.Get(id, under(ctx)));
                return JsonReply(OrderJson(o));
              });
  router_.Add("POST", "/api/v1/supplies/orders/{id}/actions",
              {.summary = "accept | pack (takes the stock) | dispatch (deliverer) | deliver (drop_point, photo: "
                          "contactless) | fail (reason); a step out of turn is refused with the reason",
               .tag = "supplies",
               .permission = write,
               .request_schema = R"({"type":"object","required":["action"]})"},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "supply order"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string action = f.String("action", {.required = true, .max_bytes = 20});
                lh::OrderAction a;
                a.deliverer = f.String("deliverer", {.max_bytes = 200});
                a.drop_point = f.String("drop_point", {.max_bytes = 400});
                a.photo = f.String("photo", {.max_bytes = 400});
                a.reason = f.String("reason", {.max_bytes = 2000});
                TC_RETURN_IF_ERROR(f.Finish({"action", "deliverer", "drop_point", "photo", "reason"}));
                if (!lh::ParseOrderAction(action, &a.kind)) {
                  return FieldInvalid("action", "'" + action + "' is not accept, pack, dispatch, deliver or fail");
                }
                TC_ASSIGN_OR_RETURN(auto o, S.Act(id, a, under(ctx), ctx.actor()));
                return JsonReply(OrderJson(o));
              });

  // ---- The command centre ----
  router_.Add("GET", "/api/v1/supplies/shortages",
              {.summary = "Shortages for the command centre: open demand (orders placed or accepted) beyond the stock, "
                          "per point and item, and over every point under your node (point_id 0)",
               .tag = "supplies",
               .permission = read},
              [&S, under](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, S.Shortages(under(ctx)));
                json items = json::array();
                for (const auto& s : list) {
                  items.push_back({{"point_id", s.flag.point_id}, {"point_name", TextOrNull(s.point_name)},
                                   {"item", s.flag.item}, {"demand", s.flag.demand}, {"stock", s.flag.stock},
                                   {"shortfall", s.flag.shortfall}});
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/supplies/totals",
              {.summary = "Per point: the orders placed on a day by state, its capacity and the households fed",
               .tag = "supplies",
               .permission = read,
               .query = {{"day", "YYYY-MM-DD (default today)"}}},
              [&S, under, this](Context& ctx) -> Result<Reply> {
                const std::string day = ctx.Query("day").value_or(DateShanghai(deps_.clock.Now()));
                TC_ASSIGN_OR_RETURN(auto list, S.Totals(day, under(ctx)));
                json items = json::array();
                for (const auto& t : list) {
                  items.push_back({{"point_id", t.point_id}, {"point_name", t.point_name},
                                   {"kind", lh::PointKindName(t.kind)}, {"capacity_per_day", t.capacity_per_day},
                                   {"placed", t.placed}, {"open", t.open}, {"delivered", t.delivered},
                                   {"failed", t.failed}, {"households", t.households}});
                }
                return JsonReply({{"day", day}, {"items", items}});
              });
}

}  // namespace tc::api
