// Black-box tests of mass testing over HTTP: sites, a round, scans one by one and in
// bulk (NDJSON, CSV) with bad lines and resends, a positive pool's fan-out, results
// with bad input, coverage and the door list, a resident's own results, the planner —
// and who may see what: a sampler only their site's tubes, a grid worker only their
// buildings, a resident only themselves.
#include <chrono>
#include <ctime>

#include "api_fixture.h"

namespace tc::testing {
namespace {

using nlohmann::json;

class TestingApi : public Api {
 protected:
  int64_t ResidentId(const std::string& admin, const std::string& id_number) {
    auto r = Call("GET", "/api/v1/residents?id_number=" + id_number, admin);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["items"].empty() ? 0 : r.body["items"][0]["id"].get<int64_t>();
  }
};

TEST_F(TestingApi, ARoundFromSitesToResultsWithWhoMaySeeWhat) {
  const std::string admin = Login("admin");
  // Sites in each district, each with its sampler; a lab.
  auto site = Call("POST", "/api/v1/testing/sites", admin,
                   json{{"code", "YJ-01"}, {"name", "永吉社区采样点"}, {"area", "220102001001"},
                        {"hours", "07:00-21:00"}, {"lanes", 2}, {"per_hour", 120}, {"staff", {"sampler-yongji"}}}
                       .dump());
  ASSERT_EQ(site.status, 201) << site.raw;
  ASSERT_EQ(Call("POST", "/api/v1/testing/sites", admin,
                 json{{"code", "XF-01"}, {"name", "新发社区采样点"}, {"area", "220103001001"}, {"hours", "08:00-20:00"},
                      {"lanes", 1}, {"per_hour", 100}, {"staff", {"sampler-xinfa"}}}
                     .dump())
                .status,
            201);
  auto bad_site = Call("POST", "/api/v1/testing/sites", admin,
                       json{{"code", "BAD"}, {"name", "x"}, {"area", "220102001001"}, {"hours", "9-5"}, {"lanes", 0},
                            {"per_hour", 100}}
                           .dump());
  ExpectProblem(bad_site, 422);
  EXPECT_EQ(ErrorFields(bad_site), (std::set<std::string>{"hours", "lanes"}));
  ASSERT_EQ(Call("POST", "/api/v1/testing/labs", admin,
                 json{{"code", "LAB-1"}, {"name", "市疾控中心"}, {"capacity_per_day", 40000}}.dump())
                .status,
            201);
  // An operator of 宽城 cannot put a site in 南关: to them it does not exist.
  auto outside = Call("POST", "/api/v1/testing/sites", Login("kuancheng-op"),
                      json{{"code", "K-X"}, {"name", "x"}, {"area", "220102001001"}, {"hours", "08:00-20:00"},
                           {"lanes", 1}, {"per_hour", 100}}
                          .dump());
  ExpectProblem(outside, 422);
  EXPECT_EQ(ErrorFields(outside), std::set<std::string>{"area"});

  const std::string today = ShanghaiDate(NowMs());
  auto round = Call("POST", "/api/v1/testing/rounds", admin,
                    json{{"name", "全员核酸第1轮"}, {"areas", {"220100000000"}}, {"starts_on", today},
                         {"ends_on", today}, {"pool_size", 2}}
                        .dump());
  ASSERT_EQ(round.status, 201) << round.raw;
  const int64_t rid = round.body["id"];
  EXPECT_EQ(round.body["due_count"], 3);
  const std::string r = "/api/v1/testing/rounds/" + std::to_string(rid);

  const int64_t zhang = ResidentId(admin, kNanguanId1), li = ResidentId(admin, kNanguanId2),
                wang = ResidentId(admin, kKuanchengId);
  ASSERT_TRUE(zhang && li && wang);

  // The 永吉 sampler scans 张三 (南关) and 王五 (宽城) onto one tube: it fills (k = 2).
  const std::string sy = Login("sampler-yongji"), sx = Login("sampler-xinfa");
  auto first = Call("POST", r + "/samples", sy, json{{"site", "YJ-01"}, {"tube", "P-0001"}, {"id_number", kNanguanId1}}.dump());
  ASSERT_EQ(first.status, 201) << first.raw;
  EXPECT_EQ(first.body["result"], "registered");
  EXPECT_EQ(first.body["tube"]["members"], 1);
  auto again = Call("POST", r + "/samples", sy, json{{"site", "YJ-01"}, {"tube", "P-0001"}, {"id_number", kNanguanId1}}.dump());
  EXPECT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.body["result"], "already");
  auto second = Call("POST", r + "/samples", sy, json{{"site", "YJ-01"}, {"tube", "P-0001"}, {"person_id", wang}}.dump());
  ASSERT_EQ(second.status, 201) << second.raw;
  EXPECT_TRUE(second.body["tube"]["closed"].get<bool>());
  // 张三 again on another tube: 409 naming the first.
  auto dup = Call("POST", r + "/samples", sy, json{{"site", "YJ-01"}, {"tube", "P-0002"}, {"id_number", kNanguanId1}}.dump());
  ExpectProblem(dup, 409);
  EXPECT_NE(dup.body.value("detail", "").find("P-0001"), std::string::npos) << dup.raw;
  // The 新发 sampler may not scan at 永吉's site, nor see its tubes.
  auto foreign = Call("POST", r + "/samples", sx, json{{"site", "YJ-01"}, {"tube", "P-0003"}, {"person_id", li}}.dump());
  ExpectProblem(foreign, 422);
  EXPECT_EQ(ErrorFields(foreign), std::set<std::string>{"site"});
  ExpectLikeMissing(Call("GET", "/api/v1/testing/tubes/P-0001", sx), Call("GET", "/api/v1/testing/tubes/P-NONE", sx),
                    "P-0001", "P-NONE");
  auto own_tube = Call("GET", "/api/v1/testing/tubes/P-0001", sy);
  ASSERT_EQ(own_tube.status, 200) << own_tube.raw;
  EXPECT_EQ(own_tube.body["members"].size(), 2u);
  EXPECT_EQ(own_tube.body["members"][0]["phone"], "138****5678") << "phones masked";
  // A sampler cannot read coverage (no testing.read), but sees the labs to hand tubes to.
  ExpectProblem(Call("GET", r + "/coverage", sy), 403);
  auto labs = Call("GET", "/api/v1/testing/labs", sy);
  ASSERT_EQ(labs.status, 200) << labs.raw;
  EXPECT_EQ(labs.body["items"][0]["code"], "LAB-1");

  // Bulk from a site that lost its network: NDJSON with a bad line; the resend changes nothing.
  const std::string ndjson = "{\"site\":\"XF-01\",\"tube\":\"X-0001\",\"id_number\":\"" + kNanguanId2 + "\",\"close\":true}\n" +
                             "{\"site\":\"XF-01\",\"tube\":\"X-0002\",\"id_number\":\"12345\"}\n" + "this is not json\n";
  auto bulk = Call("POST", r + "/samples/bulk", sx, ndjson, "application/x-ndjson");
  ASSERT_EQ(bulk.status, 200) << bulk.raw;
  EXPECT_EQ(bulk.body["accepted"], 1);
  EXPECT_EQ(bulk.body["rejected"], 2);
  EXPECT_EQ(bulk.body["errors"][0]["line"], 2);
  EXPECT_EQ(bulk.body["errors"][0]["field"], "id_number");
  EXPECT_EQ(bulk.body["errors"][1]["line"], 3);
  auto resent = Call("POST", r + "/samples/bulk", sx, ndjson, "application/x-ndjson");
  EXPECT_EQ(resent.body["accepted"], 0);
  EXPECT_EQ(resent.body["already"], 1);
  auto csv = Call("POST", r + "/samples/bulk", sx, "采样点,试管码,身份证号\nXF-01,X-0001," + kNanguanId2 + "\n", "text/csv");
  EXPECT_EQ(csv.body["already"], 1) << csv.raw;

  // Coverage: everyone due was sampled.
  auto cov = Call("GET", r + "/coverage", admin);
  ASSERT_EQ(cov.status, 200) << cov.raw;
  EXPECT_EQ(cov.body["node"]["due"], 3);
  EXPECT_EQ(cov.body["node"]["sampled"], 3);
  EXPECT_EQ(cov.body["node"]["not_sampled"], 0);
  EXPECT_EQ(cov.body["children"].size(), 2u);

  // Results: a lab technician reports; bad lines name the record and field.
  const std::string lab = Login("lab-tech");
  ExpectProblem(Call("POST", "/api/v1/testing/results", sy, json{{"tube", "P-0001"}, {"result", "negative"}}.dump()), 403);
  auto never = Call("POST", "/api/v1/testing/results", lab, json{{"tube", "NOPE"}, {"result", "negative"}}.dump());
  ExpectProblem(never, 422);
  EXPECT_NE(never.body.value("detail", "").find("NOPE was never registered"), std::string::npos);
  auto positive = Call("POST", "/api/v1/testing/results", lab,
                       json{{"tube", "P-0001"}, {"result", "positive"}, {"ct", 27.5}}.dump());
  ASSERT_EQ(positive.status, 200) << positive.raw;
  EXPECT_EQ(positive.body["followups"], 2);
  auto conflicting = Call("POST", "/api/v1/testing/results", lab, json{{"tube", "P-0001"}, {"result", "negative"}}.dump());
  ExpectProblem(conflicting, 409);
  auto lab_csv = Call("POST", "/api/v1/testing/results/bulk", lab,
                      "试管码,结果,CT值\nX-0001,阴性,\nX-0001,阳性,\nZZZ,阴性,\nX-0001,bad,\n", "text/csv");
  ASSERT_EQ(lab_csv.status, 200) << lab_csv.raw;
  EXPECT_EQ(lab_csv.body["applied"], 1);
  EXPECT_EQ(lab_csv.body["rejected"], 3);

  // Follow-ups: the 永吉 grid worker sees 张三's door task only; 宽城's operator 王五's.
  auto grid = Call("GET", "/api/v1/testing/followups?status=open", Login("grid-yongji"));
  ASSERT_EQ(grid.status, 200) << grid.raw;
  ASSERT_EQ(grid.body["items"].size(), 1u);
  EXPECT_EQ(grid.body["items"][0]["resident_id"], zhang);
  EXPECT_EQ(grid.body["items"][0]["building_code"], "220102001001-001-01");
  EXPECT_EQ(grid.body["items"][0]["isolation"], "home");
  auto kc = Call("GET", "/api/v1/testing/followups", Login("kuancheng-op"));
  ASSERT_EQ(kc.body["items"].size(), 1u);
  EXPECT_EQ(kc.body["items"][0]["resident_id"], wang);

  // The retest of 张三 at 永吉 comes back positive: a suspected case for the investigators.
  auto retest = Call("POST", r + "/samples", sy,
                     json{{"site", "YJ-01"}, {"tube", "R-0001"}, {"person_id", zhang}, {"retest", true}}.dump());
  ASSERT_EQ(retest.status, 201) << retest.raw;
  ASSERT_EQ(Call("POST", "/api/v1/testing/results", lab, json{{"tube", "R-0001"}, {"result", "positive"}}.dump()).status,
            200);
  auto cases = Call("GET", "/api/v1/cases?kind=suspected", admin);
  ASSERT_EQ(cases.status, 200) << cases.raw;
  bool found = false;
  for (const auto& c : cases.body["items"]) found = found || c["resident_id"] == zhang;
  EXPECT_TRUE(found) << "IndividualPositive became a suspected case: " << cases.raw;

  // The door list of 南关's building: nobody left (both sampled); a building outside the
  // grid worker's node answers as one that does not exist.
  auto door = Call("GET", r + "/door-list?area=220102001001-001-01", Login("grid-yongji"));
  ASSERT_EQ(door.status, 200) << door.raw;
  EXPECT_EQ(door.body["not_sampled"], 0);
  ExpectLikeMissing(Call("GET", r + "/door-list?area=220103001001-001-01", Login("grid-yongji")),
                    Call("GET", r + "/door-list?area=220102001001-001-99", Login("grid-yongji")),
                    "220103001001-001-01", "220102001001-001-99");

  // A resident's own account sees their own results, and only those.
  auto account = Call("POST", "/api/v1/users", admin,
                      json{{"username", "zhang-self"}, {"password", kPassword}, {"role", "resident"},
                           {"area_code", "220102001001"}, {"resident_id", zhang}}
                          .dump());
  ASSERT_EQ(account.status, 201) << account.raw;
  const std::string self = Login("zhang-self");
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", self).body["resident_id"], zhang);
  auto mine = Call("GET", "/api/v1/testing/me", self);
  ASSERT_EQ(mine.status, 200) << mine.raw;
  EXPECT_EQ(mine.body["resident_id"], zhang);
  ASSERT_EQ(mine.body["items"].size(), 2u);
  EXPECT_EQ(mine.body["items"][0]["tube"], "R-0001");
  EXPECT_EQ(mine.body["items"][0]["result"], "positive");
  ExpectProblem(Call("GET", "/api/v1/testing/residents/" + std::to_string(wang) + "/results", Login("zhang-self")), 403);
  ExpectProblem(Call("GET", "/api/v1/testing/me", Login("hotline")), 404);
  auto wrong_home = Call("POST", "/api/v1/users", admin,
                         json{{"username", "wang-self"}, {"password", kPassword}, {"role", "resident"},
                              {"area_code", "220102001001"}, {"resident_id", wang}}
                             .dump());
  ExpectProblem(wrong_home, 422);
  EXPECT_EQ(ErrorFields(wrong_home), std::set<std::string>{"resident_id"});
}

TEST_F(TestingApi, ThePlannerAnswersForAnyPrevalence) {
  const std::string admin = Login("admin");
  auto plan = Call("GET", "/api/v1/testing/plan?prevalence=0.01&capacity=458000&population=9070000", admin);
  ASSERT_EQ(plan.status, 200) << plan.raw;
  EXPECT_EQ(plan.body["best_pool_size"], 11);
  EXPECT_NEAR(plan.body["tests_per_person"].get<double>(), 0.1956, 1e-4);
  EXPECT_EQ(plan.body["curve"].size(), 20u);
  EXPECT_GT(plan.body["people_per_day"].get<int64_t>(), 2'000'000);
  auto high = Call("GET", "/api/v1/testing/plan?prevalence=0.4", admin);
  EXPECT_EQ(high.body["best_pool_size"], 1);
  EXPECT_TRUE(high.body["individual_wins"].get<bool>());
  auto bad = Call("GET", "/api/v1/testing/plan?prevalence=abc", admin);
  ExpectProblem(bad, 422);
  EXPECT_EQ(ErrorFields(bad), std::set<std::string>{"prevalence"});
  ExpectProblem(Call("GET", "/api/v1/testing/plan?prevalence=2", admin), 422);
}

}  // namespace
}  // namespace tc::testing
