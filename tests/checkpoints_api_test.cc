// Black-box tests of checkpoints (卡口) and transport permits (通行证) over HTTP: a
// resident's real code scanned by the staff named on a checkpoint, the live colour
// winning over the payload's, refused payloads logged, manual entries, the masked
// passage log and statistics — with jurisdiction: another district's operator gets
// 404 for the checkpoint and its log, unnamed staff cannot scan. And the public
// endpoints of issue 17: today's risk areas and the verification keys, without a token.
#include "api_fixture.h"

namespace tc::testing {
namespace {

using nlohmann::json;

// A suite of its own: a fresh database and server, so colours start green.
class CheckpointsApi : public Api {
 protected:
  static int64_t ResidentId(const std::string& admin, const std::string& id_number) {
    auto r = Call("GET", "/api/v1/residents?id_number=" + id_number, admin);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["items"].empty() ? 0 : r.body["items"][0]["id"].get<int64_t>();
  }
  // A resident's own account, logged in; its current code's payload.
  static std::string PayloadOf(const std::string& admin, const std::string& username, int64_t resident,
                               const std::string& community) {
    auto made = Call("POST", "/api/v1/users", admin,
                     json{{"username", username},
                          {"password", kPassword},
                          {"role", "resident"},
                          {"area_code", community},
                          {"resident_id", resident}}
                         .dump());
    EXPECT_EQ(made.status, 201) << made.raw;
    auto me = Call("GET", "/api/v1/healthcode/me", Login(username));
    EXPECT_EQ(me.status, 200) << me.raw;
    return me.body.value("payload", "");
  }
  static Resp Scan(const std::string& token, const std::string& checkpoint, const std::string& payload) {
    return Call("POST", "/api/v1/checkpoints/" + checkpoint + "/scan", token, json{{"payload", payload}}.dump());
  }
};

TEST_F(CheckpointsApi, ScansDecideByTheLiveColourAndTheLogIsMaskedAndKeptInItsDistrict) {
  const std::string admin = Login("admin");
  auto made = Call("POST", "/api/v1/checkpoints", admin,
                   json{{"code", "NG-G1"},
                        {"name", "京哈高速长春南收费站"},
                        {"kind", "highway"},
                        {"area_code", "220102001000"},
                        {"staff", {"checkpoint-g1"}}}
                       .dump());
  ASSERT_EQ(made.status, 201) << made.raw;
  EXPECT_EQ(made.body["area_name"], "永吉街道");
  EXPECT_EQ(made.body["staff"], json::array({"checkpoint-g1"}));
  auto bad_kind =
      Call("POST", "/api/v1/checkpoints", admin,
           json{{"code", "NG-X"}, {"name", "x"}, {"kind", "checkpoint"}, {"area_code", "220102001000"}}.dump());
  ExpectProblem(bad_kind, 422);
  EXPECT_EQ(ErrorFields(bad_kind), std::set<std::string>{"kind"});
  // 宽城's operator cannot put a checkpoint in 南关: to them the area does not exist.
  auto outside_area =
      Call("POST", "/api/v1/checkpoints", Login("kuancheng-op"),
           json{{"code", "KC-X"}, {"name", "x"}, {"kind", "other"}, {"area_code", "220102001000"}}.dump());
  ExpectProblem(outside_area, 422);
  EXPECT_EQ(ErrorFields(outside_area), std::set<std::string>{"area_code"});

  const int64_t zhang = ResidentId(admin, kNanguanId1), wang = ResidentId(admin, kKuanchengId);
  ASSERT_TRUE(zhang && wang);
  const std::string zhang_code = PayloadOf(admin, "resident-zhang", zhang, "220102001001");
  const std::string wang_code = PayloadOf(admin, "resident-wang", wang, "220103001001");
  ASSERT_TRUE(zhang_code.starts_with("TC1.")) << zhang_code;

  // The named staff scan: green passes.
  const std::string staff = Login("checkpoint-g1");
  auto green = Scan(staff, "NG-G1", zhang_code + "\r\n");
  ASSERT_EQ(green.status, 200) << green.raw;
  EXPECT_EQ(green.body["decision"], "pass");
  EXPECT_EQ(green.body["colour"], "green");
  EXPECT_EQ(green.body["kind"], "health_code");
  EXPECT_EQ(green.body["verified"], true);
  EXPECT_EQ(green.body["reason"], "绿码，通行");
  EXPECT_TRUE(green.body["plate"].is_null());
  EXPECT_FALSE(green.body["expires_at"].is_null());
  EXPECT_GT(green.body["passage_id"].get<int64_t>(), 0);
  EXPECT_EQ(green.raw.find(kNanguanId1), std::string::npos);

  // 新发社区 declared medium after 王五's code was issued green: the live yellow wins.
  auto declared = Call("POST", "/api/v1/risk-areas/declare", admin,
                       json{{"codes", {"220103001001"}}, {"level", "medium"}, {"reason", "周边发现病例"}}.dump());
  ASSERT_EQ(declared.status, 200) << declared.raw;
  auto yellow = Scan(staff, "NG-G1", wang_code);
  ASSERT_EQ(yellow.status, 200) << yellow.raw;
  EXPECT_EQ(yellow.body["decision"], "test");
  EXPECT_EQ(yellow.body["colour"], "yellow");
  EXPECT_EQ(yellow.body["colour_seen"], "green");
  EXPECT_NE(yellow.body.value("reason", "").find("实时状态已变为黄码"), std::string::npos) << yellow.raw;

  // A tampered code is denied with its reason, and logged.
  std::string tampered = zhang_code;
  tampered[44] = tampered[44] == 'A' ? 'B' : 'A';
  auto forged = Scan(staff, "NG-G1", tampered);
  ASSERT_EQ(forged.status, 200) << forged.raw;
  EXPECT_EQ(forged.body["decision"], "deny");
  EXPECT_EQ(forged.body["refusal"], "bad_signature");
  EXPECT_EQ(forged.body["verified"], false);
  EXPECT_NE(forged.body.value("reason", "").find("篡改或伪造"), std::string::npos) << forged.raw;

  // Manual entries: a vehicle without a permit; denying needs a reason.
  auto no_reason = Call("POST", "/api/v1/checkpoints/NG-G1/passages", staff,
                        json{{"plate", "吉A12345"}, {"decision", "deny"}}.dump());
  ExpectProblem(no_reason, 422);
  EXPECT_EQ(ErrorFields(no_reason), std::set<std::string>{"reason"});
  auto vehicle = Call("POST", "/api/v1/checkpoints/NG-G1/passages", staff,
                      json{{"plate", "吉A12345"}, {"decision", "deny"}, {"reason", "无通行证，劝返"}}.dump());
  ASSERT_EQ(vehicle.status, 201) << vehicle.raw;
  EXPECT_EQ(vehicle.body["kind"], "vehicle");

  // Unnamed staff cannot scan there, and another district's operator cannot see it:
  // both answered exactly as for a checkpoint that does not exist.
  const std::string other = Login("checkpoint-other"), kuancheng = Login("kuancheng-op");
  ExpectLikeMissing(Scan(other, "NG-G1", zhang_code), Scan(other, "NOPE", zhang_code), "NG-G1", "NOPE");
  ExpectLikeMissing(Call("GET", "/api/v1/checkpoints/NG-G1/passages", other),
                    Call("GET", "/api/v1/checkpoints/NOPE/passages", other), "NG-G1", "NOPE");
  for (const std::string suffix : {"", "/passages", "/stats"}) {
    ExpectLikeMissing(Call("GET", "/api/v1/checkpoints/NG-G1" + suffix, kuancheng),
                      Call("GET", "/api/v1/checkpoints/NOPE" + suffix, kuancheng), "NG-G1", "NOPE");
  }
  ExpectLikeMissing(Call("PUT", "/api/v1/checkpoints/NG-G1/staff", kuancheng, json{{"staff", {"x"}}}.dump()),
                    Call("PUT", "/api/v1/checkpoints/NOPE/staff", kuancheng, json{{"staff", {"x"}}}.dump()), "NG-G1",
                    "NOPE");
  ExpectProblem(Scan(kuancheng, "NG-G1", zhang_code), 403);  // an operator manages, does not scan
  EXPECT_TRUE(Call("GET", "/api/v1/checkpoints", other).body["items"].empty());
  EXPECT_TRUE(Call("GET", "/api/v1/checkpoints", kuancheng).body["items"].empty());
  auto mine = Call("GET", "/api/v1/checkpoints", staff);
  ASSERT_EQ(mine.body["items"].size(), 1u) << mine.raw;
  EXPECT_EQ(mine.body["items"][0]["code"], "NG-G1");

  // The log, newest first, for 南关's operator: names masked, no ID number; plates shown.
  auto log = Call("GET", "/api/v1/checkpoints/NG-G1/passages", Login("nanguan-op"));
  ASSERT_EQ(log.status, 200) << log.raw;
  ASSERT_EQ(log.body["items"].size(), 4u) << log.raw;
  EXPECT_EQ(log.body["items"][0]["plate"], "吉A12345");
  EXPECT_EQ(log.body["items"][1]["refusal"], "bad_signature");
  EXPECT_EQ(log.body["items"][2]["person_name"], "王*");
  EXPECT_EQ(log.body["items"][3]["person_name"], "张*");
  EXPECT_EQ(log.body["items"][3]["decision"], "pass");
  EXPECT_EQ(log.body["items"][3]["operator"], "checkpoint-g1");
  for (const std::string& personal :
       {kNanguanId1, kKuanchengId, std::string("张三"), std::string("王五"), std::string("13812345678")}) {
    EXPECT_EQ(log.raw.find(personal), std::string::npos) << personal;
  }
  const int64_t newest = log.body["items"][0]["id"];
  auto polled = Call("GET", "/api/v1/checkpoints/NG-G1/passages?after_id=" + std::to_string(newest - 1), staff);
  ASSERT_EQ(polled.status, 200) << polled.raw;
  EXPECT_EQ(polled.body["items"].size(), 1u);

  // Statistics: today's hours and totals, and per checkpoint under the caller's node.
  auto stats = Call("GET", "/api/v1/checkpoints/NG-G1/stats", staff);
  ASSERT_EQ(stats.status, 200) << stats.raw;
  ASSERT_EQ(stats.body["hours"].size(), 24u);
  EXPECT_EQ(stats.body["totals"],
            (json{{"pass", 1}, {"deny", 2}, {"test", 1}, {"green", 1}, {"yellow", 1}, {"red", 0}, {"permits", 0}}));
  ExpectProblem(Call("GET", "/api/v1/checkpoints/NG-G1/stats?date=2022-13-01", staff), 422);
  auto all = Call("GET", "/api/v1/checkpoints/stats?under=220102000000", Login("nanguan-op"));
  ASSERT_EQ(all.status, 200) << all.raw;
  ASSERT_EQ(all.body["items"].size(), 1u) << all.raw;
  EXPECT_EQ(all.body["items"][0]["totals"], stats.body["totals"]);
  EXPECT_TRUE(Call("GET", "/api/v1/checkpoints/stats", kuancheng).body["items"].empty());

  // The staff list: 南关's operator names checkpoint-other, who may then scan.
  auto set = Call("PUT", "/api/v1/checkpoints/NG-G1/staff", Login("nanguan-op"),
                  json{{"staff", {"checkpoint-g1", "checkpoint-other"}}}.dump());
  ASSERT_EQ(set.status, 200) << set.raw;
  EXPECT_EQ(Scan(other, "NG-G1", zhang_code).status, 200);

  // Leave the risk level as it was.
  EXPECT_EQ(Call("POST", "/api/v1/risk-areas/declare", admin,
                 json{{"codes", {"220103001001"}}, {"level", "low"}, {"reason", "解除"}}.dump())
                .status,
            200);
}

TEST_F(CheckpointsApi, PermitsAreSignedScannedRevokedAndKeptInTheIssuersDistrict) {
  const std::string admin = Login("admin"), nanguan = Login("nanguan-op");
  ASSERT_EQ(Call("POST", "/api/v1/checkpoints", admin,
                 json{{"code", "NG-P1"},
                      {"name", "南关物资中转站"},
                      {"kind", "station"},
                      {"area_code", "220102000000"},
                      {"staff", {"checkpoint-g1"}}}
                     .dump())
                .status,
            201);
  const std::string today = ShanghaiDate(NowMs()), tomorrow = ShanghaiDate(NowMs() + 86'400'000);
  auto bad = Call(
      "POST", "/api/v1/permits", nanguan,
      json{{"plate", "吉A00001"}, {"note", std::string(65, 'x')}, {"valid_from", today}, {"valid_until", "tomorrow"}}
          .dump());
  ExpectProblem(bad, 422);
  EXPECT_EQ(ErrorFields(bad), std::set<std::string>{"valid_until"});
  auto long_note =
      Call("POST", "/api/v1/permits", nanguan,
           json{{"plate", "吉A00001"}, {"note", std::string(65, 'x')}, {"valid_from", today}, {"valid_until", tomorrow}}
               .dump());
  ExpectProblem(long_note, 422);
  EXPECT_EQ(ErrorFields(long_note), std::set<std::string>{"note"});

  auto permit = Call(
      "POST", "/api/v1/permits", nanguan,
      json{{"plate", "吉A00001"}, {"note", "蔬菜 长春—吉林"}, {"valid_from", today}, {"valid_until", tomorrow}}.dump());
  ASSERT_EQ(permit.status, 201) << permit.raw;
  const int64_t id = permit.body["id"];
  const std::string payload = permit.body["payload"];
  EXPECT_TRUE(payload.starts_with("TC1.")) << payload;
  EXPECT_NE(permit.body.value("qr_svg", "").find("<svg"), std::string::npos);
  EXPECT_EQ(permit.body["status"], "valid");

  const std::string staff = Login("checkpoint-g1");
  auto ok = Scan(staff, "NG-P1", payload);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["decision"], "pass");
  EXPECT_EQ(ok.body["kind"], "permit");
  EXPECT_EQ(ok.body["plate"], "吉A00001");
  EXPECT_TRUE(ok.body["colour"].is_null());

  // 宽城's operator neither lists nor sees nor revokes 南关's permit.
  const std::string kuancheng = Login("kuancheng-op");
  EXPECT_TRUE(Call("GET", "/api/v1/permits", kuancheng).body["items"].empty());
  const std::string ref = std::to_string(id), missing = std::to_string(id + 1000);
  ExpectLikeMissing(Call("GET", "/api/v1/permits/" + ref, kuancheng),
                    Call("GET", "/api/v1/permits/" + missing, kuancheng), ref, missing);
  ExpectLikeMissing(Call("POST", "/api/v1/permits/" + ref + "/revoke", kuancheng, json{{"reason", "x"}}.dump()),
                    Call("POST", "/api/v1/permits/" + missing + "/revoke", kuancheng, json{{"reason", "x"}}.dump()),
                    ref, missing);
  ExpectProblem(Call("GET", "/api/v1/permits", staff), 403);

  auto shown = Call("GET", "/api/v1/permits/" + ref, admin);
  ASSERT_EQ(shown.status, 200) << shown.raw;
  EXPECT_EQ(shown.body["payload"], payload);
  auto list = Call("GET", "/api/v1/permits", nanguan);
  ASSERT_EQ(list.body["items"].size(), 1u) << list.raw;
  EXPECT_FALSE(list.body["items"][0].contains("payload"));

  auto revoked = Call("POST", "/api/v1/permits/" + ref + "/revoke", nanguan, json{{"reason", "车辆信息不符"}}.dump());
  ASSERT_EQ(revoked.status, 200) << revoked.raw;
  EXPECT_EQ(revoked.body["status"], "revoked");
  ExpectProblem(Call("POST", "/api/v1/permits/" + ref + "/revoke", nanguan, json{{"reason", "again"}}.dump()), 409);
  auto denied = Scan(staff, "NG-P1", payload);
  ASSERT_EQ(denied.status, 200) << denied.raw;
  EXPECT_EQ(denied.body["decision"], "deny");
  EXPECT_EQ(denied.body["reason"], "通行证已撤销");

  auto stats = Call("GET", "/api/v1/checkpoints/NG-P1/stats?date=" + today, staff);
  ASSERT_EQ(stats.status, 200) << stats.raw;
  EXPECT_EQ(stats.body["totals"]["permits"], 2);
  EXPECT_EQ(stats.body["totals"]["pass"], 1);
  EXPECT_EQ(stats.body["totals"]["deny"], 1);
}

TEST_F(CheckpointsApi, ThePublicRiskListAndTheKeysNeedNoTokenAndRevealNoPersonalData) {
  auto before = Call("GET", "/api/v1/public/risk-areas");
  ASSERT_EQ(before.status, 200) << before.raw;
  const std::string etag_before = before.Header("ETag");
  EXPECT_FALSE(etag_before.empty());
  ASSERT_EQ(Call("POST", "/api/v1/risk-areas/declare", Login("admin"),
                 json{{"codes", {"220103001001"}}, {"level", "high"}, {"reason", "确诊病例居住地"}}.dump())
                .status,
            200);
  auto list = Call("GET", "/api/v1/public/risk-areas");
  ASSERT_EQ(list.status, 200) << list.raw;
  const std::string etag = list.Header("ETag");
  EXPECT_NE(etag, etag_before) << "a changed level changes the list";
  EXPECT_NE(list.raw.find("新发社区"), std::string::npos) << list.raw;
  for (const std::string& personal :
       {kKuanchengId, std::string("王五"), std::string("13712345678"), std::string("admin")}) {
    EXPECT_EQ(list.raw.find(personal), std::string::npos) << personal << " in " << list.raw;
  }
  auto cached = Call("GET", "/api/v1/public/risk-areas", "", "", "application/json", {{"If-None-Match", etag}});
  EXPECT_EQ(cached.status, 304) << cached.raw;
  EXPECT_TRUE(cached.raw.empty());
  EXPECT_EQ(Call("GET", "/api/v1/public/risk-areas", "", "", "application/json", {{"If-None-Match", "\"old\""}}).status,
            200);

  auto keys = Call("GET", "/api/v1/healthcode/keys");
  ASSERT_EQ(keys.status, 200) << keys.raw;
  EXPECT_EQ(keys.body["format"], "tongchou-healthcode-keys/1");
  ASSERT_FALSE(keys.body["keys"].empty());
  EXPECT_FALSE(keys.body["keys"][0].value("public_key", "").empty());
  EXPECT_EQ(keys.raw.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace tc::testing
