// Black-box tests of return home (返乡) over HTTP: the closed loop walked by the people
// each step belongs to, a step out of turn refused with its reason and nothing changed,
// and an officer of another district who cannot see or move the application.
#include "api_fixture.h"

namespace tc::testing {
namespace {

using nlohmann::json;

class ReturnsApi : public Api {
 protected:
  static int64_t ResidentId(const std::string& token, const std::string& id_number) {
    auto r = Call("GET", "/api/v1/residents?id_number=" + id_number, token);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["items"].empty() ? 0 : r.body["items"][0].value("id", int64_t{0});
  }
};

TEST_F(ReturnsApi, TheClosedLoopIsWalkedStepByStepAndAStepOutOfTurnChangesNothing) {
  const std::string grid = Login("grid-yongji"), nanguan = Login("nanguan-op"), kuancheng = Login("kuancheng-op");
  const int64_t zhang = ResidentId(Login("admin"), kNanguanId1);
  ASSERT_GT(zhang, 0);
  auto app = Call("POST", "/api/v1/returns", grid,
                  json{{"resident_id", zhang}, {"origin_area", "220102001001-001"}, {"destination", "吉林省榆树市五棵树镇"},
                       {"phone", "13812345678"}}
                      .dump());
  ASSERT_EQ(app.status, 201) << app.raw;
  EXPECT_EQ(app.body["state"], "applied");
  EXPECT_EQ(app.body["name"], "张三");
  EXPECT_EQ(app.body["phone"], "138****5678");
  const std::string base = "/api/v1/returns/" + std::to_string(app.body["id"].get<int64_t>());
  // Another district's officer: as if it did not exist.
  ExpectLikeMissing(Call("GET", base, kuancheng), Call("GET", "/api/v1/returns/999999", kuancheng),
                    std::to_string(app.body["id"].get<int64_t>()), "999999");
  EXPECT_EQ(Call("POST", base + "/actions", kuancheng, json{{"action", "review"}}.dump()).status, 404);
  // Out of turn: refused with the reason, the state unchanged.
  auto early = Call("POST", base + "/actions", nanguan, json{{"action", "depart"}}.dump());
  ExpectProblem(early, 409);
  EXPECT_EQ(Call("GET", base, nanguan).body["state"], "applied");
  auto bad = Call("POST", base + "/actions", nanguan, json{{"action", "teleport"}}.dump());
  ExpectProblem(bad, 422);
  EXPECT_TRUE(ErrorFields(bad).contains("action")) << bad.raw;
  for (const json& step : {json{{"action", "review"}}, json{{"action", "report"}}, json{{"action", "confirm"}},
                           json{{"action", "release"}, {"vehicle", "吉A60001"}, {"pickup_point", "春光小区东门"},
                                {"scheduled_at", "2099-01-01T08:00:00+08:00"}},
                           json{{"action", "depart"}}, json{{"action", "arrive"}, {"received_by", "五棵树镇 刘主任"}}}) {
    auto r = Call("POST", base + "/actions", nanguan, step.dump());
    ASSERT_EQ(r.status, 200) << step.dump() << " " << r.raw;
  }
  auto done = Call("GET", base, grid);
  EXPECT_EQ(done.body["state"], "arrived");
  EXPECT_EQ(done.body["history"].size(), 7u);
  EXPECT_EQ(done.body["transport"]["vehicle"], "吉A60001");
  auto list = Call("GET", "/api/v1/returns?state=arrived", nanguan);
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_FALSE(list.body["items"].empty());
  EXPECT_TRUE(Call("GET", "/api/v1/returns", kuancheng).body["items"].empty());
  auto loop = Call("GET", "/api/v1/returns/open-loop", nanguan);
  ASSERT_EQ(loop.status, 200) << loop.raw;
  const std::string today = ShanghaiDate(NowMs());
  auto flow = Call("GET", "/api/v1/returns/flow?from=" + today + "&to=" + today, nanguan);
  ASSERT_EQ(flow.status, 200) << flow.raw;
  ASSERT_EQ(flow.body["items"].size(), 1u);
  EXPECT_EQ(flow.body["items"][0]["stages"][0]["entered"], 1);
}

TEST_F(ReturnsApi, ReliefIsJudgedByTheRulesApprovedAndPaidWithItsReference) {
  const std::string nanguan = Login("nanguan-op"), kuancheng = Login("kuancheng-op");
  const int64_t li = ResidentId(Login("admin"), kNanguanId2);  // 李四, 独居老人
  ASSERT_GT(li, 0);
  auto app = Call("POST", "/api/v1/reliefs", nanguan, json{{"resident_id", li}}.dump());
  ASSERT_EQ(app.status, 201) << app.raw;
  EXPECT_EQ(app.body["eligible"], true);
  EXPECT_EQ(app.body["eligible_rule"], "elderly_alone");
  const std::string base = "/api/v1/reliefs/" + std::to_string(app.body["id"].get<int64_t>());
  EXPECT_EQ(Call("GET", base, kuancheng).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/reliefs", kuancheng, json{{"resident_id", li}}.dump()).status, 404);
  ASSERT_EQ(Call("POST", base + "/actions", nanguan, json{{"action", "approve"}}.dump()).status, 200);
  auto no_ref = Call("POST", base + "/actions", nanguan, json{{"action", "pay"}}.dump());
  ExpectProblem(no_ref, 422);
  EXPECT_EQ(Call("GET", base, nanguan).body["state"], "approved");
  auto paid = Call("POST", base + "/actions", nanguan, json{{"action", "pay"}, {"payment_ref", "MZ-2026-001"}}.dump());
  ASSERT_EQ(paid.status, 200) << paid.raw;
  EXPECT_EQ(paid.body["state"], "paid");
  EXPECT_EQ(paid.body["amount_fen"], 50000);
  auto totals = Call("GET", "/api/v1/reliefs/totals", nanguan);
  ASSERT_EQ(totals.status, 200) << totals.raw;
  ASSERT_FALSE(totals.body["items"].empty());
  EXPECT_GE(totals.body["items"][0]["paid_fen"].get<int64_t>(), 50000);
}

}  // namespace
}  // namespace tc::testing
