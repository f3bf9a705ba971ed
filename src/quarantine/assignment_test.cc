#include "quarantine/assignment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <span>

namespace tc::quarantine {
namespace {

Site MakeSite(int64_t id, std::string district, std::vector<Room> rooms, std::optional<GeoPoint> p = std::nullopt,
              int capacity = 0) {
  return {.id = id,
          .district = std::move(district),
          .point = p,
          .open = true,
          .capacity = capacity,
          .rooms = std::move(rooms)};
}
Person Close(int64_t id, int64_t household, std::string district = "D1") {
  return {.id = id, .household_id = household, .tier = Tier::kClose, .district = std::move(district)};
}
Person Secondary(int64_t id, int64_t household, std::string district = "D1") {
  return {.id = id, .household_id = household, .tier = Tier::kSecondary, .district = std::move(district)};
}

std::map<int64_t, Booking> ByPerson(const Assignment& a) {
  std::map<int64_t, Booking> m;
  for (const Booking& b : a.placed) m[b.person_id] = b;
  return m;
}
std::map<int64_t, UnplacedReason> Reasons(const Assignment& a) {
  std::map<int64_t, UnplacedReason> m;
  for (const Unplaced& u : a.unplaced) m[u.person_id] = u.reason;
  return m;
}

// Site 1: four singles (101–104), two doubles (201–202), a triple (301), a quad (401).
Site Hotel() {
  return MakeSite(1, "D1", {{101, 1}, {102, 1}, {103, 1}, {104, 1}, {201, 2}, {202, 2}, {301, 3}, {401, 4}});
}

TEST(Assign, HouseholdsStayTogetherNeverMixAndCloseContactsGetSingleRooms) {
  const std::vector<Site> sites = {Hotel()};
  const std::vector<Person> people = {
      Close(1, 10),     Close(2, 10),     Close(3, 10),      // a household of close contacts only: one room
      Close(4, 20),     Close(5, 20),     Secondary(6, 20),  // mixed: close singles, the secondary apart
      Secondary(7, 30), Secondary(8, 30),                    // secondary share their household's room
      Close(9, 0),                                           // alone
  };
  const auto a = Assign(sites, {}, people, {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->unplaced.empty());
  const auto p = ByPerson(*a);
  ASSERT_EQ(p.size(), 9u);
  // Household 10 shares the triple (the smallest room that fits).
  EXPECT_EQ(p.at(1).room_id, 301);
  EXPECT_EQ(p.at(2).room_id, 301);
  EXPECT_EQ(p.at(3).room_id, 301);
  // Household 20: close contacts 4 and 5 in single rooms, 6 in a room of its own.
  std::set<int64_t> rooms20 = {p.at(4).room_id, p.at(5).room_id, p.at(6).room_id};
  EXPECT_EQ(rooms20.size(), 3u);
  // Household 30 shares a double.
  EXPECT_EQ(p.at(7).room_id, p.at(8).room_id);
  EXPECT_EQ(p.at(7).room_id / 100, 2);
  // No room holds two households.
  std::map<int64_t, std::set<int64_t>> households_in_room;
  for (const Booking& b : a->placed)
    households_in_room[b.room_id].insert(b.household_id ? b.household_id : -b.person_id);
  for (const auto& [room, hh] : households_in_room) EXPECT_EQ(hh.size(), 1u) << "room " << room;
  EXPECT_TRUE(Validate(sites, {}, a->placed).ok());
}

TEST(Assign, AHouseholdKeepsToOneSiteAndPrefersItsDistrictThenTheNearest) {
  const std::vector<Site> sites = {
      MakeSite(1, "D1", {{11, 1}}, GeoPoint{116.40, 39.90}),                    // own district: one single left
      MakeSite(2, "D3", {{21, 1}, {22, 1}, {23, 1}}, GeoPoint{117.40, 40.90}),  // far
      MakeSite(3, "D2", {{31, 1}, {32, 1}, {33, 1}}, GeoPoint{116.45, 39.95}),  // near
  };
  // One close contact: own district. A household of two close contacts with a secondary
  // one: three rooms at one site — site 1 has one, so the nearest site that has three.
  const std::vector<Person> people = {Close(1, 0), Close(2, 20), Close(3, 20), Secondary(4, 20)};
  const auto a = Assign(sites, {}, people, {.close_household_shares = true});
  ASSERT_TRUE(a.ok());
  const auto p = ByPerson(*a);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p.at(1).site_id, 1);
  EXPECT_EQ(p.at(2).site_id, 3);
  EXPECT_EQ(p.at(3).site_id, 3);
  EXPECT_EQ(p.at(4).site_id, 3);
}

TEST(Assign, CapacityAndOccupiedRoomsAreRespected) {
  // Four singles but staff for three; room 101 is taken already.
  std::vector<Site> sites = {MakeSite(1, "D1", {{101, 1}, {102, 1}, {103, 1}, {104, 1}}, std::nullopt, 3)};
  const std::vector<Booking> existing = {{.person_id = 900, .household_id = 90, .site_id = 1, .room_id = 101}};
  const std::vector<Person> people = {Close(1, 0), Close(2, 0), Close(3, 0)};
  const auto a = Assign(sites, existing, people, {});
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->placed.size(), 2u);
  EXPECT_EQ(a->placed[0].room_id, 102);
  EXPECT_EQ(a->placed[1].room_id, 103);
  ASSERT_EQ(a->unplaced.size(), 1u);
  EXPECT_EQ(a->unplaced[0].person_id, 3);
  EXPECT_EQ(a->unplaced[0].reason, UnplacedReason::kNoCapacity);
  EXPECT_EQ(a->unplaced[0].message, "person 3: no open site has 1 room (1 bed) free for 1 person");
  EXPECT_TRUE(Validate(sites, existing, a->placed).ok());
  // A closed site takes no one.
  sites[0].open = false;
  EXPECT_TRUE(Assign(sites, existing, people, {})->placed.empty());
}

TEST(Assign, EveryUnplacedReasonIsGiven) {
  const std::vector<Site> sites = {Hotel()};
  const std::vector<Booking> existing = {{.person_id = 77, .household_id = 0, .site_id = 1, .room_id = 101}};
  Person child = Close(8, 40);
  child.child = true;
  child.guardian_id = 9;
  Person exposed = Close(11, 0);
  exposed.tier = Tier::kExposed;
  // Household 30: one adult and four children to share, so two rooms of 4 beds at most,
  // and only one adult to accompany the children in them.
  std::vector<Person> five = {Close(1, 30), Close(2, 30), Close(3, 30), Close(4, 30), Close(5, 30)};
  for (Person& c : std::span(five).subspan(1)) {
    c.child = true;
    c.guardian_id = 1;
  }
  const std::vector<Person> people = {
      five[0],      five[1],           five[2],      five[3],      five[4],
      child,        Secondary(9, 40),  // a close child whose guardian is secondary: alone in a single room
      exposed,      Close(77, 0),      // exposed; already booked
      Close(12, 0), Close(12, 0),      // listed twice
  };
  const auto a = Assign(sites, existing, people, {});
  ASSERT_TRUE(a.ok());
  const auto r = Reasons(*a);
  for (int64_t id : {1, 2, 3, 4, 5}) EXPECT_EQ(r.at(id), UnplacedReason::kHouseholdLargerThanAnyRoom) << id;
  EXPECT_EQ(r.at(8), UnplacedReason::kNoGuardian);
  EXPECT_EQ(r.at(11), UnplacedReason::kNotQuarantined);
  EXPECT_EQ(r.at(77), UnplacedReason::kAlreadyPlaced);
  EXPECT_EQ(r.at(12), UnplacedReason::kAlreadyPlaced);  // the second listing
  const auto p = ByPerson(*a);
  EXPECT_TRUE(p.count(9));   // the guardian is placed
  EXPECT_TRUE(p.count(12));  // once
  const auto adult =
      std::find_if(a->unplaced.begin(), a->unplaced.end(), [](const Unplaced& u) { return u.person_id == 1; });
  EXPECT_EQ(adult->message,
            "household 30: 5 people would need 2 rooms (the largest room has 4 beds) but only 1 adult to accompany "
            "the children in them");
}

Person Child(Person p, int64_t guardian) {
  p.child = true;
  p.guardian_id = guardian;
  return p;
}

TEST(Assign, AHouseholdLargerThanAnyRoomIsSplitAtOneSiteWithItsChildrenBesideAnAdult) {
  // Household 50, all close contacts, so one shared room — but 5 people and rooms of at
  // most 4 beds. Site 2 (another district) has rooms enough too; site 1 comes first.
  const std::vector<Site> sites = {
      MakeSite(1, "D1", {{11, 1}, {12, 3}, {13, 2}, {14, 3}, {15, 2}, {16, 4}}),
      MakeSite(2, "D2", {{21, 3}, {22, 2}}),
  };
  const std::vector<Person> people = {Close(1, 50), Close(2, 50), Child(Close(3, 50), 1), Child(Close(4, 50), 1),
                                      Child(Close(5, 50), 2)};
  const auto a = Assign(sites, {}, people, {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->unplaced.empty());
  const auto p = ByPerson(*a);
  ASSERT_EQ(p.size(), 5u);
  for (const auto& [id, b] : p) EXPECT_EQ(b.site_id, 1) << "person " << id;
  // 3 + 2 (not 4 + 1): guardian 1 with its children 3 and 4 in the lowest triple, 12;
  // guardian 2 with child 5 in the double nearest it, 13 (not 15, not the quad).
  EXPECT_EQ(p.at(1).room_id, 12);
  EXPECT_EQ(p.at(3).room_id, 12);
  EXPECT_EQ(p.at(4).room_id, 12);
  EXPECT_EQ(p.at(2).room_id, 13);
  EXPECT_EQ(p.at(5).room_id, 13);
  EXPECT_TRUE(Validate(sites, {}, a->placed).ok());

  // A guardian with more children than its room has beds: the one left over goes to a
  // room with the household's other adult, never alone.
  const std::vector<Person> many = {Close(1, 60), Close(2, 60), Child(Close(3, 60), 1), Child(Close(4, 60), 1),
                                    Child(Close(5, 60), 1)};
  const auto m = Assign(sites, {}, many, {});
  ASSERT_TRUE(m.ok());
  const auto q = ByPerson(*m);
  ASSERT_EQ(q.size(), 5u);
  EXPECT_EQ(q.at(1).room_id, 12);
  EXPECT_EQ(q.at(3).room_id, 12);
  EXPECT_EQ(q.at(4).room_id, 12);
  EXPECT_EQ(q.at(2).room_id, 13);
  EXPECT_EQ(q.at(5).room_id, 13);
}

TEST(Assign, AHouseholdOfSixGoesToTheOneSiteThatCanHoldIt) {
  // Household 60: six secondary contacts, who share — two rooms at least. Site 1 (own
  // district) has 5 beds, site 2 (nearer than 3) three rooms but 5 beds; only site 3
  // holds six, in two triples.
  std::vector<Site> sites = {
      MakeSite(1, "D1", {{101, 4}, {102, 1}}, GeoPoint{116.40, 39.90}),
      MakeSite(2, "D2", {{201, 2}, {202, 2}, {203, 1}}, GeoPoint{116.45, 39.95}),
      MakeSite(3, "D3", {{301, 3}, {302, 3}}, GeoPoint{117.40, 40.90}),
  };
  std::vector<Person> people;
  for (int64_t id = 1; id <= 6; ++id) people.push_back(Secondary(id, 60));
  const auto a = Assign(sites, {}, people, {});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->unplaced.empty());
  ASSERT_EQ(a->placed.size(), 6u);
  std::map<int64_t, int> in_room;
  for (const Booking& b : a->placed) {
    EXPECT_EQ(b.site_id, 3) << "person " << b.person_id;
    ++in_room[b.room_id];
  }
  EXPECT_EQ(in_room, (std::map<int64_t, int>{{301, 3}, {302, 3}}));
  EXPECT_TRUE(Validate(sites, {}, a->placed).ok());

  // Without site 3 no single site holds all six, though the beds of 1 and 2 would: the
  // household is not placed, and not spread over sites.
  sites.pop_back();
  const auto none = Assign(sites, {}, people, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->placed.empty());
  ASSERT_EQ(none->unplaced.size(), 6u);
  for (const Unplaced& u : none->unplaced) EXPECT_EQ(u.reason, UnplacedReason::kNoCapacity);
  EXPECT_EQ(none->unplaced[0].message, "household 60: no open site has 2 rooms (3 beds, 3 beds) free for 6 people");

  // With only single rooms left at a site, six adults take six of them there (the
  // fewest rooms that site can give).
  const std::vector<Site> singles = {
      MakeSite(4, "D1", {{401, 1}, {402, 1}, {403, 1}, {404, 1}, {405, 1}, {406, 1}, {407, 1}})};
  const auto s = Assign(singles, {}, people, {});
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->unplaced.empty());
  std::set<int64_t> rooms;
  for (const Booking& b : s->placed) rooms.insert(b.room_id);
  EXPECT_EQ(rooms, (std::set<int64_t>{401, 402, 403, 404, 405, 406}));
}

TEST(Assign, AHouseholdWhoseChildrenCannotAllBeAccompaniedIsNotSplit) {
  // Two adults and seven children to share: nine people need three rooms of at most 4
  // beds, and a room of children alone is not allowed.
  const std::vector<Site> sites = {Hotel(), MakeSite(2, "D1", {{501, 4}, {502, 4}, {503, 4}})};
  std::vector<Person> people = {Close(1, 70), Close(2, 70)};
  for (int64_t id = 3; id <= 9; ++id) people.push_back(Child(Close(id, 70), 1));
  const auto a = Assign(sites, {}, people, {});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->placed.empty());
  ASSERT_EQ(a->unplaced.size(), 9u);
  for (const Unplaced& u : a->unplaced) EXPECT_EQ(u.reason, UnplacedReason::kHouseholdLargerThanAnyRoom);
  EXPECT_EQ(a->unplaced[0].message,
            "household 70: 9 people would need 3 rooms (the largest room has 4 beds) but only 2 adults to accompany "
            "the children in them");
  // One more adult and the ten are split 4 + 3 + 3 (site 2: the hotel has one quad and
  // one triple), one adult in each room.
  people.push_back(Close(10, 70));
  const auto b = Assign(sites, {}, people, {});
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(b->unplaced.empty());
  std::map<int64_t, int> adults_in, people_in;
  for (const Booking& x : b->placed) {
    ++people_in[x.room_id];
    if (x.person_id == 1 || x.person_id == 2 || x.person_id == 10) ++adults_in[x.room_id];
  }
  EXPECT_EQ(people_in, (std::map<int64_t, int>{{501, 4}, {502, 3}, {503, 3}}));
  for (const auto& [room, n] : people_in) EXPECT_EQ(adults_in[room], 1) << "room " << room;
  EXPECT_EQ(b->placed[0].room_id, 501);  // guardian 1 with three of its children
}

TEST(Assign, TheSharingRulesCanBeTurnedOff) {
  const std::vector<Site> sites = {Hotel()};
  const std::vector<Person> people = {Close(1, 10), Close(2, 10), Secondary(3, 30), Secondary(4, 30)};
  const auto a = Assign(sites, {}, people, {.close_household_shares = false, .secondary_household_shares = false});
  ASSERT_TRUE(a.ok());
  const auto p = ByPerson(*a);
  ASSERT_EQ(p.size(), 4u);
  const std::set<int64_t> rooms = {p.at(1).room_id, p.at(2).room_id, p.at(3).room_id, p.at(4).room_id};
  EXPECT_EQ(rooms, (std::set<int64_t>{101, 102, 103, 104}));  // four single rooms
}

TEST(Assign, AChildJoinsItsGuardiansSingleRoom) {
  const std::vector<Site> sites = {Hotel()};
  Person child = Close(2, 50);
  child.child = true;
  child.guardian_id = 1;
  // Not every member is close (3 is secondary), so close contacts get single rooms; the
  // child shares its guardian's.
  const auto a = Assign(sites, {}, std::vector<Person>{Close(1, 50), child, Secondary(3, 50)}, {});
  ASSERT_TRUE(a.ok());
  const auto p = ByPerson(*a);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p.at(1).room_id, p.at(2).room_id);
  EXPECT_EQ(p.at(1).room_id / 100, 2);  // a double
  EXPECT_NE(p.at(3).room_id, p.at(1).room_id);
}

TEST(Assign, AccessibleRoomsGoToThoseWhoNeedThem) {
  const std::vector<Site> sites = {MakeSite(1, "D1", {{101, 1, true}, {102, 1, false}}),
                                   MakeSite(2, "D1", {{201, 1, true}})};
  Person elderly = Close(2, 0);
  elderly.needs_accessible = true;
  const auto a = Assign(sites, {}, std::vector<Person>{Close(1, 0), elderly, Close(3, 0)}, {});
  ASSERT_TRUE(a.ok());
  const auto p = ByPerson(*a);
  EXPECT_EQ(p.at(2).room_id, 101);  // accessible
  EXPECT_EQ(p.at(1).room_id, 102);  // a plain room first
  EXPECT_EQ(p.at(3).room_id, 201);  // then an accessible one, when nothing else fits
  // With no accessible room left, someone who needs one is not placed in a plain one.
  const std::vector<Site> plain = {MakeSite(1, "D1", {{101, 1, false}})};
  EXPECT_EQ(Reasons(*Assign(plain, {}, std::vector<Person>{elderly}, {})).at(2), UnplacedReason::kNoCapacity);
}

// Assigns again with people, sites and rooms shuffled, expecting the same placements
// as `a`; returns the second answer's unplaced count (-1 when it failed).
int64_t ExpectSameAnswerShuffled(std::vector<Site> sites, std::vector<Person> people, const Assignment& a,
                                 std::mt19937& rng) {
  std::shuffle(people.begin(), people.end(), rng);
  std::shuffle(sites.begin(), sites.end(), rng);
  for (Site& s : sites) std::shuffle(s.rooms.begin(), s.rooms.end(), rng);
  const auto b = Assign(sites, {}, people, {});
  EXPECT_TRUE(b.ok());
  if (!b.ok()) return -1;
  EXPECT_EQ(a.placed.size(), b->placed.size());
  for (size_t i = 0; i < std::min(a.placed.size(), b->placed.size()); ++i) {
    EXPECT_EQ(a.placed[i].person_id, b->placed[i].person_id);
    EXPECT_EQ(a.placed[i].room_id, b->placed[i].room_id);
  }
  return static_cast<int64_t>(b->unplaced.size());
}

TEST(Assign, TheAnswerDoesNotDependOnInputOrder) {
  std::vector<Site> sites;
  for (int s = 1; s <= 6; ++s) {
    std::vector<Room> rooms;
    for (int r = 0; r < 30; ++r) rooms.push_back({s * 1000 + r, 1 + r % 4, r % 7 == 0});
    sites.push_back(MakeSite(s, "D" + std::to_string(s % 3), rooms, GeoPoint{116.0 + s * 0.1, 39.9}));
  }
  std::mt19937 rng(7);
  std::vector<Person> people;
  for (int i = 1; i <= 400; ++i) {
    Person p = (rng() % 3 ? Close : Secondary)(i, 1 + (i - 1) / 3, "D" + std::to_string(rng() % 3));
    p.needs_accessible = rng() % 10 == 0;
    people.push_back(p);
  }
  const auto a = Assign(sites, {}, people, {});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(ExpectSameAnswerShuffled(sites, people, *a, rng), static_cast<int64_t>(a->unplaced.size()));
  // Every person is answered once, and the placement passes the service's check.
  EXPECT_EQ(a->placed.size() + a->unplaced.size(), people.size());
  EXPECT_TRUE(Validate(sites, {}, a->placed).ok());
  // Households kept at one site, and never two in a room.
  std::map<int64_t, std::set<int64_t>> sites_of, households_in;
  for (const Booking& x : a->placed) {
    sites_of[x.household_id].insert(x.site_id);
    households_in[x.room_id].insert(x.household_id);
  }
  for (const auto& [h, s] : sites_of) EXPECT_EQ(s.size(), 1u) << "household " << h;
  for (const auto& [r, h] : households_in) EXPECT_EQ(h.size(), 1u) << "room " << r;
}

TEST(Assign, SplitHouseholdsAreTheSameWhateverTheInputOrderAndNoChildIsWithoutAnAdult) {
  std::vector<Site> sites;
  for (int s = 1; s <= 5; ++s) {
    std::vector<Room> rooms;
    for (int r = 0; r < 24; ++r) rooms.push_back({s * 1000 + r, 1 + (r * 7 + s) % 4, r % 9 == 0});
    sites.push_back(MakeSite(s, "D" + std::to_string(s % 2), rooms, GeoPoint{116.0 + s * 0.1, 39.9}));
  }
  // Households of 5 to 9 close contacts, all sharing, so every one placed is split;
  // members 3 to 6 children, of the first or the second member in turn.
  std::mt19937 rng(11);
  std::vector<Person> people;
  int64_t id = 1;
  for (int64_t h = 1; h <= 40; ++h) {
    const int64_t first = id, n = 5 + static_cast<int64_t>(rng() % 5);
    for (int64_t k = 0; k < n; ++k, ++id) {
      Person p = Close(id, h, "D" + std::to_string(h % 2));
      if (k >= 2 && k < 6) p = Child(p, k % 2 ? first + 1 : first);
      p.needs_accessible = rng() % 15 == 0;
      people.push_back(p);
    }
  }
  const auto a = Assign(sites, {}, people, {});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->placed.size() + a->unplaced.size(), people.size());
  EXPECT_GT(a->placed.size(), people.size() / 2);
  EXPECT_TRUE(Validate(sites, {}, a->placed).ok());
  std::map<int64_t, Person> by_id;
  for (const Person& p : people) by_id[p.id] = p;
  std::map<int64_t, std::set<int64_t>> sites_of;
  std::map<int64_t, int> adults_in, children_in;  // by room
  for (const Booking& b : a->placed) {
    sites_of[b.household_id].insert(b.site_id);
    ++(by_id[b.person_id].child ? children_in : adults_in)[b.room_id];
  }
  for (const auto& [h, s] : sites_of) EXPECT_EQ(s.size(), 1u) << "household " << h;
  for (const auto& [room, n] : children_in) EXPECT_GT(adults_in[room], 0) << "room " << room;
  ExpectSameAnswerShuffled(sites, people, *a, rng);
}

TEST(Assign, BadSitesAreRefusedNamingTheRecord) {
  std::vector<Site> sites = {MakeSite(1, "D1", {{101, 5}})};
  auto a = Assign(sites, {}, std::vector<Person>{}, {});
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(a.status().field_errors().at(0).field, "sites[0].rooms[0].beds");
  sites = {MakeSite(1, "D1", {{101, 1}, {101, 2}})};
  EXPECT_EQ(Assign(sites, {}, std::vector<Person>{}, {}).status().field_errors().at(0).field, "sites[0].rooms[1].id");
}

class ValidateTest : public ::testing::Test {
 protected:
  // Site 1 holds 4 people (staffing) in rooms of 2, 2 and 1 beds; site 2 is closed.
  std::vector<Site> sites_ = {MakeSite(1, "D1", {{101, 2}, {102, 2}, {103, 1}}, std::nullopt, 4),
                              {.id = 2, .district = "D1", .open = false, .rooms = {{201, 1}}}};
  std::vector<Booking> existing_ = {{1, 10, 1, 101}, {2, 10, 1, 101}, {3, 20, 1, 102}};
};

TEST_F(ValidateTest, ADoubleAssignmentOfARoomIsRefused) {
  const Status s = Validate(sites_, existing_, std::vector<Booking>{{4, 30, 1, 102}});
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_EQ(
      s.message(),
      "room 102 at site 1 is already occupied by another household; person 4 (household 30) cannot be assigned to it");
  // Within one proposal too.
  EXPECT_EQ(Validate(sites_, {}, std::vector<Booking>{{4, 30, 1, 103}, {5, 31, 1, 103}}).code(), StatusCode::kConflict);
  // Its own household may join, beds permitting.
  EXPECT_TRUE(Validate(sites_, existing_, std::vector<Booking>{{4, 20, 1, 102}}).ok());
  const Status full_room = Validate(sites_, existing_, std::vector<Booking>{{4, 10, 1, 101}});
  EXPECT_EQ(full_room.message(), "room 101 at site 1 has 2 beds, all taken; person 4 would exceed it");
}

TEST_F(ValidateTest, ACheckInBeyondTheSitesCapacityIsRefused) {
  // 3 in, capacity 4: the fourth fits, the fifth does not, though room 103 has a bed.
  const Status s = Validate(sites_, existing_, std::vector<Booking>{{4, 20, 1, 102}, {5, 50, 1, 103}});
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_EQ(s.message(), "site 1 is full: it holds 4 people and has 4; person 5 would exceed it");
}

TEST_F(ValidateTest, AHouseholdOverSeveralRoomsOfOneSiteIsAccepted) {
  const std::vector<Site> sites = {MakeSite(3, "D1", {{301, 2}, {302, 2}, {303, 1}})};
  const std::vector<Booking> split = {{1, 50, 3, 301}, {2, 50, 3, 301}, {3, 50, 3, 302}};
  EXPECT_TRUE(Validate(sites, {}, split).ok());
  // Still no other household in its rooms, and no one booked twice.
  std::vector<Booking> mixed = split;
  mixed.push_back({4, 51, 3, 302});
  EXPECT_EQ(Validate(sites, {}, mixed).message(),
            "room 302 at site 3 is already occupied by another household; person 4 (household 51) cannot be assigned to "
            "it");
  std::vector<Booking> twice = split;
  twice.push_back({3, 50, 3, 303});
  EXPECT_EQ(Validate(sites, {}, twice).message(), "person 3 is already assigned to room 302 at site 3");
}

TEST_F(ValidateTest, OtherBadBookingsAreRefusedNamingTheRecord) {
  EXPECT_EQ(Validate(sites_, existing_, std::vector<Booking>{{1, 10, 1, 103}}).message(),
            "person 1 is already assigned to room 101 at site 1");
  EXPECT_EQ(Validate(sites_, existing_, std::vector<Booking>{{6, 60, 2, 201}}).message(),
            "site 2 is closed; person 6 cannot check in there");
  EXPECT_EQ(Validate(sites_, existing_, std::vector<Booking>{{6, 60, 9, 201}}).code(), StatusCode::kNotFound);
  EXPECT_EQ(Validate(sites_, existing_, std::vector<Booking>{{6, 60, 1, 999}}).message(),
            "room 999 at site 1 does not exist");
}

}  // namespace
}  // namespace tc::quarantine
