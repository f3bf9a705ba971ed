// Black-box tests of quarantine and transfer (隔离转运) over HTTP: a contact listed by
// tracing arrives on the quarantine list through the events, is given a room, picked up
// and checked in by the people each step belongs to; release before the rules is
// refused with the reasons; a fever escalates into a suspected case for the
// investigators; a site's staff see only their guests, another district nothing.
#include "api_fixture.h"

namespace tc::testing {
namespace {

using nlohmann::json;

class QuarantineApi : public Api {
 protected:
  static int64_t ResidentId(const std::string& token, const std::string& id_number) {
    auto r = Call("GET", "/api/v1/residents?id_number=" + id_number, token);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["items"].empty() ? 0 : r.body["items"][0].value("id", int64_t{0});
  }
};

TEST_F(QuarantineApi, AContactIsListedPlacedMovedCheckedInAndAFeverBecomesASuspectedCase) {
  const std::string admin = Login("admin"), nanguan = Login("nanguan-op"), kuancheng = Login("kuancheng-op");
  const std::string staff = Login("site-a"), other_staff = Login("site-other");
  const int64_t zhang = ResidentId(admin, kNanguanId1), li = ResidentId(admin, kNanguanId2);
  ASSERT_GT(zhang, 0);
  // Tracing lists 张三 as a close contact: the event puts him on the quarantine list.
  auto contact = Call("POST", "/api/v1/contacts", admin,
                      json{{"resident_id", zhang}, {"ring", "close"}, {"reason", "同住人确诊"}}.dump());
  ASSERT_EQ(contact.status, 201) << contact.raw;
  ASSERT_EQ(Call("POST", "/api/v1/contacts", admin,
                 json{{"resident_id", li}, {"ring", "close"}, {"reason", "同楼层"}}.dump())
                .status,
            201);
  auto listed = Call("GET", "/api/v1/quarantine/people?state=listed", nanguan);
  ASSERT_EQ(listed.status, 200) << listed.raw;
  ASSERT_EQ(listed.body["items"].size(), 2u) << listed.raw;
  EXPECT_EQ(listed.body["items"][1]["name"], "张三");
  EXPECT_EQ(listed.body["items"][1]["phone"], "138****5678");
  const int64_t person = listed.body["items"][1]["id"], li_person = listed.body["items"][0]["id"];
  const std::string base = "/api/v1/quarantine/people/" + std::to_string(person);
  // A site with its staff; bad rooms are refused naming the field.
  auto bad = Call("POST", "/api/v1/quarantine/sites", nanguan,
                  json{{"name", "坏"}, {"district_code", "220102000000"}, {"rooms", {{{"number", "1"}, {"beds", 9}}}}}.dump());
  ExpectProblem(bad, 422);
  EXPECT_NE(bad.raw.find("rooms[0]"), std::string::npos) << bad.raw;
  auto site = Call("POST", "/api/v1/quarantine/sites", nanguan,
                   json{{"name", "南关区隔离酒店一号"}, {"district_code", "220102000000"}, {"staff", {"site-a"}},
                        {"rooms", {{{"number", "301"}, {"beds", 1}}, {{"number", "302"}, {"beds", 1}}}}}
                       .dump());
  ASSERT_EQ(site.status, 201) << site.raw;
  const int64_t site_id = site.body["id"];
  // The command assigns rooms; the staff may not, and see only their own site.
  auto placed = Call("POST", "/api/v1/quarantine/assign", nanguan, json{{"limit", 1}}.dump());
  ASSERT_EQ(placed.status, 200) << placed.raw;
  ASSERT_EQ(placed.body["placed"].size(), 1u);
  EXPECT_EQ(Call("POST", "/api/v1/quarantine/assign", staff, "{}").status, 403);
  auto rooms = Call("GET", "/api/v1/quarantine/sites/" + std::to_string(site_id) + "/rooms", staff);
  ASSERT_EQ(rooms.status, 200) << rooms.raw;
  const int64_t taken = placed.body["placed"][0]["room_id"];
  // The same room for another household: refused with the reason, nothing written.
  const int64_t second = placed.body["placed"][0]["person_id"] == person ? li_person : person;
  auto twice = Call("POST", "/api/v1/quarantine/people/" + std::to_string(second) + "/actions", nanguan,
                    json{{"action", "assign"}, {"site_id", site_id}, {"room_id", taken}}.dump());
  ExpectProblem(twice, 409);
  EXPECT_EQ(Call("GET", "/api/v1/quarantine/people/" + std::to_string(second), nanguan).body["state"], "listed");
  // Make sure 张三 is the one placed (the first run placed the lowest id).
  ASSERT_EQ(placed.body["placed"][0]["person_id"], person);
  EXPECT_EQ(Call("POST", base + "/actions", staff, json{{"action", "schedule_pickup"}, {"vehicle", "吉A1"}}.dump()).status,
            403);
  auto pickup = Call("POST", base + "/actions", nanguan,
                     json{{"action", "schedule_pickup"}, {"vehicle", "吉A·转运01"},
                          {"pickup_at", "2099-01-01T08:00:00+08:00"}}
                         .dump());
  ASSERT_EQ(pickup.status, 200) << pickup.raw;
  auto transfers = Call("GET", "/api/v1/quarantine/transfers", nanguan);
  ASSERT_EQ(transfers.status, 200);
  EXPECT_EQ(transfers.body["items"][0]["vehicle"], "吉A·转运01");
  ASSERT_EQ(Call("POST", base + "/actions", nanguan, json{{"action", "pick_up"}}.dump()).status, 200);
  auto in = Call("POST", base + "/actions", staff, json{{"action", "check_in"}}.dump());
  ASSERT_EQ(in.status, 200) << in.raw;
  EXPECT_EQ(in.body["state"], "checked_in");
  EXPECT_EQ(in.body["room_number"], "301");
  // Tracing followed: the contact is now quarantined.
  auto c = Call("GET", "/api/v1/contacts/" + std::to_string(contact.body["id"].get<int64_t>()), admin);
  EXPECT_EQ(c.body["status"], "quarantined") << c.raw;
  // Today's check list names him for the site's staff; the other staff see nothing.
  auto list = Call("GET", "/api/v1/quarantine/check-list", staff);
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_TRUE(list.body["items"][0]["check_due"].get<bool>());
  EXPECT_TRUE(Call("GET", "/api/v1/quarantine/check-list", other_staff).body["items"].empty());
  ExpectLikeMissing(Call("GET", base, other_staff), Call("GET", "/api/v1/quarantine/people/999999", other_staff),
                    std::to_string(person), "999999");
  EXPECT_EQ(Call("GET", base, kuancheng).status, 404);
  // Release before the rules are met: refused, naming what is missing.
  auto early = Call("POST", base + "/actions", staff, json{{"action", "release"}}.dump());
  ExpectProblem(early, 409);
  EXPECT_NE(early.raw.find("days served"), std::string::npos) << early.raw;
  auto detail = Call("GET", base, staff);
  EXPECT_FALSE(detail.body["release"]["allowed"].get<bool>());
  EXPECT_EQ(detail.body["state"], "checked_in");
  // Typing errors are refused naming the field.
  auto typo = Call("POST", base + "/actions", staff, json{{"action", "health_check"}, {"temperature_c", 365}}.dump());
  ExpectProblem(typo, 422);
  EXPECT_TRUE(ErrorFields(typo).contains("temperature_c")) << typo.raw;
  ExpectProblem(Call("POST", base + "/actions", staff, json{{"action", "teleport"}}.dump()), 422);
  // A fever escalates at once, and the investigators get a suspected case.
  auto fever = Call("POST", base + "/actions", staff,
                    json{{"action", "health_check"}, {"temperature_c", 38.2}, {"symptoms", "咳嗽"}}.dump());
  ASSERT_EQ(fever.status, 200) << fever.raw;
  EXPECT_EQ(fever.body["state"], "escalated");
  auto suspected = Call("GET", "/api/v1/cases?kind=suspected", admin);
  ASSERT_EQ(suspected.status, 200) << suspected.raw;
  bool found = false;
  for (const auto& k : suspected.body["items"]) found = found || k.value("resident_id", int64_t{0}) == zhang;
  EXPECT_TRUE(found) << suspected.raw;
  auto summary = Call("GET", "/api/v1/quarantine/summary", nanguan);
  ASSERT_EQ(summary.status, 200) << summary.raw;
  EXPECT_EQ(summary.body["states"]["escalated"], 1);
  EXPECT_EQ(summary.body["states"]["listed"], 1);
  EXPECT_EQ(Call("GET", "/api/v1/quarantine/open-loop", nanguan).status, 200);
}

}  // namespace
}  // namespace tc::testing
