#include "enterprise/enterprises.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "enterprise/uscc.h"
#include "events/events.h"
#include "hotline/hotline.h"
#include "registry/registry_fixture.h"

namespace tc::enterprise {
namespace {

constexpr Millis kT0 = 1'779'933'600'000;  // 2026-05-28 10:00 in Shanghai
constexpr Millis kHour = 3'600'000;

class EnterprisesTest : public registry::RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    clock_.Set(kT0);
    auto h = hotline::Hotline::Open(*store_, clock_);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    hotline_ = std::move(h).value();
    Reopen();
  }
  void Reopen() {
    e_.reset();
    auto e = Enterprises::Open(*store_, clock_, hotline_.get());
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    e_ = std::move(e).value();
  }
  // A valid code for sequence n in a district ("220102").
  static std::string Code(int n, const std::string& division6 = "220102") {
    char org[9];
    std::snprintf(org, sizeof org, "%08d", 10'000'000 + n);
    auto code = MakeUscc('9', '1', division6, org);
    EXPECT_TRUE(code.ok()) << code.status().ToString();
    return code.ok() ? *code : "";
  }
  Enterprise Firm(int n, std::string division = "36", std::string district = "220102000000", int64_t employees = 50,
                  double revenue = 800, double revenue_prev = 1000) {
    Enterprise e;
    e.uscc = Code(n, district.substr(0, 6));
    e.name = "长春测试" + std::to_string(n) + "有限公司";
    e.division = std::move(division);
    e.district_code = std::move(district);
    e.employees = employees;
    e.revenue = revenue;
    e.revenue_prev = revenue_prev;
    e.contact_name = "张经理";
    e.contact_phone = "13900000001";
    e.founded_on = "2015-03-01";
    return e;
  }
  EnterpriseView Make(const Enterprise& in) {
    auto v = e_->Create(in, by_);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : EnterpriseView{};
  }
  FilingInput Complete(std::vector<RosterEntry> roster) {
    FilingInput f;
    f.responsible = "李安全";
    f.responsible_phone = "13900000002";
    f.measures = {"每日测温", "分餐错峰", "车间消毒"};
    f.isolation_point = true;
    f.supply_days = 14;
    f.staff_before = int64_t(roster.size());
    f.open_on = "2026-05-29";
    f.roster = std::move(roster);
    return f;
  }
  std::vector<RosterEntry> Staff(int n, int from = 0) {
    std::vector<RosterEntry> out;
    for (int i = 0; i < n; ++i) {
      char seq[4];
      std::snprintf(seq, sizeof seq, "%03d", from + i);
      out.push_back({"员工" + std::to_string(from + i), Id(std::string("22010219900101") + seq), ""});
    }
    return out;
  }
  void Event(const std::string& type, const nlohmann::json& payload) {
    ASSERT_TRUE(e_->OnEvent({1, type, payload.dump(), clock_.Now()}).ok());
  }

  ManualClock clock_;
  std::unique_ptr<hotline::Hotline> hotline_;
  std::unique_ptr<Enterprises> e_;
};

TEST_P(EnterprisesTest, CreateRefusesABadCodeNamingTheFieldAndStoresNothing) {
  Enterprise bad = Firm(1);
  bad.uscc[17] = bad.uscc[17] == '0' ? '1' : '0';
  auto r = e_->Create(bad, by_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  ASSERT_FALSE(r.status().field_errors().empty());
  EXPECT_EQ(r.status().field_errors()[0].field, "uscc");
  Enterprise nodistrict = Firm(2);
  nodistrict.district_code = "999999000000";
  auto r2 = e_->Create(nodistrict, by_);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().field_errors().at(0).field, "district_code");
  auto all = e_->List({});
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
  // A good one: industry from the division, size from the thresholds, address resolved.
  Enterprise ok = Firm(3);
  ok.address = "南关区永吉街道永吉社区春光小区2栋";
  auto v = Make(ok);
  EXPECT_EQ(v.e.industry, "C");
  EXPECT_EQ(v.e.size, "small");  // manufacturing: 20–300 staff and 300–2000 万元 revenue
  EXPECT_EQ(v.e.area_code, "220102001001-001-02");
  EXPECT_EQ(v.resumption, "not_filed");
  auto dup = e_->Create(ok, by_);
  EXPECT_EQ(dup.status().code(), StatusCode::kConflict);
}

TEST_P(EnterprisesTest, AFilingMissingItemsIsReturnedWithTheReasons) {
  auto v = Make(Firm(1));
  FilingInput empty;
  auto f = e_->File(v.e.id, empty, {}, by_);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->status, "returned");
  std::string all;
  for (const auto& r : f->reasons) all += r + "\n";
  for (const char* item : {"plan.responsible", "plan.measures", "plan.isolation_point", "plan.supply_days",
                           "staff_before", "roster", "open_on"}) {
    EXPECT_NE(all.find(item), std::string::npos) << item << " not among\n" << all;
  }
  EXPECT_EQ(e_->Get(v.e.id, {})->resumption, "returned");
  // Complete: filed; the roster links the employee who lives in the city.
  auto home = Add("王工", Id("22010219900101200"), "220102001001-001-01-1-0101");
  std::vector<RosterEntry> roster = Staff(2);
  roster.push_back({"王工", home.id_number, "13800000009"});
  auto g = e_->File(v.e.id, Complete(roster), {}, by_);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->status, "filed");
  EXPECT_TRUE(g->reasons.empty());
  auto staff = e_->Roster(v.e.id, {});
  ASSERT_TRUE(staff.ok());
  ASSERT_EQ(staff->size(), 3u);
  int linked = 0;
  for (const auto& s : *staff) linked += s.resident_id == home.id ? 1 : 0;
  EXPECT_EQ(linked, 1);
  EXPECT_EQ(e_->Get(v.e.id, {})->resumption, "filed");
  auto filings = e_->Filings(v.e.id, {});
  ASSERT_TRUE(filings.ok());
  EXPECT_EQ(filings->size(), 2u);
}

TEST_P(EnterprisesTest, AMalformedRosterIsRefusedWholeNamingTheLine) {
  auto v = Make(Firm(1));
  auto roster = Staff(3);
  roster[1].id_number = "220102199001010019";  // wrong check character
  auto f = e_->File(v.e.id, Complete(roster), {}, by_);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  ASSERT_FALSE(f.status().field_errors().empty());
  EXPECT_EQ(f.status().field_errors()[0].field, "roster[1].id_number");
  EXPECT_TRUE(e_->Filings(v.e.id, {})->empty());
  EXPECT_TRUE(e_->Roster(v.e.id, {})->empty());
  EXPECT_EQ(e_->Get(v.e.id, {})->resumption, "not_filed");
}

TEST_P(EnterprisesTest, ResumptionAndCapacityRatesOnCraftedData) {
  // Manufacturing in 南关区: two firms of 4 staff; retail (division 52) in 宽城区: one of 2.
  auto a = Make(Firm(1, "36", "220102000000", 4));
  auto b = Make(Firm(2, "36", "220102000000", 4));
  auto c = Make(Firm(3, "52", "220103000000", 2));
  ASSERT_TRUE(e_->File(a.e.id, Complete(Staff(4, 0)), {}, by_).ok());
  ASSERT_TRUE(e_->File(c.e.id, Complete(Staff(2, 10)), {}, by_).ok());
  ASSERT_TRUE(e_->DeclareOpen(a.e.id, {}, by_).ok());
  // Open needs a filing.
  EXPECT_EQ(e_->DeclareOpen(b.e.id, {}, by_).status().code(), StatusCode::kConflict);
  // Three of a's four at work; one has a fever and stays home.
  std::vector<Declaration> ds;
  auto staff = *e_->Roster(a.e.id, {});
  for (size_t i = 0; i < staff.size(); ++i) {
    ds.push_back({.employee_id = staff[i].id, .temperature = i == 3 ? 38.1 : 36.6, .at_work = true});
  }
  auto rep = e_->Declare(a.e.id, "2026-05-28", ds, {}, by_);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->staff_back, 3);
  ASSERT_EQ(rep->fever.size(), 1u);
  EXPECT_EQ(rep->fever[0], staff[3].id);

  auto check = [&] {
    auto byind = e_->Rates("industry", {});
    ASSERT_TRUE(byind.ok()) << byind.status().ToString();
    EXPECT_EQ(byind->total.enterprises, 3);
    EXPECT_EQ(byind->total.filed, 2);
    EXPECT_EQ(byind->total.opened, 1);
    EXPECT_EQ(byind->total.staff_before, 10);
    EXPECT_EQ(byind->total.staff_back, 3);
    EXPECT_DOUBLE_EQ(byind->total.ResumptionRate(), 1.0 / 3);
    EXPECT_DOUBLE_EQ(byind->total.CapacityRate(), 0.3);
    ASSERT_EQ(byind->rows.size(), 2u);
    EXPECT_EQ(byind->rows[0].key, "C");
    EXPECT_DOUBLE_EQ(byind->rows[0].ResumptionRate(), 0.5);
    EXPECT_DOUBLE_EQ(byind->rows[0].CapacityRate(), 3.0 / 8);
    EXPECT_EQ(byind->rows[1].key, "F");
    EXPECT_DOUBLE_EQ(byind->rows[1].FilingRate(), 1.0);
    EXPECT_DOUBLE_EQ(byind->rows[1].ResumptionRate(), 0.0);
    auto bydis = e_->Rates("district", {});
    ASSERT_TRUE(bydis.ok());
    ASSERT_EQ(bydis->rows.size(), 2u);
    EXPECT_EQ(bydis->rows[0].key, "220102000000");
    EXPECT_EQ(bydis->rows[0].name, "南关区");
    EXPECT_EQ(bydis->rows[0].opened, 1);
    // A district officer sees their district only.
    auto mine = e_->Rates("industry", {.under_path = "/220100000000/220103000000/"});
    ASSERT_TRUE(mine.ok());
    EXPECT_EQ(mine->total.enterprises, 1);
    EXPECT_EQ(mine->total.filed, 1);
  };
  check();
  // The counters are rebuilt from the store at start.
  Reopen();
  check();
  // The day's rates kept as history.
  ASSERT_TRUE(e_->SnapshotDay("2026-05-28").ok());
  ASSERT_TRUE(e_->SnapshotDay("2026-05-28").ok());  // idempotent
  auto h = e_->History("city", "", "", "");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].row.opened, 1);
  EXPECT_EQ((*h)[0].row.staff_back, 3);
  auto hi = e_->History("industry", "C", "2026-05-01", "2026-05-31");
  ASSERT_TRUE(hi.ok());
  ASSERT_EQ(hi->size(), 1u);
  EXPECT_EQ((*hi)[0].row.enterprises, 2);
  EXPECT_EQ(e_->Rates("colour", {}).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(EnterprisesTest, InWartimeAFilingFromAHighRiskCommunityIsHeldThenReleased) {
  Enterprise in = Firm(1);
  in.area_code = "220102001001-001";
  auto v = Make(in);
  const std::string community_path = "/220100000000/220102000000/220102001000/220102001001/";
  Event("RiskAreaChanged", {{"area_code", "220102001001"}, {"area_path", community_path}, {"level", "high"},
                            {"name", "永吉社区"}});
  // Peacetime: a high-risk community alone does not hold a filing.
  auto peace = e_->File(v.e.id, Complete(Staff(2)), {}, by_);
  ASSERT_TRUE(peace.ok());
  EXPECT_EQ(peace->status, "filed");
  Event("AreaModeChanged", {{"area_code", "220102000000"}, {"to", "wartime"}});
  auto war = e_->File(v.e.id, Complete(Staff(2)), {}, by_);
  ASSERT_TRUE(war.ok());
  EXPECT_EQ(war->status, "held");
  ASSERT_EQ(war->reasons.size(), 1u);
  EXPECT_NE(war->reasons[0].find("永吉社区"), std::string::npos) << war->reasons[0];
  EXPECT_EQ(e_->Get(v.e.id, {})->resumption, "held");
  // Another district's enterprise is not held.
  auto other = Make(Firm(2, "36", "220103000000"));
  EXPECT_EQ(e_->File(other.e.id, Complete(Staff(1, 50)), {}, by_)->status, "filed");
  // The level lifted: the held filing takes effect.
  Event("RiskAreaChanged", {{"area_code", "220102001001"}, {"area_path", community_path}, {"level", "medium"},
                            {"name", "永吉社区"}});
  EXPECT_EQ(e_->Get(v.e.id, {})->resumption, "filed");
  EXPECT_EQ(e_->Filings(v.e.id, {})->front().status, "filed");
}

TEST_P(EnterprisesTest, PoliciesArePushedWithoutApplicationAndExplained) {
  auto hit = Make(Firm(1, "52", "220102000000", 10, 300, 600));    // small retail, revenue −50 %
  auto miss = Make(Firm(2, "52", "220102000000", 10, 550, 600));   // −8.3 %
  auto big = Make(Firm(3, "36", "220103000000", 2000, 90000, 200000));  // large
  PolicyInput p{.code = "rent-relief", .name = "中小微企业房租减免", .package = "稳企26条",
                .rule = R"(size in ["small", "micro"] and revenue_drop >= 30)",
                .benefit = "min(employees * 0.5, 20)", .budget = 100};
  // The dry run stores nothing and says who and how much.
  auto dry = e_->DryRunPolicy(p.rule, p.benefit, p.budget, {});
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->enterprises, 1);
  EXPECT_DOUBLE_EQ(dry->amount, 5);
  EXPECT_EQ(dry->considered, 3);
  ASSERT_EQ(dry->sample.size(), 1u);
  EXPECT_EQ(dry->sample[0].first.e.id, hit.e.id);
  // A rule that does not parse names the position.
  auto broken = e_->CreatePolicy({.code = "x", .name = "x", .rule = "size in [", .benefit = "1"}, by_);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().field_errors().at(0).field, "rule");
  EXPECT_NE(broken.status().field_errors()[0].message.find("column"), std::string::npos);

  auto created = e_->CreatePolicy(p, by_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->status, "draft");
  EXPECT_TRUE(e_->Benefits({}, created->id, "", 100)->empty());
  auto totals = e_->Publish(created->id, by_);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  EXPECT_EQ(totals->pushed, 1);
  EXPECT_DOUBLE_EQ(totals->amount_pushed, 5);
  auto pushed = e_->Benefits({}, created->id, "pushed", 100);
  ASSERT_EQ(pushed->size(), 1u);
  EXPECT_EQ((*pushed)[0].enterprise_id, hit.e.id);
  EXPECT_EQ(e_->Publish(created->id, by_).status().code(), StatusCode::kConflict);

  // Why not: every condition with the enterprise's own value.
  auto why = e_->Explain(miss.e.id, 0, {});
  ASSERT_TRUE(why.ok());
  ASSERT_EQ(why->size(), 1u);
  EXPECT_FALSE((*why)[0].qualifies);
  bool named = false;
  for (const auto& t : (*why)[0].terms) {
    if (t.condition.find("revenue_drop") != std::string::npos) {
      EXPECT_FALSE(t.holds);
      EXPECT_NE(t.actual.find("8.3"), std::string::npos) << t.actual;
      named = true;
    } else {
      EXPECT_TRUE(t.holds) << t.condition;
    }
  }
  EXPECT_TRUE(named);
  auto yes = e_->Explain(hit.e.id, 0, {});
  EXPECT_TRUE((*yes)[0].qualifies);
  EXPECT_DOUBLE_EQ((*yes)[0].amount, 5);
  EXPECT_EQ((*yes)[0].benefit_status, "pushed");

  // Facts change: the one that now qualifies gets it pushed at once; the one that no
  // longer does loses the benefit nobody acted on.
  EnterprisePatch drop;
  drop.revenue = 200;
  ASSERT_TRUE(e_->Update(miss.e.id, drop, {}, by_).ok());
  EnterprisePatch grew;
  grew.revenue = 700;
  ASSERT_TRUE(e_->Update(hit.e.id, grew, {}, by_).ok());
  auto now = e_->Benefits({}, created->id, "", 100);
  ASSERT_EQ(now->size(), 2u);
  for (const auto& b : *now) EXPECT_EQ(b.status, b.enterprise_id == miss.e.id ? "pushed" : "revoked");
  // The enterprise confirms, the finance office disburses with a reference.
  EXPECT_EQ(e_->ActOnBenefit(created->id, miss.e.id, "disburse", "", {}, by_).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(e_->ActOnBenefit(created->id, miss.e.id, "confirm", "", {.enterprise_id = miss.e.id}, by_).ok());
  auto paid = e_->ActOnBenefit(created->id, miss.e.id, "disburse", "PAY-0001", {}, by_);
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  EXPECT_EQ(paid->status, "disbursed");
  auto t = e_->Totals();
  ASSERT_EQ(t->size(), 1u);
  EXPECT_EQ((*t)[0].disbursed, 1);
  EXPECT_EQ((*t)[0].revoked, 1);
  EXPECT_DOUBLE_EQ((*t)[0].amount_disbursed, 5);
  // Another enterprise cannot act on it.
  EXPECT_EQ(e_->ActOnBenefit(created->id, miss.e.id, "confirm", "", {.enterprise_id = big.e.id}, by_).status().code(),
            StatusCode::kNotFound);
  // Published policies are matched again after a restart.
  Reopen();
  EnterprisePatch back;
  back.revenue = 100;
  ASSERT_TRUE(e_->Update(hit.e.id, back, {}, by_).ok());
  EXPECT_EQ(e_->Benefits({.enterprise_id = hit.e.id}, created->id, "", 10)->at(0).status, "pushed");
}

TEST_P(EnterprisesTest, VoucherLeverageIsSpendingOverVoucherValueRedeemed) {
  auto shop = Make(Firm(1, "52"));
  auto factory = Make(Firm(2, "36"));
  VoucherBatch in{.name = "长春惠民消费券", .industries = "F,H", .face_value = 20, .min_spend = 100, .total = 3,
                  .valid_from = kT0 - kHour, .valid_to = kT0 + 30 * 24 * kHour};
  auto b = e_->CreateBatch(in, by_);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  std::vector<Voucher> vs;
  for (const char* phone : {"13800000001", "13800000002", "13800000003"}) {
    auto v = e_->IssueVoucher(b->id, phone, by_);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    vs.push_back(*v);
  }
  EXPECT_EQ(e_->IssueVoucher(b->id, "13800000004", by_).status().code(), StatusCode::kConflict);  // all issued
  EXPECT_EQ(e_->Redeem(vs[0].code, shop.e.id, 90, {}, by_).status().code(), StatusCode::kInvalidArgument);  // below 100
  EXPECT_EQ(e_->Redeem(vs[0].code, factory.e.id, 150, {}, by_).status().code(), StatusCode::kInvalidArgument);  // C not F/H
  ASSERT_TRUE(e_->Redeem(vs[0].code, shop.e.id, 150, {}, by_).ok());
  ASSERT_TRUE(e_->Redeem(vs[1].code, shop.e.id, 250, {}, by_).ok());
  EXPECT_EQ(e_->Redeem(vs[1].code, shop.e.id, 250, {}, by_).status().code(), StatusCode::kConflict);
  auto batches = e_->Batches();
  ASSERT_TRUE(batches.ok());
  ASSERT_EQ(batches->size(), 1u);
  const VoucherBatch& got = (*batches)[0];
  EXPECT_EQ(got.issued, 3);
  EXPECT_EQ(got.redeemed, 2);
  EXPECT_DOUBLE_EQ(got.spend, 400);
  EXPECT_DOUBLE_EQ(got.value_redeemed, 40);
  EXPECT_DOUBLE_EQ(got.Leverage(), 10);
}

TEST_P(EnterprisesTest, AnEnterpriseOrADistrictSeesOnlyItsOwn) {
  auto a = Make(Firm(1, "36", "220102000000"));
  auto b = Make(Firm(2, "36", "220103000000"));
  const Scope kuancheng{.under_path = "/220100000000/220103000000/"};
  EXPECT_EQ(e_->Get(a.e.id, kuancheng).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(e_->Get(b.e.id, kuancheng).ok());
  auto list = e_->List({.scope = kuancheng});
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].e.id, b.e.id);
  const Scope own{.enterprise_id = a.e.id};
  EXPECT_TRUE(e_->Get(a.e.id, own).ok());
  EXPECT_EQ(e_->Get(b.e.id, own).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(e_->File(b.e.id, Complete(Staff(1)), own, by_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(e_->Roster(b.e.id, own).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(e_->Explain(b.e.id, 0, own).status().code(), StatusCode::kNotFound);
  ASSERT_EQ(e_->List({.scope = own})->size(), 1u);
  ASSERT_TRUE(e_->LinkAccount("firm1", a.e.id, by_).ok());
  EXPECT_EQ(e_->EnterpriseOfUser("firm1"), a.e.id);
  EXPECT_EQ(e_->EnterpriseOfUser("nobody"), 0);
}

TEST_P(EnterprisesTest, NeedsAreMatchedToOffersAndFulfilled) {
  auto v = Make(Firm(1));
  auto need = e_->DeclareNeed(v.e.id, {.kind = "masks", .item = "医用外科口罩", .unit = "只", .quantity = 1000}, {}, by_);
  ASSERT_TRUE(need.ok()) << need.status().ToString();
  EXPECT_EQ(e_->DeclareNeed(v.e.id, {.kind = "gold", .item = "x", .quantity = 1}, {}, by_).status().field_errors().at(0).field,
            "kind");
  ASSERT_TRUE(e_->AddOffer({.supplier = "吉林医药", .kind = "masks", .item = "医用外科口罩", .unit = "只", .quantity = 600}, by_).ok());
  ASSERT_TRUE(e_->AddOffer({.supplier = "长春物资", .kind = "masks", .item = "KN95口罩", .unit = "只", .quantity = 600}, by_).ok());
  auto made = e_->MatchNeeds(by_);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_EQ(made->size(), 2u);
  EXPECT_DOUBLE_EQ((*made)[0].quantity, 600);  // the same item first
  EXPECT_DOUBLE_EQ((*made)[1].quantity, 400);
  EXPECT_EQ(e_->Needs({}, "matched")->size(), 1u);
  EXPECT_TRUE(e_->MatchNeeds(by_)->empty());  // nothing left to match
  ASSERT_TRUE(e_->Fulfil((*made)[0].id, {}, by_).ok());
  EXPECT_EQ(e_->Needs({}, "matched")->size(), 1u);  // half delivered
  ASSERT_TRUE(e_->Fulfil((*made)[1].id, {}, by_).ok());
  EXPECT_EQ(e_->Needs({}, "fulfilled")->size(), 1u);
  EXPECT_DOUBLE_EQ(e_->Offers("masks")->at(0).remaining, 200);  // newest first: the KN95 offer
}

TEST_P(EnterprisesTest, LiaisonOfficersAreOneToOneWithVisitsAndOverdueItems) {
  auto a = Make(Firm(1));
  auto b = Make(Firm(2));
  ASSERT_TRUE(e_->AssignLiaison(a.e.id, "officer01", {}, by_).ok());
  EXPECT_EQ(e_->AssignLiaison(b.e.id, "officer01", {}, by_).code(), StatusCode::kConflict);
  ASSERT_TRUE(e_->LogVisit(a.e.id, {.note = "了解复工用工缺口"}, {}, by_).ok());
  auto item = e_->OpenItem(a.e.id, "协调物流通行证", kT0 + 2 * kHour, {}, by_);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_FALSE(item->overdue);
  clock_.Advance(3 * kHour);
  auto items = e_->Items({}, true, "officer01");
  ASSERT_EQ(items->size(), 1u);
  EXPECT_TRUE((*items)[0].overdue);
  auto ls = e_->Liaisons({}, "officer01");
  ASSERT_EQ(ls->size(), 1u);
  EXPECT_EQ((*ls)[0].visits, 1);
  EXPECT_EQ((*ls)[0].overdue_items, 1);
  EXPECT_EQ(e_->CloseItem(item->id, "", {}, by_).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(e_->CloseItem(item->id, "已办通行证2张", {}, by_).ok());
  EXPECT_TRUE(e_->Items({}, true, "")->empty());
}

TEST_P(EnterprisesTest, AppealsGoThroughTheHotlineWithEnterprisePriorityAndTheFiveFastsAreMeasured) {
  Enterprise in = Firm(1);
  in.area_code = "220102001001-001";
  auto v = Make(in);
  auto a = e_->FileAppeal(v.e.id, {.text = "企业复工急需办理货车通行证，原料运不进来", .category = "enterprise"}, {}, by_);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto req = hotline_->Get(a->request_id);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->channel, "enterprise");
  EXPECT_EQ(req->enterprise, v.e.name);
  EXPECT_EQ(req->state.priority, hotline::Priority::kHigh);
  EXPECT_EQ(req->state.status, hotline::State::kDispatched);
  clock_.Advance(60'000);
  ASSERT_TRUE(hotline_->Act(a->request_id, {.kind = hotline::ActionKind::kAccept}, {}, by_).ok());
  clock_.Advance(2 * kHour);
  ASSERT_TRUE(hotline_->Act(a->request_id, {.kind = hotline::ActionKind::kResolve, .note = "已办结通行证"}, {}, by_).ok());
  auto f = e_->MeasureFiveFasts({}, 0, 0);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->appeals, 1);
  EXPECT_EQ(f->resolved, 1);
  EXPECT_DOUBLE_EQ(f->deploy_p50, 0);  // dispatched on receipt
  EXPECT_DOUBLE_EQ(f->accept_p50, 60);
  EXPECT_DOUBLE_EQ(f->handle_p50, 7200);
  // Another enterprise does not see it.
  auto other = Make(Firm(2));
  EXPECT_TRUE(e_->Appeals({.enterprise_id = other.e.id}, 100)->empty());
  EXPECT_EQ(e_->Appeals({.enterprise_id = v.e.id}, 100)->size(), 1u);
}

TEST_P(EnterprisesTest, ImportReportsEachBadLineByRecordAndField) {
  const std::string path = store::testing::TempSqlitePath("ent") + ".csv";
  {
    std::ofstream out(path);
    out << "统一社会信用代码,企业名称,行业代码,所属区,从业人数,营业收入,上年营业收入,规上,登记状态\n";
    out << Code(1) << ",长春一汽配件有限公司,3670,南关区,120,5000,6000,是,存续\n";
    std::string bad = Code(2);
    bad[17] = bad[17] == 'A' ? 'B' : 'A';
    out << bad << ",坏码公司,3670,南关区,10,100,100,否,存续\n";
    out << Code(3, "220103") << ",宽城商贸有限公司,5211,宽城区,12,600,800,否,存续\n";
    out << Code(4) << ",无区公司,3670,朝阳区,5,1,1,否,存续\n";
    out << Code(5) << ",人数错公司,3670,南关区,很多,1,1,否,存续\n";
  }
  auto run = [&](bool all) {
    std::ifstream in(path, std::ios::binary);
    return e_->Import(in, path, all, "", by_);
  };
  auto strict = run(true);
  ASSERT_TRUE(strict.ok()) << strict.status().ToString();
  EXPECT_EQ(strict->rejected, 3);
  EXPECT_EQ(strict->created, 0);
  EXPECT_TRUE(e_->List({})->empty());  // all or nothing: nothing
  auto rep = run(false);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->lines, 5);
  EXPECT_EQ(rep->created, 2);
  EXPECT_EQ(rep->rejected, 3);
  ASSERT_EQ(rep->errors.size(), 3u);
  EXPECT_EQ(rep->errors[0].line, 3);
  EXPECT_EQ(rep->errors[0].field, "uscc");
  EXPECT_EQ(rep->errors[1].line, 5);
  EXPECT_EQ(rep->errors[1].field, "district_code");
  EXPECT_EQ(rep->errors[2].line, 6);
  EXPECT_EQ(rep->errors[2].field, "employees");
  auto list = e_->List({});
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE((*list)[0].e.above_scale);
  EXPECT_EQ((*list)[0].e.division, "36");
  EXPECT_EQ((*list)[1].e.district_code, "220103000000");
  // Importing again updates, never duplicates.
  auto again = run(false);
  EXPECT_EQ(again->updated, 2);
  EXPECT_EQ(e_->List({})->size(), 2u);
  std::filesystem::remove(path);
}

TEST_P(EnterprisesTest, CreditRequestsAreOfferedTheProductsTheEnterpriseQualifiesFor) {
  auto open = Make(Firm(1));
  auto closed = Make(Firm(2));
  ASSERT_TRUE(e_->File(open.e.id, Complete(Staff(12)), {}, by_).ok());  // staff before: 12
  ASSERT_TRUE(e_->AddProduct({.bank = "吉林银行", .name = "复工贷", .rule = R"(resumption in ["filed", "open"])",
                              .max_amount = 500, .rate = 3.85, .term_months = 12},
                             by_)
                  .ok());
  ASSERT_TRUE(e_->AddProduct({.bank = "长春农商行", .name = "普惠贷", .rule = "employees >= 10", .max_amount = 100,
                              .rate = 4.2, .term_months = 12},
                             by_)
                  .ok());
  EXPECT_EQ(e_->AddProduct({.bank = "x", .name = "y", .rule = "employes > 1", .max_amount = 1, .rate = 1, .term_months = 1},
                           by_)
                .status()
                .field_errors()
                .at(0)
                .field,
            "rule");
  auto r = e_->RequestCredit(open.e.id, 80, "购置原料", {}, by_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "offered");
  ASSERT_EQ(r->offers.size(), 2u);
  EXPECT_EQ(r->offers[0].name, "复工贷");  // the cheaper first
  auto big = e_->RequestCredit(open.e.id, 300, "扩产", {}, by_);
  ASSERT_EQ(big->offers.size(), 1u);  // above 普惠贷's ceiling
  auto none = e_->RequestCredit(closed.e.id, 300, "扩产", {}, by_);
  EXPECT_EQ(none->status, "open");
  EXPECT_TRUE(none->offers.empty());
  EXPECT_EQ(e_->DecideCredit(r->id, r->offers[1].id, 200, by_).status().code(), StatusCode::kInvalidArgument);
  auto granted = e_->DecideCredit(r->id, r->offers[0].id, 80, by_);
  ASSERT_TRUE(granted.ok()) << granted.status().ToString();
  EXPECT_EQ(granted->status, "granted");
  EXPECT_EQ(e_->DecideCredit(r->id, 0, 0, by_).status().code(), StatusCode::kConflict);
}

TEST_P(EnterprisesTest, JobsArePushedToSeekersTheyWelcomeAndHiresFillThem) {
  auto firm = Make(Firm(1));
  auto job = e_->PostJob(firm.e.id, {.title = "装配工", .for_kinds = "returning_farmer", .openings = 1, .wage_min = 4000,
                                     .wage_max = 6000},
                         {}, by_);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  auto farmer = e_->AddSeeker({.name = "返乡甲", .phone = "13600000001", .kind = "returning_farmer",
                               .district_code = "220102000000", .industries = "C", .wage_min = 4500},
                              by_);
  auto graduate = e_->AddSeeker({.name = "毕业生乙", .phone = "13600000002", .kind = "graduate"}, by_);
  auto greedy = e_->AddSeeker({.name = "丙", .phone = "13600000003", .kind = "returning_farmer", .wage_min = 9000}, by_);
  ASSERT_TRUE(farmer.ok() && graduate.ok() && greedy.ok());
  EXPECT_EQ(e_->AddSeeker({.name = "丁", .phone = "13600000004", .kind = "pilot"}, by_).status().field_errors().at(0).field,
            "kind");
  auto pushed = e_->MatchJobs(3, by_);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  ASSERT_EQ(pushed->size(), 1u);  // the graduate is not welcomed, the wage is below 丙's floor
  EXPECT_EQ((*pushed)[0].seeker_id, farmer->id);
  EXPECT_TRUE(e_->MatchJobs(3, by_)->empty());  // pushed once
  ASSERT_TRUE(e_->Hire(job->id, farmer->id, {}, by_).ok());
  EXPECT_EQ(e_->Postings({})->at(0).status, "closed");
  EXPECT_EQ(e_->Hire(job->id, graduate->id, {}, by_).status().code(), StatusCode::kNotFound);
}

TEST_P(EnterprisesTest, MajorProjectsStartAndResumeAgainstPlan) {
  auto p = e_->AddProject({.name = "新能源整车项目", .district_code = "220102000000", .planned_start = "2026-05-01",
                           .investment = 850000},
                          by_);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->late);  // planned for May 1st, today is May 28th
  EXPECT_EQ(e_->SummarizeProjects().late, 1);
  EXPECT_EQ(e_->SetProjectStatus(p->id, "resumed", "", "", by_).status().code(), StatusCode::kConflict);
  ASSERT_TRUE(e_->SetProjectStatus(p->id, "started", "2026-05-28", "开工", by_).ok());
  ASSERT_TRUE(e_->SetProjectStatus(p->id, "stopped", "", "疫情停工", by_).ok());
  auto resumed = e_->SetProjectStatus(p->id, "resumed", "", "复工", by_);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->started_on, "2026-05-28");
  auto s = e_->SummarizeProjects();
  EXPECT_EQ(s.started, 1);
  EXPECT_EQ(s.late, 0);
  EXPECT_DOUBLE_EQ(s.investment_started, 850000);
}

INSTANTIATE_TEST_SUITE_P(Backends, EnterprisesTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::enterprise
