// Black-box tests of tracing over HTTP: venues, check-ins (JSON, NDJSON, CSV) with
// bad lines, the Xinfadi query, and the full loop case → tracing run → contact
// list → statuses, with jurisdiction and permissions.
#include <chrono>
#include <ctime>

#include "api_fixture.h"

namespace tc::testing {
namespace {

using nlohmann::json;

TEST_F(Api, TracingCheckinsCaseRunContactListStatuses) {
  auto ResidentId = [](const std::string& admin, const std::string& id_number) -> int64_t {
    auto r = Call("GET", "/api/v1/residents?id_number=" + id_number, admin);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["items"].empty() ? 0 : r.body["items"][0]["id"].get<int64_t>();
  };
  const std::string admin = Login("admin");
  const std::string venue = "220102001001-V9001";
  auto created = Call("POST", "/api/v1/venues", admin,
                      json{{"code", venue}, {"name", "永吉农贸市场"}, {"kind", "wholesale_market"},
                           {"area_code", "220102001001"}, {"capacity", 3000}}
                          .dump());
  ASSERT_EQ(created.status, 201) << created.raw;
  ExpectProblem(Call("POST", "/api/v1/venues", admin,
                     json{{"code", venue}, {"name", "again"}, {"kind", "mall"}, {"area_code", "220102001001"}}.dump()),
                409);
  auto bad_kind = Call("POST", "/api/v1/venues", admin,
                       json{{"code", "220102001001-V9002"}, {"name", "x"}, {"kind", "casino"},
                            {"area_code", "220102001001"}}
                           .dump());
  ExpectProblem(bad_kind, 422);
  EXPECT_EQ(ErrorFields(bad_kind), std::set<std::string>{"kind"});

  const int64_t zhang = ResidentId(admin, kNanguanId1), li = ResidentId(admin, kNanguanId2),
                wang = ResidentId(admin, kKuanchengId);
  ASSERT_TRUE(zhang && li && wang);
  const int64_t t = NowMs() - 1000;
  // A JSON array: two good lines, an unknown venue, a time in the future.
  auto batch = Call("POST", "/api/v1/checkins", admin,
                    json::array({{{"person_id", zhang}, {"venue_code", venue}, {"arrive_at", t}},
                                 {{"person_id", li}, {"venue_code", venue}, {"arrive_at", t}},
                                 {{"person_id", li}, {"venue_code", "NOPE-0000"}, {"arrive_at", t}},
                                 {{"person_id", wang}, {"venue_code", venue}, {"arrive_at", t + 86'400'000}}})
                        .dump());
  ASSERT_EQ(batch.status, 200) << batch.raw;
  EXPECT_EQ(batch.body["accepted"], 2);
  EXPECT_EQ(batch.body["rejected"], 2);
  EXPECT_EQ(batch.body["errors"][0]["line"], 3);
  EXPECT_EQ(batch.body["errors"][0]["field"], "venue_code");
  EXPECT_EQ(batch.body["errors"][1]["field"], "arrive_at");
  // NDJSON: a malformed line, a duplicate of a stored check-in, a good one by ID number.
  const std::string ndjson = "{\"person_id\": " + std::to_string(zhang) + ", \"venue_code\": \"" + venue +
                             "\", \"arrive_at\": " + std::to_string(t) + "}\n{not json\n" +
                             "{\"id_number\": \"" + kKuanchengId + "\", \"venue_code\": \"" + venue +
                             "\", \"arrive_at\": " + std::to_string(t) + "}\n";
  auto stream = Call("POST", "/api/v1/checkins", admin, ndjson, "application/x-ndjson");
  ASSERT_EQ(stream.status, 200) << stream.raw;
  EXPECT_EQ(stream.body["accepted"], 1);
  EXPECT_EQ(stream.body["rejected"], 2);
  EXPECT_EQ(stream.body["errors"][0]["line"], 1);  // already recorded
  EXPECT_EQ(stream.body["errors"][1]["line"], 2);  // not JSON
  // One JSON object with a bad field is a 422 naming it, and nothing is stored.
  auto single = Call("POST", "/api/v1/checkins", admin,
                     json{{"person_id", 99999999}, {"venue_code", venue}, {"arrive_at", t}}.dump());
  ExpectProblem(single, 422);
  EXPECT_EQ(ErrorFields(single), std::set<std::string>{"person_id"});

  // The Xinfadi query sees every acknowledged check-in at once.
  auto visitors = Call("GET", "/api/v1/venues/" + venue + "/visitors?from=" + std::to_string(t / 1000 - 3600) +
                                  "000",
                       admin);
  // from as Unix ms is not a time string: refused with the field named.
  ExpectProblem(visitors, 422);
  const std::string from = ShanghaiDate(t) + "%2000:00";
  visitors = Call("GET", "/api/v1/venues/" + venue + "/visitors?from=" + from, admin);
  ASSERT_EQ(visitors.status, 200) << visitors.raw;
  EXPECT_EQ(visitors.body["distinct_persons"], 3);
  EXPECT_EQ(visitors.body["items"][0]["phone"].get<std::string>().substr(3, 4), "****");
  // A grid worker may record check-ins but not run tracing queries.
  ExpectProblem(Call("GET", "/api/v1/venues/" + venue + "/visitors?from=" + from, Login("grid-yongji")), 403);

  // Case → tracing run → contact list.
  const std::string today = ShanghaiDate(NowMs());
  auto kase = Call("POST", "/api/v1/cases", admin,
                   json{{"resident_id", zhang}, {"kind", "confirmed"}, {"onset_date", today}, {"report_date", today},
                        {"hospital", "长春市传染病医院"}}
                       .dump());
  ASSERT_EQ(kase.status, 201) << kase.raw;
  const int64_t case_id = kase.body["id"];
  ExpectProblem(Call("POST", "/api/v1/cases", admin,
                     json{{"resident_id", zhang}, {"kind", "confirmed"}, {"report_date", today}}.dump()),
                409);
  ExpectProblem(Call("POST", "/api/v1/tracing/runs", Login("grid-yongji"), json{{"case_ids", {case_id}}}.dump()), 403);
  auto bad_run = Call("POST", "/api/v1/tracing/runs", admin, json{{"case_ids", {case_id}}, {"margin_minutes", -1}}.dump());
  ExpectProblem(bad_run, 422);
  EXPECT_EQ(ErrorFields(bad_run), std::set<std::string>{"margin_minutes"});
  auto run = Call("POST", "/api/v1/tracing/runs", admin, json{{"case_ids", {case_id}}}.dump());
  ASSERT_EQ(run.status, 201) << run.raw;
  // 李四 and 王五 at the market, and whoever other tests put in 张三's household: on the
  // ring; a short market visit scores below the close threshold (the exposed tier).
  EXPECT_GE(run.body["ring_found"].get<int64_t>(), 2);
  EXPECT_GE(run.body["exposed_found"].get<int64_t>(), 2);
  auto list = Call("GET", "/api/v1/contacts?run=" + std::to_string(run.body["run_id"].get<int64_t>()), admin);
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_EQ(list.body["items"].size(), run.body["listed"].get<size_t>());
  json li_entry, wang_entry;
  for (const auto& c : list.body["items"]) {
    if (c["resident_id"] == li) li_entry = c;
    if (c["resident_id"] == wang) wang_entry = c;
    EXPECT_NE(c["resident_id"], zhang) << "the case is not their own contact";
  }
  ASSERT_FALSE(wang_entry.is_null());
  EXPECT_EQ(wang_entry["tier"], "exposed");
  ASSERT_FALSE(li_entry.is_null());
  EXPECT_EQ(li_entry["tier"], "exposed");
  EXPECT_GT(li_entry["score"].get<double>(), 0);
  ASSERT_FALSE(li_entry["terms"].empty());
  EXPECT_EQ(li_entry["status"], "pending");
  EXPECT_EQ(li_entry["case_id"], case_id);
  EXPECT_NE(li_entry["reason"].get<std::string>().find("永吉农贸市场"), std::string::npos);
  EXPECT_EQ(li_entry["phone"], "139****5678");

  // Statuses: forward with the officer, never back.
  const std::string contact = "/api/v1/contacts/" + std::to_string(li_entry["id"].get<int64_t>());
  const std::string grid = Login("grid-yongji");
  auto notified = Call("POST", contact + "/status", grid, json{{"status", "notified"}, {"officer", "网格员小王"}}.dump());
  ASSERT_EQ(notified.status, 200) << notified.raw;
  EXPECT_EQ(notified.body["status"], "notified");
  ExpectProblem(Call("POST", contact + "/status", grid, json{{"status", "pending"}, {"officer", "网格员小王"}}.dump()), 409);
  ExpectProblem(Call("POST", contact + "/status", grid, json{{"status", "quarantined"}}.dump()), 422);
  // The exposed tier is monitored, not quarantined: the refusal names the field.
  auto wrong = Call("POST", contact + "/status", grid,
                    json{{"status", "quarantined"}, {"officer", "网格员小王"}}.dump());
  ExpectProblem(wrong, 422);
  EXPECT_EQ(ErrorFields(wrong), std::set<std::string>{"status"});
  ASSERT_EQ(Call("POST", contact + "/status", grid,
                 json{{"status", "monitoring"}, {"officer", "网格员小王"}, {"note", "健康监测，第1、3、7天核酸"}}.dump())
                .status,
            200);
  auto detail = Call("GET", contact, grid);
  ASSERT_EQ(detail.status, 200) << detail.raw;
  EXPECT_EQ(detail.body["history"].size(), 2u);
  EXPECT_EQ(detail.body["officer"], "网格员小王");
  // Another district neither sees nor changes it; the contact list export works.
  const std::string kuancheng = Login("kuancheng-op");
  ExpectProblem(Call("GET", contact, kuancheng), 404);
  ExpectLikeMissing(Call("GET", contact, kuancheng), Call("GET", "/api/v1/contacts/987654321", kuancheng),
                    contact.substr(contact.rfind('/') + 1), "987654321");
  ExpectProblem(Call("POST", contact + "/status", kuancheng, json{{"status", "released"}, {"officer", "x"}}.dump()), 404);
  auto mine = Call("GET", "/api/v1/contacts", kuancheng);
  ASSERT_EQ(mine.status, 200);
  bool saw_wang = false;
  for (const auto& c : mine.body["items"]) {
    EXPECT_EQ(c["household_code"].get<std::string>().substr(0, 6), "220103") << c.dump();
    saw_wang = saw_wang || c["resident_id"] == wang;
  }
  EXPECT_TRUE(saw_wang) << "王五 lives in 宽城";
  auto csv = Call("GET", "/api/v1/contacts?format=csv", admin);
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.raw.find("风险人员"), std::string::npos);

  // A tier's bulk action: every pending exposed entry of the run notified at once; an
  // id nobody has answers on its own line, the rest go through.
  auto exposed = Call("GET", "/api/v1/contacts?tier=exposed&status=pending&run=" +
                                 std::to_string(run.body["run_id"].get<int64_t>()), admin);
  ASSERT_EQ(exposed.status, 200) << exposed.raw;
  json ids = json::array();
  for (const auto& c : exposed.body["items"]) {
    EXPECT_EQ(c["tier"], "exposed");
    ids.push_back(c["id"]);
  }
  ASSERT_FALSE(ids.empty());
  const size_t pending = ids.size();
  ids.push_back(987654321);
  auto bulk = Call("POST", "/api/v1/contacts/status", admin,
                   json{{"ids", ids}, {"status", "notified"}, {"officer", "流调组"}}.dump());
  ASSERT_EQ(bulk.status, 200) << bulk.raw;
  EXPECT_EQ(bulk.body["updated"], pending);
  EXPECT_EQ(bulk.body["failed"], 1);
  EXPECT_EQ(bulk.body["items"].back()["id"], 987654321);
  EXPECT_TRUE(bulk.body["items"].back().contains("error"));
  EXPECT_EQ(bulk.body["items"][0]["status"], "notified");
  ExpectProblem(Call("GET", "/api/v1/contacts?tier=closest", admin), 422);
  auto too_many = Call("POST", "/api/v1/contacts/status", admin,
                       json{{"ids", json::array()}, {"status", "notified"}, {"officer", "x"}}.dump());
  ExpectProblem(too_many, 422);
  EXPECT_EQ(ErrorFields(too_many), std::set<std::string>{"ids"});

  // The tier rules: read by whoever reads cases; changed only at city level, with a
  // reason, each change a new version; bad input names the field and changes nothing.
  auto rules = Call("GET", "/api/v1/tracing/tier-rules", grid);
  ASSERT_EQ(rules.status, 200) << rules.raw;
  EXPECT_EQ(rules.body["tiers"]["exposed"]["action"], "health_monitoring");
  const double close_threshold = rules.body["tiers"]["close"]["threshold"];
  const json raise = {{"reason", "收紧密接判定"}, {"tiers", {{"close", {{"threshold", 0.2}}}}}};
  ExpectProblem(Call("PUT", "/api/v1/tracing/tier-rules", grid, raise.dump()), 403);
  ExpectProblem(Call("PUT", "/api/v1/tracing/tier-rules", Login("nanguan-cmd"), raise.dump()), 403);
  for (const auto& [body, field] : std::vector<std::pair<json, std::string>>{
           {{{"reason", "x"}, {"tiers", {{"close", {{"threshold", 1.5}}}}}}, "tiers.close.threshold"},
           {{{"reason", "x"}, {"tiers", {{"closest", {{"threshold", 0.1}}}}}}, "tiers.closest"},
           {{{"reason", "x"}, {"tiers", {{"close", {{"threshold", 0}}}}}}, "tiers.close.threshold"},
           {{{"tiers", {{"close", {{"threshold", 0.1}}}}}}, "reason"}}) {
    auto bad = Call("PUT", "/api/v1/tracing/tier-rules", admin, body.dump());
    ExpectProblem(bad, 422);
    EXPECT_EQ(ErrorFields(bad), std::set<std::string>{field}) << body.dump();
  }
  EXPECT_EQ(Call("GET", "/api/v1/tracing/tier-rules", admin).body["version"], rules.body["version"]);
  auto put = Call("PUT", "/api/v1/tracing/tier-rules", admin, raise.dump());
  ASSERT_EQ(put.status, 200) << put.raw;
  EXPECT_EQ(put.body["tiers"]["close"]["threshold"], 0.2);
  EXPECT_GT(put.body["version"].get<int64_t>(), rules.body["version"].get<int64_t>());
  // Back to what it was, as a further version; the history keeps both.
  auto back = Call("PUT", "/api/v1/tracing/tier-rules", admin,
                   json{{"reason", "恢复"}, {"tiers", {{"close", {{"threshold", close_threshold}}}}}}.dump());
  ASSERT_EQ(back.status, 200) << back.raw;
  auto history = Call("GET", "/api/v1/tracing/tier-rules/history", admin);
  ASSERT_EQ(history.status, 200);
  ASSERT_GE(history.body["items"].size(), 2u);
  EXPECT_EQ(history.body["items"][0]["version"], back.body["version"]);
  EXPECT_EQ(history.body["items"][1]["tiers"]["close"]["threshold"], 0.2);

  // Source finding ranks the market (the only shared venue); the evaluation needs a
  // generated outbreak's ground truth, which this database does not have.
  auto sources = Call("GET", "/api/v1/tracing/sources?first=1&top=3", admin);
  ASSERT_EQ(sources.status, 200) << sources.raw;
  ASSERT_FALSE(sources.body["items"].empty());
  EXPECT_EQ(sources.body["items"][0]["venue"]["code"], venue);
  EXPECT_FALSE(sources.body["items"][0]["explanation"].get<std::string>().empty());
  ExpectProblem(Call("GET", "/api/v1/tracing/evaluation?n=5", admin), 404);
  ExpectProblem(Call("GET", "/api/v1/tracing/evaluation?n=five", admin), 422);
  ExpectProblem(Call("GET", "/api/v1/tracing/evaluation?margin_minutes=999", admin), 422);

  // The chain graph.
  auto second = Call("POST", "/api/v1/cases", admin,
                     json{{"resident_id", li}, {"kind", "asymptomatic"}, {"report_date", today},
                          {"infector_case_id", case_id}}
                         .dump());
  ASSERT_EQ(second.status, 201) << second.raw;
  auto chain = Call("GET", "/api/v1/cases/" + std::to_string(second.body["id"].get<int64_t>()) + "/chain", admin);
  ASSERT_EQ(chain.status, 200) << chain.raw;
  EXPECT_EQ(chain.body["nodes"].size(), 2u);
  ASSERT_EQ(chain.body["links"].size(), 1u);
  EXPECT_EQ(chain.body["links"][0]["source"], case_id);
  ExpectProblem(Call("PATCH", "/api/v1/cases/" + std::to_string(case_id), admin,
                     json{{"infector_case_id", second.body["id"]}}.dump()),
                409);
}

// The overview's numbers: a district user's summary and curve hold only its
// district's cases and contacts; another district's area is refused.
TEST_F(Api, EpidemicSummaryIsScopedToTheCallersJurisdiction) {
  const std::string admin = Login("admin");
  auto resident = [&](const std::string& name, const std::string& phone, const std::string& household) -> int64_t {
    auto r = Call("POST", "/api/v1/residents", admin,
                  json{{"name", name}, {"phone", phone}, {"household_code", household}}.dump());
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", int64_t{0});
  };
  const int64_t nanguan_person = resident("赵曲线", "13600000001", "220102001001-001-01-1-0102");
  const int64_t kuancheng_person = resident("钱曲线", "13600000002", "220103001001-001-01-1-0101");
  ASSERT_TRUE(nanguan_person && kuancheng_person);
  const int64_t now = NowMs(), day = 86'400'000;
  const std::string d9 = ShanghaiDate(now - 9 * day), d8 = ShanghaiDate(now - 8 * day),
                    d5 = ShanghaiDate(now - 5 * day);
  // 南关: confirmed, onset 9 days ago, reported 8 days ago; 宽城: asymptomatic, reported 5 days ago.
  ASSERT_EQ(Call("POST", "/api/v1/cases", admin,
                 json{{"resident_id", nanguan_person}, {"kind", "confirmed"}, {"onset_date", d9}, {"report_date", d8}}
                     .dump())
                .status,
            201);
  ASSERT_EQ(Call("POST", "/api/v1/cases", admin,
                 json{{"resident_id", kuancheng_person}, {"kind", "asymptomatic"}, {"report_date", d5}}.dump())
                .status,
            201);
  auto day_of = [](const json& summary, const std::string& date) {
    for (const auto& d : summary["curve"]) {
      if (d["date"] == date) return d;
    }
    return json();
  };
  // What the case list shows each user is what the summary counts.
  auto check_against_list = [&](const std::string& token, const json& summary) {
    auto list = Call("GET", "/api/v1/cases?limit=1000", token);
    ASSERT_EQ(list.status, 200) << list.raw;
    int64_t confirmed = 0, asymptomatic = 0, reported = 0, onsets = 0, with_onset = 0;
    for (const auto& c : list.body["items"]) (c["kind"] == "confirmed" ? confirmed : asymptomatic)++;
    for (const auto& c : list.body["items"]) with_onset += c["onset_date"].is_null() ? 0 : 1;
    for (const auto& d : summary["curve"]) reported += d["reported"].get<int64_t>(), onsets += d["onset"].get<int64_t>();
    EXPECT_EQ(summary["cases"]["confirmed"], confirmed) << summary.dump();
    EXPECT_EQ(summary["cases"]["asymptomatic"], asymptomatic) << summary.dump();
    EXPECT_EQ(summary["cases"]["total"], confirmed + asymptomatic);
    EXPECT_EQ(reported, confirmed + asymptomatic) << "every case once on the curve by report date";
    EXPECT_EQ(onsets, with_onset) << "every case with an onset once on the curve by onset date";
  };

  const std::string kuancheng = Login("kuancheng-op");
  auto k = Call("GET", "/api/v1/epidemic/summary", kuancheng);
  ASSERT_EQ(k.status, 200) << k.raw;
  EXPECT_EQ(k.body["today"], ShanghaiDate(NowMs()));
  EXPECT_EQ(k.body["area"]["code"], "220103000000");
  check_against_list(kuancheng, k.body);
  EXPECT_TRUE(day_of(k.body, d9).is_null()) << "南关's onset is not on 宽城's curve: " << k.body.dump();
  ASSERT_FALSE(day_of(k.body, d5).is_null()) << k.body.dump();
  EXPECT_EQ(day_of(k.body, d5)["reported_asymptomatic"], 1);

  const std::string nanguan = Login("nanguan-op");
  auto n = Call("GET", "/api/v1/epidemic/summary?area=220102000000", nanguan);
  ASSERT_EQ(n.status, 200) << n.raw;
  check_against_list(nanguan, n.body);
  ASSERT_FALSE(day_of(n.body, d9).is_null()) << n.body.dump();
  EXPECT_GE(day_of(n.body, d9)["onset"].get<int64_t>(), 1);
  EXPECT_GE(day_of(n.body, d8)["reported_confirmed"].get<int64_t>(), 1);
  EXPECT_EQ(day_of(n.body, d5)["reported_asymptomatic"], 0) << "宽城's case is not on 南关's curve";
  // The contact list's counts are the caller's too: 王五 (宽城) is no 南关 contact.
  for (const char* ring : {"close", "secondary"}) {
    auto contacts = Call("GET", std::string("/api/v1/contacts?limit=1000&ring=") + ring, nanguan);
    ASSERT_EQ(contacts.status, 200);
    EXPECT_EQ(n.body["contacts"][ring]["total"], contacts.body["items"].size()) << ring;
  }

  // The city sees both; a street of 南关 only its own; 宽城 is not 南关's to read.
  auto city = Call("GET", "/api/v1/epidemic/summary", admin);
  ASSERT_EQ(city.status, 200) << city.raw;
  check_against_list(admin, city.body);
  EXPECT_FALSE(day_of(city.body, d9).is_null());
  EXPECT_EQ(day_of(city.body, d5)["reported_asymptomatic"].get<int64_t>(), 1);
  auto street = Call("GET", "/api/v1/epidemic/summary?area=220102001000", nanguan);
  ASSERT_EQ(street.status, 200) << street.raw;
  EXPECT_EQ(street.body["area"]["level"], "street");
  auto other = Call("GET", "/api/v1/epidemic/summary?area=220103000000", nanguan);
  EXPECT_TRUE(other.status == 403 || other.status == 404) << other.raw;
  ExpectProblem(Call("GET", "/api/v1/epidemic/summary", Login("hotline")), 403);  // no case.read
}

}  // namespace
}  // namespace tc::testing
