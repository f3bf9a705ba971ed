// Black-box tests of hospitals and fever clinics (医疗救治) over HTTP: a confirmed case
// recorded through the cases API waits for a bed with a suggested designated hospital,
// is admitted by the district's hospital staff, moved to the ICU and discharged; a full
// kind is refused naming the hospital, kind and beds, and nothing changes; another
// district's hospitals answer as missing; the forecast counts the district's beds.
#include "api_fixture.h"

namespace tc::testing {
namespace {

using nlohmann::json;

class HospitalsApi : public Api {
 protected:
  static int64_t NewResident(const std::string& admin, const std::string& name, const std::string& id_number,
                             const std::string& household) {
    auto r = Call("POST", "/api/v1/residents", admin,
                  json{{"name", name}, {"id_number", id_number}, {"household_code", household}}.dump());
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", int64_t{0});
  }
  static int64_t NewCase(const std::string& admin, int64_t resident) {
    const std::string today = ShanghaiDate(NowMs());
    auto r = Call("POST", "/api/v1/cases", admin,
                  json{{"resident_id", resident}, {"kind", "confirmed"}, {"report_date", today}}.dump());
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", int64_t{0});
  }
  static json Awaiting(const std::string& token, int64_t case_id) {
    auto r = Call("GET", "/api/v1/hospitals/awaiting", token);
    EXPECT_EQ(r.status, 200) << r.raw;
    for (const auto& w : r.body["items"]) {
      if (w["case_id"] == case_id) return w;
    }
    return nullptr;
  }
};

TEST_F(HospitalsApi, ACaseWaitsIsAdmittedMovedAndDischargedAndAFullKindChangesNothing) {
  const std::string admin = Login("admin"), medic = Login("medic-nanguan"), cmd = Login("nanguan-cmd"),
                    kuancheng = Login("kuancheng-op");
  auto hosp = [&](const std::string& name, const std::string& kind, const std::string& district, json beds) {
    auto r = Call("POST", "/api/v1/hospitals", admin,
                  json{{"name", name}, {"kind", kind}, {"district_code", district}, {"beds", beds}}.dump());
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", int64_t{0});
  };
  const int64_t nanguan = hosp("南关区定点医院", "designated", "220102000000", {{"ordinary", 1}, {"icu", 1}});
  const int64_t clinic = hosp("南关区发热门诊", "fever_clinic", "220102000000", {{"ordinary", 5}});
  const int64_t far = hosp("宽城区定点医院", "designated", "220103000000", {{"ordinary", 2}});
  auto bad = Call("POST", "/api/v1/hospitals", admin,
                  json{{"name", "X"}, {"kind", "clinic"}, {"district_code", "220102000000"}}.dump());
  ExpectProblem(bad, 422);
  EXPECT_TRUE(ErrorFields(bad).contains("kind")) << bad.raw;
  auto street = Call("POST", "/api/v1/hospitals", admin,
                     json{{"name", "X"}, {"kind", "designated"}, {"district_code", "220102001000"}}.dump());
  ExpectProblem(street, 422);
  EXPECT_TRUE(ErrorFields(street).contains("district_code")) << street.raw;

  // Who may do what: the commander reads; an area operator has no medical permission.
  EXPECT_EQ(Call("GET", "/api/v1/hospitals", cmd).status, 200);
  ExpectProblem(Call("POST", "/api/v1/hospitals", cmd,
                     json{{"name", "Y"}, {"kind", "designated"}, {"district_code", "220102000000"}}.dump()),
                403);
  ExpectProblem(Call("GET", "/api/v1/hospitals", kuancheng), 403);
  // The district's staff see its hospitals only; another district's answers as missing.
  auto mine = Call("GET", "/api/v1/hospitals", medic);
  ASSERT_EQ(mine.status, 200) << mine.raw;
  ASSERT_EQ(mine.body["items"].size(), 2u) << mine.raw;
  EXPECT_EQ(mine.body["items"][0]["name"], "南关区定点医院");
  ExpectLikeMissing(Call("GET", "/api/v1/hospitals/" + std::to_string(far), medic),
                    Call("GET", "/api/v1/hospitals/999999", medic), std::to_string(far), "999999");

  // Two confirmed cases in 南关: the first is suggested the district's designated hospital,
  // the second (its one ordinary bed spoken for) the other district's.
  const int64_t a = NewResident(admin, "赵医甲", "220102197001010317", "220102001001-001-01-1-0102");
  const int64_t b = NewResident(admin, "钱医乙", "220102197202020423", "220102001001-001-01-1-0102");
  const int64_t case_a = NewCase(admin, a), case_b = NewCase(admin, b);
  const json wa = Awaiting(medic, case_a);
  ASSERT_TRUE(wa.is_object()) << "case " << case_a << " is not awaiting a bed";
  EXPECT_EQ(wa["name"], "赵医甲");
  EXPECT_EQ(wa["suggested_hospital_id"], nanguan);
  const json wb = Awaiting(admin, case_b);
  ASSERT_TRUE(wb.is_object());
  EXPECT_EQ(wb["suggested_hospital_id"], far);

  auto adm = Call("POST", "/api/v1/hospitals/admissions", medic, json{{"case_id", case_a}}.dump());
  ASSERT_EQ(adm.status, 201) << adm.raw;
  EXPECT_EQ(adm.body["hospital_name"], "南关区定点医院");
  EXPECT_EQ(adm.body["bed_kind"], "ordinary");
  EXPECT_TRUE(Awaiting(medic, case_a).is_null());
  // The kind is full: refused naming the hospital, kind and beds; nothing changed.
  auto full = Call("POST", "/api/v1/hospitals/admissions", medic,
                   json{{"case_id", case_b}, {"hospital_id", nanguan}}.dump());
  ExpectProblem(full, 409);
  EXPECT_EQ(full.body["detail"], "hospital '南关区定点医院' has no free ordinary bed: 1 of 1 taken") << full.raw;
  EXPECT_TRUE(Awaiting(medic, case_b).is_object());
  ExpectProblem(Call("POST", "/api/v1/hospitals/admissions", medic,
                     json{{"case_id", case_b}, {"hospital_id", clinic}}.dump()),
                409);
  ExpectProblem(Call("POST", "/api/v1/hospitals/admissions", medic,
                     json{{"case_id", case_b}, {"hospital_id", far}}.dump()),
                404);
  ExpectProblem(Call("POST", "/api/v1/hospitals/admissions", medic, json{{"case_id", case_a}}.dump()), 409);
  auto h = Call("GET", "/api/v1/hospitals/" + std::to_string(nanguan), medic);
  EXPECT_EQ(h.body["occupied"], (json{{"ordinary", 1}, {"severe", 0}, {"icu", 0}})) << h.raw;

  // Worse: to the ICU; the ordinary bed frees and the second case takes it.
  const std::string stay = "/api/v1/hospitals/admissions/" + std::to_string(adm.body["id"].get<int64_t>());
  auto icu = Call("POST", stay + "/transfer", medic, json{{"bed_kind", "icu"}}.dump());
  ASSERT_EQ(icu.status, 200) << icu.raw;
  EXPECT_EQ(Call("GET", stay, medic).body["outcome"], "transferred");
  auto second = Call("POST", "/api/v1/hospitals/admissions", medic,
                     json{{"case_id", case_b}, {"hospital_id", nanguan}}.dump());
  ASSERT_EQ(second.status, 201) << second.raw;
  h = Call("GET", "/api/v1/hospitals/" + std::to_string(nanguan), medic);
  EXPECT_EQ(h.body["occupied"], (json{{"ordinary", 1}, {"severe", 0}, {"icu", 1}})) << h.raw;
  ExpectProblem(Call("PATCH", "/api/v1/hospitals/" + std::to_string(nanguan), medic,
                     json{{"beds", {{"icu", 0}}}}.dump()),
                409);

  const std::string icu_stay = "/api/v1/hospitals/admissions/" + std::to_string(icu.body["id"].get<int64_t>());
  auto odd = Call("POST", icu_stay + "/discharge", medic, json{{"outcome", "teleported"}}.dump());
  ExpectProblem(odd, 422);
  EXPECT_TRUE(ErrorFields(odd).contains("outcome")) << odd.raw;
  auto out = Call("POST", icu_stay + "/discharge", medic, json{{"outcome", "recovered"}}.dump());
  ASSERT_EQ(out.status, 200) << out.raw;
  EXPECT_EQ(out.body["outcome"], "recovered");
  ExpectProblem(Call("POST", icu_stay + "/discharge", medic, json{{"outcome", "recovered"}}.dump()), 409);
  auto open = Call("GET", "/api/v1/hospitals/" + std::to_string(nanguan) + "/admissions?open=true", medic);
  ASSERT_EQ(open.status, 200) << open.raw;
  ASSERT_EQ(open.body["items"].size(), 1u) << open.raw;
  EXPECT_EQ(open.body["items"][0]["case_id"], case_b);
  EXPECT_EQ(Call("GET", "/api/v1/hospitals/" + std::to_string(nanguan) + "/admissions", medic).body["items"].size(), 3u);

  // The forecast counts the district's designated beds (the fever clinic's are not case beds).
  auto f = Call("GET", "/api/v1/hospitals/forecast?days=7", medic);
  ASSERT_EQ(f.status, 200) << f.raw;
  EXPECT_EQ(f.body["days"].size(), 7u);
  EXPECT_EQ(f.body["inputs"]["kinds"]["ordinary"]["beds"], 1);
  EXPECT_EQ(f.body["inputs"]["kinds"]["ordinary"]["occupied"], 1);
  EXPECT_EQ(f.body["inputs"]["kinds"]["icu"]["beds"], 1);
  ExpectProblem(Call("GET", "/api/v1/hospitals/forecast?days=0", medic), 422);
  ExpectProblem(Call("GET", "/api/v1/hospitals/forecast", kuancheng), 403);
}

}  // namespace
}  // namespace tc::testing
