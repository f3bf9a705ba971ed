// Black-box tests of the special-care roster (特殊群体关爱) over HTTP: a grid worker's own
// call list and nobody else's, calls with bad input refused naming the field, two missed
// calls escalating to the commander's list, a need become a task and closed once, and
// the rules only the city's admin sets.
#include "api_fixture.h"

namespace tc::testing {
namespace {

using nlohmann::json;

class CareApi : public Api {
 protected:
  static int64_t ResidentId(const std::string& token, const std::string& id_number) {
    auto r = Call("GET", "/api/v1/residents?id_number=" + id_number, token);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["items"].empty() ? 0 : r.body["items"][0].value("id", int64_t{0});
  }
  static Resp Record(const std::string& token, const json& body) {
    return Call("POST", "/api/v1/care/calls", token, body.dump());
  }
  static const json* Find(const json& items, int64_t resident) {
    for (const auto& i : items) {
      if (i.value("resident_id", int64_t{0}) == resident) return &i;
    }
    return nullptr;
  }
};

TEST_F(CareApi, AGridWorkerCallsTheirOwnListAndMissedCallsAndNeedsReachTheCommand) {
  const std::string admin = Login("admin");
  // A second grid worker, in 新发社区 of the other district.
  auto made = Call("POST", "/api/v1/users", admin,
                   json{{"username", "grid-xinfa"}, {"password", kPassword}, {"role", "grid_worker"},
                        {"area_code", "220103001001"}}
                       .dump());
  ASSERT_EQ(made.status, 201) << made.raw;
  const std::string grid = Login("grid-yongji"), xinfa = Login("grid-xinfa"), cmd = Login("nanguan-cmd"),
                    nanguan = Login("nanguan-op"), kuancheng = Login("kuancheng-op");
  const int64_t li = ResidentId(admin, kNanguanId2), zhang = ResidentId(admin, kNanguanId1);  // 独居老人; 慢性病
  ASSERT_GT(li, 0);

  // The worker's own list: 李四 (elderly living alone), not 张三 (chronic illness only).
  auto mine = Call("GET", "/api/v1/care/lists?unmask=true", grid);
  ASSERT_EQ(mine.status, 200) << mine.raw;
  ASSERT_EQ(mine.body["items"].size(), 1u) << mine.raw;
  const json& list = mine.body["items"][0];
  EXPECT_EQ(list["caller"]["username"], "grid-yongji");
  const json* entry = Find(list["entries"], li);
  ASSERT_NE(entry, nullptr) << mine.raw;
  EXPECT_EQ((*entry)["name"], "李四");
  EXPECT_EQ((*entry)["phone"], "13912345678");
  EXPECT_EQ((*entry)["kinds"], json::array({"elderly_alone"}));
  EXPECT_EQ(Find(list["entries"], zhang), nullptr);
  // Another worker never sees it; the commander sees it, phones masked.
  auto theirs = Call("GET", "/api/v1/care/lists", xinfa);
  ASSERT_EQ(theirs.status, 200) << theirs.raw;
  ASSERT_EQ(theirs.body["items"].size(), 1u) << theirs.raw;
  EXPECT_EQ(theirs.body["items"][0]["caller"]["username"], "grid-xinfa");
  EXPECT_TRUE(theirs.body["items"][0]["entries"].empty()) << theirs.raw;
  auto all = Call("GET", "/api/v1/care/lists?worker=grid-yongji", cmd);
  ASSERT_EQ(all.status, 200) << all.raw;
  ASSERT_EQ(all.body["items"].size(), 1u) << all.raw;
  EXPECT_EQ((*Find(all.body["items"][0]["entries"], li))["phone"], "139****5678");
  ExpectProblem(Call("GET", "/api/v1/care/lists", Login("hotline")), 403);  // no livelihood.read

  // Bad input, named by field; nothing recorded.
  auto field_of = [&](const json& body) {
    auto r = Record(grid, body);
    ExpectProblem(r, 422);
    return ErrorFields(r);
  };
  EXPECT_TRUE(field_of({{"resident_id", li}, {"outcome", "maybe"}}).contains("outcome"));
  EXPECT_TRUE(field_of({{"resident_id", li}, {"outcome", "reached_with_needs"}, {"needs", {{{"kind", "cash"}}}}})
                  .contains("needs[0].kind"));
  EXPECT_TRUE(field_of({{"resident_id", zhang}, {"outcome", "reached_ok"}}).contains("resident_id"));
  EXPECT_TRUE(field_of({{"resident_id", 99999999}, {"outcome", "reached_ok"}}).contains("resident_id"));
  auto outside = Record(xinfa, {{"resident_id", li}, {"outcome", "reached_ok"}});
  ExpectProblem(outside, 422);
  EXPECT_TRUE(ErrorFields(outside).contains("resident_id"));
  EXPECT_EQ(Record(cmd, {{"resident_id", li}, {"outcome", "reached_ok"}}).status, 403);  // read only
  auto history = Call("GET", "/api/v1/care/residents/" + std::to_string(li) + "/calls", grid);
  ASSERT_EQ(history.status, 200) << history.raw;
  EXPECT_TRUE(history.body["items"].empty());

  // Two missed calls in a row: on the commander's list, and the worker's own.
  for (int i = 0; i < 2; ++i) {
    auto r = Record(grid, {{"resident_id", li}, {"outcome", "not_reached"}, {"note", "无人接听"}});
    ASSERT_EQ(r.status, 201) << r.raw;
  }
  auto esc = Call("GET", "/api/v1/care/escalations", cmd);
  ASSERT_EQ(esc.status, 200) << esc.raw;
  const json* e = Find(esc.body["items"], li);
  ASSERT_NE(e, nullptr) << esc.raw;
  EXPECT_EQ((*e)["reason"], "missed_in_row");
  EXPECT_EQ((*e)["misses"], 2);
  EXPECT_EQ((*e)["caller"]["username"], "grid-yongji");
  EXPECT_NE(Find(Call("GET", "/api/v1/care/escalations", grid).body["items"], li), nullptr);
  EXPECT_EQ(Find(Call("GET", "/api/v1/care/escalations", xinfa).body["items"], li), nullptr);
  EXPECT_EQ(Find(Call("GET", "/api/v1/care/escalations", kuancheng).body["items"], li), nullptr);

  // Reached with a need: it becomes a task, the escalation is gone.
  auto call = Record(grid, {{"resident_id", li},
                            {"outcome", "reached_with_needs"},
                            {"needs", {{{"kind", "medicine"}, {"note", "降压药"}}}}});
  ASSERT_EQ(call.status, 201) << call.raw;
  ASSERT_EQ(call.body["tasks"].size(), 1u) << call.raw;
  const int64_t task = call.body["tasks"][0]["id"].get<int64_t>();
  EXPECT_EQ(Find(Call("GET", "/api/v1/care/escalations", cmd).body["items"], li), nullptr);
  auto open = Call("GET", "/api/v1/care/tasks?state=open", nanguan);
  ASSERT_EQ(open.status, 200) << open.raw;
  ASSERT_FALSE(open.body["items"].empty());
  EXPECT_EQ(open.body["items"][0]["detail"], "降压药");
  EXPECT_EQ(open.body["items"][0]["name"], "李四");
  EXPECT_TRUE(Call("GET", "/api/v1/care/tasks", kuancheng).body["items"].empty());
  const std::string close = "/api/v1/care/tasks/" + std::to_string(task) + "/close";
  ExpectLikeMissing(Call("POST", close, kuancheng, json{{"note", "x"}}.dump()),
                    Call("POST", "/api/v1/care/tasks/99999999/close", kuancheng, json{{"note", "x"}}.dump()),
                    std::to_string(task), "99999999");
  auto closed = Call("POST", close, grid, json{{"note", "已代购送达"}}.dump());
  ASSERT_EQ(closed.status, 200) << closed.raw;
  EXPECT_EQ(closed.body["state"], "done");
  EXPECT_EQ(closed.body["closed_by"], "grid-yongji");
  ExpectProblem(Call("POST", close, grid, json{{"note", "again"}}.dump()), 409);
  history = Call("GET", "/api/v1/care/residents/" + std::to_string(li) + "/calls", cmd);
  ASSERT_EQ(history.status, 200) << history.raw;
  EXPECT_EQ(history.body["items"].size(), 3u);
  EXPECT_EQ(history.body["items"][0]["outcome"], "reached_with_needs");
  EXPECT_EQ(Call("GET", "/api/v1/care/residents/" + std::to_string(li) + "/calls", kuancheng).status, 404);

  // The rules: everyone with livelihood.read reads them; only the city's admin sets them.
  auto rules = Call("GET", "/api/v1/care/rules", cmd);
  ASSERT_EQ(rules.status, 200) << rules.raw;
  EXPECT_EQ(rules.body["current"]["misses_in_row"], 2);
  const json put = {{"rules", {{"need_due_hours", {{"food", 6}}}}}, {"reason", "封控期间送菜 6 小时内"}};
  EXPECT_EQ(Call("PUT", "/api/v1/care/rules", grid, put.dump()).status, 403);
  EXPECT_EQ(Call("PUT", "/api/v1/care/rules", Login("nanguan-admin"), put.dump()).status, 403);
  auto bad = Call("PUT", "/api/v1/care/rules", admin,
                  json{{"rules", {{"misses_in_row", 0}}}, {"reason", "x"}}.dump());
  ExpectProblem(bad, 422);
  EXPECT_TRUE(ErrorFields(bad).contains("misses_in_row")) << bad.raw;
  auto set = Call("PUT", "/api/v1/care/rules", admin, put.dump());
  ASSERT_EQ(set.status, 200) << set.raw;
  EXPECT_EQ(set.body["need_due_hours"]["food"], 6);
  EXPECT_GE(set.body["version"].get<int64_t>(), 1);
}

}  // namespace
}  // namespace tc::testing
