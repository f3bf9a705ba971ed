// Checkpoints on both stores: scans decided by the live colour, refused payloads
// denied with their reason and logged, permits valid / expired / revoked, hourly
// statistics across an hour's edge, staff-only scanning, manual entries and the
// masked passage log. Colours come from the real modules through the bus.
#include "healthcode/checkpoints.h"

#include <gtest/gtest.h>

#include "events/events.h"
#include "healthcode/codes.h"
#include "healthcode/keys.h"
#include "healthcode/risk.h"
#include "healthcode/healthcode_fixture.h"
#include "screening/screening.h"
#include "tracing/cases.h"
#include "tracing/service.h"

namespace tc::healthcode {
namespace {

constexpr Millis kMin = 60'000;
constexpr Millis kDay = 86'400'000;

// The health-code fixture (healthcode_fixture.h) with the signing keys and two
// checkpoints: G1 (a highway entrance in 南关区, staff kk01) and XF (a compound gate in
// 宽城区, nobody named).
class CheckpointTest : public HealthCodeFixture {
 protected:
  void SetUp() override {
    HealthCodeFixture::SetUp();
    if (HasFatalFailure()) return;
    auto keys = SigningKeys::Open(*store_, clock_);
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    keys_ = std::move(keys).value();
    OpenCheckpoints();
    Checkpoint g1{.code = "G1",
                  .name = "京哈高速长春南收费站",
                  .kind = CheckpointKind::kHighway,
                  .area_code = "220102001000",
                  .staff = {"kk01"}};
    auto made = cps_->Create(g1, by_);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    EXPECT_EQ(made->area_name, "永吉街道");
    Checkpoint xf{
        .code = "XF", .name = "新发小区东门", .kind = CheckpointKind::kCompoundGate, .area_code = "220103001001-001"};
    ASSERT_TRUE(cps_->Create(xf, by_).ok());
  }

  void OpenCheckpoints() {
    cps_.reset();
    auto cps = Checkpoints::Open(*store_, clock_, *keys_, codes_.get());
    ASSERT_TRUE(cps.ok()) << cps.status().ToString();
    cps_ = std::move(cps).value();
  }

  std::string CodeOf(int64_t resident) {
    auto issued = IssueCode(*codes_, *keys_, resident, clock_.now);
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    return issued.ok() ? issued->payload : "";
  }

  ScanResult Scan(const std::string& payload, const std::string& at = "G1") {
    auto r = cps_->Scan(at, payload, admin_, by_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ScanResult{};
  }

  std::vector<Passage> Log(const std::string& at = "G1") {
    auto p = cps_->Passages(at, {}, admin_);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : std::vector<Passage>{};
  }

  Permit Issue(const std::string& plate, Millis from, Millis until) {
    auto p = cps_->IssuePermit({.plate = plate, .note = "生活物资 长春—吉林", .valid_from = from, .valid_until = until},
                               "/220100000000/", by_);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : Permit{};
  }

  std::unique_ptr<SigningKeys> keys_;
  std::unique_ptr<Checkpoints> cps_;
  const Caller admin_{.username = "tester", .area_path = "/220100000000/"};
};

TEST_P(CheckpointTest, AGreenYellowOrRedCodePassesIsSentToTestOrIsDeniedByTheLiveColour) {
  // 桃源社区 declared medium: its resident is yellow. A case makes b red.
  ASSERT_TRUE(risk_->Declare(std::vector<std::string>{"220102001002"}, Level::kMedium, "邻近病例", by_).ok());
  ASSERT_TRUE(
      cases_->Create({.resident_id = b_, .kind = "confirmed", .report_date = DateShanghai(clock_.now)}, by_).ok());
  Deliver();

  const ScanResult green = Scan(CodeOf(a_));
  EXPECT_EQ(green.decision, Decision::kPass);
  EXPECT_EQ(green.colour, Colour::kGreen);
  EXPECT_EQ(green.kind, "health_code");
  EXPECT_TRUE(green.verified);
  EXPECT_EQ(green.reason, "绿码，通行");
  EXPECT_GT(green.expires_at, clock_.now);
  EXPECT_GT(green.passage_id, 0);

  const ScanResult yellow = Scan(CodeOf(t_));
  EXPECT_EQ(yellow.decision, Decision::kTest);
  EXPECT_EQ(yellow.colour, Colour::kYellow);
  const ScanResult red = Scan(CodeOf(b_));
  EXPECT_EQ(red.decision, Decision::kDeny);
  EXPECT_EQ(red.colour, Colour::kRed);

  // A code shown green a minute ago; a case since then makes the resident red: the
  // live colour wins and the screen says so.
  const std::string old = CodeOf(a_);
  clock_.now += kMin;
  ASSERT_TRUE(
      cases_->Create({.resident_id = a_, .kind = "confirmed", .report_date = DateShanghai(clock_.now)}, by_).ok());
  Deliver();
  const ScanResult live = Scan(old);
  EXPECT_EQ(live.decision, Decision::kDeny);
  EXPECT_EQ(live.colour, Colour::kRed);
  EXPECT_EQ(live.colour_seen, Colour::kGreen);
  EXPECT_NE(live.reason.find("码上显示绿码"), std::string::npos) << live.reason;
  EXPECT_NE(live.reason.find("实时状态已变为红码"), std::string::npos) << live.reason;

  const auto log = Log();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].id, live.passage_id) << "newest first";
  EXPECT_EQ(log[0].person_id, a_);
  EXPECT_EQ(log[0].person_name, "甲*") << "the name is masked";
  EXPECT_EQ(log[0].colour, Colour::kRed);
  EXPECT_EQ(log[0].colour_seen, Colour::kGreen);
  EXPECT_EQ(log[0].decision, Decision::kDeny);
  EXPECT_EQ(log[3].decision, Decision::kPass);
  EXPECT_EQ(log[3].operator_name, "tester");
}

TEST_P(CheckpointTest, TamperedExpiredUnknownKeyAndTruncatedPayloadsAreDeniedWithTheReasonAndLogged) {
  const std::string good = CodeOf(a_);
  ASSERT_GT(good.size(), 60u);
  std::string tampered = good;
  tampered[44] = tampered[44] == 'A' ? 'B' : 'A';  // inside the token
  auto other = GenerateKey("zz", clock_.now);
  ASSERT_TRUE(other.ok());
  Claims claims{.kind = Kind::kHealthCode, .issued_at = clock_.now, .expires_at = clock_.now + 5 * kMin};
  claims.token = codes_->TokenOf(a_);
  auto foreign = Sign(claims, *other);
  ASSERT_TRUE(foreign.ok());
  const std::string truncated = good.substr(0, good.size() - 12);

  struct Case {
    std::string payload;
    Refusal refusal;
    std::string kind;
    std::string reason_part;
  };
  const std::vector<Case> cases = {
      {tampered, Refusal::kBadSignature, "", "篡改或伪造"},     {*foreign, Refusal::kUnknownKey, "", "签名密钥未知"},
      {truncated, Refusal::kMalformed, "", "无法识别"},         {"hello world", Refusal::kMalformed, "", "无法识别"},
      {std::string(600, 'A'), Refusal::kOversized, "", "过长"},
  };
  for (const Case& c : cases) {
    const ScanResult r = Scan(c.payload);
    EXPECT_EQ(r.decision, Decision::kDeny) << RefusalName(c.refusal);
    EXPECT_EQ(r.refusal, c.refusal) << RefusalName(c.refusal) << ": " << r.detail;
    EXPECT_FALSE(r.verified);
    EXPECT_FALSE(r.colour.has_value());
    EXPECT_EQ(r.kind, c.kind);
    EXPECT_NE(r.reason.find(c.reason_part), std::string::npos) << r.reason;
    EXPECT_FALSE(r.detail.empty());
  }
  // Expired: the code lives 300 s; at its expiry it is refused, as a health code.
  clock_.now += 300'000;
  const ScanResult late = Scan(good);
  EXPECT_EQ(late.decision, Decision::kDeny);
  EXPECT_EQ(late.refusal, Refusal::kExpired);
  EXPECT_EQ(late.kind, "health_code");
  EXPECT_EQ(late.reason, "健康码已过期，请刷新后重新出示");

  const auto log = Log();
  ASSERT_EQ(log.size(), cases.size() + 1);
  EXPECT_EQ(log[0].refusal, "expired");
  EXPECT_EQ(log[0].kind, "health_code");
  EXPECT_EQ(log[0].person_id, 0) << "an expired code names nobody";
  for (size_t i = 0; i < cases.size(); ++i) {
    const Passage& p = log[cases.size() - i];
    EXPECT_EQ(p.refusal, RefusalName(cases[i].refusal));
    EXPECT_EQ(p.decision, Decision::kDeny);
    EXPECT_FALSE(p.verified);
    EXPECT_EQ(p.source, "scan");
  }
}

TEST_P(CheckpointTest, APermitPassesWhileValidAndIsDeniedOnceExpiredOrRevoked) {
  const Millis now = clock_.now;
  const Permit p = Issue("吉a 12345", now - kDay, now + 2 * kDay);
  EXPECT_EQ(p.plate, "吉A12345") << "spaces dropped, letters upper-cased";
  EXPECT_EQ(p.StatusAt(now), "valid");
  ASSERT_TRUE(p.payload.starts_with("TC1."));
  const Permit q = Issue("吉B00001", now - kDay, now + 2 * kDay);

  const ScanResult ok = Scan(p.payload);
  EXPECT_EQ(ok.decision, Decision::kPass);
  EXPECT_EQ(ok.kind, "permit");
  EXPECT_EQ(ok.plate, "吉A12345");
  EXPECT_EQ(ok.permit_id, p.id);
  EXPECT_TRUE(ok.verified);
  EXPECT_FALSE(ok.colour.has_value());
  EXPECT_EQ(ok.expires_at, p.valid_until);
  EXPECT_NE(ok.reason.find("通行证有效"), std::string::npos) << ok.reason;

  auto revoked = cps_->RevokePermit(p.id, "货物与申报不符", "/220100000000/", by_);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->StatusAt(now), "revoked");
  EXPECT_EQ(cps_->RevokePermit(p.id, "again", "/220100000000/", by_).status().code(), StatusCode::kConflict);
  const ScanResult denied = Scan(p.payload);
  EXPECT_EQ(denied.decision, Decision::kDeny);
  EXPECT_EQ(denied.reason, "通行证已撤销");
  EXPECT_TRUE(denied.verified);
  EXPECT_EQ(Scan(q.payload).decision, Decision::kPass) << "only the revoked permit is denied";

  // The revocation survives a restart (the scan reads no table).
  OpenCheckpoints();
  EXPECT_EQ(Scan(p.payload).reason, "通行证已撤销");

  // At valid_until the permit has expired.
  clock_.now = q.valid_until;
  const ScanResult late = Scan(q.payload);
  EXPECT_EQ(late.decision, Decision::kDeny);
  EXPECT_EQ(late.refusal, Refusal::kExpired);
  EXPECT_EQ(late.kind, "permit");
  EXPECT_EQ(late.reason, "通行证已过期");

  // Bad permits name the field; the list and jurisdiction.
  auto bad = cps_->IssuePermit({.plate = "", .note = std::string(65, 'x'), .valid_from = now, .valid_until = now - 1},
                               "/220100000000/", by_);
  ASSERT_FALSE(bad.ok());
  std::set<std::string> fields;
  for (const auto& e : bad.status().field_errors()) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"plate", "note", "valid_until"}));
  EXPECT_FALSE(
      cps_->IssuePermit({.plate = "吉C1", .valid_from = now, .valid_until = now + 93 * kDay}, "/220100000000/", by_)
          .ok());
  auto list = cps_->Permits("/220100000000/", 0, 10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, q.id) << "newest first";
  EXPECT_TRUE(cps_->Permits("/220100000000/220103000000/", 0, 10)->empty());
  EXPECT_EQ(cps_->GetPermit(p.id, "/220100000000/220103000000/").status().message(),
            "transport permit " + std::to_string(p.id) + " does not exist");
}

TEST_P(CheckpointTest, StatsCountEachHourAcrossAnHourEdge) {
  const std::string day = DateShanghai(clock_.now);
  auto at = [&](const std::string& time) {
    auto t = ParseTime(day + "T" + time + "+08:00");
    EXPECT_TRUE(t.ok());
    clock_.now = *t;
  };
  auto record = [&](ManualEntry e) {
    auto r = cps_->Record("G1", e, admin_, by_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  };
  at("09:59:59.999");
  record({.person_id = a_, .colour_seen = Colour::kGreen, .decision = Decision::kPass});
  record({.person_id = b_, .colour_seen = Colour::kYellow, .decision = Decision::kTest, .reason = "黄码（纸质）"});
  at("10:00:00.000");
  record({.person_id = t_, .colour_seen = Colour::kRed, .decision = Decision::kDeny, .reason = "红码"});
  const Permit p = Issue("吉A99999", clock_.now - kDay, clock_.now + kDay);
  Scan(p.payload);
  at("23:59:59.999");
  record({.plate = "吉D12345", .decision = Decision::kDeny, .reason = "无通行证"});
  at("00:00:00.000");  // the day's first instant
  record({.person_id = x_, .colour_seen = Colour::kGreen, .decision = Decision::kPass});
  // The next day's first instant belongs to the next day.
  clock_.now += kDay;
  record({.person_id = x_, .colour_seen = Colour::kGreen, .decision = Decision::kPass});

  auto s = cps_->Stats("G1", day, admin_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->date, day);
  EXPECT_EQ(s->hours[9], (PassageCounts{.pass = 1, .test = 1, .green = 1, .yellow = 1}));
  EXPECT_EQ(s->hours[10], (PassageCounts{.pass = 1, .deny = 1, .red = 1, .permits = 1}));
  EXPECT_EQ(s->hours[23], (PassageCounts{.deny = 1}));
  EXPECT_EQ(s->hours[0], (PassageCounts{.pass = 1, .green = 1}));
  for (int h : {1, 8, 11, 22}) EXPECT_EQ(s->hours[h], PassageCounts{}) << h;
  EXPECT_EQ(s->totals,
            (PassageCounts{.pass = 3, .deny = 2, .test = 1, .green = 2, .yellow = 1, .red = 1, .permits = 1}));
  EXPECT_EQ(cps_->Stats("G1", "2022-02-30", admin_).status().field_errors().at(0).field, "date");

  auto totals = cps_->TotalsUnder(day, "/220100000000/", admin_);
  ASSERT_TRUE(totals.ok());
  ASSERT_EQ(totals->size(), 2u);
  EXPECT_EQ((*totals)[0].checkpoint.code, "G1");
  EXPECT_EQ((*totals)[0].totals, s->totals);
  EXPECT_EQ((*totals)[1].totals, PassageCounts{});
  auto kuancheng = cps_->TotalsUnder(day, "/220100000000/220103000000/", admin_);
  ASSERT_EQ(kuancheng->size(), 1u);
  EXPECT_EQ((*kuancheng)[0].checkpoint.code, "XF");
}

TEST_P(CheckpointTest, StaffScanOnlyWhereTheStaffListNamesThem) {
  const Caller kk01{.username = "kk01", .area_path = "/220100000000/", .staff_only = true};
  const Caller kk02{.username = "kk02", .area_path = "/220100000000/", .staff_only = true};
  const Caller kuancheng_op{.username = "kc", .area_path = "/220100000000/220103000000/"};
  const std::string code = CodeOf(a_);

  auto named = cps_->Scan("G1", code, kk01, {"kk01", ""});
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ(named->decision, Decision::kPass);
  // Not named, or another district's operator: as if the checkpoint did not exist.
  const std::string missing = cps_->Scan("NOPE", code, kk01, {"kk01", ""}).status().message();
  EXPECT_EQ(missing, "checkpoint NOPE does not exist");
  for (const Caller* c : {&kk02, &kuancheng_op}) {
    auto r = cps_->Scan("G1", code, *c, {c->username, ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
    EXPECT_EQ(r.status().message(), "checkpoint G1 does not exist");
    EXPECT_FALSE(cps_->Passages("G1", {}, *c).ok());
    EXPECT_FALSE(cps_->Stats("G1", "", *c).ok());
  }
  EXPECT_FALSE(cps_->Scan("XF", code, kk01, {"kk01", ""}).ok()) << "kk01 is not named at XF";
  ASSERT_EQ(cps_->List(kk01).size(), 1u);
  EXPECT_EQ(cps_->List(kk01)[0].code, "G1");
  EXPECT_TRUE(cps_->List(kk02).empty());
  ASSERT_EQ(cps_->List(kuancheng_op).size(), 1u);
  EXPECT_EQ(cps_->List(kuancheng_op)[0].code, "XF");
  // Staff cannot change staff lists; a manager names kk02, who then scans.
  EXPECT_FALSE(cps_->SetStaff("G1", std::vector<std::string>{"kk02"}, kk01, by_).ok());
  auto set = cps_->SetStaff("G1", std::vector<std::string>{"kk01", "kk02", "kk02"}, admin_, by_);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->staff, (std::vector<std::string>{"kk01", "kk02"}));
  EXPECT_TRUE(cps_->Scan("G1", code, kk02, {"kk02", ""}).ok());
  OpenCheckpoints();
  EXPECT_TRUE(cps_->Scan("G1", code, kk02, {"kk02", ""}).ok()) << "the staff list survives a restart";
  const auto log = Log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].operator_name, "kk02");
  EXPECT_EQ(log[2].operator_name, "kk01");
}

TEST_P(CheckpointTest, ManualEntriesNeedAReasonToDenyOrTestAndNameTheirField) {
  auto both = cps_->Record("G1", {.plate = "吉A1", .person_id = a_}, admin_, by_);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().field_errors().at(0).field, "person_id");
  auto none = cps_->Record("G1", {}, admin_, by_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().field_errors().at(0).field, "plate");
  auto no_reason = cps_->Record("G1", {.plate = "吉A1", .decision = Decision::kDeny}, admin_, by_);
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.status().field_errors().at(0).field, "reason");
  auto nobody = cps_->Record("G1", {.person_id = 999999, .decision = Decision::kPass}, admin_, by_);
  ASSERT_FALSE(nobody.ok());
  EXPECT_EQ(nobody.status().field_errors().at(0).field, "person_id");
  auto vehicle =
      cps_->Record("G1", {.plate = "吉a 7777", .decision = Decision::kDeny, .reason = "无通行证"}, admin_, by_);
  ASSERT_TRUE(vehicle.ok()) << vehicle.status().ToString();
  EXPECT_EQ(vehicle->kind, "vehicle");
  EXPECT_EQ(vehicle->plate, "吉A7777");
  EXPECT_FALSE(vehicle->verified);
  const auto log = Log();
  ASSERT_EQ(log.size(), 1u) << "refused entries are not logged";
  EXPECT_EQ(log[0].source, "manual");
  EXPECT_EQ(log[0].plate, "吉A7777");
  EXPECT_EQ(log[0].reason, "无通行证");
  // Bad checkpoints name their fields.
  auto bad = cps_->Create({.code = "stats", .name = "", .area_code = "999"}, by_);
  ASSERT_FALSE(bad.ok());
  std::set<std::string> fields;
  for (const auto& e : bad.status().field_errors()) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"code", "name", "area_code"}));
  EXPECT_EQ(cps_->Create({.code = "G1", .name = "重复", .area_code = "220102001000"}, by_).status().code(),
            StatusCode::kConflict);
}

TEST(MaskName, KeepsTheFirstCharacter) {
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("欧阳修"), "欧**");
  EXPECT_EQ(MaskName("李"), "*");
  EXPECT_EQ(MaskName("Li Lei"), "L*****");
  EXPECT_EQ(MaskName(""), "");
}

TEST(ParseWindowTime, ADateEndsAtTheNextDaysStart) {
  auto from = ParseWindowTime("2022-03-10", false, "valid_from");
  auto until = ParseWindowTime("2022-03-10", true, "valid_until");
  ASSERT_TRUE(from.ok() && until.ok());
  EXPECT_EQ(*until - *from, kDay);
  EXPECT_EQ(FormatShanghai(*from), "2022-03-10T00:00:00.000+08:00");
  auto exact = ParseWindowTime("2022-03-10T18:00:00+08:00", true, "valid_until");
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(*exact - *from, 18 * 3'600'000LL);
  auto bad = ParseWindowTime("2022-13-01", false, "valid_from");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field_errors().at(0).field, "valid_from");
}

INSTANTIATE_TEST_SUITE_P(Backends, CheckpointTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::healthcode
