#include "quarantine/hospitals.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "events/events.h"
#include "registry/registry_fixture.h"

namespace tc::quarantine {
namespace {

constexpr Millis kT0 = 1'779'933'600'000;  // 2026-05-28 10:00 in Shanghai
const std::string kNanguan = "/220100000000/220102000000/";
const std::string kKuancheng = "/220100000000/220103000000/";
const std::string kNanguanHome = kNanguan + "220102001000/220102001001/220102001001-001/";
const std::string kKuanchengHome = kKuancheng + "220103001000/220103001001/220103001001-001/";

TEST(SuggestHospital, TheCasesDistrictFirstThenTheMostFreeOrdinaryBedsThenTheLowestId) {
  auto h = [](int64_t id, HospitalKind kind, std::string district, int64_t beds, int64_t taken, int64_t suggested) {
    Hospital x;
    x.id = id;
    x.kind = kind;
    x.district_code = std::move(district);
    x.beds = {beds, 0, 0};
    x.occupied = {taken, 0, 0};
    x.awaiting_suggested = suggested;
    return x;
  };
  const std::vector<Hospital> city = {
      h(1, HospitalKind::kDesignated, "220103000000", 50, 0, 0),   // far, most free
      h(2, HospitalKind::kBoth, "220102000000", 4, 1, 0),          // local, 3 free
      h(3, HospitalKind::kDesignated, "220102000000", 10, 3, 4),   // local, 3 free after suggestions
      h(4, HospitalKind::kFeverClinic, "220102000000", 99, 0, 0),  // admits no cases
  };
  EXPECT_EQ(SuggestHospital(city, "220102000000"), 2);  // local; tie on free beds → lower id
  EXPECT_EQ(SuggestHospital(city, "220199000000"), 1);  // no local one: the most free beds
  auto full = city;
  full[1].occupied[kOrdinary] = 4;
  full[2].awaiting_suggested = 7;
  EXPECT_EQ(SuggestHospital(full, "220102000000"), 1);  // local ones full (suggestions count): elsewhere
  full[0].awaiting_suggested = 50;
  EXPECT_EQ(SuggestHospital(full, "220102000000"), 0);  // none free
  EXPECT_EQ(DistrictOfPath(kNanguanHome), "220102000000");
  EXPECT_EQ(DistrictOfPath("/220100000000/"), "");
}

class HospitalsTest : public registry::RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    clock_.Set(kT0);
    hospitals_ = std::make_unique<Hospitals>(*store_, clock_);
    bus_ = std::make_unique<events::Bus>(*store_);
    bus_->Subscribe("hospitals", [this](const events::Event& e) { return hospitals_->OnEvent(e); });
    zhang_ = Add("张三", Id("22010219850307001"), "220102001001-001-01-1-0101", "13800000001");
    wang_ = Add("王五", Id("22010319800101003"), "220103001001-001-01-1-0101", "13800000003");
  }
  // A CaseConfirmed as the cases module publishes it, delivered on the bus.
  void Confirm(int64_t case_id, int64_t resident_id, const std::string& path) {
    nlohmann::json p = {{"case_id", case_id}, {"resident_id", resident_id}, {"household_code", "x"},
                        {"area_path", path},  {"kind", "confirmed"},         {"onset_date", nullptr},
                        {"report_date", "2026-05-28"}};
    ASSERT_TRUE(store_->Tx([&](store::Conn& c) { return events::Publish(c, "CaseConfirmed", p.dump(), clock_.Now()); })
                    .ok());
    ASSERT_TRUE(bus_->Deliver().ok());
  }
  Hospital Make(const std::string& name, HospitalKind kind, const std::string& district, BedCounts beds) {
    auto h = hospitals_->Create({.name = name, .kind = kind, .district_code = district, .beds = beds}, "", by_);
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    return h.ok() ? *h : Hospital{};
  }
  int64_t Count(const std::string& table) {
    int64_t n = -1;
    EXPECT_TRUE(store_->Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto r, c.Query("SELECT COUNT(*) FROM " + table));
      n = r[0].Int(0);
      return Status::Ok();
    }).ok());
    return n;
  }
  ManualClock clock_;
  std::unique_ptr<Hospitals> hospitals_;
  std::unique_ptr<events::Bus> bus_;
  registry::Resident zhang_, wang_;
};

TEST_P(HospitalsTest, AdmissionTransferAndDischargeMoveTheOccupancyByKind) {
  const Hospital a = Make("南关定点医院", HospitalKind::kDesignated, "220102000000", {2, 1, 1});
  Confirm(101, zhang_.id, kNanguanHome);
  Confirm(102, wang_.id, kKuanchengHome);
  auto adm = hospitals_->Admit({.case_id = 101}, "", by_);  // to the suggestion, an ordinary bed
  ASSERT_TRUE(adm.ok()) << adm.status().ToString();
  EXPECT_EQ(adm->hospital_id, a.id);
  EXPECT_EQ(adm->resident_name, "张三");
  EXPECT_EQ(adm->bed_kind, kOrdinary);
  auto h = hospitals_->Get(a.id, "");
  EXPECT_EQ(h->occupied, (BedCounts{1, 0, 0}));
  // Worse: to the ICU of the same hospital, one transaction.
  auto icu = hospitals_->Transfer(adm->id, 0, kIcu, "", by_);
  ASSERT_TRUE(icu.ok()) << icu.status().ToString();
  EXPECT_NE(icu->id, adm->id);
  EXPECT_EQ(hospitals_->GetAdmission(adm->id, "")->outcome, "transferred");
  EXPECT_EQ(hospitals_->Get(a.id, "")->occupied, (BedCounts{0, 0, 1}));
  EXPECT_EQ(hospitals_->Transfer(icu->id, 0, kIcu, "", by_).status().code(), StatusCode::kInvalidArgument);
  // Already in a bed: a second admission is refused naming where.
  auto twice = hospitals_->Admit({.case_id = 101, .hospital_id = a.id}, "", by_);
  ASSERT_EQ(twice.status().code(), StatusCode::kConflict);
  EXPECT_NE(twice.status().message().find("南关定点医院"), std::string::npos) << twice.status().message();
  auto other = hospitals_->Admit({.case_id = 102, .hospital_id = a.id, .bed_kind = kSevere}, "", by_);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(hospitals_->Get(a.id, "")->occupied, (BedCounts{0, 1, 1}));
  auto out = hospitals_->Discharge(icu->id, DischargeOutcome::kRecovered, "", by_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->outcome, "recovered");
  EXPECT_GT(out->discharged_at, 0);
  EXPECT_EQ(hospitals_->Get(a.id, "")->occupied, (BedCounts{0, 1, 0}));
  EXPECT_EQ(hospitals_->Discharge(icu->id, DischargeOutcome::kDied, "", by_).status().code(), StatusCode::kConflict);
  EXPECT_EQ(hospitals_->Discharge(other->id, DischargeOutcome::kTransferred, "", by_).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(hospitals_->Awaiting("")->empty());
  auto stays = hospitals_->Admissions(a.id, false, "", 100);
  EXPECT_EQ(stays->size(), 3u);
  EXPECT_EQ(hospitals_->Admissions(a.id, true, "", 100)->size(), 1u);
  // Beds cannot fall below what is taken; a hospital with cases in it stays designated.
  EXPECT_EQ(hospitals_->Update(a.id, {.set_beds = true, .beds = {2, 0, 1}}, "", by_).status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(hospitals_->Update(a.id, {.kind = "fever_clinic"}, "", by_).status().code(), StatusCode::kConflict);
  auto grown = hospitals_->Update(a.id, {.set_beds = true, .beds = {20, 5, 2}}, "", by_);
  ASSERT_TRUE(grown.ok()) << grown.status().ToString();
  EXPECT_EQ(grown->beds, (BedCounts{20, 5, 2}));
}

TEST_P(HospitalsTest, AFullKindIsRefusedNamingTheHospitalKindAndBedsAndNothingIsWritten) {
  const Hospital a = Make("南关定点医院", HospitalKind::kDesignated, "220102000000", {2, 0, 1});
  const Hospital clinic = Make("南关发热门诊", HospitalKind::kFeverClinic, "220102000000", {5, 0, 0});
  Confirm(101, zhang_.id, kNanguanHome);
  Confirm(102, wang_.id, kKuanchengHome);
  ASSERT_TRUE(hospitals_->Admit({.case_id = 101, .bed_kind = kIcu}, "", by_).ok());
  const int64_t audits = Count("audit_log"), stays = Count("hospital_admissions");
  auto full = hospitals_->Admit({.case_id = 102, .hospital_id = a.id, .bed_kind = kIcu}, "", by_);
  ASSERT_EQ(full.status().code(), StatusCode::kConflict);
  EXPECT_EQ(full.status().message(), "hospital '南关定点医院' has no free icu bed: 1 of 1 taken");
  auto none = hospitals_->Admit({.case_id = 102, .hospital_id = a.id, .bed_kind = kSevere}, "", by_);
  EXPECT_EQ(none.status().message(), "hospital '南关定点医院' has no free severe bed: 0 of 0 taken");
  auto fever = hospitals_->Admit({.case_id = 102, .hospital_id = clinic.id}, "", by_);
  ASSERT_EQ(fever.status().code(), StatusCode::kConflict);
  EXPECT_NE(fever.status().message().find("fever clinic only"), std::string::npos);
  EXPECT_EQ(hospitals_->Admit({.case_id = 999}, "", by_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Count("audit_log"), audits);
  EXPECT_EQ(Count("hospital_admissions"), stays);
  ASSERT_EQ(hospitals_->Awaiting("")->size(), 1u);
  EXPECT_EQ(hospitals_->Awaiting("")->at(0).case_id, 102);
  EXPECT_EQ(hospitals_->Get(a.id, "")->occupied, (BedCounts{0, 0, 1}));
  // A transfer into a full kind: refused, the stay stays open where it was.
  auto adm = hospitals_->Admit({.case_id = 102, .hospital_id = a.id}, "", by_);
  ASSERT_TRUE(adm.ok()) << adm.status().ToString();
  EXPECT_EQ(hospitals_->Transfer(adm->id, 0, kIcu, "", by_).status().code(), StatusCode::kConflict);
  EXPECT_EQ(hospitals_->GetAdmission(adm->id, "")->discharged_at, 0);
  EXPECT_EQ(hospitals_->Get(a.id, "")->occupied, (BedCounts{1, 0, 1}));
}

TEST_P(HospitalsTest, ACaseConfirmedWaitsWithASuggestedDesignatedHospitalAndARedeliveryChangesNothing) {
  const Hospital far = Make("宽城定点医院", HospitalKind::kDesignated, "220103000000", {10, 0, 0});
  const Hospital near = Make("南关定点医院", HospitalKind::kBoth, "220102000000", {1, 0, 0});
  Make("南关发热门诊", HospitalKind::kFeverClinic, "220102000000", {50, 0, 0});
  Confirm(101, zhang_.id, kNanguanHome);
  auto waiting = hospitals_->Awaiting("");
  ASSERT_TRUE(waiting.ok()) << waiting.status().ToString();
  ASSERT_EQ(waiting->size(), 1u);
  const AwaitingCase& w = (*waiting)[0];
  EXPECT_EQ(w.case_id, 101);
  EXPECT_EQ(w.resident_name, "张三");
  EXPECT_EQ(w.district_code, "220102000000");
  EXPECT_EQ(w.suggested_hospital_id, near.id);  // in the district, a free ordinary bed
  EXPECT_EQ(w.suggested_hospital_name, "南关定点医院");
  // Its one free bed is spoken for: the next case of the district goes elsewhere.
  Confirm(102, wang_.id, kNanguanHome);
  EXPECT_EQ(hospitals_->Awaiting("")->at(1).suggested_hospital_id, far.id);
  // The same event delivered again (a restart before the cursor moved): nothing changes.
  const int64_t audits = Count("audit_log");
  std::string payload;
  int64_t seq = 0;
  ASSERT_TRUE(store_->Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto r, c.Query("SELECT seq, payload FROM events WHERE type = 'CaseConfirmed' ORDER BY seq"));
    seq = r[0].Int(0);
    payload = r[0].Text(1);
    return Status::Ok();
  }).ok());
  ASSERT_TRUE(hospitals_->OnEvent({seq, "CaseConfirmed", payload, kT0}).ok());
  EXPECT_EQ(Count("hospital_awaiting"), 2);
  EXPECT_EQ(Count("audit_log"), audits);
  // Also after admission: the case does not wait again.
  ASSERT_TRUE(hospitals_->Admit({.case_id = 101}, "", by_).ok());
  ASSERT_TRUE(hospitals_->OnEvent({seq, "CaseConfirmed", payload, kT0}).ok());
  EXPECT_EQ(hospitals_->Awaiting("")->size(), 1u);
  // Other events and a payload without a case are passed over.
  EXPECT_TRUE(hospitals_->OnEvent({seq + 100, "ContactListed", "{}", kT0}).ok());
  EXPECT_TRUE(hospitals_->OnEvent({seq + 101, "CaseConfirmed", R"({"resident_id":1})", kT0}).ok());
  EXPECT_EQ(Count("hospital_awaiting"), 2);
  // With no free ordinary bed anywhere, the case waits without a suggestion; admitting it
  // needs a hospital named.
  ASSERT_TRUE(hospitals_->Update(far.id, {.set_beds = true, .beds = {1, 0, 0}}, "", by_).ok());
  Confirm(103, zhang_.id, kKuanchengHome);
  EXPECT_EQ(hospitals_->Awaiting("")->back().suggested_hospital_id, 0);
  auto unnamed = hospitals_->Admit({.case_id = 103}, "", by_);
  ASSERT_EQ(unnamed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unnamed.status().field_errors().at(0).field, "hospital_id");
}

TEST_P(HospitalsTest, AnOfficerSeesAndActsOnlyUnderTheirNode) {
  const Hospital a = Make("南关定点医院", HospitalKind::kDesignated, "220102000000", {5, 0, 0});
  const Hospital b = Make("宽城定点医院", HospitalKind::kDesignated, "220103000000", {5, 0, 0});
  EXPECT_EQ(hospitals_->Create({.name = "X", .district_code = "220102000000"}, kKuancheng, by_).status().code(),
            StatusCode::kNotFound);
  auto street = hospitals_->Create({.name = "X", .district_code = "220102001000"}, "", by_);
  EXPECT_EQ(street.status().field_errors().at(0).field, "district_code");
  EXPECT_EQ(hospitals_->Create({.name = "南关定点医院", .district_code = "220102000000"}, "", by_).status().code(),
            StatusCode::kConflict);
  Confirm(101, zhang_.id, kNanguanHome);
  EXPECT_EQ(hospitals_->Get(a.id, kKuancheng).status().code(), StatusCode::kNotFound);
  ASSERT_EQ(hospitals_->List(kKuancheng)->size(), 1u);
  EXPECT_EQ(hospitals_->List(kKuancheng)->at(0).id, b.id);
  EXPECT_TRUE(hospitals_->Awaiting(kKuancheng)->empty());  // a Nanguan case, suggested to a Nanguan hospital
  EXPECT_EQ(hospitals_->Admit({.case_id = 101, .hospital_id = b.id}, kKuancheng, by_).status().code(),
            StatusCode::kNotFound);
  auto adm = hospitals_->Admit({.case_id = 101}, kNanguan, by_);
  ASSERT_TRUE(adm.ok()) << adm.status().ToString();
  EXPECT_EQ(hospitals_->GetAdmission(adm->id, kKuancheng).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(hospitals_->Discharge(adm->id, DischargeOutcome::kRecovered, kKuancheng, by_).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(hospitals_->Transfer(adm->id, b.id, kOrdinary, kNanguan, by_).status().code(), StatusCode::kNotFound);
}

// The forecast through the store, hand-computed (dyadic numbers, so doubles hold them exactly).
//
// Hospitals (the fever clinic's beds are not case beds and are left out):
//   A designated (南关): ordinary 4, severe 1, icu 1;  C both (宽城): ordinary 4, 0, 0;
//   B fever clinic (南关): ordinary 10.
//   beds: ordinary 8, severe 1, icu 1.
// Stays: cases 1, 2 ordinary at A; 3, 4 ordinary at C; 5 severe at A; 6 icu at A; 7 ordinary
//   at A then discharged → occupied: ordinary 4, severe 1, icu 1. Cases 8 and 9 wait: 2.
// Pipeline: close L = 4, attack 1/2 (1/8 per contact-day), on days 1..4: 8, 0, 8, 0; no secondary.
// Cases: t=1: d ≤ 3: 16 → 2, + 2 waiting = 4;  t=2: d ≤ 2: 8 → 1;  t=3: d ≤ 1: 8 → 1;  t=4: 0.
// Model: ordinary share 1/2, LOS 2;  severe 1/4, LOS 4;  icu 1/4, LOS 2.
//   ordinary: admissions 2, .5, .5, 0; discharges 2, 2, 2 (day 1's), .5 → occupancy 4, 2.5, 1, .5; no shortfall
//   severe:   admissions 1, .25, .25, 0; discharges .25 each → 1.75, 1.75, 1.75, 1.5; shortfall .75 .75 .75 .5
//   icu:      admissions 1, .25, .25, 0; discharges .5, .5, 1, .25 → 1.5, 1.25, .5, .25; shortfall .5 .25 0 0
TEST_P(HospitalsTest, TheForecastThroughTheStoreMatchesTheHandComputedCase) {
  const Hospital a = Make("A", HospitalKind::kDesignated, "220102000000", {4, 1, 1});
  const Hospital b = Make("B", HospitalKind::kFeverClinic, "220102000000", {10, 0, 0});
  const Hospital c = Make("C", HospitalKind::kBoth, "220103000000", {4, 0, 0});
  for (int64_t id = 1; id <= 9; ++id) Confirm(id, zhang_.id, kNanguanHome);
  const std::vector<std::tuple<int64_t, int64_t, int>> stays = {
      {1, a.id, kOrdinary}, {2, a.id, kOrdinary}, {3, c.id, kOrdinary}, {4, c.id, kOrdinary},
      {5, a.id, kSevere},   {6, a.id, kIcu},      {7, a.id, kOrdinary}};
  for (const auto& [case_id, hospital, kind] : stays) {
    auto r = hospitals_->Admit({.case_id = case_id, .hospital_id = hospital, .bed_kind = kind}, "", by_);
    ASSERT_TRUE(r.ok()) << case_id << ": " << r.status().ToString();
    if (case_id == 7) {
      ASSERT_TRUE(hospitals_->Discharge(r->id, DischargeOutcome::kRecovered, "", by_).ok());
    }
  }
  ForecastInput model;
  model.kinds = {{{0.5, 2, 0, 0}, {0.25, 4, 0, 0}, {0.25, 2, 0, 0}}};
  const TierPipeline close{4, 0.5, {8, 0, 8, 0}}, secondary{7, 0.004, {}};
  auto in = hospitals_->ForecastInputs("", 4, close, secondary, model);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->awaiting_bed, 2);
  EXPECT_EQ(in->kinds[kOrdinary].beds, 8);
  EXPECT_EQ(in->kinds[kOrdinary].occupied, 4);
  EXPECT_EQ(in->kinds[kSevere].beds, 1);
  EXPECT_EQ(in->kinds[kIcu].occupied, 1);
  (void)b;
  auto f = hospitals_->Forecast("", 4, close, secondary, model);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->size(), 4u);
  const double cases[] = {4, 1, 1, 0};
  const double occ[3][4] = {{4, 2.5, 1, 0.5}, {1.75, 1.75, 1.75, 1.5}, {1.5, 1.25, 0.5, 0.25}};
  const double shortfall[3][4] = {{0, 0, 0, 0}, {0.75, 0.75, 0.75, 0.5}, {0.5, 0.25, 0, 0}};
  const double adm[3][4] = {{2, 0.5, 0.5, 0}, {1, 0.25, 0.25, 0}, {1, 0.25, 0.25, 0}};
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ((*f)[t].new_cases, cases[t]) << "day " << t + 1;
    for (int k = 0; k < kBedKinds; ++k) {
      EXPECT_EQ((*f)[t].kinds[k].admissions, adm[k][t]) << BedKindName(k) << " day " << t + 1;
      EXPECT_EQ((*f)[t].kinds[k].occupancy, occ[k][t]) << BedKindName(k) << " day " << t + 1;
      EXPECT_EQ((*f)[t].kinds[k].shortfall, shortfall[k][t]) << BedKindName(k) << " day " << t + 1;
    }
  }
  // A district's forecast counts only its own hospitals and the cases waiting there: the
  // suggestions went to A for cases 1–4 (the district's, 4 free), to C for 5–8, none for 9;
  // of the waiting 8 and 9, case 8 is suggested to C in 宽城.
  auto kc = hospitals_->ForecastInputs(kKuancheng, 4, close, secondary, model);
  ASSERT_TRUE(kc.ok());
  EXPECT_EQ(kc->kinds[kOrdinary].beds, 4);
  EXPECT_EQ(kc->kinds[kOrdinary].occupied, 2);
  EXPECT_EQ(kc->awaiting_bed, 1);
  EXPECT_EQ(hospitals_->Forecast("", 0, close, secondary, model).status().code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, HospitalsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::quarantine
