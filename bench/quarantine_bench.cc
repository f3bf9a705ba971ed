// Issue 20's benchmark (make bench-quarantine runs it through bench/quarantine.sh), at
// Xinfadi scale: 316,000 contacts at --scale 1.0. One program, one run:
//
//   load     from a SQLite copy of a generated city (never the city itself): the
//            contacts — whole households of 1–5 drawn from the city's households, over
//            every district, close / secondary / mixed, children with a guardian,
//            the elderly (70+) and the disabled needing an accessible room — and the
//            special-care roster's inputs (residents with care tags, grids, the 楼栋长
//            and 单元长 as workers); the city's hotels are generated per district (80–400
//            rooms of 1–4 beds, a fifth accessible, beds for the district's contacts
//            and a margin).
//   ours     one core, median of --runs:
//              1. quarantine::Assign of every contact, Validate of the answer, and an
//                 independent check (no room double-booked, households never mixed,
//                 beds and capacity held, a household at one site, no child alone);
//              2. quarantine::CheckList over the board (board.h) on the day;
//              3. quarantine::OpenLoop over the board in a realistic mix of states;
//              4. livelihood::FlatCallLists (the call lists, no string copied) for the city's rostered residents.
//   peers    the same on SQLite and PostgreSQL (tables written by this program, indexes
//            as a DBA would add them), median of --peer-runs; answers compared — a
//            mismatch or a violation prints "!!!" and fails the run (exit 1).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_util.h"
#include "livelihood/care_calls.h"
#include "quarantine/assignment.h"
#include "quarantine/board.h"
#include "quarantine/lifecycle.h"
#include "quarantine/rules.h"
#include "store/store.h"

namespace {

using namespace tc;
using bench::Check;
using bench::Die;
using bench::Median;
using bench::Must;
using namespace tc::quarantine;
using bench::SteadyClock;

// The city's reference day is 2022-03-01 (the generator's); the benchmark's day is two
// weeks on, 2022-03-15 00:00 in Shanghai, and "now" 10:00 that morning.
constexpr Millis kCityDay = 1'646'064'000'000;
constexpr Millis kDayStart = kCityDay + 14 * kDayMs;
constexpr Millis kNow = kDayStart + 10 * kHourMs;
constexpr int64_t kContactsAtScale1 = 316'000;

bool g_ok = true;
void Mismatch(const char* fmt, auto... args) {
  std::printf("!!! ");
  std::printf(fmt, args...);
  std::printf("\n");
  g_ok = false;
}

template <typename F>
std::vector<double> Time(int runs, F&& f) {
  std::vector<double> ms;
  for (int r = 0; r < runs; ++r) {
    const auto t = SteadyClock::now();
    f();
    ms.push_back(bench::Millis(t));
  }
  return ms;
}
// An order-sensitive digest of a list, to compare ours with the SQL's row by row.
struct Digest {
  uint64_t h = 1469598103934665603ull;
  int64_t n = 0;
  void Add(int64_t v) {
    h = (h ^ static_cast<uint64_t>(v)) * 1099511628211ull;
  }
  void Row() { ++n; }
  bool operator==(const Digest&) const = default;
};
std::string DistrictOf(const std::string& area_code) { return area_code.substr(0, 6) + "000000"; }
std::string BuildingOf(const std::string& unit_code) { return unit_code.substr(0, unit_code.rfind('-')); }

// ---- The data ----

struct Data {
  std::vector<std::string> districts;
  std::vector<DistrictPoint> points;
  std::vector<Person> people;
  std::vector<Site> sites;
  // The roster's inputs.
  std::vector<livelihood::CareResident> residents;
  std::vector<livelihood::CareGrid> grids;
  std::vector<livelihood::CareWorker> workers;
  std::vector<livelihood::Call> calls;
};

void LoadContacts(store::Store& city, double scale, Data& d) {
  std::mt19937_64 rng(20);
  Check(city.Read([&](store::Conn& c) -> Status {
          TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT code FROM areas WHERE level = 'district' ORDER BY code"));
          for (const auto& r : rows.rows) d.districts.push_back(r.Text(0));
          TC_ASSIGN_OR_RETURN(auto n, c.Query("SELECT COUNT(*), MAX(rowid) FROM households"));
          const int64_t households = n[0].Int(0);
          // About 2.6 people a household: draw every k-th household, then cut at the target.
          const int64_t want = std::llround(kContactsAtScale1 * scale);
          const int64_t k = std::max<int64_t>(1, households * 26 / 10 / (want * 11 / 10));
          TC_ASSIGN_OR_RETURN(
              auto people,
              c.Query("SELECT h.rowid, h.unit_code, r.id, r.birth_date, r.tags FROM households h "
                      "JOIN residents r ON r.household_code = h.code WHERE h.rowid % ? = 0 AND r.status = 'active' "
                      "ORDER BY h.rowid, r.id",
                      {k}));
          // Group by household, keep households of 1–5, until `want` people.
          size_t i = 0;
          while (i < people.size() && static_cast<int64_t>(d.people.size()) < want) {
            size_t j = i;
            while (j < people.size() && people[j].Int(0) == people[i].Int(0)) ++j;
            if (j - i <= 5) {
              const int64_t household = people[i].Int(0);
              const std::string district = DistrictOf(people[i].Text(1));
              // Tiers: 55 % of households all close (a close contact's household is
              // close), 35 % all secondary, 10 % mixed (the first adult close).
              const int roll = static_cast<int>(rng() % 100);
              const size_t first = d.people.size();
              int64_t guardian = 0;
              int guardian_age = -1;
              for (size_t m = i; m < j; ++m) {
                const std::string birth = people[m].Text(3);
                const int year = birth.size() >= 4 ? std::stoi(birth.substr(0, 4)) : 1980;
                const int age = 2022 - year - (birth.size() >= 10 && birth.substr(5) > "03-01" ? 1 : 0);
                const int64_t tags = people[m].Int(4);
                Person p{.id = people[m].Int(2),
                         .household_id = j - i > 1 ? household : 0,
                         .tier = roll < 55 ? Tier::kClose : Tier::kSecondary,
                         .district = district,
                         .needs_accessible = age >= 70 || (tags & (8 | 32)) != 0,
                         .child = age < 14};
                if (!p.child && age >= 18 && (guardian_age < 0 || std::abs(age - 40) < std::abs(guardian_age - 40))) {
                  guardian = p.id, guardian_age = age;
                }
                d.people.push_back(p);
              }
              if (guardian == 0) {
                for (size_t m = first; m < d.people.size(); ++m) d.people[m].child = false;  // teenagers alone
              }
              for (size_t m = first; m < d.people.size(); ++m) {
                Person& p = d.people[m];
                if (p.child) p.guardian_id = guardian;
                if (roll >= 90) {  // mixed: the guardian (or the first) and the children close
                  const bool close = p.id == guardian || p.child || (guardian == 0 && m == first);
                  p.tier = close ? Tier::kClose : Tier::kSecondary;
                }
              }
            }
            i = j;
          }
          return Status::Ok();
        }),
        "loading contacts");
  // District points: a ring around the city's centre, the first district at its middle.
  for (size_t i = 0; i < d.districts.size(); ++i) {
    const double a = 2 * 3.14159265358979 * static_cast<double>(i) / static_cast<double>(d.districts.size());
    const double r = i == 0 ? 0 : 0.08 + 0.04 * static_cast<double>(i % 3);
    d.points.push_back({d.districts[i], {125.32 + r * std::cos(a), 43.88 + r * std::sin(a)}});
  }
}

// The city's centralised sites: per district, hotels of 80–400 rooms until the beds
// hold the district's contacts with a 12 % margin; rooms 1–4 beds (35 / 45 / 12 / 8 %),
// a fifth accessible (ground floor, barrier-free), a few out of service.
void MakeSites(Data& d) {
  std::mt19937_64 rng(316);
  std::map<std::string, int64_t> need;
  for (const Person& p : d.people) ++need[p.district];
  std::map<std::string, GeoPoint> at;
  for (const auto& p : d.points) at[p.district] = p.point;
  int64_t id = 1;
  for (const std::string& district : d.districts) {
    const int64_t want = need[district] * 112 / 100;
    int64_t beds = 0;
    while (beds < want) {
      Site s{.id = id++, .district = district};
      const GeoPoint c = at[district];
      s.point = GeoPoint{c.lon + (static_cast<double>(rng() % 2001) - 1000) * 3e-5,
                         c.lat + (static_cast<double>(rng() % 2001) - 1000) * 3e-5};
      const int rooms = 80 + static_cast<int>(rng() % 321);
      for (int r = 0; r < rooms; ++r) {
        const int roll = static_cast<int>(rng() % 100);
        Room room{.id = s.id * 1000 + r + 1,
                  .beds = roll < 35 ? 1 : roll < 80 ? 2 : roll < 92 ? 3 : 4,
                  .accessible = rng() % 5 == 0,
                  .in_service = rng() % 100 != 0};
        if (room.in_service) beds += room.beds;
        s.rooms.push_back(room);
      }
      d.sites.push_back(std::move(s));
    }
  }
}

void LoadRoster(store::Store& city, Data& d) {
  Check(city.Read([&](store::Conn& c) -> Status {
          int64_t after = 0;
          while (true) {
            TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT r.id, r.name, r.phone, h.unit_code, r.tags FROM residents r "
                                                   "JOIN households h ON h.code = r.household_code "
                                                   "WHERE r.id > ? AND r.tags != 0 AND r.status = 'active' "
                                                   "ORDER BY r.id LIMIT 200000",
                                                   {after}));
            if (rows.empty()) break;
            for (const auto& r : rows.rows) {
              d.residents.push_back({.id = r.Int(0), .name = r.Text(1), .phone = r.Text(2), .unit_code = r.Text(3),
                                     .tags = r.Int(4)});
            }
            after = rows.rows.back().Int(0);
          }
          TC_ASSIGN_OR_RETURN(auto grids, c.Query("SELECT g.code, COALESCE(g.leader_id, 0), b.building_code FROM grids g "
                                                  "LEFT JOIN grid_buildings b ON b.grid_code = g.code "
                                                  "ORDER BY g.code, b.building_code"));
          for (const auto& r : grids.rows) {
            if (d.grids.empty() || d.grids.back().code != r.Text(0)) d.grids.push_back({r.Text(0), r.Int(1), {}});
            if (!r.IsNull(2)) d.grids.back().building_codes.push_back(r.Text(2));
          }
          TC_ASSIGN_OR_RETURN(auto leaders,
                              c.Query("SELECT resident_id, area_code FROM area_leaders ORDER BY resident_id, area_code"));
          for (const auto& r : leaders.rows) {
            if (d.workers.empty() || d.workers.back().id != r.Int(0)) d.workers.push_back({r.Int(0), {}});
            d.workers.back().area_codes.push_back(r.Text(1));
          }
          return Status::Ok();
        }),
        "loading the roster");
  // The calls so far: at most one each — yesterday for 62 %, this morning for 30 %
  // (1 in 20 not reached, 1 in 30 with needs), none for 8 %.
  std::mt19937_64 rng(5);
  for (const auto& r : d.residents) {
    const int roll = static_cast<int>(rng() % 100);
    if (roll >= 92) continue;
    livelihood::Call c{.resident_id = r.id, .worker_id = 1};
    c.at = (roll < 62 ? kDayStart - kDayMs : kDayStart) + 8 * kHourMs + static_cast<Millis>(rng() % (roll < 62 ? 9 : 2)) * kHourMs +
           static_cast<Millis>(rng() % 3'600'000);
    const int o = static_cast<int>(rng() % 60);
    c.outcome = o < 3 ? livelihood::CallOutcome::kNotReached
                : o < 5 ? livelihood::CallOutcome::kReachedWithNeeds
                        : livelihood::CallOutcome::kReachedOk;
    if (c.outcome == livelihood::CallOutcome::kReachedWithNeeds) c.needs = {{livelihood::NeedKind::kMedicine, "降压药"}};
    d.calls.push_back(std::move(c));
  }
}

// ---- 1. The independent check of an assignment ----

// Violations of the rules in `placed` (people in `d`): a person booked twice, a room
// holding two households, a room over its beds, a site over its capacity, a household
// at two sites, a room out of service or at an unknown site, a child without an adult.
int64_t Violations(const Data& d, const std::vector<Booking>& placed, const char* whose) {
  std::unordered_map<int64_t, const Person*> person;
  for (const Person& p : d.people) person[p.id] = &p;
  std::unordered_map<int64_t, std::pair<const Site*, const Room*>> room_of;
  std::unordered_map<int64_t, int64_t> site_capacity;
  for (const Site& s : d.sites) {
    int64_t beds = 0;
    for (const Room& r : s.rooms) room_of[r.id] = {&s, &r}, beds += r.beds;
    site_capacity[s.id] = s.capacity ? s.capacity : beds;
  }
  struct Use {
    std::set<int64_t> households;
    int people = 0, adults = 0;
  };
  std::unordered_map<int64_t, Use> rooms;
  std::unordered_map<int64_t, int64_t> in_site;
  std::unordered_map<int64_t, std::set<int64_t>> sites_of_household;
  std::set<int64_t> seen;
  int64_t v = 0;
  auto bad = [&](const char* what, int64_t a, int64_t b) {
    if (v < 5) std::printf("!!! %s: %s (%" PRId64 ", %" PRId64 ")\n", whose, what, a, b);
    ++v;
  };
  for (const Booking& b : placed) {
    if (!seen.insert(b.person_id).second) bad("person booked twice", b.person_id, b.room_id);
    const auto r = room_of.find(b.room_id);
    if (r == room_of.end() || r->second.first->id != b.site_id) {
      bad("unknown room or site", b.site_id, b.room_id);
      continue;
    }
    if (!r->second.second->in_service) bad("room out of service", b.site_id, b.room_id);
    const auto p = person.find(b.person_id);
    if (p == person.end()) {
      bad("unknown person", b.person_id, 0);
      continue;
    }
    const int64_t key = p->second->household_id ? p->second->household_id : -p->second->id;
    Use& u = rooms[b.room_id];
    u.households.insert(key);
    ++u.people;
    u.adults += !p->second->child;
    ++in_site[b.site_id];
    sites_of_household[key].insert(b.site_id);
  }
  for (const auto& [room, u] : rooms) {
    if (u.households.size() > 1) bad("households mixed in a room", room, static_cast<int64_t>(u.households.size()));
    if (u.people > room_of[room].second->beds) bad("room over its beds", room, u.people);
    if (u.adults == 0) bad("a child alone in a room", room, u.people);
  }
  for (const auto& [site, n] : in_site) {
    if (n > site_capacity[site]) bad("site over its capacity", site, n);
  }
  for (const auto& [household, sites] : sites_of_household) {
    if (sites.size() > 1) bad("household at two sites", household, static_cast<int64_t>(sites.size()));
  }
  if (v > 0) Mismatch("%s: %" PRId64 " violations in the assignment", whose, v);
  return v;
}

// ---- 2, 3. The board: a realistic mix of states two weeks into the outbreak ----

std::vector<BoardEntry> MakeBoard(const Data& d, const Assignment& a, const QuarantineRules& rules) {
  std::unordered_map<int64_t, int64_t> site_of;
  for (const Booking& b : a.placed) site_of[b.person_id] = b.site_id;
  std::mt19937_64 rng(14);
  auto uniform = [&](Millis from, Millis to) {
    return to <= from ? from : from + static_cast<Millis>(rng() % static_cast<uint64_t>(to - from));
  };
  std::vector<BoardEntry> board;
  board.reserve(d.people.size());
  for (const Person& p : d.people) {
    BoardEntry e{.person_id = p.id, .tier = p.tier};
    const auto s = site_of.find(p.id);
    const int64_t site = s == site_of.end() ? 0 : s->second;  // unplaced: home quarantine
    const int roll = static_cast<int>(rng() % 1000);
    // Listed 4 %, assigned 3 %, pickup_scheduled 2 %, picked_up 2 %, checked_in 75 %,
    // released 9 %, escalated 1 %, hospitalised 1 %, absconded 0.5 %, refused 0.5 %,
    // cancelled 2 %; each state's time since entering spread so some are stuck.
    if (roll < 40) {
      e.status = State::kListed, e.since = uniform(kNow - 8 * kHourMs, kNow);
    } else if (roll < 70) {
      e.status = State::kAssigned, e.site_id = site, e.since = uniform(kNow - 9 * kHourMs, kNow);
    } else if (roll < 90) {
      e.status = State::kPickupScheduled, e.site_id = site, e.since = uniform(kNow - 4 * kHourMs, kNow);
      e.pickup_at = uniform(kNow - 3 * kHourMs, kNow + 3 * kHourMs);
    } else if (roll < 110) {
      e.status = State::kPickedUp, e.site_id = site, e.since = uniform(kNow - 5 * kHourMs, kNow);
    } else if (roll < 860) {
      e.status = State::kCheckedIn, e.site_id = site;
      const int days = rules.For(p.tier).days;
      // Checked in over the last two weeks; a few kept past their end awaiting release.
      e.quarantine_start = uniform(kDayStart - (days + (rng() % 50 == 0 ? 2 : 0)) * kDayMs + kHourMs, kNow);
      e.quarantine_end = e.quarantine_start + days * kDayMs;
      e.since = e.quarantine_start;
      // The scheduled tests whose window has opened by now, 3 % of them missed.
      const auto& t = rules.For(p.tier).test_days;
      for (size_t i = 0; i < t.size(); ++i) {
        if (e.quarantine_start + (t[i] - 1) * kDayMs + 2 * kHourMs <= kNow && rng() % 100 >= 3) e.tests_done |= 1u << i;
      }
      // Six in ten have had this morning's check (07:00–10:00); the rest yesterday's.
      e.last_check_at = rng() % 10 < 6 ? uniform(std::max(kDayStart + 7 * kHourMs, e.quarantine_start), kNow)
                                        : std::max(e.quarantine_start, kDayStart - 14 * kHourMs);
      if (e.last_check_at >= kNow) e.last_check_at = 0;
    } else if (roll < 950) {
      e.status = State::kReleased, e.since = uniform(kDayStart - 3 * kDayMs, kNow);
    } else if (roll < 960) {
      e.status = State::kEscalated, e.site_id = site, e.since = uniform(kNow - 5 * kHourMs, kNow);
    } else if (roll < 970) {
      e.status = State::kHospitalised, e.since = uniform(kDayStart - 5 * kDayMs, kNow);
    } else if (roll < 975) {
      e.status = State::kAbsconded, e.since = uniform(kNow - 2 * kDayMs, kNow);
    } else if (roll < 980) {
      e.status = State::kRefused, e.since = uniform(kNow - 2 * kDayMs, kNow);
    } else {
      e.status = State::kCancelled, e.since = uniform(kDayStart - 5 * kDayMs, kNow);
    }
    board.push_back(e);
  }
  return board;
}

// ---- 1. Units for the SQL peer: who shares a room, as Assign's rules say ----

struct PeerUnit {
  int64_t household = 0;  // the household key
  int64_t rank = 0;       // the household's place in Assign's order
  int size = 0;
  bool accessible = false;
  std::string district;
  std::vector<int64_t> members;
};
std::vector<PeerUnit> PeerUnits(const Data& d, const AssignmentRules& rules) {
  std::map<int64_t, std::vector<const Person*>> households;
  for (const Person& p : d.people) households[p.household_id ? p.household_id : -p.id].push_back(&p);
  struct H {
    int64_t key;
    bool close, accessible;
    size_t size;
    int64_t first;
  };
  std::vector<H> order;
  for (auto& [key, m] : households) {
    std::sort(m.begin(), m.end(), [](const Person* a, const Person* b) { return a->id < b->id; });
    H h{key, false, false, m.size(), m[0]->id};
    for (const Person* p : m) h.close |= p->tier == Tier::kClose, h.accessible |= p->needs_accessible;
    order.push_back(h);
  }
  std::sort(order.begin(), order.end(), [](const H& a, const H& b) {
    if (a.close != b.close) return a.close;
    if (a.accessible != b.accessible) return a.accessible;
    if (a.size != b.size) return a.size > b.size;
    return a.first < b.first;
  });
  std::vector<PeerUnit> out;
  int64_t rank = 0;
  for (const H& h : order) {
    const auto& m = households[h.key];
    std::vector<const Person*> close, secondary;
    for (const Person* p : m) (p->tier == Tier::kClose ? close : secondary).push_back(p);
    std::vector<PeerUnit> units;
    auto form = [&](const std::vector<const Person*>& group, bool shared) {
      if (group.empty()) return;
      if (shared && group.size() > 1) {
        if (std::all_of(group.begin(), group.end(), [](const Person* p) { return p->child; })) return;
        PeerUnit u;
        for (const Person* p : group) u.members.push_back(p->id), u.accessible |= p->needs_accessible;
        units.push_back(std::move(u));
        return;
      }
      std::map<int64_t, size_t> of;
      for (const Person* p : group) {
        if (p->child) continue;
        of[p->id] = units.size();
        units.push_back({.accessible = p->needs_accessible, .members = {p->id}});
      }
      for (const Person* p : group) {
        if (!p->child) continue;
        const auto g = of.find(p->guardian_id);
        if (g == of.end()) continue;
        units[g->second].members.push_back(p->id);
        units[g->second].accessible |= p->needs_accessible;
      }
    };
    form(close, rules.close_household_shares && secondary.empty());
    form(secondary, rules.secondary_household_shares);
    std::stable_sort(units.begin(), units.end(), [](const PeerUnit& a, const PeerUnit& b) {
      if (a.accessible != b.accessible) return a.accessible;
      return a.members.size() > b.members.size();
    });
    for (PeerUnit& u : units) {
      u.household = h.key, u.rank = rank, u.size = static_cast<int>(u.members.size()), u.district = m[0]->district;
      out.push_back(std::move(u));
    }
    ++rank;
  }
  return out;
}

// ---- The peers' tables ----

struct Peer {
  std::string name;
  std::unique_ptr<store::Store> s;
  bool pg() const { return s->dialect() == store::Dialect::kPostgres; }
};

void Bulk(store::Store& s, const std::string& table, const std::string& ddl, const std::vector<std::string>& columns,
          const std::function<void(const std::function<void(store::Params)>&)>& rows) {
  Check(s.Tx([&](store::Conn& c) -> Status {
          TC_RETURN_IF_ERROR(c.ExecScript("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table + " (" + ddl + ")"));
          TC_ASSIGN_OR_RETURN(auto w, c.Bulk(table, columns));
          Status st = Status::Ok();
          rows([&](store::Params p) {
            if (st.ok()) st = w->Add(p);
          });
          TC_RETURN_IF_ERROR(st);
          return w->Finish().status();
        }),
        "writing " + table);
}

void WritePeerTables(Peer& peer, const Data& d, const std::vector<BoardEntry>& board,
                     const QuarantineRules& rules) {
  store::Store& s = *peer.s;
  const auto t = SteadyClock::now();
  Bulk(s, "q_rooms", "site_id BIGINT NOT NULL, room_id BIGINT PRIMARY KEY, beds INTEGER NOT NULL, accessible INTEGER NOT NULL, in_service INTEGER NOT NULL, taken INTEGER NOT NULL",
       {"site_id", "room_id", "beds", "accessible", "in_service", "taken"}, [&](auto add) {
         for (const Site& site : d.sites) {
           for (const Room& r : site.rooms) {
             const int64_t usable = r.in_service && site.open;
             add({site.id, r.id, int64_t(r.beds), int64_t(r.accessible), usable, 1 - usable});
           }
         }
       });
  // Each district's sites, own district first then nearest (the order Assign uses).
  std::map<std::string, GeoPoint> ref;
  for (const auto& p : d.points) ref[p.district] = p.point;
  Bulk(s, "q_site_order", "district TEXT NOT NULL, rank INTEGER NOT NULL, site_id BIGINT NOT NULL, PRIMARY KEY (district, rank)",
       {"district", "rank", "site_id"}, [&](auto add) {
         for (const std::string& dist : d.districts) {
           std::vector<std::tuple<int, double, int64_t>> keys;
           const GeoPoint a = ref[dist];
           for (const Site& site : d.sites) {
             const GeoPoint b = *site.point;
             const double k = std::cos((a.lat + b.lat) * 0.5 * 3.14159265358979323846 / 180.0);
             const double dx = (a.lon - b.lon) * k, dy = a.lat - b.lat;
             keys.emplace_back(site.district == dist ? 0 : 1, site.district == dist ? 0 : dx * dx + dy * dy, site.id);
           }
           std::sort(keys.begin(), keys.end());
           for (size_t i = 0; i < keys.size(); ++i) add({dist, int64_t(i), std::get<2>(keys[i])});
         }
       });
  Bulk(s, "q_board",
       "person_id BIGINT PRIMARY KEY, site_id BIGINT NOT NULL, tier TEXT NOT NULL, status TEXT NOT NULL, since BIGINT NOT NULL, pickup_at BIGINT NOT NULL, q_start BIGINT NOT NULL, q_end BIGINT NOT NULL, last_check_at BIGINT NOT NULL, tests_done BIGINT NOT NULL",
       {"person_id", "site_id", "tier", "status", "since", "pickup_at", "q_start", "q_end", "last_check_at", "tests_done"},
       [&](auto add) {
         for (const BoardEntry& e : board) {
           add({e.person_id, e.site_id, std::string(tracing::TierName(e.tier)), std::string(StateName(e.status)), e.since,
                e.pickup_at, e.quarantine_start, e.quarantine_end, e.last_check_at, int64_t(e.tests_done)});
         }
       });
  Bulk(s, "q_test_days", "tier TEXT NOT NULL, idx INTEGER NOT NULL, day INTEGER NOT NULL, next_day INTEGER NOT NULL",
       {"tier", "idx", "day", "next_day"}, [&](auto add) {
         for (Tier tier : {Tier::kClose, Tier::kSecondary}) {
           const auto& t = rules.For(tier).test_days;
           for (size_t i = 0; i < t.size(); ++i) {
             add({std::string(tracing::TierName(tier)), int64_t(i), int64_t(t[i]),
                  int64_t(i + 1 < t.size() ? t[i + 1] : 1'000'000)});
           }
         }
       });
  Bulk(s, "care_residents",
       "id BIGINT PRIMARY KEY, name TEXT NOT NULL, phone TEXT NOT NULL, unit_code TEXT NOT NULL, building_code TEXT NOT NULL, tags BIGINT NOT NULL",
       {"id", "name", "phone", "unit_code", "building_code", "tags"}, [&](auto add) {
         for (const auto& r : d.residents) add({r.id, r.name, r.phone, r.unit_code, BuildingOf(r.unit_code), r.tags});
       });
  Bulk(s, "care_covers", "area_code TEXT PRIMARY KEY, worker_id BIGINT NOT NULL", {"area_code", "worker_id"},
       [&](auto add) {
         std::set<std::string> seen;
         for (const auto& w : d.workers) {
           for (const auto& a : w.area_codes) {
             if (seen.insert(a).second) add({a, w.id});
           }
         }
       });
  Bulk(s, "care_grids", "building_code TEXT PRIMARY KEY, grid_code TEXT NOT NULL, head_id BIGINT NOT NULL",
       {"building_code", "grid_code", "head_id"}, [&](auto add) {
         std::set<std::string> seen;
         for (const auto& g : d.grids) {
           for (const auto& b : g.building_codes) {
             if (seen.insert(b).second) add({b, g.code, g.head_id});
           }
         }
       });
  Bulk(s, "care_calls", "resident_id BIGINT NOT NULL, at BIGINT NOT NULL, outcome TEXT NOT NULL",
       {"resident_id", "at", "outcome"}, [&](auto add) {
         for (const auto& c : d.calls) add({c.resident_id, c.at, std::string(livelihood::CallOutcomeName(c.outcome))});
       });
  // Indexes as a DBA would add them for these queries.
  Check(s.Tx([&](store::Conn& c) {
          return c.ExecScript(
              "CREATE INDEX q_rooms_free ON q_rooms(site_id, taken, accessible, beds, room_id);"
              "CREATE INDEX q_board_status_since ON q_board(status, since);"
              "CREATE INDEX q_board_status_pickup ON q_board(status, pickup_at);"
              "CREATE INDEX q_board_status_end ON q_board(status, q_end);"
              "CREATE INDEX q_board_status_start ON q_board(status, q_start);"
              "CREATE INDEX care_calls_resident ON care_calls(resident_id, at);"
              "ANALYZE");
        }),
        "indexing");
  std::printf("%s: peer tables written and indexed in %.1f s\n", peer.name.c_str(), bench::Seconds(t));
}

// ---- 1. The peer's assignment: the same greedy, one statement per room unit ----

struct PeerAssignment {
  std::vector<Booking> placed;
  int64_t unplaced_people = 0;
  int64_t split_households = 0;  // a first unit placed, a later one not fitting at its site
  size_t units_done = 0;         // < units.size() when the time budget ran out
  bool finished = true;
};
// Stops after `budget_s` seconds (0: no limit), leaving `finished` false: the time is
// then a lower bound for the whole loop.
PeerAssignment PeerAssign(Peer& peer, const std::vector<PeerUnit>& units, double budget_s) {
  PeerAssignment out;
  const auto start = SteadyClock::now();
  // The unit's room: the first site in the district's order with a free room that
  // fits (plain rooms smallest first, then accessible; only accessible when needed),
  // the lowest id; a household's further units only at its first unit's site.
  const std::string fit = "r.taken = 0 AND r.beds >= ? AND (r.accessible = 1 OR ? = 0) ";
  const std::string pick =
      peer.pg() ? "SELECT x.site_id, x.room_id FROM q_site_order o CROSS JOIN LATERAL (SELECT r.site_id, r.room_id "
                  "FROM q_rooms r WHERE r.site_id = o.site_id AND " + fit +
                      "ORDER BY r.accessible, r.beds, r.room_id LIMIT 1) x WHERE o.district = ? AND (? = 0 OR o.site_id = ?) "
                      "ORDER BY o.rank LIMIT 1"
                : "SELECT o.site_id, (SELECT r.room_id FROM q_rooms r WHERE r.site_id = o.site_id AND " + fit +
                      "ORDER BY r.accessible, r.beds, r.room_id LIMIT 1) AS room FROM q_site_order o "
                      "WHERE o.district = ? AND (? = 0 OR o.site_id = ?) AND room IS NOT NULL ORDER BY o.rank LIMIT 1";
  const std::string take = "UPDATE q_rooms SET taken = 1 WHERE room_id = ?";
  const std::string untake = "UPDATE q_rooms SET taken = 0 WHERE room_id = ?";
  Check(peer.s->Tx([&](store::Conn& c) -> Status {
          size_t i = 0;
          while (i < units.size()) {
            if (budget_s > 0 && bench::Seconds(start) > budget_s) {
              out.finished = false;
              break;
            }
            size_t j = i;
            while (j < units.size() && units[j].household == units[i].household) ++j;
            int64_t site = 0;
            std::vector<int64_t> rooms;
            bool placed = true;
            for (size_t k = i; k < j && placed; ++k) {
              const PeerUnit& u = units[k];
              TC_ASSIGN_OR_RETURN(auto r, c.Query(pick, {int64_t(u.size), int64_t(u.accessible), u.district, site, site}));
              if (r.empty()) {
                placed = false;
                break;
              }
              site = r[0].Int(0);
              rooms.push_back(r[0].Int(1));
              TC_RETURN_IF_ERROR(c.Exec(take, {rooms.back()}).status());
            }
            if (!placed) {  // the household as a whole is unplaced; its rooms freed
              out.split_households += !rooms.empty();
              for (int64_t room : rooms) TC_RETURN_IF_ERROR(c.Exec(untake, {room}).status());
              for (size_t k = i; k < j; ++k) out.unplaced_people += units[k].size;
            } else {
              for (size_t k = i; k < j; ++k) {
                for (int64_t m : units[k].members) {
                  out.placed.push_back({m, units[k].household > 0 ? units[k].household : 0, site, rooms[k - i]});
                }
              }
            }
            i = j;
          }
          out.units_done = i;
          return Status::Ok();
        }),
        "peer assignment");
  return out;
}

void ResetRooms(Peer& peer) {
  Check(peer.s->Tx([&](store::Conn& c) { return c.ExecScript("UPDATE q_rooms SET taken = 1 - in_service; ANALYZE q_rooms"); }),
        "resetting rooms");
}

// ---- 2. The peer's check list ----

std::string CheckListSql() {
  const std::string day_end = std::to_string(kDayStart + kDayMs), day_start = std::to_string(kDayStart);
  return "SELECT person_id, site_id, day, owes_check, test_day FROM (SELECT b.person_id, b.site_id, (" + day_end +
         " - 1 - b.q_start) / 86400000 + 1 AS day, CASE WHEN b.last_check_at < " + day_start +
         " THEN 1 ELSE 0 END AS owes_check, COALESCE((SELECT MIN(t.day) FROM q_test_days t WHERE t.tier = b.tier AND "
         "b.q_start + (t.day - 1) * CAST(86400000 AS BIGINT) < " + day_end + " AND b.q_start + (t.next_day - 1) * CAST(86400000 AS BIGINT) > " +
         day_start + " AND (b.tests_done / (1 << t.idx)) % 2 = 0), 0) AS test_day FROM q_board b WHERE b.status = "
         "'checked_in' AND b.q_start < " + day_end + ") x WHERE owes_check = 1 OR test_day > 0 ORDER BY site_id, person_id";
}

// ---- 3. The peer's open-loop report ----

std::string OpenLoopSql(const QuarantineRules& rules) {
  std::string sql;
  for (int s = 0; s < kStateCount; ++s) {
    const State st = static_cast<State>(s);
    const Millis after = rules.open_loop_after[s];
    if (IsFinal(st) || after < 0) continue;
    const char* from = st == State::kPickupScheduled ? "pickup_at" : st == State::kCheckedIn ? "q_end" : "since";
    if (!sql.empty()) sql += " UNION ALL ";
    sql += "SELECT " + std::to_string(s) + " AS st, person_id, since, " + from + " + " + std::to_string(after) +
           " AS due FROM q_board WHERE status = '" + std::string(StateName(st)) + "' AND " + from + " < " +
           std::to_string(kNow - after);
  }
  return "SELECT st, person_id, since, due FROM (" + sql + ") x ORDER BY st, due, person_id";
}

// ---- 4. The peer's call lists ----

std::string CallListSql(const livelihood::CareRules& rules) {
  // The best kind's priority, as CareRules' tag masks and priorities say.
  std::vector<std::pair<int, int64_t>> kinds;
  for (int k = 0; k < livelihood::kCareKindCount; ++k) kinds.emplace_back(rules.priority[k], rules.tags[k]);
  std::sort(kinds.begin(), kinds.end());
  std::string prio = "CASE";
  int64_t any = 0;
  for (const auto& [p, mask] : kinds) {
    prio += " WHEN (r.tags & " + std::to_string(mask) + ") <> 0 THEN " + std::to_string(p);
    any |= mask;
  }
  prio += " END";
  const std::string day_end = std::to_string(kDayStart + kDayMs), day_start = std::to_string(kDayStart);
  return "SELECT COALESCE(u.worker_id, b.worker_id, g.head_id, 0) AS caller, r.id, " + prio +
         " AS priority, CASE WHEN c.at >= " + day_start +
         " THEN 1 ELSE 0 END AS called_today, CASE WHEN c.outcome = 'not_reached' THEN 1 ELSE 0 END AS misses, c.at, "
         "r.name, r.phone, g.grid_code FROM care_residents r "
         "LEFT JOIN care_covers u ON u.area_code = r.unit_code "
         "LEFT JOIN care_covers b ON b.area_code = r.building_code "
         "LEFT JOIN care_grids g ON g.building_code = r.building_code "
         "LEFT JOIN care_calls c ON c.resident_id = r.id AND c.at < " + day_end +
         " AND c.at = (SELECT MAX(c2.at) FROM care_calls c2 WHERE c2.resident_id = r.id AND c2.at < " + day_end +
         ") WHERE (r.tags & " + std::to_string(any) +
         ") <> 0 ORDER BY caller, priority, called_today, misses DESC, CASE WHEN c.at IS NULL THEN 0 ELSE 1 END, c.at, r.id";
}

int Run(const std::string& city_url, const std::string& pg_url, double scale, int runs, int peer_runs,
        int peer_assign_runs, double peer_assign_budget, bool no_peers) {
  auto city = Must(store::Store::Open(city_url), "opening " + city_url);
  Data d;
  auto t = SteadyClock::now();
  LoadContacts(*city, scale, d);
  MakeSites(d);
  LoadRoster(*city, d);
  int64_t close = 0, accessible = 0, children = 0, beds = 0, rooms = 0, access_rooms = 0;
  std::set<int64_t> households;
  for (const Person& p : d.people) {
    close += p.tier == Tier::kClose, accessible += p.needs_accessible, children += p.child;
    households.insert(p.household_id ? p.household_id : -p.id);
  }
  for (const Site& s : d.sites) {
    for (const Room& r : s.rooms) rooms++, beds += r.in_service ? r.beds : 0, access_rooms += r.accessible;
  }
  std::printf("contacts: %zu people in %zu households over %zu districts (%" PRId64 " close, %" PRId64
              " secondary; %" PRId64 " children, %" PRId64 " needing an accessible room)\n",
              d.people.size(), households.size(), d.districts.size(), close, int64_t(d.people.size()) - close, children,
              accessible);
  std::printf("sites: %zu hotels, %" PRId64 " rooms (%" PRId64 " accessible), %" PRId64 " beds in service\n",
              d.sites.size(), rooms, access_rooms, beds);
  std::printf("roster inputs: %zu residents with care tags, %zu grids, %zu workers (楼栋长/单元长), %zu calls so far\n",
              d.residents.size(), d.grids.size(), d.workers.size(), d.calls.size());
  std::printf("loaded and generated in %.1f s\n", bench::Seconds(t));

  std::map<std::string, double> ours;
  std::map<std::string, std::map<std::string, double>> peer_ms;
  std::set<std::string> lower_bound;  // "measure/peer" whose time is a lower bound (stopped by the budget)

  // ---- 1. Assignment ----
  const AssignmentRules arules;
  Assignment a;
  auto ms = Time(runs, [&] { a = Must(Assign(d.sites, {}, d.people, arules, d.points), "Assign"); });
  ours["assign"] = Median(ms);
  ms = Time(runs, [&] { Check(Validate(d.sites, {}, a.placed), "Validate of our assignment"); });
  ours["validate"] = Median(ms);
  std::map<std::string, int64_t> reasons;
  for (const Unplaced& u : a.unplaced) ++reasons[std::string(UnplacedReasonName(u.reason))];
  std::printf("\n== 1. assignment: %zu placed, %zu unplaced", a.placed.size(), a.unplaced.size());
  for (const auto& [r, n] : reasons) std::printf(" (%s %" PRId64 ")", r.c_str(), n);
  std::printf("\n   Assign %.0f ms, Validate %.0f ms (median of %d)\n", ours["assign"], ours["validate"], runs);
  Violations(d, a.placed, "ours");

  // ---- 2, 3. The board ----
  const QuarantineRules qrules;
  const std::vector<BoardEntry> board = MakeBoard(d, a, qrules);
  std::vector<CheckDue> list;
  ms = Time(runs, [&] { list = CheckList(board, qrules, kDayStart); });
  ours["checklist"] = Median(ms);
  std::vector<Stuck> stuck;
  ms = Time(runs, [&] { stuck = OpenLoop(board, qrules, kNow); });
  ours["openloop"] = Median(ms);
  int64_t owes = 0, tests = 0;
  for (const CheckDue& c : list) owes += c.owes_check, tests += c.test_day > 0;
  std::map<State, int64_t> by_state, stuck_by;
  for (const BoardEntry& e : board) ++by_state[e.status];
  for (const Stuck& s : stuck) ++stuck_by[s.status];
  std::printf("\n== 2. the day's check list: %zu people (%" PRId64 " owe today's check, %" PRId64
              " a scheduled test) in %.2f ms\n",
              list.size(), owes, tests, ours["checklist"]);
  std::printf("== 3. open-loop report at 10:00: %zu stuck in %.2f ms; board:", stuck.size(), ours["openloop"]);
  for (const auto& [s, n] : by_state) {
    std::printf(" %s %" PRId64 "/%" PRId64, std::string(StateName(s)).c_str(), stuck_by[s], n);
  }
  std::printf(" (stuck/all)\n");

  // ---- 4. Call lists ----
  const livelihood::CareRules crules;
  livelihood::CallListSet calls;
  ms = Time(runs, [&] { calls = livelihood::FlatCallLists(d.residents, d.grids, d.workers, d.calls, crules, kDayStart); });
  ours["calllists"] = Median(ms);
  const livelihood::CallListSet::List* uncovered = calls.Find(0);
  std::printf("== 4. call lists: %zu rostered in %zu lists (%zu uncovered) in %.0f ms\n", calls.size(),
              calls.lists.size(), uncovered ? size_t{uncovered->end - uncovered->begin} : size_t{0}, ours["calllists"]);

  // Our answers as digests, to compare with the SQL's.
  Digest check_digest, open_digest, call_digest;
  for (const CheckDue& c : list) {
    check_digest.Row();
    for (int64_t v : {c.person_id, c.site_id, int64_t(c.day), int64_t(c.owes_check), int64_t(c.test_day)}) check_digest.Add(v);
  }
  for (const Stuck& s : stuck) {
    open_digest.Row();
    for (int64_t v : {int64_t(s.status), s.person_id, s.since, s.due}) open_digest.Add(v);
  }
  for (const auto& l : calls.lists) {
    for (uint32_t i = l.begin; i < l.end; ++i) {
      call_digest.Row();
      for (int64_t v : {l.caller, calls.At(i).resident_id, int64_t(calls.At(i).priority)}) call_digest.Add(v);
    }
  }

  // ---- The peers ----
  std::vector<Peer> peers;
  if (no_peers) std::printf("\n(--no-peers: ours only, no ratios)\n");
  if (!no_peers) peers.push_back({"sqlite", std::move(city)});
  if (!no_peers && !pg_url.empty()) peers.push_back({"postgres", Must(store::Store::Open(pg_url, {.pool_size = 1}), "opening " + pg_url)});
  const std::vector<PeerUnit> units = PeerUnits(d, arules);
  for (Peer& p : peers) {
    std::printf("\n== peer %s\n", p.name.c_str());
    WritePeerTables(p, d, board, qrules);
    // 1. Assignment, one statement per unit, --peer-assign-runs times (0: skipped).
    std::vector<double> v;
    PeerAssignment pa;
    if (peer_assign_runs > 0) {
      for (int r = 0; r < peer_assign_runs; ++r) {
        if (r > 0) ResetRooms(p);
        const auto tq = SteadyClock::now();
        pa = PeerAssign(p, units, peer_assign_budget);
        v.push_back(bench::Millis(tq));
        if (!pa.finished) break;
      }
      peer_ms["assign"][p.name] = Median(v);
      if (!pa.finished) {
        // Unfinished: the time so far is a lower bound (the ratio printed as "> x").
        lower_bound.insert("assign/" + p.name);
        std::printf("assignment: stopped after %.0f s (--peer-assign-budget), %zu of %zu room units done, "
                    "%zu people placed\n",
                    Median(v) / 1000, pa.units_done, units.size(), pa.placed.size());
      } else {
        std::printf("assignment: %zu placed, %" PRId64 " unplaced in %.0f ms\n", pa.placed.size(), pa.unplaced_people,
                    Median(v));
      }
      Violations(d, pa.placed, p.name.c_str());
      if (pa.finished && pa.placed.size() != a.placed.size()) {
        // Comparable only when the peer never met a household it could not keep at its
        // first unit's site (Assign then tries the next site; the SQL loop gives up).
        if (pa.split_households == 0) {
          Mismatch("%s: the SQL placed %zu people, Assign %zu", p.name.c_str(), pa.placed.size(), a.placed.size());
        } else {
          std::printf("!!! %s: the SQL placed %zu people, Assign %zu — not comparable: %" PRId64
                      " households did not fit at their first unit's site, where Assign tries the next\n",
                      p.name.c_str(), pa.placed.size(), a.placed.size(), pa.split_households);
        }
      }
    }
    // 2. The check list.
    const std::string csql = CheckListSql();
    store::Rows rows;
    v = Time(peer_runs, [&] {
      Check(p.s->Read([&](store::Conn& c) -> Status {
              TC_ASSIGN_OR_RETURN(rows, c.Query(csql));
              return Status::Ok();
            }),
            "check list");
    });
    peer_ms["checklist"][p.name] = Median(v);
    Digest dg;
    for (const auto& r : rows.rows) {
      dg.Row();
      for (size_t i = 0; i < 5; ++i) dg.Add(r.Int(i));
    }
    std::printf("check list: %lld rows in %.1f ms\n", static_cast<long long>(dg.n), Median(v));
    if (!(dg == check_digest)) Mismatch("%s: check list of %lld rows differs from ours (%lld)", p.name.c_str(), (long long)dg.n, (long long)check_digest.n);
    // 3. The open-loop report.
    const std::string osql = OpenLoopSql(qrules);
    v = Time(peer_runs, [&] {
      Check(p.s->Read([&](store::Conn& c) -> Status {
              TC_ASSIGN_OR_RETURN(rows, c.Query(osql));
              return Status::Ok();
            }),
            "open loop");
    });
    peer_ms["openloop"][p.name] = Median(v);
    dg = {};
    for (const auto& r : rows.rows) {
      dg.Row();
      for (size_t i = 0; i < 4; ++i) dg.Add(r.Int(i));
    }
    std::printf("open-loop report: %lld rows in %.1f ms\n", static_cast<long long>(dg.n), Median(v));
    if (!(dg == open_digest)) Mismatch("%s: open-loop report of %lld rows differs from ours (%lld)", p.name.c_str(), (long long)dg.n, (long long)open_digest.n);
    // 4. The call lists.
    const std::string lsql = CallListSql(crules);
    v = Time(peer_runs, [&] {
      Check(p.s->Read([&](store::Conn& c) -> Status {
              TC_ASSIGN_OR_RETURN(rows, c.Query(lsql));
              return Status::Ok();
            }),
            "call lists");
    });
    peer_ms["calllists"][p.name] = Median(v);
    dg = {};
    for (const auto& r : rows.rows) {
      dg.Row();
      for (size_t i = 0; i < 3; ++i) dg.Add(r.Int(i));
    }
    std::printf("call lists: %lld rows in %.0f ms\n", static_cast<long long>(dg.n), Median(v));
    if (!(dg == call_digest)) Mismatch("%s: call lists of %lld rows differ from ours (%lld)", p.name.c_str(), (long long)dg.n, (long long)call_digest.n);
  }

  std::printf("\n%-40s %12s %12s %12s %9s  %s\n", "measure (ms, medians)", "ours", "sqlite", "postgres", "ratio", "goal");
  auto line = [&](const char* name, const std::string& key, const char* goal) {
    const auto& p = peer_ms[key];
    double best = 0;
    bool best_bound = false;  // the best peer's time is a lower bound: so is the ratio
    for (const auto& [n, v] : p) {
      if (best == 0 || v < best) best = v, best_bound = lower_bound.contains(key + "/" + n);
    }
    auto cell = [&](const char* n) {
      char b[32];
      if (!p.contains(n)) return std::string("-");
      std::snprintf(b, sizeof b, "%s%.1f", lower_bound.contains(key + "/" + n) ? ">" : "", p.at(n));
      return std::string(b);
    };
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%s%.0fx", best_bound ? ">" : "", best / std::max(ours[key], 1e-3));
    std::printf("%-40s %12.2f %12s %12s %9s  %s\n", name, ours[key], cell("sqlite").c_str(), cell("postgres").c_str(),
                ratio, goal);
  };
  line("1. assignment of every contact", "assign", "< 5000 ms, >= 10x");
  std::printf("%-40s %12.2f\n", "   Validate of the answer", ours["validate"]);
  line("2. the day's health-check list", "checklist", "< 200 ms, >= 10x");
  line("3. the open-loop report", "openloop", "< 200 ms, >= 10x");
  line("4. the special-care call lists", "calllists", ">= 10x");
  std::printf("answers: %s\n", g_ok ? "no violations; ours equal the SQL peers' on every store" : "!!! MISMATCH or VIOLATION (see above)");
  return g_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Issue 20's benchmark: quarantine assignment, the day's lists, the call lists"};
  std::string city, pg;
  double scale = 1.0;
  int runs = 5, peer_runs = 3, peer_assign_runs = 1;
  double peer_assign_budget = 300;
  bool no_peers = false;
  app.add_option("--city", city, "A SQLite copy of a generated city (sqlite:PATH); the peer's tables are written into it")
      ->required();
  app.add_option("--pg", pg, "A PostgreSQL database for the peer (optional)");
  app.add_option("--scale", scale, "1.0: 316,000 contacts")->capture_default_str();
  app.add_option("--runs", runs, "Runs of ours (the median is reported)")->capture_default_str();
  app.add_option("--peer-runs", peer_runs, "Runs of the SQL peers' lists")->capture_default_str();
  app.add_option("--peer-assign-runs", peer_assign_runs, "Runs of the SQL peers' assignment (slow)")->capture_default_str();
  app.add_option("--peer-assign-budget", peer_assign_budget,
                 "Seconds after which a peer's assignment loop stops (its time then a lower bound; 0: no limit)")
      ->capture_default_str();
  app.add_flag("--no-peers", no_peers, "Ours only (for profiling; prints no ratios)");
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress as it comes, also into a file
  return Run(city, pg, scale, runs, peer_runs, peer_assign_runs, peer_assign_budget, no_peers);
}
