#include "quarantine/quarantines.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "registry/registry_fixture.h"

namespace tc::quarantine {
namespace {

using nlohmann::json;

constexpr Millis kMinute = 60'000, kHour = 3'600'000, kDay = 24 * kHour;
constexpr Millis kT0 = 1'779'933'600'000;  // 2026-05-28 10:00 in Shanghai

class QuarantinesTest : public registry::RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    clock_.Set(kT0);
    q_ = std::make_unique<Quarantines>(*store_, clock_);
    // Household 0101 of 1栋1单元: a father and his 6-year-old son; 0102: one woman; 宽城: one man.
    father_ = Add("隔离父", Id("22010219800101001"), "220102001001-001-01-1-0101");
    son_ = Add("隔离子", Id("22010220200101002"), "220102001001-001-01-1-0101");
    woman_ = Add("隔离女", Id("22010219900101003"), "220102001001-001-01-1-0102");
    kuancheng_ = Add("宽城男", Id("22010319850101004"), "220103001001-001-01-1-0101");
  }

  // Tracing lists contacts: the event as tracing publishes it, delivered to the service.
  void List(const std::vector<std::tuple<int64_t, const registry::Resident*, std::string>>& contacts) {
    json items = json::array();
    for (const auto& [contact, r, tier] : contacts) {
      items.push_back({{"contact_id", contact}, {"resident_id", r->id}, {"tier", tier},
                       {"household_code", r->household_code}});
    }
    Deliver("ContactListed", json{{"run_id", nullptr}, {"contacts", items}}.dump());
  }
  void Deliver(const std::string& type, const std::string& payload) {
    ASSERT_TRUE(q_->OnEvent({++seq_, type, payload, clock_.Now()}).ok());
  }
  int64_t PersonOf(const registry::Resident& r) {
    auto p = q_->OfResident(r.id);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? p->id : 0;
  }
  SiteRecord MakeSite(const std::string& name, std::vector<NewRoom> rooms, int capacity = 0,
                      const std::string& district = "220102000000", std::vector<std::string> staff = {}) {
    auto s = q_->CreateSite({.name = name, .district_code = district, .capacity = capacity, .staff = staff,
                             .rooms = std::move(rooms)},
                            {}, by_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : SiteRecord{};
  }
  int64_t RoomId(int64_t site, const std::string& number) {
    auto rooms = q_->Rooms(site, {});
    for (const auto& r : *rooms) {
      if (r.number == number) return r.id;
    }
    ADD_FAILURE() << "no room " << number;
    return 0;
  }
  Result<PersonRecord> Do(int64_t id, Action a, const Caller& who = {}) { return q_->Act(id, a, who, by_); }
  std::vector<json> Changes() {
    std::vector<json> out;
    EXPECT_TRUE(store_->Read([&](store::Conn& c) -> Status {
      auto rows = c.Query("SELECT payload FROM events WHERE type = 'QuarantineStatusChanged' ORDER BY seq");
      for (const auto& r : rows->rows) {
        const json payload = json::parse(r.Text(0));
        for (const auto& ch : payload["changes"]) out.push_back(ch);
      }
      return Status::Ok();
    }).ok());
    return out;
  }

  ManualClock clock_;
  std::unique_ptr<Quarantines> q_;
  registry::Resident father_, son_, woman_, kuancheng_;
  int64_t seq_ = 0;
};

TEST_P(QuarantinesTest, ContactListedListsTheQuarantinedTiersOnceAndUpgradesASecondaryNamedClose) {
  List({{11, &father_, "close"}, {12, &woman_, "secondary"}, {13, &kuancheng_, "exposed"}});
  List({{11, &father_, "close"}});  // redelivered
  auto all = q_->People({}, {});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);  // the exposed tier is health monitoring, not quarantine
  auto woman = q_->Get(PersonOf(woman_), {});
  EXPECT_EQ(woman->state.tier, Tier::kSecondary);
  EXPECT_EQ(woman->state.status, State::kListed);
  EXPECT_EQ(woman->area_path, "/220100000000/220102000000/220102001000/220102001001/220102001001-001/"
                              "220102001001-001-01/220102001001-001-01-1/");
  EXPECT_EQ(woman->district_code, "220102000000");
  List({{14, &woman_, "close"}});
  EXPECT_EQ(q_->Get(woman->id, {})->state.tier, Tier::kClose);
  EXPECT_EQ(q_->Get(woman->id, {})->contact_id, 14);
  // Removed from the contact list: cancelled with the reason.
  Deliver("ContactRemoved", json{{"contact_id", 11}, {"resident_id", father_.id}, {"reason", "核实非密接"}}.dump());
  auto father = q_->Get(PersonOf(father_), {});
  EXPECT_EQ(father->state.status, State::kCancelled);
  EXPECT_NE(father->state.reason.find("核实非密接"), std::string::npos);
}

TEST_P(QuarantinesTest, APersonWalksFromListedToReleasedAndReleaseBeforeTheRulesIsRefused) {
  List({{21, &woman_, "close"}});
  const SiteRecord site = MakeSite("南关一号隔离酒店", {{"101", 1}, {"102", 2}});
  const int64_t id = PersonOf(woman_);
  ASSERT_TRUE(Do(id, {.kind = ActionKind::kAssign, .site_id = site.id, .room_id = RoomId(site.id, "101")}).ok());
  ASSERT_TRUE(Do(id, {.kind = ActionKind::kSchedulePickup, .vehicle = "吉A·转运01", .pickup_at = kT0 + kHour}).ok());
  auto transfers = q_->Transfers({}, 10);
  ASSERT_EQ(transfers->size(), 1u);
  EXPECT_EQ((*transfers)[0].state.vehicle, "吉A·转运01");
  clock_.Advance(kHour);
  ASSERT_TRUE(Do(id, {.kind = ActionKind::kPickUp}).ok());
  clock_.Advance(kHour);
  auto in = Do(id, {.kind = ActionKind::kCheckIn});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->state.quarantine_end, kT0 + 2 * kHour + 14 * kDay);
  EXPECT_EQ(in->site_name, "南关一号隔离酒店");
  EXPECT_EQ(in->room_number, "101");
  const Millis start = in->state.quarantine_start;
  for (int d : {1, 4, 7, 14}) {
    clock_.Set(start + (d - 1) * kDay + kHour);
    ASSERT_TRUE(Do(id, {.kind = ActionKind::kHealthCheck, .check = {.temperature_c = 36.5}}).ok());
    ASSERT_TRUE(Do(id, {.kind = ActionKind::kTestResult,
                        .test = {.sampled_at = clock_.Now(), .outcome = TestOutcome::kNegative}})
                    .ok());
  }
  ASSERT_TRUE(Do(id, {.kind = ActionKind::kHealthCheck, .check = {.temperature_c = 36.6}}).ok());
  // Day 14 has not ended: refused with the reason, and nothing changes.
  auto early = Do(id, {.kind = ActionKind::kRelease});
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), StatusCode::kConflict);
  EXPECT_NE(early.status().message().find("of 14 days served"), std::string::npos) << early.status().message();
  EXPECT_EQ(q_->Get(id, {})->state.status, State::kCheckedIn);
  EXPECT_EQ(q_->CertificateOf(id, {}).status().code(), StatusCode::kConflict);
  clock_.Set(start + 14 * kDay + kMinute);
  auto out = Do(id, {.kind = ActionKind::kRelease});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->state.status, State::kReleased);
  auto cert = q_->CertificateOf(id, {});
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->number, "GLJC-20260611-" + std::string(8 - std::to_string(id).size(), '0') + std::to_string(id));
  EXPECT_EQ(cert->tests.size(), 4u);
  // Every change went out for tracing: listed → … → released, with the contact.
  auto changes = Changes();
  ASSERT_EQ(changes.size(), 5u);
  EXPECT_EQ(changes[3]["to"], "checked_in");
  EXPECT_EQ(changes[4]["to"], "released");
  EXPECT_EQ(changes[4]["contact_id"], 21);
  // The room is free again.
  EXPECT_TRUE(q_->Rooms(site.id, {})->at(0).occupants.empty());
}

TEST_P(QuarantinesTest, ADoubleAssignmentOfARoomOrABookingPastTheSitesCapacityIsRefusedAndNothingWritten) {
  List({{31, &woman_, "close"}, {32, &kuancheng_, "close"}, {33, &father_, "close"}});
  const SiteRecord site = MakeSite("南关二号", {{"201", 2}, {"202", 1}, {"203", 1}}, /*capacity=*/2);
  const int64_t room = RoomId(site.id, "201");
  ASSERT_TRUE(Do(PersonOf(woman_), {.kind = ActionKind::kAssign, .site_id = site.id, .room_id = room}).ok());
  // Another household in the same room: refused, naming the room.
  auto twice = Do(PersonOf(kuancheng_), {.kind = ActionKind::kAssign, .site_id = site.id, .room_id = room});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().code(), StatusCode::kConflict);
  EXPECT_NE(twice.status().message().find(std::to_string(room)), std::string::npos) << twice.status().message();
  EXPECT_EQ(q_->Get(PersonOf(kuancheng_), {})->state.status, State::kListed);
  ASSERT_TRUE(
      Do(PersonOf(kuancheng_), {.kind = ActionKind::kAssign, .site_id = site.id, .room_id = RoomId(site.id, "202")}).ok());
  // The site holds 2 (its staffing): a third is refused though a room is free.
  auto full = Do(PersonOf(father_), {.kind = ActionKind::kAssign, .site_id = site.id, .room_id = RoomId(site.id, "203")});
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.status().message().find("full"), std::string::npos) << full.status().message();
  EXPECT_EQ(q_->Get(PersonOf(father_), {})->state.status, State::kListed);
  // Its capacity cannot be lowered below the people booked, nor a booked room taken out of service.
  EXPECT_EQ(q_->UpdateSite(site.id, {.capacity = 1}, {}, by_).status().code(), StatusCode::kConflict);
  EXPECT_EQ(q_->SetRoomInService(site.id, room, false, {}, by_).status().code(), StatusCode::kConflict);
  // A closed site refuses check-in.
  ASSERT_TRUE(Do(PersonOf(woman_), {.kind = ActionKind::kSchedulePickup, .vehicle = "车1", .pickup_at = kT0}).ok());
  ASSERT_TRUE(Do(PersonOf(woman_), {.kind = ActionKind::kPickUp}).ok());
  ASSERT_TRUE(q_->UpdateSite(site.id, {.open = false}, {}, by_).ok());
  auto closed = Do(PersonOf(woman_), {.kind = ActionKind::kCheckIn});
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.status().code(), StatusCode::kConflict);
  EXPECT_EQ(q_->Get(PersonOf(woman_), {})->state.status, State::kPickedUp);
}

TEST_P(QuarantinesTest, AutoAssignKeepsAHouseholdOfCloseContactsTogetherAndADryRunWritesNothing) {
  List({{41, &father_, "close"}, {42, &son_, "close"}, {43, &woman_, "close"}, {44, &kuancheng_, "secondary"}});
  const SiteRecord site = MakeSite("南关三号", {{"301", 1}, {"302", 2}, {"303", 1}});
  auto dry = q_->AutoAssign({.dry_run = true}, {}, by_);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->placed.size(), 3u);
  EXPECT_FALSE(dry->written);
  EXPECT_EQ(q_->Get(PersonOf(father_), {})->state.status, State::kListed);
  auto done = q_->AutoAssign({}, {}, by_);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->written);
  auto father = q_->Get(PersonOf(father_), {}), son = q_->Get(PersonOf(son_), {}), woman = q_->Get(PersonOf(woman_), {});
  EXPECT_EQ(father->state.status, State::kAssigned);
  EXPECT_EQ(father->room_number, "302");  // the household shares the two-bed room
  EXPECT_EQ(son->state.room_id, father->state.room_id);
  EXPECT_NE(woman->state.room_id, father->state.room_id);
  EXPECT_EQ(q_->Get(PersonOf(kuancheng_), {})->state.status, State::kListed);  // secondary: not asked for
  // Everyone is placed: a second run places nobody.
  EXPECT_TRUE(q_->AutoAssign({}, {}, by_)->placed.empty());
}

TEST_P(QuarantinesTest, TheOpenLoopReportNamesSomeoneStuckInEachState) {
  List({{51, &father_, "close"}, {52, &woman_, "close"}, {53, &kuancheng_, "close"}, {54, &son_, "close"}});
  const SiteRecord site = MakeSite("南关四号", {{"401", 2}, {"402", 1}, {"403", 1}});
  const int64_t listed = PersonOf(son_), assigned = PersonOf(woman_), scheduled = PersonOf(kuancheng_),
                picked = PersonOf(father_);
  // The son stays listed (a child is never assigned alone here: the test moves the others by hand).
  ASSERT_TRUE(Do(assigned, {.kind = ActionKind::kAssign, .site_id = site.id, .room_id = RoomId(site.id, "402")}).ok());
  ASSERT_TRUE(Do(scheduled, {.kind = ActionKind::kAssign, .site_id = site.id, .room_id = RoomId(site.id, "403")}).ok());
  ASSERT_TRUE(Do(scheduled, {.kind = ActionKind::kSchedulePickup, .vehicle = "车2", .pickup_at = kT0 + kHour}).ok());
  ASSERT_TRUE(Do(picked, {.kind = ActionKind::kAssign, .site_id = site.id, .room_id = RoomId(site.id, "401")}).ok());
  ASSERT_TRUE(Do(picked, {.kind = ActionKind::kSchedulePickup, .vehicle = "车3", .pickup_at = kT0}).ok());
  ASSERT_TRUE(Do(picked, {.kind = ActionKind::kPickUp}).ok());
  EXPECT_TRUE(q_->OpenLoop({})->empty());
  clock_.Advance(7 * kHour);  // past listed 4 h, assigned 6 h, pickup +1 h, picked up 3 h
  auto stuck = q_->OpenLoop({});
  ASSERT_TRUE(stuck.ok());
  ASSERT_EQ(stuck->size(), 4u);
  EXPECT_EQ((*stuck)[0].person_id, listed);
  EXPECT_EQ((*stuck)[0].status, State::kListed);
  EXPECT_EQ((*stuck)[1].person_id, assigned);
  EXPECT_EQ((*stuck)[2].person_id, scheduled);
  EXPECT_EQ((*stuck)[2].late, 7 * kHour - kHour - kHour);  // from the pickup time + 1 h
  EXPECT_EQ((*stuck)[3].person_id, picked);
  EXPECT_EQ((*stuck)[3].site_id, site.id);
  // Checked in past the quarantine's end, and escalated without a hospital, are named too.
  ASSERT_TRUE(Do(picked, {.kind = ActionKind::kCheckIn}).ok());
  ASSERT_TRUE(Do(assigned, {.kind = ActionKind::kEscalate, .note = "咽痛"}).ok());
  clock_.Advance(15 * kDay);
  stuck = q_->OpenLoop({});
  std::set<State> states;
  for (const auto& s : *stuck) states.insert(s.status);
  EXPECT_TRUE(states.contains(State::kCheckedIn));
  EXPECT_TRUE(states.contains(State::kEscalated));
}

TEST_P(QuarantinesTest, TheCheckListNamesWhoOwesTodaysCheckOrTestAndAFeverEscalatesAtOnce) {
  List({{61, &woman_, "close"}, {62, &kuancheng_, "secondary"}});
  const SiteRecord site = MakeSite("南关五号", {{"501", 1}});
  const int64_t hotel = PersonOf(woman_), home = PersonOf(kuancheng_);
  ASSERT_TRUE(Do(hotel, {.kind = ActionKind::kAssign, .site_id = site.id, .room_id = RoomId(site.id, "501")}).ok());
  ASSERT_TRUE(Do(hotel, {.kind = ActionKind::kSchedulePickup, .vehicle = "车4", .pickup_at = kT0}).ok());
  ASSERT_TRUE(Do(hotel, {.kind = ActionKind::kPickUp}).ok());
  ASSERT_TRUE(Do(hotel, {.kind = ActionKind::kCheckIn}).ok());
  ASSERT_TRUE(Do(home, {.kind = ActionKind::kAssign, .home = true}).ok());
  ASSERT_TRUE(Do(home, {.kind = ActionKind::kCheckIn}).ok());
  auto list = q_->CheckList({}, 0);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE((*list)[0].check_due);
  EXPECT_EQ((*list)[0].test_day, 1);  // day 1: a check and the first test
  EXPECT_EQ((*list)[0].day, 1);
  ASSERT_TRUE(Do(home, {.kind = ActionKind::kHealthCheck, .check = {.temperature_c = 36.4}}).ok());
  ASSERT_TRUE(Do(home, {.kind = ActionKind::kTestResult, .test = {.sampled_at = kT0, .outcome = TestOutcome::kNegative}})
                  .ok());
  list = q_->CheckList({}, 0);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].person_id, hotel);
  EXPECT_EQ(q_->CheckList({}, site.id)->size(), 1u);
  // The next day the home contact owes a check again; no test until day 4.
  clock_.Advance(kDay);
  list = q_->CheckList({}, 0);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE((*list)[0].check_due);
  EXPECT_EQ((*list)[0].test_day, 0);
  // A fever escalates at once, and the change goes out for the investigators.
  auto fever = Do(hotel, {.kind = ActionKind::kHealthCheck, .check = {.temperature_c = 37.8}});
  ASSERT_TRUE(fever.ok());
  EXPECT_EQ(fever->state.status, State::kEscalated);
  EXPECT_NE(fever->state.reason.find("37.8"), std::string::npos);
  auto changes = Changes();
  EXPECT_EQ(changes.back()["to"], "escalated");
  EXPECT_EQ(changes.back()["resident_id"], woman_.id);
  // An implausible temperature is a typing error: refused, nothing recorded.
  auto typo = Do(home, {.kind = ActionKind::kHealthCheck, .check = {.temperature_c = 365}});
  EXPECT_EQ(typo.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(q_->Get(home, {})->state.checks.size(), 1u);
}

TEST_P(QuarantinesTest, ASiteSeesItsOwnGuestsAndADistrictThePeopleLivingOrHeldInIt) {
  List({{71, &woman_, "close"}, {72, &kuancheng_, "close"}});
  const SiteRecord nanguan = MakeSite("南关六号", {{"601", 1}}, 0, "220102000000", {"staff_a"});
  const SiteRecord kuancheng = MakeSite("宽城一号", {{"101", 1}}, 0, "220103000000", {"staff_b"});
  ASSERT_TRUE(Do(PersonOf(woman_), {.kind = ActionKind::kAssign, .site_id = kuancheng.id,
                                    .room_id = RoomId(kuancheng.id, "101")})
                  .ok());
  const Caller staff_a{.username = "staff_a", .staff_only = true}, staff_b{.username = "staff_b", .staff_only = true};
  const Caller kc{.area_path = "/220100000000/220103000000/"}, ng{.area_path = "/220100000000/220102000000/"};
  EXPECT_TRUE(q_->People({}, staff_a)->empty());
  ASSERT_EQ(q_->People({}, staff_b)->size(), 1u);
  EXPECT_EQ(q_->Get(PersonOf(woman_), staff_a).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Do(PersonOf(woman_), {.kind = ActionKind::kEscalate, .note = "x"}, staff_a).status().code(),
            StatusCode::kNotFound);
  // 宽城 sees its resident and the 南关 woman it hosts; 南关 sees her but not 宽城's man.
  EXPECT_EQ(q_->People({}, kc)->size(), 2u);
  auto nanguan_people = q_->People({}, ng);
  ASSERT_EQ(nanguan_people->size(), 1u);
  EXPECT_EQ((*nanguan_people)[0].resident_id, woman_.id);
  EXPECT_EQ(q_->Get(PersonOf(kuancheng_), ng).status().code(), StatusCode::kNotFound);
  ASSERT_EQ(q_->Sites(staff_a)->size(), 1u);
  EXPECT_EQ(q_->Sites(staff_a)->at(0).id, nanguan.id);
  // A district registers sites only in itself.
  EXPECT_EQ(q_->CreateSite({.name = "越权", .district_code = "220103000000"}, ng, by_).status().code(),
            StatusCode::kNotFound);
}

TEST_P(QuarantinesTest, BadSiteInputIsRefusedNamingTheField) {
  auto beds = q_->CreateSite({.name = "坏", .district_code = "220102000000", .rooms = {{"1", 5}}}, {}, by_);
  EXPECT_EQ(beds.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(beds.status().message().find("rooms[0].beds"), std::string::npos);
  auto twice = q_->CreateSite({.name = "坏", .district_code = "220102000000", .rooms = {{"1", 1}, {"1", 2}}}, {}, by_);
  EXPECT_EQ(twice.status().code(), StatusCode::kConflict);
  EXPECT_TRUE(q_->Sites({})->empty());
  MakeSite("好", {{"1", 1}});
  EXPECT_EQ(q_->CreateSite({.name = "好", .district_code = "220102000000"}, {}, by_).status().code(),
            StatusCode::kConflict);
}

TEST_P(QuarantinesTest, ThePipelineCountsContactsByTierAndQuarantineDayAndTheRulesAreVersioned) {
  List({{81, &woman_, "close"}, {82, &kuancheng_, "secondary"}});
  ASSERT_TRUE(Do(PersonOf(kuancheng_), {.kind = ActionKind::kAssign, .home = true}).ok());
  ASSERT_TRUE(Do(PersonOf(kuancheng_), {.kind = ActionKind::kCheckIn}).ok());
  clock_.Advance(2 * kDay + kHour);
  auto p = q_->Pipeline({});
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->close.by_day.size(), 14u);
  EXPECT_EQ(p->close.by_day[0], 1);      // listed, not yet in: day 1
  EXPECT_EQ(p->secondary.by_day[2], 1);  // day 3 of 7
  auto bad = q_->SetRules(R"({"tiers": {"exposed": {"days": 3}}})", by_);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  auto r = q_->SetRules(R"({"tiers": {"secondary": {"days": 10, "test_days": [1, 10]}}})", by_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 1);
  EXPECT_EQ(q_->Rules()->secondary.days, 10);
  EXPECT_EQ(q_->Pipeline({})->secondary.by_day.size(), 10u);
}

INSTANTIATE_TEST_SUITE_P(Backends, QuarantinesTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::quarantine
