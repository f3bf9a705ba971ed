#include "quarantine/assignment.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace tc::quarantine {
namespace {

constexpr int kBuckets = 2 * kMaxBeds;  // beds 1–4 × accessible or not
constexpr int kCompactAfterDead = 16;   // dead sites met in one scan before a district's list is compacted

int Bucket(int beds, bool accessible) { return (beds - 1) + (accessible ? kMaxBeds : 0); }

// A household key: its id, or the person's own (negated) for a household of one.
int64_t HouseholdKey(int64_t household_id, int64_t person_id) { return household_id != 0 ? household_id : -person_id; }

// Free rooms of one site, by bucket; each list holds room indices highest id first, so
// pop_back takes the lowest.
struct SiteSlot {
  std::array<std::vector<int32_t>, kBuckets> free;
  int64_t capacity_left = 0;
  int64_t free_rooms = 0;
  bool Live() const { return free_rooms > 0 && capacity_left > 0; }
};

struct Unit {
  std::vector<int32_t> members;  // indices into people
  bool accessible = false;
  bool shared = false;  // a household's shared room: may be split over rooms of one site
  int size() const { return static_cast<int>(members.size()); }
};

// The bucket order a unit of `size` tries: plain rooms smallest first, then accessible
// ones (only accessible ones when it needs one).
template <typename F>
bool ForEachBucket(int size, bool accessible, F&& f) {
  if (!accessible) {
    for (int b = size; b <= kMaxBeds; ++b) {
      if (f(Bucket(b, false))) return true;
    }
  }
  for (int b = size; b <= kMaxBeds; ++b) {
    if (f(Bucket(b, true))) return true;
  }
  return false;
}

// Free rooms per bucket of a site (or of all sites, for a quick no).
std::array<int64_t, kBuckets> Counts(const SiteSlot& slot) {
  std::array<int64_t, kBuckets> n;
  for (int b = 0; b < kBuckets; ++b) n[b] = static_cast<int64_t>(slot.free[b].size());
  return n;
}

// Chooses a bucket per unit among `left` free rooms, all or nothing (units are sorted
// hardest first).
bool Fit(std::array<int64_t, kBuckets> left, int64_t capacity, const std::vector<Unit>& units, int people,
         std::vector<int>& chosen) {
  if (people > capacity) return false;
  chosen.clear();
  for (const Unit& u : units) {
    const bool ok = ForEachBucket(u.size(), u.accessible, [&](int b) {
      if (left[b] == 0) return false;
      --left[b];
      chosen.push_back(b);
      return true;
    });
    if (!ok) return false;
  }
  return true;
}

// The ways to seat `n` people in exactly `k` rooms of at most `largest` beds, room sizes
// largest first; the most even first (3+2 before 4+1), so no household takes big rooms
// it does not need.
void Shapes(int n, int k, int largest, std::vector<int>& shape, std::vector<std::vector<int>>& out) {
  if (k == 0) {
    if (n == 0) out.push_back(shape);
    return;
  }
  const int most = std::min({largest, n - (k - 1), shape.empty() ? largest : shape.back()});
  for (int size = (n + k - 1) / k; size <= most; ++size) {
    shape.push_back(size);
    Shapes(n - size, k - 1, largest, shape, out);
    shape.pop_back();
  }
}

double Dist2(const GeoPoint& a, const GeoPoint& b) {
  const double k = std::cos((a.lat + b.lat) * 0.5 * std::numbers::pi / 180.0);
  const double dx = (a.lon - b.lon) * k, dy = a.lat - b.lat;
  return dx * dx + dy * dy;
}

std::string UnitsText(const std::vector<Unit>& units) {
  std::string s;
  for (const Unit& u : units) {
    if (!s.empty()) s += ", ";
    s += std::to_string(u.size()) + (u.size() == 1 ? " bed" : " beds") + (u.accessible ? " accessible" : "");
  }
  return s;
}

class Assigner {
 public:
  Assigner(std::span<const Site> sites, std::span<const Person> people, const AssignmentRules& rules,
           std::span<const DistrictPoint> district_points)
      : sites_(sites), people_(people), rules_(rules) {
    for (const DistrictPoint& d : district_points) ref_[d.district] = d.point;
  }

  Status Prepare(std::span<const Booking> existing);
  Assignment Run(std::span<const Booking> existing);

 private:
  void PlaceHousehold(std::vector<int32_t>& members, Assignment& out);
  void FormUnits(std::vector<int32_t> members, bool shared, std::vector<Unit>& units, Assignment& out);
  std::vector<Unit> Split(const Unit& unit, const std::vector<int>& sizes) const;
  std::vector<int32_t>& Order(const std::string& district);
  void Unplace(int32_t i, UnplacedReason r, std::string message, Assignment& out) {
    out.unplaced.push_back({people_[i].id, people_[i].household_id, r, std::move(message)});
  }

  std::span<const Site> sites_;
  std::span<const Person> people_;
  const AssignmentRules& rules_;
  std::vector<SiteSlot> slots_;
  std::unordered_map<int64_t, int32_t> site_index_;
  std::vector<std::unordered_map<int64_t, int32_t>> room_index_;
  std::unordered_map<std::string, GeoPoint> ref_;
  std::unordered_map<std::string, std::vector<int32_t>> order_;  // per district: live sites, nearest first
  std::array<int64_t, kBuckets> global_free_{};
  int largest_room_ = 0;
};

Status Assigner::Prepare(std::span<const Booking> existing) {
  slots_.resize(sites_.size());
  room_index_.resize(sites_.size());
  std::unordered_map<std::string, std::pair<GeoPoint, int>> sums;
  for (size_t s = 0; s < sites_.size(); ++s) {
    const Site& site = sites_[s];
    if (!site_index_.emplace(site.id, static_cast<int32_t>(s)).second) {
      return FieldInvalid("sites[" + std::to_string(s) + "].id",
                          "site " + std::to_string(site.id) + " is listed twice");
    }
    if (site.capacity < 0) {
      return FieldInvalid("sites[" + std::to_string(s) + "].capacity",
                          "site " + std::to_string(site.id) + " has a negative capacity");
    }
    int64_t beds = 0;
    for (size_t r = 0; r < site.rooms.size(); ++r) {
      const Room& room = site.rooms[r];
      const std::string f = "sites[" + std::to_string(s) + "].rooms[" + std::to_string(r) + "]";
      if (room.beds < 1 || room.beds > kMaxBeds) {
        return FieldInvalid(f + ".beds", "room " + std::to_string(room.id) + " at site " + std::to_string(site.id) +
                                             " has " + std::to_string(room.beds) + " beds; a room has 1–4");
      }
      if (!room_index_[s].emplace(room.id, static_cast<int32_t>(r)).second) {
        return FieldInvalid(
            f + ".id", "room " + std::to_string(room.id) + " at site " + std::to_string(site.id) + " is listed twice");
      }
      beds += room.beds;
      if (site.open && room.in_service) largest_room_ = std::max(largest_room_, room.beds);
    }
    slots_[s].capacity_left = site.capacity ? site.capacity : beds;
  }
  // A district's reference point: the mean of its sites' points, summed in id order so
  // the answer does not depend on the order of the input.
  std::vector<int32_t> by_id(sites_.size());
  std::iota(by_id.begin(), by_id.end(), 0);
  std::sort(by_id.begin(), by_id.end(), [&](int32_t a, int32_t b) { return sites_[a].id < sites_[b].id; });
  for (int32_t s : by_id) {
    const Site& site = sites_[s];
    if (!site.point) continue;
    auto& [sum, n] = sums[site.district];
    sum.lon += site.point->lon;
    sum.lat += site.point->lat;
    ++n;
  }
  for (const auto& [district, sum] : sums) {
    ref_.try_emplace(district, GeoPoint{sum.first.lon / sum.second, sum.first.lat / sum.second});
  }
  // Occupied rooms and people already in each site.
  std::vector<std::vector<bool>> taken(sites_.size());
  for (size_t s = 0; s < sites_.size(); ++s) taken[s].assign(sites_[s].rooms.size(), false);
  for (const Booking& b : existing) {
    const auto site = site_index_.find(b.site_id);
    if (site == site_index_.end()) continue;  // Validate's concern
    --slots_[site->second].capacity_left;
    const auto room = room_index_[site->second].find(b.room_id);
    if (room != room_index_[site->second].end()) taken[site->second][room->second] = true;
  }
  for (size_t s = 0; s < sites_.size(); ++s) {
    const Site& site = sites_[s];
    if (!site.open) continue;
    std::vector<int32_t> idx(site.rooms.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) { return site.rooms[a].id > site.rooms[b].id; });
    for (int32_t r : idx) {
      const Room& room = site.rooms[r];
      if (!room.in_service || taken[s][r]) continue;
      const int b = Bucket(room.beds, room.accessible);
      slots_[s].free[b].push_back(r);
      ++slots_[s].free_rooms;
      ++global_free_[b];
    }
  }
  return Status::Ok();
}

// The live sites for a person of `district`, own district first, then nearest; built
// once per district, compacted as sites fill.
std::vector<int32_t>& Assigner::Order(const std::string& district) {
  auto [it, fresh] = order_.try_emplace(district);
  if (!fresh) return it->second;
  std::vector<int32_t>& order = it->second;
  const auto ref = ref_.find(district);
  struct Key {
    int group;  // 0 own district, 1 others with a point, 2 others without
    double d2;
    int64_t id;
    int32_t s;
  };
  std::vector<Key> keys;
  for (size_t s = 0; s < sites_.size(); ++s) {
    const Site& site = sites_[s];
    if (!site.open || !slots_[s].Live()) continue;
    Key k{2, 0, site.id, static_cast<int32_t>(s)};
    if (site.district == district) {
      k.group = 0;
    } else if (ref != ref_.end()) {
      std::optional<GeoPoint> p = site.point;
      if (!p) {
        const auto theirs = ref_.find(site.district);
        if (theirs != ref_.end()) p = theirs->second;
      }
      if (p) {
        k.group = 1;
        k.d2 = Dist2(ref->second, *p);
      }
    }
    keys.push_back(k);
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.group != b.group) return a.group < b.group;
    if (a.d2 != b.d2) return a.d2 < b.d2;
    return a.id < b.id;
  });
  order.reserve(keys.size());
  for (const Key& k : keys) order.push_back(k.s);
  return order;
}

// Splits a household's members of one tier into units: one shared room, or single
// rooms with children joining their guardian (a child left alone is unplaced).
void Assigner::FormUnits(std::vector<int32_t> members, bool shared, std::vector<Unit>& units, Assignment& out) {
  if (members.empty()) return;
  const int64_t household = people_[members[0]].household_id;
  if (shared && members.size() > 1) {
    const bool all_children = std::all_of(members.begin(), members.end(), [&](int32_t i) { return people_[i].child; });
    if (all_children) {
      for (int32_t i : members) {
        Unplace(i, UnplacedReason::kNoGuardian,
                "child " + std::to_string(people_[i].id) + " of household " + std::to_string(household) +
                    " would be in a room without a guardian",
                out);
      }
      return;
    }
    Unit u;
    u.shared = true;
    u.members = std::move(members);
    for (int32_t i : u.members) u.accessible |= people_[i].needs_accessible;
    units.push_back(std::move(u));
  } else {
    std::unordered_map<int64_t, size_t> unit_of;  // guardian's person id → unit
    for (int32_t i : members) {
      if (people_[i].child) continue;
      unit_of[people_[i].id] = units.size();
      units.push_back({{i}, people_[i].needs_accessible});
    }
    for (int32_t i : members) {
      if (!people_[i].child) continue;
      const auto g = unit_of.find(people_[i].guardian_id);
      if (g == unit_of.end()) {
        Unplace(i, UnplacedReason::kNoGuardian,
                "child " + std::to_string(people_[i].id) + " would be alone in a room: guardian " +
                    std::to_string(people_[i].guardian_id) + " is not placed with it in the same tier",
                out);
        continue;
      }
      Unit& u = units[g->second];
      u.members.push_back(i);
      u.accessible |= people_[i].needs_accessible;
    }
  }
}

// Seats a shared unit in rooms of `sizes` (largest first): one adult in each room first,
// guardians with the most children first, each with its children while beds last; then
// the other adults, then the children left over (guardian's room full, or guardian not
// here), each in the room with the most beds left. Needs as many adults as rooms.
std::vector<Unit> Assigner::Split(const Unit& unit, const std::vector<int>& sizes) const {
  std::vector<Unit> rooms(sizes.size());
  std::vector<int> space(sizes.begin(), sizes.end());
  std::vector<int32_t> adults, loose;
  std::unordered_map<int64_t, std::vector<int32_t>> children;  // guardian's person id → children here
  for (int32_t i : unit.members) {
    if (!people_[i].child) adults.push_back(i);
  }
  for (int32_t i : unit.members) {
    if (!people_[i].child) continue;
    const bool guardian_here = std::any_of(adults.begin(), adults.end(),
                                           [&](int32_t a) { return people_[a].id == people_[i].guardian_id; });
    (guardian_here ? children[people_[i].guardian_id] : loose).push_back(i);
  }
  const auto count = [&](int32_t a) {
    const auto c = children.find(people_[a].id);
    return c == children.end() ? size_t{0} : c->second.size();
  };
  std::stable_sort(adults.begin(), adults.end(), [&](int32_t a, int32_t b) { return count(a) > count(b); });
  const auto seat = [&](size_t r, int32_t i) {
    rooms[r].members.push_back(i);
    rooms[r].accessible |= people_[i].needs_accessible;
    --space[r];
  };
  const auto roomiest = [&] { return static_cast<size_t>(std::max_element(space.begin(), space.end()) - space.begin()); };
  std::vector<int32_t> overflow;
  for (size_t a = 0; a < adults.size(); ++a) {
    const size_t r = a < rooms.size() ? a : roomiest();
    seat(r, adults[a]);
    if (const auto c = children.find(people_[adults[a]].id); c != children.end()) {
      for (int32_t child : c->second) {
        if (space[r] > 0) {
          seat(r, child);
        } else {
          overflow.push_back(child);
        }
      }
    }
  }
  for (int32_t child : overflow) seat(roomiest(), child);
  for (int32_t child : loose) seat(roomiest(), child);
  return rooms;
}

void Assigner::PlaceHousehold(std::vector<int32_t>& members, Assignment& out) {
  std::vector<int32_t> close, secondary;
  for (int32_t i : members) (people_[i].tier == Tier::kClose ? close : secondary).push_back(i);
  const int64_t household = people_[members[0]].household_id;
  std::vector<Unit> units;
  const bool close_shared = rules_.close_household_shares && secondary.empty();
  FormUnits(close, close_shared, units, out);
  FormUnits(secondary, rules_.secondary_household_shares, units, out);
  if (units.empty()) return;
  int people = 0;
  for (const Unit& u : units) people += u.size();
  const auto unplace_all = [&](UnplacedReason r, const std::string& m) {
    for (const Unit& u : units) {
      for (int32_t i : u.members) Unplace(i, r, m, out);
    }
  };
  const std::string who =
      household != 0 ? "household " + std::to_string(household) : "person " + std::to_string(people_[members[0]].id);
  // The largest room any open site has (none: every plan fails the quick no below).
  const int largest = largest_room_ > 0 ? largest_room_ : kMaxBeds;
  // At most one unit is a shared room of several people (close contacts share only when
  // the household has no secondary ones); it may be split over rooms of its site.
  std::vector<Unit> fixed;
  std::optional<Unit> shared;
  for (const Unit& u : units) {
    if (u.shared && u.size() > 1) {
      shared = u;
    } else {
      fixed.push_back(u);
    }
  }
  for (const Unit& u : fixed) {
    if (u.size() > largest) {
      unplace_all(UnplacedReason::kHouseholdLargerThanAnyRoom,
                  who + ": person " + std::to_string(people_[u.members[0]].id) + " with " +
                      std::to_string(u.size() - 1) + " children would need a room of " + std::to_string(u.size()) +
                      " beds; the largest room has " + std::to_string(largest));
      return;
    }
  }
  // Rooms for the shared unit: one when a room fits, else the fewest that do, each
  // with an adult of the household to accompany its children.
  int fewest = 1, most = 1;
  if (shared) {
    const int n = shared->size();
    const int adults =
        static_cast<int>(std::count_if(shared->members.begin(), shared->members.end(), [&](int32_t i) { return !people_[i].child; }));
    fewest = (n + largest - 1) / largest;
    most = std::min(adults, n);
    if (fewest > most) {
      unplace_all(UnplacedReason::kHouseholdLargerThanAnyRoom,
                  who + ": " + std::to_string(n) + " people would need " + std::to_string(fewest) +
                      " rooms (the largest room has " + std::to_string(largest) + " beds) but only " +
                      std::to_string(adults) + (adults == 1 ? " adult" : " adults") +
                      " to accompany the children in them");
      return;
    }
  }
  // The plans with `rooms` rooms for the shared unit, hardest unit first (accessible,
  // then larger), those no free rooms anywhere could take dropped.
  const auto plans_with = [&](int rooms) {
    std::vector<std::vector<Unit>> plans;
    std::vector<std::vector<int>> shapes;
    if (shared) {
      std::vector<int> shape;
      Shapes(shared->size(), rooms, largest, shape, shapes);
    } else {
      shapes.emplace_back();
    }
    for (const std::vector<int>& shape : shapes) {
      std::vector<Unit> plan = fixed;
      if (shared) {
        if (rooms == 1) {
          plan.push_back(*shared);
        } else {
          for (Unit& u : Split(*shared, shape)) plan.push_back(std::move(u));
        }
      }
      std::stable_sort(plan.begin(), plan.end(), [](const Unit& a, const Unit& b) {
        if (a.accessible != b.accessible) return a.accessible;
        return a.size() > b.size();
      });
      plans.push_back(std::move(plan));
    }
    return plans;
  };
  std::vector<std::vector<Unit>> plans = plans_with(fewest);
  const std::vector<Unit>& first_plan = plans.front();
  const std::string no_room = who + ": no open site has " + std::to_string(first_plan.size()) +
                              (first_plan.size() == 1 ? " room" : " rooms") + " (" + UnitsText(first_plan) +
                              ") free for " + std::to_string(people) + (people == 1 ? " person" : " people");
  const Person& first = people_[*std::min_element(members.begin(), members.end(),
                                                  [&](int32_t a, int32_t b) { return people_[a].id < people_[b].id; })];
  std::vector<int32_t>& sites = Order(first.district);
  std::vector<int> chosen;
  int32_t found = -1;
  std::vector<Unit> plan;
  for (int rooms = fewest; rooms <= most && found < 0; ++rooms) {
    std::vector<std::vector<Unit>> candidates = rooms == fewest ? plans : plans_with(rooms);
    // A quick no: the free rooms of all sites together could not take the plan.
    std::erase_if(candidates, [&](const std::vector<Unit>& c) {
      return !Fit(global_free_, std::numeric_limits<int64_t>::max(), c, people, chosen);
    });
    if (candidates.empty()) continue;
    // Nearest site first; at a site the most even plan that fits.
    int dead = 0;
    for (int32_t s : sites) {
      if (!slots_[s].Live()) {
        ++dead;
        continue;
      }
      const std::array<int64_t, kBuckets> counts = Counts(slots_[s]);
      for (std::vector<Unit>& c : candidates) {
        if (Fit(counts, slots_[s].capacity_left, c, people, chosen)) {
          found = s;
          plan = std::move(c);
          break;
        }
      }
      if (found >= 0) break;
    }
    if (dead >= kCompactAfterDead) std::erase_if(sites, [&](int32_t s) { return !slots_[s].Live(); });
  }
  if (found < 0) {
    unplace_all(UnplacedReason::kNoCapacity, no_room);
    return;
  }
  // The first room is the lowest free id of its kind; the household's other rooms the
  // free ones of their kinds with ids nearest it (rooms numbered along a floor).
  SiteSlot& slot = slots_[found];
  const Site& site = sites_[found];
  std::optional<int64_t> anchor;
  for (size_t k = 0; k < plan.size(); ++k) {
    const int b = chosen[k];
    std::vector<int32_t>& list = slot.free[b];  // highest id first
    size_t pos = list.size() - 1;
    if (anchor) {
      // The first room with an id below the anchor's, and the one before it (above).
      const auto below = std::partition_point(list.begin(), list.end(),
                                              [&](int32_t r) { return site.rooms[r].id > *anchor; });
      pos = static_cast<size_t>(below - list.begin());
      if (pos == list.size() ||
          (pos > 0 && site.rooms[list[pos - 1]].id - *anchor < *anchor - site.rooms[list[pos]].id)) {
        --pos;
      }
    }
    const int32_t r = list[pos];
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(pos));
    if (!anchor) anchor = site.rooms[r].id;
    --slot.free_rooms;
    --global_free_[b];
    for (int32_t i : plan[k].members) {
      out.placed.push_back({people_[i].id, people_[i].household_id, site.id, site.rooms[r].id});
    }
  }
  slot.capacity_left -= people;
}

Assignment Assigner::Run(std::span<const Booking> existing) {
  Assignment out;
  std::unordered_map<int64_t, const Booking*> booked;
  booked.reserve(existing.size());
  for (const Booking& b : existing) booked.emplace(b.person_id, &b);
  // People by id; duplicates, the booked and the exposed are answered at once.
  std::vector<int32_t> idx(people_.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) {
    return people_[a].id != people_[b].id ? people_[a].id < people_[b].id : a < b;
  });
  std::vector<std::pair<int64_t, int32_t>> by_household;  // (key, person index)
  by_household.reserve(idx.size());
  for (size_t k = 0; k < idx.size(); ++k) {
    const Person& p = people_[idx[k]];
    const std::string id = std::to_string(p.id);
    if (k > 0 && people_[idx[k - 1]].id == p.id) {
      Unplace(idx[k], UnplacedReason::kAlreadyPlaced, "person " + id + " is listed twice", out);
    } else if (const auto b = booked.find(p.id); b != booked.end()) {
      Unplace(idx[k], UnplacedReason::kAlreadyPlaced,
              "person " + id + " is already in room " + std::to_string(b->second->room_id) + " at site " +
                  std::to_string(b->second->site_id),
              out);
    } else if (!IsQuarantineTier(p.tier)) {
      Unplace(idx[k], UnplacedReason::kNotQuarantined,
              "person " + id + " is in the " + std::string(tracing::TierName(p.tier)) +
                  " tier: health monitoring, not a room",
              out);
    } else {
      by_household.emplace_back(HouseholdKey(p.household_id, p.id), idx[k]);
    }
  }
  std::sort(by_household.begin(), by_household.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : people_[a.second].id < people_[b.second].id;
  });
  struct Group {
    size_t begin, end;
    bool close, accessible;
    int64_t first_id;
  };
  std::vector<Group> groups;
  for (size_t k = 0; k < by_household.size();) {
    Group g{k, k, false, false, people_[by_household[k].second].id};
    while (g.end < by_household.size() && by_household[g.end].first == by_household[k].first) {
      const Person& p = people_[by_household[g.end].second];
      g.close |= p.tier == Tier::kClose;
      g.accessible |= p.needs_accessible;
      ++g.end;
    }
    k = g.end;
    groups.push_back(g);
  }
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    if (a.close != b.close) return a.close;
    if (a.accessible != b.accessible) return a.accessible;
    if (a.end - a.begin != b.end - b.begin) return a.end - a.begin > b.end - b.begin;
    return a.first_id < b.first_id;
  });
  out.placed.reserve(by_household.size());
  std::vector<int32_t> members;
  for (const Group& g : groups) {
    members.clear();
    for (size_t k = g.begin; k < g.end; ++k) members.push_back(by_household[k].second);
    PlaceHousehold(members, out);
  }
  std::sort(out.placed.begin(), out.placed.end(),
            [](const Booking& a, const Booking& b) { return a.person_id < b.person_id; });
  std::stable_sort(out.unplaced.begin(), out.unplaced.end(),
                   [](const Unplaced& a, const Unplaced& b) { return a.person_id < b.person_id; });
  return out;
}

}  // namespace

std::string_view UnplacedReasonName(UnplacedReason r) {
  switch (r) {
    case UnplacedReason::kNoCapacity:
      return "no_capacity";
    case UnplacedReason::kHouseholdLargerThanAnyRoom:
      return "household_larger_than_any_room";
    case UnplacedReason::kNoGuardian:
      return "no_guardian";
    case UnplacedReason::kNotQuarantined:
      return "not_quarantined";
    case UnplacedReason::kAlreadyPlaced:
      return "already_placed";
  }
  return "";
}

Result<Assignment> Assign(std::span<const Site> sites, std::span<const Booking> existing,
                          std::span<const Person> people, const AssignmentRules& rules,
                          std::span<const DistrictPoint> district_points) {
  Assigner a(sites, people, rules, district_points);
  TC_RETURN_IF_ERROR(a.Prepare(existing));
  return a.Run(existing);
}

Status Validate(std::span<const Site> sites, std::span<const Booking> existing, std::span<const Booking> proposed) {
  struct SiteInfo {
    const Site* site = nullptr;
    int64_t capacity = 0;
    std::unordered_map<int64_t, const Room*> rooms;
  };
  std::unordered_map<int64_t, SiteInfo> site_of;
  for (const Site& s : sites) {
    SiteInfo& info = site_of[s.id];
    info.site = &s;
    int64_t beds = 0;
    for (const Room& r : s.rooms) {
      info.rooms.emplace(r.id, &r);
      beds += r.beds;
    }
    info.capacity = s.capacity ? s.capacity : beds;
  }
  struct RoomUse {
    int64_t household = 0;
    int people = 0;
  };
  std::unordered_map<int64_t, std::unordered_map<int64_t, RoomUse>> rooms;  // site → room → use
  std::unordered_map<int64_t, int64_t> site_people;
  std::unordered_map<int64_t, const Booking*> person;
  for (const Booking& b : existing) {
    RoomUse& u = rooms[b.site_id][b.room_id];
    u.household = HouseholdKey(b.household_id, b.person_id);
    ++u.people;
    ++site_people[b.site_id];
    person.emplace(b.person_id, &b);
  }
  for (const Booking& b : proposed) {
    const std::string who = "person " + std::to_string(b.person_id);
    const std::string where = "room " + std::to_string(b.room_id) + " at site " + std::to_string(b.site_id);
    const auto s = site_of.find(b.site_id);
    if (s == site_of.end()) return NoSuch("site " + std::to_string(b.site_id));
    const Site& site = *s->second.site;
    const auto found = s->second.rooms.find(b.room_id);
    if (found == s->second.rooms.end()) return NoSuch(where);
    const Room* room = found->second;
    if (!site.open)
      return Conflict("site " + std::to_string(site.id) + " is closed; " + who + " cannot check in there");
    if (!room->in_service) return Conflict(where + " is out of service");
    if (const auto p = person.find(b.person_id); p != person.end()) {
      return Conflict(who + " is already assigned to room " + std::to_string(p->second->room_id) + " at site " +
                      std::to_string(p->second->site_id));
    }
    RoomUse& u = rooms[b.site_id][b.room_id];
    const int64_t household = HouseholdKey(b.household_id, b.person_id);
    if (u.people > 0 && u.household != household) {
      return Conflict(where + " is already occupied by another household; " + who + " (household " +
                      std::to_string(b.household_id) + ") cannot be assigned to it");
    }
    if (u.people + 1 > room->beds) {
      return Conflict(where + " has " + std::to_string(room->beds) + (room->beds == 1 ? " bed" : " beds") +
                      ", all taken; " + who + " would exceed it");
    }
    const int64_t capacity = s->second.capacity;
    int64_t& in_site = site_people[b.site_id];
    if (in_site + 1 > capacity) {
      return Conflict("site " + std::to_string(site.id) + " is full: it holds " + std::to_string(capacity) +
                      " people and has " + std::to_string(in_site) + "; " + who + " would exceed it");
    }
    u.household = household;
    ++u.people;
    ++in_site;
    person.emplace(b.person_id, &b);
  }
  return Status::Ok();
}

}  // namespace tc::quarantine
