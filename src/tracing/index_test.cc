#include "tracing/index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "tracing/helper.h"
#include "tracing/fakes_testing.h"
#include "tracing/queries.h"

namespace tc::tracing {
namespace {

constexpr Minute kT0 = 27'000'000;  // about 2021-05: any plausible minute

bool ByArrivePerson(const Visit& a, const Visit& b) {
  return a.arrive != b.arrive ? a.arrive < b.arrive : a.person != b.person ? a.person < b.person : a.leave < b.leave;
}
bool SameVisit(const Visit& a, const Visit& b) {
  return a.person == b.person && a.venue == b.venue && a.arrive == b.arrive && a.leave == b.leave;
}

std::vector<Visit> RandomVisits(size_t n, uint32_t persons, uint32_t venues, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::set<std::tuple<uint32_t, Minute, uint32_t>> seen;
  std::vector<Visit> out;
  while (out.size() < n) {
    Visit v{static_cast<uint32_t>(rng() % persons + 1), static_cast<uint32_t>(rng() % venues + 1),
            kT0 + static_cast<Minute>(rng() % (3 * 1440)), 0};
    if (rng() % 3 == 0) v.leave = v.arrive + static_cast<Minute>(rng() % 300);
    if (!seen.emplace(v.person, v.arrive, v.venue).second) continue;
    out.push_back(v);
  }
  return out;
}

// The index, however it was sealed and merged, answers exactly like a flat list.
void ExpectIndexMatchesBruteForce(Index& index, const std::vector<Visit>& all, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int q = 0; q < 200; ++q) {
    const uint32_t venue = static_cast<uint32_t>(rng() % 40 + 1);
    const Minute t1 = kT0 + static_cast<Minute>(rng() % (3 * 1440));
    const Minute t2 = t1 + static_cast<Minute>(rng() % 600);
    std::vector<Visit> want;
    for (const Visit& v : all) {
      if (v.venue == venue && v.arrive <= t2 && (v.leave ? v.leave : v.arrive) >= t1) want.push_back(v);
    }
    std::sort(want.begin(), want.end(), ByArrivePerson);
    auto got = index.VenueVisits(venue, t1, t2);
    std::sort(got.begin(), got.end(), ByArrivePerson);
    ASSERT_EQ(got.size(), want.size()) << "venue " << venue << " [" << t1 << ", " << t2 << "]";
    for (size_t i = 0; i < got.size(); ++i) ASSERT_TRUE(SameVisit(got[i], want[i])) << i;

    const uint32_t person = static_cast<uint32_t>(rng() % 500 + 1);
    std::vector<Visit> traj;
    for (const Visit& v : all) {
      if (v.person == person && v.arrive >= t1 - 1440 && v.arrive <= t2 + 1440) traj.push_back(v);
    }
    auto got_traj = index.Trajectory(person, t1 - 1440, t2 + 1440);
    auto by_arrive_venue = [](const Visit& a, const Visit& b) {
      return a.arrive != b.arrive ? a.arrive < b.arrive : a.venue < b.venue;
    };
    std::sort(traj.begin(), traj.end(), by_arrive_venue);
    std::sort(got_traj.begin(), got_traj.end(), by_arrive_venue);
    ASSERT_EQ(got_traj.size(), traj.size()) << "person " << person;
    for (size_t i = 0; i < traj.size(); ++i) ASSERT_TRUE(SameVisit(got_traj[i], traj[i]));
  }
}

TEST(Index, MatchesBruteForceInOneSegment) {
  const auto all = RandomVisits(20'000, 500, 40, 1);
  Index index;
  for (const Visit& v : all) index.Add(v);
  index.Seal();
  EXPECT_EQ(index.size(), 20'000);
  EXPECT_EQ(index.Stats().segments, 1);
  ExpectIndexMatchesBruteForce(index, all, 2);
}

TEST(Index, MatchesBruteForceAcrossSealsAndMerges) {
  const auto all = RandomVisits(20'000, 500, 40, 3);
  Index index;
  index.set_seal_threshold(700);  // many small segments, merged in tiers
  for (const Visit& v : all) index.Add(v);
  index.Seal();
  EXPECT_GT(index.Stats().segments, 1);
  ExpectIndexMatchesBruteForce(index, all, 4);
  index.Compact();
  EXPECT_EQ(index.Stats().segments, 1);
  EXPECT_EQ(index.size(), 20'000);
  ExpectIndexMatchesBruteForce(index, all, 5);
}

TEST(Index, KeepsZeroMinuteStaysAndLongStaysApart) {
  Index index;
  index.Add({1, 1, kT0, kT0});            // scanned in and out the same minute
  index.Add({2, 1, kT0 + 5, 0});          // no leave time
  index.Add({3, 1, kT0 - 600, kT0 + 1});  // ten hours, still there at kT0
  index.Seal();
  const auto v = index.VenueVisits(1, kT0, kT0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].person, 3u);
  EXPECT_EQ(v[0].leave, kT0 + 1);
  EXPECT_EQ(v[1].person, 1u);
  EXPECT_EQ(v[1].leave, kT0);
  EXPECT_EQ(index.MaxStay(1), 601);
}

// Entries wider than one 64-bit window (ids far apart, arrivals years apart, long
// stays) decode through the general path, alongside narrow blocks.
TEST(Index, DecodesBlocksWhoseEntriesSpanMoreThanAWord) {
  Index index;
  std::vector<Visit> want;
  for (uint32_t i = 0; i < 300; ++i) {
    const uint32_t person = i % 2 ? 4'000'000'000u - i : i + 1;         // 32-bit person offsets
    const Minute arrive = kT0 + static_cast<Minute>(i) * 1'100'000;  // 21-bit arrival deltas
    want.push_back({person, 5, arrive, i % 3 ? arrive + kMaxStayMinutes : 0});
    index.Add(want.back());
    index.Add({i + 1, 6, kT0 + i, 0});  // a narrow venue next to it
  }
  index.Seal();
  auto got = index.VenueVisits(5, kT0 - 10 * kMaxStayMinutes, kT0 + 400'000'000);
  std::sort(want.begin(), want.end(), ByArrivePerson);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_TRUE(SameVisit(got[i], want[i])) << i;
  EXPECT_EQ(index.VenueVisits(6, kT0, kT0 + 1000).size(), 300u);
}

TEST(Index, DailyTrafficCountsByShanghaiDay) {
  Index index;
  // 2021-05-05T23:59+08:00 and the next minute fall on two Shanghai days.
  const Minute day_start = (27'000'000 / 1440) * 1440 - 8 * 60;  // a Shanghai midnight
  index.Add({1, 9, day_start - 1, 0});
  index.Add({2, 9, day_start, 0});
  index.Add({3, 9, day_start + 100, 0});
  index.Add({4, 8, day_start + 100, 0});
  EXPECT_EQ(index.VenueTraffic(9, day_start, day_start + 1439), 2);
  EXPECT_EQ(index.VenueTraffic(9, day_start - 1, day_start), 3);
  EXPECT_EQ(index.TotalTraffic(day_start, day_start), 3);
}

using fakes::MapHouseholds;

std::vector<uint32_t> Persons(std::span<const Exposure> ring) {
  std::vector<uint32_t> out;
  for (const Exposure& e : ring) out.push_back(e.person);
  return out;
}

TEST(Contacts, RingsOnACraftedTimeline) {
  Index index;
  const Minute t = kT0;
  index.Add({1, 10, t, 0});              // the case at the market
  index.Add({2, 10, t + 30, 0});         // 30 min later: close contact (edge)
  index.Add({3, 10, t + 31, 0});         // 31 min later: not
  index.Add({2, 10, t + 200, 0});        // contact 2 again, later: one entry, earliest reason
  index.Add({4, 20, t + 500, t + 560});  // 4 meets contact 2 at a restaurant later
  index.Add({2, 20, t + 550, 0});
  index.Add({5, 20, t - 300, t - 250});  // 5 was there before contact 2 was exposed
  index.Add({1, 20, t + 540, 0});        // the case at the restaurant too: not their own contact
  index.Seal();
  MapHouseholds households({{1, 100}, {6, 100}, {2, 200}, {7, 200}});
  ContactQuery q;
  q.cases = {{1, t - 1440, t + 1440}};
  q.households = &households;
  const ContactResult r = FindContacts(index, q);

  // Close ring: 2 (market, at t+30), 4 (restaurant with the case), 6 (household).
  EXPECT_EQ(Persons(r.close), (std::vector<uint32_t>{2, 4, 6}));
  EXPECT_EQ(r.close[0].venue, 10u);
  EXPECT_EQ(r.close[0].at, t + 30);
  EXPECT_EQ(r.close[0].source, 1u);
  EXPECT_EQ(r.close[2].route, Route::kHousehold);
  // Secondary ring: 3 (a minute after 2 at the market), 7 (2's household); not 1
  // (a case), not 4 (already close), not 5 (there before 2 was exposed).
  EXPECT_EQ(Persons(r.secondary), (std::vector<uint32_t>{3, 7}));
  EXPECT_EQ(r.secondary[0].source, 2u);
  EXPECT_EQ(r.secondary[0].at, t + 31);
}

// Windows of 60 days (a ring once settled offers on a 2-byte time key that saturated
// after ~45 days): the earliest exposure still wins whichever venue is scanned first.
TEST(Contacts, EarliestExposureWinsOverLongWindows) {
  const Minute day = 1440;
  Index index;
  index.Add({1, 10, kT0 + 50 * day, 0});  // the case, day 50 at venue 10
  index.Add({1, 20, kT0 + 48 * day, 0});  // day 48 at venue 20
  index.Add({1, 30, kT0 + 2 * day, 0});   // day 2 at venue 30
  index.Add({1, 40, kT0 + 47 * day, 0});  // days 47 and 46 at venue 40
  index.Add({1, 40, kT0 + 46 * day, 0});
  index.Add({2, 10, kT0 + 50 * day, 0});  // 2: day 50 (venue 10) and day 48 (venue 20)
  index.Add({2, 20, kT0 + 48 * day, 0});
  index.Add({3, 10, kT0 + 50 * day, 0});  // 3: day 50 and day 2 (in the keys' range)
  index.Add({3, 30, kT0 + 2 * day, 0});
  index.Add({4, 20, kT0 + 48 * day, 0});  // 4: day 48 (venue 20), then days 47 and 46 (venue 40)
  index.Add({4, 40, kT0 + 47 * day, 0});
  index.Add({4, 40, kT0 + 46 * day + 10, 0});
  index.Seal();
  ContactQuery q;
  q.cases = {{1, kT0, kT0 + 60 * day}};
  q.secondary = false;
  const ContactResult r = FindContacts(index, q);
  ASSERT_EQ(Persons(r.close), (std::vector<uint32_t>{2, 3, 4}));
  EXPECT_EQ(r.close[0].at, kT0 + 48 * day);
  EXPECT_EQ(r.close[0].venue, 20u);
  EXPECT_EQ(r.close[1].at, kT0 + 2 * day);
  EXPECT_EQ(r.close[1].venue, 30u);
  EXPECT_EQ(r.close[2].at, kT0 + 46 * day + 10);
  EXPECT_EQ(r.close[2].venue, 40u);
}

// Cases and earlier rings are struck off a ring as its ranges are settled; a big set
// of them (here 70,000 cases) is also looked up by the scan first. Either way no case
// is anyone's contact, on either ring.
TEST(Contacts, ManyCasesAreNeverContacts) {
  constexpr uint32_t kCases = 70'000;
  Index index;
  ContactQuery q;
  for (uint32_t p = 1; p <= kCases; ++p) {
    index.Add({p, 1 + p % 50, kT0 + static_cast<Minute>(p % 7), 0});
    q.cases.push_back({p, kT0 - 60, p == 3 ? kT0 + 10 : kT0 + 60});
  }
  for (uint32_t p = kCases + 1; p <= kCases + 5; ++p) index.Add({p, 7, kT0, 0});  // close
  index.Add({kCases + 1, 3, kT0 + 40, 0});  // a close contact at venue 3, then
  index.Add({kCases + 9, 3, kT0 + 45, 0});  // a secondary contact,
  index.Add({3, 3, kT0 + 50, 0});           // and case 3 after its own window
  index.Seal();
  const ContactResult r = FindContacts(index, q);
  std::vector<uint32_t> close;
  for (uint32_t p = kCases + 1; p <= kCases + 5; ++p) close.push_back(p);
  EXPECT_EQ(Persons(r.close), close);
  EXPECT_EQ(Persons(r.secondary), (std::vector<uint32_t>{kCases + 9}));
}

TEST(Contacts, SecondaryRingOffWhenNotAsked) {
  Index index;
  index.Add({1, 10, kT0, 0});
  index.Add({2, 10, kT0, 0});
  index.Add({2, 11, kT0 + 100, 0});
  index.Add({3, 11, kT0 + 100, 0});
  index.Seal();
  ContactQuery q;
  q.cases = {{1, kT0, kT0 + 1000}};
  q.secondary = false;
  const auto r = FindContacts(index, q);
  EXPECT_EQ(Persons(r.close), (std::vector<uint32_t>{2}));
  EXPECT_TRUE(r.secondary.empty());
  q.secondary = true;
  EXPECT_EQ(Persons(FindContacts(index, q).secondary), (std::vector<uint32_t>{3}));
}

// Every pair of visits through the rules: the earliest exposure per person, ties
// broken by the lowest source then venue — what the engine must answer.
std::vector<Exposure> BruteForceRing(const std::vector<Visit>& all, const std::vector<CaseWindow>& sources,
                                     const std::set<uint32_t>& excluded, const ContactRules& rules) {
  std::map<uint32_t, Exposure> best;
  for (const CaseWindow& c : sources) {
    for (const Visit& a : all) {
      if (a.person != c.person || a.arrive < c.from || a.arrive > c.to) continue;
      for (const Visit& b : all) {
        if (excluded.count(b.person) || !IsContact(a, b, rules)) continue;
        const Exposure e{.person = b.person, .source = c.person, .venue = a.venue, .at = std::max(a.arrive, b.arrive)};
        auto [it, fresh] = best.emplace(b.person, e);
        if (!fresh && std::tie(e.at, e.source, e.venue) < std::tie(it->second.at, it->second.source, it->second.venue)) {
          it->second = e;
        }
      }
    }
  }
  std::vector<Exposure> out;
  for (const auto& [person, e] : best) out.push_back(e);
  return out;
}

void ExpectSameRing(std::span<const Exposure> got, std::span<const Exposure> want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].person, want[i].person) << i;
    EXPECT_EQ(got[i].at, want[i].at) << "person " << want[i].person;
    EXPECT_EQ(got[i].source, want[i].source) << "person " << want[i].person;
    EXPECT_EQ(got[i].venue, want[i].venue) << "person " << want[i].person;
  }
}

// Busy venues visited by several cases with overlapping windows (the engine scans
// each venue once over the union of the windows, on two threads): both rings equal
// every pair checked one by one, exposures and their reasons included.
TEST(Contacts, RingsMatchEveryPairOnRandomVisits) {
  // Seed 6: the margin with leave times wider than without (a later source with a
  // leave time can meet a visit that an earlier one without cannot).
  for (uint64_t seed : {3u, 4u, 5u, 6u}) {
    const auto all = RandomVisits(6000, 400, 12, seed);
    Index index;
    index.set_seal_threshold(1500);  // several segments
    for (const Visit& v : all) index.Add(v);
    index.Seal();
    std::mt19937_64 rng(seed);
    ContactQuery q;
    q.rules.margin_without_leave = seed == 6 ? 10 : 20 + static_cast<Minute>(seed);
    q.rules.margin_with_leave = seed == 4 ? 5 : seed == 6 ? 40 : 0;
    std::set<uint32_t> excluded;
    Minute last = 0;
    for (int i = 0; i < 40; ++i) {
      const uint32_t person = i == 39 ? q.cases[0].person : static_cast<uint32_t>(rng() % 400 + 1);  // one twice
      const Minute from = kT0 + static_cast<Minute>(rng() % (2 * 1440));
      q.cases.push_back({person, from, from + static_cast<Minute>(rng() % 1440)});
      excluded.insert(person);
      last = std::max(last, q.cases.back().to);
    }
    const ContactResult r = FindContacts(index, q);
    EXPECT_EQ(r.threads, 2);  // big enough to share the venues with the helper thread
    const auto close = BruteForceRing(all, q.cases, excluded, q.rules);
    ASSERT_FALSE(close.empty());
    ExpectSameRing(r.close, close);
    std::vector<CaseWindow> next;
    for (const Exposure& e : close) {
      excluded.insert(e.person);
      next.push_back({e.person, e.at, last});
    }
    ExpectSameRing(r.secondary, BruteForceRing(all, next, excluded, q.rules));
  }
}

// A ring's offers are queued by range of persons and settled range by range; when a
// queue fills up mid-scan its ranges are spilled to city-sized arrays first, and a
// big answer is settled on both threads. With the sizes shrunk and the persons
// spread over many ranges (of 32,768), every one of those paths runs on a few thousand visits
// and both rings still equal every pair's answer.
TEST(Contacts, RingsMatchEveryPairWhenQueuesSpillAndBothThreadsSettle) {
  const RingSizes before = GetRingSizes();
  struct Restore {
    RingSizes sizes;
    ~Restore() { SetRingSizes(sizes); }
  } restore{before};
  SetRingSizes({.queue_offers = 1024, .parallel_offers = 1});  // a queue holds one chunk
  auto all = RandomVisits(8000, 2000, 12, 21);
  for (Visit& v : all) v.person *= 7919;  // ids up to 15.8 M: hundreds of ranges
  Index index;
  for (const Visit& v : all) index.Add(v);
  index.Seal();
  std::mt19937_64 rng(21);
  ContactQuery q;
  std::set<uint32_t> excluded;
  Minute last = 0;
  for (int i = 0; i < 40; ++i) {
    const uint32_t person = static_cast<uint32_t>(rng() % 2000 + 1) * 7919;
    const Minute from = kT0 + static_cast<Minute>(rng() % (2 * 1440));
    q.cases.push_back({person, from, from + static_cast<Minute>(rng() % 1440)});
    excluded.insert(person);
    last = std::max(last, q.cases.back().to);
  }
  // A household member beyond every id the index holds (the arrays grow for them).
  const uint32_t member = 20'000'001;
  const MapHouseholds households({{q.cases[0].person, 77}, {member, 77}});
  q.households = &households;
  const ContactResult r = FindContacts(index, q);
  EXPECT_EQ(r.threads, 2);
  auto close = BruteForceRing(all, q.cases, excluded, q.rules);
  // Offers for a second range need a second chunk: the queue spills every time.
  ASSERT_GT(close.size(), 100u);
  ASSERT_GT(close.back().person >> 15, close.front().person >> 15);
  Minute from = q.cases[0].from;
  for (const CaseWindow& c : q.cases) {
    if (c.person == q.cases[0].person) from = std::min(from, c.from);
  }
  close.push_back(Exposure{.person = member, .source = q.cases[0].person, .route = Route::kHousehold, .at = from});
  ExpectSameRing(r.close, close);
  ASSERT_EQ(r.close.back().person, member);
  EXPECT_EQ(r.close.back().route, Route::kHousehold);
  std::vector<CaseWindow> next;
  for (const Exposure& e : close) {
    excluded.insert(e.person);
    next.push_back({e.person, e.at, last});
  }
  auto secondary = BruteForceRing(all, next, excluded, q.rules);
  ASSERT_GT(secondary.size(), 100u);
  ExpectSameRing(r.secondary, secondary);
}

// Queries on several threads share the one helper thread (whoever finds it idle
// takes it). Each must get its own answer: a ring used to read the helper's slots
// after releasing it, while the next query could already be filling them.
TEST(Contacts, ConcurrentQueriesSharingTheHelperGetTheirOwnAnswers) {
  // Many people (big answers, settled on both threads when the helper is free)
  // at a few busy venues; the cases, persons 1..210, come four times each.
  auto all = RandomVisits(40'000, 400'000, 8, 9);
  std::mt19937_64 rng(9);
  for (uint32_t person = 1; person <= 210; ++person) {
    for (int k = 0; k < 4; ++k) {
      all.push_back({person, static_cast<uint32_t>(rng() % 8 + 1), kT0 + k * 1000 + static_cast<Minute>(rng() % 900), 0});
    }
  }
  Index index;
  for (const Visit& v : all) index.Add(v);
  index.Seal();
  std::vector<ContactQuery> queries(3);
  for (uint32_t person = 1; person <= 210; ++person) {
    ContactQuery& q = queries[(person - 1) / 70];
    q.secondary = false;
    q.cases.push_back({person, kT0, kT0 + 3 * 1440});
  }
  std::vector<std::vector<uint32_t>> want;
  for (const ContactQuery& q : queries) want.push_back(Persons(FindContacts(index, q).close));
  ASSERT_NE(want[0], want[1]);
  std::atomic<int> wrong{0}, helped{0};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < queries.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 150; ++i) {
        const ContactResult r = FindContacts(index, queries[t]);
        if (Persons(r.close) != want[t]) ++wrong;
        if (r.threads == 2) ++helped;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(helped.load(), 0);  // the helper was shared, not idle throughout
}

TEST(Visitors, CountsDistinctPeopleAndForgetsThemBetweenQueries) {
  Index index;
  index.Add({7, 1, kT0, 0});
  index.Add({7, 1, kT0 + 60, 0});  // the same person again
  index.Add({9, 1, kT0 + 90, kT0 + 200});
  index.Add({7, 2, kT0, 0});
  index.Add({8, 2, kT0 + 5, 0});
  index.Seal();
  const auto first = Visitors(index, 1, kT0, kT0 + 100);
  EXPECT_EQ(first.visits.size(), 3u);
  EXPECT_EQ(first.persons, 2);
  const auto second = Visitors(index, 2, kT0, kT0 + 100);  // 7 is new to this query
  EXPECT_EQ(second.visits.size(), 2u);
  EXPECT_EQ(second.persons, 2);
  EXPECT_EQ(Visitors(index, 1, kT0 + 150, kT0 + 150).persons, 1);  // 9, still there
}

// Visits for the split tests: 5,000 people each coming about 12 times to venue 3 over
// eight days, some with leave times; person ids multiplied by `spread` (spread ids
// make the per-thread bitmaps far bigger than the answer, dense ones far smaller).
std::vector<Visit> MarketVisits(uint32_t spread) {
  std::mt19937_64 rng(11);
  std::vector<Visit> all;
  std::set<std::pair<uint32_t, Minute>> taken;
  for (uint32_t i = 0; i < 60'000; ++i) {
    Visit v{static_cast<uint32_t>(rng() % 5'000 + 1) * spread, 3, kT0 + static_cast<Minute>(i / 5 + rng() % 3), 0};
    if (rng() % 2) v.leave = v.arrive + static_cast<Minute>(rng() % 240);
    if (taken.emplace(v.person, v.arrive).second) all.push_back(v);
  }
  all.push_back({42, 4, kT0, 0});  // another venue: never in venue 3's answer
  return all;
}

Index IndexOf(const std::vector<Visit>& all, int segments) {
  Index index;
  index.set_auto_merge(false);
  for (size_t i = 0; i < all.size(); ++i) {
    index.Add(all[i]);
    if (segments > 1 && i % (all.size() / segments) == 0) index.Seal();
  }
  index.Seal();
  return index;
}

// Windows that start before the data, inside it (so that blocks before t1 hold
// visits that left before it) and end inside it.
constexpr std::pair<Minute, Minute> kMarketWindows[] = {
    {kT0, kT0 + 12'500}, {kT0 + 2'000, kT0 + 9'000}, {kT0 + 4'000, kT0 + 8'000}};

// Visitors(index, 3, t1, t2) equals the brute-force answer: the same visits in the
// same order and each person counted once; returns the threads it used.
int ExpectMarketAnswer(const Index& index, const std::vector<Visit>& all, Minute t1, Minute t2) {
  std::vector<Visit> expected;
  std::set<uint32_t> people;
  for (const Visit& v : all) {
    if (v.venue == 3 && v.arrive <= t2 && (v.leave ? v.leave : v.arrive) >= t1) {
      expected.push_back(v);
      people.insert(v.person);
    }
  }
  std::sort(expected.begin(), expected.end(), ByArrivePerson);
  const VenueVisitors got = Visitors(index, 3, t1, t2);
  EXPECT_EQ(got.visits.size(), expected.size()) << "window " << t1 << ".." << t2;
  EXPECT_TRUE(got.visits.size() == expected.size() &&
              std::equal(got.visits.begin(), got.visits.end(), expected.begin(), SameVisit))
      << "window " << t1 << ".." << t2;
  EXPECT_EQ(got.persons, static_cast<int64_t>(people.size())) << "window " << t1 << ".." << t2;
  return got.threads;
}

// A big answer is decoded in two halves (the second on the helper thread) and must
// equal the one-thread answer: same visits in the same order, people in both halves
// counted once — over one segment and over several, with dense and with spread ids.
TEST(Visitors, SplitsABigAnswerWithTheHelperAndCountsPeopleOnce) {
  for (uint32_t spread : {1u, 7'919u}) {
    const auto all = MarketVisits(spread);
    for (int segments : {1, 3}) {
      const Index index = IndexOf(all, segments);
      for (auto [t1, t2] : kMarketWindows) {
        SCOPED_TRACE(testing::Message() << "spread " << spread << ", " << segments << " segments");
        EXPECT_EQ(ExpectMarketAnswer(index, all, t1, t2), 2);
      }
    }
  }
  // The bitmaps are left clear: a small answer after the big ones counts right.
  const auto all = MarketVisits(1);
  const Index index = IndexOf(all, 1);
  EXPECT_EQ(ExpectMarketAnswer(index, all, kT0 + 100, kT0 + 160), 1);
}

// When the helper is busy (another query holds it), the caller decodes both halves
// itself, into the same places, and the answer is the same.
TEST(Visitors, ABusyHelperLeavesTheWholeAnswerToTheCaller) {
  const auto all = MarketVisits(7'919);
  for (int segments : {1, 3}) {
    const Index index = IndexOf(all, segments);
    std::atomic<bool> done{false};
    const bool held = RunOnBoth(
        [&] {
          for (auto [t1, t2] : kMarketWindows) EXPECT_EQ(ExpectMarketAnswer(index, all, t1, t2), 1);
          done = true;
          done.notify_one();
        },
        [&] { done.wait(false); });
    ASSERT_TRUE(held);
    // And with the helper free again, the same queries use it.
    for (auto [t1, t2] : kMarketWindows) EXPECT_EQ(ExpectMarketAnswer(index, all, t1, t2), 2);
  }
}

TEST(Sources, PoissonTail) {
  EXPECT_DOUBLE_EQ(PoissonTailScore(0, 3.0), 0.0);
  // P(X ≥ 1 | λ = 1) = 1 − e^-1
  EXPECT_NEAR(PoissonTailScore(1, 1.0), -std::log10(1 - std::exp(-1.0)), 1e-9);
  EXPECT_GT(PoissonTailScore(20, 0.5), PoissonTailScore(5, 0.5));
}

TEST(Sources, OverRepresentedVenueRanksFirstNotTheBusiestOne) {
  Index index;
  // Venue 1: a busy station everyone passes; venue 2: a market; cases 1..10 were at
  // both, as were many others at the station.
  uint32_t person = 1;
  for (; person <= 10; ++person) {
    index.Add({person, 1, kT0 + person, 0});
    index.Add({person, 2, kT0 + 60 + person, 0});
  }
  for (; person <= 2000; ++person) index.Add({person, 1, kT0 + static_cast<Minute>(person % 600), 0});
  for (uint32_t p = 2001; p <= 2100; ++p) index.Add({p, 2, kT0 + static_cast<Minute>(p % 600), 0});
  index.Seal();
  std::vector<CaseWindow> cases;
  for (uint32_t p = 1; p <= 10; ++p) cases.push_back({p, kT0 - 1440, kT0 + 1440});
  const auto ranked = RankSources(index, cases, 2100, 5);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].venue, 2u);
  EXPECT_EQ(ranked[0].cases, 10);
  EXPECT_LT(ranked[0].expected, 1.0);
  EXPECT_GT(ranked[0].score, ranked[1].score);
}

}  // namespace
}  // namespace tc::tracing
