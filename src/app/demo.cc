// `tongchou demo`: a small synthetic Changchun (gen city at --scale, default 0.01:
// about 90,000 residents with their dwellings, grids, 三长 and 包保), one user per
// role, ten days of check-ins with an outbreak, a quarantine hotel, a designated
// hospital and a fever clinic, then the server on a clock whose day is the data's last. Prints the console's URL and the logins once it listens.
// Idempotent: an existing demo database is reused.
#include <cstdio>
#include <filesystem>

#include "app/app.h"
#include "auth/accounts.h"
#include "enterprise/enterprises.h"
#include "gen/enterprises.h"
#include "gen/hotline.h"
#include "hotline/hotline.h"
#include "gen/city.h"
#include "gen/mobility.h"
#include "gen/outbreak.h"
#include "gen/testing_round.h"
#include "healthcode/checkpoints.h"
#include "healthcode/keys.h"
#include "events/events.h"
#include "quarantine/hospitals.h"
#include "quarantine/quarantines.h"
#include "registry/residents.h"
#include "tracing/cases.h"
#include "tracing/service.h"
#include "tracing/checkins.h"
#include "tracing/epidemic.h"
#include "registry/areas.h"
#include "screening/screening.h"

namespace tc::app {
namespace {

constexpr const char* kDemoPassword = "tongchou-demo";

// The enterprises of the demo city: market entities at the demo's scale, a resumption
// wave over the last 14 days, three published policies (benefits pushed) and a draft,
// firm01 acting for a manufacturer of 南关区 not yet filed, with officer01 its liaison
// officer, an appeal, a material need matched to an offer, a voucher batch partly
// redeemed, a bank product, jobs and two major projects.
Status SeedEnterprises(store::Store& store, const Clock& clock, auth::Accounts& accounts, double scale,
                       const std::string& today) {
  const audit::Actor by{"demo", ""};
  TC_ASSIGN_OR_RETURN(auto firms, gen::GenerateEnterprises(store, {.scale = scale, .seed = 1}));
  TC_ASSIGN_OR_RETURN(auto wave, gen::GenerateResumption(store, {.days = 14, .end_date = today, .seed = 1}));
  std::fprintf(stderr, "demo enterprises: %lld (%lld above scale), %lld open after a 14-day wave\n",
               static_cast<long long>(firms.enterprises), static_cast<long long>(firms.above_scale),
               static_cast<long long>(wave.opened));
  TC_ASSIGN_OR_RETURN(auto hl, hotline::Hotline::Open(store, clock));
  TC_ASSIGN_OR_RETURN(auto ent, enterprise::Enterprises::Open(store, clock, hl.get()));
  // firm01 acts for a manufacturer of 南关区 that has not filed yet, so the demo can walk
  // through the filing; else any enterprise there that has not filed; else any.
  std::vector<enterprise::EnterpriseView> found;
  for (const enterprise::EnterpriseQuery& q :
       {enterprise::EnterpriseQuery{.industry = "C", .district = "220102000000", .resumption = "not_filed", .limit = 1},
        enterprise::EnterpriseQuery{.district = "220102000000", .resumption = "not_filed", .limit = 1},
        enterprise::EnterpriseQuery{.district = "220102000000", .limit = 1}}) {
    if (!found.empty()) break;
    TC_ASSIGN_OR_RETURN(found, ent->List(q));
  }
  if (found.empty()) return Status::Ok();
  const enterprise::EnterpriseView& firm = found[0];
  registry::Areas areas(store, Clock::System());
  TC_ASSIGN_OR_RETURN(auto place, areas.Get(firm.e.area_code.empty() ? firm.e.district_code : firm.e.area_code));
  TC_ASSIGN_OR_RETURN(auto district, areas.Get("220102000000"));
  TC_RETURN_IF_ERROR(
      accounts.CreateUser({"firm01", "企业用户01", kDemoPassword, "enterprise_user", place.code, place.path}, by).status());
  TC_RETURN_IF_ERROR(
      accounts.CreateUser({"officer01", "驻企专员01", kDemoPassword, "department_handler", district.code, district.path}, by)
          .status());
  TC_RETURN_IF_ERROR(ent->LinkAccount("firm01", firm.e.id, by));
  TC_RETURN_IF_ERROR(ent->AssignLiaison(firm.e.id, "officer01", {}, by));
  TC_RETURN_IF_ERROR(ent->LogVisit(firm.e.id, {.note = "走访：复工用工缺口约40人，原料运输受阻"}, {}, by).status());
  TC_RETURN_IF_ERROR(ent->OpenItem(firm.e.id, "协调货车通行证2张", clock.Now() + 3 * 86'400'000LL, {}, by).status());
  TC_RETURN_IF_ERROR(ent->FileAppeal(firm.e.id, {.text = "企业复工急需办理货车通行证，原材料运不进来，请尽快协调",
                                                  .category = "enterprise"},
                                     {}, by)
                         .status());
  TC_RETURN_IF_ERROR(
      ent->DeclareNeed(firm.e.id, {.kind = "masks", .item = "医用外科口罩", .unit = "只", .quantity = 5000}, {}, by).status());
  TC_RETURN_IF_ERROR(
      ent->AddOffer({.supplier = "长春医药物资储备库", .kind = "masks", .item = "医用外科口罩", .unit = "只", .quantity = 3000}, by)
          .status());
  TC_RETURN_IF_ERROR(ent->MatchNeeds(by).status());
  // Policies (money in 万元): rent relief for small service firms hit hardest, a
  // stable-employment subsidy for firms back at work, Nanjing's 15 % equipment subsidy.
  const enterprise::PolicyInput policies[] = {
      {.code = "rent-relief", .name = "中小微服务业企业房租减免", .package = "稳企26条",
       .summary = "营业收入下降30%以上的小微零售、餐饮、住宿、文体企业，按从业人数减免房租",
       .rule = R"(size in ["small", "micro"] and revenue_drop >= 30 and industry in ["F", "H", "O", "R"])",
       .benefit = "min(employees * 0.1, 5)", .budget = 2000},
      {.code = "stable-jobs", .name = "稳岗补贴", .package = "稳企26条",
       .summary = "已复工复产且不裁员的企业，每名职工500元，最高50万元",
       .rule = R"(resumption = "open" and employees >= 10)", .benefit = "min(employees * 0.05, 50)", .budget = 5000},
      {.code = "equipment-15", .name = "设备投资补助", .package = "南京九条",
       .summary = "规上工业企业当年设备投资的15%，最高1000万元",
       .rule = R"(industry = "C" and above_scale and equipment_investment > 0)",
       .benefit = "round(min(0.15 * equipment_investment, 1000))", .budget = 20000},
  };
  for (const auto& p : policies) {
    TC_ASSIGN_OR_RETURN(auto created, ent->CreatePolicy(p, by));
    TC_RETURN_IF_ERROR(ent->Publish(created.id, by).status());
  }
  TC_RETURN_IF_ERROR(ent->CreatePolicy({.code = "catering-coupons", .name = "餐饮业纾困补助（草案）", .package = "稳企26条",
                                        .rule = R"(industry = "H" and size = "micro" and revenue_drop >= 20)",
                                        .benefit = "0.3", .budget = 300},
                                       by)
                         .status());
  TC_RETURN_IF_ERROR(ent->AddProduct({.bank = "吉林银行", .name = "复工贷", .rule = R"(resumption in ["filed", "open"])",
                                      .max_amount = 500, .rate = 3.85, .term_months = 12},
                                     by)
                         .status());
  // Vouchers: 满100减20, some issued and redeemed at retail and catering merchants.
  TC_ASSIGN_OR_RETURN(auto batch, ent->CreateBatch({.name = "长春惠民消费券（第一期）", .industries = "F,H", .face_value = 20,
                                                    .min_spend = 100, .total = 10000, .valid_from = clock.Now() - 86'400'000LL,
                                                    .valid_to = clock.Now() + 30 * 86'400'000LL},
                                                   by));
  TC_ASSIGN_OR_RETURN(auto merchants, ent->List({.industry = "F", .resumption = "open", .limit = 20}));
  for (int i = 0; i < 60 && !merchants.empty(); ++i) {
    TC_ASSIGN_OR_RETURN(auto v, ent->IssueVoucher(batch.id, "1390000" + std::to_string(1000 + i), by));
    if (i % 3 == 2) continue;  // not yet spent
    TC_RETURN_IF_ERROR(ent->Redeem(v.code, merchants[size_t(i) % merchants.size()].e.id, 100 + 37.0 * (i % 11), {}, by)
                           .status());
  }
  TC_RETURN_IF_ERROR(ent->PostJob(firm.e.id, {.title = "装配工", .for_kinds = "returning_farmer,graduate", .openings = 40,
                                              .wage_min = 4500, .wage_max = 6500},
                                  {}, by)
                         .status());
  TC_RETURN_IF_ERROR(ent->AddSeeker({.name = "返乡农民工甲", .phone = "13600000001", .kind = "returning_farmer",
                                     .district_code = "220102000000", .industries = "C", .wage_min = 4000},
                                    by)
                         .status());
  TC_RETURN_IF_ERROR(ent->MatchJobs(3, by).status());
  TC_RETURN_IF_ERROR(ent->AddProject({.name = "一汽新能源整车项目", .district_code = "220102000000",
                                      .planned_start = today, .investment = 850000},
                                     by)
                         .status());
  TC_RETURN_IF_ERROR(ent->SnapshotDay(today));
  return Status::Ok();
}

// Quarantine (隔离转运) in the demo district 南关区: a hotel with 20 rooms (two of them
// accessible, some with two beds) and site01 on its staff; six residents of grid01's
// community, resident01 among them, listed as close contacts through tracing (so
// ContactListed flows to the quarantine service over the bus, as in `serve`). Rooms are
// assigned to those the rules can place (the others stay listed, for the desk's dry run
// to explain); of those placed, two are picked up and checked in (site01's check list),
// one picked up and waiting at the door, one with a pickup scheduled, the rest assigned.
Status SeedQuarantine(store::Store& store, const Clock& clock, const registry::Area& community, int64_t resident01,
                      const audit::Actor& by) {
  tracing::Tracing tracing(store, clock);
  tracing::Cases cases(store, clock, tracing);
  registry::Residents residents(store, clock);
  TC_ASSIGN_OR_RETURN(auto people, residents.List({.scope = registry::ScopeKeyOfCode(community.code), .limit = 40}));
  std::vector<int64_t> ids;
  if (resident01 != 0) ids.push_back(resident01);
  for (const auto& r : people) {
    if (ids.size() >= 6) break;
    if (r.id != resident01) ids.push_back(r.id);
  }
  int listed = 0;
  for (int64_t id : ids) {
    auto c = cases.AddContact(id, "close", 0, "与确诊病例同场所停留（演示数据）", by);
    if (c.ok()) ++listed;
    else if (c.status().code() != StatusCode::kConflict) return c.status();  // a case or listed already: skip
  }
  quarantine::Quarantines q(store, clock);
  events::Bus bus(store);
  bus.Subscribe("quarantine", [&q](const events::Event& e) { return q.OnEvent(e); });
  TC_RETURN_IF_ERROR(bus.Deliver());
  quarantine::NewSite site{.name = "锦江之星(长春南关店)", .kind = "hotel", .district_code = "220102000000",
                           .address = "南关区人民大街1号", .point = quarantine::GeoPoint{125.33, 43.87},
                           .staff = {"site01"}, .phone = "0431-80000001"};
  for (int i = 1; i <= 20; ++i) {
    const int floor = 1 + (i - 1) / 10, n = 1 + (i - 1) % 10;
    site.rooms.push_back(
        {.number = std::to_string(floor * 100 + n), .beds = n > 7 ? 2 : 1, .accessible = floor == 1 && n <= 2});
  }
  TC_ASSIGN_OR_RETURN(auto created, q.CreateSite(site, {}, by));
  TC_ASSIGN_OR_RETURN(auto assigned, q.AutoAssign({}, {}, by));
  int checked_in = 0;
  for (size_t i = 0; i < assigned.placed.size(); ++i) {
    const int64_t id = assigned.placed[i].person_id;
    if (i >= 4) break;  // the rest stay assigned
    quarantine::Action pickup{.kind = quarantine::ActionKind::kSchedulePickup,
                              .vehicle = "吉A·G" + std::to_string(3101 + i),
                              .pickup_at = clock.Now() + (i == 3 ? 2 * 3'600'000LL : 0)};
    TC_RETURN_IF_ERROR(q.Act(id, pickup, {}, by).status());
    if (i == 3) continue;  // pickup in two hours
    TC_RETURN_IF_ERROR(q.Act(id, {.kind = quarantine::ActionKind::kPickUp}, {}, by).status());
    if (i == 2) continue;  // on the way
    TC_RETURN_IF_ERROR(q.Act(id, {.kind = quarantine::ActionKind::kCheckIn}, {}, by).status());
    ++checked_in;
  }
  TC_RETURN_IF_ERROR(bus.Deliver());
  std::fprintf(stderr,
               "demo quarantine site %lld (%s, 20 rooms, staff site01): %d close contacts listed, %zu assigned, "
               "%d checked in\n",
               static_cast<long long>(created.id), created.name.c_str(), listed, assigned.placed.size(), checked_in);
  return Status::Ok();
}

// Hospitals (医疗救治) of the demo city, so the hospitals page is not empty: a designated
// hospital (定点医院) in 南关区 with ordinary, severe and ICU beds, suggested for a case
// confirmed in the console (its CaseConfirmed event; the generated outbreak's cases emit
// none, so the awaiting list starts empty), and a fever clinic (发热门诊) in 宽城区 with
// ordinary beds only.
Status SeedHospitals(store::Store& store, const Clock& clock, const audit::Actor& by) {
  quarantine::Hospitals hospitals(store, clock);
  const quarantine::NewHospital seeds[] = {
      {.name = "长春市传染病医院", .kind = quarantine::HospitalKind::kDesignated, .district_code = "220102000000",
       .beds = {120, 30, 12}},
      {.name = "长春市宽城区人民医院发热门诊", .kind = quarantine::HospitalKind::kFeverClinic,
       .district_code = "220103000000", .beds = {16, 0, 0}},
  };
  for (const auto& n : seeds) {
    TC_ASSIGN_OR_RETURN(auto h, hospitals.Create(n, "", by));
    std::fprintf(stderr, "demo hospital %lld (%s, %s): %lld ordinary, %lld severe, %lld ICU beds\n",
                 static_cast<long long>(h.id), h.name.c_str(), std::string(quarantine::HospitalKindName(h.kind)).c_str(),
                 static_cast<long long>(h.beds[quarantine::kOrdinary]),
                 static_cast<long long>(h.beds[quarantine::kSevere]), static_cast<long long>(h.beds[quarantine::kIcu]));
  }
  return Status::Ok();
}

// The first child of `code` (by code), for picking a community to bind a grid worker to.
Result<registry::Area> FirstChild(registry::Areas& areas, const std::string& code) {
  TC_ASSIGN_OR_RETURN(auto kids, areas.Children(code));
  if (kids.empty()) return NotFound("area " + code + " has no children");
  return kids.front();
}

Status Seed(store::Store& store, double scale) {
  registry::Areas areas(store, Clock::System());
  if (areas.Get("220100000000").ok()) return Status::Ok();
  std::fprintf(stderr, "generating the demo city (scale %g)...\n", scale);
  TC_RETURN_IF_ERROR(gen::GenerateCity(store, {.preset = "changchun", .scale = scale, .seed = 1}).status());
  // Venues, ten days of check-ins, and an outbreak seeded at the big market on the
  // first morning, so the cases and tracing pages have a chain to show.
  TC_RETURN_IF_ERROR(gen::GenerateCheckinsWithVenues(store, {.days = 10, .seed = 1}).status());
  {
    tracing::Index index;
    index.set_auto_merge(false);
    TC_RETURN_IF_ERROR(tracing::LoadCheckins(store, index).status());
    index.Compact();
    TC_ASSIGN_OR_RETURN(Millis from, ParseTime("2022-03-01T07:00:00+08:00"));
    // The dose model (the default) with a source three times as infectious as the
    // calibrated one, so that even a small demo city has a chain to show.
    gen::OutbreakOptions options{.from = from, .hours = 10, .seed = 1, .source_attack = 0.1};
    options.dose.source_beta *= 3;
    TC_ASSIGN_OR_RETURN(auto outbreak, gen::GenerateOutbreak(store, index, options));
    std::fprintf(stderr, "demo outbreak at %s: %lld infected, %lld cases\n", outbreak.source_name.c_str(),
                 static_cast<long long>(outbreak.infected), static_cast<long long>(outbreak.detected));
  }
  TC_ASSIGN_OR_RETURN(auto street, FirstChild(areas, "220102000000"));
  TC_ASSIGN_OR_RETURN(auto community, FirstChild(areas, street.code));
  auth::Accounts accounts(store, Clock::System(), {});
  struct DemoUser {
    const char* username;
    const char* display;
    const char* role;
    std::string area;
  };
  const DemoUser users[] = {
      {"admin", "系统管理员", "admin", "220100000000"},
      {"commander", "市指挥部", "commander", "220100000000"},
      {"nanguan", "南关区操作员", "area_operator", "220102000000"},
      {"kuancheng", "宽城区操作员", "area_operator", "220103000000"},
      {"grid01", "网格员01", "grid_worker", community.code},
      {"hotline", "12345坐席", "hotline_agent", "220100000000"},
      {"sampler01", "采样员01", "sampler", community.code},
      {"lab01", "检测机构01", "lab_technician", "220100000000"},
      {"checkpoint01", "卡口人员01", "checkpoint_staff", "220102000000"},
      {"site01", "隔离点工作人员01", "site_staff", "220102000000"},
      {"water01", "供水集团受理员", "department_handler", "220100000000"},
  };
  const audit::Actor by{"demo", ""};
  for (const auto& u : users) {
    TC_ASSIGN_OR_RETURN(auto area, areas.Get(u.area));
    TC_RETURN_IF_ERROR(accounts.CreateUser({u.username, u.display, kDemoPassword, u.role, area.code, area.path}, by)
                           .status());
  }
  // A mass-testing round sampled yesterday (results in, positive pools retested) and
  // open through today, with sampler01 on the staff of grid01's community's site.
  {
    TC_ASSIGN_OR_RETURN(std::string last, tracing::LastCheckinDate(store));
    TC_ASSIGN_OR_RETURN(Millis noon, ParseTime(last + "T12:00:00+08:00"));
    // On the demo's clock, so the rows' times agree with the days it shows.
    TC_ASSIGN_OR_RETURN(Millis offset, OffsetClock::OffsetToDate(last, NowMillis()));
    const OffsetClock clock(offset);
    TC_ASSIGN_OR_RETURN(auto sc, screening::Screening::Open(store, clock));
    TC_ASSIGN_OR_RETURN(auto round, gen::GenerateTestingRound(store, *sc,
                                                              {.date = DateShanghai(noon - 86'400'000),
                                                               .days = 2,
                                                               .seed = 1,
                                                               .now = clock.Now()}));
    std::fprintf(stderr, "demo testing round %lld: %lld of %lld sampled, %lld positive pools, %lld retests\n",
                 static_cast<long long>(round.round_id), static_cast<long long>(round.sampled),
                 static_cast<long long>(round.due), static_cast<long long>(round.positive_pools),
                 static_cast<long long>(round.retests));
    const std::vector<std::string> staff = {"sampler01"};
    TC_RETURN_IF_ERROR(sc->SetSiteStaff("S" + community.code, staff, by).status());
    // A resident's own account: someone of that community.
    const int64_t resident = sc->FirstResidentUnder(community.code);
    if (resident != 0) {
      TC_RETURN_IF_ERROR(accounts
                             .CreateUser({"resident01", "居民01", kDemoPassword, "resident", community.code,
                                          community.path, resident},
                                         by)
                             .status());
    }
    // Two checkpoints with checkpoint01 on their staff — a highway entrance of 南关区 and
    // the gate of grid01's first compound — and a transport permit valid for two weeks.
    TC_ASSIGN_OR_RETURN(auto keys, healthcode::SigningKeys::Open(store, Clock::System()));
    TC_ASSIGN_OR_RETURN(auto checkpoints, healthcode::Checkpoints::Open(store, clock, *keys, nullptr));
    TC_ASSIGN_OR_RETURN(auto compound, FirstChild(areas, community.code));
    TC_ASSIGN_OR_RETURN(auto city, areas.Get("220100000000"));
    const std::vector<healthcode::Checkpoint> demo_checkpoints = {
        {.code = "G1-NG01", .name = "京哈高速长春南收费站", .kind = healthcode::CheckpointKind::kHighway,
         .area_code = "220102000000", .staff = {"checkpoint01"}},
        {.code = "GATE-" + compound.code, .name = compound.name + "东门", .kind = healthcode::CheckpointKind::kCompoundGate,
         .area_code = compound.code, .staff = {"checkpoint01"}}};
    for (const auto& c : demo_checkpoints) TC_RETURN_IF_ERROR(checkpoints->Create(c, by).status());
    TC_ASSIGN_OR_RETURN(Millis from, healthcode::ParseWindowTime(last, false, "valid_from"));
    TC_ASSIGN_OR_RETURN(auto permit, checkpoints->IssuePermit({.plate = "吉A52022",
                                                                .note = "生活物资 长春—吉林",
                                                                .valid_from = from,
                                                                .valid_until = from + 14 * 86'400'000LL},
                                                               city.path, by));
    std::fprintf(stderr, "demo checkpoints G1-NG01 and GATE-%s; transport permit %lld for %s\n", compound.code.c_str(),
                 static_cast<long long>(permit.id), permit.plate.c_str());
    // The 12345 hotline: water01 works the water company's inbox.
    TC_ASSIGN_OR_RETURN(auto hl, hotline::Hotline::Open(store, clock));
    const std::vector<std::string> water_staff = {"water01"};
    TC_RETURN_IF_ERROR(hl->SetStaff("water", water_staff, by));
    hl.reset();
    // Ten days of synthetic 12345 requests up to yesterday (the outbreak raises the
    // epidemic ones), so the inboxes, the three rates and the rankings have data.
    TC_ASSIGN_OR_RETURN(auto requests, gen::GenerateHotline(store, {.days = 10, .end_date = DateShanghai(noon - 86'400'000),
                                                                    .seed = 1}));
    std::fprintf(stderr, "demo 12345 requests: %lld over %s .. %s, %.0f %% epidemic\n",
                 static_cast<long long>(requests.requests), requests.from_date.c_str(), requests.to_date.c_str(),
                 100 * requests.epidemic_share());
    TC_RETURN_IF_ERROR(SeedEnterprises(store, clock, accounts, scale, DateShanghai(noon)));
    TC_RETURN_IF_ERROR(SeedQuarantine(store, clock, community, resident, by));
    TC_RETURN_IF_ERROR(SeedHospitals(store, clock, by));
  }
  return Status::Ok();
}

}  // namespace

int RunDemo(ServeOptions options, bool reset, double scale) {
  if (reset && options.db.starts_with("sqlite:")) {
    const std::string path = options.db.substr(7);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  {
    auto store = OpenMigrated(options.db);
    if (!store) return 1;
    if (Status s = Seed(*store, scale); !s.ok()) {
      std::fprintf(stderr, "tongchou demo: seeding: %s\n", s.ToString().c_str());
      return 1;
    }
    // The demo's "today" is the last day of its data (March 2022), so new cases,
    // ages and the curve line up with the generated outbreak.
    if (options.today.empty()) {
      auto last = tracing::LastCheckinDate(*store);
      if (!last.ok()) {
        std::fprintf(stderr, "tongchou demo: %s\n", last.status().ToString().c_str());
        return 1;
      }
      options.today = *last;
    }
  }
  const std::string db = options.db, today = options.today;
  return RunServe(options, [&](const std::string& url) {
    std::printf(
        "\nTongchou demo city (synthetic 长春市, scale %g) in %s\n"
        "  Open      %s  (API document: %sapi/v1/openapi.json)\n"
        "  Logins    admin / commander / nanguan / kuancheng / grid01 / hotline / sampler01 / lab01 / resident01,\n"
        "            checkpoint01, water01 (12345: the water company's inbox), firm01 (an enterprise),\n"
        "            site01 (a quarantine hotel's staff),\n"
        "            officer01 (its liaison officer), password: %s\n"
        "  Today     %s in the demo (the day of its last check-in; the clock runs from there)\n"
        "  Stop with Ctrl-C.\n\n",
        scale, db.c_str(), url.c_str(), url.c_str(), kDemoPassword, today.empty() ? "the real day" : today.c_str());
    std::fflush(stdout);
  });
}

}  // namespace tc::app
