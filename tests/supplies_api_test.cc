// Black-box tests of supplies to closed compounds over HTTP: an order to a compound that
// is not closed is refused and nothing written; a community declared high risk closes its
// compounds through the event bus; the order is walked to contactless delivery by the
// people each step belongs to; another district's officer cannot see or move it; the
// command centre sees shortages and totals and closes an area by order.
#include "api_fixture.h"

namespace tc::testing {
namespace {

using nlohmann::json;

constexpr const char* kCompound = "220102001001-001";

class SuppliesApi : public Api {
 protected:
  static json ResidentOrder(int64_t quantity = 2) {
    return {{"kind", "resident"},
            {"compound_code", kCompound},
            {"building_code", "220102001001-001-01"},
            {"household_code", "220102001001-001-01-1-0101"},
            {"contact", "13812345678"},
            {"items", {{{"item", "veg-box-a"}, {"quantity", quantity}}}}};
  }
  static Resp Declare(const std::string& token, const std::string& level) {
    return Call("POST", "/api/v1/risk-areas/declare", token,
                json{{"codes", {"220102001001"}}, {"level", level}, {"reason", "社区内发现确诊病例"}}.dump());
  }
};

TEST_F(SuppliesApi, AnOrderReachesAClosedCompoundContactlesslyAndNowhereElse) {
  const std::string grid = Login("grid-yongji"), op = Login("nanguan-op"), cmd = Login("nanguan-cmd"),
                    kuancheng = Login("kuancheng-op");
  auto point = Call("POST", "/api/v1/supplies/points", op,
                    json{{"kind", "small"}, {"name", "永吉1号配送点"}, {"capacity_per_day", 100},
                         {"area_code", "220102001001"}, {"serves", {kCompound}}}
                        .dump());
  ASSERT_EQ(point.status, 201) << point.raw;
  const int64_t point_id = point.body["id"].get<int64_t>();
  ExpectProblem(Call("POST", "/api/v1/supplies/points", op,
                     json{{"kind", "medium"}, {"name", "x"}, {"capacity_per_day", 1}, {"area_code", "220102001001"},
                          {"serves", {kCompound}}}
                         .dump()),
                422);
  auto stock = Call("PUT", "/api/v1/supplies/points/" + std::to_string(point_id) + "/stock", op,
                    json{{"items", {{{"item", "veg-box-a"}, {"quantity", 20}}}}}.dump());
  ASSERT_EQ(stock.status, 200) << stock.raw;

  // Not closed: refused with the reason, nothing written.
  auto refused = Call("POST", "/api/v1/supplies/orders", grid, ResidentOrder().dump());
  ExpectProblem(refused, 409);
  EXPECT_NE(refused.body.value("detail", "").find("is not closed"), std::string::npos) << refused.raw;
  EXPECT_TRUE(Call("GET", "/api/v1/supplies/orders", op).body["items"].empty());
  EXPECT_EQ(Call("GET", std::string("/api/v1/supplies/compounds/") + kCompound, grid).body["closed"], false);

  // The community declared high risk: the event closes its compounds.
  ASSERT_EQ(Declare(cmd, "high").status, 200);
  auto compound = Call("GET", std::string("/api/v1/supplies/compounds/") + kCompound, grid);
  ASSERT_EQ(compound.status, 200) << compound.raw;
  EXPECT_EQ(compound.body["closed"], true);
  EXPECT_EQ(compound.body["closures"][0]["source"], "risk");
  auto placed = Call("POST", "/api/v1/supplies/orders", grid, ResidentOrder().dump());
  ASSERT_EQ(placed.status, 201) << placed.raw;
  EXPECT_EQ(placed.body["state"], "placed");
  EXPECT_EQ(placed.body["point_id"], point_id);
  const std::string id = std::to_string(placed.body["id"].get<int64_t>());
  const std::string base = "/api/v1/supplies/orders/" + id;
  auto bad_line = Call("POST", "/api/v1/supplies/orders", grid, ResidentOrder(0).dump());
  ExpectProblem(bad_line, 422);
  EXPECT_TRUE(ErrorFields(bad_line).contains("items[0].quantity")) << bad_line.raw;

  // Another district's officer: as if it did not exist.
  ExpectLikeMissing(Call("GET", base, kuancheng), Call("GET", "/api/v1/supplies/orders/999999", kuancheng), id,
                    "999999");
  EXPECT_EQ(Call("POST", base + "/actions", kuancheng, json{{"action", "accept"}}.dump()).status, 404);
  EXPECT_TRUE(Call("GET", "/api/v1/supplies/orders", kuancheng).body["items"].empty());

  for (const json& step : {json{{"action", "accept"}}, json{{"action", "pack"}},
                           json{{"action", "dispatch"}, {"deliverer", "grid-yongji"}}}) {
    auto r = Call("POST", base + "/actions", op, step.dump());
    ASSERT_EQ(r.status, 200) << step.dump() << " " << r.raw;
  }
  auto today = Call("GET", "/api/v1/supplies/orders?deliverer=me&state=out_for_delivery", grid);
  ASSERT_EQ(today.status, 200) << today.raw;
  ASSERT_EQ(today.body["items"].size(), 1u);
  // Contactless: the drop point and the photo are required; refused, the state unchanged.
  auto no_photo = Call("POST", base + "/actions", grid, json{{"action", "deliver"}, {"drop_point", "1栋门口"}}.dump());
  ExpectProblem(no_photo, 422);
  EXPECT_TRUE(ErrorFields(no_photo).contains("photo")) << no_photo.raw;
  EXPECT_EQ(Call("GET", base, grid).body["state"], "out_for_delivery");
  auto delivered = Call("POST", base + "/actions", grid,
                        json{{"action", "deliver"}, {"drop_point", "1栋门口货架"}, {"photo", "sha256:9f2c"}}.dump());
  ASSERT_EQ(delivered.status, 200) << delivered.raw;
  EXPECT_EQ(delivered.body["state"], "delivered");
  EXPECT_EQ(delivered.body["drop_point"], "1栋门口货架");
  ExpectProblem(Call("POST", base + "/actions", grid, json{{"action", "fail"}, {"reason", "x"}}.dump()), 409);

  // The command centre: a group order beyond the stock is a shortage; the day's totals.
  auto group = Call("POST", "/api/v1/supplies/orders", grid,
                    json{{"kind", "group"}, {"compound_code", kCompound}, {"building_code", "220102001001-001-01"},
                         {"households", 20}, {"items", {{{"item", "veg-box-a"}, {"quantity", 40}}}}}
                        .dump());
  ASSERT_EQ(group.status, 201) << group.raw;
  auto shortages = Call("GET", "/api/v1/supplies/shortages", cmd);
  ASSERT_EQ(shortages.status, 200) << shortages.raw;
  ASSERT_EQ(shortages.body["items"].size(), 2u) << shortages.raw;
  EXPECT_EQ(shortages.body["items"][1]["point_id"], point_id);
  EXPECT_EQ(shortages.body["items"][1]["shortfall"], 22);  // 40 wanted, 18 left after packing 2
  EXPECT_TRUE(Call("GET", "/api/v1/supplies/shortages", kuancheng).body["items"].empty());
  auto totals = Call("GET", "/api/v1/supplies/totals", cmd);
  ASSERT_EQ(totals.status, 200) << totals.raw;
  ASSERT_EQ(totals.body["items"].size(), 1u);
  EXPECT_EQ(totals.body["items"][0]["delivered"], 1);
  EXPECT_EQ(totals.body["items"][0]["open"], 1);

  // The level lowered: the compound reopens and takes no more orders.
  ASSERT_EQ(Declare(cmd, "low").status, 200);
  ExpectProblem(Call("POST", "/api/v1/supplies/orders", grid, ResidentOrder().dump()), 409);
}

TEST_F(SuppliesApi, TheCommandCentreClosesAnAreaByOrderWithItsReason) {
  const std::string cmd = Login("nanguan-cmd"), op = Login("nanguan-op"), grid = Login("grid-yongji");
  // Closing is the command centre's: an area operator may not.
  ExpectProblem(Call("POST", "/api/v1/supplies/closures", op,
                     json{{"area_code", "220102001001-001-01"}, {"reason", "x"}}.dump()),
                403);
  EXPECT_EQ(Call("POST", "/api/v1/supplies/closures", cmd,
                 json{{"area_code", "220103001001-001"}, {"reason", "x"}}.dump())
                .status,
            404);
  auto no_reason = Call("POST", "/api/v1/supplies/closures", cmd,
                        json{{"area_code", "220102001001-001-01"}, {"reason", ""}}.dump());
  ExpectProblem(no_reason, 422);
  auto closed = Call("POST", "/api/v1/supplies/closures", cmd,
                     json{{"area_code", "220102001001-001-01"}, {"reason", "楼内发现阳性，封闭管理"}}.dump());
  ASSERT_EQ(closed.status, 201) << closed.raw;
  EXPECT_EQ(closed.body["source"], "order");
  EXPECT_EQ(closed.body["by"], "nanguan-cmd");
  ExpectProblem(Call("POST", "/api/v1/supplies/closures", cmd,
                     json{{"area_code", "220102001001-001-01"}, {"reason", "again"}}.dump()),
                409);
  auto list = Call("GET", "/api/v1/supplies/closures", grid);
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(list.body["items"][0]["reason"], "楼内发现阳性，封闭管理");
  auto opened = Call("POST", "/api/v1/supplies/closures/220102001001-001-01/open", cmd,
                     json{{"reason", "14天无新增"}}.dump());
  ASSERT_EQ(opened.status, 200) << opened.raw;
  EXPECT_EQ(opened.body["closed"], false);
  EXPECT_TRUE(Call("GET", "/api/v1/supplies/closures", grid).body["items"].empty());
}

}  // namespace
}  // namespace tc::testing
