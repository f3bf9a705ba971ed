// Black-box tests of the 12345 hotline over HTTP: intake by an agent (normalised,
// classified, routed), the department's and the community's inboxes, the workflow by
// the people each step belongs to, masked phones with audited unmasking, bad input
// refused with nothing half-written — and Open311 GeoReport v2: every endpoint's JSON
// checked against the spec's field lists (tests/data/open311/georeport_v2.json), its
// errors as the spec's array.
#include "api_fixture.h"
#include "open311_check.h"

namespace tc::testing {
namespace {

using nlohmann::json;

class HotlineApi : public Api {
 protected:
  static void SetUpTestSuite() {
    Api::SetUpTestSuite();
    ReadGeoReportSpec(kGeoReportSpecPath, spec_);
  }
  static json Intake(const std::string& token, json body, int expect = 201) {
    auto r = Call("POST", "/api/v1/hotline/requests", token, body.dump());
    EXPECT_EQ(r.status, expect) << r.raw;
    return r.body;
  }
  static void MakeUser(const std::string& admin, const std::string& name, const std::string& role,
                       const std::string& area) {
    auto r = Call("POST", "/api/v1/users", admin,
                  json{{"username", name}, {"password", kPassword}, {"role", role}, {"area_code", area}}.dump());
    ASSERT_EQ(r.status, 201) << r.raw;
  }
  static std::vector<std::string> Conformance(std::string_view endpoint, const json& reply) {
    return CheckGeoReport(spec_, endpoint, reply);
  }
  static inline json spec_;
};

TEST_F(HotlineApi, AgentIntakeIsNormalisedClassifiedAndRoutedAndTheInboxesSeeTheirOwn) {
  const std::string admin = Login("admin"), agent = Login("hotline");
  // Classification without a request.
  auto top = Call("POST", "/api/v1/hotline/classify", agent, json{{"text", "家里暖气一点都不热，室温才十三度"}}.dump());
  ASSERT_EQ(top.status, 200) << top.raw;
  ASSERT_EQ(top.body["suggestions"].size(), 3u);
  EXPECT_EQ(top.body["suggestions"][0]["code"], "heating");
  EXPECT_FALSE(top.body["suggestions"][0]["department_name"].get<std::string>().empty());
  auto where = Call("POST", "/api/v1/hotline/resolve-address", agent, json{{"address", "南关区春光小區１棟１单元"}}.dump());
  ASSERT_EQ(where.status, 200) << where.raw;
  EXPECT_EQ(where.body["code"], "220102001001-001-01-1");

  auto req = Intake(agent, {{"caller_name", "王女士"}, {"phone", "13800001111"}, {"text", "1棟從昨天開始停水，到現在還沒來水"},
                            {"address", "南关区春光小区1栋1单元"}, {"category", "utilities.water"}});
  EXPECT_EQ(req["text"], "1栋从昨天开始停水，到现在还没来水");
  EXPECT_EQ(req["status"], "dispatched");
  EXPECT_EQ(req["department"], "water");
  EXPECT_EQ(req["area"]["community_code"], "220102001001");
  EXPECT_EQ(req["channel"], "phone");
  const int64_t water_id = req["id"];
  auto heat = Intake(agent, {{"phone", "13800002222"}, {"text", "暖气不热"}, {"address", "宽城区新发社区春光小区1栋"},
                             {"category", "heating"}});
  const int64_t heat_id = heat["id"];
  auto newest = Call("GET", "/api/v1/hotline/requests?order=newest&limit=1", agent);
  ASSERT_EQ(newest.status, 200) << newest.raw;
  EXPECT_EQ(newest.body["items"][0]["id"], heat_id);  // the inbox shows the newest first
  EXPECT_EQ(Call("GET", "/api/v1/hotline/requests?order=sideways", agent).status, 422);

  // A department handler sees its department's requests only; masked phone.
  MakeUser(admin, "water-handler", "department_handler", "220100000000");
  auto staff = Call("PUT", "/api/v1/hotline/departments/water/staff", admin, json{{"staff", {"water-handler"}}}.dump());
  ASSERT_EQ(staff.status, 200) << staff.raw;
  const std::string handler = Login("water-handler");
  auto inbox = Call("GET", "/api/v1/hotline/requests?status=open", handler);
  ASSERT_EQ(inbox.status, 200) << inbox.raw;
  ASSERT_EQ(inbox.body["items"].size(), 1u) << inbox.raw;
  EXPECT_EQ(inbox.body["items"][0]["id"], water_id);
  EXPECT_EQ(inbox.body["items"][0]["phone"], "138****1111");
  EXPECT_EQ(Call("GET", "/api/v1/hotline/requests/" + std::to_string(heat_id), handler).status, 404);
  // The handler cannot unmask; the agent can, and the read is audited.
  EXPECT_EQ(Call("GET", "/api/v1/hotline/requests?unmask=true", handler).status, 403);
  auto full = Call("GET", "/api/v1/hotline/requests/" + std::to_string(water_id) + "?unmask=true", agent);
  ASSERT_EQ(full.status, 200) << full.raw;
  EXPECT_EQ(full.body["phone"], "13800001111");
  auto audit = Call("GET", "/api/v1/audit?action=hotline.unmask", admin);
  ASSERT_EQ(audit.status, 200) << audit.raw;
  EXPECT_FALSE(audit.body["items"].empty()) << audit.raw;
  // 宽城's operator (a community inbox by area) does not see 南关's request.
  EXPECT_EQ(Call("GET", "/api/v1/hotline/requests/" + std::to_string(water_id), Login("kuancheng-op")).status, 404);
  auto kc = Call("GET", "/api/v1/hotline/requests", Login("kuancheng-op"));
  ASSERT_EQ(kc.status, 200);
  ASSERT_EQ(kc.body["items"].size(), 1u);
  EXPECT_EQ(kc.body["items"][0]["id"], heat_id);

  // The workflow by the people each step belongs to.
  const std::string act = "/api/v1/hotline/requests/" + std::to_string(water_id) + "/actions";
  EXPECT_EQ(Call("POST", act, handler, json{{"action", "reassign"}, {"department", "gas"}, {"note", "x"}}.dump()).status, 403);
  auto acc = Call("POST", act, handler, json{{"action", "accept"}}.dump());
  ASSERT_EQ(acc.status, 200) << acc.raw;
  EXPECT_EQ(acc.body["status"], "accepted");
  auto res = Call("POST", act, handler, json{{"action", "resolve"}, {"note", "管线抢修完毕"}}.dump());
  ASSERT_EQ(res.status, 200) << res.raw;
  EXPECT_EQ(res.body["status"], "resolved");
  EXPECT_EQ(Call("POST", act, handler, json{{"action", "callback"}, {"satisfaction", 5}, {"solved", true}}.dump()).status, 403);
  auto cb = Call("POST", act, agent, json{{"action", "callback"}, {"satisfaction", 2}, {"solved", false}, {"note", "还是没水"}}.dump());
  ASSERT_EQ(cb.status, 200) << cb.raw;
  EXPECT_EQ(cb.body["status"], "dispatched");  // dissatisfied: reopened to the same department
  EXPECT_EQ(cb.body["reopen_count"], 1);
  auto detail = Call("GET", "/api/v1/hotline/requests/" + std::to_string(water_id), agent);
  ASSERT_EQ(detail.status, 200);
  std::vector<std::string> steps;
  for (const auto& e : detail.body["log"]) steps.push_back(e["action"]);
  EXPECT_EQ(steps, (std::vector<std::string>{"receive", "accept", "resolve", "callback"}));
  auto rates = Call("GET", "/api/v1/hotline/rates?from=2026-01-01&to=2027-12-31", agent);
  ASSERT_EQ(rates.status, 200) << rates.raw;
  EXPECT_EQ(rates.body["total"]["received"], 2);
  EXPECT_EQ(rates.body["total"]["called_back"], 1);
  EXPECT_EQ(rates.body["total"]["satisfaction_rate"], 0.0);
}

TEST_F(HotlineApi, BadInputIsRefusedByFieldAndWritesNothing) {
  const std::string agent = Login("hotline");
  const auto count = [&] {
    auto r = Call("GET", "/api/v1/hotline/requests?limit=1000", agent);
    EXPECT_EQ(r.status, 200);
    return r.body["items"].size();
  };
  const size_t before = count();
  const auto refused = [&](json body, const std::string& field) {
    auto r = Call("POST", "/api/v1/hotline/requests", agent, body.dump());
    ExpectProblem(r, 422);
    EXPECT_EQ(ErrorFields(r), std::set<std::string>{field}) << r.raw;
  };
  refused({{"text", ""}, {"address", "南关区春光小区1栋"}}, "text");
  refused({{"text", std::string(30'000, 'x')}}, "text");
  refused({{"text", "停水"}, {"category", "plumbing"}}, "category");
  refused({{"text", "停水"}, {"phone", "call me"}}, "phone");
  refused({{"text", "停水"}, {"channel", "fax"}}, "channel");
  refused({{"text", "停水"}, {"colour", "red"}}, "colour");
  // Invalid UTF-8 inside a JSON string.
  auto bad_utf8 = Call("POST", "/api/v1/hotline/requests", agent, std::string("{\"text\": \"\xC3\x28\"}"));
  EXPECT_TRUE(bad_utf8.status == 400 || bad_utf8.status == 422) << bad_utf8.raw;
  // 100 kB is over the body limit: 413 before any route runs.
  auto huge = Call("POST", "/api/v1/hotline/requests", agent, json{{"text", std::string(100'000, 'x')}}.dump());
  EXPECT_EQ(huge.status, 413) << huge.raw;
  // An address that matches nothing is not an error: the request waits for manual dispatch.
  auto nowhere = Intake(agent, {{"text", "路灯坏了"}, {"address", "火星基地"}, {"category", "other"}});
  EXPECT_EQ(nowhere["status"], "pending_dispatch");
  EXPECT_EQ(nowhere["area"]["code"], nullptr);
  EXPECT_EQ(count(), before + 1);
  auto bad_action = Call("POST", "/api/v1/hotline/requests/" + std::to_string(nowhere["id"].get<int64_t>()) + "/actions",
                         agent, json{{"action", "teleport"}}.dump());
  ExpectProblem(bad_action, 422);
  EXPECT_EQ(Call("POST", "/api/v1/hotline/classify", agent, json{{"text", " "}}.dump()).status, 422);
}

TEST_F(HotlineApi, Open311EndpointsCarryTheSpecsFieldsAndErrors) {
  ASSERT_TRUE(spec_.is_object()) << "spec file not read";
  const std::string admin = Login("admin");
  auto services = Call("GET", "/open311/v2/services.json");
  ASSERT_EQ(services.status, 200) << services.raw;
  EXPECT_EQ(Conformance("GET services.json", services.body), std::vector<std::string>{});
  EXPECT_GE(services.body.size(), 17u);
  auto def = Call("GET", "/open311/v2/services/heating.json");
  ASSERT_EQ(def.status, 200) << def.raw;
  EXPECT_EQ(Conformance("GET services/{service_code}.json", def.body), std::vector<std::string>{});
  auto no_service = Call("GET", "/open311/v2/services/utilities.json");  // a parent, not a service
  EXPECT_EQ(no_service.status, 404);
  EXPECT_EQ(Conformance("errors", no_service.body), std::vector<std::string>{});

  const std::string form = "service_code=utilities.water&description=" + std::string("%E5%81%9C%E6%B0%B4%E4%B8%89%E5%A4%A9") +
                           "&address_string=" + "%E5%8D%97%E5%85%B3%E5%8C%BA%E6%98%A5%E5%85%89%E5%B0%8F%E5%8C%BA1%E6%A0%8B" +
                           "&phone=13800003333&first_name=%E4%B8%89&last_name=%E5%BC%A0";
  // Without a key: 403, nothing created.
  auto no_key = Call("POST", "/open311/v2/requests.json", "", form, "application/x-www-form-urlencoded");
  EXPECT_EQ(no_key.status, 403) << no_key.raw;
  EXPECT_EQ(Conformance("errors", no_key.body), std::vector<std::string>{});
  auto key = Call("POST", "/api/v1/hotline/api-keys", admin, json{{"name", "城市服务APP"}}.dump());
  ASSERT_EQ(key.status, 201) << key.raw;
  const std::string api_key = key.body["api_key"];
  auto bad_key = Call("POST", "/open311/v2/requests.json", "", form + "&api_key=nope", "application/x-www-form-urlencoded");
  EXPECT_EQ(bad_key.status, 403);
  auto unknown = Call("POST", "/open311/v2/requests.json", "",
                      "api_key=" + api_key + "&service_code=plumbing&description=x&address_string=y",
                      "application/x-www-form-urlencoded");
  EXPECT_EQ(unknown.status, 404) << unknown.raw;
  EXPECT_EQ(Conformance("errors", unknown.body), std::vector<std::string>{});
  auto no_place = Call("POST", "/open311/v2/requests.json", "",
                       "api_key=" + api_key + "&service_code=heating&description=x", "application/x-www-form-urlencoded");
  EXPECT_EQ(no_place.status, 400) << no_place.raw;
  // Filed.
  auto made = Call("POST", "/open311/v2/requests.json", "", form + "&api_key=" + api_key + "&account_id=u-17",
                   "application/x-www-form-urlencoded");
  ASSERT_EQ(made.status, 201) << made.raw;
  EXPECT_EQ(Conformance("POST requests.json", made.body), std::vector<std::string>{});
  const std::string number = made.body[0]["service_request_id"];
  EXPECT_EQ(made.body[0]["account_id"], "u-17");
  // Shown, public and masked: no caller, no phone, the place cut at the compound.
  auto one = Call("GET", "/open311/v2/requests/" + number + ".json");
  ASSERT_EQ(one.status, 200) << one.raw;
  EXPECT_EQ(Conformance("GET requests/{service_request_id}.json", one.body), std::vector<std::string>{});
  EXPECT_EQ(one.body[0]["status"], "open");
  EXPECT_EQ(one.body[0]["address"], "南关区永吉街道永吉社区春光小区");
  EXPECT_EQ(one.body[0]["address_id"], "220102001001-001");
  EXPECT_EQ(one.raw.find("13800003333"), std::string::npos);
  EXPECT_EQ(one.raw.find("张三"), std::string::npos);
  // The agent's side sees it as an Open311 request.
  auto inside = Call("GET", "/api/v1/hotline/requests/" + std::to_string(std::stoll(number.substr(number.find('-') + 1))),
                     Login("hotline"));
  ASSERT_EQ(inside.status, 200) << inside.raw;
  EXPECT_EQ(inside.body["channel"], "open311");
  auto list = Call("GET", "/open311/v2/requests.json?service_code=utilities.water&status=open");
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_EQ(Conformance("GET requests.json", list.body), std::vector<std::string>{});
  bool found = false;
  for (const auto& r : list.body) found |= r["service_request_id"] == number;
  EXPECT_TRUE(found);
  auto by_id = Call("GET", "/open311/v2/requests.json?service_request_id=" + number);
  ASSERT_EQ(by_id.status, 200);
  EXPECT_EQ(by_id.body.size(), 1u);
  auto closed_only = Call("GET", "/open311/v2/requests.json?status=closed&service_code=utilities.water");
  ASSERT_EQ(closed_only.status, 200);
  for (const auto& r : closed_only.body) EXPECT_EQ(r["status"], "closed");
  // Errors as the spec's array, with the spec's statuses.
  for (const auto& [target, status] : std::vector<std::pair<std::string, int>>{
           {"/open311/v2/requests.json?status=pending", 400},
           {"/open311/v2/requests.json?start_date=yesterday", 400},
           {"/open311/v2/requests.json?service_code=nope", 400},
           {"/open311/v2/requests/99999999.json", 404},
           {"/open311/v2/requests/" + number + ".xml", 404},
           {"/open311/v2/tokens/0123456789abcdef01234567.json", 404},
           {"/open311/v2/services.json?jurisdiction_id=beijing", 404},
           {"/open311/v2/nothing.json", 404}}) {
    auto r = Call("GET", target);
    EXPECT_EQ(r.status, status) << target << " " << r.raw;
    EXPECT_EQ(Conformance("errors", r.body), std::vector<std::string>{}) << target;
  }
  auto ok_jur = Call("GET", "/open311/v2/services.json?jurisdiction_id=220100000000");
  EXPECT_EQ(ok_jur.status, 200);
}

}  // namespace
}  // namespace tc::testing
