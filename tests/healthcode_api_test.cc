// Black-box tests of risk areas and health codes over HTTP: a commander declares a
// community high, its residents' codes turn red with the reason, a resident sees their
// own code and its signed payload verifies offline with the published keys, the public
// list shows the area without anyone's data — and who may do what.
#include "api_fixture.h"
#include "healthcode/codes.h"
#include "healthcode/token.h"

namespace tc::testing {
namespace {

using nlohmann::json;

class HealthCodeApi : public Api {
 protected:
  int64_t ResidentId(const std::string& token, const std::string& id_number) {
    auto r = Call("GET", "/api/v1/residents?id_number=" + id_number, token);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["items"].empty() ? 0 : r.body["items"][0]["id"].get<int64_t>();
  }
  static std::set<std::string> ReasonCodes(const json& code) {
    std::set<std::string> out;
    for (const auto& r : code["reasons"]) out.insert(r["code"].get<std::string>());
    return out;
  }
};

TEST_F(HealthCodeApi, ADeclaredAreaColoursItsResidentsWhoSeeWhyAndCarryAVerifiableCode) {
  const std::string admin = Login("admin"), cmd = Login("nanguan-cmd"), op = Login("kuancheng-op");
  const int64_t li = ResidentId(admin, kNanguanId2);
  ASSERT_GT(li, 0);
  const std::string declare = "/api/v1/risk-areas/declare";
  // An area operator may not declare; a commander only under their node.
  ExpectProblem(Call("POST", declare, op, json{{"codes", {"220103001001"}}, {"level", "high"}, {"reason", "x"}}.dump()), 403);
  auto outside = Call("POST", declare, cmd, json{{"codes", {"220103001001"}}, {"level", "high"}, {"reason", "x"}}.dump());
  ExpectProblem(outside, 422);
  EXPECT_EQ(ErrorFields(outside), std::set<std::string>{"codes[0]"});
  auto no_reason = Call("POST", declare, cmd, json{{"codes", {"220102001001"}}, {"level", "high"}, {"reason", ""}}.dump());
  ExpectProblem(no_reason, 422);
  ExpectProblem(Call("POST", declare, cmd, json{{"codes", {"220102001001"}}, {"level", "purple"}, {"reason", "x"}}.dump()), 422);

  auto declared = Call("POST", declare, cmd,
                       json{{"codes", {"220102001001"}}, {"level", "high"}, {"reason", "社区内发现确诊病例"}}.dump());
  ASSERT_EQ(declared.status, 200) << declared.raw;
  EXPECT_EQ(declared.body["items"][0]["level"], "high");
  EXPECT_EQ(declared.body["items"][0]["declared_by"], "nanguan-cmd");
  auto area = Call("GET", "/api/v1/risk-areas/220102001001", cmd);
  ASSERT_EQ(area.status, 200) << area.raw;
  EXPECT_EQ(area.body["history"][0]["kind"], "declared");
  ExpectProblem(Call("GET", "/api/v1/risk-areas/220102001001", op), 404);

  // The resident's code: red, and why.
  auto code = Call("GET", "/api/v1/residents/" + std::to_string(li) + "/healthcode", cmd);
  ASSERT_EQ(code.status, 200) << code.raw;
  EXPECT_EQ(code.body["colour"], "red");
  EXPECT_TRUE(ReasonCodes(code.body).contains("residence.high")) << code.raw;
  ExpectProblem(Call("GET", "/api/v1/residents/" + std::to_string(li) + "/healthcode", op), 404);

  // Their own account sees the code with a signed payload that verifies offline.
  auto account = Call("POST", "/api/v1/users", admin,
                      json{{"username", "li-self"}, {"password", kPassword}, {"role", "resident"},
                           {"area_code", "220102001001"}, {"resident_id", li}}
                          .dump());
  ASSERT_EQ(account.status, 201) << account.raw;
  auto mine = Call("GET", "/api/v1/healthcode/me", Login("li-self"));
  ASSERT_EQ(mine.status, 200) << mine.raw;
  EXPECT_EQ(mine.body["colour"], "red");
  EXPECT_EQ(mine.body["qr_svg"].get<std::string>().rfind("<svg", 0), 0u);
  EXPECT_GT(mine.body["expires_in_s"].get<int64_t>(), 0);
  const std::string payload = mine.body["payload"];
  EXPECT_EQ(payload.find(kNanguanId2), std::string::npos);
  auto keys_doc = Call("GET", "/api/v1/healthcode/keys");  // no login: checkpoint devices fetch it
  ASSERT_EQ(keys_doc.status, 200) << keys_doc.raw;
  auto keys = healthcode::ParseKeySet(keys_doc.raw);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  auto claims = healthcode::Verify(payload, *keys, NowMs());
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->colour, healthcode::Colour::kRed);
  // The live colour behind the token, for a checkpoint online; a changed token is no one's.
  const std::string token = healthcode::HealthCodes::TokenText(claims->token);
  auto live = Call("GET", "/api/v1/healthcode/status/" + token, admin);
  ASSERT_EQ(live.status, 200) << live.raw;
  EXPECT_EQ(live.body["colour"], "red");
  std::string other = token;
  other[0] = other[0] == '0' ? '1' : '0';
  ExpectProblem(Call("GET", "/api/v1/healthcode/status/" + other, admin), 404);
  ExpectProblem(Call("GET", "/api/v1/healthcode/status/" + token, Login("li-self")), 403);
  ExpectProblem(Call("GET", "/api/v1/healthcode/me", Login("hotline")), 404);

  // The public list: no login, the area, nobody's data; cached by its ETag.
  auto list = Call("GET", "/api/v1/public/risk-areas");
  ASSERT_EQ(list.status, 200) << list.raw;
  bool listed = false;
  for (const auto& a : list.body["high"]) listed |= a["name"] == "永吉社区";
  EXPECT_TRUE(listed) << list.raw;
  for (const char* personal : {"李四", "张三", "220102199001010025", "nanguan-cmd", "13912345678"}) {
    EXPECT_EQ(list.raw.find(personal), std::string::npos) << personal;
  }

  // The command line: export the public keys, issue the resident's code, verify it offline.
  const std::string key_file = WriteTemp("pubkeys.json", "");
  auto exported = RunTongchou({"healthcode", "keys", "--db", *db_, "--out", key_file});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  auto issued = RunTongchou({"healthcode", "issue", "--db", *db_, "--id-number", kNanguanId2});
  ASSERT_EQ(issued.exit_code, 0) << issued.output;
  const size_t at = issued.output.find("TC1.");  // stdout's line (stderr's note may come first)
  ASSERT_NE(at, std::string::npos) << issued.output;
  const std::string cli_payload = issued.output.substr(at, issued.output.find('\n', at) - at);
  auto verified = RunTongchou({"healthcode", "verify", "--keys", key_file, cli_payload});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("red"), std::string::npos) << verified.output;
  auto refused = RunTongchou({"healthcode", "verify", "--keys", key_file, cli_payload.substr(0, cli_payload.size() - 9)});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;

  // Lifted: the residence reason goes.
  ASSERT_EQ(Call("POST", declare, cmd, json{{"codes", {"220102001001"}}, {"level", "low"}, {"reason", "解除"}}.dump()).status,
            200);
  code = Call("GET", "/api/v1/residents/" + std::to_string(li) + "/healthcode", cmd);
  ASSERT_EQ(code.status, 200);
  EXPECT_FALSE(ReasonCodes(code.body).contains("residence.high")) << code.raw;
}

TEST_F(HealthCodeApi, RulesAreTheCitysAndBadRulesNameTheField) {
  const std::string admin = Login("admin");
  auto bad = Call("PUT", "/api/v1/healthcode/rules", admin,
                  json{{"rules", {{"contact", {{"close", "purple"}}}}}, {"reason", "试行"}}.dump());
  ExpectProblem(bad, 422);
  EXPECT_EQ(ErrorFields(bad), std::set<std::string>{"contact.close"});
  ExpectProblem(Call("PUT", "/api/v1/healthcode/rules", Login("nanguan-cmd"),
                     json{{"rules", json::object()}, {"reason", "x"}}.dump()),
                403);
  auto bad_risk = Call("PUT", "/api/v1/risk-areas/rules", admin, json{{"rules", {{"case_days", 0}}}, {"reason", "x"}}.dump());
  ExpectProblem(bad_risk, 422);
  EXPECT_EQ(ErrorFields(bad_risk), std::set<std::string>{"case_days"});
  auto rules = Call("GET", "/api/v1/healthcode/rules", admin);
  ASSERT_EQ(rules.status, 200) << rules.raw;
  EXPECT_EQ(rules.body["current"]["rules"]["test"]["hours"], 72);
  auto recompute = Call("POST", "/api/v1/healthcode/recompute", admin);
  ASSERT_EQ(recompute.status, 200) << recompute.raw;
  EXPECT_EQ(recompute.body["changed"], 0);
  EXPECT_GE(recompute.body["residents"].get<int64_t>(), 3);
}

}  // namespace
}  // namespace tc::testing
