// Black-box tests of the registry API: masking, unmasking, jurisdiction, search,
// counts and maps, import over HTTP, duplicates, and the coverage report export.
#include "api_fixture.h"
#include "io/xlsx_writer.h"

namespace tc::testing {
namespace {

using nlohmann::json;

TEST_F(Api, ResidentsAreMaskedByDefault) {
  const std::string grid = Login("grid-yongji");
  auto list = Call("GET", "/api/v1/residents", grid);
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["items"].size(), 2u);
  for (const auto& r : list.body["items"]) {
    const std::string id = r["id_number"];
    EXPECT_EQ(id.substr(6, 8), "********") << id;
    EXPECT_EQ(r["phone"].get<std::string>().substr(3, 4), "****");
    EXPECT_EQ(r["masked"], true);
  }
  EXPECT_EQ(list.body["items"][0]["id_number"], "220102********0015");
  EXPECT_EQ(list.body["items"][0]["phone"], "138****5678");
}

TEST_F(Api, UnmaskingIsPermittedPerRoleAndAudited) {
  const std::string grid = Login("grid-yongji");
  auto full = Call("GET", "/api/v1/residents?unmask=true", grid);
  ASSERT_EQ(full.status, 200) << full.raw;
  EXPECT_EQ(full.body["items"][0]["id_number"], kNanguanId1);
  EXPECT_EQ(full.body["items"][0]["phone"], "13812345678");
  auto log = Call("GET", "/api/v1/audit?action=resident.unmask&actor=grid-yongji", Login("admin"));
  ASSERT_EQ(log.status, 200);
  ASSERT_FALSE(log.body["items"].empty()) << "the unmasked read must be in the audit log";
  EXPECT_EQ(log.body["items"][0]["detail"]["resident_ids"].size(), 2u);
  // A hotline agent may see masked data but not unmask it.
  const std::string hotline = Login("hotline");
  EXPECT_EQ(Call("GET", "/api/v1/residents?area=220102001001", hotline).status, 200);
  ExpectProblem(Call("GET", "/api/v1/residents?area=220102001001&unmask=true", hotline), 403);
  const int64_t id = full.body["items"][0]["id"];
  ExpectProblem(Call("GET", "/api/v1/residents/" + std::to_string(id) + "?unmask=true", hotline), 403);
}

TEST_F(Api, CommunityUserSeesOnlyItsCommunity) {
  const std::string grid = Login("grid-yongji");
  const std::string admin = Login("admin");
  auto kuancheng = Call("GET", "/api/v1/residents?id_number=" + kKuanchengId, admin);
  ASSERT_EQ(kuancheng.body["items"].size(), 1u);
  const std::string other_id = std::to_string(kuancheng.body["items"][0]["id"].get<int64_t>());
  // Outside the community answers as missing (regression: 403 vs 404 told which ids exist).
  ExpectProblem(Call("GET", "/api/v1/residents/" + other_id, grid), 404);
  ExpectLikeMissing(Call("GET", "/api/v1/residents/" + other_id, grid), Call("GET", "/api/v1/residents/987654321", grid),
                    other_id, "987654321");
  ExpectLikeMissing(Call("GET", "/api/v1/residents?area=220103001001", grid),
                    Call("GET", "/api/v1/residents?area=220199001001", grid), "220103001001", "220199001001");
  ExpectProblem(Call("GET", "/api/v1/residents?area=220102000000", grid), 422);  // above its node
  EXPECT_TRUE(Call("GET", "/api/v1/residents?id_number=" + kKuanchengId, grid).body["items"].empty());
  ExpectProblem(Call("PATCH", "/api/v1/residents/" + other_id, grid, json{{"phone", "13000000000"}}.dump()), 404);
  ExpectLikeMissing(Call("POST", "/api/v1/residents", grid,
                         json{{"name", "外人"}, {"household_code", "220103001001-001-01-1-0101"}}.dump()),
                    Call("POST", "/api/v1/residents", grid,
                         json{{"name", "外人"}, {"household_code", "220102001001-009-09-9-0909"}}.dump()),
                    "220103001001-001-01-1-0101", "220102001001-009-09-9-0909");
  EXPECT_EQ(Call("GET", "/api/v1/residents/" + other_id + "?unmask=true", admin).body["phone"], "13712345678");
}

TEST_F(Api, SearchByIdNumberNamePhoneAndTag) {
  const std::string op = Login("nanguan-op");
  auto by_id = Call("GET", "/api/v1/residents?id_number=" + kNanguanId2, op);
  ASSERT_EQ(by_id.body["items"].size(), 1u) << by_id.raw;
  EXPECT_EQ(by_id.body["items"][0]["name"], "李四");
  auto detail = Call("GET", "/api/v1/residents/" + std::to_string(by_id.body["items"][0]["id"].get<int64_t>()), op);
  ASSERT_EQ(detail.status, 200) << detail.raw;
  EXPECT_EQ(detail.body["household"]["address"], "1栋1单元102");
  EXPECT_EQ(detail.body["birth_date"], "1990-**-**");
  EXPECT_EQ(Call("GET", "/api/v1/residents?name=%E5%BC%A0%E4%B8%89", op).body["items"].size(), 1u);  // 张三
  EXPECT_EQ(Call("GET", "/api/v1/residents?phone=13912345678", op).body["items"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/residents?tag=elderly_alone", op).body["items"].size(), 1u);
  ExpectProblem(Call("GET", "/api/v1/residents?tag=vip", op), 422);
}

TEST_F(Api, CreateRefusesASecondRecordForOnePerson) {
  const std::string op = Login("nanguan-op");
  auto dup = Call("POST", "/api/v1/residents", op,
                  json{{"name", "张叁"}, {"id_number", kNanguanId1}, {"household_code", "220102001001-001-01-1-0102"}}
                      .dump());
  ExpectProblem(dup, 409);
  EXPECT_NE(dup.body["detail"].get<std::string>().find("already belongs to resident"), std::string::npos) << dup.raw;
  auto bad = Call("POST", "/api/v1/residents", op,
                  json{{"name", "钱七"}, {"id_number", "220102850307001"}, {"household_code", "220102001001-001-01-1-0102"}}
                      .dump());
  ExpectProblem(bad, 422);
  EXPECT_EQ(ErrorFields(bad), std::set<std::string>{"id_number"});
}

TEST_F(Api, CountsAndMapOfANode) {
  const std::string admin = Login("admin");
  auto nanguan = Call("GET", "/api/v1/areas/220102001001", admin);
  ASSERT_EQ(nanguan.status, 200) << nanguan.raw;
  EXPECT_GE(nanguan.body["counts"]["residents"].get<int>(), 2);
  EXPECT_EQ(nanguan.body["counts"]["households"], 2);
  EXPECT_EQ(nanguan.body["counts"]["buildings"], 1);
  EXPECT_EQ(nanguan.body["care_tags"]["elderly_alone"], 1);
  auto map = Call("GET", "/api/v1/areas/220100000000/map", admin);
  ASSERT_EQ(map.status, 200) << map.raw;
  EXPECT_EQ(map.body["type"], "FeatureCollection");
  EXPECT_EQ(map.body["features"].size(), 3u);  // the city and its two districts
  EXPECT_EQ(map.body["features"][0]["properties"]["role"], "parent");
}

TEST_F(Api, ImportOverHttpReportsBadLinesAndCommitsGoodOnes) {
  const std::string op = Login("nanguan-op");
  // GBK bytes for "姓名,户编码\n赵六,<household>\n孙七,<no such household>\n" (姓名=D0D5 C3FB, 户编码=BBA7 B1E0 C2EB,
  // 赵六=D5D4 C1F9, 孙七=CBEF C6DF).
  const std::string csv = "\xD0\xD5\xC3\xFB,\xBB\xA7\xB1\xE0\xC2\xEB\n\xD5\xD4\xC1\xF9,220102001001-001-01-1-0102\n"
                          "\xCB\xEF\xC6\xDF,220102001001-001-01-1-0999\n";
  auto r = Call("POST", "/api/v1/import/residents", op, csv, "text/csv");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["accepted"], 1);
  EXPECT_EQ(r.body["rejected"], 1);
  EXPECT_EQ(r.body["errors"][0]["line"], 3);
  EXPECT_EQ(r.body["errors"][0]["field"], "household_code");
  EXPECT_EQ(Call("GET", "/api/v1/residents?name=%E8%B5%B5%E5%85%AD", op).body["items"].size(), 1u);  // 赵六
  // Another district's households are refused line by line.
  auto outside = Call("POST", "/api/v1/import/residents", op, "name,household_code\nx,220103001001-001-01-1-0101\n",
                      "text/csv");
  EXPECT_EQ(outside.body["accepted"], 0);
  EXPECT_EQ(outside.body["rejected"], 1);
  ExpectProblem(Call("POST", "/api/v1/import/people", op, "a\n", "text/csv"), 422);
  ExpectProblem(Call("POST", "/api/v1/import/residents", op, "nothing,useful\n1,2\n", "text/csv"), 422);
}

// Issue 19: the bureau's lists come as .xlsx; the import endpoint takes the workbook
// as it is, rows numbered as the sheet shows them.
TEST_F(Api, ImportOverHttpTakesAnXlsxWorkbook) {
  const std::string op = Login("nanguan-op");
  Result<std::string> xlsx = tc::io::XlsxWriter::RenderToBytes(
      "居民", {"姓名", "户编码"}, {{"钱二", "220102001001-001-01-1-0102"}, {"", ""}, {"孙三", "220102001001-001-01-1-0999"}});
  ASSERT_TRUE(xlsx.ok()) << xlsx.status().ToString();
  auto r = Call("POST", "/api/v1/import/residents", op, *xlsx,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["accepted"], 1) << r.raw;
  EXPECT_EQ(r.body["rejected"], 1) << r.raw;
  EXPECT_EQ(r.body["errors"][0]["line"], 4) << r.raw;  // the sheet's row 4 (row 3 is empty)
  EXPECT_EQ(r.body["errors"][0]["field"], "household_code");
  EXPECT_EQ(Call("GET", "/api/v1/residents?name=%E9%92%B1%E4%BA%8C", op).body["items"].size(), 1u);  // 钱二
  // An old .xls is refused as a whole, saying what to do.
  auto xls = Call("POST", "/api/v1/import/residents", op, std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "rest",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  ExpectProblem(xls, 422);
  EXPECT_NE(xls.raw.find("save it as .xlsx"), std::string::npos) << xls.raw;
}

// Issue 14: a UTF-8 header, one GBK line and one UTF-8 line were read whole as GBK,
// storing the UTF-8 name 赵己 as 璧靛繁; a NUL byte went into the store.
TEST_F(Api, ImportRefusesTheGbkLineOfAUtf8FileAndStoresNoMojibake) {
  const std::string op = Login("nanguan-op");
  // Line 2 is GBK (钱八 = C7AE B0CB), line 3 UTF-8, line 4 has a NUL.
  std::string csv = "姓名,户编码\n\xC7\xAE\xB0\xCB,220102001001-001-01-1-0102\n赵己,220102001001-001-01-1-0102\n孙九";
  csv += '\0';
  csv += ",220102001001-001-01-1-0102\n";
  auto r = Call("POST", "/api/v1/import/residents", op, csv, "text/csv");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["accepted"], 1) << r.raw;
  EXPECT_EQ(r.body["rejected"], 2) << r.raw;
  ASSERT_EQ(r.body["errors"].size(), 2u) << r.raw;
  EXPECT_EQ(r.body["errors"][0]["line"], 2);
  const std::string gbk = r.body["errors"][0]["message"];
  EXPECT_NE(gbk.find("line 2: not valid UTF-8"), std::string::npos) << gbk;
  EXPECT_NE(gbk.find("save the whole file in one encoding"), std::string::npos) << gbk;
  EXPECT_EQ(r.body["errors"][1]["line"], 4);
  const std::string nul = r.body["errors"][1]["message"];
  EXPECT_NE(nul.find("line 4, column 1 (姓名): a control character (0x00, NUL)"), std::string::npos) << nul;
  EXPECT_EQ(Call("GET", "/api/v1/residents?name=%E8%B5%B5%E5%B7%B1", op).body["items"].size(), 1u);  // 赵己
  EXPECT_TRUE(Call("GET", "/api/v1/residents?name=%E7%92%A7%E9%9D%9B%E7%B9%81", op).body["items"].empty());  // 璧靛繁
  EXPECT_TRUE(Call("GET", "/api/v1/residents?name=%E9%92%B1%E5%85%AB", op).body["items"].empty());  // 钱八
  auto household = Call("GET", "/api/v1/residents?area=220102001001", op);
  ASSERT_EQ(household.status, 200) << household.raw;
  for (const auto& resident : household.body["items"]) {
    const std::string name = resident["name"];
    EXPECT_EQ(name.find('\0'), std::string::npos);
    EXPECT_EQ(name.find("\xEF\xBF\xBD"), std::string::npos) << name;
  }
}

TEST_F(Api, DuplicatesAreListedAndMerged) {
  const std::string op = Login("nanguan-op");
  auto a = Call("POST", "/api/v1/residents", op,
                json{{"name", "周八"}, {"phone", "13600000001"}, {"household_code", "220102001001-001-01-1-0101"}}.dump());
  auto b = Call("POST", "/api/v1/residents", op,
                json{{"name", "周八"}, {"phone", "136 0000 0001"}, {"household_code", "220102001001-001-01-1-0102"}}.dump());
  ASSERT_EQ(a.status, 201) << a.raw;
  ASSERT_EQ(b.status, 201) << b.raw;
  auto dups = Call("GET", "/api/v1/residents/duplicates?area=220102001001", op);
  ASSERT_EQ(dups.status, 200) << dups.raw;
  ASSERT_EQ(dups.body["items"].size(), 1u) << dups.raw;
  EXPECT_EQ(dups.body["items"][0]["reason"], "same name and phone");
  auto merged = Call("POST", "/api/v1/residents/merge", op, json{{"keep_id", a.body["id"]}, {"merge_id", b.body["id"]}}.dump());
  ASSERT_EQ(merged.status, 200) << merged.raw;
  EXPECT_TRUE(Call("GET", "/api/v1/residents/duplicates?area=220102001001", op).body["items"].empty());
}

TEST_F(Api, CoverageReportAndItsExports) {
  const std::string op = Login("nanguan-op");
  auto report = Call("GET", "/api/v1/coverage?area=220102001001", op);
  ASSERT_EQ(report.status, 200) << report.raw;
  // Nobody is responsible for anything yet: community, compound, building and unit all have gaps.
  EXPECT_EQ(report.body["by_level"]["building"]["with_gaps"], 1);
  EXPECT_EQ(report.body["by_level"]["unit"]["with_gaps"], 1);
  EXPECT_GE(report.body["total_gaps"].get<int>(), 4);
  http::Client client("127.0.0.1", server_->port());
  auto csv = client.Send("GET", "/api/v1/coverage?area=220102001001&format=csv", "", {{"Authorization", "Bearer " + op}});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->body.substr(0, 3), "\xEF\xBB\xBF");  // BOM, so Excel reads UTF-8
  EXPECT_NE(csv->body.find("no building leader"), std::string::npos);
  EXPECT_NE(std::string(csv->Header("content-disposition")).find("coverage-220102001001.csv"), std::string::npos);
  auto xlsx = client.Send("GET", "/api/v1/coverage?area=220102001001&format=xlsx", "", {{"Authorization", "Bearer " + op}});
  ASSERT_TRUE(xlsx.ok());
  EXPECT_EQ(xlsx->body.substr(0, 4), std::string("PK\x03\x04", 4));
  ExpectProblem(Call("GET", "/api/v1/coverage?area=220103001001", op), 422);  // as an unknown area
  // Other lists export the same way.
  auto areas = client.Send("GET", "/api/v1/areas?parent=220102001001&format=csv", "", {{"Authorization", "Bearer " + op}});
  ASSERT_TRUE(areas.ok());
  EXPECT_EQ(areas->status, 200);
  EXPECT_NE(areas->body.find("220102001001-001"), std::string::npos) << areas->body;
  auto residents =
      client.Send("GET", "/api/v1/residents?area=220102001001&format=xlsx", "", {{"Authorization", "Bearer " + op}});
  ASSERT_TRUE(residents.ok());
  EXPECT_EQ(residents->body.substr(0, 4), std::string("PK\x03\x04", 4));
  ExpectProblem(Call("GET", "/api/v1/areas?parent=220102001001&format=pdf", op), 422);
}

}  // namespace
}  // namespace tc::testing
