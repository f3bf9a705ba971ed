// Black-box tests of enterprises back to work over HTTP: an enterprise user sees and acts
// for its own enterprise only, a district officer for their district only; bad input
// through the API and through the import (CSV and XLSX) is refused naming the record and
// field, with nothing half-applied; 免申即享 explained to the enterprise; policies are the
// whole city's.
#include "api_fixture.h"
#include "enterprise/uscc.h"
#include "io/xlsx_writer.h"

namespace tc::testing {
namespace {

using nlohmann::json;

class EnterpriseApi : public Api {
 protected:
  // A valid credit code for sequence n in a district ("220102").
  static std::string Code(int n, const std::string& division6) {
    char org[9];
    std::snprintf(org, sizeof org, "%08d", 20'000'000 + n);
    auto code = enterprise::MakeUscc('9', '1', division6, org);
    EXPECT_TRUE(code.ok()) << code.status().ToString();
    return code.ok() ? *code : "";
  }
  static json Firm(int n, const std::string& district, double revenue = 300, double revenue_prev = 600) {
    return {{"uscc", Code(n, district.substr(0, 6))},
            {"name", "黑盒测试" + std::to_string(n) + "商贸有限公司"},
            {"division", "52"},
            {"district_code", district},
            {"employees", 12},
            {"revenue", revenue},
            {"revenue_prev", revenue_prev},
            {"contact_name", "赵经理"},
            {"contact_phone", "13911112222"}};
  }
  static int64_t Create(const std::string& token, const json& body) {
    auto r = Call("POST", "/api/v1/enterprises", token, body.dump());
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", int64_t{0});
  }
  static void MakeUser(const std::string& admin, const std::string& name, const std::string& role,
                       const std::string& area) {
    auto r = Call("POST", "/api/v1/users", admin,
                  json{{"username", name}, {"password", kPassword}, {"role", role}, {"area_code", area}}.dump());
    ASSERT_EQ(r.status, 201) << r.raw;
  }
  static size_t Count(const std::string& token, const std::string& query = "") {
    auto r = Call("GET", "/api/v1/enterprises?limit=1000" + query, token);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body.value("items", json::array()).size();
  }
};

TEST_F(EnterpriseApi, AnEnterpriseUserSeesOnlyItsOwnAndADistrictOfficerOnlyTheirDistrict) {
  const std::string admin = Login("admin"), nanguan = Login("nanguan-op"), kuancheng = Login("kuancheng-op");
  const int64_t a = Create(nanguan, Firm(1, "220102000000"));
  const int64_t b = Create(kuancheng, Firm(2, "220103000000"));
  // An officer cannot register an enterprise in another district.
  auto across = Call("POST", "/api/v1/enterprises", nanguan, Firm(3, "220103000000").dump());
  EXPECT_EQ(across.status, 404) << across.raw;

  // The district officer: their district only, answered as if the other did not exist.
  auto other = Call("GET", "/api/v1/enterprises/" + std::to_string(a), kuancheng);
  auto missing = Call("GET", "/api/v1/enterprises/999999", kuancheng);
  ExpectLikeMissing(other, missing, std::to_string(a), "999999");
  auto list = Call("GET", "/api/v1/enterprises?limit=1000", kuancheng);
  ASSERT_EQ(list.status, 200) << list.raw;
  for (const auto& e : list.body["items"]) EXPECT_EQ(e["district_code"], "220103000000") << e.dump();
  auto rates = Call("GET", "/api/v1/enterprise-rates?group_by=district", kuancheng);
  ASSERT_EQ(rates.status, 200) << rates.raw;
  for (const auto& r : rates.body["rows"]) EXPECT_EQ(r["key"], "220103000000") << r.dump();

  // The enterprise user, once linked: its own enterprise and nothing else.
  MakeUser(admin, "firm-a", "enterprise_user", "220102000000");
  const std::string unlinked = Login("firm-a");
  EXPECT_EQ(Call("GET", "/api/v1/enterprises", unlinked).status, 403);
  auto link = Call("POST", "/api/v1/enterprises/" + std::to_string(a) + "/accounts", nanguan,
                   json{{"username", "firm-a"}}.dump());
  ASSERT_EQ(link.status, 200) << link.raw;
  const std::string firm = Login("firm-a");
  auto me = Call("GET", "/api/v1/enterprises/me", firm);
  ASSERT_EQ(me.status, 200) << me.raw;
  EXPECT_EQ(me.body["id"], a);
  EXPECT_EQ(Count(firm), 1u);
  const std::string b_path = "/api/v1/enterprises/" + std::to_string(b);
  ExpectLikeMissing(Call("GET", b_path, firm), Call("GET", "/api/v1/enterprises/999999", firm), std::to_string(b), "999999");
  EXPECT_EQ(Call("GET", b_path + "/policies", firm).status, 404);
  EXPECT_EQ(Call("GET", b_path + "/roster", firm).status, 404);
  EXPECT_EQ(Call("POST", b_path + "/filings", firm, json{{"responsible", "x"}}.dump()).status, 404);
  EXPECT_EQ(Call("POST", b_path + "/appeals", firm, json{{"text", "求助"}}.dump()).status, 404);
  auto own_rates = Call("GET", "/api/v1/enterprise-rates", firm);
  ASSERT_EQ(own_rates.status, 200) << own_rates.raw;
  EXPECT_EQ(own_rates.body["total"]["enterprises"], 1);
  // An enterprise user registers nothing and writes no policy.
  EXPECT_EQ(Call("POST", "/api/v1/enterprises", firm, Firm(4, "220102000000").dump()).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/policies/dry-run", firm, json{{"rule", "true"}, {"benefit", "1"}}.dump()).status, 403);
}

TEST_F(EnterpriseApi, BadInputIsRefusedNamingTheFieldAndNothingIsHalfApplied) {
  const std::string nanguan = Login("nanguan-op");
  const size_t before = Count(nanguan);
  json bad = Firm(10, "220102000000");
  bad["uscc"] = std::string(bad["uscc"]).substr(0, 17) + (std::string(bad["uscc"]).back() == 'A' ? "B" : "A");
  bad["employees"] = "many";
  auto r = Call("POST", "/api/v1/enterprises", nanguan, bad.dump());
  ExpectProblem(r, 422);
  EXPECT_TRUE(ErrorFields(r).contains("employees")) << r.raw;
  bad["employees"] = 12;
  r = Call("POST", "/api/v1/enterprises", nanguan, bad.dump());
  ExpectProblem(r, 422);
  EXPECT_TRUE(ErrorFields(r).contains("uscc")) << r.raw;
  EXPECT_EQ(Count(nanguan), before);

  // A filing with a malformed roster line stores nothing; one missing items is returned
  // with every reason.
  const int64_t id = Create(nanguan, Firm(11, "220102000000"));
  const std::string base = "/api/v1/enterprises/" + std::to_string(id);
  json filing = {{"responsible", "孙安全"}, {"responsible_phone", "13900003333"}, {"measures", {"测温", "消毒"}},
                 {"isolation_point", true}, {"supply_days", 10}, {"staff_before", 2}, {"open_on", "2026-06-01"},
                 {"roster", {{{"name", "甲"}, {"id_number", kNanguanId1}}, {{"name", "乙"}, {"id_number", "220102199001010019"}}}}};
  r = Call("POST", base + "/filings", nanguan, filing.dump());
  ExpectProblem(r, 422);
  EXPECT_TRUE(ErrorFields(r).contains("roster[1].id_number")) << r.raw;
  auto filings = Call("GET", base + "/filings", nanguan);
  ASSERT_EQ(filings.status, 200) << filings.raw;
  EXPECT_TRUE(filings.body["items"].empty()) << filings.raw;
  auto returned = Call("POST", base + "/filings", nanguan, json{{"responsible", "孙安全"}}.dump());
  ASSERT_EQ(returned.status, 201) << returned.raw;
  EXPECT_EQ(returned.body["status"], "returned");
  EXPECT_GE(returned.body["reasons"].size(), 5u) << returned.raw;
  filing["roster"][1]["id_number"] = kNanguanId2;
  auto filed = Call("POST", base + "/filings", nanguan, filing.dump());
  ASSERT_EQ(filed.status, 201) << filed.raw;
  EXPECT_EQ(filed.body["status"], "filed");
  // The roster links residents and is masked unless unmasked (audited).
  auto roster = Call("GET", base + "/roster", nanguan);
  ASSERT_EQ(roster.status, 200) << roster.raw;
  ASSERT_EQ(roster.body["items"].size(), 2u);
  EXPECT_EQ(roster.body["items"][0]["id_number"], "220102********0015");
  EXPECT_FALSE(roster.body["items"][0]["resident_id"].is_null());
  auto full = Call("GET", base + "/roster?unmask=true", nanguan);
  EXPECT_EQ(full.body["items"][0]["id_number"], kNanguanId1);
  // Declarations are all or nothing: an unknown employee refuses the lot.
  auto decl = Call("POST", base + "/declarations", nanguan,
                   json{{"declarations", {{{"id_number", kNanguanId1}, {"temperature", 36.5}},
                                          {{"id_number", kKuanchengId}, {"temperature", 36.6}}}}}.dump());
  ExpectProblem(decl, 422);
  EXPECT_TRUE(ErrorFields(decl).contains("declarations[1]")) << decl.raw;
  auto staff = Call("GET", "/api/v1/enterprises/" + std::to_string(id), nanguan);
  EXPECT_EQ(staff.body["staff_back"], 0);

  // A policy whose rule does not parse: the field and the position.
  const std::string admin = Login("admin");
  auto p = Call("POST", "/api/v1/policies", admin,
                json{{"code", "bad-rule"}, {"name", "x"}, {"rule", "size in [\"small\","}, {"benefit", "1"}}.dump());
  ExpectProblem(p, 422);
  ASSERT_TRUE(ErrorFields(p).contains("rule")) << p.raw;
  EXPECT_NE(p.raw.find("column"), std::string::npos) << p.raw;
  // Policies are the whole city's: a district commander may not make one.
  auto district = Call("POST", "/api/v1/policies", Login("nanguan-cmd"),
                       json{{"code", "district"}, {"name", "x"}, {"rule", "true"}, {"benefit", "1"}}.dump());
  EXPECT_EQ(district.status, 403) << district.raw;
}

TEST_F(EnterpriseApi, ImportNamesEachBadLineAndAllOrNothingWritesNothing) {
  const std::string nanguan = Login("nanguan-op");
  const size_t before = Count(nanguan);
  std::string bad_code = Code(31, "220102");
  bad_code.back() = bad_code.back() == 'A' ? 'B' : 'A';
  const std::string csv = "统一社会信用代码,企业名称,行业代码,所属区,从业人数,营业收入,上年营业收入\n" +
                          Code(30, "220102") + ",导入甲商店,5211,南关区,5,50,80\n" + bad_code +
                          ",导入乙商店,5211,南关区,5,50,80\n" + Code(32, "220103") + ",导入丙商店,5211,宽城区,5,50,80\n";
  auto strict = Call("POST", "/api/v1/enterprises/import?all_or_nothing=true", nanguan, csv, "text/csv");
  ASSERT_EQ(strict.status, 200) << strict.raw;
  EXPECT_EQ(strict.body["written"], false);
  EXPECT_EQ(strict.body["rejected"], 2);
  EXPECT_EQ(Count(nanguan), before);
  auto lenient = Call("POST", "/api/v1/enterprises/import", nanguan, csv, "text/csv");
  ASSERT_EQ(lenient.status, 200) << lenient.raw;
  EXPECT_EQ(lenient.body["created"], 1);
  ASSERT_EQ(lenient.body["errors"].size(), 2u) << lenient.raw;
  EXPECT_EQ(lenient.body["errors"][0]["line"], 3);
  EXPECT_EQ(lenient.body["errors"][0]["field"], "uscc");
  EXPECT_EQ(lenient.body["errors"][0]["record"], bad_code);
  EXPECT_EQ(lenient.body["errors"][1]["line"], 4);
  EXPECT_EQ(lenient.body["errors"][1]["field"], "district_code");  // 宽城区: not the officer's
  EXPECT_EQ(Count(nanguan), before + 1);

  // The same as a workbook the bureau exports, errors by sheet row.
  const std::string path = store::testing::TempSqlitePath("ent") + ".xlsx";
  {
    auto x = io::XlsxWriter::Create(path, "市场主体");
    ASSERT_TRUE(x.ok()) << x.status().ToString();
    ASSERT_TRUE((*x)->WriteHeader({"统一社会信用代码", "企业名称", "行业代码", "所属区", "从业人数"}).ok());
    ASSERT_TRUE((*x)->WriteRow({Code(40, "220102"), "表格甲公司", "3670", "220102000000", "80"}).ok());
    ASSERT_TRUE((*x)->WriteRow({Code(41, "220102"), "表格乙公司", "99", "220102000000", "8"}).ok());
    ASSERT_TRUE((*x)->Close().ok());
  }
  std::string bytes;
  {
    FILE* f = std::fopen(path.c_str(), "rb");
    ASSERT_NE(f, nullptr);
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.append(buf, n);
    std::fclose(f);
  }
  auto xlsx = Call("POST", "/api/v1/enterprises/import", nanguan, bytes,
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  ASSERT_EQ(xlsx.status, 200) << xlsx.raw;
  EXPECT_EQ(xlsx.body["created"], 1);
  ASSERT_EQ(xlsx.body["errors"].size(), 1u) << xlsx.raw;
  EXPECT_EQ(xlsx.body["errors"][0]["line"], 3);
  EXPECT_EQ(xlsx.body["errors"][0]["field"], "division");
  auto plain = Call("POST", "/api/v1/enterprises/import", nanguan, "x", "application/pdf");
  ExpectProblem(plain, 400);
}

TEST_F(EnterpriseApi, BenefitsArePushedWithoutApplicationAndExplainedToTheEnterprise) {
  const std::string admin = Login("admin"), nanguan = Login("nanguan-op");
  const int64_t hit = Create(nanguan, Firm(50, "220102000000", 100, 600));   // revenue −83 %
  const int64_t miss = Create(nanguan, Firm(51, "220102000000", 590, 600));  // −1.7 %
  MakeUser(admin, "firm-hit", "enterprise_user", "220102000000");
  ASSERT_EQ(Call("POST", "/api/v1/enterprises/" + std::to_string(miss) + "/accounts", nanguan,
                 json{{"username", "firm-hit"}}.dump())
                .status,
            200);
  const std::string firm = Login("firm-hit");
  auto dry = Call("POST", "/api/v1/policies/dry-run", admin,
                  json{{"rule", "industry = \"F\" and revenue_drop >= 50"}, {"benefit", "employees * 0.2"}, {"budget", 1}}.dump());
  ASSERT_EQ(dry.status, 200) << dry.raw;
  EXPECT_GE(dry.body["enterprises"].get<int>(), 1);
  auto created = Call("POST", "/api/v1/policies", admin,
                      json{{"code", "bb-relief"}, {"name", "黑盒纾困"}, {"rule", "industry = \"F\" and revenue_drop >= 50"},
                           {"benefit", "employees * 0.2"}}.dump());
  ASSERT_EQ(created.status, 201) << created.raw;
  const std::string pid = std::to_string(created.body["id"].get<int64_t>());
  // A draft is invisible to enterprises.
  EXPECT_EQ(Call("GET", "/api/v1/policies/" + pid, firm).status, 404);
  auto pub = Call("POST", "/api/v1/policies/" + pid + "/publish", admin);
  ASSERT_EQ(pub.status, 200) << pub.raw;
  EXPECT_GE(pub.body["pushed"].get<int>(), 1);
  auto mine = Call("GET", "/api/v1/benefits?policy=" + pid, firm);
  ASSERT_EQ(mine.status, 200) << mine.raw;
  EXPECT_TRUE(mine.body["items"].empty()) << mine.raw;  // firm-hit's enterprise does not qualify
  auto why = Call("GET", "/api/v1/enterprises/" + std::to_string(miss) + "/policies?policy=" + pid, firm);
  ASSERT_EQ(why.status, 200) << why.raw;
  ASSERT_EQ(why.body["items"].size(), 1u);
  EXPECT_EQ(why.body["items"][0]["qualifies"], false);
  bool told = false;
  for (const auto& t : why.body["items"][0]["terms"]) {
    if (t["condition"].get<std::string>().find("revenue_drop") != std::string::npos) {
      EXPECT_EQ(t["holds"], false);
      EXPECT_NE(t["actual"].get<std::string>().find("1.67"), std::string::npos) << t.dump();
      told = true;
    }
  }
  EXPECT_TRUE(told) << why.raw;
  // The enterprise that qualifies has it pushed; the finance office disburses it.
  auto paid = Call("POST", "/api/v1/benefits/" + pid + "/" + std::to_string(hit) + "/disburse", admin,
                   json{{"reference", "BB-PAY-1"}}.dump());
  ASSERT_EQ(paid.status, 200) << paid.raw;
  EXPECT_EQ(paid.body["status"], "disbursed");
  EXPECT_DOUBLE_EQ(paid.body["amount"].get<double>(), 2.4);
  // An enterprise cannot disburse, nor confirm another's benefit.
  EXPECT_EQ(Call("POST", "/api/v1/benefits/" + pid + "/" + std::to_string(hit) + "/disburse", firm,
                 json{{"reference", "x"}}.dump())
                .status,
            403);
  EXPECT_EQ(Call("POST", "/api/v1/benefits/" + pid + "/" + std::to_string(hit) + "/confirm", firm).status, 404);
}

}  // namespace
}  // namespace tc::testing
